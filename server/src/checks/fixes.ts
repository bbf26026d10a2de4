import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { TextEdit } from '../engine/findings.js';

/**
 * Small builders for quick-fix edits on YAML text. They work on the `yaml` AST of the text the
 * offsets refer to and keep the author's layout: block collections get new lines with the
 * indentation of their siblings, flow collections get `, item` inserted in place. Removals take
 * whole lines in block style (with the line's trailing comment), so no blank line is left.
 *
 * Every function returns edits (possibly none) and never throws on odd input.
 */

type Range = [number, number, number];

function rangeOf(node: unknown): Range | undefined {
  const r = (node as Node | undefined)?.range;
  return Array.isArray(r) && r.length === 3 ? (r as Range) : undefined;
}

/** Offset of the first character of the line that contains `pos`. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', Math.max(0, pos - 1)) + 1;
}

/** Offset of the line break that ends the line containing `pos` (text.length on the last line). */
export function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Offset just after the line break ending the line containing `pos` (or text.length). */
function afterLine(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** Offset just after the last non-blank character in text[start, end). */
function contentEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}

/** The line break the text already uses, so inserted lines do not mix CRLF and LF. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Column of `pos` on its line. */
export function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

function onlyBlanksBefore(text: string, pos: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, pos), pos));
}

/** Where a pair starts and where its written content ends (value end, or key end for `key:`). */
function pairSpan(pair: Pair): [number, number] | undefined {
  const k = rangeOf(pair.key);
  if (!k) return undefined;
  const v = rangeOf(pair.value);
  return [k[0], v ? Math.max(v[1], k[1]) : k[1]];
}

/** Range of a pair as written, `key: value` (for findings that point at a whole entry). */
export function pairRange(pair: Pair): { start: number; end: number } | undefined {
  const span = pairSpan(pair);
  return span ? { start: span[0], end: span[1] } : undefined;
}

/** Indents every line after the first of `text` by `indent` spaces, with the document's line breaks. */
function indentFollowingLines(text: string, indent: number, eol = '\n'): string {
  return text.replace(/\r?\n/g, eol + ' '.repeat(indent));
}

/**
 * Inserts `key: value` into a map, after `after` (default: the last entry). `valueText` is YAML
 * source; a multi-line value (e.g. a nested block map) is indented under the new key.
 */
export function insertMapEntry(text: string, map: YAMLMap, key: string, valueText: string, after?: Pair): TextEdit[] {
  if (!isMap(map)) return [];
  const anchor = after ?? (map.items[map.items.length - 1] as Pair | undefined);
  const mapRange = rangeOf(map);
  if (map.flow) {
    if (!anchor) {
      if (!mapRange) return [];
      return [{ start: mapRange[0], end: mapRange[1], newText: `{ ${key}: ${valueText} }` }];
    }
    const span = pairSpan(anchor);
    if (!span) return [];
    return [{ start: span[1], end: span[1], newText: `, ${key}: ${valueText}` }];
  }
  if (!anchor) return [];
  const span = pairSpan(anchor);
  if (!span) return [];
  const col = columnOf(text, span[0]);
  const eol = eolOf(text);
  const value = indentFollowingLines(valueText, col + 2, eol);
  const at = lineEnd(text, contentEnd(text, span[0], span[1]));
  // A value starting with a line break (a nested block) goes below the key, without a trailing blank.
  const sep = value.startsWith(eol) ? ':' : ': ';
  return [{ start: at, end: at, newText: `${eol}${' '.repeat(col)}${key}${sep}${value}` }];
}

/**
 * Inserts `key: value` into a block map *before* `before`, on its own line with the same
 * indentation. When `before` is the first entry of a `- ` sequence item, the new entry takes its
 * place after the dash and `before` moves to the next line.
 */
export function insertMapEntryBefore(text: string, map: YAMLMap, key: string, valueText: string, before: Pair): TextEdit[] {
  if (!isMap(map)) return [];
  const span = pairSpan(before);
  if (!span) return [];
  if (map.flow) return [{ start: span[0], end: span[0], newText: `${key}: ${valueText}, ` }];
  const col = columnOf(text, span[0]);
  if (onlyBlanksBefore(text, span[0])) {
    const ls = lineStart(text, span[0]);
    return [{ start: ls, end: ls, newText: `${' '.repeat(col)}${key}: ${valueText}${eolOf(text)}` }];
  }
  return [{ start: span[0], end: span[0], newText: `${key}: ${valueText}${eolOf(text)}${' '.repeat(col)}` }];
}

/** Replaces a scalar as written (quotes included) with `newText`. */
export function replaceScalar(node: unknown, newText: string): TextEdit[] {
  const r = isScalar(node) ? rangeOf(node) : undefined;
  return r ? [{ start: r[0], end: r[1], newText }] : [];
}

/** Removes one entry of a map: its whole line(s) in block style, `key: value` and a comma in flow style. */
export function removeMapEntry(text: string, map: YAMLMap, pair: Pair): TextEdit[] {
  if (!isMap(map) || !isPair(pair)) return [];
  const index = map.items.indexOf(pair);
  if (index < 0) return [];
  const spans = map.items.map((p) => pairSpan(p as Pair));
  return removeListEntry(text, !!map.flow, spans, index);
}

/** Removes one item of a sequence: the `- item` line(s) in block style, the item and a comma in flow style. */
export function removeSeqItem(text: string, seq: YAMLSeq, index: number): TextEdit[] {
  if (!isSeq(seq) || index < 0 || index >= seq.items.length) return [];
  const spans = seq.items.map((item) => {
    const r = rangeOf(item);
    return r ? ([r[0], r[1]] as [number, number]) : undefined;
  });
  if (seq.flow) return removeListEntry(text, true, spans, index);
  const span = spans[index];
  if (!span) return [];
  // The `- ` indicator sits before the item's node; remove from the start of its line.
  let dash = span[0];
  while (dash > 0 && text[dash - 1] !== '-' && text[dash - 1] !== '\n') dash--;
  if (text[dash - 1] === '-') dash--;
  return removeBlockLines(text, dash, span[1], spans[index + 1]?.[0]);
}

function removeListEntry(
  text: string,
  flow: boolean,
  spans: ([number, number] | undefined)[],
  index: number,
): TextEdit[] {
  const span = spans[index];
  if (!span) return [];
  if (flow) {
    const next = spans[index + 1];
    if (next) return [{ start: span[0], end: next[0], newText: '' }];
    const prev = spans[index - 1];
    if (prev) return [{ start: prev[1], end: span[1], newText: '' }];
    return [{ start: span[0], end: span[1], newText: '' }];
  }
  return removeBlockLines(text, span[0], span[1], spans[index + 1]?.[0]);
}

/**
 * Removes the block entry written at text[start, end): whole lines when it starts its line;
 * otherwise (first entry after `- `) up to where the next entry starts, so the dash stays.
 */
function removeBlockLines(text: string, start: number, end: number, nextStart: number | undefined): TextEdit[] {
  const last = contentEnd(text, start, end);
  if (onlyBlanksBefore(text, start)) {
    return [{ start: lineStart(text, start), end: afterLine(text, Math.max(start, last - 1)), newText: '' }];
  }
  if (nextStart !== undefined && nextStart > last) return [{ start, end: nextStart, newText: '' }];
  return [{ start, end: lineEnd(text, Math.max(start, last - 1)), newText: '' }];
}

/**
 * Appends an item to a sequence. `itemText` is YAML source; in block style its following lines
 * are indented under the `- `.
 */
export function appendSeqItem(text: string, seq: YAMLSeq, itemText: string): TextEdit[] {
  if (!isSeq(seq)) return [];
  const r = rangeOf(seq);
  const items = seq.items;
  const last = rangeOf(items[items.length - 1]);
  if (seq.flow) {
    if (!last) return r ? [{ start: r[0], end: r[1], newText: `[${itemText}]` }] : [];
    return [{ start: last[1], end: last[1], newText: `, ${itemText}` }];
  }
  if (!last) return [];
  let dash = last[0];
  while (dash > 0 && text[dash - 1] !== '-' && text[dash - 1] !== '\n') dash--;
  if (text[dash - 1] === '-') dash--;
  const col = columnOf(text, dash);
  const at = lineEnd(text, Math.max(last[0], contentEnd(text, last[0], last[1]) - 1));
  const eol = eolOf(text);
  return [{ start: at, end: at, newText: `${eol}${' '.repeat(col)}- ${indentFollowingLines(itemText, col + 2, eol)}` }];
}

/**
 * Applies edits to text (offsets refer to the original text). Edits must not overlap; those at
 * the same offset are applied in the order given.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.i - a.i);
  let out = text;
  for (const { e } of ordered) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * Merges deletions that overlap (e.g. two flow items removed side by side), so that a fix made
 * of several removals stays a set of non-overlapping edits.
 */
export function mergeEdits(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (prev && e.start < prev.end && prev.newText === '' && e.newText === '') {
      prev.end = Math.max(prev.end, e.end);
    } else out.push({ ...e });
  }
  return out;
}

/**
 * `value` written in the same quoting style as `like` (a scalar node), so a replaced flag keeps
 * the look of its neighbours; falls back to double quotes where a plain scalar would change meaning.
 */
export function scalarSourceLike(like: unknown, value: string): string {
  const type = isScalar(like) ? like.type : undefined;
  if (type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return isSafePlain(value) ? value : JSON.stringify(value);
}

/** Whether `value` reads back as the same string when written as a plain (unquoted) scalar. */
export function isSafePlain(value: string): boolean {
  if (value === '' || /^\s|\s$/.test(value)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) && !/^-[^\s]/.test(value)) return false;
  if (/: |\s#|[\n\r\t]|[,[\]{}]/.test(value) || value.endsWith(':')) return false;
  // Words YAML would read as something else than a string (bools, nulls, numbers).
  if (/^(?:true|false|yes|no|on|off|null|~|y|n)$/i.test(value) || /^[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?$/i.test(value) || /^0[xo]/i.test(value)) return false;
  return true;
}
