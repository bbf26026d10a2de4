/**
 * Literal validation (k8s-cel.md §0.3, §8.6, §8.16): Go durations, RFC 3339 timestamps in years
 * 1..9999, RE2 patterns — and homogeneous aggregate literals (§8.5).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isValidDuration, isValidTimestamp } from '../../server/src/cel/literals.js';
import { isValidRe2, re2SyntaxError } from '../../server/src/cel/re2.js';
import { issuesOf, messagesOf, testEnv } from './checker-fixtures.js';

describe('Go duration syntax', () => {
  it('accepts what time.ParseDuration accepts', () => {
    for (const d of ['0', '1s', '-1.5h', '+2m', '1h2m3s4ms5us6ns', '1µs', '1μs', '.5s', '1.s', '300ms', '2562047h']) {
      assert.ok(isValidDuration(d), d);
    }
  });
  it('rejects days, missing units, empty, bare dots and overflow', () => {
    for (const d of ['1d', '1', '', '-', 's', '.s', '1 s', '1S', '2562048h', '1h-1m']) {
      assert.ok(!isValidDuration(d), d);
    }
  });
});

describe('RFC 3339 timestamps', () => {
  it('accepts valid timestamps with offsets and fractions', () => {
    for (const t of ['2024-02-29T23:59:59Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '2024-01-01T10:00:00+05:30', '2024-01-01T10:00:00.5-08:00']) {
      assert.ok(isValidTimestamp(t), t);
    }
  });
  it('rejects bad syntax, impossible dates and out-of-range years', () => {
    for (const t of ['bad', '2024-01-01', '2024-01-01 10:00:00Z', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z',
      '2024-01-01T00:00:60Z', '0000-12-31T23:59:59Z', '9999-12-31T23:59:59-01:00', '2024-01-01T00:00:00', '2024-01-01t00:00:00Z']) {
      assert.ok(!isValidTimestamp(t), t);
    }
  });
});

describe('RE2 syntax', () => {
  it('accepts RE2 including its extensions', () => {
    for (const p of ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '(?i)abc', '(?i:a|b)+', '(?P<name>x)', '(?<n>x)', '[[:alpha:]]+', '\\pL\\p{Greek}', '\\Qa.b\\E', 'a{2,5}?', 'a\\z', '\\x41\\x{1F600}', '[\\d\\-]', '(\\d+(\\.\\d+)?%)', '\\b*', '^*', '\\.', '{', 'a{,3}', '\\012', '[]a]', '(?s).']) {
      assert.ok(isValidRe2(p), p);
    }
  });
  it('rejects what RE2 rejects', () => {
    for (const p of ['(', ')', '[a', '(?=a)', '(?!a)', '(?<=a)', '(?<!a)', '(a)\\1', '**', 'a**', 'a{1001}', 'a{3,2}', '\\', '\\e', '[z-a]', '(?)', '(?P=n)', '[[:foo:]]', '\\8']) {
      assert.ok(!isValidRe2(p), p);
    }
  });
});

describe('RE2 error text (Go regexp/syntax)', () => {
  it('matches Go for the common mistakes', () => {
    const cases: Array<[string, string]> = [
      [')', 'unexpected ): `)`'],
      ['a(b', 'missing closing ): `a(b`'],
      ['[a', 'missing closing ]: `[a`'],
      ['a**', 'invalid nested repetition operator: `**`'],
      ['*a', 'missing argument to repetition operator: `*`'],
      ['a{1001}', 'invalid repeat count: `{1001}`'],
      ['(?=x)', 'invalid or unsupported Perl syntax: `(?=`'],
      ['(a)\\1', 'invalid escape sequence: `\\1`'],
      ['[z-a]', 'invalid character class range: `z-a`'],
      ['a\\', 'trailing backslash at end of expression: ``'],
    ];
    for (const [pattern, message] of cases) assert.equal(re2SyntaxError(pattern), `error parsing regexp: ${message}`, pattern);
    assert.equal(re2SyntaxError('(?i)a+?|b{2,}'), undefined);
  });
});

describe('literal validators in expressions', () => {
  it('report at the literal argument', () => {
    assert.deepEqual(issuesOf("timestamp('bad') > c.created"), [
      { code: 'KCG1008', at: "'bad'", start: 10, end: 15, message: 'invalid timestamp argument' },
    ]);
    assert.deepEqual(issuesOf("matches(s, '(?=x)')"), [
      { code: 'KCG1008', at: "'(?=x)'", start: 11, end: 18, message: 'invalid matches argument' },
    ]);
  });
  it('timestamp(<int>) must be within years 1..9999, reported at the (negative) literal', () => {
    assert.deepEqual(issuesOf('timestamp(-62135596801) < c.created'), [
      { code: 'KCG1008', at: '-62135596801', start: 10, end: 22, message: 'invalid timestamp argument' },
    ]);
    assert.deepEqual(messagesOf('timestamp(-62135596800) < c.created && timestamp(253402300799) > c.created'), []);
  });
  it('run only with validateLiterals, only on literals, and not on find/findAll', () => {
    assert.deepEqual(messagesOf("duration('1d') > duration('1s')", testEnv({ validateLiterals: false })), []);
    assert.deepEqual(messagesOf("duration(s) > duration('1s') && s.matches(s)"), []);
  });
  it('run only when the expression type-checks (cel-go validators)', () => {
    assert.deepEqual(messagesOf("duration('1d') > 1"), ["found no matching overload for '_>_' applied to '(duration, int)'"]);
  });
  it('report every bad literal', () => {
    assert.deepEqual(messagesOf("duration('x') < duration('y') && s.matches('[')"), ['invalid duration argument', 'invalid duration argument', 'invalid matches argument']);
  });
});

describe('string and bytes escapes (§8.7)', () => {
  it('accepts every cel-go escape', () => {
    assert.deepEqual(messagesOf("'\\a\\b\\f\\n\\r\\t\\v\\\\\\'\\\"\\`\\?' != '' && '\\x41\\X41\\u0041\\U00000041\\101' == 'AAAAA'"), []);
    assert.deepEqual(messagesOf("b'\\x00\\377' == bytes('') && r'\\q' == '\\\\q'"), []);
  });
  it('rejects other escapes, \\u in bytes, and octal out of range', () => {
    for (const e of ["'\\q'", "'\\8'", "b'\\u0041'", "'\\400'", "'\\x4'", "'\\uD800'"]) {
      assert.equal(issuesOf(e)[0]?.code, 'KCG1001', e);
    }
  });
});

describe('program creation (OptOptimize precompiles constant regexes)', () => {
  it('find/findAll with an invalid constant pattern fail with Go\'s regexp error', () => {
    assert.deepEqual(issuesOf("s.find(')') == ''"), [
      { code: 'KCG1008', at: "')'", start: 7, end: 10, message: 'program instantiation failed: error parsing regexp: unexpected ): `)`' },
    ]);
    assert.deepEqual(messagesOf("s.findAll('[') == []"), ['program instantiation failed: error parsing regexp: missing closing ]: `[`']);
  });
  it('only after a successful compile with an accepted result type', () => {
    assert.deepEqual(messagesOf("s.find(')') == 1"), ["found no matching overload for '_==_' applied to '(string, int)'"]);
    assert.deepEqual(messagesOf("s.find(')')", testEnv(), { kind: 'exact', types: [{ kind: 'bool' }] }), ['must evaluate to bool but got string']);
    assert.equal(testEnv().check("s.find(')') == ''").type?.kind, 'bool');
  });
  it('matches is reported by the literal validator where enabled, by program creation otherwise', () => {
    assert.deepEqual(messagesOf("s.matches(')')"), ['invalid matches argument']);
    assert.deepEqual(messagesOf("s.matches(')')", testEnv({ validateLiterals: false })), ['program instantiation failed: error parsing regexp: unexpected ): `)`']);
  });
});

describe('homogeneous aggregate literals', () => {
  it('lists: first mismatch, exact types (dyn does not mix with int)', () => {
    assert.deepEqual(issuesOf("[1, 2, 'a', 'b']"), [
      { code: 'KCG1009', at: "'a'", start: 7, end: 10, message: "expected type 'int' but found 'string'" },
    ]);
    assert.deepEqual(messagesOf('[1, dyn(2)]'), ["expected type 'int' but found 'dyn'"]);
    assert.deepEqual(messagesOf('[[1], [2]] == [[3]] && [c, o].size() == 2'), []);
  });
  it('maps: keys and values', () => {
    assert.deepEqual(messagesOf("{'a': 1, 2: 'b'}"), ["expected type 'string' but found 'int'", "expected type 'int' but found 'string'"]);
  });
  it("are exempt inside format()", () => {
    assert.deepEqual(messagesOf("'%s %d'.format(['a', 1]) == 'a 1'"), []);
  });
});
