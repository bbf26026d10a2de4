import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isScalar } from 'yaml';
import { splitDocuments, parseChunk, type DocumentChunk } from '../../server/src/engine/documents.js';

/** Chunks as [start, text] pairs, and a check that they tile the file exactly. */
function split(text: string): Array<[number, string]> {
  const chunks = splitDocuments(text);
  let at = 0;
  for (const c of chunks) {
    assert.equal(c.start, at, 'chunks must be contiguous');
    assert.equal(text.slice(c.start, c.start + c.text.length), c.text);
    at += c.text.length;
  }
  assert.equal(at, text.length, 'chunks must cover the whole file');
  return chunks.map((c) => [c.start, c.text]);
}

describe('splitDocuments', () => {
  test('empty file: one empty chunk', () => {
    assert.deepEqual(split(''), [[0, '']]);
  });

  test('a file with only comments is one chunk', () => {
    assert.deepEqual(split('# just\n# comments\n'), [[0, '# just\n# comments\n']]);
  });

  test('leading comments and directives stay with the first document', () => {
    const text = '# header\n\n%YAML 1.2\n---\na: 1\n---\nb: 2\n';
    assert.deepEqual(split(text), [
      [0, '# header\n\n%YAML 1.2\n---\na: 1\n'],
      [29, '---\nb: 2\n'],
    ]);
  });

  test('comments between documents belong to the document that follows', () => {
    const text = 'a: 1\n# about b\n---\nb: 2\n';
    assert.deepEqual(split(text), [
      [0, 'a: 1\n# about b\n'],
      [15, '---\nb: 2\n'],
    ]);
    const afterEnd = 'a: 1\n...\n# about b\n---\nb: 2\n';
    assert.deepEqual(split(afterEnd), [
      [0, 'a: 1\n...\n'],
      [9, '# about b\n---\nb: 2\n'],
    ]);
  });

  test('`---` with content on the same line opens a document', () => {
    const text = 'a: 1\n--- |\n  text\n--- !!map\nb: 2\n';
    assert.deepEqual(split(text), [
      [0, 'a: 1\n'],
      [5, '--- |\n  text\n'],
      [18, '--- !!map\nb: 2\n'],
    ]);
  });

  test('`...` ends a document; what follows starts the next one', () => {
    const text = 'a: 1\n...\nb: 2\n... # end\n';
    assert.deepEqual(split(text), [
      [0, 'a: 1\n...\n'],
      [9, 'b: 2\n... # end\n'],
    ]);
  });

  test('`----`, `---x`, indented `---` and `...` inside a line are not markers', () => {
    const text = '----\n---x: 1\n  ---\nk: a...\nz: "--- b"\n';
    assert.deepEqual(split(text), [[0, text]]);
  });

  test('`--- ` at column 0 inside a block scalar IS a marker (YAML 1.2 forbids it in content)', () => {
    const text = 'script: |\n  echo\n--- \n  more\n';
    assert.deepEqual(split(text), [
      [0, 'script: |\n  echo\n'],
      [17, '--- \n  more\n'],
    ]);
  });

  test('a marker at the very end of the file', () => {
    assert.deepEqual(split('a: 1\n---'), [[0, 'a: 1\n'], [5, '---']]);
    assert.deepEqual(split('a: 1\n...'), [[0, 'a: 1\n...']]);
  });

  test('CRLF and lone CR line breaks', () => {
    const crlf = 'a: 1\r\n---\r\nb: 2\r\n...\r\nc: 3\r\n';
    assert.deepEqual(split(crlf), [
      [0, 'a: 1\r\n'],
      [6, '---\r\nb: 2\r\n...\r\n'],
      [22, 'c: 3\r\n'],
    ]);
    const cr = 'a: 1\r---\rb: 2\r...\rc\r';
    assert.deepEqual(split(cr), [
      [0, 'a: 1\r'],
      [5, '---\rb: 2\r...\r'],
      [18, 'c\r'],
    ]);
  });

  test('U+2028 is not a YAML line break: a following `---` is content', () => {
    const text = 'x: "a\u2028--- b"\n';
    assert.deepEqual(split(text), [[0, text]]);
  });

  test('a byte-order mark before the first marker stays with it', () => {
    const text = '\uFEFF# c\n---\na: 1\n';
    assert.deepEqual(split(text), [[0, text]]);
  });

  test('splitting a large stream is linear (1000 documents)', () => {
    const one = '---\napiVersion: v1\nkind: ConfigMap\n# note\ndata:\n  k: v\n';
    const text = one.repeat(1000);
    const t0 = performance.now();
    const chunks = splitDocuments(text);
    assert.equal(chunks.length, 1000);
    assert.equal(chunks[999].start, one.length * 999);
    assert.ok(performance.now() - t0 < 1000);
  });
});

describe('parseChunk', () => {
  const FILE = 'kind: First\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nspec:\n  x: "abc"\n';

  test('apiVersion and kind are read from the top-level map', () => {
    const [first, second] = splitDocuments(FILE).map(parseChunk);
    assert.equal(first.apiVersion, undefined);
    assert.equal(first.kind, 'First');
    assert.equal(second.apiVersion, 'admissionregistration.k8s.io/v1');
    assert.equal(second.kind, 'ValidatingAdmissionPolicy');
    assert.equal(second.offset, FILE.indexOf('---'));
    assert.equal(second.text, FILE.slice(FILE.indexOf('---')));
  });

  test('node ranges are relative to the chunk text; adding offset gives the file position', () => {
    const chunk = splitDocuments(FILE)[1];
    const input = parseChunk(chunk);
    const x = input.doc.getIn(['spec', 'x'], true);
    assert.ok(isScalar(x));
    const [start, end] = x.range!;
    assert.equal(input.text.slice(start, end), '"abc"');
    assert.equal(FILE.slice(input.offset + start, input.offset + end), '"abc"');
    assert.ok(x.srcToken, 'source tokens are kept (embeddedString needs them)');
  });

  test('non-string or missing apiVersion/kind give undefined; non-map documents are fine', () => {
    const cases: Array<[string, string | undefined, string | undefined]> = [
      ['apiVersion: 1\nkind: [a]\n', undefined, undefined],
      ['- a\n- b\n', undefined, undefined],
      ['just a scalar\n', undefined, undefined],
      ['', undefined, undefined],
      ['kind: "Pod"\napiVersion: \'v1\'\n', 'v1', 'Pod'],
    ];
    for (const [text, apiVersion, kind] of cases) {
      const input = parseChunk({ start: 0, text });
      assert.equal(input.apiVersion, apiVersion, text);
      assert.equal(input.kind, kind, text);
    }
  });

  test('syntax errors are reported with positions inside the chunk, never thrown', () => {
    const text = 'a: 1\n---\nkind: Pod\nb: [1, 2\nc: 3\n';
    const chunk: DocumentChunk = splitDocuments(text)[1];
    const input = parseChunk(chunk);
    assert.equal(input.kind, 'Pod');
    assert.ok(input.doc.errors.length > 0);
    for (const err of input.doc.errors) {
      assert.ok(err.pos[0] >= 0 && err.pos[1] <= chunk.text.length, `${err.pos}`);
    }
  });

  test('binary junk parses without throwing', () => {
    const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 0xffff)).join('');
    for (const chunk of splitDocuments(junk)) assert.doesNotThrow(() => parseChunk(chunk));
  });
});
