import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { policiesFromText } from '../../server/src/schemas/policies.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';
import { WorkspaceCrds } from '../../server/src/features/workspaceIndex.js';

const POLICY = `apiVersion: v1
kind: List
items:
- apiVersion: admissionregistration.k8s.io/v1
  kind: ValidatingAdmissionPolicy
  metadata:
    name: "in-a-list"
  spec:
    paramKind: {apiVersion: v1, kind: ConfigMap}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata:
  name: mutator
spec:
  mutations: []
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: not-a-policy
`;

describe('policy index', () => {
  test('finds policies (also in a v1 List) with their kind, paramKind and the range of metadata.name', () => {
    const found = policiesFromText(POLICY);
    assert.deepEqual(found.map((p) => ({ kind: p.kind, name: p.name, paramKind: p.paramKind, covers: POLICY.slice(p.offset, p.end) })), [
      { kind: 'ValidatingAdmissionPolicy', name: 'in-a-list', paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, covers: '"in-a-list"' },
      { kind: 'MutatingAdmissionPolicy', name: 'mutator', paramKind: undefined, covers: 'mutator' },
    ]);
    assert.deepEqual(policiesFromText('kind: ValidatingAdmissionPolicy\n  bad: [yaml'), []);
  });

  test('createWorkspaceIndex answers by kind and name, with the file path', () => {
    const index = createWorkspaceIndex([{ path: '/ws/p.yaml', text: POLICY }]);
    assert.deepEqual(index.policies?.('MutatingAdmissionPolicy', 'mutator').map((p) => p.path), ['/ws/p.yaml']);
    assert.deepEqual(index.policies?.('ValidatingAdmissionPolicy', 'mutator'), []);
  });

  test('the editor index rebuilds for a changed policy name, not for typing inside its spec', () => {
    const crds = new WorkspaceCrds();
    // Typing in a policy file costs the index nothing until the file has been checked.
    assert.equal(crds.setOpen('/ws/p.yaml', POLICY), false);
    assert.equal(crds.openFileChecked('/ws/p.yaml', POLICY), true);
    assert.equal(crds.openFileChecked('/ws/p.yaml', POLICY.replace('mutations: []', 'mutations: [ ]')), false);
    assert.equal(crds.openFileChecked('/ws/p.yaml', POLICY.replace('name: mutator', 'name: mutator2')), true);
    assert.deepEqual(crds.index().policies?.('MutatingAdmissionPolicy', 'mutator2').length, 1);
    assert.equal(crds.closeOpen('/ws/p.yaml'), true);
    assert.deepEqual(crds.index().policies?.('MutatingAdmissionPolicy', 'mutator2'), []);
  });
});
