import type { Check, CheckContext } from './types.js';
import { getIn, seqItems } from '../engine/yamlNav.js';
import { schemasFor } from '../schemas/registry.js';
import { webhookMatchConditionEnvironment } from '../cel/environments.js';
import type { CelType } from '../cel/api.js';
import { celAt } from './celInYaml.js';
import { matchedKinds } from './admission/matchedKinds.js';
import { resourceType } from './admission/resourceTypes.js';
import { checkPolicyExpressions, type EnvironmentFactory, type PolicyExpression, type TypingPass } from './admission/policyExpressions.js';

const DYN: CelType = { kind: 'dyn' };

export const webhookEnvironmentFactory: EnvironmentFactory = ({ version, pass }) =>
  webhookMatchConditionEnvironment({ version, phase: 'new', objectType: pass.objectType });

/**
 * webhooks[].matchConditions[].expression. The apiserver compiles them with `object` as dyn; we
 * also type `object` from the webhook's rules (same resolution as policies) and report what only
 * that finds as warnings: a misspelt field there fails every matching request at runtime.
 */
/** A webhook's matchConditions and their typing passes; shared by the check and editor features. */
export function webhookTyping(ctx: CheckContext, webhook: unknown, webhookIndex = 0): { expressions: PolicyExpression[]; apiPass: TypingPass; typedPasses: TypingPass[] } {
  const expressions: PolicyExpression[] = [];
  for (const [i, mc] of seqItems(getIn(webhook, ['matchConditions'])).entries()) {
    const cel = celAt(ctx, getIn(mc, ['expression']), 'matchConditions[].expression');
    if (cel) expressions.push({ field: 'matchCondition', cel, label: `webhooks[${webhookIndex}].matchConditions[${i}].expression` });
  }
  const apiPass: TypingPass = { objectType: DYN, paramsType: null };
  if (expressions.length === 0) return { expressions, apiPass, typedPasses: [] };
  const schemas = schemasFor(ctx.options);
  const typedPasses: TypingPass[] = [];
  for (const gvk of matchedKinds(getIn(webhook, ['rules']), schemas, ctx.workspace)) {
    const objectType = resourceType(gvk, schemas, ctx.workspace);
    if (objectType) typedPasses.push({ objectType, paramsType: null, gvk });
  }
  return { expressions, apiPass, typedPasses };
}

/**
 * webhooks[].matchConditions[].expression. The apiserver compiles them with `object` as dyn; we
 * also type `object` from the webhook's rules (same resolution as policies) and report what only
 * that finds as warnings: a misspelt field there fails every matching request at runtime.
 */
function checkWebhook(ctx: CheckContext, webhook: unknown): void {
  const { expressions, apiPass, typedPasses } = webhookTyping(ctx, webhook);
  if (expressions.length === 0) return;
  checkPolicyExpressions(ctx, expressions, apiPass, typedPasses, webhookEnvironmentFactory);
}

export const webhookMatchConditionsCheck: Check = {
  name: 'webhook-match-conditions',
  appliesTo: (d) =>
    (d.kind === 'ValidatingWebhookConfiguration' || d.kind === 'MutatingWebhookConfiguration') &&
    (d.apiVersion ?? '').startsWith('admissionregistration.k8s.io/'),
  run(ctx) {
    for (const webhook of seqItems(getIn(ctx.doc.contents, ['webhooks']))) checkWebhook(ctx, webhook);
  },
};
