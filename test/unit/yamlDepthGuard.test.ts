import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_NESTING, nestingBeyondLimit } from '../../server/src/engine/yamlDepthGuard.js';
import { analyzeText } from '../../server/src/engine/analyze.js';

const SHARED = path.resolve(import.meta.dirname, '../../../../shared');

describe('nesting guard', () => {
  test('finds the first token past the limit in flow, compact-sequence and explicit-key nesting', () => {
    const pad = '# padding to reach the size the guard looks at\n'.repeat(200);
    for (const [open, width] of [['[', 1], ['{a: ', 4], ['- ', 2], ['? ', 2]] as const) {
      const text = pad + open.repeat(MAX_NESTING + 10);
      const found = nestingBeyondLimit(text);
      assert.ok(found, open);
      assert.equal(found.offset, pad.length + MAX_NESTING * width, open);
      assert.equal(text[found.offset], open[0], open);
    }
  });

  test('closed flow collections do not add up, and a new document starts from zero', () => {
    const pad = '# padding\n'.repeat(1000);
    assert.equal(nestingBeyondLimit(pad + '[[]]\n'.repeat(MAX_NESTING * 2)), undefined);
    assert.equal(nestingBeyondLimit(pad + ('['.repeat(MAX_NESTING - 1) + '\n---\n').repeat(3)), undefined);
  });

  test('the real CRDs of the corpus are far from the limit', () => {
    const dir = path.join(SHARED, 'corpus');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f));
    assert.ok(files.length > 50, `${files.length} corpus files`);
    for (const f of files) assert.equal(nestingBeyondLimit(fs.readFileSync(path.join(dir, f), 'utf8')), undefined, f);
  });

  test('a deeply nested document gets one finding at that token instead of a parse', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  x: ' + '['.repeat(20_000) + '\n';
    const findings = analyzeText(text, { kubernetesVersion: '1.35' });
    assert.deepEqual(
      findings.map((f) => ({ code: f.code, at: f.start })),
      [{ code: 'KCG2001', at: text.indexOf('[') + MAX_NESTING }],
    );
  });
});
