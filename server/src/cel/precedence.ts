/**
 * cel-js gives `==`/`!=` a lower precedence than `<`, `<=`, `>`, `>=`, `in`; cel-go's grammar has
 * them all on one left-associative level (`relation`). So `a == b < c` is `(a == b) < c` in
 * cel-go but `a == (b < c)` in cel-js, which changes what type-checks. We regroup cel-js's tree
 * in place to cel-go's shape, leaving explicitly parenthesised operands alone.
 */
import type { AstNode } from './parse.js';
import { childrenOf } from './parse.js';
import { isParenthesized } from './locate.js';

const EQUALITY = new Set(['==', '!=']);
const ORDERING = new Set(['<', '<=', '>', '>=', 'in']);

type MutableNode = { op: string; args: unknown; pos: number; start: number; end: number };

function operands(node: AstNode): [AstNode, AstNode] {
  return node.args as [AstNode, AstNode];
}

/**
 * Rewrites `E = a == R` where R = `b < c` (unparenthesised) into `(a == b) < c`, descending R's
 * left spine of unparenthesised orderings (`a == b < c < d` → `((a == b) < c) < d`).
 */
function regroup(src: string, e: MutableNode): void {
  const [left, right] = operands(e);
  const afterOp = left.end;
  if (!ORDERING.has(right.op) || isParenthesized(src, right, afterOp)) return;
  const spine: MutableNode[] = [right as MutableNode];
  for (let n = operands(right)[0]; ORDERING.has(n.op) && !isParenthesized(src, n, afterOp); n = operands(n)[0]) spine.push(n as MutableNode);
  const bottom = spine[spine.length - 1];
  const leaf = operands(bottom)[0];
  const equality: MutableNode = { op: e.op, args: [left, leaf], pos: left.start, start: left.start, end: leaf.end };
  (bottom.args as AstNode[])[0] = equality;
  for (const n of spine) n.start = n.pos = left.start;
  // `e` keeps its identity (its parent points to it) and becomes the top ordering node.
  e.op = right.op;
  e.args = right.args;
}

/**
 * Regroups one node if it is an equality with an unparenthesised ordering on its right; its
 * children afterwards are what a pre-order walk must visit next (parse.ts walks the tree once for
 * this and the grammar checks).
 */
export function regroupNode(src: string, node: AstNode): void {
  if (EQUALITY.has(node.op)) regroup(src, node as MutableNode);
}

export function regroupRelations(src: string, root: AstNode): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    regroupNode(src, node);
    stack.push(...childrenOf(node));
  }
}
