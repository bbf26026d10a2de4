/**
 * Struct literals (MAP `Object{...}`, `JSONPatch{...}`), which cel-js cannot parse: we rewrite
 * them before parsing (syntaxRewrite.ts) and check them like cel-go checkCreateStruct.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CelField, CelType } from '../../server/src/cel/api.js';
import { CelEnvironment } from '../../server/src/cel/environment.js';
import { rewriteForCelJs } from '../../server/src/cel/syntaxRewrite.js';
import { ALL_FEATURES, OPTIONAL_OVERLOADS, STRING, issuesOf, messagesOf, testEnv } from './checker-fixtures.js';

const anyField = new Map<string, CelField>();
const dynFields = new Proxy(anyField, {
  get(target, key) {
    if (key === 'get') return (name: string) => ({ type: { kind: 'dyn' }, jsonName: name });
    if (key === 'has') return () => true;
    return Reflect.get(target, key);
  },
});
const objectNamed = (name: string): CelType => ({ kind: 'object', name, fields: () => dynFields });
const jsonPatch: CelType = {
  kind: 'object',
  name: 'JSONPatch',
  fields: () => new Map([['op', { type: STRING, jsonName: 'op' }], ['path', { type: STRING, jsonName: 'path' }], ['value', { type: { kind: 'dyn' }, jsonName: 'value' }]]),
};
const types = new Proxy({ JSONPatch: jsonPatch } as Record<string, CelType>, {
  get: (target, key) => (typeof key === 'string' && (key === 'Object' || key.startsWith('Object.')) ? objectNamed(key) : target[key as string]),
});
const env = new CelEnvironment({ variables: { object: { kind: 'dyn' } }, overloads: [], features: ALL_FEATURES, types });

describe('struct literals', () => {
  it('type-check with the struct type as result, nested and in lists', () => {
    assert.deepEqual(env.check('Object{spec: Object.spec{replicas: 3}}').type?.kind, 'object');
    assert.equal((env.check('Object{spec: Object.spec{replicas: object.spec.replicas + 1}}').type as { name: string }).name, 'Object');
    const patches = env.check("[JSONPatch{op: 'add', path: '/x', value: 1}, JSONPatch{op: 'remove', path: '/y'}]");
    assert.deepEqual(patches.issues, []);
    assert.equal(patches.type?.kind, 'list');
  });

  it('report unknown types, unknown fields and wrong field types at the name', () => {
    assert.deepEqual(issuesOf('Nope{a: 1}', env), [
      { code: 'KCG1002', at: 'Nope', start: 0, end: 4, message: "undeclared reference to 'Nope' (in container '')" },
    ]);
    assert.deepEqual(issuesOf("JSONPatch{op: 1, bogus: 'x'}", env), [
      { code: 'KCG1004', at: 'op', start: 10, end: 12, message: "expected type of field 'op' is 'string' but provided type is 'int'" },
      { code: 'KCG1003', at: 'bogus', start: 17, end: 22, message: "undefined field 'bogus'" },
    ]);
    assert.deepEqual(issuesOf('int{}', env).map((i) => i.message), ["'int' is not a message type"]);
  });

  it('offsets after a struct literal stay exact', () => {
    assert.deepEqual(issuesOf("JSONPatch{op: 'x'}.op + 1", env), [
      { code: 'KCG1004', at: '+', start: 22, end: 23, message: "found no matching overload for '_+_' applied to '(string, int)'" },
    ]);
  });

  it('optional fields: the value must be optional', () => {
    const optEnv = new CelEnvironment({ variables: {}, overloads: OPTIONAL_OVERLOADS, features: ALL_FEATURES, types });
    assert.deepEqual(issuesOf("JSONPatch{op: 'add', ?path: optional.of('/x')}", optEnv), []);
    assert.deepEqual(issuesOf("JSONPatch{?op: 'add'}", optEnv), [
      { code: 'KCG1009', at: "'add'", start: 15, end: 20, message: "expected type 'optional_type(string)' but found 'string'" },
    ]);
  });

  it('the rewrite ignores braces in strings and comments, and map literals', () => {
    assert.equal(rewriteForCelJs("{'a{': 1} // x{"), undefined);
    assert.equal(rewriteForCelJs("'x{' + \"y{\""), undefined);
    assert.equal(rewriteForCelJs('true ? {1: 2} : {}'), undefined);
    const r = rewriteForCelJs('A{b: C{}}');
    assert.equal(r?.text, 'A.__kcg_new__({b: C.__kcg_new__({})})');
    assert.equal(r?.toOriginal(r.text.indexOf('C')), 5);
    assert.deepEqual([...(rewriteForCelJs('[?a, m[?k], {?k: v}]')?.optionalMarkers ?? [])], [1, 13]);
  });
});

describe('doubles without a leading digit', () => {
  it('.5 is a double', () => {
    assert.deepEqual(testEnv().check('.5 + 1.5 * .25e1').type, { kind: 'double' });
    assert.deepEqual(issuesOf('[.5, 1]'), [{ code: 'KCG1009', at: '1', start: 5, end: 6, message: "expected type 'double' but found 'int'" }]);
    assert.deepEqual(messagesOf('c.name.size() > 1.5 && l[0].x > .5')[0], "type 'int' does not support field selection");
  });
});

describe('optional entries in list and map literals', () => {
  it('[?x] and {?k: v} take the value of an optional', () => {
    assert.deepEqual(testEnv().check("[?c.?name, 'b']").type, { kind: 'list', elem: STRING });
    assert.deepEqual(testEnv().check("{?'a': m[?'a'], 'b': 2}").type, { kind: 'map', key: STRING, value: { kind: 'int' } });
    assert.deepEqual(messagesOf('[?a] == [1]'), []);
  });

  it('a non-optional value is a type mismatch at the value', () => {
    assert.deepEqual(issuesOf('[?1]'), [
      { code: 'KCG1009', at: '1', start: 2, end: 3, message: "expected type 'optional_type(int)' but found 'int'" },
    ]);
    assert.deepEqual(messagesOf("{?'a': 1}"), ["expected type 'optional_type(int)' but found 'int'"]);
  });

  it('homogeneity is judged on the value types', () => {
    assert.deepEqual(messagesOf("[?optional.of(1), 'a']"), ["expected type 'int' but found 'string'"]);
  });

  it("need optional types ('unsupported syntax')", () => {
    assert.deepEqual(issuesOf('[?a]', testEnv({ optionalTypes: false })), [
      { code: 'KCG1001', at: '?', start: 1, end: 2, message: "unsupported syntax '?'" },
    ]);
  });
});
