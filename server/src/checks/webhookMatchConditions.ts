import type { Check, CheckContext } from './types.js';
import { getIn, seqItems } from '../engine/yamlNav.js';
import { bundledSchemas } from '../schemas/registry.js';
import { webhookMatchConditionEnvironment } from '../cel/environments.js';
import type { CelType } from '../cel/api.js';
import { celAt } from './celInYaml.js';
import { matchedKinds } from './admission/matchedKinds.js';
import { resourceType } from './admission/resourceTypes.js';
import { checkPolicyExpressions, type EnvironmentFactory, type PolicyExpression, type TypingPass } from './admission/policyExpressions.js';

const DYN: CelType = { kind: 'dyn' };

const webhookEnv: EnvironmentFactory = ({ version, pass }) =>
  webhookMatchConditionEnvironment({ version, phase: 'new', objectType: pass.objectType });

/**
 * webhooks[].matchConditions[].expression. The apiserver compiles them with `object` as dyn; we
 * also type `object` from the webhook's rules (same resolution as policies) and report what only
 * that finds as warnings: a misspelt field there fails every matching request at runtime.
 */
function checkWebhook(ctx: CheckContext, webhook: unknown): void {
  const expressions: PolicyExpression[] = [];
  for (const mc of seqItems(getIn(webhook, ['matchConditions']))) {
    const cel = celAt(ctx, getIn(mc, ['expression']), 'matchConditions[].expression');
    if (cel) expressions.push({ field: 'matchCondition', cel });
  }
  if (expressions.length === 0) return;
  const bundled = bundledSchemas(ctx.options.kubernetesVersion);
  const typed: TypingPass[] = [];
  for (const gvk of matchedKinds(getIn(webhook, ['rules']), bundled, ctx.workspace)) {
    const objectType = resourceType(gvk, bundled, ctx.workspace);
    if (objectType) typed.push({ objectType, paramsType: null, gvk });
  }
  checkPolicyExpressions(ctx, expressions, { objectType: DYN, paramsType: null }, typed, webhookEnv);
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
