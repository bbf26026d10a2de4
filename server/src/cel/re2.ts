/**
 * Go's regexp/syntax (Perl flags, as regexp.Compile uses) as a recognizer: it accepts what RE2
 * accepts — including `(?i)` flag groups, `(?P<n>..)`, `\z`, `\Q..\E`, `[[:alpha:]]` that
 * JavaScript lacks — and for what RE2 rejects (lookarounds, backreferences, unknown escapes,
 * unbalanced groups and classes, bad repetitions) it produces Go's error text,
 * `error parsing regexp: <code>: `<expr>``, which Kubernetes surfaces verbatim.
 */

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const MAX_REPEAT = 1000;
const MAX_NESTING = 1000;

/** Go's regexp/syntax ErrorCode texts. */
const ERR = {
  invalidCharRange: 'invalid character class range',
  invalidEscape: 'invalid escape sequence',
  invalidNamedCapture: 'invalid named capture',
  invalidPerlOp: 'invalid or unsupported Perl syntax',
  invalidRepeatOp: 'invalid nested repetition operator',
  invalidRepeatSize: 'invalid repeat count',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeatArgument: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )',
  nestingDepth: 'expression nests too deeply',
} as const;

class Re2SyntaxError extends Error {
  constructor(readonly code: string, readonly expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

class Re2Recognizer {
  private i = 0;
  private depth = 0;

  constructor(private readonly p: string) {}

  run(): void {
    this.alternation();
    if (this.i < this.p.length) this.fail(ERR.unexpectedParen, this.p);
  }

  private fail(code: string, expr: string): never {
    throw new Re2SyntaxError(code, expr);
  }

  private alternation(): void {
    this.concat();
    while (this.p[this.i] === '|') {
      this.i++;
      this.concat();
    }
  }

  /** A sequence of atoms and repetitions; `canRepeat` is false right after `(`, `|` or the start. */
  private concat(): void {
    let canRepeat = false;
    let lastRepeatStart = -1;
    while (this.i < this.p.length) {
      const c = this.p[this.i];
      if (c === '|' || c === ')') return;
      const start = this.i;
      const op = this.repetitionOperator();
      if (op) {
        // Go checks, in this order: the size, stacked operators (`a**`), a missing operand.
        if (op.badSize) this.fail(ERR.invalidRepeatSize, this.p.slice(start, op.sizeEnd));
        this.i = op.end;
        if (lastRepeatStart >= 0) this.fail(ERR.invalidRepeatOp, this.p.slice(lastRepeatStart, op.endWithoutLazy));
        if (!canRepeat) this.fail(ERR.missingRepeatArgument, this.p.slice(start, this.i));
        lastRepeatStart = start;
        continue;
      }
      lastRepeatStart = -1;
      this.atom();
      canRepeat = true;
    }
  }

  /** A `*`, `+`, `?` or `{n,m}` operator (optionally lazy) at the cursor, without consuming it. */
  private repetitionOperator(): { end: number; endWithoutLazy: number; sizeEnd: number; badSize: boolean } | undefined {
    const c = this.p[this.i];
    let end: number;
    let badSize = false;
    if (c === '*' || c === '+' || c === '?') {
      end = this.i + 1;
    } else if (c === '{') {
      const rep = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i));
      if (!rep) return undefined; // not a repetition: `{` is a literal
      const min = Number(rep[1]);
      const max = rep[2] ? (rep[3] ? Number(rep[3]) : -1) : min;
      badSize = min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max);
      end = this.i + rep[0].length;
    } else {
      return undefined;
    }
    const sizeEnd = end;
    const lazy = this.p[end] === '?';
    return { end: lazy ? end + 1 : end, endWithoutLazy: end, sizeEnd, badSize };
  }

  private atom(): void {
    const c = this.p[this.i];
    switch (c) {
      case '(': this.group(); return;
      case '[': this.charClass(); return;
      case '\\': this.escape(false); return;
      default:
        this.i += c.codePointAt(0)! > 0xffff ? 2 : 1;
    }
  }

  private group(): void {
    const open = this.i;
    this.i++;
    if (++this.depth > MAX_NESTING) this.fail(ERR.nestingDepth, this.p);
    if (this.p[this.i] === '?' && this.groupPrefix(open) === 'flags-only') {
      this.depth--;
      return;
    }
    this.alternation();
    if (this.p[this.i] !== ')') this.fail(ERR.missingParen, this.p);
    this.i++;
    this.depth--;
  }

  /** Consumes `?P<name>`, `?<name>`, `?flags:` or `?flags)` after a `(`. */
  private groupPrefix(open: number): 'group' | 'flags-only' {
    const rest = this.p.slice(this.i + 1);
    if (rest.startsWith('P<') || (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!'))) {
      const named = /^P?<([^>]*)>/.exec(rest);
      if (!named || !/^[A-Za-z0-9_]+$/.test(named[1])) {
        this.fail(ERR.invalidNamedCapture, named ? this.p.slice(open, this.i + 1 + named[0].length) : this.p.slice(open));
      }
      this.i += 1 + named[0].length;
      return 'group';
    }
    // Flags: [imsU]*, optionally `-` and more flags, then `:` or `)`.
    let j = this.i + 1;
    let sawFlag = false;
    let negated = false;
    for (; j < this.p.length; j++) {
      const c = this.p[j];
      if ('imsU'.includes(c)) { sawFlag = true; continue; }
      if (c === '-' && !negated) { negated = true; sawFlag = false; continue; }
      if ((c === ':' || c === ')') && (sawFlag || (!negated && c === ':'))) {
        this.i = j + 1;
        return c === ')' ? 'flags-only' : 'group';
      }
      break;
    }
    return this.fail(ERR.invalidPerlOp, this.p.slice(open, Math.min(j + 1, this.p.length)));
  }

  private charClass(): void {
    const open = this.i;
    this.i++;
    if (this.p[this.i] === '^') this.i++;
    let first = true;
    while (this.i < this.p.length && (this.p[this.i] !== ']' || first)) {
      first = false;
      const posix = /^\[:\^?([a-z]*):\]/.exec(this.p.slice(this.i));
      if (posix) {
        if (!POSIX_CLASSES.has(posix[1])) this.fail(ERR.invalidCharRange, posix[0]);
        this.i += posix[0].length;
        continue;
      }
      const rangeStart = this.i;
      const lo = this.classChar();
      if (this.p[this.i] === '-' && this.p[this.i + 1] !== ']' && this.i + 1 < this.p.length) {
        this.i++;
        const hi = this.classChar();
        if (lo === undefined || hi === undefined || hi < lo) this.fail(ERR.invalidCharRange, this.p.slice(rangeStart, this.i));
      }
    }
    if (this.p[this.i] !== ']') this.fail(ERR.missingBracket, this.p.slice(open));
    this.i++;
  }

  /** One class member; its code point, or undefined for a class escape like \d. */
  private classChar(): number | undefined {
    if (this.p[this.i] === '\\') {
      const start = this.i;
      const single = this.escape(true);
      return single ? escapedCodePoint(this.p.slice(start + 1, this.i)) : undefined;
    }
    const cp = this.p.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /**
   * Consumes an escape; true when it denotes one character (a class-range bound), false for
   * classes and assertions.
   */
  private escape(inClass: boolean): boolean {
    const start = this.i;
    this.i++;
    if (this.i >= this.p.length) this.fail(ERR.trailingBackslash, '');
    const c = this.p[this.i];
    this.i++;
    const invalid = (): never => this.fail(ERR.invalidEscape, this.p.slice(start, this.i));
    if (c >= '1' && c <= '7') {
      if (!/[0-7]/.test(this.p[this.i] ?? '')) invalid(); // \1 is a backreference
      this.i += /^[0-7]{1,2}/.exec(this.p.slice(this.i))![0].length;
      return true;
    }
    if (c === '0') {
      this.i += /^[0-7]{0,2}/.exec(this.p.slice(this.i))![0].length;
      return true;
    }
    if (c === 'x') {
      const hex = /^(\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{2})/.exec(this.p.slice(this.i));
      if (!hex || (hex[0].startsWith('{') && parseInt(hex[0].slice(1, -1), 16) > 0x10ffff)) {
        this.i = Math.min(this.p.length, this.i + 1);
        invalid();
      }
      this.i += hex![0].length;
      return true;
    }
    if ('afnrtv'.includes(c)) return true;
    if ('dDsSwW'.includes(c)) return false;
    if (c === 'p' || c === 'P') {
      const name = /^(\{\^?[A-Za-z_]+\}|[A-Za-z])/.exec(this.p.slice(this.i));
      if (!name) this.fail(ERR.invalidCharRange, this.p.slice(start, this.i + 1));
      this.i += name[0].length;
      return false;
    }
    if (!inClass && 'bBAz'.includes(c)) return false;
    if (!inClass && c === 'Q') {
      const end = this.p.indexOf('\\E', this.i);
      this.i = end < 0 ? this.p.length : end + 2;
      return true;
    }
    if (c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9]/.test(c)) return true; // escaped punctuation
    return invalid();
  }
}

function escapedCodePoint(body: string): number | undefined {
  if (/^x\{[0-9A-Fa-f]+\}$/.test(body)) return parseInt(body.slice(2, -1), 16);
  if (/^x[0-9A-Fa-f]{2}$/.test(body)) return parseInt(body.slice(1), 16);
  if (/^[0-7]{1,3}$/.test(body)) return parseInt(body, 8);
  const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
  if (body.length === 1 && simple[body] !== undefined) return simple[body];
  return body.codePointAt(0);
}

/** Go's `error parsing regexp: ...` text for `pattern`, or undefined when RE2 accepts it. */
export function re2SyntaxError(pattern: string): string | undefined {
  try {
    new Re2Recognizer(pattern).run();
    return undefined;
  } catch (e) {
    if (e instanceof Re2SyntaxError) return e.message;
    if (e instanceof RangeError) return `error parsing regexp: ${ERR.nestingDepth}: \`${pattern}\``;
    throw e;
  }
}

/** Whether Go's regexp.Compile (RE2 syntax) accepts `pattern`. */
export function isValidRe2(pattern: string): boolean {
  return re2SyntaxError(pattern) === undefined;
}
