/**
 * The YAML fast path (server/src/engine/yamlFastPath.ts) against `yaml` itself: every document it
 * accepts must be node for node what `parseDocument` gives (test/unit/yamlSnapshot.ts); anything
 * else must fall back. The property tests on mutated and generated documents are in
 * test/fuzz/yamlFastPath.test.ts.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument, isMap, isScalar, type Scalar } from 'yaml';
import { splitDocuments, parseChunk } from '../../server/src/engine/documents.js';
import { fastParseDocument, fastParseDocumentStrict, PARSE_OPTIONS } from '../../server/src/engine/yamlFastPath.js';
import { embeddedString } from '../../server/src/engine/embeddedString.js';
import { snapshot } from './yamlSnapshot.js';
import { CORPUS_ROOT, REPO_ROOT, yamlFilesUnder } from '../fuzz/fuzzLib.js';

/** The fast path's result for `text`, checked against yaml; undefined if it fell back. */
function checked(text: string, label = JSON.stringify(text)): ReturnType<typeof fastParseDocumentStrict> {
  const fast = fastParseDocumentStrict(text);
  if (fast) assert.deepEqual(snapshot(fast), snapshot(parseDocument(text, PARSE_OPTIONS)), label);
  return fast;
}

function assertFast(text: string): void {
  assert.ok(checked(text), `expected the fast path to take ${JSON.stringify(text)}`);
}

function assertFallback(text: string): void {
  assert.equal(fastParseDocumentStrict(text), undefined, `expected a fallback to yaml for ${JSON.stringify(text)}`);
}

describe('yamlFastPath: the subset it reads is read exactly as yaml does', () => {
  test('block mappings and sequences, compact mappings, zero-indented sequences', () => {
    assertFast('a: 1\nb: two\n');
    assertFast('- a\n- b\n');
    assertFast('spec:\n  containers:\n  - name: x\n    image: y\n  - name: z\n');
    assertFast('spec:\n  containers:\n    -   name: x\n        image: y\n');
    assertFast('a:\n  b:\n    c:\n      d: 1\ne: 2\n');
    assertFast('-\n  a: 1\n-\n  - x\n');
    assertFast('  a: 1\n  b: 2\n');
    assertFast('a b: 1\n"q k": 2\n\'s k\': 3\nhttp://x:y: 4\n-k: 5\n');
  });

  test('scalars: core-schema resolution of plain scalars, quoting, escapes, folding', () => {
    assertFast(
      [
        'n1: null', 'n2: ~', 'n3: Null', 'n4:', 'b1: true', 'b2: FALSE', 'b3: yes', 'i1: 0o7', 'i2: 0x1F', 'i3: -0', 'i4: +12',
        'i5: 1_000', 'i6: 0b1', 'f1: 1e3', 'f2: .inf', 'f3: -.Inf', 'f4: .nan', 'f5: 1.50', 'f6: -.5', 'f7: 5.', 'f8: 0.0',
        's1: a#b', 's2: =', 's3: <<', 's4: ""', "s5: ''", 's6: "a # b"', "s7: 'it''s'", 's8: "tab\\tq\\"\\u00e9\\x41"',
        's9: plain\n  continued\n\n  lines', 's10: "fold\n    ed\n\n    x"', "s11: 'single\n    multi'", 's12: 99999999999999999999',
      ].join('\n') + '\n',
    );
  });

  test('block scalars: literal, folded, chomping, indentation indicators, trailing lines', () => {
    assertFast('a: |\n  lit\n  eral\nb: >-\n  fol\n\n  ded\n    more\n  less\nc: |+\n  keep\n\n\nd: |2\n    two\ne: x\n');
    assertFast('- |\n  in a seq\n-  >\n   folded\n\n# after\n- |-\n\n  leading blank\n');
    assertFast('a: |\nb: |\n\n\nc: 1\n');
    assertFast('a: | # comment\n  x\n');
    assertFast('a: |\n  no final break');
  });

  test('single-line flow sequences and mappings of scalars', () => {
    assertFast('a: ["apps", v1, \'x\']\nb: []\nc: {}\nd: [ 1 , 2 ]\ne: { }\nf: [a b, "c d"]  # c\n');
    assertFast('- [x, y]\n- {}\n- {name: data, "mount Path": /d , readOnly: true}\n- {a: 1 }\n');
  });

  test('a value on the line after its key or `-`', () => {
    assertFast('a:\n  {}\nb:\n  "q\n   r"\nc:\n   # c\n  plain\n   more\nd:\n\n  [x]\n');
    assertFast('-\n  x\n-\n  [a, b]\n');
    // A comment line starting `#x` lowers the lexer's continuation indent (here to 1).
    assertFast('a:\n #c\n  x\n   more\nb: 1\n');
  });

  test('comments and blank lines wherever they go (ranges follow yaml’s CST rules)', () => {
    assertFast('# head\n---\na: 1 # c\n\n   # more indented joins the value\nb:\n  c: 1\n  # at c\n# at 0\nd: 2\n\n# tail\n');
    assertFast('a:\n  b: 1\n    # deeper\n  # same\n\n # between\nc: 2\n');
    assertFast('a:\n  - x\n    # deeper\n  # same\n - y\n'.replace(' - y\n', ''));
    assertFast('a:   # empty with comment\nb:\n\n\nc:\n  # indented comment\nd:\n');
    assertFast('- # empty item with comment\n-\n\n- x\n# c\n-\n  # c\n');
    assertFast('a:\n  b:\n# c\nc: 1\n');
    assertFast('a:\n  b: |\n    text\n   # less indented\n  c: 1\n  # trailing\n');
    assertFast('--- # doc comment\n\n# before\na: 1\n');
    assertFast('a:\n  b: x\n    # c\n');
  });

  test('CRLF line breaks and a missing final line break', () => {
    assertFast('a: 1\r\nb:\r\n  - x # c\r\n  # d\r\nc: |\r\n  t\r\n\r\nd: "e\r\n  f"\r\n');
    assertFast('a: 1');
    assertFast('a:');
    assertFast('- x\n-');
  });

  test('what embeddedString needs: the scalars’ source tokens map CEL back to the source', () => {
    const text = 'spec:\n  validations:\n  - expression: "object.spec.replicas <= 5"\n  - expression: >-\n      object.a &&\n      object.b\n  - expression: \'has(object.x) \'\' \'\n';
    const fast = checked(text)!;
    const yaml = parseDocument(text, PARSE_OPTIONS);
    const exprs = (doc: typeof fast) =>
      ((doc.getIn(['spec', 'validations']) as { items: unknown[] }).items).map((v) => (isMap(v) ? (v.get('expression', true) as Scalar) : undefined)!);
    const a = exprs(fast);
    const b = exprs(yaml);
    assert.equal(a.length, 3);
    for (let i = 0; i < a.length; i++) {
      const ea = embeddedString(a[i], text)!;
      const eb = embeddedString(b[i], text)!;
      assert.equal(ea.value, eb.value);
      for (let k = 0; k <= ea.value.length; k++) assert.equal(ea.toSource(k), eb.toSource(k), `expression ${i}, char ${k}`);
    }
  });

  test('a Document like parseDocument’s: toJS, get, getIn, errors, directives', () => {
    const text = '---\napiVersion: v1\nkind: List\nitems:\n- a: 1\n  b: [x]\n';
    const fast = checked(text)!;
    assert.deepEqual(fast.toJS(), parseDocument(text).toJS());
    assert.equal(fast.get('kind'), 'List');
    assert.equal(fast.getIn(['items', 0, 'b', 0]), 'x');
    assert.deepEqual(fast.errors, []);
    assert.deepEqual(fast.warnings, []);
    assert.equal(fast.directives.docStart, true);
    assert.ok(isScalar(fast.get('kind', true)));
  });
});

describe('yamlFastPath: everything else falls back to yaml', () => {
  test('constructs outside the subset', () => {
    for (const text of [
      'a: &x 1\nb: *x\n', // anchors, aliases
      'a: !!str 1\n', // tags
      '? a\n: b\n', // explicit keys
      '%YAML 1.2\n---\na: 1\n', // directives
      'a: 1\n...\n', // document end
      'a: {b: {c: 1}}\n', // nested flow collections
      'a: {b: [c]}\n',
      'a: {b}\n', // flow mapping entries without a value
      'a: {b: }\n',
      'a: {"b":c}\n',
      'a:\n  |\n  x\n', // a block scalar header on a line of its own
      'a: [x,\n  y]\n', // multi-line flow
      'a: [[x]]\n', // nested flow
      'a: [x, ]\n', // trailing comma
      'a: [x: y]\n', // pairs in flow sequences
      'a:\n\t- x\n', // tabs
      'a: b\tc\n',
      '\uFEFFa: 1\n', // byte-order mark
      'a: \u0001\n', // control characters
      'a: 1\rb: 2\n', // a lone CR
      '- - x\n', // nested compact sequences
      'a : 1\n', // space before the colon
      '--- a\n', // content on the marker line
      '--- |\n  x\n',
      'just a scalar\n', // a root scalar
      '"quoted root"\n',
      '[a]\n', // a root flow collection
      '', // empty
      '# only a comment\n',
      '---\n',
    ]) {
      assertFallback(text);
    }
  });

  test('anything yaml reports as an error or a warning', () => {
    for (const text of [
      'a: 1\na: 2\n', // duplicate keys
      'a: 1\n"a": 2\n',
      'a: b: c\n', // nested mapping on one line
      'a: - b\n', // sequence on the key's line
      'a: 1\n b: 2\n', // bad indentation
      'a:\n  b: 1\n c: 2\n',
      'a:\n- x\n b: 1\n',
      'a: "unterminated\n',
      "a: 'unterminated\n",
      'a: "x" y\n', // content after a quoted scalar
      'a: [x] y\n',
      'a: "bad \\q escape"\n',
      'a: "split\nquoted"\n', // a continuation line not indented
      'a: |x\n  y\n', // bad block scalar header
      'a: |\n    x\n  y\n', // less indented block scalar line
      'a: |\n\n     \n  x\n', // more-indented leading empty lines
      'a: plain\n  b: 1\n', // a multi-line implicit key
      '"multi\n line": 1\n',
      'a: 1\nb\n', // a key without a colon
      'a: 1\n- x\n', // a sequence after a mapping
      'a: 1\n---\nb: 2\n', // two documents
      'a: @x\n', // reserved indicators
      'a: `x\n',
      'a: %x\n',
      'a: ,x\n',
      'a: }\n',
      'a: {b: 1, b: 2}\n',
      'a:\n#c\n  x\n   more\nb: 1\n', // the lowered continuation indent makes `b` part of the scalar
    ]) {
      assert.ok(parseDocument(text, PARSE_OPTIONS).errors.length > 0 || parseDocument(text, PARSE_OPTIONS).warnings.length > 0 || text.includes('---\nb'), `not a yaml error: ${JSON.stringify(text)}`);
      assertFallback(text);
    }
  });

  test('very deep nesting (yaml reports RESOURCE_EXHAUSTION there)', () => {
    let deep = '';
    for (let i = 0; i < 300; i++) deep += ' '.repeat(i) + `k${i}:\n`;
    assertFallback(deep + ' '.repeat(300) + 'x: 1\n');
    let ok = '';
    for (let i = 0; i < 100; i++) ok += ' '.repeat(i) + `k${i}:\n`;
    assertFast(ok + ' '.repeat(100) + 'x: 1\n');
  });

  test('junk, binary and huge input bail at once, never throw', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 50; round++) {
      let s = '';
      for (let i = 0; i < 2000; i++) s += String.fromCharCode(Math.floor(rand() * 0xffff));
      assert.doesNotThrow(() => fastParseDocumentStrict(s));
      assert.equal(fastParseDocument(s), undefined);
    }
    // Printable junk: no control characters to stop it up front, so the reader itself gives up.
    const printable = ' abc:-#"\'[]{}|>&*!%@,?\n';
    for (let round = 0; round < 200; round++) {
      let s = '';
      for (let i = 0; i < 300; i++) s += printable[Math.floor(rand() * printable.length)];
      assert.doesNotThrow(() => checked(s));
    }
  });

  test('a 450 KB document is read by the fast path; one that turns unusual at its very end, or junk, is left to yaml', () => {
    // What each costs is measured by the benchmark (bench/profile.mjs), not here: timings in a
    // test run in parallel with others only measure the machine's load.
    const policy = (i: number) => `  - name: item-${i}\n    expression: "object.spec.replicas <= ${i}"\n    values: [a, "b"]\n    note: |\n      text ${i}\n`;
    const body = 'spec:\n  items:\n' + Array.from({ length: 4_000 }, (_, i) => policy(i)).join('');
    assert.ok(body.length > 400_000, `${body.length} characters`);
    assertFast(body);
    assertFallback(body + 'tail: &anchor x\n');
    assert.equal(fastParseDocument(body.replace(/e/g, '\u0000')), undefined);
  });
});

describe('yamlFastPath: differential on the corpus, examples, fixtures and bench files', () => {
  test('every document either falls back or is identical to yaml’s', async (t) => {
    const files = [
      ...yamlFilesUnder(CORPUS_ROOT),
      ...yamlFilesUnder(path.join(REPO_ROOT, 'examples')),
      ...yamlFilesUnder(path.join(REPO_ROOT, 'test')),
    ];
    const sources = files.map((f) => ({ name: path.relative(REPO_ROOT, f), text: fs.readFileSync(f, 'utf8') }));
    const { generate } = await import(pathToFileURL(path.join(REPO_ROOT, 'bench/generate.mjs')).href);
    for (const n of [10, 100]) sources.push({ name: `bench policies-${n}`, text: generate(n).text as string });
    let total = 0;
    let fast = 0;
    const fellBack: string[] = [];
    for (const { name, text } of sources) {
      for (const chunk of splitDocuments(text)) {
        total++;
        if (checked(chunk.text, `${name} @${chunk.start}`)) fast++;
        else fellBack.push(`${name} @${chunk.start}`);
      }
    }
    t.diagnostic(`fast path: ${fast} of ${total} documents (${((100 * fast) / total).toFixed(1)}%) in ${sources.length} files`);
    t.diagnostic(`fell back: ${fellBack.join(', ')}`);
    assert.ok(total > 100);
    // The common shape must stay on the fast path (a regression that bails everywhere fails here).
    assert.ok(fast / total > 0.9, `only ${fast} of ${total} documents on the fast path`);
  });

  test('parseChunk takes the fast path for the benchmark’s policies', async () => {
    const { generate } = await import(pathToFileURL(path.join(REPO_ROOT, 'bench/generate.mjs')).href);
    for (const chunk of splitDocuments(generate(10).text)) {
      if (!chunk.text.includes('kind:')) continue;
      assert.ok(fastParseDocument(chunk.text), `bench document @${chunk.start}`);
      const input = parseChunk(chunk);
      assert.equal(input.kind, 'ValidatingAdmissionPolicy');
      assert.deepEqual(snapshot(input.doc), snapshot(parseDocument(chunk.text, PARSE_OPTIONS)));
    }
  });
});
