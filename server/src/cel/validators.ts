/**
 * cel-go's AST validators as Kubernetes configures them (k8s-cel.md §0.3): homogeneous aggregate
 * literals (always), and duration/timestamp/regex literal validation (features.validateLiterals).
 * cel-go runs validators only on an expression that type-checked, so does checkAst.
 */
import type { CelFeatures, CelIssue, CelType } from './api.js';
import { CEL_CODES, celIssue } from './issues.js';
import { isValidDuration, isValidTimestamp, isValidTimestampSeconds } from './literals.js';
import { isValidRe2 } from './re2.js';
import { nodeSpan } from './locate.js';
import { type AstNode, OPTIONAL_ENTRY_OP, astIndex } from './parse.js';
import { formatType, isExactType, optionalValue } from './types.js';

function stringLiteral(node: AstNode | undefined): string | undefined {
  return node?.op === 'value' && typeof node.args === 'string' ? node.args : undefined;
}

/** An int literal, including `-<int>` (cel-go folds the sign into the literal). */
function intLiteral(node: AstNode | undefined): bigint | undefined {
  if (node?.op === 'value' && typeof node.args === 'bigint') return node.args;
  if (node?.op === '-_') {
    const inner = node.args as AstNode;
    if (inner.op === 'value' && typeof inner.args === 'bigint') return -inner.args;
  }
  return undefined;
}

export function validateLiterals(src: string, ast: AstNode, types: ReadonlyMap<AstNode, CelType>, features: CelFeatures): CelIssue[] {
  // Only list and map literals (not exempted by an enclosing `format`/`bind`) and calls of the
  // literal-checking functions can have findings; astIndex keeps them in the order of a pre-order
  // walk. Most expressions have none that matter, and then nothing below is allocated.
  const sites = astIndex(ast).literalChecks;
  let relevant = false;
  for (let k = 0; k < sites.length && !relevant; k++) {
    const op = sites[k].op;
    relevant = op === 'list' || op === 'map' || features.validateLiterals;
  }
  if (!relevant) return [];
  const issues: CelIssue[] = [];
  const mismatch = (node: AstNode, expected: CelType, found: CelType): void => {
    const span = nodeSpan(src, node);
    issues.push(celIssue(CEL_CODES.otherTypeError, span.start, span.end, `expected type '${formatType(expected)}' but found '${formatType(found)}'`));
  };
  const invalid = (node: AstNode, fn: string): void => {
    issues.push(celIssue(CEL_CODES.invalidLiteral, node.start, node.end, `invalid ${fn} argument`));
  };

  for (let k = 0; k < sites.length; k++) {
    const node = sites[k];
    if (node.op === 'list') checkList(node);
    else if (node.op === 'map') checkMap(node);
    else if (features.validateLiterals) checkLiteralArgument(node, (node.args as [string])[0]);
  }
  return issues;

  function checkList(node: AstNode): void {
    let first: CelType | undefined;
    for (const e of node.args as AstNode[]) {
      const entryType = types.get(e);
      if (!entryType) continue;
      const t = e.op === OPTIONAL_ENTRY_OP ? (optionalValue(entryType) ?? entryType) : entryType;
      if (!first) { first = t; continue; }
      if (!isExactType(first, t)) { mismatch(e, first, t); break; }
    }
  }

  function checkMap(node: AstNode): void {
    let key: CelType | undefined;
    let value: CelType | undefined;
    for (const [k, v] of node.args as Array<[AstNode, AstNode]>) {
      const kt = types.get(k);
      const valueType = types.get(v);
      if (!kt || !valueType) continue;
      const vt = k.op === OPTIONAL_ENTRY_OP ? (optionalValue(valueType) ?? valueType) : valueType;
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
      const seconds = intLiteral(args[0]);
      if (name === 'timestamp' && args.length === 1 && seconds !== undefined && !isValidTimestampSeconds(seconds)) invalid(args[0], name);
      const pattern = stringLiteral(args[1]);
      if (name === 'matches' && args.length === 2 && pattern !== undefined && !isValidRe2(pattern)) invalid(args[1], name);
    } else if (name === 'matches') {
      const args = (node.args as [string, AstNode, AstNode[]])[2];
      const pattern = stringLiteral(args[0]);
      if (args.length === 1 && pattern !== undefined && !isValidRe2(pattern)) invalid(args[0], name);
    }
  }
}
