/**
 * Each error kind with cel-go's exact message and the exact characters it underlines
 * (k8s-cel.md §7.1), plus name resolution (§8.13, §8.14) and the result-type rule (§8.4).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CelEnvironment } from '../../server/src/cel/environment.js';
import { nodePathAt } from '../../server/src/cel/locate.js';
import { ALL_FEATURES, EXPECT_BOOL, INT, STRING, issuesOf, messagesOf, testEnv } from './checker-fixtures.js';

describe('error messages and locations', () => {
  it('undeclared reference: the identifier', () => {
    assert.deepEqual(issuesOf('1 + params.x'), [
      { code: 'KCG1002', at: 'params', start: 4, end: 10, message: "undeclared reference to 'params' (in container '')" },
    ]);
  });

  it('undeclared function: the function name', () => {
    assert.deepEqual(issuesOf('s.frobnicate(1)'), [
      { code: 'KCG1002', at: 'frobnicate', start: 2, end: 12, message: "undeclared reference to 'frobnicate' (in container '')" },
    ]);
    assert.deepEqual(issuesOf('frob(1)'), [
      { code: 'KCG1002', at: 'frob', start: 0, end: 4, message: "undeclared reference to 'frob' (in container '')" },
    ]);
  });

  it("undefined field: the '.' and the field name, also with whitespace and comments", () => {
    assert.deepEqual(issuesOf('c.nope'), [{ code: 'KCG1003', at: '.nope', start: 1, end: 6, message: "undefined field 'nope'" }]);
    assert.deepEqual(issuesOf('c .?nope'), [{ code: 'KCG1003', at: '.?nope', start: 2, end: 8, message: "undefined field 'nope'" }]);
    assert.deepEqual(issuesOf('(c) // x\n  .nope == 1')[0].start, 11);
  });

  it('no matching overload on a member call: Recv.(args) at the function name', () => {
    assert.deepEqual(issuesOf("s.startsWith(1)"), [
      { code: 'KCG1004', at: 'startsWith', start: 2, end: 12, message: "found no matching overload for 'startsWith' applied to 'string.(int)'" },
    ]);
    assert.deepEqual(messagesOf('l.size(1)'), ["found no matching overload for 'size' applied to 'list(int).(int)'"]);
  });

  it('no matching overload on a global call and on operators', () => {
    assert.deepEqual(issuesOf('size(1)'), [
      { code: 'KCG1004', at: 'size', start: 0, end: 4, message: "found no matching overload for 'size' applied to '(int)'" },
    ]);
    assert.deepEqual(issuesOf("s  +  1"), [
      { code: 'KCG1004', at: '+', start: 3, end: 4, message: "found no matching overload for '_+_' applied to '(string, int)'" },
    ]);
    assert.deepEqual(issuesOf('(s) >= (1)'), [
      { code: 'KCG1004', at: '>=', start: 4, end: 6, message: "found no matching overload for '_>=_' applied to '(string, int)'" },
    ]);
    assert.deepEqual(issuesOf('!s'), [
      { code: 'KCG1004', at: '!', start: 0, end: 1, message: "found no matching overload for '!_' applied to '(string)'" },
    ]);
    assert.deepEqual(issuesOf('1 && true'), [
      { code: 'KCG1004', at: '&&', start: 2, end: 4, message: "found no matching overload for '_&&_' applied to '(int, bool)'" },
    ]);
  });

  it("index errors at the '['", () => {
    assert.deepEqual(issuesOf("l['a']"), [
      { code: 'KCG1004', at: '[', start: 1, end: 2, message: "found no matching overload for '_[_]' applied to '(list(int), string)'" },
    ]);
    assert.deepEqual(issuesOf('m[1]')[0].message, "found no matching overload for '_[_]' applied to '(map(string, int), int)'");
  });

  it('selection on a list or scalar', () => {
    assert.deepEqual(issuesOf('l.x'), [
      { code: 'KCG1009', at: '.x', start: 1, end: 3, message: "type 'list(int)' does not support field selection" },
    ]);
    assert.deepEqual(messagesOf('c.name.first'), ["type 'string' does not support field selection"]);
  });

  it('selection on maps, dyn and any is allowed', () => {
    assert.deepEqual(messagesOf('m.anyKey == 1'), []);
    assert.deepEqual(messagesOf('a.b.c.d == 1'), []);
    assert.deepEqual(messagesOf("claims.foo.bar == 'x' && has(claims.x)"), []);
  });

  it('several independent errors are all reported, in source order, without cascades', () => {
    assert.deepEqual(issuesOf("c.nope == 1 || undefinedVar || s + 1 == 'x' || l.size() == 'a'").map((i) => [i.code, i.at]), [
      ['KCG1003', '.nope'],
      ['KCG1002', 'undefinedVar'],
      ['KCG1004', '+'],
      ['KCG1004', '=='],
    ]);
  });

  it('an argument carrying an earlier error does not produce a second, cascading error', () => {
    assert.deepEqual(messagesOf('optional.of(c.nope).size() == 1 && [c.nope].x == 1 && [c.nope].all(x, x)'), [
      "undefined field 'nope'", "undefined field 'nope'", "undefined field 'nope'",
    ]);
  });

  it('optional receivers: .? selection and indexing give optionals; oldSelf == "x" is an error', () => {
    assert.deepEqual(messagesOf("c.?name.orValue('') == 'x'"), []);
    assert.deepEqual(messagesOf("c.?labels['a'] == optional.of('b')"), []);
    assert.deepEqual(messagesOf("m[?'a'].orValue(0) > 1 && l[?0].hasValue()"), []);
    assert.deepEqual(messagesOf('oldSelf == "x"'), ["found no matching overload for '_==_' applied to '(optional_type(string), string)'"]);
    assert.deepEqual(messagesOf('c.?ports.x'), ["type 'list(int)' does not support field selection"]);
    assert.deepEqual(messagesOf('c.?nope'), ["undefined field 'nope'"]);
  });

  it("'.?' and '[?' need optional types", () => {
    const env = testEnv({ optionalTypes: false });
    assert.deepEqual(issuesOf('c.?name', env), [{ code: 'KCG1001', at: '.?name', start: 1, end: 7, message: "unsupported syntax '.?'" }]);
    assert.deepEqual(messagesOf('l[?0]', env), ["unsupported syntax '[?'"]);
  });

  it('null is assignable to objects only', () => {
    assert.deepEqual(messagesOf('c.name == null'), ["found no matching overload for '_==_' applied to '(string, null)'"]);
    assert.deepEqual(messagesOf('c.ports == null'), ["found no matching overload for '_==_' applied to '(list(int), null)'"]);
    assert.deepEqual(messagesOf('c.created == null'), []);
  });

  it('numeric comparisons across types need crossTypeNumericComparisons', () => {
    assert.deepEqual(messagesOf('1 < 1.5 && 1u < 2'), []);
    assert.deepEqual(messagesOf('1 < 1.5', testEnv({ crossTypeNumericComparisons: false })), ["found no matching overload for '_<_' applied to '(int, double)'"]);
  });

  it('int literal out of range; the most negative int is fine', () => {
    assert.deepEqual(issuesOf('9223372036854775808'), [{ code: 'KCG1008', at: '9223372036854775808', start: 0, end: 19, message: 'invalid int literal' }]);
    assert.deepEqual(messagesOf('-9223372036854775808 < 0'), []);
    assert.deepEqual(issuesOf('18446744073709551616u').map((i) => [i.code, i.message]), [['KCG1008', 'invalid uint literal']]);
    assert.deepEqual(messagesOf('18446744073709551615u > 0u'), []);
    assert.deepEqual(issuesOf('1e400 > 1.0').map((i) => [i.code, i.at, i.message]), [['KCG1008', '1e400', 'invalid double literal']]);
  });
});

describe('k8s-cel.md §8 behaviours', () => {
  it('§8.2 equality with dyn on one side type-checks (runtime decides)', () => {
    assert.deepEqual(messagesOf('dyn(1) == 1.0 && [dyn(1)] == [1.0] && 1.0 in [dyn(1)]'), []);
  });
  it('§8.10 in needs (A, list(A)) or (A, map(A, B))', () => {
    assert.deepEqual(messagesOf("'a' in c.labels && 1 in l && a in l"), []);
    assert.deepEqual(messagesOf('1 in m'), ["found no matching overload for '@in' applied to '(int, map(string, int))'"]);
  });
  it('§8.16 timestamp arithmetic and accessors with an optional time zone', () => {
    assert.deepEqual(messagesOf("c.created.getHours() == c.created.getHours('Europe/Berlin') && (c.created - c.created).getMinutes() == 0"), []);
    assert.deepEqual(messagesOf("c.created + c.created"), ["found no matching overload for '_+_' applied to '(timestamp, timestamp)'"]);
    assert.deepEqual(messagesOf("duration('1h').getFullYear()"), ["found no matching overload for 'getFullYear' applied to 'duration.()'"]);
  });
  it('conversions follow the standard overloads', () => {
    assert.deepEqual(messagesOf("int('1') + int(1u) + int(1.5) + int(c.created) == 1 && bool('true') && bytes(s) == b'' && double(1u) > 0.0"), []);
    assert.deepEqual(messagesOf('string(type(a))'), ["found no matching overload for 'string' applied to '(type(dyn))'"]);
    assert.deepEqual(messagesOf('uint(c.created)'), ["found no matching overload for 'uint' applied to '(timestamp)'"]);
  });
  it('several matching overloads with different results give dyn', () => {
    assert.deepEqual(testEnv().check('a + a').type, { kind: 'dyn' });
    assert.deepEqual(testEnv().check('a + 1').type, INT);
    assert.deepEqual(testEnv().check('a.size()').type, INT);
  });
});

describe('operator precedence as in cel-go', () => {
  it('==, != and the orderings share one left-associative level', () => {
    assert.deepEqual(issuesOf('true == 1 < 2'), [
      { code: 'KCG1004', at: '==', start: 5, end: 7, message: "found no matching overload for '_==_' applied to '(bool, int)'" },
    ]);
    assert.deepEqual(messagesOf('true == (1 < 2)'), []);
    assert.deepEqual(messagesOf('s == s in [true]'), []);
    assert.deepEqual(testEnv().check('l[0] == (1) < 2').issues.map((i) => i.message), ["found no matching overload for '_<_' applied to '(bool, int)'"]);
    const r = testEnv().check('1 == 1 in [true]');
    assert.equal(r.ast?.op, 'in');
    assert.deepEqual([r.ast?.start, r.ast?.end], [0, 16]);
  });
});

describe('name resolution', () => {
  it('namespaced functions win over (undeclared) variables', () => {
    assert.deepEqual(messagesOf('optional.of(1).hasValue()'), []);
    assert.deepEqual(messagesOf('sets.contains([1], [1])'), []);
    assert.deepEqual(messagesOf('optional.nope(1)'), ["undeclared reference to 'optional' (in container '')", "undeclared reference to 'nope' (in container '')"]);
  });

  it('a dotted variable is one qualified identifier', () => {
    assert.deepEqual(messagesOf("authorizer.requestResource.check('get').allowed()"), []);
    assert.deepEqual(issuesOf('authorizer.path')[0].message, "undeclared reference to 'authorizer' (in container '')");
  });

  it('receiver and global overloads are distinct (sign(q) but not q.sign())', () => {
    assert.deepEqual(messagesOf("sign(quantity('1')) == 1"), []);
    assert.deepEqual(messagesOf("quantity('1').sign() == 1"), ["found no matching overload for 'sign' applied to 'kubernetes.Quantity.()'"]);
    assert.deepEqual(messagesOf("matches(s, 'a') && s.matches('a')"), []);
  });

  it('type identifiers are values of type type(T)', () => {
    assert.deepEqual(messagesOf('type(a) == int || type(a) == string || type(1) == type(2)'), []);
    assert.deepEqual(testEnv().check('int').type, { kind: 'type', of: { kind: 'int' } });
  });

  it('reserved field names fall back to __name__ (compat >= 1.31 only)', () => {
    assert.deepEqual(messagesOf("c.namespace == 'x' && c.__namespace__ == 'x'"), []);
    assert.deepEqual(messagesOf("c.namespace == 'x'", testEnv({ reservedFieldFallback: false })), ["undefined field 'namespace'"]);
  });

  it('true/false/null/in after a dot are syntax errors', () => {
    const [issue] = issuesOf('c.true');
    assert.equal(issue.code, 'KCG1001');
    assert.equal(issue.message, "Syntax error: mismatched input 'true' expecting IDENTIFIER");
    assert.deepEqual([issue.start, issue.end], [2, 6]);
  });

  it('JavaScript-only reserved words are ordinary identifiers', () => {
    const env = new CelEnvironment({ variables: { prototype: INT }, overloads: [], features: ALL_FEATURES });
    assert.deepEqual(messagesOf('prototype + 1 == 2', env), []);
    assert.deepEqual(messagesOf('__proto__ == 1', env), ["undeclared reference to '__proto__' (in container '')"]);
    assert.deepEqual(issuesOf('prototype(1)', env).map((i) => [i.at, i.message]), [['prototype', "undeclared reference to 'prototype' (in container '')"]]);
  });
});

describe('result type rule', () => {
  it('dyn does not satisfy bool', () => {
    assert.deepEqual(issuesOf('  a.paused ', testEnv(), EXPECT_BOOL), [
      { code: 'KCG1005', at: 'a.paused', start: 2, end: 10, message: 'must evaluate to bool but got dyn' },
    ]);
    assert.deepEqual(messagesOf('a.paused == true', testEnv(), EXPECT_BOOL), []);
  });

  it('one of several types; consumer messages; cel-go Type.String() spelling', () => {
    const stringOrNull = { kind: 'exact' as const, types: [STRING, { kind: 'null_type' as const }] };
    assert.deepEqual(messagesOf('1', testEnv(), stringOrNull), ['must evaluate to one of [string null_type] but got int']);
    assert.deepEqual(messagesOf('null', testEnv(), stringOrNull), []);
    assert.deepEqual(messagesOf('c.created', testEnv(), EXPECT_BOOL), ['must evaluate to bool but got google.protobuf.Timestamp']);
    assert.deepEqual(messagesOf('1', testEnv(), { kind: 'exact', types: [{ kind: 'bool' }], message: () => 'cel expression must evaluate to a bool' }), ['cel expression must evaluate to a bool']);
    assert.deepEqual(messagesOf('c', testEnv(), { kind: 'exact', types: [{ kind: 'any' }, { kind: 'dyn' }] }), []);
  });

  it('no result-type issue when the expression already has errors; type is set on mismatch', () => {
    assert.deepEqual(messagesOf('c.nope', testEnv(), EXPECT_BOOL), ["undefined field 'nope'"]);
    assert.deepEqual(testEnv().check('s', EXPECT_BOOL).type, STRING);
    assert.equal(testEnv().check('c.nope').type, undefined);
  });

  it('nodePathAt finds the node under the cursor for hover', () => {
    const expression = "c.labels['a'] + s";
    const r = testEnv().check(expression);
    assert.ok(r.ast);
    const path = nodePathAt(r.ast, expression.indexOf('labels') + 2);
    assert.deepEqual(path.map((n) => n.op), ['+', '[]', '.']);
    assert.deepEqual(r.typeOf(path[path.length - 1]), { kind: 'map', key: STRING, value: STRING });
    assert.deepEqual(nodePathAt(r.ast, expression.length).map((n) => n.op), ['+', 'id']);
  });

  it('typeOf gives the type of every node', () => {
    const r = testEnv().check('l.map(x, x * 2)');
    assert.ok(r.ast);
    assert.deepEqual(r.typeOf(r.ast), { kind: 'list', elem: INT });
    assert.deepEqual(r.type, { kind: 'list', elem: INT });
  });
});
