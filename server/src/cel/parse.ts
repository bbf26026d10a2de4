/**
 * Parsing through @marcbachmann/cel-js (used ONLY as a parser; the checker is ours), with its
 * errors turned into cel-go-like syntax issues. Never throws: any parser failure, including a
 * stack overflow on absurdly nested input, becomes one KCG1001 issue.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { CelIssue } from './api.js';
import { CEL_CODES, celIssue } from './issues.js';
import { type CelJsError, describe } from './parseErrors.js';
import { firstGrammarIssue, grammarNodeIssues } from './grammar.js';
import { regroupNode } from './precedence.js';
import { fastParseCel } from './fastParse.js';
import { CEL_RESERVED_SYMBOLS } from './escaping.js';
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

/**
 * `a.b.c` when `node` is built only from an identifier and plain selections, else undefined (the
 * checker keeps a memoised version for the chains it walks link by link).
 */
export function dottedName(node: AstNode): string | undefined {
  const fields: string[] = [];
  let n = node;
  while (n.op === '.') {
    const nodeArgs = n.args as [AstNode, string];
    fields.push(nodeArgs[1]);
    n = nodeArgs[0];
  }
  if (n.op !== 'id') return undefined;
  let name = unalias(n.args as string);
  for (let i = fields.length - 1; i >= 0; i--) name = `${name}.${fields[i]}`;
  return name;
}


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

/** Pushes childrenOf(node) onto `stack` in the same order, without building the array; returns how many. */
export function pushChildren(stack: AstNode[], node: AstNode): number {
  const a = node.args as unknown;
  switch (node.op) {
    case 'value': case 'id': return 0;
    case '.': case '.?': stack.push((a as [AstNode, string])[0]); return 1;
    case 'call': {
      const args = (a as [string, AstNode[]])[1];
      for (let i = 0; i < args.length; i++) stack.push(args[i]);
      return args.length;
    }
    case 'rcall': {
      const nodeArgs = a as [string, AstNode, AstNode[]];
      const r = nodeArgs[1];
      const args = nodeArgs[2];
      stack.push(r);
      for (let i = 0; i < args.length; i++) stack.push(args[i]);
      return args.length + 1;
    }
    case 'map': {
      const entries = a as Array<[AstNode, AstNode]>;
      for (let i = 0; i < entries.length; i++) stack.push(entries[i][0], entries[i][1]);
      return entries.length * 2;
    }
    case '!_': case '-_': case OPTIONAL_ENTRY_OP: stack.push(a as AstNode); return 1;
    default: {
      if (!Array.isArray(a)) return 0;
      const list = a as AstNode[];
      for (let i = 0; i < list.length; i++) stack.push(list[i]);
      return list.length;
    }
  }
}

/**
 * The nodes of a finished AST that the passes after type checking look at, each list in the
 * pre-order of allNodes.
 */
export interface AstIndex {
  /** Field selections, `.` and `.?` (dropped-field notes). */
  selects: readonly AstNode[];
  /** Names of the identifiers (`id` nodes, unaliased), each once: the variables it may read. */
  identifiers: readonly string[];
  /** Member calls, `rcall` (version gating). */
  memberCalls: readonly AstNode[];
  /** Calls (global or member) named `matches`, `find` or `findAll` (program checks). */
  regexCalls: readonly AstNode[];
  /**
   * What literal validation looks at (validators.ts): list and map literals that no enclosing
   * `format` or `bind` call exempts from the homogeneous-literal rule, and calls named
   * `duration`, `timestamp` or `matches`.
   */
  literalChecks: readonly AstNode[];
}

/** Literals inside these calls may mix element types (strings ext `format`, `cel.bind`). */
export const LITERAL_EXEMPT_CALLS: ReadonlySet<string> = new Set(['format', 'bind']);
/** Calls whose constant arguments literal validation checks. */
export const LITERAL_ARGUMENT_CALLS: ReadonlySet<string> = new Set(['duration', 'timestamp', 'matches']);
const REGEX_CALLS: ReadonlySet<string> = new Set(['matches', 'find', 'findAll']);

/**
 * Where a finished AST keeps its index: a non-enumerable property of its root. Not a WeakMap keyed
 * by the root: V8's young-generation GC keeps a WeakMap's entries alive (its values hold the tree's
 * nodes, and often the root itself), so every AST checked on a cold start survived to be copied
 * and promoted, ~4 MB per scavenge on a 1,000-policy file.
 */
const INDEX: unique symbol = Symbol('kcg.astIndex');
type IndexedRoot = AstNode & { [INDEX]?: AstIndex & { nodes?: readonly AstNode[] } };

function storedIndex(root: AstNode): (AstIndex & { nodes?: readonly AstNode[] }) | undefined {
  return (root as IndexedRoot)[INDEX];
}

function storeIndex(root: AstNode, index: AstIndex): void {
  Object.defineProperty(root, INDEX, { value: index, writable: true, configurable: true, enumerable: false });
}

/**
 * The AstIndex of a parsed expression, from one explicit-stack pre-order walk (pop a node, visit
 * it, push its children in source order). Several passes run over every checked expression
 * (version gating, dropped-field notes, literal validation, program checks), in every environment
 * the expression is checked in; ASTs are immutable once parseCel returns them (and shared through
 * its cache), so the walk is done once per AST. Only for finished ASTs, not inside parseCel.
 */
export function astIndex(root: AstNode): AstIndex {
  let index = storedIndex(root);
  if (!index) storeIndex(root, (index = walkAndIndex(root)));
  return index;
}

/**
 * The walk of astIndex. With `src`, it also regroups each node (precedence.ts) before looking at
 * it and pushing its children, and with `found` runs grammar.ts's checks on it: that is how
 * parseCel finishes a tree, and the walk then visits exactly the finished tree in pre-order (a
 * regrouping only changes nodes below the one regrouped), so the same walk indexes it.
 */
function walkAndIndex(root: AstNode, src?: string, found?: CelIssue[]): AstIndex {
  // The walk fills scratch lists, then keeps exact-size copies (most are empty or tiny: growing
  // a fresh list by push allocates room for 17 entries).
  const { stack, exemptFrom } = scratch;
  for (let i = 0; i < SCRATCH_LISTS.length; i++) SCRATCH_LISTS[i].length = 0; // also after a walk that threw
  stack.push(root);
  while (stack.length) {
    const n = stack.pop()!;
    if (src !== undefined) {
      regroupNode(src, n);
      if (found) grammarNodeIssues(src, n, found);
    }
    // Exempting calls (`format`, `bind`) being walked, as the stack length after each was
    // popped: the nodes popped from at or above that position are its descendants.
    while (exemptFrom.length && stack.length < exemptFrom[exemptFrom.length - 1]) exemptFrom.pop();
    const exempt = exemptFrom.length > 0;
    if (indexNode(n, exempt) && !exempt) exemptFrom.push(stack.length);
    pushChildren(stack, n);
  }
  return takeIndex();
}

/**
 * Files one node of a pre-order walk into the scratch lists (`exempt`: inside a `format` or `bind`
 * call); returns whether the node is such a call (its descendants are exempt).
 */
function indexNode(n: AstNode, exempt: boolean): boolean {
  const op = n.op;
  if (op === 'id') {
    const name = unalias(n.args as string);
    if (!scratch.identifiers.includes(name)) scratch.identifiers.push(name);
  } else if (op === '.' || op === '.?') scratch.selects.push(n);
  else if (op === 'call' || op === 'rcall') {
    const name = (n.args as [string])[0];
    if (op === 'rcall') scratch.memberCalls.push(n);
    if (REGEX_CALLS.has(name)) scratch.regexCalls.push(n);
    if (LITERAL_ARGUMENT_CALLS.has(name)) scratch.literalChecks.push(n);
    return LITERAL_EXEMPT_CALLS.has(name);
  } else if ((op === 'list' || op === 'map') && !exempt) scratch.literalChecks.push(n);
  return false;
}

function takeIndex(): AstIndex {
  const { selects, identifiers, memberCalls, regexCalls, literalChecks } = scratch;
  return { selects: take(selects), identifiers: take(identifiers), memberCalls: take(memberCalls), regexCalls: take(regexCalls), literalChecks: take(literalChecks) };
}

/**
 * Stores the astIndex and allNodes of a tree from its nodes in post-order (fastParse.ts builds
 * them in that order): reversed, that is the pre-order astIndex's walk visits (children pushed left
 * to right, popped right to left), without walking the tree. Not when a `format` or `bind` call
 * may exempt literals below it (that needs the nodes' ancestry): the walk does it when asked.
 */
function indexFromPostOrder(src: string, root: AstNode, postOrder: AstNode[]): void {
  if (src.includes('format') || src.includes('bind')) return;
  for (let i = 0; i < SCRATCH_LISTS.length; i++) SCRATCH_LISTS[i].length = 0;
  const nodes = postOrder.reverse();
  for (let i = 0; i < nodes.length; i++) indexNode(nodes[i], false);
  const index: AstIndex & { nodes?: readonly AstNode[] } = takeIndex();
  index.nodes = nodes;
  storeIndex(root, index);
}

/** Reused by astIndex, which never runs inside itself. */
const scratch = {
  stack: [] as AstNode[],
  exemptFrom: [] as number[],
  selects: [] as AstNode[],
  identifiers: [] as string[],
  memberCalls: [] as AstNode[],
  regexCalls: [] as AstNode[],
  literalChecks: [] as AstNode[],
};
const SCRATCH_LISTS: Array<unknown[]> = Object.values(scratch);
const NONE: readonly never[] = Object.freeze([]);

/** An exact-size copy of a scratch list. */
function take<T>(list: T[]): readonly T[] {
  return list.length === 0 ? NONE : list.slice();
}


/**
 * Every node of a finished AST in pre-order, as the explicit-stack walk of astIndex visits it;
 * computed once per AST (cost estimation, editor features).
 */
export function allNodes(root: AstNode): readonly AstNode[] {
  const index = storedIndex(root) ?? (astIndex(root) as AstIndex & { nodes?: readonly AstNode[] });
  let list = index.nodes;
  if (!list) {
    const out: AstNode[] = [];
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      out.push(n);
      pushChildren(stack, n);
    }
    index.nodes = list = out;
  }
  return list;
}

/**
 * Nesting depth as cel-go's parser sees it (exported for tests): `a && b && c` chains are
 * flattened (cel-go balances them), everything else nests. Recursive, but every call is one level deeper and it stops past
 * `limit` (operands of a same-operator chain, which stay at its depth, are walked iteratively),
 * so it is safe on any input.
 */
export function exceedsDepth(root: AstNode, limit: number): boolean {
  return deeperThan(root, 1, limit);
}

function deeperThan(node: AstNode, depth: number, limit: number): boolean {
  if (depth > limit) return true;
  const op = node.op;
  switch (op) {
    case 'value': case 'id': return false;
    case '.': case '.?': return deeperThan((node.args as [AstNode, string])[0], depth + 1, limit);
    case '&&': case '||': {
      const chain: AstNode[] = [node];
      while (chain.length) {
        const operands = chain.pop()!.args as AstNode[];
        for (let i = 0; i < operands.length; i++) {
          const c = operands[i];
          if (c.op === op) chain.push(c);
          else if (deeperThan(c, depth + 1, limit)) return true;
        }
      }
      return false;
    }
    default: {
      const children = childrenOf(node);
      for (let i = 0; i < children.length; i++) if (deeperThan(children[i], depth + 1, limit)) return true;
      return false;
    }
  }
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
    pushChildren(stack, node);
  }
}

/**
 * precedence.ts's regrouping and grammar.ts's checks in one pre-order walk, which also builds the
 * finished tree's astIndex (walkAndIndex): each node is regrouped before it is checked and before
 * its (possibly new) children are pushed, so the checks see the regrouped tree as a separate walk
 * after regroupRelations would (regrouping a node only changes nodes below it, and keeps the
 * `end` of every node the checks read).
 */
function regroupAndCheckGrammar(src: string, root: AstNode): CelIssue | undefined {
  // The grammar checks look for a ',' (trailing comma) or a nested ternary (a '?'): without
  // either in the text they find nothing, and only the regrouping is left to do.
  const found: CelIssue[] | undefined = src.includes(',') || src.includes('?') ? [] : undefined;
  const index = walkAndIndex(root, src, found);
  const issue = found && firstGrammarIssue(found);
  if (!issue) storeIndex(root, index);
  return issue;
}

/**
 * Parse results by source text. A policy's expressions are checked in several environments (the
 * dyn-typed API pass and one schema-typed pass per matched kind), each with its own check cache,
 * so without this every expression would be parsed once per pass. Outcomes are immutable once
 * returned (the AST is only rewritten inside parseCel, and checkers key their results by node),
 * so sharing them is safe. Bounded; the oldest entry goes first. Kept small on purpose: the
 * passes of one policy run back to back, and a cache holding every AST of a large file kept them
 * alive through every young-generation GC of its first (cold) check.
 *
 * Two generations of at most PARSE_GENERATION entries each: when the current one is full it
 * becomes the previous one (dropping the one before), and a hit in the previous one moves the
 * entry back. So the last PARSE_GENERATION texts parsed or asked for are always kept (the passes
 * of a policy with up to that many expressions share every parse), and no entry is ever deleted
 * one by one: evicting the oldest entry of one Map per parse made every lookup scan the deleted
 * slots at the front of its table. Each kept AST survives young-generation GCs (cel-js trees
 * are ~15 KB), so more entries cost a cold check more than the rare re-parse saves.
 */
let parseCache = new Map<string, ParseOutcome>();
let previousParses = new Map<string, ParseOutcome>();
const PARSE_GENERATION = 32;

export function parseCel(src: string): ParseOutcome {
  const hit = parseCache.get(src);
  if (hit) return hit;
  const older = previousParses.get(src);
  const outcome = older ?? parseUncached(src);
  if (parseCache.size >= PARSE_GENERATION) {
    previousParses = parseCache;
    parseCache = new Map();
  }
  parseCache.set(src, outcome);
  return outcome;
}

/** parseCel without the fast path or the cache: what the fast path must agree with (tests). */
export function parseCelFullPath(src: string): ParseOutcome {
  return parseUncached(src, false);
}

function parseUncached(src: string, fastPath = true): ParseOutcome {
  // A string has at most as many code points as UTF-16 units: only long ones need counting.
  if (src.length > MAX_CODE_POINTS && countCodePoints(src, MAX_CODE_POINTS) > MAX_CODE_POINTS) {
    const size = countCodePoints(src, Number.MAX_SAFE_INTEGER);
    return { issue: celIssue(CEL_CODES.syntax, 0, src.length, `expression code point size exceeds limit: size: ${size}, limit ${MAX_CODE_POINTS}`) };
  }
  // The common subset is read in one pass (fastParse.ts); the rest goes through cel-js.
  const fast = fastPath ? fastParseCel(src) : undefined;
  if (fast && (fast.postOrder.length < MAX_RECURSION_DEPTH || !exceedsDepth(fast.ast, MAX_RECURSION_DEPTH))) {
    indexFromPostOrder(src, fast.ast, fast.postOrder);
    return { ast: fast.ast };
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
      const rejected = regroupAndCheckGrammar(src, ast);
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
      if (err.code === 'reserved_identifier' && !CEL_RESERVED_SYMBOLS.has(src.slice(start, end))) {
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
