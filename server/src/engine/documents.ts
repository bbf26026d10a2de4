import { parseDocument } from 'yaml';
import type { DocumentInput } from '../checks/types.js';

export interface DocumentChunk {
  /** Offset of the chunk in the file. */
  start: number;
  text: string;
}

/**
 * Splits a YAML stream into its documents without parsing it. A line that starts with `---` or
 * `...` followed by white space or the end of the line can only be a document marker in YAML 1.2
 * (it is forbidden inside every scalar), so this is exact, and it lets the engine parse and cache
 * one document at a time: an edit re-parses only the document it touched.
 * The `---` line belongs to the document it opens; a `...` line ends the current one.
 */
export function splitDocuments(text: string): DocumentChunk[] {
  const chunks: DocumentChunk[] = [];
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let chunkStart = 0;
  let m: RegExpExecArray | null;
  while ((m = marker.exec(text))) {
    if (m[0] === '---') {
      if (m.index > chunkStart && /\S/.test(text.slice(chunkStart, m.index))) {
        chunks.push({ start: chunkStart, text: text.slice(chunkStart, m.index) });
        chunkStart = m.index;
      } else if (m.index > chunkStart) {
        // Only blank lines or comments before the first marker: keep them with this document.
      }
    } else {
      const lineEnd = text.indexOf('\n', m.index);
      const end = lineEnd < 0 ? text.length : lineEnd + 1;
      chunks.push({ start: chunkStart, text: text.slice(chunkStart, end) });
      chunkStart = end;
    }
  }
  if (chunkStart < text.length || chunks.length === 0) {
    chunks.push({ start: chunkStart, text: text.slice(chunkStart) });
  }
  return chunks;
}

export function parseChunk(chunk: DocumentChunk): DocumentInput {
  const doc = parseDocument(chunk.text, { keepSourceTokens: true, prettyErrors: false, strict: false });
  const contents = doc.contents as any;
  let apiVersion: string | undefined;
  let kind: string | undefined;
  if (contents && typeof contents.get === 'function' && contents.items) {
    const a = contents.get('apiVersion');
    const k = contents.get('kind');
    if (typeof a === 'string') apiVersion = a;
    if (typeof k === 'string') kind = k;
  }
  return { doc, text: chunk.text, offset: chunk.start, apiVersion, kind };
}
