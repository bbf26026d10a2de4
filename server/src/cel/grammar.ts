/**
 * Constructs cel-js parses but cel-go's grammar (parser/gen/CEL.g4) rejects: a trailing comma in
 * a call's argument list (`f(a,)`; lists and maps do allow one) and an unparenthesised ternary as
 * the middle operand of another (`a ? b ? c : d : e`; the middle operand is a conditionalOr).
 */
import type { CelIssue } from './api.js';
import { CEL_CODES, celIssue } from './issues.js';
import { isParenthesized, skipTrivia, ternarySpan } from './locate.js';
import { type AstNode, childrenOf } from './parse.js';

function trailingComma(src: string, node: AstNode): number | undefined {
  const args = node.op === 'call' ? (node.args as [string, AstNode[]])[1] : (node.args as [string, AstNode, AstNode[]])[2];
  if (args.length === 0) return undefined;
  const last = args[args.length - 1];
  // Between the last argument and the call's own ')' there is only trivia, the argument's own
  // closing parens, and possibly the offending comma.
  for (let i = skipTrivia(src, last.end, true); i < node.end - 1; i = skipTrivia(src, i + 1, true)) {
    if (src[i] === ',') return i;
  }
  return undefined;
}

/** The first such construct, as a cel-go-worded syntax issue. */
export function grammarIssue(src: string, root: AstNode): CelIssue | undefined {
  const found: CelIssue[] = [];
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    grammarNodeIssues(src, node, found);
    stack.push(...childrenOf(node));
  }
  return firstGrammarIssue(found);
}

/** Such constructs at `node` itself (not below it), appended to `found`. */
export function grammarNodeIssues(src: string, node: AstNode, found: CelIssue[]): void {
  if (node.op === 'call' || node.op === 'rcall') {
    // ANTLR stops at the ')' after the comma.
    if (trailingComma(src, node) !== undefined) found.push(celIssue(CEL_CODES.syntax, node.end - 1, node.end, "Syntax error: mismatched input ')' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}"));
  }
  if (node.op === '?:') {
    const middle = (node.args as AstNode[])[1];
    if (middle.op === '?:' && !isParenthesized(src, middle, ternarySpan(src, node).end)) {
      const q = ternarySpan(src, middle);
      found.push(celIssue(CEL_CODES.syntax, q.start, q.end, "Syntax error: mismatched input '?' expecting ':'"));
    }
  }
}

/** The issue grammarIssue reports among those found in a pre-order walk. */
export function firstGrammarIssue(found: CelIssue[]): CelIssue | undefined {
  return found.length === 0 ? undefined : found.sort((a, b) => a.start - b.start)[0];
}
