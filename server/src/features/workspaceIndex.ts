import type { WorkspaceIndex } from '../checks/types.js';
import { crdsFromText, type CrdInfo } from '../schemas/crds.js';
import { createWorkspaceIndex, workspaceIndexFromCrds } from '../schemas/workspaceIndex.js';

export interface WorkspaceFile {
  path: string;
  text: string;
}

/** The CRD index of a set of files (the CLI: checked files plus --crd paths). */
export function buildWorkspaceIndex(files: Iterable<WorkspaceFile>): WorkspaceIndex {
  return createWorkspaceIndex(files);
}

/**
 * The editor's CRD index, kept per file: disk files (workspace scan, crdPaths, watched-file
 * events) overlaid by open editors, whose unsaved text wins. Only CRDs are kept, not texts, and
 * an open editor's text is parsed when the index is rebuilt (debounced), not on every keystroke.
 */
export class WorkspaceCrds {
  private readonly disk = new Map<string, CrdInfo[]>();
  private readonly open = new Map<string, CrdInfo[]>();
  private readonly pendingOpenTexts = new Map<string, string>();

  replaceDisk(files: Iterable<WorkspaceFile>): void {
    this.disk.clear();
    for (const f of files) this.setDisk(f.path, f.text);
  }

  /** Returns whether the index can have changed. */
  setDisk(path: string, text: string): boolean {
    const crds = crdsOf(path, text);
    const had = this.disk.delete(path);
    if (crds.length > 0) this.disk.set(path, crds);
    return had || crds.length > 0;
  }

  /** Removes the file, or everything under it when a folder was deleted. */
  deleteDisk(path: string, separator: string): boolean {
    const prefix = path.endsWith(separator) ? path : path + separator;
    let changed = false;
    for (const key of [...this.disk.keys()]) {
      if (key === path || key.startsWith(prefix)) changed = this.disk.delete(key) || changed;
    }
    return changed;
  }

  /**
   * An open editor's text changed. Cheap: it only remembers the text if it can matter (it names
   * CustomResourceDefinition, or it shadows a CRD file); returns whether a rebuild is needed.
   */
  setOpen(key: string, text: string): boolean {
    if (!mayDefineCrd(text) && !this.open.has(key) && !this.disk.has(key)) return false;
    this.pendingOpenTexts.set(key, text);
    return true;
  }

  closeOpen(key: string): boolean {
    this.pendingOpenTexts.delete(key);
    return this.open.delete(key);
  }

  /** Every CRD, in path order so that which of two duplicate definitions wins is stable. */
  index(): WorkspaceIndex {
    for (const [key, text] of this.pendingOpenTexts) this.open.set(key, crdsOf(key, text));
    this.pendingOpenTexts.clear();
    const paths = [...new Set([...this.open.keys(), ...this.disk.keys()])].sort();
    const crds = paths.flatMap((p) => this.open.get(p) ?? this.disk.get(p) ?? []);
    return workspaceIndexFromCrds(crds);
  }
}

function crdsOf(path: string, text: string): CrdInfo[] {
  return crdsFromText(text).map((crd) => ({ ...crd, path }));
}

function mayDefineCrd(text: string): boolean {
  return text.includes('CustomResourceDefinition');
}
