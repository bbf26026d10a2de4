/**
 * kube-cel-guard in Neovim's built-in LSP client, configured as README.md "Other editors" says.
 * A headless Neovim opens a ValidatingAdmissionPolicy with known CEL mistakes, starts the server
 * (`kube-cel-guard lsp --stdio`, found on PATH as an installed package puts it), waits for the
 * diagnostics and dumps vim.diagnostic.get() as JSON (test/editors/neovim-init.lua).
 *
 * Needs `nvim` (Debian package `neovim`; scripts/ci-install-neovim.sh installs it). Without it the
 * test is reported as skipped, with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../lsp/lspHarness.js';

const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8', timeout: 10_000 });
const nvimVersion = probe.error ? undefined : /NVIM v(\d+\.\d+\.\d+)/.exec(probe.stdout ?? '')?.[1];
const skip = nvimVersion
  ? false
  : `nvim not installed (${probe.error?.message ?? 'no version output'}): run scripts/ci-install-neovim.sh`;

/** The Lua block of README.md's "Other editors" section. */
export function readmeNeovimSnippet(readme: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Other editors'));
  assert.ok(section, 'README.md has an "Other editors" section');
  const block = /```lua\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'README.md "Other editors" has a ```lua block');
  return block;
}

interface NvimDiagnostic {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  severity: number;
  message: string;
  code: string;
}

interface NvimResult {
  mode: string;
  version: string;
  filetype: string;
  timed_out: boolean;
  diagnostics: NvimDiagnostic[];
  clients: { name: string; root_dir: string | null }[];
}

function runNvim(args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('nvim', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

test('Neovim: the README configuration shows the CEL findings at the right place', { skip, timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcg-nvim-'));
  try {
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'policies'));
    const policy = path.join(dir, 'policies', 'deployment-policy.yaml');
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/admission/deployment-policy.yaml'), policy);
    const snippet = path.join(dir, 'readme-snippet.lua');
    fs.writeFileSync(snippet, readmeNeovimSnippet(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')));
    const out = path.join(dir, 'diagnostics.json');
    const env = {
      ...process.env,
      // As after `npm install -g`: `kube-cel-guard` and `node` on PATH.
      PATH: [path.join(REPO_ROOT, 'bin'), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_STATE_HOME: path.join(dir, 'state'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      KCG_NVIM_OUT: out,
      KCG_NVIM_SNIPPET: snippet,
      KCG_NVIM_TIMEOUT_MS: '20000',
      KCG_NVIM_WANT_CODES: 'KCG1003,KCG1004,KCG1005',
    };
    const init = path.join(REPO_ROOT, 'test/editors/neovim-init.lua');
    const started = Date.now();
    const run = await runNvim(['--headless', '--clean', '-u', init, policy], env, path.join(dir, 'policies'), 45_000);
    const elapsed = Date.now() - started;
    assert.ok(fs.existsSync(out), `nvim wrote no result (exit ${run.code}, ${elapsed} ms)\nstderr: ${run.stderr}\nstdout: ${run.stdout}`);
    const result = JSON.parse(fs.readFileSync(out, 'utf8')) as NvimResult;
    const context = `nvim ${nvimVersion} (${result.mode}), ${elapsed} ms: ${JSON.stringify(result)}\nstderr: ${run.stderr}`;

    assert.equal(result.filetype, 'yaml', context);
    assert.equal(result.timed_out, false, `diagnostics did not arrive: ${context}`);
    assert.deepEqual(result.clients.map((c) => c.name), ['kube-cel-guard'], context);
    assert.equal(fs.realpathSync(result.clients[0].root_dir ?? ''), fs.realpathSync(dir), `root_dir should be the folder holding .git: ${context}`);
    const [major, minor] = nvimVersion!.split('.').map(Number);
    if (major > 0 || minor >= 10) {
      assert.equal(result.mode, 'readme-snippet', 'Neovim 0.10+ must run the README snippet verbatim');
    }

    // Neovim positions are 0-based lines and byte columns; the CLI's (README) are 1-based.
    const byCode = new Map(result.diagnostics.map((d) => [d.code, d]));
    assert.deepEqual([...byCode.keys()].sort(), ['KCG1003', 'KCG1004', 'KCG1005'], context);
    const severity = { error: 1, warning: 2 };
    assert.deepEqual(byCode.get('KCG1003'), {
      lnum: 20, col: 52, end_lnum: 20, end_col: 64, severity: severity.warning, code: 'KCG1003',
      message: "undefined field 'Privileged' (apps/v1, Kind=Deployment)", source: 'kube-cel-guard',
    } as unknown, context);
    assert.deepEqual(byCode.get('KCG1004'), {
      lnum: 26, col: 38, end_lnum: 26, end_col: 40, severity: severity.warning, code: 'KCG1004',
      message: "found no matching overload for '_<=_' applied to '(int, string)' (apps/v1, Kind=Deployment)", source: 'kube-cel-guard',
    } as unknown, context);
    assert.deepEqual(byCode.get('KCG1005'), {
      lnum: 28, col: 17, end_lnum: 28, end_col: 37, severity: severity.error, code: 'KCG1005',
      message: 'must evaluate to bool but got dyn', source: 'kube-cel-guard',
    } as unknown, context);
    assert.equal(run.code, 0, `nvim exit status: ${context}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
