import type { Check, CheckContext } from './types.js';
import { getIn, seqItems, scalarString } from '../engine/yamlNav.js';
import { bundledSchemas } from '../schemas/registry.js';
import { celAt } from './celInYaml.js';
import { CHECK_CODES } from './celCodes.js';
import { matchedKinds } from './admission/matchedKinds.js';
import { parseApiVersion, resourceType } from './admission/resourceTypes.js';
import { checkPolicyExpressions, type PolicyExpression, type TypingPass } from './admission/policyExpressions.js';
import type { CelType } from '../cel/api.js';

const DYN: CelType = { kind: 'dyn' };
const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** spec.* CEL fields in the apiserver's compile order (k8s-cel.md §1.1). */
function collectExpressions(ctx: CheckContext, spec: unknown): PolicyExpression[] {
  const out: PolicyExpression[] = [];
  for (const mc of seqItems(getIn(spec, ['matchConditions']))) {
    const cel = celAt(ctx, getIn(mc, ['expression']), 'matchConditions[].expression');
    if (cel) out.push({ field: 'matchCondition', cel });
  }
  const seenNames = new Set<string>();
  for (const v of seqItems(getIn(spec, ['variables']))) {
    const nameNode = getIn(v, ['name']) as { range?: [number, number, number] } | undefined;
    const name = scalarString(nameNode);
    if (name !== undefined && nameNode?.range) {
      const problem = !CEL_IDENTIFIER.test(name) || RESERVED.has(name)
        ? 'name is not a valid CEL identifier'
        : seenNames.has(name) ? `Duplicate value: "${name}"` : undefined;
      if (problem) {
        ctx.report({ start: nameNode.range[0], end: nameNode.range[1], severity: 'error', code: CHECK_CODES.policyShape, message: `spec.variables[].name: ${problem}` });
      }
      seenNames.add(name);
    }
    const cel = celAt(ctx, getIn(v, ['expression']), 'variables[].expression');
    if (cel) out.push({ field: 'variable', cel, variableName: name });
  }
  for (const val of seqItems(getIn(spec, ['validations']))) {
    const cel = celAt(ctx, getIn(val, ['expression']), 'validations[].expression');
    if (cel) out.push({ field: 'validation', cel });
    const msg = celAt(ctx, getIn(val, ['messageExpression']), 'validations[].messageExpression');
    if (msg) out.push({ field: 'messageExpression', cel: msg });
  }
  for (const a of seqItems(getIn(spec, ['auditAnnotations']))) {
    const cel = celAt(ctx, getIn(a, ['valueExpression']), 'auditAnnotations[].valueExpression');
    if (cel) out.push({ field: 'auditAnnotation', cel });
  }
  return out;
}

/** The params type the type checker uses: the paramKind's schema, dyn if unknown, null if no paramKind. */
function paramsTypeOf(ctx: CheckContext, spec: unknown): { api: CelType | null; typed: CelType | null; typedKnown: boolean } {
  const paramKind = getIn(spec, ['paramKind']);
  if (!paramKind) return { api: null, typed: null, typedKnown: false };
  const apiVersion = scalarString(getIn(paramKind, ['apiVersion']));
  const kind = scalarString(getIn(paramKind, ['kind']));
  if (!apiVersion || !kind) return { api: DYN, typed: DYN, typedKnown: false };
  const { group, version } = parseApiVersion(apiVersion);
  const t = resourceType({ group, version, kind }, bundledSchemas(ctx.options.kubernetesVersion), ctx.workspace);
  return { api: DYN, typed: t ?? DYN, typedKnown: t !== undefined };
}

export const validatingAdmissionPolicyCheck: Check = {
  name: 'validating-admission-policy',
  appliesTo: (d) => d.kind === 'ValidatingAdmissionPolicy' && (d.apiVersion ?? '').startsWith('admissionregistration.k8s.io/'),
  run(ctx) {
    const spec = getIn(ctx.doc.contents, ['spec']);
    if (!spec) return;
    const expressions = collectExpressions(ctx, spec);
    if (expressions.length === 0) return;
    const bundled = bundledSchemas(ctx.options.kubernetesVersion);
    const params = paramsTypeOf(ctx, spec);
    const kinds = matchedKinds(getIn(spec, ['matchConstraints', 'resourceRules']), bundled, ctx.workspace);
    const typed: TypingPass[] = [];
    for (const gvk of kinds) {
      const objectType = resourceType(gvk, bundled, ctx.workspace);
      if (objectType) typed.push({ objectType, paramsType: params.typed, gvk });
    }
    if (typed.length === 0 && params.typedKnown) typed.push({ objectType: DYN, paramsType: params.typed });
    checkPolicyExpressions(ctx, expressions, { objectType: DYN, paramsType: params.api }, typed);
  },
};
