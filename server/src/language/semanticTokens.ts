/**
 * Semantic tokens for the CEL in a file: variables, fields, functions, methods, macros, literals
 * and operators, from the parsed expression (a TextMate grammar cannot tell a field from a
 * method or a variable from a comprehension variable). File offsets, sorted, never overlapping,
 * one token per source line run (LSP tokens cannot span lines).
 */
import type { WorkspaceIndex } from '../checks/types.js';
import { celEnvironmentFor, type BuiltEnvironment } from '../cel/environments.js';
import { callNameSpan, isBinaryOp, operatorSpan, type Span } from '../cel/locate.js';
import { childrenOf, parseCel, unalias, type AstNode } from '../cel/parse.js';
import type { EngineOptions } from '../engine/options.js';
import { celSites } from './celContext.js';
import { macroNamed } from './celDocs.js';
import { allDocuments, sourceRuns } from './cursor.js';
import { isPlaceholderName, repairedExpression } from './celPrefix.js';

export type SemanticTokenType = 'variable' | 'property' | 'function' | 'method' | 'macro' | 'keyword' | 'string' | 'number' | 'operator';

/** The order clients are told in the legend (server.ts); index = encoded type. */
export const SEMANTIC_TOKEN_TYPES: readonly SemanticTokenType[] = ['variable', 'property', 'function', 'method', 'macro', 'keyword', 'string', 'number', 'operator'];
export const SEMANTIC_TOKEN_MODIFIERS: readonly string[] = ['readonly', 'defaultLibrary'];

export interface SemanticToken {
  start: number;
  length: number;
  type: SemanticTokenType;
  modifiers?: string[];
}

interface ExpressionToken extends Span {
  type: SemanticTokenType;
  modifiers?: string[];
}

function literalType(value: unknown): SemanticTokenType {
  if (typeof value === 'string' || value instanceof Uint8Array) return 'string';
  if (typeof value === 'boolean' || value === null) return 'keyword';
  return 'number';
}

/** Tokens of one expression, in expression offsets. */
function expressionTokens(src: string, ast: AstNode, env: BuiltEnvironment | undefined): ExpressionToken[] {
  const declared = env ? celEnvironmentFor(env).variables : undefined;
  const out: ExpressionToken[] = [];
  const stack = [ast];
  while (stack.length) {
    const node = stack.pop()!;
    stack.push(...childrenOf(node));
    switch (node.op) {
      case 'id': {
        // Declared variables (object, self, ...) are read-only inputs; others are comprehension variables.
        const name = unalias(node.args as string);
        out.push({ start: node.start, end: node.end, type: 'variable', modifiers: declared?.has(name) ? ['readonly'] : undefined });
        break;
      }
      case '.': case '.?':
        out.push({ start: node.pos, end: node.end, type: 'property' });
        break;
      case 'call': case 'rcall': {
        const name = unalias((node.args as [string])[0]);
        const span = callNameSpan(src, node);
        const type: SemanticTokenType = macroNamed(name, node.op === 'rcall') ? 'macro' : node.op === 'rcall' ? 'method' : 'function';
        out.push({ ...span, type, modifiers: type === 'macro' ? undefined : ['defaultLibrary'] });
        break;
      }
      case 'value':
        out.push({ start: node.start, end: node.end, type: literalType(node.args) });
        break;
      default:
        if (isBinaryOp(node.op)) out.push({ ...operatorSpan(src, node), type: node.op === 'in' ? 'keyword' : 'operator' });
    }
  }
  return out.filter((t) => t.end > t.start);
}

/**
 * Tokens of one expression. A half-typed one (`object.spec.` while typing) is tokenized in its
 * repaired form (celPrefix.ts), so colours do not flicker with every keystroke; a text that not
 * even repairs gets none (the TextMate grammar still colours it).
 */
function siteTokens(src: string, envOf: () => BuiltEnvironment): ExpressionToken[] {
  let env: BuiltEnvironment | undefined;
  try {
    env = envOf();
  } catch {
    env = undefined;
  }
  const parsed = parseCel(src);
  if (parsed.ast) return expressionTokens(src, parsed.ast, env);
  const repaired = repairedExpression(src);
  const reparsed = repaired && parseCel(repaired.text);
  if (!repaired || !reparsed?.ast) return [];
  return expressionTokens(repaired.text, reparsed.ast, env)
    .filter((t) => !isPlaceholderName(repaired.text.slice(t.start, t.end)))
    .map((t) => ({ ...t, start: repaired.unshift(t.start), end: repaired.unshift(t.end) }))
    .filter((t) => t.end > t.start && t.end <= src.length);
}

/** Semantic tokens of every CEL expression in `text`. */
export function semanticTokens(text: string, options: EngineOptions, workspace: WorkspaceIndex): SemanticToken[] {
  const tokens: SemanticToken[] = [];
  for (const input of allDocuments(text)) {
    let sites;
    try {
      sites = celSites(input, options, workspace);
    } catch {
      continue;
    }
    for (const site of sites) {
      for (const t of siteTokens(site.cel.source.value, () => site.env())) {
        for (const run of sourceRuns(site.cel.source, input.text, t.start, t.end)) {
          tokens.push({ start: input.offset + run.start, length: run.end - run.start, type: t.type, ...(t.modifiers ? { modifiers: t.modifiers } : {}) });
        }
      }
    }
  }
  tokens.sort((a, b) => a.start - b.start || b.length - a.length);
  // Never overlapping: a later token starting inside an earlier one is dropped.
  const out: SemanticToken[] = [];
  let end = -1;
  for (const t of tokens) {
    if (t.start < end) continue;
    out.push(t);
    end = t.start + t.length;
  }
  return out;
}
