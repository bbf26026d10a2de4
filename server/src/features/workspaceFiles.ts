import { sep } from 'node:path';
import type { WorkspaceFile } from './workspaceIndex.js';

/**
 * The texts the workspace index is built from: files read from disk (workspace scan, crdPaths,
 * watched-file events) overlaid with open editors, whose unsaved text wins.
 */
export class WorkspaceFiles {
  private readonly disk = new Map<string, string>();
  private readonly open = new Map<string, string>();

  replaceDisk(files: Iterable<WorkspaceFile>): void {
    this.disk.clear();
    for (const f of files) this.disk.set(f.path, f.text);
  }

  diskText(path: string): string | undefined {
    return this.disk.get(path);
  }

  setDisk(path: string, text: string): void {
    this.disk.set(path, text);
  }

  /** Removes the file, or everything under it when a folder was deleted; returns the removed texts. */
  deleteDisk(path: string): string[] {
    const removed: string[] = [];
    const prefix = path.endsWith(sep) ? path : path + sep;
    for (const [key, text] of [...this.disk]) {
      if (key === path || key.startsWith(prefix)) {
        removed.push(text);
        this.disk.delete(key);
      }
    }
    return removed;
  }

  hasOpen(key: string): boolean {
    return this.open.has(key);
  }

  setOpen(key: string, text: string): void {
    this.open.set(key, text);
  }

  closeOpen(key: string): boolean {
    return this.open.delete(key);
  }

  *files(): IterableIterator<WorkspaceFile> {
    for (const [path, text] of this.open) yield { path, text };
    for (const [path, text] of this.disk) if (!this.open.has(path)) yield { path, text };
  }
}

/**
 * Whether an editor's text can change the index. Re-indexing re-checks every open file, so edits
 * to ordinary manifests must not trigger it; CRDs are what the index is made of.
 */
export function mayDefineCrd(text: string): boolean {
  return /\bkind:\s*["']?CustomResourceDefinition\b/.test(text);
}
