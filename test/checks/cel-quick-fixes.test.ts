import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Finding, Fix } from '../../server/src/engine/findings.js';
import { applyEdits } from '../../server/src/checks/fixes.js';
import { editDistance, nearestNames } from '../../server/src/cel/suggest.js';
import { vap } from '../fixtures/k8s.js';

const OPTIONS = { kubernetesVersion: '1.35' as const };

const fixesOf = (f: Finding): Fix[] => (f.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];
const seen = (text: string, findings: Finding[]) =>
  findings.map((f) => ({ code: f.code, covers: text.slice(f.start, f.end), fixes: fixesOf(f).map((x) => x.title) }));

const policy = (expressionLine: string) => `${vap({ name: 'p', apiGroup: 'apps', resource: 'deployments' }, '')}  validations:
  - expression: ${expressionLine}
`;

/** Applies the fix titled `title` of the only finding and returns the new text. */
function applyFix(text: string, title: string): string {
  const findings = analyzeText(text, OPTIONS);
  assert.equal(findings.length, 1, JSON.stringify(seen(text, findings)));
  const fix = fixesOf(findings[0]).find((f) => f.title === title);
  assert.ok(fix, `no fix '${title}' in ${JSON.stringify(fixesOf(findings[0]).map((f) => f.title))}`);
  return applyEdits(text, fix.edits);
}

describe('CEL quick-fixes', () => {
  test('a field misspelt in case: "Change to \'privileged\'", preferred, and the result checks clean', () => {
    const text = policy(`"object.spec.template.spec.containers.all(c, c.securityContext.?Privileged != optional.of(true))"`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1003', covers: '.?Privileged', fixes: ["Change to 'privileged'"] }]);
    assert.equal(fixesOf(analyzeText(text, OPTIONS)[0])[0].isPreferred, true);
    const fixed = applyFix(text, "Change to 'privileged'");
    assert.ok(fixed.includes('c.securityContext.?privileged != optional.of(true)'));
    assert.deepEqual(analyzeText(fixed, OPTIONS), []);
  });

  test('a transposed field name in a block scalar', () => {
    const text = policy(`|\n      object.spec.replcias > 1\n`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1003', covers: '.replcias', fixes: ["Change to 'replicas'"] }]);
    assert.deepEqual(analyzeText(applyFix(text, "Change to 'replicas'"), OPTIONS), []);
  });

  test('a misspelt function: "Change to \'startsWith\'"', () => {
    const text = policy(`"object.metadata.name.startWith('demo')"`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1002', covers: 'startWith', fixes: ["Change to 'startsWith'"] }]);
    const fixed = applyFix(text, "Change to 'startsWith'");
    assert.ok(fixed.includes(`"object.metadata.name.startsWith('demo')"`));
    assert.deepEqual(analyzeText(fixed, OPTIONS), []);
  });

  test('a misspelt macro: "Change to \'exists\'", and the loop variable is then declared', () => {
    const text = policy(`"object.spec.template.spec.containers.exist(c, c.name == 'app')"`);
    const findings = analyzeText(text, OPTIONS);
    // As the apiserver: the call is undeclared, and so is its loop variable at each use.
    assert.deepEqual(seen(text, findings), [
      { code: 'KCG1002', covers: 'exist', fixes: ["Change to 'exists'"] },
      { code: 'KCG1002', covers: 'c', fixes: [] },
      { code: 'KCG1002', covers: 'c', fixes: [] },
    ]);
    const fix = fixesOf(findings[0]).find((f) => f.title === "Change to 'exists'")!;
    assert.deepEqual(analyzeText(applyEdits(text, fix.edits), OPTIONS), []);
  });

  test('a member call is only offered member functions: `s.toString()` is not fixed into the global `string()`', () => {
    const text = policy(`"object.metadata.name.toString() == 'a'"`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1002', covers: 'toString', fixes: [] }]);
    // A global call is offered global functions.
    const global = policy(`"sise(object.spec.template.spec.containers) > 0"`);
    assert.deepEqual(seen(global, analyzeText(global, OPTIONS)), [{ code: 'KCG1002', covers: 'sise', fixes: ["Change to 'size'"] }]);
  });

  test('a misspelt variable: "Change to \'object\'"', () => {
    const text = policy(`"objetc.spec.replicas > 1"`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1002', covers: 'objetc', fixes: ["Change to 'object'"] }]);
    assert.deepEqual(analyzeText(applyFix(text, "Change to 'object'"), OPTIONS), []);
  });

  test('a misspelt field in a MAP Object{...} literal (a warning) gets the fix too', () => {
    const text = `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata:
  name: m
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"]}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{spec: Object.spec{replica: 3}}"
`;
    const fixed = applyFix(text, "Change to 'replicas'");
    assert.ok(fixed.includes('Object.spec{replicas: 3}'));
    assert.deepEqual(analyzeText(fixed, OPTIONS), []);
  });

  test('no fix when the name is written with an escape sequence (the edit would not map 1:1)', () => {
    const text = policy(`"object.spec.\\u0072eplcias > 1"`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1003', covers: '.\\u0072eplcias', fixes: [] }]);
  });

  test('no fix for a name nothing resembles', () => {
    const text = policy(`"object.spec.zzzzzz > 1"`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1003', covers: '.zzzzzz', fixes: [] }]);
  });

  test('an optional bool where a bool is required: append .orValue(false)', () => {
    const text = policy(`"request.?dryRun"`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1005', covers: 'request.?dryRun', fixes: ['Use .orValue(false) (absent means false)'] }]);
    const fixed = applyFix(text, 'Use .orValue(false) (absent means false)');
    assert.ok(fixed.includes('"request.?dryRun.orValue(false)"'));
    assert.deepEqual(analyzeText(fixed, OPTIONS), []);
  });

  test('a dyn result gets no guessed fix', () => {
    const text = policy(`"object.metadata.name"`);
    assert.deepEqual(seen(text, analyzeText(text, OPTIONS)), [{ code: 'KCG1005', covers: 'object.metadata.name', fixes: [] }]);
  });
});

describe('nearestNames', () => {
  test('case-only differences first, then by edit distance with transpositions as one edit', () => {
    assert.equal(editDistance('replcias', 'replicas'), 1);
    assert.deepEqual(nearestNames('Privileged', ['privileged', 'allowPrivilegeEscalation', 'capabilities']), ['privileged']);
    assert.deepEqual(nearestNames('imag', ['image', 'imagePullPolicy', 'name']), ['image']);
    // A case-only match is the answer on its own.
    assert.deepEqual(nearestNames('restartpolicy', ['restartPolicy', 'resizePolicy']), ['restartPolicy']);
    assert.deepEqual(nearestNames('restartPolcy', ['restartPolicy', 'resizePolicy']), ['restartPolicy']);
    assert.deepEqual(nearestNames('x', ['abc']), []);
  });
});
