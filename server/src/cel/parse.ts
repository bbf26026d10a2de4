/**
 * Parsing through @marcbachmann/cel-js (used ONLY as a parser; the checker is ours), with its
 * errors turned into cel-go-like syntax issues. Never throws: any parser failure, including a
 * stack overflow on absurdly nested input, becomes one KCG1001 issue.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { CelIssue } from './api.js';
import { CEL_CODES, celIssue } from './issues.js';
import { type CelJsError, describe } from './parseErrors.js';
import { grammarIssue } from './grammar.js';
import { regroupRelations } from './precedence.js';
import { type Rewritten, rewriteForCelJs } from './syntaxRewrite.js';

/** The subset of cel-js's AST node we rely on (see node_modules/@marcbachmann/cel-js/lib/parser.js). */
export interface AstNode {
  readonly op: string;
  readonly args: unknown;
  /** Field-name start for '.', otherwise the node start. */
  readonly pos: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Marker node of an optional entry: `?x` in a list literal, `?k` as a map key or struct field
 * (args: the entry's expression or key). cel-js has no such syntax; see syntaxRewrite.ts.
 */
export const OPTIONAL_ENTRY_OP = '?_';

export type ParseOutcome = { ast: AstNode; issue?: undefined } | { ast?: undefined; issue: CelIssue };

/** cel-go's parser limits (google/cel-go: parser/parser.go defaults; Kubernetes sets none). */
export const MAX_RECURSION_DEPTH = 250;
export const MAX_CODE_POINTS = 100_000;

let parserEnv: Environment | undefined;
function parser(): Environment {
  // Generous limits: cel-go's own limits are enforced below with cel-go's messages.
  parserEnv ??= new Environment({
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 1_000_000, maxDepth: 10_000, maxListElements: 1_000_000, maxMapEntries: 1_000_000, maxCallArguments: 100_000 },
  });
  return parserEnv;
}

/**
 * cel-js reserves `__proto__` and `prototype` (JavaScript hazards); cel-go does not. We parse them
 * under same-length aliases and map the names back (unalias) so offsets stay exact.
 */
const JS_ONLY_RESERVED = new Map([['prototype', '_kcg_prot'], ['__proto__', '_kcg_pro_']]);
const ALIAS_TO_NAME = new Map([...JS_ONLY_RESERVED].map(([k, v]) => [v, k]));

export function unalias(name: string): string {
  return ALIAS_TO_NAME.get(name) ?? name;
}

const CEL_RESERVED = new Set(['as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

function recursionIssue(src: string): CelIssue {
  return celIssue(CEL_CODES.syntax, 0, Math.min(src.length, 1), `expression recursion limit exceeded: ${MAX_RECURSION_DEPTH}`);
}

function countCodePoints(src: string, stopAt: number): number {
  let n = 0;
  for (let i = 0; i < src.length && n <= stopAt; i++) {
    const c = src.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** Children of a node in source order (macro metadata from cel-js is ignored). */
export function childrenOf(node: AstNode): AstNode[] {
  const a = node.args as unknown;
  switch (node.op) {
    case 'value': case 'id': return [];
    case '.': case '.?': return [(a as [AstNode, string])[0]];
    case 'call': return (a as [string, AstNode[]])[1];
    case 'rcall': { const [, r, args] = a as [string, AstNode, AstNode[]]; return [r, ...args]; }
    case 'list': return a as AstNode[];
    case 'map': return (a as Array<[AstNode, AstNode]>).flat();
    case '!_': case '-_': case OPTIONAL_ENTRY_OP: return [a as AstNode];
    default: return Array.isArray(a) ? (a as AstNode[]) : [];
  }
}

const nodeLists = new WeakMap<AstNode, readonly AstNode[]>();

/**
 * Every node of a parsed expression in pre-order, as an explicit-stack walk visits it (pop a
 * node, visit it, push its children in source order). Several passes run over every checked
 * expression (version gating, dropped-field notes, program checks, cost), in every environment
 * the expression is checked in; ASTs are immutable once parseCel returns them (and shared through
 * its cache), so the walk is done once per AST. Only for finished ASTs, not inside parseCel.
 */
export function allNodes(root: AstNode): readonly AstNode[] {
  let list = nodeLists.get(root);
  if (!list) {
    const out: AstNode[] = [];
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      out.push(n);
      const children = childrenOf(n);
      for (let i = 0; i < children.length; i++) stack.push(children[i]);
    }
    nodeLists.set(root, (list = out));
  }
  return list;
}

/**
 * Nesting depth as cel-go's parser sees it: `a && b && c` chains are flattened (cel-go balances
 * them), everything else nests. Iterative, so it is safe on any input.
 */
function exceedsDepth(root: AstNode, limit: number): boolean {
  const stack: Array<[AstNode, number]> = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return true;
    const isChain = node.op === '&&' || node.op === '||';
    for (const c of childrenOf(node)) stack.push([c, isChain && c.op === node.op ? depth : depth + 1]);
  }
  return false;
}

/**
 * Moves every node's offsets from the rewritten text back to the original source, and turns the
 * `!_` nodes that stand for optional-entry `?` markers into OPTIONAL_ENTRY_OP nodes.
 */
function remapOffsets(root: AstNode, rewrite: Rewritten): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()! as { op: string; pos: number; start: number; end: number } & AstNode;
    node.pos = rewrite.toOriginal(node.pos);
    node.start = rewrite.toOriginal(node.start);
    node.end = rewrite.toOriginal(node.end);
    if (node.op === '!_' && rewrite.optionalMarkers.has(node.start)) node.op = OPTIONAL_ENTRY_OP;
    stack.push(...childrenOf(node));
  }
}

/**
 * Parse results by source text. A policy's expressions are checked in several environments (the
 * dyn-typed API pass and one schema-typed pass per matched kind), each with its own check cache,
 * so without this every expression would be parsed once per pass. Outcomes are immutable once
 * returned (the AST is only rewritten inside parseCel, and checkers key their results by node),
 * so sharing them is safe. Bounded; the oldest entry goes first. Kept small on purpose: the
 * passes of one policy run back to back, and a cache holding every AST of a large file kept them
 * alive through every young-generation GC of its first (cold) check.
 */
const parseCache = new Map<string, ParseOutcome>();
const PARSE_CACHE_LIMIT = 256;

export function parseCel(src: string): ParseOutcome {
  const hit = parseCache.get(src);
  if (hit) return hit;
  const outcome = parseUncached(src);
  parseCache.set(src, outcome);
  if (parseCache.size > PARSE_CACHE_LIMIT) parseCache.delete(parseCache.keys().next().value!);
  return outcome;
}

function parseUncached(src: string): ParseOutcome {
  if (countCodePoints(src, MAX_CODE_POINTS) > MAX_CODE_POINTS) {
    const size = countCodePoints(src, Number.MAX_SAFE_INTEGER);
    return { issue: celIssue(CEL_CODES.syntax, 0, src.length, `expression code point size exceeds limit: size: ${size}, limit ${MAX_CODE_POINTS}`) };
  }
  // Struct literals and optional entries are parsed in a rewritten form (syntaxRewrite.ts).
  const rewrite = rewriteForCelJs(src);
  const original = (offset: number): number => (rewrite ? rewrite.toOriginal(offset) : offset);
  let text = rewrite?.text ?? src;
  for (let attempt = 0; attempt < 64; attempt++) {
    try {
      const ast = parser().parse(text).ast as unknown as AstNode;
      if (exceedsDepth(ast, MAX_RECURSION_DEPTH)) return { issue: recursionIssue(src) };
      if (rewrite) remapOffsets(ast, rewrite);
      regroupRelations(src, ast);
      const rejected = grammarIssue(src, ast);
      return rejected ? { issue: rejected } : { ast };
    } catch (e) {
      if (e instanceof RangeError) return { issue: recursionIssue(src) };
      if ((e as CelJsError | undefined)?.code === 'limit_exceeded') return { issue: recursionIssue(src) };
      const err = (e ?? {}) as CelJsError;
      const rawStart = Math.max(0, Math.min(err.range?.start ?? 0, text.length));
      const rawEnd = Math.max(rawStart, Math.min(err.range?.end ?? rawStart, text.length));
      const alias = err.code === 'reserved_identifier' ? JS_ONLY_RESERVED.get(text.slice(rawStart, rawEnd)) : undefined;
      if (alias !== undefined) {
        text = text.slice(0, rawStart) + alias + text.slice(rawEnd);
        continue;
      }
      const start = original(rawStart);
      const end = Math.max(start, original(rawEnd));
      if (err.code === 'reserved_identifier' && !CEL_RESERVED.has(src.slice(start, end))) {
        return { issue: celIssue(CEL_CODES.syntax, start, end, `Syntax error: ${err.summary ?? 'reserved identifier'}`) };
      }
      const { code, message } = describe(src, err, start, end);
      // An error at the end of input (`object.`) is shown on the last character, inside the text.
      const shown = start >= src.length ? { start: Math.max(0, src.length - 1), end: src.length } : { start, end: Math.max(end, start + 1) };
      return { issue: celIssue(code, shown.start, shown.end, message) };
    }
  }
  return { issue: celIssue(CEL_CODES.syntax, 0, src.length, 'Syntax error: too many reserved identifiers') };
}
