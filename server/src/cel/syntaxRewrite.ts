/**
 * Syntax cel-js cannot parse, rewritten before parsing into syntax it can, with every offset the
 * parser reports mapped back to the original text:
 * - struct literals (`Object{spec: Object.spec{replicas: 3}}`, `JSONPatch{op: 'add'}`):
 *   `Name{f: v}` becomes the member call `Name.__kcg_new__({f: v})`. An identifier directly
 *   followed by `{` can only start a struct literal in CEL, which makes this unambiguous;
 * - optional entries (`[?x]`, `{?k: v}`, `Obj{?f: v}`): the `?` becomes a same-length `!` and its
 *   offset is remembered, so parse.ts can turn that `!_` node into an optional-entry marker;
 * - doubles without a leading digit (`.5`), which get a `0`.
 */

/** The synthetic member-call name that marks a rewritten struct literal in the AST. */
export const STRUCT_CALL = '__kcg_new__';

const OPEN_INSERT = `.${STRUCT_CALL}(`;
const CLOSE_INSERT = ')';
const KEYWORDS = new Set(['in']);
const LITERAL_KEYWORDS = new Set(['true', 'false', 'null']);

export interface Rewritten {
  text: string;
  /** Maps an offset in `text` to the original source (inserted text maps to its insertion point). */
  toOriginal(offset: number): number;
  /** Original offsets of the `?` of optional entries (now `!` in `text`). */
  optionalMarkers: ReadonlySet<number>;
}

interface Insertion {
  /** Original offset the text is inserted before. */
  at: number;
  text: string;
}

type Bracket = 'list' | 'index' | 'map' | 'struct' | 'paren';
/** What the previous significant token was, as far as the rewrite cares. */
type Previous = 'ident' | 'value' | 'open' | 'comma' | 'other';

/** Index after the string literal starting at `i` (quote at `i`), or src.length if unterminated. */
function skipString(src: string, i: number, raw: boolean): number {
  const q = src[i];
  const triple = src.startsWith(q.repeat(3), i);
  let j = i + (triple ? 3 : 1);
  while (j < src.length) {
    if (!raw && src[j] === '\\') { j += 2; continue; }
    if (triple ? src.startsWith(q.repeat(3), j) : src[j] === q) return j + (triple ? 3 : 1);
    if (!triple && (src[j] === '\n' || src[j] === '\r')) return j;
    j++;
  }
  return src.length;
}

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // A-Z a-z _
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
/** What a number literal's scan consumes: [0-9A-Za-z_.]. */
const isNumberPart = (c: number): boolean => isIdentPart(c) || c === 46;

/**
 * Whether the scan below could find anything: a struct literal needs a `{`, an optional entry a
 * `?` inside a list (no `{` means no map or struct), a leading-dot double a `.` before a digit.
 * Conservative (string contents count too); the scan decides.
 */
function mayNeedRewrite(src: string): boolean {
  if (src.includes('{')) return true;
  if (src.includes('?') && src.includes('[')) return true;
  for (let i = src.indexOf('.'); i >= 0; i = src.indexOf('.', i + 1)) {
    if (isDigit(src.charCodeAt(i + 1))) return true;
  }
  return false;
}

/** The rewrite, or undefined when the source needs none (the common case). */
export function rewriteForCelJs(src: string): Rewritten | undefined {
  return mayNeedRewrite(src) ? scanAndRewrite(src) : undefined; // cheap pre-filter; the scan decides
}

/** rewriteForCelJs without its pre-filter (exported for tests). */
export function scanAndRewrite(src: string): Rewritten | undefined {
  const insertions: Insertion[] = [];
  const markers = new Set<number>();
  const brackets: Bracket[] = [];
  let previous: Previous = 'other';
  let i = 0;
  while (i < src.length) {
    const code = src.charCodeAt(i);
    if (code === 32 || code === 9 || code === 10 || code === 13 || code === 12) { i++; continue; }
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") { i = skipString(src, i, false); previous = 'value'; continue; }
    if (isIdentStart(code)) {
      if ((c === 'r' || c === 'R' || c === 'b' || c === 'B') && (src[i + 1] === '"' || src[i + 1] === "'")) {
        i = skipString(src, i + 1, c === 'r' || c === 'R');
        previous = 'value';
        continue;
      }
      let j = i + 1;
      while (j < src.length && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      previous = KEYWORDS.has(word) ? 'other' : LITERAL_KEYWORDS.has(word) ? 'value' : 'ident';
      i = j;
      continue;
    }
    if (isDigit(code)) {
      let j = i + 1;
      while (j < src.length && isNumberPart(src.charCodeAt(j))) j++;
      previous = 'value';
      i = j;
      continue;
    }
    switch (c) {
      case '[':
        brackets.push(previous === 'ident' || previous === 'value' ? 'index' : 'list');
        previous = 'open';
        break;
      case '{':
        brackets.push(previous === 'ident' ? 'struct' : 'map');
        if (previous === 'ident') insertions.push({ at: i, text: OPEN_INSERT });
        previous = 'open';
        break;
      case '(':
        brackets.push('paren');
        previous = 'open';
        break;
      case ']': case ')': case '}':
        if (brackets.pop() === 'struct' && c === '}') insertions.push({ at: i + 1, text: CLOSE_INSERT });
        previous = 'value';
        break;
      case ',':
        previous = 'comma';
        break;
      case '.':
        // `.5` is a double in cel-go but not in cel-js: parse it as `0.5`.
        if (previous !== 'ident' && previous !== 'value' && isDigit(src.charCodeAt(i + 1))) {
          insertions.push({ at: i, text: '0' });
          let j = i + 1;
          while (j < src.length && isNumberPart(src.charCodeAt(j))) j++;
          previous = 'value';
          i = j;
          continue;
        }
        previous = 'other';
        break;
      case '?': {
        const inside = brackets[brackets.length - 1];
        if ((previous === 'open' || previous === 'comma') && (inside === 'list' || inside === 'map' || inside === 'struct')) markers.add(i);
        previous = 'other';
        break;
      }
      default:
        previous = 'other';
    }
    i++;
  }
  if (insertions.length === 0 && markers.size === 0) return undefined;
  const source = markers.size ? src.split('').map((ch, k) => (markers.has(k) ? '!' : ch)).join('') : src;
  let text = '';
  let from = 0;
  const newStarts: number[] = []; // offset in `text` where each insertion begins
  for (const ins of insertions) {
    text += source.slice(from, ins.at);
    newStarts.push(text.length);
    text += ins.text;
    from = ins.at;
  }
  text += source.slice(from);
  return {
    text,
    optionalMarkers: markers,
    toOriginal(offset: number): number {
      let shift = 0;
      for (let k = 0; k < insertions.length; k++) {
        if (offset < newStarts[k]) break;
        if (offset < newStarts[k] + insertions[k].text.length) return insertions[k].at;
        shift += insertions[k].text.length;
      }
      return offset - shift;
    },
  };
}
