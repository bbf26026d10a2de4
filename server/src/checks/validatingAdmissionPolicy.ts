import type { Check, CheckContext } from './types.js';
import { getIn, seqItems } from '../engine/yamlNav.js';
import { bundledSchemas } from '../schemas/registry.js';
import { celAt } from './celInYaml.js';
import { matchedKinds } from './admission/matchedKinds.js';
import { resourceType } from './admission/resourceTypes.js';
import { checkParamKind, collectMatchConditions, collectVariables, paramsTypeOf } from './admission/policySpec.js';
import { checkPolicyExpressions, type PolicyExpression, type TypingPass } from './admission/policyExpressions.js';
import type { CelType } from '../cel/api.js';

const DYN: CelType = { kind: 'dyn' };

/** spec.* CEL fields in the apiserver's compile order (k8s-cel.md §1.1). */
function collectExpressions(ctx: CheckContext, spec: unknown): PolicyExpression[] {
  const out: PolicyExpression[] = [...collectMatchConditions(ctx, spec), ...collectVariables(ctx, spec)];
  for (const [i, val] of seqItems(getIn(spec, ['validations'])).entries()) {
    const cel = celAt(ctx, getIn(val, ['expression']), 'validations[].expression');
    if (cel) out.push({ field: 'validation', cel, label: `validations[${i}].expression` });
    const msg = celAt(ctx, getIn(val, ['messageExpression']), 'validations[].messageExpression');
    if (msg) out.push({ field: 'messageExpression', cel: msg, label: `validations[${i}].messageExpression` });
  }
  for (const [i, a] of seqItems(getIn(spec, ['auditAnnotations'])).entries()) {
    const cel = celAt(ctx, getIn(a, ['valueExpression']), 'auditAnnotations[].valueExpression');
    if (cel) out.push({ field: 'auditAnnotation', cel, label: `auditAnnotations[${i}].valueExpression` });
  }
  return out;
}

/** A policy's expressions and their typing passes; shared by the check and editor features. */
export function policyTyping(ctx: CheckContext, spec: unknown): { expressions: PolicyExpression[]; apiPass: TypingPass; typedPasses: TypingPass[] } {
  const expressions = collectExpressions(ctx, spec);
  const params = paramsTypeOf(ctx, spec);
  const apiPass: TypingPass = { objectType: DYN, paramsType: params.api };
  if (expressions.length === 0) return { expressions, apiPass, typedPasses: [] };
  const bundled = bundledSchemas(ctx.options.kubernetesVersion);
  const typedPasses: TypingPass[] = [];
  for (const gvk of matchedKinds(getIn(spec, ['matchConstraints', 'resourceRules']), bundled, ctx.workspace)) {
    const objectType = resourceType(gvk, bundled, ctx.workspace);
    if (objectType) typedPasses.push({ objectType, paramsType: params.typed, gvk });
  }
  if (typedPasses.length === 0 && params.typedKnown) typedPasses.push({ objectType: DYN, paramsType: params.typed });
  return { expressions, apiPass, typedPasses };
}

export const validatingAdmissionPolicyCheck: Check = {
  name: 'validating-admission-policy',
  appliesTo: (d) => d.kind === 'ValidatingAdmissionPolicy' && (d.apiVersion ?? '').startsWith('admissionregistration.k8s.io/'),
  run(ctx) {
    const spec = getIn(ctx.doc.contents, ['spec']);
    if (!spec) return;
    checkParamKind(ctx, spec);
    const { expressions, apiPass, typedPasses } = policyTyping(ctx, spec);
    if (expressions.length === 0) return;
    checkPolicyExpressions(ctx, expressions, apiPass, typedPasses);
  },
};
