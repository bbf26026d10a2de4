/**
 * Macros: comprehension scoping and ranges, predicate types, result types, feature gating
 * (k8s-cel.md §5.1, §5.2, §8.11, §8.18).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CelEnvironment } from '../../server/src/cel/environment.js';
import { ALL_FEATURES, INT, STRING, issuesOf, messagesOf, testEnv } from './checker-fixtures.js';

const typeOf = (expr: string, env = testEnv()) => {
  const r = env.check(expr);
  assert.deepEqual(r.issues, [], `unexpected issues for ${expr}`);
  return r.type;
};

describe('macros', () => {
  it('all/exists/exists_one are bool; map and filter give lists of the right element type', () => {
    assert.deepEqual(typeOf('l.all(x, x > 0)'), { kind: 'bool' });
    assert.deepEqual(typeOf("m.exists(k, k == 'a')"), { kind: 'bool' });
    assert.deepEqual(typeOf('l.map(x, string(x))'), { kind: 'list', elem: STRING });
    assert.deepEqual(typeOf('m.map(k, m[k])'), { kind: 'list', elem: INT });
    assert.deepEqual(typeOf('l.filter(x, x > 1)'), { kind: 'list', elem: INT });
    assert.deepEqual(typeOf('a.map(x, x)'), { kind: 'list', elem: { kind: 'dyn' } });
  });

  it('comprehension variables are scoped to the macro body', () => {
    assert.deepEqual(issuesOf('l.all(x, x > 0) && x > 0'), [
      { code: 'KCG1002', at: 'x', start: 19, end: 20, message: "undeclared reference to 'x' (in container '')" },
    ]);
    assert.deepEqual(messagesOf('l.all(x, l.exists(y, x == y))'), []);
    // An iteration variable shadows a declared variable of the same name.
    assert.deepEqual(messagesOf("m.all(s, s.startsWith('a'))"), []);
  });

  it('a non-bool predicate is the overload error of the expansion, at the macro name', () => {
    assert.deepEqual(issuesOf('l.all(x, x)'), [
      { code: 'KCG1004', at: 'all', start: 2, end: 5, message: "found no matching overload for '_&&_' applied to '(bool, int)'" },
    ]);
    assert.deepEqual(messagesOf('l.exists(x, x)'), ["found no matching overload for '_||_' applied to '(bool, int)'"]);
    assert.deepEqual(messagesOf('l.exists_one(x, 1)'), ["found no matching overload for '_?_:_' applied to '(int, int, int)'"]);
    assert.deepEqual(messagesOf('l.filter(x, x)'), ["found no matching overload for '_?_:_' applied to '(int, list(int), list(int))'"]);
  });

  it('the range must be a list, map or dyn', () => {
    assert.deepEqual(issuesOf('s.all(x, true)'), [
      { code: 'KCG1009', at: 's', start: 0, end: 1, message: "expression of type 'string' cannot be range of a comprehension (must be list, map, or dynamic)" },
    ]);
    assert.deepEqual(messagesOf('c.name.exists(x, true)'), ["expression of type 'string' cannot be range of a comprehension (must be list, map, or dynamic)"]);
  });

  it('iteration variables must be simple names', () => {
    assert.deepEqual(messagesOf('l.transformList(1, v, v)'), ['argument must be a simple name']);
    assert.equal(issuesOf('l.all(x.y, true)')[0].code, 'KCG1001');
  });

  it('has() accepts only a field selection and checks the field', () => {
    assert.deepEqual(messagesOf('has(c.name) && has(m.k) && has(a.b.c)'), []);
    assert.deepEqual(messagesOf('has(c)'), ['invalid argument to has() macro']);
    assert.deepEqual(messagesOf('has(l.x)'), ["type 'list(int)' does not support field selection"]);
  });

  it('a macro name with another arity is an ordinary (undeclared) function', () => {
    assert.deepEqual(messagesOf('l.all(true)'), ["undeclared reference to 'all' (in container '')"]);
  });
});

describe('two-variable comprehensions and transforms', () => {
  it('variables are (index, value) over lists and (key, value) over maps', () => {
    assert.deepEqual(messagesOf("l.all(i, v, i >= 0 && v > 0) && m.existsOne(k, v, k == 'a' && v == 1)"), []);
    assert.deepEqual(messagesOf("l.exists(i, v, i == 'a')"), ["found no matching overload for '_==_' applied to '(int, string)'"]);
    assert.deepEqual(messagesOf('l.all(x, x, true)'), ['duplicate variable name: x']);
  });

  it('transformList / transformMap / transformMapEntry result types', () => {
    assert.deepEqual(typeOf('l.transformList(i, v, v * i)'), { kind: 'list', elem: INT });
    assert.deepEqual(typeOf('l.transformList(i, v, v > 0, string(v))'), { kind: 'list', elem: STRING });
    assert.deepEqual(typeOf('m.transformMap(k, v, v + 1)'), { kind: 'map', key: STRING, value: INT });
    assert.deepEqual(typeOf('l.transformMap(i, v, string(v))'), { kind: 'map', key: INT, value: STRING });
    assert.deepEqual(typeOf('m.transformMapEntry(k, v, {v: k})'), { kind: 'map', key: INT, value: STRING });
    assert.deepEqual(messagesOf('m.transformMapEntry(k, v, v)'), ["found no matching overload for 'cel.@mapInsert' applied to '(map(dyn, dyn), int)'"]);
  });

  it('existsOne with two variables comes with the two-variable library (cel-go 0.22)', () => {
    assert.deepEqual(messagesOf("m.existsOne(k, v, v == 1)", testEnv({ existsOne: false })), []);
  });

  it('are unavailable without the feature', () => {
    assert.deepEqual(messagesOf('l.transformList(i, v, v)', testEnv({ twoVarComprehensions: false }))[0], "undeclared reference to 'transformList' (in container '')");
  });
});

describe('optional macros, sortBy, cel.bind', () => {
  it('optMap and optFlatMap', () => {
    assert.deepEqual(typeOf('c.?name.optMap(n, size(n))'), { kind: 'opaque', name: 'optional_type', params: [INT] });
    assert.deepEqual(typeOf("c.?name.optFlatMap(n, n == '' ? optional.none() : optional.of(n))"), { kind: 'opaque', name: 'optional_type', params: [STRING] });
    assert.deepEqual(messagesOf('s.optMap(n, n)'), [
      "found no matching overload for 'hasValue' applied to 'string.()'",
      "found no matching overload for 'value' applied to 'string.()'",
    ]);
    assert.deepEqual(messagesOf('c.?name.optFlatMap(n, n)'), ["found no matching overload for '_?_:_' applied to '(bool, string, optional_type(dyn))'"]);
    assert.deepEqual(messagesOf('c.?name.optFlatMap(n, n)', testEnv({ optFlatMap: false })), [
      "undeclared reference to 'optFlatMap' (in container '')",
      "undeclared reference to 'n' (in container '')",
      "undeclared reference to 'n' (in container '')",
    ]);
  });

  it('sortBy keeps the element type and needs a comparable key', () => {
    assert.deepEqual(typeOf('l.sortBy(x, -x)'), { kind: 'list', elem: INT });
    assert.deepEqual(messagesOf('l.sortBy(x, [x])'), ["found no matching overload for '@sortByAssociatedKeys' applied to '(list(int), list(list(int)))'"]);
    assert.deepEqual(messagesOf('l.sortBy(x, x)', testEnv({ sortBy: false })), ["undeclared reference to 'sortBy' (in container '')", "undeclared reference to 'x' (in container '')", "undeclared reference to 'x' (in container '')"]);
  });

  it('cel.bind only with the bind feature (DRA)', () => {
    const env = new CelEnvironment({ variables: { s: STRING }, overloads: [], features: { ...ALL_FEATURES, bind: true } });
    assert.deepEqual(messagesOf("cel.bind(x, s + 'a', x.size() > 1 && [1, 'a'].size() == 2)", env), []);
    assert.deepEqual(messagesOf('cel.bind(x, 1, x)')[0], "undeclared reference to 'cel' (in container '')");
  });
});
