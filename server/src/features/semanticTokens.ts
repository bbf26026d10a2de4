import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, semanticTokens } from '../language/semanticTokens.js';

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = {
  tokenTypes: [...SEMANTIC_TOKEN_TYPES],
  tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS],
};

/**
 * textDocument/semanticTokens/full: the engine's tokens (sorted, one line each) in the protocol's
 * relative encoding: deltaLine, deltaStartChar, length, type index, modifier bits.
 */
export function lspSemanticTokens(document: TextDocument, options: EngineOptions, workspace: WorkspaceIndex): SemanticTokens {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const token of semanticTokens(document.getText(), options, workspace)) {
    const { line, character } = document.positionAt(token.start);
    const modifiers = (token.modifiers ?? []).reduce((bits, m) => {
      const i = SEMANTIC_TOKEN_MODIFIERS.indexOf(m);
      return i < 0 ? bits : bits | (1 << i);
    }, 0);
    data.push(line - prevLine, line === prevLine ? character - prevChar : character, token.length, SEMANTIC_TOKEN_TYPES.indexOf(token.type), modifiers);
    prevLine = line;
    prevChar = character;
  }
  return { data };
}
