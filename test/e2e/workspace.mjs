// The folder both end-to-end suites open: a copy of the repo's examples/ plus the fixtures the
// expectations name. Tests may edit the copy (quick-fixes); the repo's examples are never touched.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_PATHS_FINDING, WORKSPACE_CRD_FINDING } from './expectations.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Copies examples/ and the fixtures to `root`; `extraFiles` maps relative paths to contents. */
export function makeWorkspace(root, { extraFiles = {} } = {}) {
  cpSync(join(REPO, 'examples'), root, { recursive: true });
  for (const f of [WORKSPACE_CRD_FINDING, CRD_PATHS_FINDING]) {
    cpSync(join(REPO, 'test', 'e2e', 'fixtures', f.fixture), join(root, f.file));
  }
  for (const [rel, text] of Object.entries(extraFiles)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** The folder of CRDs kept outside every opened folder, for the kubeCelGuard.crdPaths setting. */
export const EXTRA_CRDS = join(REPO, 'test', 'e2e', 'fixtures', CRD_PATHS_FINDING.crdFolder);
