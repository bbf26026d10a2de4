import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { hoverAt } from '../language/hover.js';

/** textDocument/hover: engine offsets are UTF-16 units, as LSP positions are. */
export function lspHover(document: TextDocument, position: Position, options: EngineOptions, workspace: WorkspaceIndex): Hover | null {
  const found = hoverAt(document.getText(), document.offsetAt(position), options, workspace);
  if (!found) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: found.markdown },
    range: { start: document.positionAt(found.start), end: document.positionAt(found.end) },
  };
}
