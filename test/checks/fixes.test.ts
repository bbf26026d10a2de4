import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  appendSeqItem,
  applyEdits,
  insertMapEntry,
  insertMapEntryBefore,
  isSafePlain,
  mergeEdits,
  removeMapEntry,
  removeSeqItem,
  replaceScalar,
  scalarSourceLike,
} from '../../server/src/checks/fixes.js';

function parse(text: string) {
  const doc = parseDocument(text, { keepSourceTokens: true });
  assert.deepEqual(doc.errors, []);
  return doc;
}

const mapAt = (doc: ReturnType<typeof parse>, path: (string | number)[]) => doc.getIn(path, true) as YAMLMap;
const seqAt = (doc: ReturnType<typeof parse>, path: (string | number)[]) => doc.getIn(path, true) as YAMLSeq;
const pairOf = (map: YAMLMap, key: string) => map.items.find((p) => (p.key as { value?: unknown }).value === key) as Pair;

/** The edited text must still be YAML with the expected data. */
function assertYaml(text: string, data: unknown) {
  const doc = parseDocument(text);
  assert.deepEqual(doc.errors, [], text);
  assert.deepEqual(doc.toJS(), data);
}

describe('insertMapEntry', () => {
  test('block map: a new line after the anchor with the siblings\' indentation, after its trailing comment', () => {
    const text = 'm:\n  - name: a   # first\n    readOnly: true  # ro\n    other: 1\n';
    const doc = parse(text);
    const map = mapAt(doc, ['m', 0]);
    const out = applyEdits(text, insertMapEntry(text, map, 'rro', 'Enabled', pairOf(map, 'readOnly')));
    assert.equal(out, 'm:\n  - name: a   # first\n    readOnly: true  # ro\n    rro: Enabled\n    other: 1\n');
  });

  test('block map: after the first entry of a `- ` item, and at the end of a file without a final newline', () => {
    const text = 'm:\n  - name: a\n    x: 1';
    const doc = parse(text);
    const map = mapAt(doc, ['m', 0]);
    assert.equal(applyEdits(text, insertMapEntry(text, map, 'k', 'v', pairOf(map, 'name'))), 'm:\n  - name: a\n    k: v\n    x: 1');
    assert.equal(applyEdits(text, insertMapEntry(text, map, 'k', 'v')), 'm:\n  - name: a\n    x: 1\n    k: v');
  });

  test('block map: after an entry whose value is a nested block map; a multi-line value is indented under its key', () => {
    const text = 'a:\n  b:\n    c: 1\n  d: 2\n';
    const doc = parse(text);
    const map = mapAt(doc, ['a']);
    const out = applyEdits(text, insertMapEntry(text, map, 'n', '\nx: 1\ny: 2', pairOf(map, 'b')));
    assert.equal(out, 'a:\n  b:\n    c: 1\n  n:\n    x: 1\n    y: 2\n  d: 2\n');
    assertYaml(out, { a: { b: { c: 1 }, n: { x: 1, y: 2 }, d: 2 } });
  });

  test('flow map: `, key: value` after the anchor; an empty flow map is filled', () => {
    const text = 'm: {a: 1, b: 2}\ne: {}\n';
    const doc = parse(text);
    const map = mapAt(doc, ['m']);
    assert.equal(applyEdits(text, insertMapEntry(text, map, 'k', 'v', pairOf(map, 'a'))), 'm: {a: 1, k: v, b: 2}\ne: {}\n');
    assert.equal(applyEdits(text, insertMapEntry(text, mapAt(doc, ['e']), 'k', 'v')), 'm: {a: 1, b: 2}\ne: { k: v }\n');
  });

  test('CRLF files get CRLF lines', () => {
    const text = 'm:\r\n  a: 1\r\n  b: 2\r\n';
    const map = mapAt(parse(text), ['m']);
    assert.equal(applyEdits(text, insertMapEntry(text, map, 'k', 'v', pairOf(map, 'a'))), 'm:\r\n  a: 1\r\n  k: v\r\n  b: 2\r\n');
    assert.equal(applyEdits(text, removeMapEntry(text, map, pairOf(map, 'a'))), 'm:\r\n  b: 2\r\n');
  });

  test('not a map: no edits', () => {
    const text = 'a: [1]\n';
    assert.deepEqual(insertMapEntry(text, parse(text).get('a', true) as unknown as YAMLMap, 'k', 'v'), []);
  });
});

describe('insertMapEntryBefore', () => {
  test('on its own line above the entry, or after the dash when the entry opens a `- ` item', () => {
    const text = 'l:\n  - a: 1\n    b: 2\n';
    const doc = parse(text);
    const map = mapAt(doc, ['l', 0]);
    assert.equal(applyEdits(text, insertMapEntryBefore(text, map, 'k', 'v', pairOf(map, 'b'))), 'l:\n  - a: 1\n    k: v\n    b: 2\n');
    const first = applyEdits(text, insertMapEntryBefore(text, map, 'k', 'v', pairOf(map, 'a')));
    assert.equal(first, 'l:\n  - k: v\n    a: 1\n    b: 2\n');
    assertYaml(first, { l: [{ k: 'v', a: 1, b: 2 }] });
  });
});

describe('removeMapEntry', () => {
  test('block: the whole line with its comment; a multi-line value goes with it', () => {
    const text = 'a: 1\nb:  # note\n  c: 2\nd: 3\n';
    const doc = parse(text);
    const root = doc.contents as YAMLMap;
    assert.equal(applyEdits(text, removeMapEntry(text, root, pairOf(root, 'a'))), 'b:  # note\n  c: 2\nd: 3\n');
    assert.equal(applyEdits(text, removeMapEntry(text, root, pairOf(root, 'b'))), 'a: 1\nd: 3\n');
    assert.equal(applyEdits(text, removeMapEntry(text, root, pairOf(root, 'd'))), 'a: 1\nb:  # note\n  c: 2\n');
  });

  test('the first entry of a `- ` item: the dash stays and the next entry moves up', () => {
    const text = 'l:\n  - a: 1\n    b: 2\n';
    const doc = parse(text);
    const map = mapAt(doc, ['l', 0]);
    const out = applyEdits(text, removeMapEntry(text, map, pairOf(map, 'a')));
    assert.equal(out, 'l:\n  - b: 2\n');
  });

  test('flow: the entry and one comma', () => {
    const text = 'm: {a: 1, b: 2, c: 3}\n';
    const doc = parse(text);
    const map = mapAt(doc, ['m']);
    assert.equal(applyEdits(text, removeMapEntry(text, map, pairOf(map, 'a'))), 'm: {b: 2, c: 3}\n');
    assert.equal(applyEdits(text, removeMapEntry(text, map, pairOf(map, 'c'))), 'm: {a: 1, b: 2}\n');
  });
});

describe('removeSeqItem', () => {
  test('block: the `- item` line with its comment; a map item with all its lines', () => {
    const text = 'l:\n  - a      # one\n  - name: x\n    value: y\n  - c\n';
    const doc = parse(text);
    const seq = seqAt(doc, ['l']);
    assert.equal(applyEdits(text, removeSeqItem(text, seq, 0)), 'l:\n  - name: x\n    value: y\n  - c\n');
    assert.equal(applyEdits(text, removeSeqItem(text, seq, 1)), 'l:\n  - a      # one\n  - c\n');
    assert.equal(applyEdits(text, removeSeqItem(text, seq, 2)), 'l:\n  - a      # one\n  - name: x\n    value: y\n');
  });

  test('two neighbours removed by one fix do not overlap (block and flow)', () => {
    const block = 'l:\n  - a\n  - b\n  - c\n';
    const seq = seqAt(parse(block), ['l']);
    const edits = mergeEdits([...removeSeqItem(block, seq, 1), ...removeSeqItem(block, seq, 2)]);
    assert.equal(applyEdits(block, edits), 'l:\n  - a\n');
    const flow = 'l: [a, b, "c"]\n';
    const fseq = seqAt(parse(flow), ['l']);
    assert.equal(applyEdits(flow, removeSeqItem(flow, fseq, 1)), 'l: [a, "c"]\n');
    assert.equal(applyEdits(flow, removeSeqItem(flow, fseq, 2)), 'l: [a, b]\n');
    const both = mergeEdits([...removeSeqItem(flow, fseq, 0), ...removeSeqItem(flow, fseq, 1)]);
    assert.equal(applyEdits(flow, both), 'l: ["c"]\n');
  });

  test('out of range: no edits', () => {
    const text = 'l: [a]\n';
    assert.deepEqual(removeSeqItem(text, seqAt(parse(text), ['l']), 3), []);
  });
});

describe('appendSeqItem', () => {
  test('block: a new `- ` line at the dash column; multi-line items indented under it', () => {
    const text = 'a:\n  l:\n    - x   # c\n  z: 1\n';
    const doc = parse(text);
    const seq = seqAt(doc, ['a', 'l']);
    assert.equal(applyEdits(text, appendSeqItem(text, seq, 'y')), 'a:\n  l:\n    - x   # c\n    - y\n  z: 1\n');
    const out = applyEdits(text, appendSeqItem(text, seq, 'name: n\nvalue: v'));
    assertYaml(out, { a: { l: ['x', { name: 'n', value: 'v' }], z: 1 } });
  });

  test('flow: `, item` after the last one; an empty flow sequence is filled', () => {
    const text = 'l: [a]\ne: []\n';
    const doc = parse(text);
    assert.equal(applyEdits(text, appendSeqItem(text, seqAt(doc, ['l']), 'b')), 'l: [a, b]\ne: []\n');
    assert.equal(applyEdits(text, appendSeqItem(text, seqAt(doc, ['e']), 'b')), 'l: [a]\ne: [b]\n');
  });
});

describe('replaceScalar and scalarSourceLike', () => {
  test('replaces the scalar as written, quotes included, keeping the original quoting style', () => {
    const text = 'a: "x"\nb: \'y\'\nc: z\n';
    const doc = parse(text);
    const a = doc.get('a', true);
    const b = doc.get('b', true);
    const c = doc.get('c', true);
    const out = applyEdits(text, [
      ...replaceScalar(a, scalarSourceLike(a, 'new "one"')),
      ...replaceScalar(b, scalarSourceLike(b, "it's")),
      ...replaceScalar(c, scalarSourceLike(c, 'true')),
    ]);
    assertYaml(out, { a: 'new "one"', b: "it's", c: 'true' });
    assert.equal(out, 'a: "new \\"one\\""\nb: \'it\'\'s\'\nc: "true"\n');
  });

  test('isSafePlain: flags stay plain, look-alikes of other types and flow indicators are quoted', () => {
    for (const s of ['--oidc-issuer-url=https://x', 'Enabled', '/etc/kubernetes/a.yaml', 'https://issuer.example.com#']) {
      assert.equal(isSafePlain(s), true, s);
    }
    for (const s of ['', 'true', 'No', '12', '1.5', 'a: b', 'x #y', '- x', '*a', 'Node,RBAC', ' pad']) {
      assert.equal(isSafePlain(s), false, s);
    }
  });
});
