import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Finding } from '../../server/src/engine/findings.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';

const OPTIONS = { kubernetesVersion: '1.35' as const };
const KUEUE_CRDS = join(process.cwd(), '..', 'shared', 'corpus', 'crds', 'kueue', 'kueue.x-k8s.io_workloads.yaml');

/** What a user sees: code, severity, the text the squiggle covers, and the message. */
function seen(text: string, findings: Finding[]) {
  return findings.map((f) => ({ code: f.code, severity: f.severity, covers: text.slice(f.start, f.end), message: f.message }));
}

const map = (mutations: string, extra = '') => `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata:
  name: add-sidecar
spec:
${extra}  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["deployments"]
  mutations:
${mutations}`;

const apply = (expression: string) => `  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: ${JSON.stringify(expression)}
`;
const patch = (expression: string) => `  - patchType: JSONPatch
    jsonPatch:
      expression: ${JSON.stringify(expression)}
`;

describe('MutatingAdmissionPolicy', () => {
  test('a valid apply configuration and JSON patch check clean', () => {
    const text = map(
      apply('Object{spec: Object.spec{replicas: 3, template: Object.spec.template{spec: Object.spec.template.spec{containers: [Object.spec.template.spec.containers{name: "c", image: "i"}]}}}}') +
        patch('[JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("a/b"), value: "x"}]'),
    );
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), []);
  });

  test('a misspelt field in Object{...} is a warning naming the kind (the apiserver accepts any name)', () => {
    const text = map(apply('Object{spec: Object.spec{replica: 3}}'));
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [
      { code: 'KCG1003', severity: 'warning', covers: 'replica', message: "undefined field 'replica' (apps/v1, Kind=Deployment)" },
    ]);
  });

  test('a value of the wrong type for a schema field is a warning', () => {
    const text = map(apply('Object{spec: Object.spec{replicas: "3"}}'));
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [
      { code: 'KCG1004', severity: 'warning', covers: 'replicas', message: "expected type of field 'replicas' is 'int' but provided type is 'string' (apps/v1, Kind=Deployment)" },
    ]);
  });

  test('a map may be written as Object.metadata.labels{...}, as the apiserver allows', () => {
    const text = map(apply('Object{metadata: Object.metadata{labels: Object.metadata.labels{foo: "bar"}}}'));
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), []);
  });

  test('the apply configuration must evaluate to Object (error, as the apiserver rejects it)', () => {
    const text = map(apply('Object.spec{replicas: 3}'));
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [
      { code: 'KCG1005', severity: 'error', covers: 'Object.spec{replicas: 3}', message: 'must evaluate to Object but got Object.spec' },
    ]);
  });

  test('a JSON patch must be a list of JSONPatch, whose fields are op, path, from and value', () => {
    const text = map(patch('JSONPatch{op: "add", path: "/x", value: 1}') + patch('[JSONPatch{op: "add", paht: "/x"}]'));
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [
      { code: 'KCG1005', severity: 'error', covers: 'JSONPatch{op: \\"add\\", path: \\"/x\\", value: 1}', message: 'must evaluate to list(JSONPatch) but got JSONPatch' },
      { code: 'KCG1003', severity: 'error', covers: 'paht', message: "undefined field 'paht'" },
    ]);
  });

  test('matchConditions and variables are typed; a misspelt object field is a warning, params needs paramKind', () => {
    const text = map(apply('Object{spec: Object.spec{replicas: variables.n}}'), `  matchConditions:
  - name: scaled
    expression: "object.spec.replica > 0"
  variables:
  - name: n
    expression: "params.replicas"
`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [
      { code: 'KCG1003', severity: 'warning', covers: '.replica', message: "undefined field 'replica' (apps/v1, Kind=Deployment)" },
      { code: 'KCG1002', severity: 'error', covers: 'params', message: "undeclared reference to 'params' (in container '')" },
    ]);
  });

  test('the Kueue MAP is typed against the Workload CRD of the workspace', () => {
    const crd = readFileSync(KUEUE_CRDS, 'utf8');
    const workspace = createWorkspaceIndex([{ path: 'workloads.yaml', text: crd }]);
    const text = `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicy
metadata:
  name: clear
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [kueue.x-k8s.io]
        apiVersions: [v1beta2]
        operations: [UPDATE]
        resources: [workloads]
  matchConditions:
    - name: has-nominated-clusters
      expression: "has(object.status) && size(object.status.nominatedClusterName) > 0"
  mutations:
    - patchType: ApplyConfiguration
      applyConfiguration:
        expression: 'Object{status: Object.status{nominatedClusterNames: []}}'
`;
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS, workspace)), [
      { code: 'KCG1003', severity: 'warning', covers: '.nominatedClusterName', message: "undefined field 'nominatedClusterName' (kueue.x-k8s.io/v1beta2, Kind=Workload)" },
    ]);
  });

  test('paramKind written with group/version (older docs) fails strict decoding', () => {
    const text = map(apply('Object{}'), `  paramKind:
    group: example.com
    kind: Limit
`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)).filter((f) => f.code === 'KCG2003'), [
      { code: 'KCG2003', severity: 'error', covers: 'group', message: 'strict decoding error: unknown field "spec.paramKind.group"' },
      { code: 'KCG2003', severity: 'error', covers: 'paramKind', message: 'spec.paramKind.apiVersion: Required value' },
    ]);
  });
});
