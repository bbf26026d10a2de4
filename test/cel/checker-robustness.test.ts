/**
 * Half-typed and hostile input: a syntax error inside the text or nothing, never a throw or a
 * hang (the checker runs on every keystroke).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CelEnvironment } from '../../server/src/cel/environment.js';
import { ALL_FEATURES, issuesOf, messagesOf, testEnv } from './checker-fixtures.js';

function assertOneSyntaxErrorInside(expression: string): void {
  const issues = issuesOf(expression);
  assert.equal(issues.length, 1, `${expression}: ${JSON.stringify(issues)}`);
  const [issue] = issues;
  assert.ok(issue.code === 'KCG1001' || issue.code === 'KCG1009', `${expression}: ${issue.code}`);
  assert.ok(issue.start >= 0 && issue.end <= expression.length && issue.start < issue.end, `${expression}: range ${issue.start}-${issue.end}`);
}

describe('half-typed expressions', () => {
  it('give one syntax error with a range inside the text', () => {
    for (const e of ['object.', 'a.b(', '[1,', "'unterminated", 'c.name ==', '(', ')', '{', "m['a'", 'a ? b', '1 +', 'c.?', 'l[?', '!', 'a.b.', '"""abc', "b'\\u0041'", '#', 'a b', 'f(?x)', '[1 ?]', 'c.true']) {
      assertOneSyntaxErrorInside(e);
    }
  });

  it('report the cel-go-style message at the offending token', () => {
    assert.deepEqual(issuesOf('object.'), [
      { code: 'KCG1001', at: '.', start: 6, end: 7, message: "Syntax error: mismatched input '<EOF>' expecting IDENTIFIER" },
    ]);
    assert.deepEqual(issuesOf('a b'), [
      { code: 'KCG1001', at: 'b', start: 2, end: 3, message: "Syntax error: mismatched input 'b' expecting <EOF>" },
    ]);
    assert.deepEqual(issuesOf("c.name! == '1'")[0].message, "Syntax error: mismatched input '!' expecting <EOF>");
    assert.deepEqual(issuesOf('a # b'), [
      { code: 'KCG1001', at: '#', start: 2, end: 3, message: "Syntax error: token recognition error at: '#'" },
    ]);
  });

  it('wording of Kubernetes test expectations (missing closer, lexer errors)', () => {
    assert.deepEqual(issuesOf("'asdf'.contains('x'"), [
      { code: 'KCG1001', at: "'", start: 18, end: 19, message: "Syntax error: missing ')' at '<EOF>'" },
    ]);
    assert.equal(issuesOf("f(g('x'")[0].message, "Syntax error: mismatched input '<EOF>' expecting ')'");
    assert.deepEqual(issuesOf("s = 'test'"), [
      { code: 'KCG1001', at: '=', start: 2, end: 3, message: "Syntax error: token recognition error at: '= '" },
    ]);
  });

  it("constructs cel-js accepts but cel-go's grammar rejects", () => {
    assert.deepEqual(issuesOf('size(l,)').map((i) => [i.code, i.at]), [['KCG1001', ')']]);
    assert.deepEqual(issuesOf("true ? false ? 1 : 2 : 3"), [
      { code: 'KCG1001', at: '?', start: 13, end: 14, message: "Syntax error: mismatched input '?' expecting ':'" },
    ]);
    assert.deepEqual(messagesOf('true ? (false ? 1 : 2) : 3 == 3 ? 1 : 2'), []);
    assert.deepEqual(messagesOf('[1, 2,].size() + {1: 2,}.size() == 2'), []);
  });

  it('empty and whitespace-only input is a syntax error, not a throw', () => {
    assert.equal(issuesOf('')[0].code, 'KCG1001');
    assert.equal(issuesOf('   ')[0].code, 'KCG1001');
  });
});

describe('pathological input', () => {
  const limits: Array<[string, string]> = [
    ['10,000 nested parentheses', '('.repeat(10_000) + '1' + ')'.repeat(10_000)],
    ['10,000 nested lists', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['10,000 unary operators', '!'.repeat(10_000) + 'true'],
    ['10,000 unclosed parentheses', '('.repeat(10_000)],
    ['a 10,000-term sum', Array(10_000).fill('1').join(' + ')],
    ['a 10,000-deep selection chain', 'a' + '.b'.repeat(10_000)],
    ['5,000 nested ternaries', 'true ? 1 : '.repeat(5_000) + '1'],
  ];
  for (const [name, expression] of limits) {
    it(`${name}: recursion-limit error, quickly`, () => {
      const t0 = Date.now();
      const issues = issuesOf(expression);
      assert.ok(Date.now() - t0 < 2000);
      assert.deepEqual(issues.map((i) => i.message), ['expression recursion limit exceeded: 250']);
    });
  }

  it('a long flat && chain (cel-go balances it) checks fine', () => {
    const expression = Array(15_000).fill('a').join('&&');
    assert.deepEqual(issuesOf(expression), []);
  });

  it('a 100k-character expression checks fine; beyond 100k code points is an error', () => {
    const literal = "'" + 'x'.repeat(99_990) + "' == s";
    assert.equal(literal.length, 99_997);
    assert.deepEqual(issuesOf(literal), []);
    const tooLong = 'a'.repeat(100_001);
    assert.deepEqual(issuesOf(tooLong).map((i) => i.message), ['expression code point size exceeds limit: size: 100001, limit 100000']);
  });

  it('thousands of generic operators stay fast (type-variable bindings are undone, not copied)', () => {
    const env = testEnv();
    const expression = Array(9_000).fill('l[0]==1').join('&&');
    const t0 = Date.now();
    assert.deepEqual(env.check(expression).issues, []);
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  });

  it('at most 100 issues are reported, like cel-go', () => {
    const expression = Array(300).fill('c.nope').join(' || ');
    const issues = issuesOf(expression);
    assert.equal(issues.length, 100);
    assert.equal(issues[99].start, expression.indexOf('.nope', 99 * 10));
  });

  it('a throwing schema type becomes an internal-error issue, not a throw', () => {
    const broken = { kind: 'object' as const, name: 'Broken', fields: (): never => { throw new Error('schema exploded'); } };
    const env = new CelEnvironment({ variables: { b: broken }, overloads: [], features: ALL_FEATURES });
    assert.deepEqual(env.check('b.x == 1').issues.map((i) => [i.code, i.start, i.end, i.message]), [
      ['KCG2999', 0, 8, 'kube-cel-guard could not type-check this expression: schema exploded'],
    ]);
  });

  it('results are cached per expression text and stay correct', () => {
    const env = testEnv();
    const first = env.check('c.nope');
    const second = env.check('c.nope');
    assert.deepEqual(first.issues, second.issues);
    assert.deepEqual(env.check('c.nope', { kind: 'exact', types: [{ kind: 'bool' }] }).issues.length, 1);
    assert.deepEqual(env.check('c.name').issues, []);
    // Callers may shift issue offsets in place; the cache must not see that.
    first.issues[0].start += 100;
    assert.equal(env.check('c.nope').issues[0].start, 1);
  });
});
