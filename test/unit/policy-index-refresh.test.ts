import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FileAnalyzer } from '../../server/src/engine/analyze.js';
import { policiesFromText } from '../../server/src/schemas/policies.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';
import { oneValidation, vap } from '../fixtures/k8s.js';

const OPTIONS = { kubernetesVersion: '1.35' as const };

const POLICY = vap({ name: 'replicas', apiGroup: 'apps', resource: 'deployments', plainRule: true }, oneValidation('object.spec.replcas <= 5'));

const BINDING = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: b
spec:
  policyName: replicas
  validationActions: [Deny]
`;

describe('the policies of a checked file', () => {
  test('are read from the documents the check parsed, at their offsets in the file', () => {
    const text = `# lead\n${BINDING}---\n${POLICY}`;
    const findings = new FileAnalyzer(OPTIONS).analyze(text);
    assert.deepEqual(findings.filter((f) => f.severity !== 'info').map((f) => text.slice(f.start, f.end)), ['.replcas']);
    const name = text.indexOf('name: replicas') + 'name: '.length;
    assert.deepEqual(policiesFromText(text), [{ kind: 'ValidatingAdmissionPolicy', name: 'replicas', offset: name, end: name + 'replicas'.length }]);
  });
});

describe('a change of the workspace policies only re-checks bindings', () => {
  test('the binding follows the new policy list; other documents keep their cached findings', () => {
    const text = `${BINDING}---\n${POLICY}`;
    const without = createWorkspaceIndex([]);
    const withPolicy = createWorkspaceIndex([{ path: '/ws/p.yaml', text: POLICY }]);
    // The policy's check asks the workspace which kinds `deployments` are; a cached policy does not.
    let kindLookups = 0;
    const counted = {
      ...withPolicy,
      crdKindsForResource: (...args: Parameters<typeof withPolicy.crdKindsForResource>) => (kindLookups++, withPolicy.crdKindsForResource(...args)),
    };
    const analyzer = new FileAnalyzer(OPTIONS, without);
    const before = analyzer.analyze(text);
    const policyFinding = before.find((f) => text.slice(f.start, f.end) === '.replcas');
    assert.ok(policyFinding, 'the policy document reports its misspelt field');
    assert.ok(before.some((f) => f.code === 'KCG2101'), 'the binding names a policy the workspace lacks');

    analyzer.policiesChanged(counted);
    assert.equal(analyzer.hasStalePolicyFindings(), true);
    const after = analyzer.analyze(text);
    assert.equal(analyzer.hasStalePolicyFindings(), false);
    assert.ok(!after.some((f) => f.code === 'KCG2101'), 'the binding now finds its policy');
    assert.equal(after.find((f) => text.slice(f.start, f.end) === '.replcas')?.message, policyFinding.message);
    assert.equal(kindLookups, 0, 'the policy document was not checked again');
    analyzer.reset(OPTIONS, counted);
    analyzer.analyze(text);
    assert.ok(kindLookups > 0, 'a full reset does check it again (so the count above can fail)');
  });

  test('a file without bindings has nothing stale when the policies change', () => {
    const analyzer = new FileAnalyzer(OPTIONS, createWorkspaceIndex([]));
    analyzer.analyze(POLICY);
    analyzer.policiesChanged(createWorkspaceIndex([{ path: '/ws/p.yaml', text: POLICY }]));
    assert.equal(analyzer.hasStalePolicyFindings(), false);
  });
});
