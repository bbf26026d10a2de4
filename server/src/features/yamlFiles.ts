import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders no one wants walked: dependencies and VCS metadata (huge, never user manifests). */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export interface FoundFile {
  absolute: string;
  /** Relative to the walked root, with the platform's separator. */
  relative: string;
  size: number;
}

export interface WalkResult {
  files: FoundFile[];
  /** Folders or files that could not be read (permissions, races with deletion). */
  errors: { path: string; message: string }[];
  /** True when maxFiles stopped the walk early. */
  truncated: boolean;
}

export interface WalkOptions {
  maxFiles?: number;
}

/**
 * All .yaml/.yml files under `root`, in a stable (sorted, depth-first) order so CLI output and
 * index contents do not depend on the file system's listing order. Symlinked files are followed,
 * symlinked folders are not (they can form cycles).
 */
export async function walkYamlFiles(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const maxFiles = options.maxFiles ?? Infinity;
  const result: WalkResult = { files: [], errors: [], truncated: false };
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop() as string;
    const dir = join(root, relativeDir);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      result.errors.push({ path: dir, message: errorMessage(err) });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      const relative = relativeDir === '' ? entry.name : join(relativeDir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) subdirs.push(relative);
        continue;
      }
      if (!isYamlPath(entry.name) || !(entry.isFile() || entry.isSymbolicLink())) continue;
      const absolute = join(root, relative);
      try {
        const info = await stat(absolute);
        if (!info.isFile()) continue;
        if (result.files.length >= maxFiles) {
          result.truncated = true;
          return result;
        }
        result.files.push({ absolute, relative, size: info.size });
      } catch (err) {
        // A dangling symlink is not an error worth failing over; anything else is.
        if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT') result.errors.push({ path: absolute, message: errorMessage(err) });
      }
    }
    // Reverse so that popping visits sub-folders in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]);
  }
  return result;
}

/** A short reason without the path (callers print the path themselves). */
export function errorMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
  }
  return String(e?.message ?? err);
}
