import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.cwd();

test('README lists every finding code the checks register, as scripts/codes-table.mjs renders it', async () => {
  const { codesTable, withTable } = await import(pathToFileURL(path.join(root, 'scripts/codes-table.mjs')).href);
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const table: string = await codesTable();
  assert.ok(table.split('\n').length > 30, 'the registry should hold the CEL, YAML, mount, flag and auth-config codes');
  assert.equal(readme, withTable(readme, table), 'README codes table is stale: run `node scripts/codes-table.mjs --write`');
});

test('README keeps the two set-up commands that CI runs', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const ci = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');
  assert.match(readme, /npm ci && npm run check:examples/);
  assert.match(readme, /^npm test/m);
  assert.match(ci, /npm test/);
});
