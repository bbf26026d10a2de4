import type { AdmissionPolicyInfo, WorkspaceIndex } from '../checks/types.js';
import { crdsFromText, type CrdInfo } from '../schemas/crds.js';
import { policiesFromText } from '../schemas/policies.js';
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
  /** Admission policies per file (bindings are checked against them, and jump to them). */
  private readonly diskPolicies = new Map<string, AdmissionPolicyInfo[]>();
  private readonly openPolicies = new Map<string, AdmissionPolicyInfo[]>();
  /** What each disk file's text was when indexed, so opening it unchanged costs no second parse. */
  private readonly diskFingerprints = new Map<string, string>();
  private lastCrds: CrdInfo[] | undefined;
  /** Whether the last `index()` changed the CRDs (not only the policies) since the one before. */
  crdsChanged = true;

  replaceDisk(files: Iterable<WorkspaceFile>): void {
    this.disk.clear();
    this.diskFingerprints.clear();
    for (const f of files) this.setDisk(f.path, f.text);
  }

  /** Returns whether the index can have changed. */
  setDisk(path: string, text: string): boolean {
    const crds = crdsOf(path, text);
    const had = this.disk.delete(path);
    if (crds.length > 0) this.disk.set(path, crds);
    const policies = policiesOf(path, text);
    if (text.includes('AdmissionPolicy')) this.diskFingerprints.set(path, fingerprint(text));
    else this.diskFingerprints.delete(path);
    const hadPolicies = this.diskPolicies.delete(path);
    if (policies.length > 0) this.diskPolicies.set(path, policies);
    return had || crds.length > 0 || hadPolicies || policies.length > 0;
  }

  /** Whether the disk file defines CRDs (for the scan's summary). */
  definesCrds(path: string): boolean {
    return this.disk.has(path);
  }

  /** Removes the file, or everything under it when a folder was deleted. */
  deleteDisk(path: string, separator: string): boolean {
    const prefix = path.endsWith(separator) ? path : path + separator;
    let changed = false;
    for (const key of [...this.disk.keys()]) {
      if (key === path || key.startsWith(prefix)) changed = this.disk.delete(key) || changed;
    }
    for (const key of [...this.diskFingerprints.keys()]) {
      if (key === path || key.startsWith(prefix)) this.diskFingerprints.delete(key);
    }
    for (const key of [...this.diskPolicies.keys()]) {
      if (key === path || key.startsWith(prefix)) changed = this.diskPolicies.delete(key) || changed;
    }
    return changed;
  }

  /**
   * An open editor's text changed. Cheap: it only remembers the text if it can matter (it names
   * CustomResourceDefinition, or it shadows a CRD file); returns whether a rebuild is needed.
   * Its policies are read later, from `openFileChecked`.
   */
  setOpen(key: string, text: string): boolean {
    if (!mayDefineCrd(text) && !this.open.has(key) && !this.disk.has(key)) return false;
    this.pendingOpenTexts.set(key, text);
    return true;
  }

  /**
   * The engine has checked an open editor's text: read its policies now, from the documents the
   * check parsed (reading them on open would parse a large file twice before its first
   * diagnostics). A change counts only when a name, paramKind or position differs: typing inside
   * a policy's spec rebuilds nothing.
   */
  openFileChecked(key: string, text: string): boolean {
    if (!text.includes('AdmissionPolicy') && !this.openPolicies.has(key) && !this.diskPolicies.has(key)) return false;
    // Opening a workspace file: the scan already read these very policies from disk.
    const onDisk = this.diskFingerprints.get(key);
    if (!this.openPolicies.has(key) && onDisk !== undefined && onDisk === fingerprint(text)) return false;
    const before = this.openPolicies.get(key) ?? this.diskPolicies.get(key) ?? [];
    const after = policiesOf(key, text);
    this.openPolicies.set(key, after);
    return JSON.stringify(before) !== JSON.stringify(after);
  }

  closeOpen(key: string): boolean {
    this.pendingOpenTexts.delete(key);
    const hadPolicies = this.openPolicies.delete(key);
    return this.open.delete(key) || hadPolicies;
  }

  /** Every CRD, in path order so that which of two duplicate definitions wins is stable. */
  index(): WorkspaceIndex {
    for (const [key, text] of this.pendingOpenTexts) this.open.set(key, crdsOf(key, text));
    this.pendingOpenTexts.clear();
    const paths = [...new Set([...this.open.keys(), ...this.disk.keys()])].sort();
    const crds = paths.flatMap((p) => this.open.get(p) ?? this.disk.get(p) ?? []);
    // A file's CRDs are new objects whenever it was read again, so identity tells what changed.
    this.crdsChanged = !this.lastCrds || this.lastCrds.length !== crds.length || this.lastCrds.some((c, i) => c !== crds[i]);
    this.lastCrds = crds;
    const policyPaths = [...new Set([...this.openPolicies.keys(), ...this.diskPolicies.keys()])].sort();
    const policies = policyPaths.flatMap((p) => this.openPolicies.get(p) ?? this.diskPolicies.get(p) ?? []);
    return workspaceIndexFromCrds(crds, policies);
  }
}

/** Length and FNV-1a hash of a text: equal texts match, a changed one almost surely does not. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${text.length}:${h >>> 0}`;
}

function crdsOf(path: string, text: string): CrdInfo[] {
  return crdsFromText(text).map((crd) => ({ ...crd, path }));
}

function policiesOf(path: string, text: string): AdmissionPolicyInfo[] {
  return policiesFromText(text).map((policy) => ({ ...policy, path }));
}

function mayDefineCrd(text: string): boolean {
  return text.includes('CustomResourceDefinition');
}
