import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Document, parseDocument, isScalar, visit, type Scalar } from 'yaml';
import { embeddedString, exactEmbeddedString, type EmbeddedString } from '../../server/src/engine/embeddedString.js';
import { splitDocuments, parseChunk } from '../../server/src/engine/documents.js';

/** Parses `text` like the engine does and maps the scalar at `path`. */
function mapAt(text: string, path: (string | number)[], keepSourceTokens = true): EmbeddedString {
  const doc = parseDocument(text, { keepSourceTokens });
  const node = doc.getIn(path, true);
  assert.ok(isScalar(node), `no scalar at ${path.join('.')}`);
  const e = embeddedString(node as Scalar, text);
  assert.ok(e, 'expected a string scalar');
  return e;
}

/** Offset of the n-th (0-based) occurrence of `needle` in `text`. */
function at(text: string, needle: string, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `'${needle}' #${n} not in text`);
  }
  return i;
}

function allOffsets(e: EmbeddedString): number[] {
  return Array.from({ length: e.value.length + 1 }, (_, i) => e.toSource(i));
}

/** Consecutive offsets from `start`, one per character of `s`. */
function run(start: number, s: string): number[] {
  return Array.from(s, (_, k) => start + k).slice(0, s.length);
}

describe('embeddedString: plain scalars', () => {
  test('single line maps one-to-one, end maps just after the last character', () => {
    const text = 'expression: a == b\n';
    const e = mapAt(text, ['expression']);
    assert.equal(e.value, 'a == b');
    assert.deepEqual(allOffsets(e), [12, 13, 14, 15, 16, 17, 18]);
    assert.deepEqual(e.sourceRange(2, 4), { start: 14, end: 16 });
  });

  test('multi-line folding: a break becomes a space at the break, an empty line a kept newline', () => {
    const text = 'expression: a &&\n  b   \n\n   c\n';
    const e = mapAt(text, ['expression']);
    assert.equal(e.value, 'a && b\nc');
    const firstBreak = at(text, '\n', 0);
    const emptyLineBreak = at(text, '\n', 2);
    assert.deepEqual(allOffsets(e), [
      12, 13, 14, 15,
      firstBreak,
      at(text, 'b'),
      emptyLineBreak,
      at(text, 'c'),
      at(text, 'c') + 1,
    ]);
  });

  test('two empty lines keep two newlines, each at the break of its empty line', () => {
    const text = 'x: a\n\n\n  b\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a\n\nb');
    assert.deepEqual(allOffsets(e), [3, 5, 6, at(text, 'b'), at(text, 'b') + 1]);
  });

  test('tabs inside are content; astral characters take two code units', () => {
    const text = 'x: a\tb 😀c\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a\tb 😀c');
    assert.deepEqual(allOffsets(e), [3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(text.slice(e.toSource(4), e.toSource(6)), '😀');
  });

  test('CRLF: the folded space maps to the \\r and its range covers the whole break', () => {
    const text = 'x: a\r\n  b\r\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a b');
    assert.deepEqual(allOffsets(e), [3, 4, 8, 9]);
    assert.deepEqual(e.sourceRange(1, 2), { start: 4, end: 6 });
  });

  test('keys and values in block sequences and flow collections', () => {
    const text = '- name: first\n  rule: {msg: hi there, list: [a b, c]}\n';
    const doc = parseDocument(text, { keepSourceTokens: true });
    const key = (doc.getIn([0], true) as any).items[0].key as Scalar;
    const k = embeddedString(key, text)!;
    assert.equal(k.value, 'name');
    assert.equal(k.toSource(0), 2);
    const msg = mapAt(text, [0, 'rule', 'msg']);
    assert.equal(msg.value, 'hi there');
    assert.equal(msg.toSource(0), at(text, 'hi'));
    assert.equal(msg.toSource(8), at(text, 'hi') + 8);
    const ab = mapAt(text, [0, 'rule', 'list', 0]);
    assert.equal(ab.value, 'a b');
    assert.deepEqual(allOffsets(ab), run(at(text, 'a b'), 'a b!'));
  });
});

describe('embeddedString: single-quoted scalars', () => {
  test("'' is one quote that maps to the first quote and covers both", () => {
    const text = "x: 'it''s'\n";
    const e = mapAt(text, ['x']);
    assert.equal(e.value, "it's");
    assert.deepEqual(allOffsets(e), [4, 5, 6, 8, 9]);
    assert.deepEqual(e.sourceRange(2, 3), { start: 6, end: 8 });
    assert.deepEqual(e.sourceRange(0, 4), { start: 4, end: 9 });
  });

  test('folding trims line ends and starts; empty lines become newlines; trailing blanks before the quote stay', () => {
    const text = "x: 'a  \n   b\n\n  c  '\n";
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a b\nc  ');
    const c = at(text, 'c');
    assert.deepEqual(allOffsets(e), [4, at(text, '\n', 0), at(text, 'b'), at(text, '\n', 2), c, c + 1, c + 2, c + 3]);
  });

  test('empty string: zero-width range just inside the quotes', () => {
    const text = "x: ''\n";
    const e = mapAt(text, ['x']);
    assert.equal(e.value, '');
    assert.equal(e.toSource(0), 4);
    assert.deepEqual(e.sourceRange(0, 0), { start: 4, end: 4 });
  });
});

describe('embeddedString: double-quoted scalars', () => {
  test('every YAML escape maps to the start of its sequence and its range covers it', () => {
    const escapes = [
      ['\\0', '\0'], ['\\a', '\x07'], ['\\b', '\b'], ['\\t', '\t'], ['\\n', '\n'], ['\\v', '\v'],
      ['\\f', '\f'], ['\\r', '\r'], ['\\e', '\x1b'], ['\\ ', ' '], ['\\"', '"'], ['\\/', '/'],
      ['\\\\', '\\'], ['\\N', '\u0085'], ['\\_', '\u00a0'], ['\\L', '\u2028'], ['\\P', '\u2029'],
      ['\\\t', '\t'], ['\\x41', 'A'], ['\\u00e9', 'é'], ['\\U0001F600', '😀'],
    ];
    for (const [raw, cooked] of escapes) {
      const text = `x: "a${raw}b"\n`;
      const e = mapAt(text, ['x']);
      assert.equal(e.value, `a${cooked}b`, raw);
      const expected = [4, ...Array.from(cooked, () => 5), 5 + raw.length, 6 + raw.length];
      // An astral escape gives two code units, both at the backslash.
      if (cooked.length === 2) expected.splice(2, 0, 5);
      assert.deepEqual(allOffsets(e), expected, raw);
      assert.deepEqual(e.sourceRange(1, 1 + cooked.length), { start: 5, end: 5 + raw.length }, raw);
    }
  });

  test('escaped line break joins lines and skips the next line\'s indentation', () => {
    const text = 'x: "ab\\\n    cd"\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'abcd');
    assert.deepEqual(allOffsets(e), [4, 5, at(text, 'cd'), at(text, 'cd') + 1, at(text, 'cd') + 2]);
  });

  test('folding: trailing blanks trimmed, break -> space at the break, empty line -> newline at its break', () => {
    const text = 'x: "a  \n  b\n\n c"\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a b\nc');
    assert.deepEqual(allOffsets(e), [4, at(text, '\n', 0), at(text, 'b'), at(text, '\n', 2), at(text, 'c'), at(text, 'c') + 1]);
  });

  test('CRLF folding maps to the \\r', () => {
    const text = 'x: "a\r\n b\r\n\r\n c"\r\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a b\nc');
    assert.deepEqual(allOffsets(e), [4, 5, 8, 11, 14, 15]);
  });

  test('spaces and tabs between words are content', () => {
    const text = 'x: "a \t b"\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a \t b');
    assert.deepEqual(allOffsets(e), [4, 5, 6, 7, 8, 9]);
  });

  test('an invalid escape is kept as written, character by character', () => {
    const text = 'x: "a\\qb"\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a\\qb');
    assert.deepEqual(allOffsets(e), [4, 5, 6, 7, 8]);
  });

  test('a CEL string literal with escaped quotes points at the right character', () => {
    const text = 'expression: "object.metadata.name == \\"x\\" && bad"\n';
    const e = mapAt(text, ['expression']);
    assert.equal(e.value, 'object.metadata.name == "x" && bad');
    const i = e.value.indexOf('bad');
    assert.deepEqual(e.sourceRange(i, i + 3), { start: at(text, 'bad'), end: at(text, 'bad') + 3 });
  });
});

describe('embeddedString: block scalars', () => {
  test('literal with clip: the final newline maps to the last content line break', () => {
    const text = 'x: |\n  a\n   b\n\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a\n b\n');
    assert.deepEqual(allOffsets(e), [7, 8, 11, 12, 13, 14]);
  });

  test('literal strip and keep chomping', () => {
    const strip = 'x: |-\n  a\n\n';
    assert.deepEqual(allOffsets(mapAt(strip, ['x'])), [8, 9]);
    assert.equal(mapAt(strip, ['x']).value, 'a');
    const keep = 'x: |+\n  a\n\n';
    const e = mapAt(keep, ['x']);
    assert.equal(e.value, 'a\n\n');
    assert.deepEqual(allOffsets(e), [8, 9, 10, 11]);
  });

  test('a comment after the header and an explicit indentation indicator', () => {
    const text = 'x: |2- # the rule\n    a\n   b\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, '  a\n b');
    const line1 = at(text, '    a');
    const line2 = at(text, '   b');
    assert.deepEqual(allOffsets(e), [line1 + 2, line1 + 3, line1 + 4, line1 + 5, line2 + 2, line2 + 3, line2 + 4]);
  });

  test('explicit indentation indicator inside a sequence is relative to the parent', () => {
    const text = 'list:\n  - >1-\n     a\n    b\n';
    const e = mapAt(text, ['list', 0]);
    // Parent indentation 2 (the sequence) + 1 -> content indentation 3.
    assert.equal(e.value, '  a\n b');
    const a = at(text, 'a');
    const b = at(text, 'b');
    assert.deepEqual(allOffsets(e), [a - 2, a - 1, a, a + 1, b - 1, b, b + 1]);
  });

  test('folded: lines joined by spaces, empty line kept, more-indented lines keep their breaks', () => {
    const text = 'x: >-\n  a\n  b\n\n  c\n    d\n  e\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a b\nc\n  d\ne');
    const nl = (n: number) => at(text, '\n', n);
    assert.deepEqual(allOffsets(e), [
      at(text, 'a'), nl(1), at(text, 'b'), nl(3), at(text, 'c'), nl(4),
      at(text, 'd') - 2, at(text, 'd') - 1, at(text, 'd'), nl(5), at(text, 'e'), at(text, 'e') + 1,
    ]);
  });

  test('folded: an empty line before a more-indented line keeps both breaks, mapped to the blank lines', () => {
    const text = 'x: >\n  a\n\n    b\n  c\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a\n\n  b\nc\n');
    const nl = (n: number) => at(text, '\n', n);
    const offsets = allOffsets(e);
    assert.equal(offsets[0], at(text, 'a'));
    for (const i of [1, 2]) assert.ok(offsets[i] >= nl(1) && offsets[i] <= nl(2), `newline ${i} at ${offsets[i]}`);
    assert.deepEqual(offsets.slice(3), [at(text, 'b') - 2, at(text, 'b') - 1, at(text, 'b'), nl(3), at(text, 'c'), nl(4), nl(4) + 1]);
  });

  test('folded: a line starting with a tab counts as more-indented', () => {
    const text = 'x: >\n  a\n  \tb\n  c\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'a\n\tb\nc\n');
    assert.equal(e.toSource(2), at(text, '\t'));
    assert.equal(e.toSource(1), at(text, '\n', 1));
  });

  test('CRLF block literal: content maps exactly, breaks map to the \\r', () => {
    const text = 'x: |\r\n  ab\r\n  c\r\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, 'ab\nc\n');
    assert.deepEqual(allOffsets(e), [8, 9, 10, 14, 15, 17]);
    assert.deepEqual(e.sourceRange(2, 3), { start: 10, end: 12 });
  });

  test('a CEL error column inside a block literal lands on the file character', () => {
    const text = [
      'spec:',
      '  validations:',
      '    - expression: |',
      '        object.spec.replicas <= 5 &&',
      '          object.spec.foo == 1',
      '',
    ].join('\n');
    const e = mapAt(text, ['spec', 'validations', 0, 'expression']);
    const i = e.value.indexOf('foo');
    assert.deepEqual(e.sourceRange(i, i + 3), { start: at(text, 'foo'), end: at(text, 'foo') + 3 });
  });

  test('empty block scalars', () => {
    const text = 'x: |\ny: 1\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.value, '');
    assert.deepEqual(e.sourceRange(0, 0), { start: e.toSource(0), end: e.toSource(0) });
  });
});

describe('embeddedString: robustness', () => {
  test('non-string scalars give undefined', () => {
    const doc = parseDocument('a: 1\nb: true\nc: null\nd: 1.5\n', { keepSourceTokens: true });
    for (const k of ['a', 'b', 'c', 'd']) {
      assert.equal(embeddedString(doc.get(k, true) as Scalar, 'a: 1\nb: true\nc: null\nd: 1.5\n'), undefined, k);
    }
  });

  test('without source tokens the mapping is still exact for every style', () => {
    const text = 'a: "x\\ty"\nb: \'p\'\'q\'\nc: |2\n    k\nd: >-\n  m\n  n\ne: plain\n  fold\n';
    for (const k of ['a', 'b', 'c', 'd', 'e']) {
      const withTokens = mapAt(text, [k], true);
      const without = mapAt(text, [k], false);
      assert.equal(without.value, withTokens.value, k);
      assert.deepEqual(allOffsets(without), allOffsets(withTokens), k);
    }
  });

  test('out-of-range indices clamp instead of throwing', () => {
    const text = 'x: abc\n';
    const e = mapAt(text, ['x']);
    assert.equal(e.toSource(-5), 3);
    assert.equal(e.toSource(99), 6);
    assert.equal(e.toSource(NaN), 3);
    assert.deepEqual(e.sourceRange(2, 99), { start: 5, end: 6 });
    assert.deepEqual(e.sourceRange(3, 1), { start: 6, end: 6 });
  });

  test('broken YAML (unterminated quotes) never throws and maps inside the scalar', () => {
    for (const text of ['x: "abc\n', "x: 'abc\n", 'x: "a\\', 'x: |9\n a\n', 'x: >+\n\n\n']) {
      const doc = parseDocument(text, { keepSourceTokens: true });
      visit(doc, {
        Scalar(_k, node) {
          const e = embeddedString(node, text);
          if (!e) return;
          for (let i = 0; i <= e.value.length; i++) {
            const o = e.toSource(i);
            assert.ok(o >= 0 && o <= text.length, `${JSON.stringify(text)} @${i}`);
          }
        },
      });
    }
  });
});

// -------------------------------------------------------------------------------------------------
// Property test over the real corpus

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

const CORPUS = '../shared/corpus';

test('corpus property: every string scalar maps exactly, monotonically, character for character', () => {
  const files = ['vap', 'crds', 'apiserver', 'workloads'].flatMap((d) => yamlFiles(join(CORPUS, d)));
  assert.ok(files.length > 200, `corpus not found (${files.length} files)`);
  let scalars = 0;
  let verbatimChars = 0;
  let producedChars = 0;
  const multiLine: Record<string, number> = {};
  for (const file of files) {
    const fileText = readFileSync(file, 'utf8');
    for (const chunk of splitDocuments(fileText)) {
      const { doc, text } = parseChunk(chunk);
      visit(doc, {
        Scalar(_k, node) {
          if (typeof node.value !== 'string') return;
          const e = exactEmbeddedString(node, text);
          assert.ok(e, `${file}: no exact mapping for ${node.type} at ${node.range?.[0]}`);
          scalars++;
          const [start, end] = node.range!;
          if (text.slice(start, end).includes('\n')) multiLine[node.type!] = (multiLine[node.type!] ?? 0) + 1;
          let prev = -1;
          for (let i = 0; i < e.value.length; i++) {
            const o = e.toSource(i);
            assert.ok(o >= prev && o >= start && o <= end, `${file}@${start}: offset ${o} of char ${i} not monotonic/inside`);
            prev = o;
            const src = text[o];
            if (src === e.value[i]) {
              verbatimChars++;
            } else {
              // Only escapes (DQ backslash, SQ '') and folded/kept line breaks may differ; a block
              // scalar's final newline at the end of a file without one maps to the scalar's end.
              const produced =
                src === '\\' || src === '\n' || src === '\r' || (src === "'" && node.type === 'QUOTE_SINGLE') ||
                (e.value[i] === '\n' && o === end);
              assert.ok(produced, `${file}@${o}: value[${i}]=${JSON.stringify(e.value[i])} but source has ${JSON.stringify(src)}`);
              producedChars++;
            }
          }
          assert.ok(e.toSource(e.value.length) >= prev && e.toSource(e.value.length) <= end);
        },
      });
    }
  }
  console.log(
    `embeddedString corpus property: ${files.length} files, ${scalars} string scalars, ` +
      `${verbatimChars} verbatim chars checked, ${producedChars} escape/fold chars; multi-line: ${JSON.stringify(multiLine)}`,
  );
  assert.ok(scalars > 100000 && verbatimChars > 1000000);
});

// -------------------------------------------------------------------------------------------------
// Round-trip property: random strings written by `yaml` in every style, folded at narrow widths

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'b', 'x', ' ', ' ', '  ', '\n', '\n\n', '\t', '"', "'", '\\', '#', ':', '😀', 'é', '\r', '\x07', '-', '==', '{', ']'];

test('round-trip property: yaml-written scalars of every style map exactly', () => {
  const rand = prng(42);
  const styles = ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const;
  let checked = 0;
  for (let n = 0; n < 3000; n++) {
    let s = '';
    const len = Math.floor(rand() * 40);
    for (let k = 0; k < len; k++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
    const style = styles[n % styles.length];
    const nested = n % 2 === 0 ? { spec: { rules: [{ expression: s }] } } : { expression: s };
    const text = new Document(nested).toString({ defaultStringType: style, lineWidth: 20, minContentWidth: 4 });
    const path = n % 2 === 0 ? ['spec', 'rules', 0, 'expression'] : ['expression'];
    const doc = parseDocument(text, { keepSourceTokens: true });
    const node = doc.getIn(path, true) as Scalar;
    if (!isScalar(node) || typeof node.value !== 'string') continue;
    const e = exactEmbeddedString(node, text);
    assert.ok(e, `no exact mapping for ${JSON.stringify(text)}`);
    // (e.value is yaml's value; yaml's own writer does not always round-trip s, which is fine here.)
    let prev = -1;
    for (let i = 0; i < e.value.length; i++) {
      const o = e.toSource(i);
      assert.ok(o >= prev, `not monotonic at ${i} in ${JSON.stringify(text)}`);
      prev = o;
      const src = text[o];
      if (src !== e.value[i]) {
        assert.ok(src === '\\' || src === '\n' || src === '\r' || src === "'" || o === text.length, `value[${i}] in ${JSON.stringify(text)}`);
      }
    }
    assert.ok(e.toSource(e.value.length) >= prev && e.toSource(e.value.length) <= text.length);
    checked++;
  }
  assert.ok(checked > 2500, `only ${checked} scalars checked`);
});

const RAW_PIECES = ['a', 'b', ' ', '  ', '\t', '\n', '\n  ', '\n\n   ', '\r\n', '\r\n  ', '\\', '\\n', '\\x4', '\\x41', '\\u00e9', '\\U0001F600', '\\q', "''", '"', '😀', '#', ': ', '-', '|', '>'];
const WRAPPERS: Array<(body: string) => string> = [
  (b) => `k: "${b}"\n`,
  (b) => `k: '${b}'\n`,
  (b) => `k: a${b}\n`,
  (b) => `k: |\n  ${b}\n`,
  (b) => `k: >-\n  ${b}\n\n`,
  (b) => `k: |+2\n   ${b}\n`,
  (b) => `- [x, "${b}"]\n`,
  (b) => `- >\n    ${b}\r\n`,
  (b) => `{k: a${b}, 'q${b}': x}\n`,
  (b) => `- ? |-1\n   ${b}\n  : v\n`,
];

test('fuzz: hand-written raw scalars (malformed too) map exactly whenever yaml yields a string', () => {
  const rand = prng(Number(process.env.KCG_FUZZ_SEED ?? 7));
  const rounds = Number(process.env.KCG_FUZZ_ROUNDS ?? 6000);
  let exact = 0;
  for (let n = 0; n < rounds; n++) {
    let body = '';
    const len = Math.floor(rand() * 12);
    for (let k = 0; k < len; k++) body += RAW_PIECES[Math.floor(rand() * RAW_PIECES.length)];
    const text = WRAPPERS[n % WRAPPERS.length](body);
    const doc = parseDocument(text, { keepSourceTokens: true });
    visit(doc, {
      Scalar(_k, node) {
        if (typeof node.value !== 'string') return;
        const e = embeddedString(node, text)!;
        assert.equal(e.value, node.value);
        // Malformed documents too (unterminated quotes, bad escapes): the walk mirrors yaml there.
        assert.ok(exactEmbeddedString(node, text), `no exact mapping for ${JSON.stringify(text)}`);
        exact++;
        let prev = -1;
        for (let i = 0; i <= e.value.length; i++) {
          const o = e.toSource(i);
          assert.ok(o >= prev && o >= 0 && o <= text.length, `offset ${o} at ${i} in ${JSON.stringify(text)}`);
          prev = o;
          if (i < e.value.length && text[o] !== e.value[i]) {
            // A block scalar's added final newline with no break in the source sits at the scalar's end.
            const addedNewline = e.value[i] === '\n' && o === node.range![1];
            assert.ok(['\\', '\n', '\r', "'"].includes(text[o]) || addedNewline, `value[${i}] in ${JSON.stringify(text)}`);
          }
        }
      },
    });
  }
  assert.ok(exact > 3000, `only ${exact} exact`);
});
