import { test } from 'node:test';
import assert from 'node:assert/strict';
import { celContextAt } from '../../server/src/language/celContext.js';
import { documentAt } from '../../server/src/language/cursor.js';
import { formatType } from '../../server/src/cel/types.js';
import { AUTHZ_CONFIG, DEPLOYMENT_POLICY, OPTIONS, WIDGET_CRD, WORKSPACE, at } from './fixtures.js';

function contextAt(text: string, offset: number) {
  const d = documentAt(text, offset)!;
  const ctx = celContextAt(d.input, d.offsetInDoc, OPTIONS, WORKSPACE);
  return ctx && { label: ctx.label, value: ctx.cel.source.value, variables: Object.fromEntries(Object.entries(ctx.env.config.variables).map(([k, t]) => [k, formatType(t)])) };
}

test('a VAP validation: label, expression text and the typed variables', () => {
  const ctx = contextAt(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'replicas <='));
  assert.equal(ctx?.label, 'validations[0].expression');
  assert.equal(ctx?.variables.object, 'Deployment');
  assert.equal(ctx?.variables.variables, 'kubernetes.variables');
  assert.equal(ctx?.variables.params, undefined, 'no paramKind: params undeclared');
});

test('a messageExpression in a | block, and the end of the scalar still counts', () => {
  const end = at(DEPLOYMENT_POLICY, 'containers))', 'containers))'.length);
  assert.equal(contextAt(DEPLOYMENT_POLICY, end)?.label, 'validations[0].messageExpression');
  assert.equal(contextAt(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'name: replicas')), undefined);
});

test('webhooks, List items, CRD rules and auth configs', () => {
  const webhook = `apiVersion: v1
kind: List
items:
- apiVersion: admissionregistration.k8s.io/v1
  kind: ValidatingWebhookConfiguration
  metadata: {name: w}
  webhooks:
  - name: w.example.com
    rules: [{apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"]}]
    matchConditions:
    - name: m
      expression: 'object.spec.hostNetwork'
`;
  const w = contextAt(webhook, at(webhook, 'hostNetwork'));
  assert.equal(w?.label, 'webhooks[0].matchConditions[0].expression');
  assert.equal(w?.variables.object, 'Pod');
  const crd = contextAt(WIDGET_CRD, at(WIDGET_CRD, 'self.tags'));
  assert.deepEqual([crd?.label, crd?.variables.self, crd?.variables.oldSelf], ['x-kubernetes-validations[0].rule', 'self', 'self']);
  assert.equal(contextAt(AUTHZ_CONFIG, at(AUTHZ_CONFIG, 'request.'))?.label, 'authorizers[0].webhook.matchConditions[0].expression');
});

test('MutatingAdmissionPolicy mutations are typed with the matched kind', () => {
  const map = `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: m}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"]}
  mutations:
  - patchType: JSONPatch
    jsonPatch:
      expression: '[JSONPatch{op: "test", path: "/spec/hostNetwork", value: object.spec.hostNetwork}]'
`;
  const ctx = contextAt(map, at(map, 'object.spec.hostNetwork'));
  assert.deepEqual([ctx?.label, ctx?.variables.object], ['mutations[0].jsonPatch.expression', 'Pod']);
});
