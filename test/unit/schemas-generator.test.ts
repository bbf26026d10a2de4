import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const input = path.join(repoRoot, '..', 'shared', 'k8s-openapi');
const committed = path.join(repoRoot, 'schemas', 'k8s');

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

// Regenerating takes about half a second; it proves the generator is deterministic and that the
// committed bundle is what the generator makes of the reference documents (nobody hand-edited it).
test('the generator reproduces the committed schemas/k8s byte for byte', { skip: !fs.existsSync(input) && 'no ../shared/k8s-openapi' }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kcg-schemas-'));
  try {
    const log = execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'generate-schemas.mjs'), input, '--out', out], { encoding: 'utf8' });
    assert.match(log, /\d+ files, .* distinct variants over 6 versions/);
    const files = listFiles(out);
    assert.deepEqual(files, listFiles(committed));
    assert.ok(files.includes('1.35.json') && files.includes(path.join('defs', 'io.k8s.api.core.v1.json')));
    for (const f of files) {
      assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(committed, f))), `${f} differs from the committed bundle`);
    }
    let total = 0;
    for (const f of files) total += fs.statSync(path.join(out, f)).size;
    assert.ok(total < 12 * 1024 * 1024, `bundle is ${total} bytes`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
