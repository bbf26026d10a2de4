import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/engine/lineIndex.js';
import { TextDocument } from 'vscode-languageserver-textdocument';

test('LF text: positions, offsets and line texts', () => {
  const idx = new LineIndex('ab\ncd\n\nef');
  assert.equal(idx.lineCount, 4);
  assert.deepEqual(idx.positionAt(0), { line: 0, character: 0 });
  assert.deepEqual(idx.positionAt(2), { line: 0, character: 2 });
  assert.deepEqual(idx.positionAt(3), { line: 1, character: 0 });
  assert.deepEqual(idx.positionAt(6), { line: 2, character: 0 });
  assert.deepEqual(idx.positionAt(9), { line: 3, character: 2 });
  assert.equal(idx.offsetAt({ line: 1, character: 1 }), 4);
  assert.equal(idx.offsetAt({ line: 3, character: 0 }), 7);
  assert.deepEqual([0, 1, 2, 3].map((l) => idx.lineText(l)), ['ab', 'cd', '', 'ef']);
});

test('CRLF and lone CR are line breaks; an offset inside CRLF is the end of its line', () => {
  const idx = new LineIndex('a\r\nbc\rd\r\n');
  assert.equal(idx.lineCount, 4);
  assert.deepEqual([0, 1, 2, 3].map((l) => idx.lineText(l)), ['a', 'bc', 'd', '']);
  assert.deepEqual(idx.positionAt(1), { line: 0, character: 1 });
  assert.deepEqual(idx.positionAt(2), { line: 0, character: 1 });
  assert.deepEqual(idx.positionAt(3), { line: 1, character: 0 });
  assert.deepEqual(idx.positionAt(6), { line: 2, character: 0 });
  assert.deepEqual(idx.positionAt(9), { line: 3, character: 0 });
  assert.equal(idx.offsetAt({ line: 2, character: 0 }), 6);
  // Past the end of a line clamps before its break, as LSP clients do.
  assert.equal(idx.offsetAt({ line: 0, character: 50 }), 1);
});

test('out-of-range input clamps instead of throwing', () => {
  const idx = new LineIndex('ab\ncd');
  assert.deepEqual(idx.positionAt(-4), { line: 0, character: 0 });
  assert.deepEqual(idx.positionAt(999), { line: 1, character: 2 });
  assert.deepEqual(idx.positionAt(NaN), { line: 0, character: 0 });
  assert.equal(idx.offsetAt({ line: 9, character: 0 }), 5);
  assert.equal(idx.offsetAt({ line: -1, character: 3 }), 0);
  assert.equal(idx.offsetAt({ line: 1, character: -3 }), 3);
  assert.equal(idx.lineText(7), '');
});

test('empty text has one empty line', () => {
  const idx = new LineIndex('');
  assert.equal(idx.lineCount, 1);
  assert.deepEqual(idx.positionAt(0), { line: 0, character: 0 });
  assert.equal(idx.offsetAt({ line: 0, character: 3 }), 0);
  assert.equal(idx.lineText(0), '');
});

test('codePointColumn counts an astral character once', () => {
  const idx = new LineIndex('x\n😀a😀b\n');
  assert.equal(idx.codePointColumn(1, 0), 0);
  assert.equal(idx.codePointColumn(1, 2), 1); // after 😀
  assert.equal(idx.codePointColumn(1, 3), 2); // after 😀a
  assert.equal(idx.codePointColumn(1, 4), 2); // inside the second 😀: not yet passed
  assert.equal(idx.codePointColumn(1, 6), 4);
  assert.equal(idx.codePointColumn(1, 60), 4);
});

test('positionAt and offsetAt round-trip on every offset of a mixed text', () => {
  const text = 'apiVersion: v1\r\nkind: 😀\n\rspec:\n  a: "x"\n';
  const idx = new LineIndex(text);
  for (let o = 0; o <= text.length; o++) {
    const insideCrlf = text[o - 1] === '\r' && text[o] === '\n';
    const back = idx.offsetAt(idx.positionAt(o));
    assert.equal(back, insideCrlf ? o - 1 : o, `offset ${o}`);
  }
});

test('a 200k-line text indexes and answers fast', () => {
  const text = 'key: value\n'.repeat(200_000);
  const t0 = performance.now();
  const idx = new LineIndex(text);
  let sum = 0;
  for (let o = 0; o < text.length; o += 97) sum += idx.positionAt(o).line;
  assert.ok(sum > 0);
  assert.equal(idx.lineCount, 200_001);
  assert.deepEqual(idx.positionAt(text.length - 1), { line: 199_999, character: 10 });
  assert.ok(performance.now() - t0 < 2000);
});

test('positions agree with the LSP text document at every offset, with either way of finding line breaks', () => {
  const texts = [
    'a: 1\nb: 2\n',
    'no break',
    '\n\n\nx\n',
    'é😀\nline two\n\nlast',
    'crlf: 1\r\nnext\r\n\r\nend',
    'lone\rcr\nmixed\r\n',
    '',
  ];
  for (const text of texts) {
    const doc = TextDocument.create('file:///t.yaml', 'yaml', 1, text);
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      // Between the two units of a CRLF the index keeps the line's end (clients never get such offsets).
      if (text[offset - 1] === '\r' && text[offset] === '\n') continue;
      assert.deepEqual(index.positionAt(offset), doc.positionAt(offset), `${JSON.stringify(text)} at ${offset}`);
    }
  }
});
