import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionAt, referencesAt, type SourceLocation } from '../../server/src/language/definitions.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';
import { EMPTY_WORKSPACE } from '../../server/src/engine/analyze.js';

const OPTIONS = { kubernetesVersion: '1.35' as const };

const POLICY = `apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "replica-limit"
spec:
  variables:
  - name: containers
    expression: object.spec.template.spec.containers
  - name: count
    expression: "size(variables.containers)"
  validations:
  - expression: |
      variables.count < 10 &&
      variables.containers.all(c, has(c.image))
    messageExpression: "'variables.containers is only text here, ' + string(variables . count)"
`;

/** Offset of the n-th (0-based) occurrence of `needle`, plus `within` characters. */
function at(text: string, needle: string, n = 0, within = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `no ${needle} #${n}`);
  return i + within;
}

/** What the editor shows: the text each location covers (in `files` by path, else `text`). */
function covered(text: string, locations: SourceLocation[], files: Record<string, string> = {}) {
  return locations.map((l) => ({ path: l.path, text: (l.path === undefined ? text : files[l.path]).slice(l.start, l.end), line: (l.path === undefined ? text : files[l.path]).slice(0, l.start).split('\n').length }));
}

describe('go to definition', () => {
  test('variables.<name> in CEL goes to the name of the spec.variables entry', () => {
    const fromValidation = definitionAt(POLICY, at(POLICY, 'variables.containers.all', 0, 'variables.con'.length), OPTIONS, EMPTY_WORKSPACE);
    assert.deepEqual(covered(POLICY, fromValidation), [{ path: undefined, text: 'containers', line: 12 }]);
    const fromVariable = definitionAt(POLICY, at(POLICY, 'variables.containers)', 0, 'variables.'.length), OPTIONS, EMPTY_WORKSPACE);
    assert.deepEqual(covered(POLICY, fromVariable), [{ path: undefined, text: 'containers', line: 12 }]);
    // Spaces around the dot are still a selection.
    const spaced = definitionAt(POLICY, at(POLICY, 'variables . count', 0, 'variables . c'.length), OPTIONS, EMPTY_WORKSPACE);
    assert.deepEqual(covered(POLICY, spaced), [{ path: undefined, text: 'count', line: 14 }]);
  });

  test('nothing to go to inside a string literal, on an unknown variable, or outside CEL', () => {
    assert.deepEqual(definitionAt(POLICY, at(POLICY, "'variables.containers", 0, 5), OPTIONS, EMPTY_WORKSPACE), []);
    assert.deepEqual(definitionAt(POLICY, at(POLICY, 'object.spec'), OPTIONS, EMPTY_WORKSPACE), []);
    assert.deepEqual(definitionAt(POLICY, at(POLICY, 'unrelated'), OPTIONS, EMPTY_WORKSPACE), []);
    assert.deepEqual(definitionAt('not: [yaml', 3, OPTIONS, EMPTY_WORKSPACE), []);
  });

  test("a binding's policyName goes to the policy's metadata.name in another file of the workspace", () => {
    const files = { '/ws/policy.yaml': POLICY };
    const workspace = createWorkspaceIndex(Object.entries(files).map(([path, text]) => ({ path, text })));
    const binding = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: b
spec:
  policyName: replica-limit
  validationActions: [Deny]
`;
    const result = definitionAt(binding, at(binding, 'replica-limit', 0, 3), OPTIONS, workspace);
    assert.deepEqual(covered(binding, result, files), [{ path: '/ws/policy.yaml', text: '"replica-limit"', line: 9 }]);
    // A MutatingAdmissionPolicyBinding only finds MutatingAdmissionPolicies.
    const mutating = binding.replace('ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicyBinding');
    assert.deepEqual(definitionAt(mutating, at(mutating, 'replica-limit', 0, 3), OPTIONS, workspace), []);
  });
});

describe('find references', () => {
  test('every use of a variable in the same policy, with its declaration first', () => {
    const refs = referencesAt(POLICY, at(POLICY, 'name: containers', 0, 'name: c'.length), OPTIONS);
    assert.deepEqual(covered(POLICY, refs).map((r) => [r.text, r.line]), [['containers', 12], ['containers', 15], ['containers', 19]]);
    const withoutDeclaration = referencesAt(POLICY, at(POLICY, 'variables.count <', 0, 'variables.'.length), OPTIONS, false);
    assert.deepEqual(covered(POLICY, withoutDeclaration).map((r) => [r.text, r.line]), [['count', 18], ['count', 20]]);
  });
});
