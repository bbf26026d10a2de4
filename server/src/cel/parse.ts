/**
 * Parsing through @marcbachmann/cel-js (used ONLY as a parser; the checker is ours), with its
 * errors turned into cel-go-like syntax issues. Never throws: any parser failure, including a
 * stack overflow on absurdly nested input, becomes one KCG1001 issue.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { CelIssue } from './api.js';
import { CEL_CODES, celIssue } from './issues.js';
import { type Rewritten, rewriteStructLiterals } from './structs.js';

/** The subset of cel-js's AST node we rely on (see node_modules/@marcbachmann/cel-js/lib/parser.js). */
export interface AstNode {
  readonly op: string;
  readonly args: unknown;
  /** Field-name start for '.', otherwise the node start. */
  readonly pos: number;
  readonly start: number;
  readonly end: number;
}

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

const EXPECTED_TOKEN_TEXT: Record<string, string> = {
  IDENTIFIER: 'IDENTIFIER', RPAREN: "')'", RBRACKET: "']'", RBRACE: "'}'", COLON: "':'", LPAREN: "'('", EOF: '<EOF>',
};
const ANY_EXPRESSION = "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}";

interface CelJsError {
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

function tokenText(src: string, start: number, end: number): string {
  if (start >= src.length) return '<EOF>';
  const text = src.slice(start, Math.max(end, start + 1));
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** A cel-go-flavoured message for a cel-js parse error. */
function describe(src: string, err: CelJsError, start: number, end: number): { code: string; message: string } {
  const summary = err.summary ?? err.message ?? 'invalid expression';
  switch (err.code) {
    case 'expected_token': {
      const expected = /^Expected (\w+)/.exec(summary)?.[1] ?? '';
      return { code: CEL_CODES.syntax, message: `Syntax error: mismatched input '${tokenText(src, start, end)}' expecting ${EXPECTED_TOKEN_TEXT[expected] ?? expected}` };
    }
    case 'unexpected_token':
      return { code: CEL_CODES.syntax, message: `Syntax error: mismatched input '${tokenText(src, start, end)}' expecting ${ANY_EXPRESSION}` };
    case 'unexpected_character':
      // The lexer says `Unexpected character: x`; the parser (input left over) quotes it.
      if (/^Unexpected character: '/.test(summary)) {
        return { code: CEL_CODES.syntax, message: `Syntax error: extraneous input '${tokenText(src, start, end)}' expecting <EOF>` };
      }
      return { code: CEL_CODES.syntax, message: `Syntax error: token recognition error at: '${src.slice(start, start + 1)}'` };
    case 'unterminated_string':
    case 'unterminated_triple_quoted_string':
      return { code: CEL_CODES.syntax, message: 'Syntax error: unterminated string literal' };
    case 'reserved_identifier': {
      const name = src.slice(start, end);
      return { code: CEL_CODES.otherTypeError, message: `reserved identifier: ${name}` };
    }
    case 'invalid_macro_argument':
      return { code: CEL_CODES.syntax, message: 'argument must be a simple name' };
    case 'invalid_integer':
    case 'invalid_hex_integer':
      return { code: CEL_CODES.invalidLiteral, message: `Syntax error: invalid int literal` };
    default:
      return { code: CEL_CODES.syntax, message: `Syntax error: ${summary.replace(/\.$/, '')}` };
  }
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
    case '!_': case '-_': return [a as AstNode];
    default: return Array.isArray(a) ? (a as AstNode[]) : [];
  }
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

/** Moves every node's offsets from the rewritten text back to the original source. */
function remapOffsets(root: AstNode, rewrite: Rewritten): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()! as { pos: number; start: number; end: number } & AstNode;
    node.pos = rewrite.toOriginal(node.pos);
    node.start = rewrite.toOriginal(node.start);
    node.end = rewrite.toOriginal(node.end);
    stack.push(...childrenOf(node));
  }
}

export function parseCel(src: string): ParseOutcome {
  if (countCodePoints(src, MAX_CODE_POINTS) > MAX_CODE_POINTS) {
    const size = countCodePoints(src, Number.MAX_SAFE_INTEGER);
    return { issue: celIssue(CEL_CODES.syntax, 0, src.length, `expression code point size exceeds limit: size: ${size}, limit ${MAX_CODE_POINTS}`) };
  }
  // Struct literals are parsed as a synthetic member call (structs.ts); offsets are mapped back.
  const rewrite = rewriteStructLiterals(src);
  const original = (offset: number): number => (rewrite ? rewrite.toOriginal(offset) : offset);
  let text = rewrite?.text ?? src;
  for (let attempt = 0; attempt < 64; attempt++) {
    try {
      const ast = parser().parse(text).ast as unknown as AstNode;
      if (exceedsDepth(ast, MAX_RECURSION_DEPTH)) return { issue: recursionIssue(src) };
      if (rewrite) remapOffsets(ast, rewrite);
      return { ast };
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
