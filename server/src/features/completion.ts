import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  type CompletionItem,
  type Position,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { completionsAt, type CompletionKind } from '../language/completion.js';

/** Characters that open a completion without the user asking: a field or method after `.`. */
export const COMPLETION_TRIGGERS = ['.'];

const KINDS: Record<CompletionKind, CompletionItemKind> = {
  field: CompletionItemKind.Field,
  variable: CompletionItemKind.Variable,
  function: CompletionItemKind.Function,
  method: CompletionItemKind.Method,
  macro: CompletionItemKind.Snippet,
  keyword: CompletionItemKind.Keyword,
};

/** textDocument/completion. */
export function lspCompletion(document: TextDocument, position: Position, options: EngineOptions, workspace: WorkspaceIndex): CompletionItem[] {
  return completionsAt(document.getText(), document.offsetAt(position), options, workspace).map((item) => {
    const out: CompletionItem = { label: item.label, kind: KINDS[item.kind] };
    if (item.detail) out.detail = item.detail;
    if (item.documentation) out.documentation = { kind: MarkupKind.Markdown, value: item.documentation };
    if (item.sortText) out.sortText = item.sortText;
    const newText = item.insertText ?? item.label;
    if (item.isSnippet) out.insertTextFormat = InsertTextFormat.Snippet;
    // Text that starts a `|` block on the next line is indented for the YAML already.
    if (item.keepWhitespace) out.insertTextMode = InsertTextMode.asIs;
    if (item.range) {
      out.textEdit = { range: { start: document.positionAt(item.range.start), end: document.positionAt(item.range.end) }, newText };
    } else if (item.insertText) {
      out.insertText = item.insertText;
    }
    return out;
  });
}
