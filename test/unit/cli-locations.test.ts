import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/features/locations.js';

describe('CLI line/column mapping (LineIndex)', () => {
  it('counts characters, not UTF-16 units or bytes', () => {
    const text = 'a: 😀é日 x\n';
    const lines = new LineIndex(text);
    assert.deepEqual(lines.locate(text.indexOf('x')), { line: 1, column: 8 });
  });

  it('knows all three YAML line breaks: \\n, \\r\\n and a lone \\r', () => {
    const text = 'a\r\nb\rc\nd';
    const lines = new LineIndex(text);
    assert.deepEqual(lines.locate(text.indexOf('b')), { line: 2, column: 1 });
    assert.deepEqual(lines.locate(text.indexOf('c')), { line: 3, column: 1 });
    assert.deepEqual(lines.locate(text.indexOf('d')), { line: 4, column: 1 });
    assert.equal(lines.lineText(0), 'a');
    assert.equal(lines.lineText(1), 'b');
  });

  it('puts an offset inside a \\r\\n at the end of its line, and clamps offsets past the text', () => {
    const text = 'ab\r\ncd';
    const lines = new LineIndex(text);
    assert.deepEqual(lines.locate(3), { line: 1, column: 3 });
    assert.deepEqual(lines.locate(text.length + 10), { line: 2, column: 3 });
    assert.deepEqual(lines.locate(-1), { line: 1, column: 1 });
  });

  it('maps the end of a file that ends with a line break to the empty last line', () => {
    const text = 'a: [\n';
    assert.deepEqual(new LineIndex(text).locate(text.length), { line: 2, column: 1 });
  });
});
