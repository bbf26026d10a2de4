import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Finding } from '../../server/src/engine/findings.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';
import type { Fix } from '../../server/src/engine/findings.js';
import { applyEdits } from '../../server/src/checks/fixes.js';

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

describe('MutatingAdmissionPolicy mutations: patchType against applyConfiguration / jsonPatch', () => {
  const OBJECT = 'Object{metadata: Object.metadata{labels: {"a": "b"}}}';
  const PATCH = '[JSONPatch{op: "add", path: "/metadata/labels/a", value: "b"}]';
  const findingsOf = (text: string) => analyzeText(text, OPTIONS).filter((f) => f.code === 'KCG2004');
  const fixesOf = (f: Finding) => (f.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];
  /** Applies the finding's only fix and checks the policy is then clean of KCG2004. */
  function fixedBy(text: string, f: Finding, title: string): string {
    const fixes = fixesOf(f);
    assert.deepEqual(fixes.map((x) => x.title), [title]);
    const fixed = applyEdits(text, fixes[0].edits);
    assert.deepEqual(seen(fixed, findingsOf(fixed)), [], fixed);
    return fixed;
  }

  test('matching patchTypes check clean', () => {
    assert.deepEqual(findingsOf(map(apply(OBJECT) + patch(PATCH))), []);
  });

  test('patchType JSONPatch with an applyConfiguration: jsonPatch required, applyConfiguration forbidden; fix: set ApplyConfiguration', () => {
    const text = map(apply(OBJECT).replace('patchType: ApplyConfiguration', 'patchType: JSONPatch'));
    const findings = findingsOf(text);
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG2004', severity: 'error', covers: 'JSONPatch', message: 'spec.mutations[0].jsonPatch: Required value: must be specified when patchType is JSONPatch' },
      { code: 'KCG2004', severity: 'error', covers: 'applyConfiguration', message: 'spec.mutations[0].applyConfiguration: Invalid value: "{applyConfiguration}": must not be specified when patchType is JSONPatch' },
    ]);
    const fixed = fixedBy(text, findings[0], 'Set patchType to ApplyConfiguration');
    assert.equal(fixed, map(apply(OBJECT)));
    assert.deepEqual(fixesOf(findings[1]), fixesOf(findings[0]));
  });

  test('patchType ApplyConfiguration with a jsonPatch: the mirror image', () => {
    const text = map(patch(PATCH).replace('patchType: JSONPatch', 'patchType: "ApplyConfiguration"'));
    const findings = findingsOf(text);
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG2004', severity: 'error', covers: '"ApplyConfiguration"', message: 'spec.mutations[0].applyConfiguration: Required value: must be specified when patchType is ApplyConfiguration' },
      { code: 'KCG2004', severity: 'error', covers: 'jsonPatch', message: 'spec.mutations[0].jsonPatch: Invalid value: "{jsonPatch}": must not be specified when patchType is ApplyConfiguration' },
    ]);
    // The quoting of the value is kept.
    assert.equal(fixedBy(text, findings[0], 'Set patchType to JSONPatch'), map(patch(PATCH).replace('patchType: JSONPatch', 'patchType: "JSONPatch"')));
  });

  test('both fields set: the one patchType does not name is forbidden; fix: remove it', () => {
    const both = `  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: ${JSON.stringify(OBJECT)}
    jsonPatch:
      expression: ${JSON.stringify(PATCH)}
`;
    const text = map(both);
    const findings = findingsOf(text);
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG2004', severity: 'error', covers: 'jsonPatch', message: 'spec.mutations[0].jsonPatch: Invalid value: "{jsonPatch}": must not be specified when patchType is ApplyConfiguration' },
    ]);
    assert.equal(fixedBy(text, findings[0], 'Remove jsonPatch'), map(apply(OBJECT)));
  });

  test('patchType missing: required, at the field that is set; fix: add the matching patchType', () => {
    const text = map(apply(OBJECT).replace('  - patchType: ApplyConfiguration\n    applyConfiguration:', '  - applyConfiguration:'));
    const findings = findingsOf(text);
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG2004', severity: 'error', covers: 'applyConfiguration', message: 'spec.mutations[0].patchType: Required value' },
    ]);
    assert.equal(fixedBy(text, findings[0], 'Set patchType to ApplyConfiguration'), map(apply(OBJECT)));
  });

  test('patchType written without a value: required, at the key; fix: fill it in', () => {
    const text = map(patch(PATCH).replace('patchType: JSONPatch', 'patchType:'));
    const findings = findingsOf(text);
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG2004', severity: 'error', covers: 'patchType', message: 'spec.mutations[0].patchType: Required value' },
    ]);
    assert.equal(fixedBy(text, findings[0], 'Set patchType to JSONPatch'), map(patch(PATCH)));
  });

  test('an unknown patchType: the supported values; fix to the type of the field that is set', () => {
    const text = map(patch(PATCH).replace('patchType: JSONPatch', 'patchType: jsonpatch'));
    const findings = findingsOf(text);
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG2004', severity: 'error', covers: 'jsonpatch', message: 'spec.mutations[0].patchType: Unsupported value: "jsonpatch": supported values: "ApplyConfiguration", "JSONPatch"' },
    ]);
    assert.equal(fixedBy(text, findings[0], 'Set patchType to JSONPatch'), map(patch(PATCH)));
  });

  test('no fix when neither or both fields are set, or nothing says which type was meant', () => {
    const text = map(`  - patchType: Strategic
  - patchType: Merge
    applyConfiguration:
      expression: ${JSON.stringify(OBJECT)}
    jsonPatch:
      expression: ${JSON.stringify(PATCH)}
  - patchType: JSONPatch
`);
    const findings = findingsOf(text);
    assert.deepEqual(seen(text, findings).map((f) => [f.covers, f.message]), [
      ['Strategic', 'spec.mutations[0].patchType: Unsupported value: "Strategic": supported values: "ApplyConfiguration", "JSONPatch"'],
      ['Merge', 'spec.mutations[1].patchType: Unsupported value: "Merge": supported values: "ApplyConfiguration", "JSONPatch"'],
      ['JSONPatch', 'spec.mutations[2].jsonPatch: Required value: must be specified when patchType is JSONPatch'],
    ]);
    assert.ok(findings.every((f) => fixesOf(f).length === 0));
  });

  test('a flow-style mutation gets its fix in place', () => {
    const text = map(`  - {applyConfiguration: {expression: ${JSON.stringify(OBJECT)}}}\n`);
    const [finding] = findingsOf(text);
    assert.equal(fixedBy(text, finding, 'Set patchType to ApplyConfiguration'), map(`  - {patchType: ApplyConfiguration, applyConfiguration: {expression: ${JSON.stringify(OBJECT)}}}\n`));
  });
});
