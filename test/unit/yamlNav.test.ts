import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, isScalar, isMap, isSeq, type Scalar } from 'yaml';
import {
  getIn,
  mapPairs,
  seqItems,
  scalarString,
  scalarValue,
  nodeRange,
  nodeAtOffset,
  toPlain,
} from '../../server/src/engine/yamlNav.js';

const VAP = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: demo
spec:
  failurePolicy: Fail
  validations:
    - expression: "object.spec.replicas <= 5"
      message: too many
    - expression: |
        has(object.spec.x)
  matchConditions: []
  1: numeric key
  ? [complex, key]
  : ignored
`;

function parse(text: string) {
  return parseDocument(text, { keepSourceTokens: true });
}

test('getIn follows map keys and sequence indexes, from a Document or a node', () => {
  const doc = parse(VAP);
  assert.equal(scalarString(getIn(doc, ['spec', 'validations', 0, 'expression'])), 'object.spec.replicas <= 5');
  assert.equal(scalarString(getIn(doc.contents, ['metadata', 'name'])), 'demo');
  const validations = getIn(doc, ['spec', 'validations']);
  assert.equal(scalarString(getIn(validations, [1, 'expression'])), 'has(object.spec.x)\n');
  assert.equal(scalarString(getIn(doc, ['spec', '1'])), 'numeric key');
});

test('getIn answers undefined for missing steps and wrong kinds', () => {
  const doc = parse(VAP);
  assert.equal(getIn(doc, ['spec', 'nope']), undefined);
  assert.equal(getIn(doc, ['spec', 'validations', 5]), undefined);
  assert.equal(getIn(doc, ['spec', 'validations', 'expression']), undefined); // string on a seq
  assert.equal(getIn(doc, ['spec', 0]), undefined); // number on a map
  assert.equal(getIn(doc, ['kind', 'x']), undefined); // through a scalar
  assert.equal(getIn(doc, ['spec', 'validations', -1]), undefined);
  // `a:` has an (empty) null Scalar as value: a node, not a missing step.
  assert.equal(scalarValue(getIn(parse('a:\n'), ['a'])), null);
  assert.equal(getIn(parse('a:\n'), ['a', 'b']), undefined);
  assert.equal(getIn(undefined, ['a']), undefined);
  assert.equal(getIn(null, []), undefined);
});

test('mapPairs lists scalar keys in order, skipping a complex key', () => {
  const doc = parse(VAP);
  const spec = getIn(doc, ['spec']);
  const pairs = mapPairs(spec);
  assert.deepEqual(pairs.map((p) => p.key), ['failurePolicy', 'validations', 'matchConditions', '1']);
  assert.equal(pairs[0].keyNode.range![0], VAP.indexOf('failurePolicy'));
  assert.equal(scalarString(pairs[0].value), 'Fail');
  assert.ok(isSeq(pairs[2].value));
  assert.deepEqual(mapPairs(getIn(doc, ['spec', 'validations'])), []);
  assert.deepEqual(mapPairs('x'), []);
});

test('seqItems, scalarString and scalarValue', () => {
  const doc = parse('s: [a, 1, true, null, "2"]\nm: {}\n');
  const items = seqItems(getIn(doc, ['s']));
  assert.equal(items.length, 5);
  assert.deepEqual(items.map(scalarString), ['a', undefined, undefined, undefined, '2']);
  assert.deepEqual(items.map(scalarValue), ['a', 1, true, null, '2']);
  assert.deepEqual(seqItems(getIn(doc, ['m'])), []);
  assert.equal(scalarValue(getIn(doc, ['m'])), undefined);
  assert.equal(scalarString(undefined), undefined);
});

test('nodeRange gives node offsets; a Pair spans key start to value end', () => {
  const text = 'a: hello\nb: [1, 2]\n';
  const doc = parse(text);
  assert.deepEqual(nodeRange(getIn(doc, ['a'])), { start: 3, end: 8 });
  assert.deepEqual(nodeRange(getIn(doc, ['b'])), { start: 12, end: 18 });
  const pair = mapPairs(doc.contents)[1].pair;
  assert.deepEqual(nodeRange(pair), { start: 9, end: 18 });
  assert.equal(nodeRange({}), undefined);
  assert.equal(nodeRange(undefined), undefined);
});

test('nodeAtOffset: on a value inside a sequence item', () => {
  const doc = parse(VAP);
  const off = VAP.indexOf('replicas');
  const { path, nodes } = nodeAtOffset(doc, off);
  assert.deepEqual(path, ['spec', 'validations', 0, 'expression']);
  const last = nodes[nodes.length - 1] as Scalar;
  assert.equal(last.value, 'object.spec.replicas <= 5');
  assert.equal(nodes.length, 5); // root map, spec map, seq, item map, the scalar
  assert.ok(isMap(nodes[0]) && isMap(nodes[1]) && isSeq(nodes[2]) && isMap(nodes[3]));
});

test('nodeAtOffset: on a key, the last node is the key scalar', () => {
  const doc = parse(VAP);
  const off = VAP.indexOf('message') + 3;
  const { path, nodes } = nodeAtOffset(doc, off);
  assert.deepEqual(path, ['spec', 'validations', 0, 'message']);
  const last = nodes[nodes.length - 1];
  assert.ok(isScalar(last));
  assert.equal(last.value, 'message');
  assert.equal(last.range![0], VAP.indexOf('message'));
});

test('nodeAtOffset: the first character of the next key is not claimed by the previous block', () => {
  const text = 'a:\n  x: 1\nb: 2\n';
  const doc = parse(text);
  const { path } = nodeAtOffset(doc, text.indexOf('b'));
  assert.deepEqual(path, ['b']);
  // Just after a word still hits it.
  assert.deepEqual(nodeAtOffset(doc, text.indexOf('1') + 1).path, ['a', 'x']);
});

test('nodeAtOffset: after `key: ` with the value not typed yet, the path ends with the key', () => {
  const text = 'spec:\n  failurePolicy: \n  other: 1\n';
  const doc = parse(text);
  const { path } = nodeAtOffset(doc, text.indexOf('failurePolicy: ') + 'failurePolicy: '.length);
  assert.deepEqual(path, ['spec', 'failurePolicy']);
});

test('nodeAtOffset: flow collections and outside the root', () => {
  const text = 'k: {a: [x, {b: yes}]}\n\n\n';
  const doc = parse(text);
  assert.deepEqual(nodeAtOffset(doc, text.indexOf('yes')).path, ['k', 'a', 1, 'b']);
  assert.deepEqual(nodeAtOffset(doc, text.length), { path: [], nodes: [] });
  assert.deepEqual(nodeAtOffset(parse(''), 0), { path: [], nodes: [] });
});

test('toPlain: plain values, aliases resolved with the document, never throws', () => {
  const doc = parse('a: &x {p: 1}\nb: *x\nc: [1, two]\n');
  assert.deepEqual(toPlain(doc), { a: { p: 1 }, b: { p: 1 }, c: [1, 'two'] });
  assert.deepEqual(toPlain(getIn(doc, ['c'])), [1, 'two']);
  assert.deepEqual(toPlain(getIn(doc, ['b']), doc), { p: 1 });
  const broken = parse('a: *nope\nb: 1\n');
  assert.deepEqual(toPlain(broken), { a: { source: 'nope' }, b: 1 });
  assert.equal(toPlain(undefined), undefined);
  assert.equal(toPlain(null), undefined);
  // An alias bomb is refused by yaml's alias limit: no exception, no hang.
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) bomb.push(`${'bcdefghij'[i - 1]}: &${'bcdefghij'[i - 1]} [${Array(9).fill('*' + 'abcdefghij'[i - 1]).join(',')}]`);
  const bombDoc = parse(bomb.join('\n') + '\n');
  const t0 = Date.now();
  const plain = toPlain(bombDoc) as Record<string, unknown[]>;
  assert.ok(Date.now() - t0 < 2000);
  // Refused expansion falls back to unresolved aliases, as node.toJSON() shows them.
  assert.deepEqual(plain.b[0], { source: 'a' });
  assert.equal(plain.a.length, 9);
});
