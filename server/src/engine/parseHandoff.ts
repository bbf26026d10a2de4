import type { DocumentInput } from '../checks/types.js';
import { parseChunk, type DocumentChunk } from './documents.js';

/**
 * Parsed documents passed from the workspace index to the engine. When the editor opens or edits
 * a file, the index reads its policies first and the engine checks it right after; both need the
 * same YAML documents, and parsing them is the largest cost of a cold check, so the index leaves
 * what it parsed here and the engine takes it instead of parsing the text a second time.
 *
 * Only the documents of the latest text given to `parseForEngine` are kept (a workspace scan
 * reads many files that are never opened), and each is taken at most once: the engine caches
 * findings, not parsed documents, so nothing here outlives the check that needs it.
 */
let waiting = new Map<string, DocumentInput>();

/** Starts a new hand-off: documents left from an earlier text will not be taken any more. */
export function beginParseHandoff(): void {
  waiting = new Map();
}

/** Parses a document for a reader of its own, and leaves the result for the engine's next check. */
export function parseForEngine(chunk: DocumentChunk): DocumentInput {
  const parsed = waiting.get(chunk.text) ?? parseChunk({ start: 0, text: chunk.text });
  waiting.set(chunk.text, parsed);
  return { ...parsed, offset: chunk.start };
}

/** The engine's parse: the document left by `parseForEngine` when there is one, else a fresh parse. */
export function takeParsedChunk(chunk: DocumentChunk): DocumentInput {
  const parsed = waiting.get(chunk.text);
  if (!parsed) return parseChunk(chunk);
  waiting.delete(chunk.text);
  return { ...parsed, offset: chunk.start };
}
