import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, walkYamlFiles } from './yamlFiles.js';

export interface CollectedFile {
  /** The path as reached from the argument: the argument itself, or it joined with the walked path. */
  path: string;
  text: string;
}

export interface CollectOptions {
  /** Stop after this many files (the editor's workspace scan is bounded; the CLI is not). */
  maxFiles?: number;
  /** Skip bigger files (quietly: the editor must not stall on a generated dump). */
  maxFileBytes?: number;
  /**
   * Receive each file instead of collecting it: the editor's scan keeps only the CRDs it finds,
   * so a large workspace is never held in memory all at once.
   */
  onFile?: (file: CollectedFile) => void;
}

export interface Collection {
  /** Empty when `onFile` received them. */
  files: CollectedFile[];
  /** Paths that could not be read, with the reason; the CLI turns these into exit code 2. */
  errors: string[];
  skipped: string[];
  truncated: boolean;
}

/**
 * Reads the given files and the .yaml/.yml files under the given folders. A file named
 * explicitly is read whatever its extension: the user asked for it.
 */
export async function collectFiles(paths: readonly string[], options: CollectOptions = {}): Promise<Collection> {
  const maxFiles = options.maxFiles ?? Infinity;
  const maxFileBytes = options.maxFileBytes ?? Infinity;
  const out: Collection = { files: [], errors: [], skipped: [], truncated: false };
  let count = 0;

  const read = async (path: string, size: number): Promise<void> => {
    if (size > maxFileBytes) {
      out.skipped.push(path);
      return;
    }
    try {
      const file = { path, text: stripBom(await readFile(path, 'utf8')) };
      count++;
      if (options.onFile) options.onFile(file);
      else out.files.push(file);
    } catch (err) {
      out.errors.push(`${path}: ${errorMessage(err)}`);
    }
  };

  for (const path of paths) {
    if (count >= maxFiles) {
      out.truncated = true;
      break;
    }
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      out.errors.push(`${path}: ${errorMessage(err)}`);
      continue;
    }
    if (!info.isDirectory()) {
      await read(path, info.size);
      continue;
    }
    const walk = await walkYamlFiles(path, { maxFiles: maxFiles - count });
    for (const e of walk.errors) out.errors.push(`${e.path}: ${e.message}`);
    for (const f of walk.files) await read(join(path, f.relative), f.size);
    if (walk.truncated) out.truncated = true;
  }
  return out;
}

/** Editors drop a UTF-8 byte order mark; so do we, or every column on line 1 would be off by one. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
