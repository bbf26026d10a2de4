import type { Check, CheckContext } from './types.js';
import { getIn, seqItems } from '../engine/yamlNav.js';
import { celAt } from './celInYaml.js';
import { checkMetadataName } from './admission/objectNames.js';
import { checkMutationPatchTypes } from './admission/mutationPatchTypes.js';
import { checkParamKind, collectMatchConditions, collectVariables, policyTypingPasses, type PolicyTyping } from './admission/policySpec.js';
import { checkPolicyExpressions, type PolicyExpression } from './admission/policyExpressions.js';
import { mapEnvironmentFactory } from './admission/mapSchemaTypes.js';

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
export function mutatingPolicyTyping(ctx: CheckContext, spec: unknown): PolicyTyping {
  return policyTypingPasses(ctx, spec, [...collectMatchConditions(ctx, spec), ...collectVariables(ctx, spec), ...collectMutations(ctx, spec)]);
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
    checkMetadataName(ctx);
    const spec = getIn(ctx.doc.contents, ['spec']);
    if (!spec) return;
    checkParamKind(ctx, spec);
    checkMutationPatchTypes(ctx, spec);
    const { expressions, apiPass, typedPasses } = mutatingPolicyTyping(ctx, spec);
    if (expressions.length === 0) return;
    checkPolicyExpressions(ctx, expressions, apiPass, typedPasses, mapEnvironmentFactory);
  },
};
