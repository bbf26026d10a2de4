/**
 * Exact token offsets for issues. cel-js records node ranges, but cel-go reports a selection at
 * its '.', a call at its '(' (we underline the function name), an index at its '[', a binary
 * operator at the operator and a ternary at its '?'. These tokens sit between child ranges, so
 * we find them by scanning the source from the end of the left child, skipping whitespace,
 * `//` comments and the ')' that close parenthesised operands (cel-js keeps no paren nodes).
 */
import { type AstNode, childrenOf } from './parse.js';

export interface Span {
  start: number;
  end: number;
}

/** Index of the next significant character at or after `from`. */
export function skipTrivia(src: string, from: number, skipCloseParens: boolean): number {
  let i = from;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) { i++; continue; }
    if (c === 47 /* / */ && src.charCodeAt(i + 1) === 47) {
      while (i < src.length && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (skipCloseParens && c === 41 /* ) */) { i++; continue; }
    break;
  }
  return i;
}

const BINARY_TOKENS: Record<string, string> = {
  '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', in: 'in', '&&': '&&', '||': '||',
};

export function isBinaryOp(op: string): boolean {
  return Object.hasOwn(BINARY_TOKENS, op);
}

function child(node: AstNode, i: number): AstNode {
  return (node.args as AstNode[])[i];
}

/** The operator token of a binary node. */
export function operatorSpan(src: string, node: AstNode): Span {
  const token = BINARY_TOKENS[node.op] ?? node.op;
  const at = skipTrivia(src, child(node, 0).end, true);
  if (src.startsWith(token, at)) return { start: at, end: at + token.length };
  return { start: node.start, end: node.end }; // defensive: should not happen
}

/** For `a.f` / `a.?f`: the '.' through the field name. */
export function selectSpan(src: string, node: AstNode): Span {
  const dot = skipTrivia(src, child(node, 0).end, true);
  return src[dot] === '.' ? { start: dot, end: node.end } : { start: node.pos, end: node.end };
}

/** Start offset of the '.' of a selection or member call (cel-go's location of a select). */
export function dotOffset(src: string, receiver: AstNode): number {
  return skipTrivia(src, receiver.end, true);
}

/** The function name of a call `f(..)` or member call `a.f(..)`. */
export function callNameSpan(src: string, node: AstNode): Span {
  if (node.op === 'call') {
    const name = (node.args as [string, AstNode[]])[0]; // aliases (parse.ts) keep the length
    return { start: node.start, end: node.start + name.length };
  }
  const nodeArgs = node.args as [string, AstNode, AstNode[]];
  const name = nodeArgs[0];
  const receiver = nodeArgs[1];
  const dot = dotOffset(src, receiver);
  const start = src[dot] === '.' ? skipTrivia(src, dot + 1, false) : node.start;
  return src.startsWith(name, start) ? { start, end: start + name.length } : { start: node.start, end: node.end };
}

/** The '(' of a call (cel-go's location of a call). */
export function callParenOffset(src: string, node: AstNode): number {
  const name = callNameSpan(src, node);
  const at = skipTrivia(src, name.end, false);
  return src[at] === '(' ? at : name.start;
}

/** The '[' (or '[?') of an index node. */
export function indexSpan(src: string, node: AstNode): Span {
  const at = skipTrivia(src, child(node, 0).end, true);
  if (src[at] !== '[') return { start: node.start, end: node.end };
  if (node.op === '[?]') {
    const q = skipTrivia(src, at + 1, false);
    if (src[q] === '?') return { start: at, end: q + 1 };
  }
  return { start: at, end: at + 1 };
}

/** The '?' of a ternary. */
export function ternarySpan(src: string, node: AstNode): Span {
  const at = skipTrivia(src, child(node, 0).end, true);
  return src[at] === '?' ? { start: at, end: at + 1 } : { start: node.start, end: node.end };
}

/**
 * Where an issue about `node` as a whole is shown: the token cel-go reports at, widened to the
 * whole node for leaves and literals (identifiers, constants, list and map literals).
 */
export function nodeSpan(src: string, node: AstNode): Span {
  switch (node.op) {
    case 'id': case 'value': case 'list': case 'map':
      return { start: node.start, end: node.end };
    case '.': case '.?':
      return selectSpan(src, node);
    case 'call': case 'rcall':
      return callNameSpan(src, node);
    case '[]': case '[?]':
      return indexSpan(src, node);
    case '?:':
      return ternarySpan(src, node);
    case '!_': case '-_':
      return { start: node.start, end: node.start + 1 };
    default:
      return isBinaryOp(node.op) ? operatorSpan(src, node) : { start: node.start, end: node.end };
  }
}

/**
 * The nodes containing `offset`, outermost first (for hover: the last one is the innermost).
 * A selection `a.f` contains its field name; an offset between tokens belongs to the enclosing node.
 */
export function nodePathAt(root: AstNode, offset: number): AstNode[] {
  const path: AstNode[] = [];
  let node: AstNode | undefined = root;
  while (node && offset >= node.start && offset <= node.end) {
    path.push(node);
    node = childrenOf(node).find((c) => offset >= c.start && offset <= c.end && c.end > c.start);
  }
  return path;
}

/** Index after the `)` matching the `(` at `open`, skipping string literals; -1 if none. */
function matchingParenEnd(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'") {
      const q = c;
      for (i++; i < src.length && src[i] !== q; i++) if (src[i] === '\\') i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Whether `node` is written in parentheses of its own (`(b < c)`), looking from `from`. */
export function isParenthesized(src: string, node: AstNode, from: number): boolean {
  for (let i = skipTrivia(src, from, false); i < node.start; i = skipTrivia(src, i + 1, false)) {
    if (src[i] === '(' && matchingParenEnd(src, i) >= node.end) return true;
  }
  return false;
}
