/**
 * Validity of the literal arguments cel-go checks at compile time (k8s-cel.md §0.3, §8.6):
 * Go duration syntax (time.ParseDuration), RFC 3339 timestamps within years 1–9999
 * (time.Parse(time.RFC3339) plus cel-go's range check), and RE2 pattern syntax
 * (Go regexp/syntax with Perl flags). Each function answers only "would Go accept it".
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

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const MAX_REPEAT = 1000;

class Re2SyntaxError extends Error {}

/**
 * A recognizer for Go's regexp/syntax (Perl flags): rejects what RE2 rejects — lookarounds,
 * backreferences, unknown escapes, unbalanced groups and classes, bad repetitions — and accepts
 * RE2 extras JavaScript lacks (`(?i)` flag groups, `(?P<n>..)`, `\z`, `\Q..\E`, `[[:alpha:]]`).
 */
class Re2Recognizer {
  private i = 0;
  private depth = 0;

  constructor(private readonly p: string) {}

  run(): void {
    this.alternation();
    if (this.i < this.p.length) throw new Re2SyntaxError('unexpected )');
  }

  private fail(msg: string): never {
    throw new Re2SyntaxError(msg);
  }

  private alternation(): void {
    this.concat();
    while (this.p[this.i] === '|') {
      this.i++;
      this.concat();
    }
  }

  private concat(): void {
    let canRepeat = false;
    let lastWasRepeat = false;
    while (this.i < this.p.length) {
      const c = this.p[this.i];
      if (c === '|' || c === ')') return;
      if (c === '*' || c === '+' || c === '?') {
        if (!canRepeat) this.fail('missing argument to repetition operator');
        if (lastWasRepeat) this.fail('invalid nested repetition operator');
        this.i++;
        if (this.p[this.i] === '?') this.i++;
        lastWasRepeat = true;
        continue;
      }
      if (c === '{') {
        const rep = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i));
        if (rep) {
          if (!canRepeat) this.fail('missing argument to repetition operator');
          if (lastWasRepeat) this.fail('invalid nested repetition operator');
          const min = Number(rep[1]);
          const max = rep[3] ? Number(rep[3]) : min;
          if (min > MAX_REPEAT || max > MAX_REPEAT || (rep[3] && max < min)) this.fail('invalid repeat count');
          this.i += rep[0].length;
          if (this.p[this.i] === '?') this.i++;
          lastWasRepeat = true;
          continue;
        }
      }
      lastWasRepeat = false;
      canRepeat = this.atom();
    }
  }

  /** Consumes one atom; returns whether a repetition operator may follow it. */
  private atom(): boolean {
    const c = this.p[this.i];
    switch (c) {
      case '(': this.group(); return true;
      case '[': this.charClass(); return true;
      case '\\': return this.escape(false);
      case '^': case '$': this.i++; return true;
      default:
        this.i += c.codePointAt(0)! > 0xffff ? 2 : 1;
        return true;
    }
  }

  private group(): void {
    this.i++;
    if (++this.depth > 1000) this.fail('expression nests too deeply');
    if (this.p[this.i] === '?') {
      const rest = this.p.slice(this.i + 1);
      const named = /^(?:P?<)([A-Za-z0-9_]+)>/.exec(rest);
      if (named) {
        this.i += 1 + named[0].length;
      } else {
        const flags = /^(-?[imsU]+|[imsU]+-[imsU]*|[imsU]*-[imsU]+)?(\)|:)/.exec(rest);
        if (!flags || (flags[1] === undefined && flags[2] === ')') || flags[1]?.endsWith('-')) this.fail('invalid or unsupported Perl syntax');
        this.i += 1 + flags[0].length;
        if (flags[2] === ')') { this.depth--; return; }
      }
    }
    this.alternation();
    if (this.p[this.i] !== ')') this.fail('missing closing )');
    this.i++;
    this.depth--;
  }

  private charClass(): void {
    this.i++;
    if (this.p[this.i] === '^') this.i++;
    let first = true;
    while (this.i < this.p.length && (this.p[this.i] !== ']' || first)) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.p.slice(this.i));
      if (posix) {
        if (!POSIX_CLASSES.has(posix[2])) this.fail('invalid character class range');
        this.i += posix[0].length;
        continue;
      }
      const lo = this.classChar();
      if (this.p[this.i] === '-' && this.p[this.i + 1] !== ']' && this.i + 1 < this.p.length) {
        this.i++;
        const hi = this.classChar();
        if (lo === undefined || hi === undefined || hi < lo) this.fail('invalid character class range');
      }
    }
    if (this.p[this.i] !== ']') this.fail('missing closing ]');
    this.i++;
  }

  /** One class member; returns its code point, or undefined for a class escape like \d. */
  private classChar(): number | undefined {
    if (this.p[this.i] === '\\') {
      const start = this.i;
      const single = this.escape(true);
      return single ? this.escapedCodePoint(start) : undefined;
    }
    const cp = this.p.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private escapedCodePoint(start: number): number | undefined {
    const body = this.p.slice(start + 1, this.i);
    if (/^x\{[0-9A-Fa-f]+\}$/.test(body)) return parseInt(body.slice(2, -1), 16);
    if (/^x[0-9A-Fa-f]{2}$/.test(body)) return parseInt(body.slice(1), 16);
    if (/^[0-7]{1,3}$/.test(body)) return parseInt(body, 8);
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (body.length === 1 && simple[body] !== undefined) return simple[body];
    return body.codePointAt(0);
  }

  /**
   * Consumes an escape; returns true when it denotes a single character (so it can be a range
   * bound or be repeated), false for classes and assertions.
   */
  private escape(inClass: boolean): boolean {
    this.i++;
    if (this.i >= this.p.length) this.fail('trailing backslash at end of expression');
    const c = this.p[this.i];
    this.i++;
    if (/[1-7]/.test(c)) {
      if (!/[0-7]/.test(this.p[this.i] ?? '')) this.fail('invalid escape sequence'); // backreference
      this.i += /^[0-7]{1,2}/.exec(this.p.slice(this.i))![0].length;
      return true;
    }
    if (c === '0') {
      this.i += /^[0-7]{0,2}/.exec(this.p.slice(this.i))![0].length;
      return true;
    }
    if (c === 'x') {
      const hex = /^(\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{2})/.exec(this.p.slice(this.i));
      if (!hex || (hex[0].startsWith('{') && parseInt(hex[0].slice(1, -1), 16) > 0x10ffff)) this.fail('invalid escape sequence');
      this.i += hex[0].length;
      return true;
    }
    if ('afnrtv'.includes(c)) return true;
    if ('dDsSwW'.includes(c)) return false;
    if (c === 'p' || c === 'P') {
      const name = /^(\{\^?[A-Za-z_]+\}|[A-Za-z])/.exec(this.p.slice(this.i));
      if (!name) this.fail('invalid character class range');
      this.i += name[0].length;
      return false;
    }
    if (!inClass && 'bBAz'.includes(c)) return false;
    if (!inClass && c === 'Q') {
      const end = this.p.indexOf('\\E', this.i);
      this.i = end < 0 ? this.p.length : end + 2;
      return true;
    }
    const code = c.charCodeAt(0);
    if (code < 0x80 && !/[A-Za-z0-9]/.test(c)) return true; // escaped punctuation is literal
    this.fail('invalid escape sequence');
  }
}

/** Whether Go's regexp.Compile (RE2 syntax) accepts `pattern`. */
export function isValidRe2(pattern: string): boolean {
  try {
    new Re2Recognizer(pattern).run();
    return true;
  } catch (e) {
    if (e instanceof Re2SyntaxError || e instanceof RangeError) return false;
    throw e;
  }
}
