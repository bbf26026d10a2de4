// The folder both end-to-end suites open: a copy of the repo's examples/ plus the fixtures the
// expectations name. Tests may edit the copy (quick-fixes); the repo's examples are never touched.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKSPACE_CRD_FINDING } from './expectations.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Copies examples/ and the fixtures to `root`; `extraFiles` maps relative paths to contents. */
export function makeWorkspace(root, { extraFiles = {} } = {}) {
  cpSync(join(REPO, 'examples'), root, { recursive: true });
  cpSync(join(REPO, 'test', 'e2e', 'fixtures', WORKSPACE_CRD_FINDING.fixture), join(root, WORKSPACE_CRD_FINDING.file));
  for (const [rel, text] of Object.entries(extraFiles)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}
