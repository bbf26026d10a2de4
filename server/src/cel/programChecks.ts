/**
 * Failures of cel-go program creation that Kubernetes reports at compile time: with
 * `cel.EvalOptions(OptOptimize)` (k8s-cel.md §0.3) constant regex patterns of `matches`, `find`
 * and `findAll` are precompiled, so an invalid one fails with Go's regexp error even though the
 * expression type-checked. (`matches` literals are caught earlier by the literal validator
 * where Kubernetes enables it.)
 */
import type { CelFeatures, CelIssue } from './api.js';
import { CEL_CODES, celIssue } from './issues.js';
import { type AstNode, astIndex } from './parse.js';
import { re2SyntaxError } from './re2.js';

/** The constant pattern argument of a regex call, if any. */
function patternArgument(node: AstNode, features: CelFeatures): AstNode | undefined {
  if (node.op === 'rcall') {
    const nodeArgs = node.args as [string, AstNode, AstNode[]];
    const name = nodeArgs[0];
    const args = nodeArgs[2];
    if (name === 'find' || name === 'findAll' || (name === 'matches' && !features.validateLiterals)) return args[0];
  } else if (node.op === 'call') {
    const nodeArgs = node.args as [string, AstNode[]];
    const name = nodeArgs[0];
    const args = nodeArgs[1];
    if (name === 'matches' && args.length === 2 && !features.validateLiterals) return args[1];
  }
  return undefined;
}

/**
 * Issues program creation would raise for `ast`; call only for an expression that compiled.
 * `resolved` tells whether a call node resolved to an overload (a user-declared `find` elsewhere
 * would not be a regex function, but every resolved `find` here is the Kubernetes one).
 */
export function programIssues(ast: AstNode, resolved: (node: AstNode) => boolean, features: CelFeatures): CelIssue[] {
  const calls = astIndex(ast).regexCalls;
  if (calls.length === 0) return [];
  const issues: CelIssue[] = [];
  for (const node of calls) {
    const pattern = patternArgument(node, features);
    if (pattern?.op === 'value' && typeof pattern.args === 'string' && resolved(node)) {
      const error = re2SyntaxError(pattern.args);
      if (error) issues.push(celIssue(CEL_CODES.invalidLiteral, pattern.start, pattern.end, `program instantiation failed: ${error}`));
    }
  }
  return issues.sort((a, b) => a.start - b.start);
}
