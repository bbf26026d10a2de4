import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BROKEN_YAML, CLEAN_YAML, REPO_ROOT, runCli, tempTree } from './cli-harness.js';

describe('kube-cel-guard check: exit status', () => {
  let tree: ReturnType<typeof tempTree>;
  before(() => {
    tree = tempTree({
      'clean/a.yaml': CLEAN_YAML,
      'clean/nested/b.yml': CLEAN_YAML,
      'clean/notes.txt': BROKEN_YAML,
      'clean/node_modules/dep/broken.yaml': BROKEN_YAML,
      'clean/.git/broken.yaml': BROKEN_YAML,
      'broken/bad.yaml': BROKEN_YAML,
      'broken/good.yaml': CLEAN_YAML,
    });
  });
  after(() => tree.cleanup());

  it('exits 0 on clean files; walks folders for .yaml/.yml only, skipping node_modules and .git', () => {
    const run = runCli(['check', 'clean'], { cwd: tree.dir });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '0 errors, 0 warnings in 2 files\n');
  });

  it('checks the current folder when no path is given', () => {
    const run = runCli(['check'], { cwd: join(tree.dir, 'clean') });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /in 2 files\n$/);
  });

  it('exits 1 when a finding has error severity', () => {
    const run = runCli(['check', 'broken'], { cwd: tree.dir });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^1 error, 0 warnings in 2 files$/m);
  });

  it('exits 2 for a path that does not exist, and still reports the other paths', () => {
    const run = runCli(['check', 'broken', 'missing.yaml'], { cwd: tree.dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot read missing\.yaml: no such file or directory/);
    assert.match(run.stdout, /broken\/bad\.yaml:4:10: error KCG2001/);
  });

  it('exits 2 for an unreadable file', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, () => {
    const locked = tempTree({ 'locked.yaml': CLEAN_YAML });
    try {
      chmodSync(join(locked.dir, 'locked.yaml'), 0o000);
      const run = runCli(['check', 'locked.yaml'], { cwd: locked.dir });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /cannot read locked\.yaml: permission denied/);
    } finally {
      chmodSync(join(locked.dir, 'locked.yaml'), 0o644);
      locked.cleanup();
    }
  });

  it('exits 2 for a path the file system refuses to resolve (a symlink loop), even as root', () => {
    const loop = tempTree({});
    try {
      symlinkSync('b.yaml', join(loop.dir, 'a.yaml'));
      symlinkSync('a.yaml', join(loop.dir, 'b.yaml'));
      const run = runCli(['check', 'a.yaml'], { cwd: loop.dir });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /cannot read a\.yaml: .*symbolic links/i);
    } finally {
      loop.cleanup();
    }
  });

  it('exits 2 for a --crd path that does not exist', () => {
    const run = runCli(['check', 'clean', '--crd', 'no-such-crds'], { cwd: tree.dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot read no-such-crds/);
  });

  for (const [what, args, complaint] of [
    ['an unknown flag', ['check', '--bogus', 'clean'], /Unknown option '--bogus'/],
    ['an unknown format', ['check', '--format', 'xml', 'clean'], /unknown --format 'xml'/],
    ['an unsupported Kubernetes version', ['check', '--kubernetes-version', '1.12', 'clean'], /unsupported --kubernetes-version '1\.12'/],
    ['a flag missing its value', ['check', 'clean', '--crd'], /--crd/],
    ['an unknown command', ['lint', 'clean'], /unknown command 'lint'/],
    ['no command', [], /missing command/],
    ['lsp without a transport', ['lsp'], /--stdio or --node-ipc/],
  ] as const) {
    it(`exits 2 with usage for ${what}`, () => {
      const run = runCli([...args], { cwd: tree.dir });
      assert.equal(run.status, 2);
      assert.match(run.stderr, complaint);
      assert.match(run.stderr, /Usage:/);
      assert.equal(run.stdout, '');
    });
  }

  it('accepts --flag=value forms', () => {
    const run = runCli(['check', '--format=json', '--kubernetes-version=1.30', 'clean'], { cwd: tree.dir });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), []);
  });

  it('reads standard input for "-"', () => {
    const run = runCli(['check', '-', '--format', 'json'], { cwd: tree.dir, input: BROKEN_YAML });
    assert.equal(run.status, 1);
    const [finding] = JSON.parse(run.stdout);
    assert.equal(finding.file, '<stdin>');
    assert.equal(finding.line, 4);
  });

  it('--help prints usage and exits 0; --version prints the package version', () => {
    const help = runCli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /kube-cel-guard check \[paths…\] \[--kubernetes-version X\.Y\] \[--crd PATH\]… \[--format text\|json\|sarif\]/);
    const version = runCli(['--version']);
    assert.equal(version.status, 0);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(version.stdout.trim(), pkg.version);
  });
});
