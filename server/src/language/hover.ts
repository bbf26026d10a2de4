/**
 * Hover: inside CEL, what the checker inferred under the cursor; on a YAML key, the field's schema
 * documentation. File offsets in and out (UTF-16 units, as LSP positions are).
 */
import type { WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { celContextAt } from './celContext.js';
import { celHoverAt } from './celHover.js';
import { documentAt, valueIndexAt } from './cursor.js';
import { yamlKeyHoverAt } from './yamlKeyHover.js';

export interface Hover {
  start: number;
  end: number;
  markdown: string;
}

export function hoverAt(text: string, offset: number, options: EngineOptions, workspace: WorkspaceIndex): Hover | undefined {
  try {
    const at = documentAt(text, offset);
    if (!at) return undefined;
    const base = at.input.offset;
    const ctx = celContextAt(at.input, at.offsetInDoc, options, workspace);
    if (ctx) {
      const hover = celHoverAt(ctx, valueIndexAt(ctx.cel.source, at.offsetInDoc, 'char'));
      if (!hover) return undefined;
      const range = ctx.cel.source.sourceRange(hover.span.start, Math.max(hover.span.start, hover.span.end));
      return { start: base + range.start, end: base + range.end, markdown: hover.markdown };
    }
    const key = yamlKeyHoverAt(at.input, at.offsetInDoc, options, workspace);
    return key && { start: base + key.start, end: base + key.end, markdown: key.markdown };
  } catch {
    // Half-typed documents must never break the editor: no hover rather than an error.
    return undefined;
  }
}
