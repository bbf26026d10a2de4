import { isMap, isSeq } from 'yaml';
import type { AdmissionPolicyInfo, AdmissionPolicyKind, Check, CheckContext } from './types.js';
import { getIn, mapPairs, nodeRange, scalarString, scalarValue, seqItems } from '../engine/yamlNav.js';
import { registerCodes } from '../engine/codes.js';
import { schemasFor } from '../schemas/registry.js';
import { combinedSource } from '../schemas/workspaceIndex.js';
import { parseApiVersion } from './admission/resourceTypes.js';
import { checkDnsSubdomainName, checkMetadataName } from './admission/objectNames.js';

/**
 * ValidatingAdmissionPolicyBinding and MutatingAdmissionPolicyBinding: the apiserver's own
 * validation of the binding (with its wording), and cross-checks against the policy it binds,
 * found in the workspace index.
 */
export const BINDING_CODES = {
  policyNotFound: 'KCG2101',
  paramRefMismatch: 'KCG2102',
  paramRefInvalid: 'KCG2103',
  validationActionsInvalid: 'KCG2104',
  policyNameInvalid: 'KCG2105',
} as const;

registerCodes([
  { code: BINDING_CODES.policyNotFound, name: 'binding-policy-not-in-workspace', defaultSeverity: 'info', title: 'The policy a binding names is not in the workspace; the binding does nothing unless the cluster has it.' },
  { code: BINDING_CODES.paramRefMismatch, name: 'binding-param-ref-mismatch', defaultSeverity: 'warning', title: 'A binding without paramRef for a policy with paramKind (params is null), with a paramRef the policy ignores (no paramKind), or with a namespace for cluster-scoped params.' },
  { code: BINDING_CODES.paramRefInvalid, name: 'binding-param-ref-invalid', defaultSeverity: 'error', title: 'A binding paramRef is invalid (name and selector together or neither, bad parameterNotFoundAction); the apiserver rejects it.' },
  { code: BINDING_CODES.validationActionsInvalid, name: 'binding-validation-actions-invalid', defaultSeverity: 'error', title: 'validationActions is empty, repeats or misspells an action, or has both Deny and Warn; the apiserver rejects the binding.' },
  { code: BINDING_CODES.policyNameInvalid, name: 'binding-policy-name-invalid', defaultSeverity: 'error', title: 'A binding has no policyName; the apiserver rejects it.' },
]);

const POLICY_OF: Record<string, AdmissionPolicyKind> = {
  ValidatingAdmissionPolicyBinding: 'ValidatingAdmissionPolicy',
  MutatingAdmissionPolicyBinding: 'MutatingAdmissionPolicy',
};

const VALIDATION_ACTIONS = ['Audit', 'Deny', 'Warn'];
const PARAMETER_NOT_FOUND_ACTIONS = ['Deny', 'Allow'];

/** The key node of `key` in a map, for findings about a field as a whole. */
function keyRange(map: unknown, key: string): { start: number; end: number } | undefined {
  return nodeRange(mapPairs(map).find((p) => p.key === key)?.keyNode);
}

const quoted = (values: string[]) => values.map((v) => `"${v}"`).join(', ');

function checkParamRefShape(ctx: CheckContext, paramRef: unknown): void {
  const name = scalarString(getIn(paramRef, ['name']));
  const hasSelector = getIn(paramRef, ['selector']) != null;
  const code = BINDING_CODES.paramRefInvalid;
  if (name && hasSelector) {
    for (const key of ['name', 'selector']) {
      const r = keyRange(paramRef, key);
      if (r) ctx.report({ ...r, severity: 'error', code, message: `spec.paramRef.${key}: Forbidden: name and selector are mutually exclusive` });
    }
  }
  const actionNode = getIn(paramRef, ['parameterNotFoundAction']);
  const action = scalarValue(actionNode);
  const actionRange = nodeRange(actionNode);
  // Unset is defaulted to Deny by the apiserver; an empty value is not.
  if (action === '' && actionRange) {
    ctx.report({ ...actionRange, severity: 'error', code, message: 'spec.paramRef.parameterNotFoundAction: Required value' });
  } else if (action != null && !PARAMETER_NOT_FOUND_ACTIONS.includes(String(action)) && actionRange) {
    ctx.report({ ...actionRange, severity: 'error', code, message: `spec.paramRef.parameterNotFoundAction: Unsupported value: "${String(action)}": supported values: ${quoted(PARAMETER_NOT_FOUND_ACTIONS)}` });
  }
  if (!name && !hasSelector) {
    const r = keyRange(getIn(ctx.doc.contents, ['spec']), 'paramRef');
    if (r) ctx.report({ ...r, severity: 'error', code, message: 'spec.paramRef: Required value: one of name or selector must be specified' });
  }
}

/** validateValidationActions of the apiserver (kubernetes/kubernetes pkg/apis/admissionregistration/validation). */
function checkValidationActions(ctx: CheckContext, spec: unknown): void {
  const code = BINDING_CODES.validationActionsInvalid;
  const node = getIn(spec, ['validationActions']);
  const items = seqItems(node);
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const action = String(scalarValue(item) ?? '');
    const r = nodeRange(item);
    if (!r) return;
    if (!VALIDATION_ACTIONS.includes(action)) {
      ctx.report({ ...r, severity: 'error', code, message: `spec.validationActions[${i}]: Unsupported value: "${action}": supported values: ${quoted(VALIDATION_ACTIONS)}` });
    }
    if (seen.has(action)) ctx.report({ ...r, severity: 'error', code, message: `spec.validationActions[${i}]: Duplicate value: "${action}"` });
    seen.add(action);
  });
  const whole = isSeq(node) ? nodeRange(node) : keyRange(spec, 'validationActions') ?? keyRange(ctx.doc.contents, 'spec');
  if (!whole) return;
  if (seen.has('Deny') && seen.has('Warn')) {
    const value = JSON.stringify(items.map((i) => String(scalarValue(i) ?? '')));
    ctx.report({ ...whole, severity: 'error', code, message: `spec.validationActions: Invalid value: ${value}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)` });
  }
  if (seen.size === 0) {
    ctx.report({ ...whole, severity: 'error', code, message: 'spec.validationActions: Required value: at least one validation action is required' });
  }
}

function describeParamKind(p: AdmissionPolicyInfo): string {
  return [p.paramKind?.apiVersion, p.paramKind?.kind].filter(Boolean).join(' ') || 'paramKind';
}

/**
 * paramRef against the bound policy (kubernetes/apiserver CollectParams): with paramKind and no
 * paramRef the policy runs with params null; without paramKind a paramRef is ignored. Only
 * when every policy of that name in the workspace agrees.
 */
function checkAgainstPolicy(ctx: CheckContext, spec: unknown, policyKind: AdmissionPolicyKind, name: string, nameRange: { start: number; end: number }): void {
  const lookup = ctx.workspace.policies;
  if (!lookup) return;
  const found = lookup(policyKind, name);
  if (found.length === 0) {
    ctx.report({
      ...nameRange, severity: 'info', code: BINDING_CODES.policyNotFound,
      message: `${policyKind} '${name}' is not in the workspace; the binding has no effect unless the cluster has it`,
    });
    return;
  }
  const paramRef = getIn(spec, ['paramRef']);
  const code = BINDING_CODES.paramRefMismatch;
  if (paramRef == null && found.every((p) => p.paramKind)) {
    ctx.report({
      ...nameRange, severity: 'warning', code,
      message: `${policyKind} '${name}' has paramKind ${describeParamKind(found[0])} but this binding has no paramRef: every evaluation sees params as null`,
    });
  } else if (paramRef != null && found.every((p) => !p.paramKind)) {
    const r = keyRange(spec, 'paramRef');
    if (r) ctx.report({ ...r, severity: 'warning', code, message: `${policyKind} '${name}' has no paramKind: the apiserver ignores this paramRef` });
  } else if (paramRef != null && found.every((p) => isClusterScoped(ctx, p))) {
    const r = keyRange(paramRef, 'namespace');
    if (r) ctx.report({ ...r, severity: 'warning', code, message: `paramRef.namespace must not be provided for a cluster-scoped \`paramKind\` (${describeParamKind(found[0])}): every request this binding matches fails` });
  }
}

/** Whether the policy's paramKind is a known cluster-scoped kind (built-in or workspace CRD). */
function isClusterScoped(ctx: CheckContext, policy: AdmissionPolicyInfo): boolean {
  const { apiVersion, kind } = policy.paramKind ?? {};
  if (!apiVersion || !kind) return false;
  const { group, version } = parseApiVersion(apiVersion);
  const schemas = schemasFor(ctx.options);
  schemas.want?.(group, version);
  return combinedSource(schemas, ctx.workspace).isNamespaced(group, version, kind) === false;
}

export const admissionPolicyBindingCheck: Check = {
  name: 'admission-policy-binding',
  appliesTo: (d) => d.kind !== undefined && Object.hasOwn(POLICY_OF, d.kind) && (d.apiVersion ?? '').startsWith('admissionregistration.k8s.io/'),
  run(ctx) {
    checkMetadataName(ctx);
    const spec = getIn(ctx.doc.contents, ['spec']);
    const specKey = keyRange(ctx.doc.contents, 'spec');
    if (!isMap(spec)) {
      if (specKey) ctx.report({ ...specKey, severity: 'error', code: BINDING_CODES.policyNameInvalid, message: 'spec.policyName: Required value' });
      return;
    }
    const policyKind = POLICY_OF[ctx.kind!];
    const nameNode = getIn(spec, ['policyName']);
    const name = scalarString(nameNode);
    const nameRange = nodeRange(nameNode);
    if (!name) {
      const r = nameRange ?? keyRange(spec, 'policyName') ?? specKey;
      if (r) ctx.report({ ...r, severity: 'error', code: BINDING_CODES.policyNameInvalid, message: 'spec.policyName: Required value' });
    } else if (nameRange) {
      checkDnsSubdomainName(ctx, nameNode, 'spec.policyName');
      checkAgainstPolicy(ctx, spec, policyKind, name, nameRange);
    }
    const paramRef = getIn(spec, ['paramRef']);
    if (paramRef != null) checkParamRefShape(ctx, paramRef);
    if (policyKind === 'ValidatingAdmissionPolicy') checkValidationActions(ctx, spec);
  },
};
