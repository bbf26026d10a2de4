import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import type { WorkspaceIndex } from '../checks/types.js';
import { collectFiles, stripBom } from './fileCollection.js';
import { WorkspaceCrds } from './workspaceIndex.js';
import { isYamlPath } from './yamlFiles.js';

/** Bounds of the workspace scan: an editor must stay responsive in a monorepo. */
export const SCAN_MAX_FILES = 5000;
export const SCAN_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** CRD edits re-index and then re-check every open file, so they wait for a typing pause. */
const REBUILD_DELAY_MS = 300;

export interface IndexerHost {
  log(message: string): void;
  /**
   * A new index is ready; the server re-checks open files with it. `crdsChanged` false: only the
   * admission policies differ, so only bindings need a re-check.
   */
  indexChanged(index: WorkspaceIndex, crdsChanged: boolean): void;
}

export interface IndexerScope {
  /** false in an untrusted workspace: no scan, crdPaths ignored, open files still count. */
  trusted: boolean;
  folders: string[];
  crdPaths: string[];
}

/**
 * Keeps the workspace CRD index current: a bounded scan of the workspace folders and crdPaths,
 * then watched-file events and open editors. Rebuilds are debounced and reported to the host.
 */
export class WorkspaceIndexer {
  private readonly crds = new WorkspaceCrds();
  private scope: IndexerScope = { trusted: true, folders: [], crdPaths: [] };
  private rebuildTimer: NodeJS.Timeout | undefined;
  /** While a scan runs, rebuilds wait for its end: a half-read workspace would flicker findings. */
  private scanning = false;
  private current: WorkspaceIndex = this.crds.index();

  constructor(private readonly host: IndexerHost) {}

  get index(): WorkspaceIndex {
    return this.current;
  }

  /** Re-reads everything in scope and rebuilds at once. */
  async rescan(scope: IndexerScope): Promise<void> {
    this.scope = scope;
    this.crds.replaceDisk([]);
    this.scanning = true;
    try {
      if (scope.trusted) await this.scan();
      else this.host.log('kube-cel-guard: untrusted workspace: checking open files only (no workspace scan, crdPaths ignored)');
    } finally {
      this.scanning = false;
      // Settings may have changed with the scan (the host applies them on a full change).
      this.rebuild(true);
    }
  }

  /** An open editor's text changed (or it was opened). */
  documentChanged(key: string, text: string): void {
    if (this.crds.setOpen(key, text)) this.scheduleRebuild();
  }

  /** An open editor's text was checked: its policies are known now (bindings elsewhere may need them). */
  documentChecked(key: string, text: string): void {
    if (this.crds.openFileChecked(key, text)) this.scheduleRebuild(0);
  }

  /** The editor closed: the disk version (if any) takes over again. */
  documentClosed(key: string): void {
    if (this.crds.closeOpen(key)) this.scheduleRebuild();
  }

  async filesChanged(changes: readonly FileEvent[]): Promise<void> {
    if (!this.scope.trusted) return;
    let relevant = false;
    for (const change of changes) {
      if (!change.uri.startsWith('file:')) continue;
      const path = fileURLToPath(change.uri);
      if (change.type === FileChangeType.Deleted) {
        relevant = this.crds.deleteDisk(path, sep) || relevant;
      } else if (isYamlPath(path)) {
        const text = await readSmallFile(path);
        if (text !== undefined) relevant = this.crds.setDisk(path, text) || relevant;
      }
    }
    if (relevant) this.scheduleRebuild();
  }

  private async scan(): Promise<void> {
    let scanned = 0;
    let withCrds = 0;
    // crdPaths first: the user named them, so they must not be cut off by the file bound.
    const result = await collectFiles([...this.resolvedCrdPaths(), ...this.scope.folders], {
      maxFiles: SCAN_MAX_FILES,
      maxFileBytes: SCAN_MAX_FILE_BYTES,
      onFile: (file) => {
        scanned++;
        this.crds.setDisk(file.path, file.text);
        if (this.crds.definesCrds(file.path)) withCrds++;
      },
    });
    for (const e of result.errors) {
      // A relative crdPath exists in one folder only; its misses in the others are expected.
      if (!e.endsWith('no such file or directory')) this.host.log(`kube-cel-guard: cannot read ${e}`);
    }
    if (result.skipped.length > 0) this.host.log(`kube-cel-guard: skipped ${result.skipped.length} YAML file(s) over 5 MB`);
    if (result.truncated) this.host.log(`kube-cel-guard: workspace scan stopped at ${SCAN_MAX_FILES} files`);
    this.host.log(`kube-cel-guard: scanned ${scanned} YAML file(s); ${withCrds} define CRDs`);
  }

  /** crdPaths as absolute paths: relative ones are tried against every workspace folder. */
  private resolvedCrdPaths(): string[] {
    const out: string[] = [];
    for (const p of this.scope.crdPaths) {
      if (isAbsolute(p)) out.push(p);
      else for (const folder of this.scope.folders) out.push(join(folder, p));
    }
    return out;
  }

  private scheduleRebuild(delayMs = REBUILD_DELAY_MS): void {
    if (this.scanning) return;
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = setTimeout(() => this.rebuild(), delayMs);
  }

  private rebuild(everything = false): void {
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = undefined;
    try {
      this.current = this.crds.index();
    } catch (err) {
      this.host.log(`kube-cel-guard: building the workspace index failed: ${(err as Error)?.stack ?? err}`);
      return;
    }
    this.host.indexChanged(this.current, everything || this.crds.crdsChanged);
  }
}

async function readSmallFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > SCAN_MAX_FILE_BYTES) return undefined;
    return stripBom(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
