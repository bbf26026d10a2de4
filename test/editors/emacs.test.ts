/**
 * kube-cel-guard in Emacs through eglot, configured with README.md "Other editors" snippet: a
 * batch Emacs visits a ValidatingAdmissionPolicy in yaml-mode, starts eglot with the contact that
 * snippet put in eglot-server-programs (`kube-cel-guard lsp --stdio`, found on PATH), waits for the
 * diagnostics Flymake receives and dumps them as JSON (test/editors/emacs-eglot.el).
 *
 * Needs `emacs` with eglot and yaml-mode (Debian: emacs-nox elpa-eglot elpa-yaml-mode;
 * scripts/ci-install-emacs.sh). Without them the test is reported as skipped, with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../lsp/lspHarness.js';

const PROBE = `(progn (require 'package) (add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa") (package-initialize)
  (princ (format "%s|%s|%s" emacs-version (and (locate-library "eglot") t) (and (locate-library "yaml-mode") t))))`;
const probe = spawnSync('emacs', ['--batch', '-Q', '--eval', PROBE], { encoding: 'utf8', timeout: 20_000 });
const [emacsVersion, hasEglot, hasYamlMode] = (probe.stdout ?? '').trim().split('|');
const skip = probe.error
  ? `emacs not installed (${probe.error.message}): run scripts/ci-install-emacs.sh`
  : hasEglot !== 't' || hasYamlMode !== 't'
    ? `emacs ${emacsVersion} lacks eglot or yaml-mode: run scripts/ci-install-emacs.sh`
    : false;

/** The elisp block of README.md's "Other editors" section. */
function readmeEglotSnippet(readme: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Other editors'));
  assert.ok(section, 'README.md has an "Other editors" section');
  const block = /```elisp\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'README.md "Other editors" has an ```elisp block');
  return block;
}

interface EmacsResult {
  error?: string;
  mode: string;
  contact: string;
  timed_out: boolean;
  diagnostics: { text: string; type: string; code: string; line: number; column: number; end_line: number; end_column: number }[];
}

test('Emacs (eglot): the README configuration shows the CEL findings at the right place', { skip, timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcg-emacs-'));
  try {
    fs.mkdirSync(path.join(dir, '.git'));
    const policy = path.join(dir, 'deployment-policy.yaml');
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/admission/deployment-policy.yaml'), policy);
    const snippet = path.join(dir, 'readme-snippet.el');
    fs.writeFileSync(snippet, readmeEglotSnippet(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')));
    const out = path.join(dir, 'diagnostics.json');
    const env = {
      ...process.env,
      PATH: [path.join(REPO_ROOT, 'bin'), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
      HOME: dir,
      KCG_EMACS_OUT: out,
      KCG_EMACS_SNIPPET: snippet,
      KCG_EMACS_FILE: policy,
      KCG_EMACS_TIMEOUT: '20',
      KCG_EMACS_WANT_CODES: 'KCG1003,KCG1004,KCG1005',
    };
    const started = Date.now();
    const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('emacs', ['--batch', '-Q', '-l', path.join(REPO_ROOT, 'test/editors/emacs-eglot.el')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c) => (output += String(c)));
      child.stderr.on('data', (c) => (output += String(c)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
    assert.ok(fs.existsSync(out), `emacs wrote no result (exit ${run.code})\n${run.output}`);
    const result = JSON.parse(fs.readFileSync(out, 'utf8')) as EmacsResult;
    const context = `emacs ${emacsVersion}, ${Date.now() - started} ms: ${JSON.stringify(result)}\n${run.output}`;
    assert.equal(result.error, undefined, context);
    assert.equal(result.mode, 'yaml-mode', context);
    assert.equal(result.contact, '("kube-cel-guard" "lsp" "--stdio")', `the contact comes from the README snippet: ${context}`);
    assert.equal(result.timed_out, false, `diagnostics did not arrive: ${context}`);
    // Emacs lines are 1-based, columns 0-based.
    const byCode = new Map(result.diagnostics.map((d) => [d.code, d]));
    assert.deepEqual([...byCode.keys()].sort(), ['KCG1003', 'KCG1004', 'KCG1005'], context);
    assert.deepEqual(byCode.get('KCG1003'), {
      text: "kube-cel-guard [KCG1003]: undefined field 'Privileged' (apps/v1, Kind=Deployment)",
      type: 'eglot-warning', code: 'KCG1003', line: 21, column: 52, end_line: 21, end_column: 64,
    }, context);
    assert.deepEqual(byCode.get('KCG1004'), {
      text: "kube-cel-guard [KCG1004]: found no matching overload for '_<=_' applied to '(int, string)' (apps/v1, Kind=Deployment)",
      type: 'eglot-warning', code: 'KCG1004', line: 27, column: 38, end_line: 27, end_column: 40,
    }, context);
    assert.deepEqual(byCode.get('KCG1005'), {
      text: 'kube-cel-guard [KCG1005]: must evaluate to bool but got dyn',
      type: 'eglot-error', code: 'KCG1005', line: 29, column: 17, end_line: 29, end_column: 37,
    }, context);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
