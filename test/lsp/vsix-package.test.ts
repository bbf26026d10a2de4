import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './lspHarness.js';

// The VSIX ships the language server bundle; these run the packager the way `npm run package`
// does (after the build that precedes the tests) and check what would be installed.
const VSCE = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

function vsce(args: string[]) {
  return spawnSync(process.execPath, [VSCE, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, input: '' });
}

describe('the VS Code extension package', () => {
  it('is produced by the arguments of the `package` script', { timeout: 150_000 }, () => {
    const scriptArgs: string[] = pkg.scripts.package.split(/\bvsce\s+/)[1].trim().split(/\s+/);
    const out = mkdtempSync(join(tmpdir(), 'kcg-vsix-'));
    try {
      const target = join(out, 'test.vsix');
      const args = scriptArgs.map((a, i) => (scriptArgs[i - 1] === '-o' ? target : a));
      const run = vsce(args);
      assert.equal(run.status, 0, run.stderr + run.stdout);
      assert.ok(statSync(target).size > 100_000);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('contains the bundles, schemas, grammars and docs, and no sources, tests or node_modules', () => {
    const run = vsce(['ls', '--no-dependencies']);
    assert.equal(run.status, 0, run.stderr);
    const files = run.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const expected of ['package.json', 'README.md', 'LICENSE', 'dist/extension.cjs', 'dist/server.cjs', 'schemas/k8s/1.35.json']) {
      assert.ok(files.includes(expected), `${expected} is packaged`);
    }
    assert.ok(files.includes(pkg.main.replace(/^\.\//, '')), 'package.json main is packaged');
    assert.ok(files.some((f) => f.startsWith('syntaxes/')));
    const unwanted = files.filter((f) => /^(server|client|test|out|node_modules|examples|bench|scripts|bin)\//.test(f) || /\.(ts|map)$/.test(f));
    assert.deepEqual(unwanted, []);
  });
});
