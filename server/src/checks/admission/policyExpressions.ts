import type { CelIssue, CelType } from '../../cel/api.js';
import { isDeepStrictEqual } from 'node:util';
import { checkKubernetesCel, issuesInWiderEnvironment, vapEnvironment, type BuiltEnvironment, type KubernetesCheckResult, type VapField } from '../../cel/environments.js';
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
  /** By the expression's position in the policy's list. */
  issues: CelIssue[][];
  /** The expressions this pass really checked (not derived), with their environment and result. */
  compiled: Array<{ env: BuiltEnvironment; result: KubernetesCheckResult } | undefined>;
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
  const scope = new PassScope(version, pass, envFor);
  for (const e of expressions) {
    const env = scope.environment(e);
    const result = checkKubernetesCel(e.cel.source.value, env);
    yield { expression: e, env, result };
    scope.compiled(e, result);
  }
}

/**
 * What the expressions of a pass are compiled in: the environment holding the variables compiled
 * before each (see compilePass).
 */
class PassScope {
  private readonly variables: Array<{ name: string; type: CelType | undefined }> = [];
  /**
   * Until a variable is declared, every expression of a field gets the same environment (the
   * factories memoise on their inputs); most policies declare none, so ask once per field.
   */
  private readonly withoutVariables = new Map<PolicyField, BuiltEnvironment>();

  constructor(
    private readonly version: KubernetesVersion,
    private readonly pass: TypingPass,
    private readonly envFor: EnvironmentFactory,
  ) {}

  environment(e: PolicyExpression): BuiltEnvironment {
    const none = this.variables.length === 0;
    let env = none ? this.withoutVariables.get(e.field) : undefined;
    if (!env) {
      env = this.envFor({ version: this.version, pass: this.pass, variables: [...this.variables], field: e.field });
      if (none) this.withoutVariables.set(e.field, env);
    }
    return env;
  }

  /** After `e` compiled: a variable's result declares it for the expressions after it. */
  compiled(e: PolicyExpression, result: { issues: CelIssue[]; type?: CelType }): void {
    if (e.field === 'variable' && e.variableName !== undefined) {
      // A variable that fails to compile is still declared, as dyn (k8s-cel.md §2.5).
      this.variables.push({ name: e.variableName, type: result.issues.some((i) => i.severity === 'error') ? undefined : result.type });
    }
  }
}

/**
 * The dyn pass's issues of an expression derived from a schema-typed pass (issuesInWiderEnvironment),
 * or undefined to check it. Never for a variable: its type, which the derivation does not give,
 * types `variables.<name>` in the expressions after it.
 */
type Derivation = (k: number, e: PolicyExpression, env: BuiltEnvironment) => CelIssue[] | undefined;

function runPass(
  version: KubernetesVersion,
  pass: TypingPass,
  expressions: PolicyExpression[],
  envFor: EnvironmentFactory,
  derive?: Derivation,
): PassResult {
  const issues: CelIssue[][] = [];
  const compiled: PassResult['compiled'] = [];
  const scope = new PassScope(version, pass, envFor);
  for (let k = 0; k < expressions.length; k++) {
    const e = expressions[k];
    const env = scope.environment(e);
    // Derived issues never declare a variable (derive skips them), so scope.compiled has nothing to do.
    const derived = derive && e.field !== 'variable' ? derive(k, e, env) : undefined;
    compiled.push(undefined);
    if (derived) {
      issues.push(derived);
      continue;
    }
    const result = checkKubernetesCel(e.cel.source.value, env);
    compiled[k] = { env, result };
    issues.push(result.issues);
    scope.compiled(e, result);
  }
  return { pass, issues, compiled };
}

/**
 * Switch, counters and verification mode of the dyn-pass derivation, for tests (it is a pure
 * speed-up and must never change a finding): `enabled` off checks every expression of the dyn
 * pass; with `verify` on, every derived result is also checked for real, any difference is
 * recorded in `mismatches` and the real result used.
 */
export const dynPassDerivation = { enabled: true, verify: false, derived: 0, checked: 0, mismatches: [] as string[] };

/** Derives the dyn pass from whichever typed pass checked the expression cleanly. */
function fromTypedPasses(typed: PassResult[]): Derivation {
  return (index, e, env) => {
    for (let k = 0; k < typed.length; k++) {
      const c = typed[k].compiled[index];
      if (!c) continue;
      const derived = issuesInWiderEnvironment(e.cel.source.value, c.result, c.env, env);
      if (!derived) continue;
      dynPassDerivation.derived++;
      if (!dynPassDerivation.verify) return derived;
      const real = checkKubernetesCel(e.cel.source.value, env).issues;
      dynPassDerivation.checked++;
      if (!isDeepStrictEqual(real, derived)) {
        dynPassDerivation.mismatches.push(`${JSON.stringify(e.cel.source.value)}: derived ${JSON.stringify(derived)}, checked ${JSON.stringify(real)}`);
        return real;
      }
      return derived;
    }
    return undefined;
  };
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
  // The typed passes first: the dyn pass derives what it can from them (most expressions).
  const typed = typedPasses.map((p) => runPass(version, p, expressions, envFor));
  const api = runPass(version, apiPass, expressions, envFor, typed.length && dynPassDerivation.enabled ? fromTypedPasses(typed) : undefined);
  for (let k = 0; k < expressions.length; k++) {
    const e = expressions[k];
    const base = api.issues[k];
    if (base.length) reportCelIssues(ctx, e.cel, base);
    // Built only when some typed pass has an issue here (most expressions have none).
    let seen: Set<string> | undefined;
    let extra: Map<string, { issue: CelIssue; kinds: string[] }> | undefined;
    for (let j = 0; j < typed.length; j++) {
      const t = typed[j];
      const issues = t.issues[k];
      if (issues.length === 0) continue;
      seen ??= new Set(base.map(issueKey));
      extra ??= new Map();
      for (const issue of issues) {
        const key = issueKey(issue);
        if (seen.has(key)) continue;
        const entry = extra.get(key) ?? { issue, kinds: [] };
        if (t.pass.gvk) entry.kinds.push(formatGvk(t.pass.gvk));
        extra.set(key, entry);
      }
    }
    if (!extra) continue;
    for (const { issue, kinds } of extra.values()) {
      reportCelIssues(ctx, e.cel, [issue], {
        severity: (i) => (i.severity === 'error' ? 'warning' : i.severity),
        suffix: () => (kinds.length ? ` (${kinds.join('; ')})` : ''),
      });
    }
  }
}

export { celAt };
