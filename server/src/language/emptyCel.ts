/**
 * A CEL field with nothing typed yet: `expression:`, `expression: ` (YAML null), `expression: ""`,
 * `expression: ''`, or an empty `|`/`>` block. Completion there offers what the field's environment
 * declares; this module finds such a field at the cursor, its typing context, and how an item's
 * text must be written to land inside that scalar.
 */
import { isScalar, type Scalar } from 'yaml';
import type { DocumentInput, WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { parseChunk } from '../engine/documents.js';
import { nodeAtOffset } from '../engine/yamlNav.js';
import { columnOf, eolOf, lineEnd, lineStart } from '../checks/fixes.js';
import { celSites, contextOf, siteAt, type CelContext, type CelSite } from './celContext.js';

export interface EmptyCel {
  ctx: CelContext;
  /** Document offsets of the text an item replaces (usually empty, at the cursor). */
  start: number;
  end: number;
  /**
   * How the scalar is written: a plain scalar (the value was missing) must not start as another
   * YAML type (`true`, `null`), quoted and block scalars take any CEL.
   */
  style: 'plain' | 'quoted' | 'block';
  /** Written before an item's text (a space after a bare `key:`, a line break after `|`). */
  before: string;
  /** The editor must insert the text as it is, without re-indenting its lines. */
  keepWhitespace: boolean;
}

const isBlank = (s: string) => /^[ \t]*$/.test(s);
/** What may follow the cursor in a missing value: nothing, a comment, or the end of a flow entry. */
const endsValue = (s: string) => /^(?:[ \t]*|[ \t]+#.*|[ \t]*[,}\]].*)$/.test(s);

/** `"`/`'` scalars: between the quotes (an unterminated one: anywhere after its quote). */
function quotedInsertion(node: Scalar, text: string, offset: number): { start: number; end: number } | null {
  const [start, end] = node.range!;
  const q = text[start];
  const terminated = end - start >= 2 && text[end - 1] === q;
  const last = terminated ? end - 1 : end;
  if (offset <= start || offset > last) return null;
  return { start: offset, end: offset };
}

/**
 * An empty `|`/`>` block: on its header line after the indicators (the item goes on a new line,
 * indented under the key), or on a blank line below it (at the cursor when it is already indented
 * deeper than the key, else the line's leading blanks are replaced by that indentation).
 */
function blockInsertion(node: Scalar, text: string, offset: number): Omit<EmptyCel, 'ctx' | 'style'> | null {
  const start = node.range![0];
  const headerEnd = lineEnd(text, start);
  const indicators = /^[|>][-+0-9]*/.exec(text.slice(start, headerEnd))?.[0] ?? '';
  // The key's column: the block's content must be indented deeper.
  const keyLine = text.slice(lineStart(text, start), start);
  const keyColumn = /^([ \t]*(?:-[ \t]+)*)/.exec(keyLine)![1].length;
  const indent = ' '.repeat(keyColumn + 2);
  if (offset <= headerEnd) {
    if (offset < start + indicators.length || !isBlank(text.slice(offset, headerEnd))) return null;
    return { start: offset, end: offset, before: eolOf(text) + indent, keepWhitespace: true };
  }
  // Only blank lines between the header and the cursor, and nothing after it on its line.
  if (!isBlank(text.slice(headerEnd, offset).replace(/\r?\n/g, '')) || !isBlank(text.slice(offset, lineEnd(text, offset)))) return null;
  if (columnOf(text, offset) > keyColumn) return { start: offset, end: offset, before: '', keepWhitespace: false };
  return { start: lineStart(text, offset), end: offset, before: indent, keepWhitespace: true };
}

/** A CEL site whose value is the empty string, with the cursor where an expression can start. */
function emptyStringSite(sites: readonly CelSite[], text: string, offset: number): EmptyCel | null | undefined {
  for (const site of sites) {
    const node = site.cel.node;
    if (node.value !== '' || !node.range) continue;
    let found: Omit<EmptyCel, 'ctx' | 'style'> | null = null;
    let style: EmptyCel['style'];
    if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
      if (offset < node.range[0] || offset > node.range[1]) continue;
      const r = quotedInsertion(node, text, offset);
      found = r ? { ...r, before: '', keepWhitespace: false } : null;
      style = 'quoted';
    } else if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      if (offset < node.range[0]) continue;
      found = blockInsertion(node, text, offset);
      // A cursor below the block's lines belongs to whatever follows.
      if (!found && offset > node.range[1]) continue;
      style = 'block';
    } else {
      continue;
    }
    if (!found) return null;
    const ctx = contextOf(site);
    return ctx ? { ...found, ctx, style } : null;
  }
  return undefined;
}

/**
 * `key:` or `key: ` with no value, the cursor after the colon on the key's line. The field's
 * environment comes from the same document with `""` written at the cursor: the checks' own
 * collectors then see a CEL field there.
 */
function missingValue(input: DocumentInput, offset: number, options: EngineOptions, workspace: WorkspaceIndex): EmptyCel | undefined {
  const text = input.text;
  const before = text.slice(lineStart(text, offset), offset);
  const after = text.slice(offset, lineEnd(text, offset));
  if (!/:[ \t]*$/.test(before) || !endsValue(after)) return undefined;
  const { nodes } = nodeAtOffset(input.doc, offset);
  const last = nodes[nodes.length - 1];
  // The cursor must be after a key whose value is missing: the deepest node is then the key's
  // empty null scalar, or the map holding the pair (yaml leaves out a value at the end of a file).
  if (isScalar(last)) {
    if (last.value !== null || !last.range || last.range[1] !== last.range[0]) return undefined;
  }
  const space = /:$/.test(before) ? ' ' : '';
  const patched = text.slice(0, offset) + space + '""' + text.slice(offset);
  const quote = offset + space.length;
  const patchedInput = parseChunk({ start: input.offset, text: patched });
  // `""` must fill the gap, not break the document (e.g. a value that starts on the next line).
  if (patchedInput.doc.errors.length > input.doc.errors.length) return undefined;
  const site = siteAt(celSites(patchedInput, options, workspace), quote + 1);
  if (!site || site.cel.node.range?.[0] !== quote || site.cel.node.value !== '') return undefined;
  const ctx = contextOf(site);
  return ctx && { ctx, start: offset, end: offset, style: 'plain', before: space, keepWhitespace: false };
}

/**
 * The empty CEL field at document offset `offset`: undefined when the cursor is not in one
 * (completion then works on the expression there, if any); null when it is, but at a place no
 * expression can be written (after a closing quote, before a block indicator).
 */
export function emptyCelAt(input: DocumentInput, offset: number, options: EngineOptions, workspace: WorkspaceIndex, sites: readonly CelSite[]): EmptyCel | null | undefined {
  const inString = emptyStringSite(sites, input.text, offset);
  if (inString !== undefined) return inString;
  if (siteAt(sites, offset)) return undefined;
  return missingValue(input, offset, options, workspace);
}

/** A completion item's text as it must be written in the empty scalar. */
export function textForEmpty(empty: EmptyCel, text: string, kind: string): string {
  // `expression: true` would be a YAML boolean, not a CEL string.
  const quoted = empty.style === 'plain' && kind === 'keyword' ? `"${text}"` : text;
  return empty.before + quoted;
}
