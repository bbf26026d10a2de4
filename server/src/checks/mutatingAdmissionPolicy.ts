import type { Check, CheckContext } from './types.js';
import type { CelType } from '../cel/api.js';
import { getIn, seqItems } from '../engine/yamlNav.js';
import { bundledSchemas } from '../schemas/registry.js';
import { celAt } from './celInYaml.js';
import { matchedKinds } from './admission/matchedKinds.js';
import { resourceType } from './admission/resourceTypes.js';
import { checkParamKind, collectMatchConditions, collectVariables, paramsTypeOf } from './admission/policySpec.js';
import { checkPolicyExpressions, type PolicyExpression, type TypingPass } from './admission/policyExpressions.js';
import { mapEnvironmentFactory } from './admission/mapSchemaTypes.js';

const DYN: CelType = { kind: 'dyn' };

/** spec.mutations[]: applyConfiguration.expression (result `Object`) and jsonPatch.expression (list(JSONPatch)). */
function collectMutations(ctx: CheckContext, spec: unknown): PolicyExpression[] {
  const out: PolicyExpression[] = [];
  for (const [i, m] of seqItems(getIn(spec, ['mutations'])).entries()) {
    const apply = celAt(ctx, getIn(m, ['applyConfiguration', 'expression']), 'mutations[].applyConfiguration.expression');
    if (apply) out.push({ field: 'applyConfiguration', cel: apply, label: `mutations[${i}].applyConfiguration.expression` });
    const patch = celAt(ctx, getIn(m, ['jsonPatch', 'expression']), 'mutations[].jsonPatch.expression');
    if (patch) out.push({ field: 'jsonPatch', cel: patch, label: `mutations[${i}].jsonPatch.expression` });
  }
  return out;
}

/** A MAP's expressions (compile order: matchConditions, variables, mutations) and typing passes. */
export function mutatingPolicyTyping(ctx: CheckContext, spec: unknown): { expressions: PolicyExpression[]; apiPass: TypingPass; typedPasses: TypingPass[] } {
  const expressions = [...collectMatchConditions(ctx, spec), ...collectVariables(ctx, spec), ...collectMutations(ctx, spec)];
  const params = paramsTypeOf(ctx, spec);
  const apiPass: TypingPass = { objectType: DYN, paramsType: params.api };
  if (expressions.length === 0) return { expressions, apiPass, typedPasses: [] };
  const bundled = bundledSchemas(ctx.options.kubernetesVersion);
  const typedPasses: TypingPass[] = [];
  for (const gvk of matchedKinds(getIn(spec, ['matchConstraints', 'resourceRules']), bundled, ctx.workspace)) {
    const objectType = resourceType(gvk, bundled, ctx.workspace);
    if (objectType) typedPasses.push({ objectType, paramsType: params.typed, gvk });
  }
  // No schema for `object`, but one for params: still worth a typed pass (as for VAP).
  if (typedPasses.length === 0 && params.typedKnown) typedPasses.push({ objectType: DYN, paramsType: params.typed });
  return { expressions, apiPass, typedPasses };
}

/**
 * MutatingAdmissionPolicy (admissionregistration.k8s.io v1alpha1/v1beta1/v1, k8s-cel.md §1.2):
 * what the apiserver rejects (dyn pass, errors), plus field names and types the matched kinds'
 * schemas reject (warnings naming the kind: the apiserver does not check them, the merge fails).
 */
export const mutatingAdmissionPolicyCheck: Check = {
  name: 'mutating-admission-policy',
  appliesTo: (d) => d.kind === 'MutatingAdmissionPolicy' && (d.apiVersion ?? '').startsWith('admissionregistration.k8s.io/'),
  run(ctx) {
    const spec = getIn(ctx.doc.contents, ['spec']);
    if (!spec) return;
    checkParamKind(ctx, spec);
    const { expressions, apiPass, typedPasses } = mutatingPolicyTyping(ctx, spec);
    if (expressions.length === 0) return;
    checkPolicyExpressions(ctx, expressions, apiPass, typedPasses, mapEnvironmentFactory);
  },
};
