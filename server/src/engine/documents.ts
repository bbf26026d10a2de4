import { parseDocument, YAMLParseError, type Document } from 'yaml';
import type { DocumentInput } from '../checks/types.js';
import { fastParseDocument, PARSE_OPTIONS } from './yamlFastPath.js';
import { MAX_NESTING, nestingBeyondLimit } from './yamlDepthGuard.js';

export interface DocumentChunk {
  /** Offset of the chunk in the file. */
  start: number;
  text: string;
}

/**
 * A `---` or `...` at the start of a line, followed by white space or the end of the text. Lines
 * start after '\n' or '\r' only: YAML 1.2 line breaks (a JS `^` with the m flag would also break
 * at U+2028/U+2029, which YAML treats as ordinary content characters).
 */
const DOCUMENT_MARKER = /(?<![^\r\n])(?:---|\.\.\.)(?=[ \t\r\n]|$)/g;

/** Comment lines, blank lines and directives (`%YAML`, `%TAG`) belong to the document that follows. */
function isPreamble(text: string): boolean {
  // A content line: first non-blank character is not '#', and not a '%' in column 0.
  return !/(?:^|[\r\n])(?:[ \t]+[^ \t\r\n#]|[^ \t\r\n#%])/.test(text.replace(/^\uFEFF/, ''));
}

/** Offset just after the line break that ends the line containing `from` (or the text's end). */
function endOfLine(text: string, from: number): number {
  const m = /\r\n|\r|\n/g;
  m.lastIndex = from;
  const found = m.exec(text);
  return found ? found.index + found[0].length : text.length;
}

/**
 * Splits a YAML stream into its documents without parsing it. A line that starts with `---` or
 * `...` followed by white space or the end of the line can only be a document marker in YAML 1.2
 * (it is forbidden inside every scalar), so this is exact, and it lets the engine parse and cache
 * one document at a time: an edit re-parses only the document it touched.
 * The `---` line belongs to the document it opens, and so do the comments and directives before
 * it; a `...` line ends the current document.
 */
export function splitDocuments(text: string): DocumentChunk[] {
  const chunks: DocumentChunk[] = [];
  const marker = new RegExp(DOCUMENT_MARKER.source, 'g');
  let chunkStart = 0;
  let m: RegExpExecArray | null;
  while ((m = marker.exec(text))) {
    if (m[0] === '---') {
      if (m.index > chunkStart && !isPreamble(text.slice(chunkStart, m.index))) {
        chunks.push({ start: chunkStart, text: text.slice(chunkStart, m.index) });
        chunkStart = m.index;
      }
    } else {
      const end = endOfLine(text, m.index);
      chunks.push({ start: chunkStart, text: text.slice(chunkStart, end) });
      chunkStart = end;
      marker.lastIndex = end;
    }
  }
  if (chunkStart < text.length || chunks.length === 0) {
    chunks.push({ start: chunkStart, text: text.slice(chunkStart) });
  }
  return chunks;
}

export function parseChunk(chunk: DocumentChunk): DocumentInput {
  // The common shape of Kubernetes YAML is read by the fast path; anything else by yaml itself.
  const doc = fastParseDocument(chunk.text) ?? parseUnlessTooDeep(chunk.text);
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

/** yaml's parse, or an empty document with one error where the text nests beyond MAX_NESTING. */
function parseUnlessTooDeep(text: string): Document.Parsed {
  const tooDeep = nestingBeyondLimit(text);
  if (!tooDeep) return parseDocument(text, PARSE_OPTIONS);
  const doc = parseDocument('', PARSE_OPTIONS);
  const at = Math.min(tooDeep.offset, Math.max(0, text.length - 1));
  doc.errors.push(
    new YAMLParseError([at, at + 1], 'UNEXPECTED_TOKEN', `nested more than ${MAX_NESTING} levels deep; no Kubernetes object nests like this, so this document is not checked`),
  );
  return doc;
}
