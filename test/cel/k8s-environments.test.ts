import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authenticationEnvironment, authorizationEnvironment, crdRuleEnvironment, mapEnvironment, PATCH_TYPES, vapEnvironment,
  webhookMatchConditionEnvironment,
} from '../../server/src/cel/environments.js';
import { T } from '../../server/src/cel/k8sTypes.js';
import { formatType as formatCelType } from '../../server/src/cel/types.js';
import type { ExpectedResult } from '../../server/src/cel/api.js';

const vars = (e: { config: { variables: Record<string, unknown> } }) => Object.keys(e.config.variables).sort();
function msg(e: ExpectedResult, got = T.dyn): string | undefined {
  return e.kind === 'exact' ? e.message?.(got) : undefined;
}

test('VAP: params only with paramKind, authorizer not in messageExpression', () => {
  const base = { version: '1.35', phase: 'new', variables: [] } as const;
  assert.deepEqual(vars(vapEnvironment({ ...base, paramsType: null, field: 'validation' })), [
    'authorizer', 'authorizer.requestResource', 'namespaceObject', 'object', 'oldObject', 'request', 'variables',
  ]);
  assert.ok(vars(vapEnvironment({ ...base, field: 'validation' })).includes('params'));
  assert.equal(vapEnvironment({ ...base, field: 'validation' }).config.variables.params.kind, 'dyn');
  assert.ok(!vars(vapEnvironment({ ...base, field: 'messageExpression' })).includes('authorizer'));
  assert.equal(msg(vapEnvironment({ ...base, field: 'validation' }).expected), 'must evaluate to bool but got dyn');
  assert.equal(msg(vapEnvironment({ ...base, field: 'auditAnnotation' }).expected, T.int), 'must evaluate to one of [string null_type] but got int');
  assert.equal(vapEnvironment({ ...base, field: 'variable' }).expected.kind, 'any');
});

test('webhook matchConditions: no params, no variables', () => {
  assert.deepEqual(vars(webhookMatchConditionEnvironment({ version: '1.30', phase: 'new' })), [
    'authorizer', 'authorizer.requestResource', 'namespaceObject', 'object', 'oldObject', 'request',
  ]);
});

test('CRD rule: self/oldSelf and the CRD messages', () => {
  const e = crdRuleEnvironment({ version: '1.35', phase: 'new', selfType: T.int, oldSelf: 'optional', field: 'rule' });
  assert.deepEqual(vars(e), ['oldSelf', 'self']);
  assert.equal(formatCelType(e.config.variables.oldSelf), 'optional_type(int)');
  assert.equal(msg(e.expected), 'cel expression must evaluate to a bool');
  const m = crdRuleEnvironment({ version: '1.35', phase: 'new', selfType: T.int, oldSelf: false, field: 'messageExpression' });
  assert.deepEqual(vars(m), ['self']);
  assert.equal(msg(m.expected), 'messageExpression must evaluate to a string');
  assert.equal(m.compileErrorPrefix, 'messageExpression compilation failed: ');
});

test('authentication and authorization', () => {
  const c = authenticationEnvironment({ version: '1.35', field: 'claimValidationRule' });
  assert.equal(formatCelType(c.config.variables.claims), 'map(string, any)');
  assert.equal(msg(c.expected), 'must evaluate to bool');
  assert.equal(c.phase, 'stored');
  assert.deepEqual(vars(authenticationEnvironment({ version: '1.35', field: 'userValidationRule' })), ['user']);
  assert.equal(authenticationEnvironment({ version: '1.35', field: 'claimMapping' }).expected.kind, 'any');
  const z = authorizationEnvironment({ version: '1.35' });
  assert.equal(formatCelType(z.config.variables.request), 'kubernetes.SubjectAccessReviewSpec');
  assert.equal(msg(z.expected, T.string), 'must evaluate to bool but got string');
});

test('MAP: patch types and result types', () => {
  const a = mapEnvironment({ version: '1.35', phase: 'new', paramsType: null, field: 'applyConfiguration' });
  assert.ok(a.config.types);
  assert.equal(formatCelType(a.config.types!['Object.spec.template']), 'Object.spec.template');
  assert.equal(formatCelType(PATCH_TYPES.JSONPatch), 'JSONPatch');
  const spec = PATCH_TYPES['Object.spec'];
  assert.equal(spec.kind === 'object' ? formatCelType(spec.fields().get('anything')!.type) : '', 'dyn');
  assert.ok(a.config.overloads.some((o) => o.name === 'jsonpatch.escapeKey'));
  assert.equal(msg(a.expected, T.int), 'must evaluate to Object but got int');
  const j = mapEnvironment({ version: '1.35', phase: 'new', paramsType: null, field: 'jsonPatch' });
  assert.equal(msg(j.expected, T.int), 'must evaluate to list(JSONPatch) but got int');
  const m = mapEnvironment({ version: '1.35', phase: 'new', paramsType: null, field: 'matchCondition' });
  assert.equal(m.config.types?.['Object.spec'], undefined, 'Object types only in mutations');
  assert.equal(formatCelType(m.config.types!['net.IP']), 'net.IP');
  assert.ok(!m.config.overloads.some((o) => o.name === 'jsonpatch.escapeKey'));
});
