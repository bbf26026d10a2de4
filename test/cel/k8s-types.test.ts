import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CelType } from '../../server/src/cel/api.js';
import {
  ADMISSION_REQUEST, AUTHORIZER, IP, NAMESPACE, QUANTITY, T, USER_INFO, listOf, mapOf, optionalOf,
  subjectAccessReviewSpecType, variableFieldType, variablesType,
} from '../../server/src/cel/k8sTypes.js';
import { formatType as formatCelType } from '../../server/src/cel/types.js';

function fields(t: CelType): Record<string, string> {
  assert.equal(t.kind, 'object');
  if (t.kind !== 'object') return {};
  return Object.fromEntries([...t.fields()].map(([k, f]) => [k, formatCelType(f.type)]));
}

test('§2.1 AdmissionRequest: exact fields, no uid/object/oldObject', () => {
  assert.equal(formatCelType(ADMISSION_REQUEST), 'kubernetes.AdmissionRequest');
  assert.deepEqual(fields(ADMISSION_REQUEST), {
    kind: 'kubernetes.GroupVersionKind', resource: 'kubernetes.GroupVersionResource', subResource: 'string',
    requestKind: 'kubernetes.GroupVersionKind', requestResource: 'kubernetes.GroupVersionResource', requestSubResource: 'string',
    name: 'string', namespace: 'string', operation: 'string', userInfo: 'kubernetes.UserInfo', dryRun: 'bool', options: 'dyn',
  });
});

test('§2.4 UserInfo', () => {
  assert.deepEqual(fields(USER_INFO), { username: 'string', uid: 'string', groups: 'list(string)', extra: 'map(string, list(string))' });
});

test('§2.3 Namespace metadata declares upper-case UID', () => {
  const meta = NAMESPACE.kind === 'object' ? NAMESPACE.fields().get('metadata')!.type : T.dyn;
  const f = fields(meta);
  assert.equal(f.UID, 'string');
  assert.equal(f.uid, undefined);
  assert.equal(f.creationTimestamp, 'timestamp');
  assert.deepEqual(Object.keys(fields(NAMESPACE)), ['metadata', 'spec', 'status']);
});

test('§2.2/§2.9 library and authorizer types', () => {
  assert.deepEqual(fields(AUTHORIZER), {});
  assert.deepEqual(fields(QUANTITY), {});
  assert.equal(formatCelType(QUANTITY), 'kubernetes.Quantity');
  assert.deepEqual(IP, { kind: 'opaque', name: 'net.IP', params: [] });
});

test('§2.6 SubjectAccessReviewSpec with and without selectors', () => {
  const withSel = subjectAccessReviewSpecType(true);
  const ra = withSel.kind === 'object' ? withSel.fields().get('resourceAttributes')!.type : T.dyn;
  assert.equal(fields(ra).fieldSelector, 'kubernetes.FieldSelectorAttributes');
  const without = subjectAccessReviewSpecType(false);
  const ra2 = without.kind === 'object' ? without.fields().get('resourceAttributes')!.type : T.dyn;
  assert.equal(fields(ra2).fieldSelector, undefined);
  assert.deepEqual(Object.keys(fields(withSel)), ['resourceAttributes', 'nonResourceAttributes', 'user', 'groups', 'extra', 'uid']);
});

test('§2.5 variables: scalars kept, lists/maps rebuilt, the rest dyn', () => {
  assert.equal(formatCelType(variableFieldType(T.string)), 'string');
  assert.equal(formatCelType(variableFieldType(T.any)), 'any');
  assert.equal(formatCelType(variableFieldType(listOf(mapOf(T.string, QUANTITY)))), 'list(map(string, dyn))');
  assert.equal(formatCelType(variableFieldType(optionalOf(T.int))), 'dyn');
  assert.equal(formatCelType(variableFieldType(ADMISSION_REQUEST)), 'dyn');
  assert.equal(formatCelType(variableFieldType(undefined)), 'dyn');
  const v = variablesType([{ name: 'a', type: T.bool }, { name: 'b', type: undefined }]);
  assert.equal(formatCelType(v), 'kubernetes.variables');
  assert.deepEqual(fields(v), { a: 'bool', b: 'dyn' });
});
