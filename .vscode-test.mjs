// Extension-host suite (`npm run test:vscode`): @vscode/test-cli downloads a VS Code build with
// @vscode/test-electron, loads this repo as the extension under development (dist/, built by the
// script) and runs test/vscode/*.test.cjs with mocha inside VS Code's extension host.
// Needs network access to the VS Code download site and a display (use xvfb-run on Linux);
// see test/e2e/README.md. The opened folder is a temporary copy of examples/ (test/e2e/workspace.mjs).
import { defineConfig } from '@vscode/test-cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWorkspace } from './test/e2e/workspace.mjs';

const workspaceFolder = makeWorkspace(join(mkdtempSync(join(tmpdir(), 'kcg-vscode-')), 'examples'));

export default defineConfig({
  label: 'extension-host',
  files: 'test/vscode/**/*.test.cjs',
  version: process.env.KCG_VSCODE_VERSION ?? 'stable',
  workspaceFolder,
  // --disable-extensions leaves only the extension under development; trust is off so the
  // workspace is trusted (the Restricted Mode run is covered by the code-server suite).
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  env: { KCG_TEST_WORKSPACE: workspaceFolder },
  mocha: { ui: 'tdd', timeout: 120_000 },
});
