/**
 * Struct literals (`Object{spec: Object.spec{replicas: 3}}`, `JSONPatch{op: 'add'}`) for a parser
 * that has none. cel-js rejects `Name{`, so before parsing we rewrite each struct literal into a
 * member call the parser accepts — `Name{f: v}` becomes `Name.__kcg_new__({f: v})` — and map
 * every offset the parser reports back to the original text. An identifier directly followed by
 * `{` can only start a struct literal in CEL, which is what makes this rewrite unambiguous.
 */

/** The synthetic member-call name that marks a rewritten struct literal in the AST. */
export const STRUCT_CALL = '__kcg_new__';

const OPEN_INSERT = `.${STRUCT_CALL}(`;
const CLOSE_INSERT = ')';
const KEYWORDS = new Set(['true', 'false', 'null', 'in']);

export interface Rewritten {
  text: string;
  /** Maps an offset in `text` to the original source (inserted text maps to its insertion point). */
  toOriginal(offset: number): number;
}

interface Insertion {
  /** Original offset the text is inserted before. */
  at: number;
  text: string;
}

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

/** The rewrite, or undefined when the source has no struct literal (the common case). */
export function rewriteStructLiterals(src: string): Rewritten | undefined {
  if (!src.includes('{')) return undefined;
  const insertions: Insertion[] = [];
  const braces: boolean[] = []; // true = struct literal brace
  let lastWasIdent = false;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') { i++; continue; }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") { i = skipString(src, i, false); lastWasIdent = false; continue; }
    if (/[A-Za-z_]/.test(c)) {
      if (/[rRbB]/.test(c) && (src[i + 1] === '"' || src[i + 1] === "'")) {
        i = skipString(src, i + 1, c === 'r' || c === 'R');
        lastWasIdent = false;
        continue;
      }
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      lastWasIdent = !KEYWORDS.has(src.slice(i, j));
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[0-9A-Za-z_.]/.test(src[j])) j++;
      lastWasIdent = false;
      i = j;
      continue;
    }
    if (c === '{') {
      braces.push(lastWasIdent);
      if (lastWasIdent) insertions.push({ at: i, text: OPEN_INSERT });
    } else if (c === '}') {
      if (braces.pop()) insertions.push({ at: i + 1, text: CLOSE_INSERT });
    }
    lastWasIdent = false;
    i++;
  }
  if (insertions.length === 0) return undefined;
  let text = '';
  let from = 0;
  const newStarts: number[] = []; // offset in `text` where each insertion begins
  for (const ins of insertions) {
    text += src.slice(from, ins.at);
    newStarts.push(text.length);
    text += ins.text;
    from = ins.at;
  }
  text += src.slice(from);
  return {
    text,
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
