/**
 * The admission corpus (../shared/corpus/vap: VAP, MAP, bindings, webhook configurations) through
 * the whole engine, with the workspace the CLI would build (the corpus CRDs plus the checked files,
 * so bindings find their policies and the Kueue MAP its Workload CRD). Every file whose source
 * asserts validity (corpus/SOURCES.md) must check clean; the files with documented mistakes must
 * show exactly those.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';

const CORPUS = path.join(process.cwd(), '..', 'shared', 'corpus');
const OPTIONS = { kubernetesVersion: '1.35' as const };

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

type Seen = { code: string; severity: string; covers: string; message: string };

const QUANTITY_NOTE = (field: string): Seen => ({
  code: 'KCG1010', severity: 'info', covers: `.${field}`,
  message: `the apiserver's type check will warn here (undefined field '${field}'): it cannot type resource.Quantity fields, although '${field}' exists at runtime (apps/v1, Kind=DaemonSet; apps/v1, Kind=Deployment; apps/v1, Kind=ReplicaSet; apps/v1, Kind=StatefulSet; batch/v1, Kind=Job)`,
});

/** Files with findings, and why. Every other file must have none. */
const EXPECTED: Record<string, Seen[]> = {
  // Docs: the type checker warns once per matched kind (status.typeChecking).
  'k8s-website/typechecking.yaml': [
    { code: 'KCG1003', severity: 'warning', covers: '.replicas', message: "undefined field 'replicas' (apps/v1, Kind=Deployment)" },
  ],
  'k8s-website/typechecking-multiple-match.yaml': [
    { code: 'KCG1003', severity: 'warning', covers: '.replicas', message: "undefined field 'replicas' (apps/v1, Kind=Deployment; apps/v1, Kind=ReplicaSet)" },
  ],
  // Typo startWith (startsWith): an undeclared function, a compile error even with dyn `object`.
  'k8s-website/validating-admission-policy-match-conditions.yaml': [
    { code: 'KCG1002', severity: 'error', covers: 'startWith', message: "undeclared reference to 'startWith' (in container '')" },
  ],
  // Older docs version: paramKind with group/version keys instead of apiVersion.
  'k8s-website/deployment-replicas-policy.yaml': [
    { code: 'KCG2003', severity: 'error', covers: 'group', message: 'strict decoding error: unknown field "spec.paramKind.group"' },
    { code: 'KCG2003', severity: 'error', covers: 'version', message: 'strict decoding error: unknown field "spec.paramKind.version"' },
    { code: 'KCG2003', severity: 'error', covers: 'paramKind', message: 'spec.paramKind.apiVersion: Required value' },
  ],
  // Kubernetes' own type check drops resource.Quantity fields (requests/limits): notes, not problems.
  'kueue/sample-enforce-requests-policy.yaml': [QUANTITY_NOTE('limits'), QUANTITY_NOTE('limits'), QUANTITY_NOTE('requests'), QUANTITY_NOTE('requests')],
  // Kyverno-env fixture ("expected valid, not guaranteed"): Kyverno's CLI hands a selector's
  // params over as a list, the apiserver evaluates once per ConfigMap, which has no `items`.
  'kyverno-cli-tests/map-with-two-params.yaml': [
    { code: 'KCG1003', severity: 'warning', covers: '.items', message: "undefined field 'items' (apps/v1, Kind=Deployment)" },
    { code: 'KCG1003', severity: 'warning', covers: '.items', message: "undefined field 'items' (apps/v1, Kind=Deployment)" },
  ],
  // Kyverno-env fixture: the apiserver requires validationActions on a ValidatingAdmissionPolicyBinding.
  'kyverno-cli-tests/vap-with-params.yaml': [
    { code: 'KCG2104', severity: 'error', covers: 'spec', message: 'spec.validationActions: Required value: at least one validation action is required' },
  ],
};

const vapFiles = yamlFiles(path.join(CORPUS, 'vap'));

test('the admission corpus shows exactly the documented findings', { skip: vapFiles.length === 0 && 'no ../shared/corpus' }, () => {
  const workspaceFiles = [...yamlFiles(path.join(CORPUS, 'crds')), ...vapFiles].map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
  const workspace = createWorkspaceIndex(workspaceFiles);
  const actual: Record<string, Seen[]> = {};
  for (const file of vapFiles) {
    const text = fs.readFileSync(file, 'utf8');
    const findings = analyzeText(text, OPTIONS, workspace);
    if (findings.length === 0) continue;
    actual[path.relative(path.join(CORPUS, 'vap'), file).split(path.sep).join('/')] = findings.map((f) => ({
      code: f.code, severity: f.severity, covers: text.slice(f.start, f.end), message: f.message,
    }));
  }
  assert.deepEqual(actual, EXPECTED);
  // The MAP files are really in the corpus (the test would pass vacuously otherwise).
  assert.ok(vapFiles.filter((f) => fs.readFileSync(f, 'utf8').includes('kind: MutatingAdmissionPolicy\n')).length >= 20);
});
