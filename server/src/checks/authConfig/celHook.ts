import type { AstNode } from '../../cel/parse.js';
import { childrenOf } from '../../cel/parse.js';
import type { BuiltEnvironment } from '../../cel/environments.js';
import type { FieldPath } from './yamlLocate.js';

/**
 * How the rule modules ask for a CEL expression to be checked, without knowing about YAML or
 * findings: the check implements it with celInYaml.ts, tests may stub it.
 */
export interface CelHook {
  /**
   * Type-checks the expression at `at` (the YAML path; `shownAt` is the apiserver's path for it)
   * and reports its issues. `ok` is whether the apiserver would compile it; `ast` is there when it
   * parsed, for rules that inspect the expression (the email_verified rule).
   */
  check(at: FieldPath, shownAt: FieldPath, env: CelEnvRequest): { ok: boolean; ast?: AstNode };
}

/** An environment and the key it may be cached under (same key, same environment). */
export interface CelEnvRequest {
  key: string;
  build(): BuiltEnvironment;
}

/**
 * The apiserver's hasSelectExp: does the expression select `operand.field` or `operand.?field`
 * anywhere (inside calls, lists, maps and macros too)? `claims['email']` does not count, as in Go.
 */
export function selectsField(ast: AstNode | undefined, operand: string, field: string): boolean {
  if (!ast) return false;
  const stack: AstNode[] = [ast];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.op === '.' || node.op === '.?') {
      const [receiver, name] = node.args as [AstNode, string];
      if (name === field && receiver?.op === 'id' && receiver.args === operand) return true;
    }
    stack.push(...childrenOf(node));
  }
  return false;
}
