import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setSchemaRoot } from '../schemas/schemaRoot.js';

const PACKAGE_NAME = 'kube-cel-guard';

interface PackageInfo {
  root: string;
  version: string;
}

let cached: PackageInfo | null | undefined;

/**
 * The installed package's root and version. The same code runs from three places — tsc output
 * (out/server/src/features), the esbuild bundles (dist/, where bundle.mjs maps import.meta.url to
 * the bundle's own file) and an installed VSIX or npm package — so instead of hard-coding a
 * relative depth we walk up to the package.json that names us.
 */
export function packageInfo(): PackageInfo | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  let dir: string;
  try {
    dir = dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === PACKAGE_NAME) {
          cached = { root: dir, version: pkg.version ?? '0.0.0' };
          return cached;
        }
      } catch {
        // An unreadable package.json on the way up is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function packageVersion(): string {
  return packageInfo()?.version ?? '0.0.0';
}

/** Where the generated schema bundles ship: <package root>/schemas. */
export function bundledSchemaDir(): string | undefined {
  const info = packageInfo();
  return info ? join(info.root, 'schemas') : undefined;
}

/**
 * Points the schema registry at the shipped schemas/ folder. The registry finds it by itself from
 * out/, but inside a bundle its own notion of "this module's folder" is the bundle's, so the
 * entry points (server, CLI) say where the package keeps them.
 */
export function useBundledSchemas(): void {
  const dir = bundledSchemaDir();
  if (dir && existsSync(dir)) setSchemaRoot(dir);
}
