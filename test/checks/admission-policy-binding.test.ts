import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Finding } from '../../server/src/engine/findings.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';

const OPTIONS = { kubernetesVersion: '1.35' as const };

function seen(text: string, findings: Finding[]) {
  return findings.map((f) => ({ code: f.code, severity: f.severity, covers: text.slice(f.start, f.end), message: f.message }));
}

const POLICIES = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: with-params
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  validations: [{expression: "true"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: plain
spec:
  validations: [{expression: "true"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: cluster-params
spec:
  paramKind: {apiVersion: v1, kind: Namespace}
  validations: [{expression: "true"}]
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata:
  name: plain
spec:
  mutations: []
`;
const workspace = createWorkspaceIndex([{ path: '/ws/policies.yaml', text: POLICIES }]);

const vapBinding = (spec: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: b
spec:
${spec}`;

const check = (text: string) => seen(text, analyzeText(text, OPTIONS, workspace));

describe('policy bindings', () => {
  test('a binding of a workspace policy with valid fields checks clean', () => {
    const text = vapBinding('  policyName: with-params\n  paramRef: {name: limits, parameterNotFoundAction: Deny}\n  validationActions: [Deny, Audit]\n');
    assert.deepEqual(check(text), []);
  });

  test('a policy that is not in the workspace is an info note (it may be in the cluster)', () => {
    const text = vapBinding('  policyName: "missing"\n  validationActions: [Deny]\n');
    assert.deepEqual(check(text), [
      { code: 'KCG2101', severity: 'info', covers: '"missing"', message: "ValidatingAdmissionPolicy 'missing' is not in the workspace; the binding has no effect unless the cluster has it" },
    ]);
  });

  test('a MutatingAdmissionPolicyBinding looks for a MutatingAdmissionPolicy, and has no validationActions', () => {
    const text = `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata:
  name: b
spec:
  policyName: plain
`;
    assert.deepEqual(check(text), []);
    assert.deepEqual(check(text.replace('policyName: plain', 'policyName: with-params')).map((f) => f.message), [
      "MutatingAdmissionPolicy 'with-params' is not in the workspace; the binding has no effect unless the cluster has it",
    ]);
  });

  test('paramRef must match the policy: missing for a paramKind, ignored without one', () => {
    assert.deepEqual(check(vapBinding('  policyName: with-params\n  validationActions: [Deny]\n')), [
      { code: 'KCG2102', severity: 'warning', covers: 'with-params', message: "ValidatingAdmissionPolicy 'with-params' has paramKind v1 ConfigMap but this binding has no paramRef: every evaluation sees params as null" },
    ]);
    assert.deepEqual(check(vapBinding('  policyName: plain\n  paramRef: {name: x}\n  validationActions: [Deny]\n')), [
      { code: 'KCG2102', severity: 'warning', covers: 'paramRef', message: "ValidatingAdmissionPolicy 'plain' has no paramKind: the apiserver ignores this paramRef" },
    ]);
  });

  test('paramRef.namespace with a cluster-scoped paramKind fails every matched request', () => {
    const text = vapBinding('  policyName: cluster-params\n  paramRef: {name: x, namespace: default}\n  validationActions: [Deny]\n');
    assert.deepEqual(check(text), [
      { code: 'KCG2102', severity: 'warning', covers: 'namespace', message: 'paramRef.namespace must not be provided for a cluster-scoped `paramKind` (v1 Namespace): every request this binding matches fails' },
    ]);
    assert.deepEqual(check(vapBinding('  policyName: with-params\n  paramRef: {name: x, namespace: default}\n  validationActions: [Deny]\n')), []);
  });

  test('paramRef: name and selector are exclusive, one is required, parameterNotFoundAction is Deny or Allow', () => {
    const both = vapBinding('  policyName: with-params\n  paramRef:\n    name: x\n    selector: {matchLabels: {a: b}}\n    parameterNotFoundAction: Ignore\n  validationActions: [Deny]\n');
    assert.deepEqual(check(both), [
      { code: 'KCG2103', severity: 'error', covers: 'name', message: 'spec.paramRef.name: Forbidden: name and selector are mutually exclusive' },
      { code: 'KCG2103', severity: 'error', covers: 'selector', message: 'spec.paramRef.selector: Forbidden: name and selector are mutually exclusive' },
      { code: 'KCG2103', severity: 'error', covers: 'Ignore', message: 'spec.paramRef.parameterNotFoundAction: Unsupported value: "Ignore": supported values: "Deny", "Allow"' },
    ]);
    const neither = vapBinding('  policyName: with-params\n  paramRef: {parameterNotFoundAction: Allow}\n  validationActions: [Deny]\n');
    assert.deepEqual(check(neither), [
      { code: 'KCG2103', severity: 'error', covers: 'paramRef', message: 'spec.paramRef: Required value: one of name or selector must be specified' },
    ]);
  });

  test('validationActions: known values, no repeats, not both Deny and Warn, at least one', () => {
    assert.deepEqual(check(vapBinding('  policyName: plain\n  validationActions: [Deny, Warn, deny, Deny]\n')), [
      { code: 'KCG2104', severity: 'error', covers: 'deny', message: 'spec.validationActions[2]: Unsupported value: "deny": supported values: "Audit", "Deny", "Warn"' },
      { code: 'KCG2104', severity: 'error', covers: 'Deny', message: 'spec.validationActions[3]: Duplicate value: "Deny"' },
      {
        code: 'KCG2104', severity: 'error', covers: '[Deny, Warn, deny, Deny]',
        message: 'spec.validationActions: Invalid value: ["Deny","Warn","deny","Deny"]: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      },
    ]);
    assert.deepEqual(check(vapBinding('  policyName: plain\n')), [
      { code: 'KCG2104', severity: 'error', covers: 'spec', message: 'spec.validationActions: Required value: at least one validation action is required' },
    ]);
  });

  test('policyName is required', () => {
    assert.deepEqual(check(vapBinding('  validationActions: [Audit]\n')), [
      { code: 'KCG2105', severity: 'error', covers: 'spec', message: 'spec.policyName: Required value' },
    ]);
  });

  test('without a policy index (a host that does not collect policies) the binding is not cross-checked', () => {
    const text = vapBinding('  policyName: missing\n  validationActions: [Deny]\n');
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), []);
  });
});
