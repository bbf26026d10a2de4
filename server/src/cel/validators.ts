/**
 * cel-go's AST validators as Kubernetes configures them (k8s-cel.md §0.3): homogeneous aggregate
 * literals (always), and duration/timestamp/regex literal validation (features.validateLiterals).
 * cel-go runs validators only on an expression that type-checked, so does checkAst.
 */
import type { CelFeatures, CelIssue, CelType } from './api.js';
import { CEL_CODES, celIssue } from './issues.js';
import { isValidDuration, isValidRe2, isValidTimestamp } from './literals.js';
import { nodeSpan } from './locate.js';
import { type AstNode, childrenOf } from './parse.js';
import { formatType, isExactType } from './types.js';

/** Literals inside these calls may mix element types (strings ext `format`, `cel.bind`). */
const EXEMPT_CALLS = new Set(['format', 'bind']);

function callName(node: AstNode): string | undefined {
  return node.op === 'call' || node.op === 'rcall' ? (node.args as [string])[0] : undefined;
}

function stringLiteral(node: AstNode | undefined): string | undefined {
  return node?.op === 'value' && typeof node.args === 'string' ? node.args : undefined;
}

export function validateLiterals(src: string, ast: AstNode, types: ReadonlyMap<AstNode, CelType>, features: CelFeatures): CelIssue[] {
  const issues: CelIssue[] = [];
  const mismatch = (node: AstNode, expected: CelType, found: CelType): void => {
    const span = nodeSpan(src, node);
    issues.push(celIssue(CEL_CODES.otherTypeError, span.start, span.end, `expected type '${formatType(expected)}' but found '${formatType(found)}'`));
  };
  const invalid = (node: AstNode, fn: string): void => {
    issues.push(celIssue(CEL_CODES.invalidLiteral, node.start, node.end, `invalid ${fn} argument`));
  };

  const stack: Array<[AstNode, boolean]> = [[ast, false]];
  while (stack.length) {
    const [node, exempt] = stack.pop()!;
    const name = callName(node);
    if (!exempt && node.op === 'list') checkList(node);
    if (!exempt && node.op === 'map') checkMap(node);
    if (features.validateLiterals && name) checkLiteralArgument(node, name);
    const childExempt = exempt || (name !== undefined && EXEMPT_CALLS.has(name));
    for (const c of childrenOf(node)) stack.push([c, childExempt]);
  }
  return issues;

  function checkList(node: AstNode): void {
    let first: CelType | undefined;
    for (const e of node.args as AstNode[]) {
      const t = types.get(e);
      if (!t) continue;
      if (!first) { first = t; continue; }
      if (!isExactType(first, t)) { mismatch(e, first, t); break; }
    }
  }

  function checkMap(node: AstNode): void {
    let key: CelType | undefined;
    let value: CelType | undefined;
    for (const [k, v] of node.args as Array<[AstNode, AstNode]>) {
      const kt = types.get(k);
      const vt = types.get(v);
      if (!kt || !vt) continue;
      if (!key || !value) { key = kt; value = vt; continue; }
      if (!isExactType(key, kt)) mismatch(k, key, kt);
      if (!isExactType(value, vt)) mismatch(v, value, vt);
    }
  }

  function checkLiteralArgument(node: AstNode, name: string): void {
    if (node.op === 'call') {
      const args = (node.args as [string, AstNode[]])[1];
      const first = stringLiteral(args[0]);
      if (args.length === 1 && first !== undefined) {
        if (name === 'duration' && !isValidDuration(first)) invalid(args[0], name);
        if (name === 'timestamp' && !isValidTimestamp(first)) invalid(args[0], name);
      }
      const pattern = stringLiteral(args[1]);
      if (name === 'matches' && args.length === 2 && pattern !== undefined && !isValidRe2(pattern)) invalid(args[1], name);
    } else if (name === 'matches') {
      const args = (node.args as [string, AstNode, AstNode[]])[2];
      const pattern = stringLiteral(args[0]);
      if (args.length === 1 && pattern !== undefined && !isValidRe2(pattern)) invalid(args[0], name);
    }
  }
}
