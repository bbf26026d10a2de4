/** Runs the built CLI (bin/kube-cel-guard → dist/cli.cjs) the way a user or CI job does. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'kube-cel-guard');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; input?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary folder with the given files (paths relative to it); removed by the returned function. */
export function tempTree(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kcg-cli-'));
  for (const [relative, text] of Object.entries(files)) {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Invalid YAML with the error (the stray scalar `xyz`) after an emoji: 4 UTF-8 bytes, 2 UTF-16
 * units, 1 character. The error is at line 4, column 10 counted in characters.
 */
export const BROKEN_YAML = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  k: "😀" xyz\n';
export const CLEAN_YAML = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n';
