import type { Check, CheckContext } from './types.js';
import { getIn, seqItems } from '../engine/yamlNav.js';
import { celAt } from './celInYaml.js';
import { checkMetadataName } from './admission/objectNames.js';
import { checkParamKind, collectMatchConditions, collectVariables, policyTypingPasses, type PolicyTyping } from './admission/policySpec.js';
import { checkPolicyExpressions, type PolicyExpression } from './admission/policyExpressions.js';

/** spec.* CEL fields in the apiserver's compile order (k8s-cel.md §1.1). */
function collectExpressions(ctx: CheckContext, spec: unknown): PolicyExpression[] {
  const out: PolicyExpression[] = [...collectMatchConditions(ctx, spec), ...collectVariables(ctx, spec)];
  const validations = seqItems(getIn(spec, ['validations']));
  for (let i = 0; i < validations.length; i++) {
    const val = validations[i];
    const cel = celAt(ctx, getIn(val, ['expression']), 'validations[].expression');
    if (cel) out.push({ field: 'validation', cel, label: `validations[${i}].expression` });
    const msg = celAt(ctx, getIn(val, ['messageExpression']), 'validations[].messageExpression');
    if (msg) out.push({ field: 'messageExpression', cel: msg, label: `validations[${i}].messageExpression` });
  }
  const annotations = seqItems(getIn(spec, ['auditAnnotations']));
  for (let i = 0; i < annotations.length; i++) {
    const a = annotations[i];
    const cel = celAt(ctx, getIn(a, ['valueExpression']), 'auditAnnotations[].valueExpression');
    if (cel) out.push({ field: 'auditAnnotation', cel, label: `auditAnnotations[${i}].valueExpression` });
  }
  return out;
}

/** A policy's expressions and their typing passes; shared by the check and editor features. */
export function policyTyping(ctx: CheckContext, spec: unknown): PolicyTyping {
  return policyTypingPasses(ctx, spec, collectExpressions(ctx, spec));
}

export const validatingAdmissionPolicyCheck: Check = {
  name: 'validating-admission-policy',
  appliesTo: (d) => d.kind === 'ValidatingAdmissionPolicy' && (d.apiVersion ?? '').startsWith('admissionregistration.k8s.io/'),
  run(ctx) {
    checkMetadataName(ctx);
    const spec = getIn(ctx.doc.contents, ['spec']);
    if (!spec) return;
    checkParamKind(ctx, spec);
    const { expressions, apiPass, typedPasses } = policyTyping(ctx, spec);
    if (expressions.length === 0) return;
    checkPolicyExpressions(ctx, expressions, apiPass, typedPasses);
  },
};
