import type { CelIssue, CelType } from '../../cel/api.js';
import { checkKubernetesCel, vapEnvironment, type BuiltEnvironment, type KubernetesCheckResult, type VapField } from '../../cel/environments.js';
import type { KubernetesVersion } from '../../engine/options.js';
import type { CheckContext } from '../types.js';
import { celAt, reportCelIssues, type YamlCel } from '../celInYaml.js';
import { formatGvk, type GroupVersionKind } from './matchedKinds.js';

/** VAP fields, and MutatingAdmissionPolicy's mutations (applyConfiguration, jsonPatch). */
export type PolicyField = 'matchCondition' | 'validation' | 'messageExpression' | 'variable' | 'auditAnnotation' | 'applyConfiguration' | 'jsonPatch';

/** One CEL-holding field of a policy, in the order the apiserver compiles them. */
export interface PolicyExpression {
  field: PolicyField;
  cel: YamlCel;
  /** For spec.variables[i]: the variable's name. */
  variableName?: string;
  /** Where it is, for editor features: e.g. `validations[0].expression`. */
  label?: string;
}

/**
 * One way to type the policy's variables: the apiserver's API validation types `object` and
 * `params` as dyn (its errors reject the policy), its type checker types them from the matched
 * kind's schema (its findings are warnings in status.typeChecking). We run both.
 */
export interface TypingPass {
  objectType: CelType;
  /** null: no paramKind, `params` undeclared. */
  paramsType: CelType | null;
  gvk?: GroupVersionKind;
}

interface PassResult {
  pass: TypingPass;
  issues: Map<PolicyExpression, CelIssue[]>;
}

/** One expression of a pass, with the environment it was compiled in and its result. */
export interface CompiledExpression {
  expression: PolicyExpression;
  env: BuiltEnvironment;
  result: KubernetesCheckResult;
}

/**
 * Compiles a policy's expressions in the apiserver's order, each in an environment holding the
 * variables compiled before it. Lazy, so an editor feature can stop at the expression it needs.
 */
export function* compilePass(
  version: KubernetesVersion,
  pass: TypingPass,
  expressions: PolicyExpression[],
  envFor: EnvironmentFactory,
): Generator<CompiledExpression> {
  const variables: Array<{ name: string; type: CelType | undefined }> = [];
  for (const e of expressions) {
    const env = envFor({ version, pass, variables: [...variables], field: e.field });
    const result = checkKubernetesCel(e.cel.source.value, env);
    yield { expression: e, env, result };
    if (e.field === 'variable' && e.variableName !== undefined) {
      // A variable that fails to compile is still declared, as dyn (k8s-cel.md §2.5).
      variables.push({ name: e.variableName, type: result.issues.some((i) => i.severity === 'error') ? undefined : result.type });
    }
  }
}

function runPass(
  version: KubernetesVersion,
  pass: TypingPass,
  expressions: PolicyExpression[],
  envFor: EnvironmentFactory,
): PassResult {
  const issues = new Map<PolicyExpression, CelIssue[]>();
  for (const { expression, result } of compilePass(version, pass, expressions, envFor)) issues.set(expression, result.issues);
  return { pass, issues };
}

export type EnvironmentFactory = (args: {
  version: KubernetesVersion;
  pass: TypingPass;
  variables: Array<{ name: string; type: CelType | undefined }>;
  field: PolicyField;
}) => ReturnType<typeof vapEnvironment>;

// VAP and webhooks never collect the mutation fields, so `field` is a VapField here.
export const vapEnvironmentFactory: EnvironmentFactory = ({ version, pass, variables, field }) =>
  vapEnvironment({ version, phase: 'new', objectType: pass.objectType, paramsType: pass.paramsType, variables, field: field as VapField, preciseVariables: pass.gvk !== undefined });

/** Same place, same kind of problem: a typed pass re-finding what the dyn pass found adds nothing. */
const issueKey = (i: CelIssue) => `${i.start}:${i.end}:${i.code}`;

/**
 * Checks every expression of a policy: issues of the dyn-typed pass are reported as they are
 * (the apiserver rejects the policy); issues that only the schema-typed passes find are warnings
 * naming the kinds they occur for, as the apiserver's status.typeChecking does.
 */
export function checkPolicyExpressions(
  ctx: CheckContext,
  expressions: PolicyExpression[],
  apiPass: TypingPass,
  typedPasses: TypingPass[],
  envFor: EnvironmentFactory = vapEnvironmentFactory,
): void {
  const version = ctx.options.kubernetesVersion;
  const api = runPass(version, apiPass, expressions, envFor);
  const typed = typedPasses.map((p) => runPass(version, p, expressions, envFor));
  for (const e of expressions) {
    const base = api.issues.get(e) ?? [];
    reportCelIssues(ctx, e.cel, base);
    const seen = new Set(base.map(issueKey));
    const extra = new Map<string, { issue: CelIssue; kinds: string[] }>();
    for (const t of typed) {
      for (const issue of t.issues.get(e) ?? []) {
        const key = issueKey(issue);
        if (seen.has(key)) continue;
        const entry = extra.get(key) ?? { issue, kinds: [] };
        if (t.pass.gvk) entry.kinds.push(formatGvk(t.pass.gvk));
        extra.set(key, entry);
      }
    }
    for (const { issue, kinds } of extra.values()) {
      reportCelIssues(ctx, e.cel, [issue], {
        severity: (i) => (i.severity === 'error' ? 'warning' : i.severity),
        suffix: () => (kinds.length ? ` (${kinds.join('; ')})` : ''),
      });
    }
  }
}

export { celAt };
