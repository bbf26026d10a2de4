/**
 * Validity of the duration and timestamp literals cel-go checks at compile time (k8s-cel.md
 * §0.3, §8.6, §8.16): Go duration syntax (time.ParseDuration) and RFC 3339 timestamps within
 * years 1–9999 (time.Parse(time.RFC3339) plus cel-go's range check). Regex patterns: re2.ts.
 */

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};
const MAX_INT64 = (1n << 63n) - 1n;

/** Go time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or "0"; no days; must fit int64 ns. */
export function isValidDuration(input: string): boolean {
  let s = input;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return true;
  if (s === '') return false;
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const [whole, intPart, fracPart] = m;
    const hasFraction = fracPart !== undefined && fracPart !== '';
    if (intPart === '' && !hasFraction) return false;
    s = s.slice(whole.length);
    const unitMatch = /^[^0-9.]+/.exec(s);
    if (!unitMatch) return false;
    const unit = DURATION_UNITS[unitMatch[0]];
    if (unit === undefined) return false;
    s = s.slice(unitMatch[0].length);
    const v = intPart === '' ? 0n : BigInt(intPart);
    if (v > 1n << 63n) return false;
    let part = v * unit;
    if (hasFraction) part += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += part;
    if (total > MAX_INT64 + (negative ? 1n : 0n)) return false;
  }
  return true;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MIN_UNIX_SECONDS = daysFromCivil(1, 1, 1) * 86400;
const MAX_UNIX_SECONDS = daysFromCivil(9999, 12, 31) * 86400 + 86399;

/** `timestamp(<int>)`: seconds since the epoch, within cel-go's year 1..9999 range. */
export function isValidTimestampSeconds(seconds: bigint): boolean {
  return seconds >= BigInt(MIN_UNIX_SECONDS) && seconds <= BigInt(MAX_UNIX_SECONDS);
}

/** RFC 3339 as Go's time.Parse(time.RFC3339) accepts it, within cel-go's year 1..9999 range. */
export function isValidTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,]\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  let offset = 0;
  if (m[7] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return false;
    offset = (m[8] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const unix = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return unix >= MIN_UNIX_SECONDS && unix <= MAX_UNIX_SECONDS;
}
