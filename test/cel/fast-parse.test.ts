/**
 * The CEL fast path (server/src/cel/fastParse.ts) against parse.ts's full path (cel-js, regrouping
 * to cel-go's precedence, grammar and depth checks): every expression the fast path accepts must
 * give the very tree the full path gives — same ops, operands, literal values and types, and
 * offsets — and the full path must accept it too; anything else must be left to the full path.
 * Checked on every string of the corpora and examples, on the Kubernetes type-check cases, and on
 * generated and mutated expressions; and the fast path must really be taken (not a vacuous pass).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, isScalar, visit } from 'yaml';
import { fastParseCel } from '../../server/src/cel/fastParse.js';
import { allNodes, astIndex, parseCel, parseCelFullPath, MAX_RECURSION_DEPTH, type AstNode } from '../../server/src/cel/parse.js';
import { CORPUS_ROOT, REPO_ROOT, celSoup, mutatedCel, params, yamlFilesUnder } from '../fuzz/fuzzLib.js';

/** A tree as plain data: literal values tagged with their JavaScript type (1n and 1 differ). */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return { bigint: String(v) };
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(plain);
  const n = v as AstNode;
  return { op: n.op, args: plain(n.args), pos: n.pos, start: n.start, end: n.end };
}

/** The index the passes after checking read, as plain data. */
function plainIndex(root: AstNode): unknown {
  const index = astIndex(root);
  return {
    nodes: allNodes(root).map(plain),
    selects: index.selects.map(plain),
    identifiers: index.identifiers,
    memberCalls: index.memberCalls.map(plain),
    regexCalls: index.regexCalls.map(plain),
    literalChecks: index.literalChecks.map(plain),
  };
}

/**
 * Whether the fast path took `src`; fails if it disagrees with the full path: in the tree, and in
 * the node lists parseCel stores with it (built from the fast parser's node order, walked on the
 * full path's tree).
 */
function agrees(src: string): boolean {
  if (!fastParseCel(src)) return false;
  const fast = parseCel(src).ast!;
  const full = parseCelFullPath(src);
  assert.equal(full.issue, undefined, `the fast path accepted what the full path rejects: ${JSON.stringify(src)}`);
  assert.deepEqual(plain(fast), plain(full.ast), `trees differ for ${JSON.stringify(src)}`);
  assert.deepEqual(plainIndex(fast), plainIndex(full.ast!), `indexes differ for ${JSON.stringify(src)}`);
  return true;
}

const CEL_KEYS = new Set(['expression', 'rule', 'messageExpression', 'valueExpression']);

/** Every string scalar of the YAML files under `dir`, and whether it sits under a CEL key. */
function yamlStrings(dir: string): Array<{ text: string; cel: boolean }> {
  const out: Array<{ text: string; cel: boolean }> = [];
  for (const file of yamlFilesUnder(dir)) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (!('contents' in doc)) continue;
      visit(doc, {
        Pair(_, pair) {
          if (isScalar(pair.value) && typeof pair.value.value === 'string') {
            out.push({ text: pair.value.value, cel: isScalar(pair.key) && CEL_KEYS.has(String(pair.key.value)) });
          }
        },
        Scalar(_, s) {
          if (typeof s.value === 'string') out.push({ text: s.value, cel: false });
        },
      });
    }
  }
  return out;
}

test('every string of the corpora and examples: the fast path agrees with the full path, and takes most CEL', () => {
  const strings = [...yamlStrings(CORPUS_ROOT), ...yamlStrings(path.join(REPO_ROOT, 'examples'))];
  let cel = 0;
  let celFast = 0;
  for (const { text, cel: isCel } of strings) {
    const fast = agrees(text);
    if (isCel) {
      cel++;
      if (fast) celFast++;
    }
  }
  assert.ok(cel > 1000, `only ${cel} CEL expressions found`);
  // Most real expressions are in the subset (the rest use maps, doubles, escapes, comments, …).
  assert.ok(celFast / cel > 0.6, `the fast path took only ${celFast} of ${cel} expressions`);
  console.log(`fast path: ${celFast} of ${cel} corpus expressions`);
});

test('the Kubernetes type-check cases: every string agrees', { skip: !fs.existsSync(path.join(CORPUS_ROOT, 'k8s-typecheck-cases.json')) && 'no ../shared/corpus' }, () => {
  const strings: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
  };
  collect(JSON.parse(fs.readFileSync(path.join(CORPUS_ROOT, 'k8s-typecheck-cases.json'), 'utf8')));
  let fast = 0;
  for (const s of strings) if (agrees(s)) fast++;
  assert.ok(fast > 500, `the fast path took only ${fast} of ${strings.length}`);
});

test('generated and mutated expressions: the fast path agrees or leaves them to the full path', (t) => {
  let fast = 0;
  fc.assert(
    fc.property(fc.oneof(celSoup, mutatedCel()), (src) => {
      if (agrees(src)) fast++;
    }),
    params(4000),
  );
  t.diagnostic(`${fast} generated expressions took the fast path`);
  assert.ok(fast > 100, `only ${fast} generated expressions took the fast path`);
});

/**
 * Expressions of the fast subset with random structure, parentheses and spacing: what precedence
 * and offsets are most easily got wrong on.
 */
const subsetExpression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => {
  const sp = fc.constantFrom('', ' ', '  ', '\n', '\t');
  const leaf = fc.oneof(
    fc.constantFrom('a', 'b', 'self', 'object', '_x1', 'true', 'false', 'null', '0', '7', '42', "''", "'s'", '"d q"', "'é😀'"),
  );
  const e = tie('e');
  return {
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(e, sp, fc.constantFrom('||', '&&', '==', '!=', '<', '<=', '>', '>=', 'in', '+', '-', '*', '/', '%'), sp, e).map((p) => p.join('')),
      fc.tuple(fc.constantFrom('!', '-', '!!', '- '), e).map(([o, x]) => o + x),
      fc.tuple(e, sp, fc.constantFrom('?'), sp, e, sp, fc.constantFrom(':'), sp, e).map((p) => p.join('')),
      fc.tuple(sp, e, sp).map(([x, y, z]) => `(${x}${y}${z})`),
      fc.tuple(e, fc.constantFrom('.', '.?', '. ?', ' .'), fc.constantFrom('b', 'spec', 'namespace', 'all')).map((p) => p.join('')),
      fc.tuple(e, fc.constantFrom('[', '[?', '[ ?'), e, fc.constantFrom(']')).map((p) => p.join('')),
      fc.tuple(fc.constantFrom('f', 'has', 'size', 'string', 'matches', 'duration', 'timestamp', 'format', 'bind'), fc.array(e, { maxLength: 3 })).map(([f, xs]) => `${f}(${xs.join(', ')})`),
      fc.tuple(e, fc.constantFrom('all', 'exists', 'map', 'filter', 'startsWith', 'orValue', 'matches', 'find', 'findAll', 'format', 'bind'), fc.array(e, { maxLength: 3 })).map(([r, f, xs]) => `${r}.${f}(${xs.join(',')})`),
      fc.array(e, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    ),
  };
}).e;

test('generated expressions of the fast subset: the same trees, offsets and precedence', (t) => {
  let fast = 0;
  fc.assert(
    fc.property(subsetExpression, (src) => {
      if (agrees(src)) fast++;
    }),
    params(3000),
  );
  t.diagnostic(`${fast} took the fast path`);
  assert.ok(fast > 1000, `only ${fast} generated expressions took the fast path`);
});

test('cel-go precedence: relations are one left-associative level, parentheses respected', () => {
  const tree = (src: string) => plain(fastParseCel(src)!.ast);
  for (const src of ['a == b < c', 'a < b == c', 'a == (b < c)', '(a == b) < c', 'a != b in c', 'x == y ? 1 : 2', '!a.b || -c[0] > d.e(f, g) && h.?i[?j] != [1, "s", null, true]']) {
    assert.ok(agrees(src), src);
  }
  // `a == b < c` is `(a == b) < c`, as in cel-go (cel-js alone would group `a == (b < c)`).
  assert.deepEqual(tree('a == b < c'), {
    op: '<', pos: 0, start: 0, end: 10,
    args: [
      { op: '==', pos: 0, start: 0, end: 6, args: [{ op: 'id', args: 'a', pos: 0, start: 0, end: 1 }, { op: 'id', args: 'b', pos: 5, start: 5, end: 6 }] },
      { op: 'id', args: 'c', pos: 9, start: 9, end: 10 },
    ],
  });
});

test('what the fast path leaves to the full path (which owns every message and literal form)', () => {
  const leftToFullPath = [
    // syntax errors and cel-go grammar errors cel-js would accept
    'a ? b ? c : d : e', 'f(a,)', 'x.all(1, y)', 'a +', '(a', 'a.', '', '  ', 'a = b', 'a & b',
    // literals other than decimal ints, plain strings, bools and null
    '1u', '0x1F', '1.5', '1e3', '.5', '007', '12345678901234567890', "'a\\nb'", "r'\\d'", "b'ab'", "'''x'''", '"a\nb"',
    // maps, struct literals, optional entries, comments, reserved words, non-ASCII outside strings
    '{"a": 1}', 'Object{spec: 1}', '[?x]', 'a // c', 'namespace', 'if', '__proto__.x', 'é', 'a.?b()',
  ];
  for (const src of leftToFullPath) assert.equal(fastParseCel(src), undefined, JSON.stringify(src));
  // Reserved words are fine as field names; non-ASCII inside strings too.
  for (const src of ['object.metadata.namespace == "ns"', "self.name == 'é😀'", "''.size() == 0"]) assert.ok(agrees(src), src);
});

test('a deep select chain the fast path reads still gets the full path\'s recursion error', () => {
  const deep = 'a' + '.b'.repeat(MAX_RECURSION_DEPTH + 5);
  assert.ok(fastParseCel(deep), 'the chain is in the fast subset');
  const outcome = parseCel(deep);
  assert.equal(outcome.ast, undefined);
  assert.match(outcome.issue!.message, /recursion limit exceeded/);
  // Nesting past the fast path's own bound is left to the full path.
  assert.equal(fastParseCel('('.repeat(100) + 'a' + ')'.repeat(100)), undefined);
});
