/**
 * From a file offset to the YAML document and CEL character under it, and back: the coordinate
 * plumbing hover, completion and semantic tokens share. File offsets are UTF-16 units, like
 * LSP positions; document offsets are relative to the document's own text.
 */
import type { DocumentInput } from '../checks/types.js';
import { parseChunk, splitDocuments } from '../engine/documents.js';
import type { EmbeddedString } from '../engine/embeddedString.js';

export interface DocumentAtOffset {
  input: DocumentInput;
  /** The offset relative to the document's text. */
  offsetInDoc: number;
}

/** The parsed YAML document containing `offset` (its end inclusive: a cursor at the end of the file). */
export function documentAt(text: string, offset: number): DocumentAtOffset | undefined {
  const chunks = splitDocuments(text);
  const chunk = chunks.find((c) => offset >= c.start && offset <= c.start + c.text.length);
  if (!chunk) return undefined;
  return { input: parseChunk(chunk), offsetInDoc: offset - chunk.start };
}

/** Every document of a file, parsed (for whole-file features). */
export function allDocuments(text: string): DocumentInput[] {
  return splitDocuments(text).map(parseChunk);
}

/**
 * The index of the expression character at document offset `docOffset`. 'char' answers the
 * character the offset is on (hover: the largest i with toSource(i) <= offset); 'caret' answers
 * the insertion point a cursor there stands for (completion: the smallest i with toSource(i) >=
 * offset, so a cursor at the end of a `|` block's line is after that line's last character).
 * toSource is non-decreasing, so both are binary searches.
 */
export function valueIndexAt(source: EmbeddedString, docOffset: number, mode: 'char' | 'caret'): number {
  const len = source.value.length;
  if (mode === 'caret') {
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (source.toSource(mid) >= docOffset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  if (len === 0 || docOffset < source.toSource(0)) return 0;
  let lo = 0;
  let hi = len - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (source.toSource(mid) <= docOffset) lo = mid;
    else hi = mid - 1;
  }
  // Past the last character (a cursor just after the expression) counts as on it.
  return lo;
}

/**
 * Source ranges of value[start, end) as runs of contiguous source characters on one line each:
 * an LSP semantic token cannot span lines, and a CEL token in a folded or quoted multi-line
 * scalar can.
 */
export function sourceRuns(source: EmbeddedString, docText: string, start: number, end: number): Array<{ start: number; end: number }> {
  const runs: Array<{ start: number; end: number }> = [];
  let runStart = -1;
  let runEnd = -1;
  for (let i = start; i < end; i++) {
    const r = source.sourceRange(i, i + 1);
    const isBreak = /[\r\n]/.test(docText.slice(r.start, r.end));
    if (isBreak) {
      if (runStart >= 0) runs.push({ start: runStart, end: runEnd });
      runStart = -1;
      continue;
    }
    if (runStart >= 0 && r.start === runEnd) {
      runEnd = r.end;
    } else {
      if (runStart >= 0) runs.push({ start: runStart, end: runEnd });
      runStart = r.start;
      runEnd = r.end;
    }
  }
  if (runStart >= 0) runs.push({ start: runStart, end: runEnd });
  return runs;
}
