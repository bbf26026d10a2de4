import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shipped `schemas/` folder is. The same code runs as ESM from out/ (tests, CLI) and as
 * an esbuild CommonJS bundle in dist/ (the extension), where `import.meta.url` is empty; so the
 * module's folder comes from `__dirname` when it exists and from `import.meta.url` otherwise, and
 * the folder is found by walking up from there. Hosts that know better call setSchemaRoot.
 */

let override: string | undefined;
let found: string | undefined;
const listeners: Array<() => void> = [];

/** Use `dir` (a folder containing `k8s/`) as the schema folder; drops everything loaded from the old one. */
export function setSchemaRoot(dir: string): void {
  override = path.resolve(dir);
  found = undefined;
  for (const l of listeners) l();
}

/** Called by caches that hold data read from the schema folder, so setSchemaRoot can clear them. */
export function onSchemaRootChange(listener: () => void): void {
  listeners.push(listener);
}

function moduleDir(): string | undefined {
  if (typeof __dirname !== 'undefined') return __dirname;
  try {
    const url = import.meta.url;
    if (url) return path.dirname(fileURLToPath(url));
  } catch {
    // import.meta is an empty object in a CommonJS bundle.
  }
  return undefined;
}

/** The schema folder, or undefined when none can be found (then every lookup comes back empty). */
export function schemaRoot(): string | undefined {
  if (override) return override;
  if (found) return found;
  let dir = moduleDir() ?? process.cwd();
  // out/server/src/schemas → repo root is 4 levels up; dist/ → 1. A few more for nested installs.
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'schemas');
    if (fs.existsSync(path.join(candidate, 'k8s'))) return (found = candidate);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
