import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Finding } from '../../server/src/engine/findings.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';
import type { Fix } from '../../server/src/engine/findings.js';
import { applyEdits } from '../../server/src/checks/fixes.js';

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

const mapBinding = (spec: string) => `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
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
    const text = mapBinding('  policyName: plain\n');
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

const RFC1123 = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
/** A ValidatingAdmissionPolicy with `metadata` (its indented lines) and one always-true validation. */
const trivialVap = (metadata: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
${metadata}spec:
  validations: [{expression: "true"}]
`;
const fixesOf = (f: Finding) => (f.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];

describe('policy and binding names (DNS subdomains)', () => {
  test('a binding policyName with capitals: the apiserver message at the value, and a lowercase quick-fix', () => {
    const text = vapBinding('  policyName: "Plain"\n  validationActions: [Deny]\n');
    const findings = analyzeText(text, OPTIONS, workspace);
    assert.deepEqual(seen(text, findings).filter((f) => f.code === 'KCG2106'), [
      { code: 'KCG2106', severity: 'error', covers: '"Plain"', message: `spec.policyName: Invalid value: "Plain": ${RFC1123}` },
    ]);
    const [fix, ...more] = fixesOf(findings.find((f) => f.code === 'KCG2106')!);
    assert.equal(more.length, 0);
    assert.deepEqual({ title: fix.title, isPreferred: fix.isPreferred }, { title: "Change to 'plain'", isPreferred: true });
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.includes('  policyName: "plain"\n'), fixed);
    // Lowercased, the name is valid and names the workspace policy: nothing left.
    assert.deepEqual(check(fixed), []);
  });

  test('a MutatingAdmissionPolicyBinding policyName too', () => {
    const text = mapBinding('  policyName: Plain\n');
    const findings = analyzeText(text, OPTIONS, workspace);
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG2106', severity: 'error', covers: 'Plain', message: `spec.policyName: Invalid value: "Plain": ${RFC1123}` },
      { code: 'KCG2101', severity: 'info', covers: 'Plain', message: "MutatingAdmissionPolicy 'Plain' is not in the workspace; the binding has no effect unless the cluster has it" },
    ]);
    assert.equal(applyEdits(text, fixesOf(findings[0])[0].edits), text.replace('policyName: Plain', 'policyName: plain'));
  });

  test('no quick-fix when lowercasing does not make the name valid', () => {
    const text = vapBinding('  policyName: My_Policy\n  validationActions: [Deny]\n');
    const findings = analyzeText(text, OPTIONS, workspace).filter((f) => f.code === 'KCG2106');
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG2106', severity: 'error', covers: 'My_Policy', message: `spec.policyName: Invalid value: "My_Policy": ${RFC1123}` },
    ]);
    assert.deepEqual(fixesOf(findings[0]), []);
  });

  test('more than 253 characters: both of the apiserver\'s messages', () => {
    const long = `${'a'.repeat(250)}.B.c`;
    const text = vapBinding(`  policyName: ${long}\n  validationActions: [Deny]\n`);
    const findings = analyzeText(text, OPTIONS, workspace).filter((f) => f.code === 'KCG2106');
    assert.deepEqual(findings.map((f) => [text.slice(f.start, f.end), f.message]), [
      [long, `spec.policyName: Invalid value: "${long}": must be no more than 253 characters`],
      [long, `spec.policyName: Invalid value: "${long}": ${RFC1123}`],
    ]);
    assert.deepEqual(fixesOf(findings[0]), [], 'lowercase is still too long');
  });

  test("the policies' and bindings' own metadata.name (plain, quoted, in a List)", () => {
    const vap = trivialVap("  name: 'Require.Labels'\n");
    const vapFindings = analyzeText(vap, OPTIONS, workspace);
    assert.deepEqual(seen(vap, vapFindings), [
      { code: 'KCG2106', severity: 'error', covers: "'Require.Labels'", message: `metadata.name: Invalid value: "Require.Labels": ${RFC1123}` },
    ]);
    assert.equal(applyEdits(vap, fixesOf(vapFindings[0])[0].edits), vap.replace("'Require.Labels'", "'require.labels'"));
    const map = `apiVersion: v1
kind: List
items:
- apiVersion: admissionregistration.k8s.io/v1beta1
  kind: MutatingAdmissionPolicy
  metadata: {name: -sidecar}
  spec:
    mutations: []
- apiVersion: admissionregistration.k8s.io/v1
  kind: ValidatingAdmissionPolicyBinding
  metadata: {name: Bind}
  spec: {policyName: plain, validationActions: [Deny]}
`;
    assert.deepEqual(seen(map, analyzeText(map, OPTIONS, workspace)).map((f) => [f.code, f.covers, f.message.split(':')[0]]), [
      ['KCG2106', '-sidecar', 'metadata.name'],
      ['KCG2106', 'Bind', 'metadata.name'],
    ]);
  });

  test('valid names, generateName and missing names are left alone', () => {
    const text = `${trivialVap('  generateName: Not-Checked-\n')}---\n${trivialVap('  name: a.b-c.d9\n')}`;
    assert.deepEqual(check(text), []);
  });
});
