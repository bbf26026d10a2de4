import { isScalar, type Scalar } from 'yaml';

/**
 * A YAML string scalar's value together with a map from each value character back to the source
 * text, so a CEL diagnostic at character i of an expression lands on the exact character of the
 * file, whatever quoting, escaping, folding or block style the author used.
 */
export interface EmbeddedString {
  /** Exactly what `yaml` gives as the scalar's value. */
  value: string;
  /**
   * Source offset (into the document text) of value[i]. A character produced by an escape maps to
   * the start of its escape sequence; one produced by folding (a line break that became a space or
   * a kept '\n') maps to that line break. i === value.length gives the offset just after the last
   * content character. Out-of-range i is clamped.
   */
  toSource(i: number): number;
  /**
   * Source range of value[start, end): start = toSource(start); end is just after the source of
   * value[end - 1] (which is toSource(end - 1) + 1, except that an escape sequence or a CRLF line
   * break is covered whole). An empty range is zero-width at toSource(start).
   */
  sourceRange(start: number, end: number): { start: number; end: number };
}

type ScalarToken = NonNullable<Scalar['srcToken']>;
type BlockScalarToken = Extract<ScalarToken, { type: 'block-scalar' }>;

/**
 * Maps a string scalar's value to source offsets; undefined for non-string scalars (numbers,
 * booleans, null, binary). Walks the scalar's raw source once, mirroring how `yaml` 2.x resolves
 * each style, and checks the result against `node.value`; should they ever disagree (a `yaml`
 * behaviour not mirrored here), the mapping degrades to a straight walk from the value's first
 * source character rather than lying about the value.
 */
export function embeddedString(node: Scalar, docText: string): EmbeddedString | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  // A diagnostic near the right place beats none, hence the approximate fallback.
  return exactEmbeddedString(node, docText) ?? approximateMapping(node, docText, node.value);
}

/** Like embeddedString, but undefined instead of an approximation (for tests and strict callers). */
export function exactEmbeddedString(node: Scalar, docText: string): EmbeddedString | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const simple = singleLineQuoted(node);
  if (simple) return simple;
  try {
    const mapped = mapScalar(node, docText);
    if (mapped && mapped.value === node.value) return mapped.finish();
  } catch {
    // Malformed token shapes: treated as "not exact".
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Compact index

/**
 * Accumulates value characters with, for each, its source offset and how many source characters
 * produced it. Typed arrays keep the index small: it is built for every CEL expression of large
 * files.
 */
class MappingBuilder {
  private parts: string[] = [];
  private offsets: Int32Array;
  private widths: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.offsets = new Int32Array(Math.max(16, capacity));
    this.widths = new Uint8Array(Math.max(16, capacity));
  }

  get value(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }

  /** Every character of `text` maps to `src` (an escape sequence or a folded line break). */
  emit(text: string, src: number, width: number): void {
    if (text.length === 0) return;
    this.reserve(text.length);
    this.parts.push(text);
    for (let k = 0; k < text.length; k++) {
      this.offsets[this.length] = src;
      this.widths[this.length++] = width;
    }
  }

  /** Copies source[from, to) verbatim; source[k] sits at document offset base + k. */
  copy(source: string, from: number, to: number, base: number): void {
    if (to <= from) return;
    this.reserve(to - from);
    this.parts.push(source.slice(from, to));
    for (let k = from; k < to; k++) {
      this.offsets[this.length] = base + k;
      this.widths[this.length++] = 1;
    }
  }

  private reserve(n: number): void {
    const need = this.length + n + 1;
    if (need <= this.offsets.length) return;
    const size = Math.max(need, this.offsets.length * 2);
    const offsets = new Int32Array(size);
    offsets.set(this.offsets.subarray(0, this.length));
    const widths = new Uint8Array(size);
    widths.set(this.widths.subarray(0, this.length));
    this.offsets = offsets;
    this.widths = widths;
  }

  /** `emptyAt`: where an empty value sits in the source (e.g. just inside the quotes). */
  finish(emptyAt: number): EmbeddedString {
    const value = this.value;
    const len = this.length;
    const offsets = this.offsets;
    const widths = this.widths;
    const endOffset = len > 0 ? offsets[len - 1] + widths[len - 1] : emptyAt;
    const toSource = (i: number): number => {
      if (!(i > 0)) return len > 0 ? offsets[0] : emptyAt;
      if (i >= len) return endOffset;
      return offsets[Math.floor(i)];
    };
    return {
      value,
      toSource,
      sourceRange(start: number, end: number) {
        const s = toSource(start);
        if (!(end > start) || start >= len) return { start: s, end: s };
        const last = Math.min(Math.floor(end), len) - 1;
        return { start: s, end: Math.max(s, offsets[last] + widths[last]) };
      },
    };
  }
}

interface PendingMapping {
  value: string;
  finish(): EmbeddedString;
}

function pending(b: MappingBuilder, emptyAt: number): PendingMapping {
  return { value: b.value, finish: () => b.finish(emptyAt) };
}

// ---------------------------------------------------------------------------------------------
// Fast path: one-line quoted scalars without escapes

/**
 * The common shape of a CEL expression in YAML, `expression: "object.spec.replicas <= 5"`: a
 * quoted scalar on one line with no escapes ('' or backslash) is its own value, character for
 * character. Mapping it needs no index (the general walk allocates one per expression, and large
 * files hold thousands); the result is the same as MappingBuilder's for one copied run.
 */
function singleLineQuoted(node: Scalar): EmbeddedString | undefined {
  const token = node.srcToken;
  if (!token || (token.type !== 'double-quoted-scalar' && token.type !== 'single-quoted-scalar')) return undefined;
  const source = token.source;
  const quote = token.type === 'double-quoted-scalar' ? '"' : "'";
  if (source.length < 2 || source[0] !== quote || source[source.length - 1] !== quote) return undefined;
  const inner = source.slice(1, -1);
  if (inner.includes(quote) || inner.includes('\\') || inner.includes('\n') || inner.includes('\r')) return undefined;
  // Without escapes, quotes and line breaks `yaml` resolves such a scalar to exactly `inner`
  // (resolve-flow-scalar.ts: nothing to unescape, fold or trim), so comparing lengths is enough to
  // catch anything unexpected. Comparing the strings themselves cost several µs per expression on a
  // cold start: `yaml` builds a double-quoted value one character at a time, and the comparison
  // had to flatten that string, which nothing else ever reads (the checks use `inner`).
  if (typeof node.value !== 'string' || inner.length !== node.value.length) return undefined;
  return contiguous(inner, token.offset + 1);
}

/** value[i] sits at source offset first + i, each one character wide. */
function contiguous(value: string, first: number): EmbeddedString {
  const len = value.length;
  const toSource = (i: number): number => {
    if (!(i > 0)) return first;
    if (i >= len) return first + len;
    return first + Math.floor(i);
  };
  return {
    value,
    toSource,
    sourceRange(start: number, end: number) {
      const s = toSource(start);
      if (!(end > start) || start >= len) return { start: s, end: s };
      const last = Math.min(Math.floor(end), len) - 1;
      // (A negative index reads past MappingBuilder's arrays, giving NaN there too.)
      return { start: s, end: last >= 0 ? Math.max(s, first + last + 1) : NaN };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Dispatch on style

function mapScalar(node: Scalar, docText: string): PendingMapping | undefined {
  const token = node.srcToken ?? tokenFromRange(node, docText);
  if (!token) return undefined;
  switch (token.type) {
    case 'scalar': {
      const b = new MappingBuilder(token.source.length + 2);
      unfoldLines(b, token.source, token.offset, false);
      return pending(b, token.offset);
    }
    case 'single-quoted-scalar': {
      const b = new MappingBuilder(token.source.length + 2);
      unfoldLines(b, token.source.slice(1, -1), token.offset + 1, true);
      return pending(b, token.offset + Math.min(1, token.source.length));
    }
    case 'double-quoted-scalar': {
      const b = new MappingBuilder(token.source.length + 2);
      doubleQuoted(b, token.source, token.offset);
      return pending(b, token.offset + Math.min(1, token.source.length));
    }
    case 'block-scalar': {
      if (node.srcToken) return blockScalar(token);
      // Without the CST the parent's indentation is unknown; it only matters for explicit
      // indentation indicators, so try the plausible ones and keep the one yaml agrees with.
      for (let indent = -1; indent <= 40; indent++) {
        const m = blockScalar({ ...token, indent });
        if (m && m.value === node.value) return m;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Rebuilds the scalar's CST token from its range when the document was parsed without them. */
function tokenFromRange(node: Scalar, docText: string): ScalarToken | undefined {
  const range = node.range;
  if (!range) return undefined;
  const [start, end] = range;
  const source = docText.slice(start, end);
  switch (node.type) {
    case 'PLAIN':
      return { type: 'scalar', offset: start, indent: 0, source };
    case 'QUOTE_SINGLE':
      return { type: 'single-quoted-scalar', offset: start, indent: 0, source };
    case 'QUOTE_DOUBLE':
      return { type: 'double-quoted-scalar', offset: start, indent: 0, source };
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      const header = /^[|>][^\r\n]*(?:\r?\n|$)/.exec(source);
      if (!header) return undefined;
      const indicator = /^[|>][-+0-9]*/.exec(header[0])![0];
      return {
        type: 'block-scalar',
        offset: start,
        indent: 0,
        props: [
          { type: 'block-scalar-header', offset: start, indent: 0, source: indicator },
          { type: 'space', offset: start + indicator.length, indent: 0, source: header[0].slice(indicator.length) },
        ],
        source: source.slice(header[0].length),
      };
    }
    default:
      return undefined;
  }
}

/** When the exact walk disagrees with yaml: value[i] at the value's first source char + i. */
function approximateMapping(node: Scalar, docText: string, value: string): EmbeddedString {
  const [start, end] = node.range ?? [0, docText.length];
  let first = start;
  if (node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') first = Math.min(start + 1, end);
  else if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const nl = docText.indexOf('\n', start);
    first = nl < 0 || nl >= end ? end : nl + 1;
  }
  const last = Math.max(first, node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? end - 1 : end);
  const b = new MappingBuilder(value.length);
  for (let i = 0; i < value.length; i++) b.emit(value[i], Math.min(first + i, last), 1);
  return b.finish(first);
}

// ---------------------------------------------------------------------------------------------
// Flow scalars

/** Length of the line break starting at source[k] ('\r\n' counts as one break of width 2). */
function breakWidth(source: string, k: number): number {
  return source[k] === '\r' && source[k + 1] === '\n' ? 2 : 1;
}

function isBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/**
 * Plain and single-quoted scalars (mirrors yaml's unfoldLines): lines are trimmed, a single line
 * break becomes a space, each further empty line a '\n'. The first line break of a run is the one
 * folding discards, so a kept '\n' maps to the break of the empty line that produced it.
 */
function unfoldLines(b: MappingBuilder, source: string, base: number, singleQuoted: boolean): void {
  const copy = (from: number, to: number) =>
    singleQuoted ? copySingleQuoted(b, source, from, to, base) : b.copy(source, from, to, base);
  let nl = source.indexOf('\n');
  if (nl < 0) {
    copy(0, source.length);
    return;
  }
  let breakAt = nl > 0 && source[nl - 1] === '\r' ? nl - 1 : nl;
  let end = breakAt;
  while (end > 0 && isBlank(source[end - 1])) end--;
  copy(0, end);
  let sep = ' ';
  let sepAt = breakAt;
  let pos = nl + 1;
  while ((nl = source.indexOf('\n', pos)) >= 0) {
    breakAt = nl > pos && source[nl - 1] === '\r' ? nl - 1 : nl;
    let start = pos;
    while (start < breakAt && isBlank(source[start])) start++;
    end = breakAt;
    while (end > start && isBlank(source[end - 1])) end--;
    if (start === end) {
      if (sep === '\n') b.emit('\n', base + sepAt, breakWidth(source, sepAt));
      sep = '\n';
    } else {
      b.emit(sep, base + sepAt, breakWidth(source, sepAt));
      copy(start, end);
      sep = ' ';
    }
    sepAt = breakAt;
    pos = nl + 1;
  }
  let start = pos;
  while (start < source.length && isBlank(source[start])) start++;
  b.emit(sep, base + sepAt, breakWidth(source, sepAt));
  copy(start, source.length);
}

/** Copies single-quoted text, turning each '' into one ' that maps to the first quote. */
function copySingleQuoted(b: MappingBuilder, source: string, from: number, to: number, base: number): void {
  let k = from;
  while (k < to) {
    const q = source.indexOf("''", k);
    if (q < 0 || q + 1 >= to) break;
    b.copy(source, k, q, base);
    b.emit("'", base + q, 2);
    k = q + 2;
  }
  b.copy(source, k, to, base);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

const HEX_ESCAPE_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Double-quoted scalars (mirrors yaml's doubleQuotedValue): escapes, folding, trimming. */
function doubleQuoted(b: MappingBuilder, source: string, base: number): void {
  const last = source.length - 1; // the closing quote (yaml skips the last char regardless)
  let runStart = 1;
  let i = 1;
  const flush = (to: number) => b.copy(source, runStart, to, base);
  while (i < last) {
    const ch = source[i];
    if (ch === '\r' && source[i + 1] === '\n') {
      flush(i);
      i++;
      runStart = i;
      continue;
    }
    if (ch === '\n') {
      flush(i);
      const breakAt = i > 1 && source[i - 1] === '\r' ? i - 1 : i;
      i = foldDoubleQuotedBreak(b, source, base, breakAt, i);
      runStart = i;
      continue;
    }
    if (ch === '\\') {
      flush(i);
      i = doubleQuotedEscape(b, source, base, i);
      runStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      // White space before a line break is trimmed; elsewhere it is content.
      let j = i + 1;
      while (isBlank(source[j])) j++;
      if (source[j] === '\n' || (source[j] === '\r' && source[j + 1] === '\n')) {
        flush(i);
        runStart = j;
      } else if (j > last) {
        // Unterminated string ending in blanks: yaml keeps the whole run, last character included.
        flush(j);
        runStart = j;
      }
      i = j;
      continue;
    }
    i++;
  }
  flush(Math.min(i, last));
}

/**
 * Folds the line break at source[nlAt] (whose break starts at breakAt, earlier for CRLF): one
 * break becomes a space; each further break in the following white space is kept as a '\n' that
 * maps to that break. Returns the index after the folded white space.
 */
function foldDoubleQuotedBreak(b: MappingBuilder, source: string, base: number, breakAt: number, nlAt: number): number {
  let k = nlAt + 1;
  let kept = false;
  for (;;) {
    const ch = source[k];
    if (ch === ' ' || ch === '\t') k++;
    else if (ch === '\n') {
      b.emit('\n', base + k, 1);
      kept = true;
      k++;
    } else if (ch === '\r' && source[k + 1] === '\n') {
      b.emit('\n', base + k, 2);
      kept = true;
      k += 2;
    } else break;
  }
  if (!kept) b.emit(' ', base + breakAt, breakWidth(source, breakAt));
  return k;
}

/** Resolves the escape whose backslash is at source[i]; returns the index after it. */
function doubleQuotedEscape(b: MappingBuilder, source: string, base: number, i: number): number {
  const next = source[i + 1];
  const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
  if (simple) {
    b.emit(simple, base + i, 2);
    return i + 2;
  }
  if (next === '\n' || (next === '\r' && source[i + 2] === '\n')) {
    // An escaped line break joins the lines: nothing is produced, the next line's indent is skipped.
    let k = i + (next === '\n' ? 2 : 3);
    while (isBlank(source[k])) k++;
    return k;
  }
  const digits = next === undefined ? undefined : HEX_ESCAPE_DIGITS[next];
  if (digits !== undefined) {
    const hex = source.substr(i + 2, digits);
    const code = hex.length === digits && /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
    let ch: string | undefined;
    try {
      ch = String.fromCodePoint(code);
    } catch {
      ch = undefined;
    }
    if (ch !== undefined) b.emit(ch, base + i, digits + 2);
    else b.copy(source, i, Math.min(i + digits + 2, source.length), base); // invalid: yaml keeps it raw
    return i + digits + 2;
  }
  // Invalid escape: yaml keeps the two characters as they are.
  b.copy(source, i, Math.min(i + 2, source.length), base);
  return i + 2;
}

// ---------------------------------------------------------------------------------------------
// Block scalars

interface BlockHeader {
  folded: boolean;
  explicitIndent: number;
  chomp: '' | '-' | '+';
  /** Header indicator + comment + line break: where the content starts, from the token offset. */
  length: number;
}

function blockHeader(token: BlockScalarToken): BlockHeader | undefined {
  const first = token.props[0];
  if (!first || first.type !== 'block-scalar-header') return undefined;
  const src = first.source;
  let explicitIndent = 0;
  let chomp: BlockHeader['chomp'] = '';
  for (let i = 1; i < src.length; i++) {
    const ch = src[i];
    if (!chomp && (ch === '-' || ch === '+')) chomp = ch;
    else {
      const n = Number(ch);
      if (!explicitIndent && n) explicitIndent = n;
    }
  }
  let length = 0;
  for (const p of token.props) length += 'source' in p && typeof p.source === 'string' ? p.source.length : 0;
  return { folded: src[0] === '>', explicitIndent, chomp, length };
}

interface BlockLine {
  /** Offset of the line's first character within the token source. */
  start: number;
  indent: number;
  /** Content without the indentation and without a trailing '\r'. */
  contentStart: number;
  contentEnd: number;
  /** Where the line break ending this line starts ('\r' of CRLF), or source.length for the last line. */
  breakAt: number;
}

/** Splits like yaml's splitLines: indentation is spaces only; a '\r' before '\n' is not content. */
function blockLines(source: string): BlockLine[] {
  const lines: BlockLine[] = [];
  let start = 0;
  for (;;) {
    const nl = source.indexOf('\n', start);
    const lineEnd = nl < 0 ? source.length : nl;
    let indentEnd = start;
    while (indentEnd < lineEnd && source[indentEnd] === ' ') indentEnd++;
    // yaml strips a trailing '\r' from every line's content (a CRLF break, or a stray CR at the end).
    const crlf = lineEnd > indentEnd && source[lineEnd - 1] === '\r';
    const contentEnd = crlf ? lineEnd - 1 : lineEnd;
    lines.push({ start, indent: indentEnd - start, contentStart: indentEnd, contentEnd, breakAt: nl < 0 ? source.length : contentEnd });
    if (nl < 0) return lines;
    start = nl + 1;
  }
}

/**
 * `|` and `>` scalars (mirrors yaml's resolveBlockScalar): indentation is stripped, folded lines
 * joined, more-indented folded lines kept with their breaks, trailing breaks chomped.
 */
function blockScalar(token: BlockScalarToken): PendingMapping | undefined {
  const header = blockHeader(token);
  if (!header) return undefined;
  const source = token.source ?? '';
  const base = token.offset + header.length;
  const b = new MappingBuilder(source.length * 2 + 4);
  const atBreak = (line: BlockLine) => base + line.breakAt;
  // A break at the end of the source does not exist (file without a final newline): zero width.
  const breakW = (line: BlockLine) => (line.breakAt < source.length ? breakWidth(source, line.breakAt) : 0);
  const lines = source ? blockLines(source) : [];
  const isEmpty = (l: BlockLine) => l.contentEnd === l.contentStart;

  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0 && isEmpty(lines[i]); i--) chompStart = i;

  if (chompStart === 0) {
    if (header.chomp === '+' && lines.length > 0) {
      const n = Math.max(1, lines.length - 1);
      for (let k = 0; k < n; k++) {
        const line = lines[Math.min(k, lines.length - 1)];
        b.emit('\n', atBreak(line), breakW(line));
      }
    }
    return pending(b, base);
  }

  let trimIndent = token.indent + header.explicitIndent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; i++) {
    const line = lines[i];
    if (isEmpty(line)) {
      if (header.explicitIndent === 0 && line.indent > trimIndent) trimIndent = line.indent;
    } else {
      if (header.explicitIndent === 0) trimIndent = line.indent;
      contentStart = i;
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; i--) {
    if (lines[i].indent > trimIndent) chompStart = i + 1;
  }

  /** The indentation beyond trimIndent, which is content. */
  const extraIndent = (line: BlockLine) => {
    if (line.indent > trimIndent) b.copy(source, line.start + trimIndent, line.start + line.indent, base);
  };

  for (let i = 0; i < contentStart; i++) {
    extraIndent(lines[i]);
    b.emit('\n', atBreak(lines[i]), breakW(lines[i]));
  }

  // The pending separator: its text and the line break it stands for.
  let sep = '';
  let sepLine: BlockLine | undefined;
  const emitSep = (text: string) => {
    if (text && sepLine) b.emit(text, atBreak(sepLine), breakW(sepLine));
  };
  let prevMoreIndented = false;
  for (let i = contentStart; i < chompStart; i++) {
    const line = lines[i];
    const content = source.slice(line.contentStart, line.contentEnd);
    // A less-indented content line is an error in yaml, which then drops its indentation.
    const keepIndent = !(content && line.indent < trimIndent);
    if (!header.folded) {
      emitSep(sep);
      if (keepIndent) extraIndent(line);
      b.copy(source, line.contentStart, line.contentEnd, base);
      sep = '\n';
    } else if ((keepIndent && line.indent > trimIndent) || content[0] === '\t') {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      emitSep(sep);
      if (keepIndent) extraIndent(line);
      b.copy(source, line.contentStart, line.contentEnd, base);
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') emitSep('\n');
      else sep = '\n';
    } else {
      emitSep(sep);
      b.copy(source, line.contentStart, line.contentEnd, base);
      sep = ' ';
      prevMoreIndented = false;
    }
    sepLine = line;
  }

  const lastContent = lines[chompStart - 1];
  if (header.chomp === '+') {
    let prev = lastContent;
    for (let i = chompStart; i < lines.length; i++) {
      b.emit('\n', atBreak(prev), breakW(prev));
      extraIndent(lines[i]);
      prev = lines[i];
    }
    if (!b.value.endsWith('\n')) b.emit('\n', base + source.length, 0);
  } else if (header.chomp === '') {
    b.emit('\n', atBreak(lastContent), breakW(lastContent));
  }
  return pending(b, base);
}
