/**
 * Every row of docs/cel-js-gaps.md with the cel-go verdict, plus the behaviours listed there as
 * agreeing with cel-go (kept so a regression in our own checker shows up).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issuesOf, messagesOf, testEnv } from './checker-fixtures.js';

describe('cel-js gaps: cel-go verdicts', () => {
  it('optional equality is legal (_==_ is (A, A) with A = optional_type(bool))', () => {
    assert.deepEqual(messagesOf('c.?runAsNonRoot == optional.of(true)'), []);
    assert.deepEqual(messagesOf('c.?runAsNonRoot != optional.of(true)'), []);
    assert.deepEqual(testEnv().check('c.?runAsNonRoot == optional.of(true)').type, { kind: 'bool' });
  });

  it("duration('1d') is an invalid duration literal, reported at the literal", () => {
    assert.deepEqual(issuesOf("duration('1d')"), [
      { code: 'KCG1008', at: "'1d'", start: 9, end: 13, message: 'invalid duration argument' },
    ]);
  });

  it("s.matches('(') is an invalid regex literal, reported at the literal", () => {
    assert.deepEqual(issuesOf("s.matches('(')"), [
      { code: 'KCG1008', at: "'('", start: 10, end: 13, message: 'invalid matches argument' },
    ]);
  });

  it('has(c.undeclared) is an undefined field', () => {
    assert.deepEqual(issuesOf('has(c.undeclared)'), [
      { code: 'KCG1003', at: '.undeclared', start: 5, end: 16, message: "undefined field 'undeclared'" },
    ]);
  });

  it('object == null is valid', () => {
    assert.deepEqual(messagesOf('o == null'), []);
    assert.deepEqual(messagesOf('null != c'), []);
  });

  it('existsOne is a macro from cel-go 0.23 (feature existsOne)', () => {
    assert.deepEqual(messagesOf('l.existsOne(x, x > 1)'), []);
    assert.deepEqual(messagesOf('l.existsOne(x, x > 1)', testEnv({ existsOne: false })), [
      "undeclared reference to 'existsOne' (in container '')",
      "undeclared reference to 'x' (in container '')",
      "undeclared reference to 'x' (in container '')",
    ]);
  });

  it('two-variable comprehensions (feature twoVarComprehensions)', () => {
    assert.deepEqual(messagesOf('m.all(k, v, v > 0)'), []);
    assert.deepEqual(messagesOf("m.exists(k, v, k == 'a' && v > 0)"), []);
    assert.deepEqual(messagesOf('l.all(i, v, i < v)'), []);
    assert.deepEqual(messagesOf('m.all(k, v, v > 0)', testEnv({ twoVarComprehensions: false })), [
      "undeclared reference to 'all' (in container '')",
      "undeclared reference to 'k' (in container '')",
      "undeclared reference to 'v' (in container '')",
      "undeclared reference to 'v' (in container '')",
    ]);
  });

  it("true ? 'a' : null is an overload error on _?_:_ (null is not assignable to string)", () => {
    assert.deepEqual(issuesOf("true ? 'a' : null"), [
      { code: 'KCG1004', at: '?', start: 5, end: 6, message: "found no matching overload for '_?_:_' applied to '(bool, string, null)'" },
    ]);
    assert.deepEqual(messagesOf('true ? c : null'), []);
  });
});

describe('cel-js gaps: behaviours where cel-js already agrees', () => {
  it("c.?name == 'x' is rejected", () => {
    assert.deepEqual(messagesOf("c.?name == 'x'"), ["found no matching overload for '_==_' applied to '(optional_type(string), string)'"]);
  });
  it('1 == 1.0 and 1u == 1 are rejected; 1 < 1.5 is accepted', () => {
    assert.deepEqual(messagesOf('1 == 1.0'), ["found no matching overload for '_==_' applied to '(int, double)'"]);
    assert.deepEqual(messagesOf('1u == 1'), ["found no matching overload for '_==_' applied to '(uint, int)'"]);
    assert.deepEqual(messagesOf('1 < 1.5'), []);
  });
  it("[1, 'a'] is rejected", () => {
    assert.deepEqual(issuesOf("[1, 'a']"), [
      { code: 'KCG1009', at: "'a'", start: 4, end: 7, message: "expected type 'int' but found 'string'" },
    ]);
  });
  it('bad escapes are syntax errors; octal, raw, triple-quoted and bytes literals are fine', () => {
    assert.equal(issuesOf("'\\q'")[0].code, 'KCG1001');
    assert.deepEqual(messagesOf("'\\101' == 'A'"), []);
    assert.deepEqual(messagesOf("r'\\d' == R\"\\d\""), []);
    assert.deepEqual(messagesOf("'''a'b''' == \"\"\"x\"\"\""), []);
    assert.deepEqual(messagesOf("b'abc' == bytes('abc')"), []);
  });
  it("'a' in m is fine, 'a' in l is rejected", () => {
    assert.deepEqual(messagesOf("'a' in m"), []);
    assert.deepEqual(issuesOf("'a' in l"), [
      { code: 'KCG1004', at: 'in', start: 4, end: 6, message: "found no matching overload for '@in' applied to '(string, list(int))'" },
    ]);
  });
  it('has(m.a) is fine; s == null is rejected', () => {
    assert.deepEqual(messagesOf('has(m.a)'), []);
    assert.deepEqual(messagesOf('s == null'), ["found no matching overload for '_==_' applied to '(string, null)'"]);
  });
  it('namespace is reserved as an identifier but fine after a dot', () => {
    assert.deepEqual(issuesOf('namespace == 1'), [
      { code: 'KCG1009', at: 'namespace', start: 0, end: 9, message: 'reserved identifier: namespace' },
    ]);
    assert.deepEqual(messagesOf("c.namespace == 'x'"), []);
  });
  it('3-argument map, exists_one, timestamp difference', () => {
    assert.deepEqual(messagesOf('l.map(x, x > 1, x * 2) == [4]'), []);
    assert.deepEqual(messagesOf('l.exists_one(x, x == 1)'), []);
    assert.deepEqual(messagesOf("timestamp('2024-01-01T00:00:00Z') - c.created > duration('1h')"), []);
  });
  it('-1u is rejected; string(1000000.0) type-checks', () => {
    assert.deepEqual(issuesOf('-1u'), [
      { code: 'KCG1004', at: '-', start: 0, end: 1, message: "found no matching overload for '-_' applied to '(uint)'" },
    ]);
    assert.deepEqual(messagesOf("string(1000000.0) == '1e+06'"), []);
  });
  it('reports every error of an expression (cel-js stops at the first)', () => {
    assert.equal(messagesOf('c.a == 1 && c.b == 2 && s.x').length, 3);
  });
});
