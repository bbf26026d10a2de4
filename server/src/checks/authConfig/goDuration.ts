/**
 * Go's time.ParseDuration and Duration.String, because metav1.Duration fields (webhook timeout,
 * authorizedTTL, unauthorizedTTL) are decoded with the former and the apiserver prints values with
 * the latter: `authorizedTTL: -1m` is reported as `Invalid value: "-1m0s"`.
 * Nanoseconds are bigint: a float would lose precision past ~104 days.
 */

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_NS = (1n << 63n) - 1n;

export type ParsedDuration = { ok: true; ns: bigint } | { ok: false; error: string };

const quote = (s: string): string => JSON.stringify(s);

export function parseGoDuration(input: string): ParsedDuration {
  const invalid = (): ParsedDuration => ({ ok: false, error: `time: invalid duration ${quote(input)}` });
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ns: 0n };
  if (s === '') return invalid();
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const whole = m[1];
    const frac = m[2] ?? '';
    if (whole === '' && frac === '') return invalid();
    s = s.slice(m[0].length);
    const unitMatch = /^[^\d.]*/.exec(s)!;
    const unit = unitMatch[0];
    if (unit === '') return { ok: false, error: `time: missing unit in duration ${quote(input)}` };
    const scale = Object.hasOwn(UNIT_NS, unit) ? UNIT_NS[unit] : undefined;
    if (scale === undefined) return { ok: false, error: `time: unknown unit ${quote(unit)} in duration ${quote(input)}` };
    s = s.slice(unit.length);
    let v = BigInt(whole || '0') * scale;
    if (frac !== '') v += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX_NS + (neg ? 1n : 0n)) return invalid();
  }
  return { ok: true, ns: neg ? -total : total };
}

/** Digits of v/scale with the fraction's trailing zeros (and a bare dot) dropped, like Go's fmtFrac. */
function withFraction(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const digits = scale.toString().length - 1;
  const rest = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : `${whole}`;
}

export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${withFraction(u, 1_000n)}µs`;
  if (u < 1_000_000_000n) return `${sign}${withFraction(u, 1_000_000n)}ms`;
  let text = `${withFraction(u % 60_000_000_000n, 1_000_000_000n)}s`;
  const minutes = u / 60_000_000_000n;
  if (minutes > 0n) {
    const hours = minutes / 60n;
    text = `${hours > 0n ? `${hours}h` : ''}${minutes % 60n}m${text}`;
  }
  return sign + text;
}

export const SECOND_NS = 1_000_000_000n;
