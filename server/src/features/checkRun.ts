import { resolve } from 'node:path';
import { FileAnalyzer } from '../engine/analyze.js';
import type { Finding, Severity } from '../engine/findings.js';
import type { EngineOptions } from '../engine/options.js';
import { readFixes } from './codeActions.js';
import { collectFiles, stripBom, type CollectedFile } from './fileCollection.js';
import { LineIndex } from './locations.js';
import { buildWorkspaceIndex } from './workspaceIndex.js';
import type { ClusterSnapshot } from '../schemas/cluster/snapshot.js';

/** The name a file read from standard input (`check -`) is reported under. */
export const STDIN_LABEL = '<stdin>';

export interface CheckRequest {
  paths: string[];
  crdPaths: string[];
  options: EngineOptions;
  readStdin?: () => Promise<string>;
  /** Schemas from a cluster (`--cluster`): what it served so far, and a wait for what is loading. */
  cluster?: { readonly snapshot: ClusterSnapshot; settled(): Promise<void> };
}

/** One finding as the CLI prints it: the JSON contract's fields plus what the text format shows. */
export interface LocatedFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
  /** Titles of the quick-fixes an editor would offer. */
  fixes: string[];
}

export interface FileReport {
  file: string;
  lines: LineIndex;
  findings: LocatedFinding[];
}

export interface CheckOutcome {
  reports: FileReport[];
  /** Paths that could not be read: the run still reports the rest, then exits 2. */
  ioErrors: string[];
}

/**
 * `kube-cel-guard check`: reads the paths, builds the workspace index from the checked files
 * plus the --crd ones (a CRD among the checked files supplies its schema too), checks every file.
 */
export async function runCheck(request: CheckRequest): Promise<CheckOutcome> {
  const ioErrors: string[] = [];
  const checked: CollectedFile[] = [];

  const filePaths = request.paths.filter((p) => p !== '-');
  if (filePaths.length !== request.paths.length && request.readStdin) {
    try {
      checked.push({ path: STDIN_LABEL, text: stripBom(await request.readStdin()) });
    } catch (err) {
      ioErrors.push(`${STDIN_LABEL}: ${(err as Error)?.message ?? err}`);
    }
  }
  if (filePaths.length > 0) {
    const collected = await collectFiles(filePaths);
    checked.push(...collected.files);
    ioErrors.push(...collected.errors);
  }
  const crds = await collectFiles(request.crdPaths);
  ioErrors.push(...crds.errors);

  const index = buildWorkspaceIndex(uniqueByLocation([...checked, ...crds.files]));
  const cluster = request.cluster;
  const optionsNow = (): EngineOptions => (cluster ? { ...request.options, cluster: cluster.snapshot } : request.options);
  const checkAll = (options: EngineOptions) => checked.map((file) => locate(file, new FileAnalyzer(options, index).analyze(file.text)));
  const first = optionsNow();
  let reports = checkAll(first);
  if (cluster) {
    // The first pass told the cluster loader which group-versions the policies match; once they
    // are read, check again with them (only when something arrived).
    await cluster.settled();
    if (cluster.snapshot !== first.cluster) reports = checkAll(optionsNow());
  }
  return { reports, ioErrors };
}

function locate(file: CollectedFile, findings: Finding[]): FileReport {
  const lines = new LineIndex(file.text);
  const located = findings
    .map((f): LocatedFinding & { start: number } => {
      const start = lines.locate(f.start);
      const end = lines.locate(Math.max(f.start, f.end));
      return {
        file: file.path,
        line: start.line,
        column: start.column,
        endLine: end.line,
        endColumn: end.column,
        severity: f.severity,
        code: f.code,
        message: f.message,
        fixes: readFixes(f.data, file.text.length).map((fix) => fix.title),
        start: f.start,
      };
    })
    .sort((a, b) => a.start - b.start || a.code.localeCompare(b.code))
    .map(({ start: _start, ...rest }) => rest);
  return { file: file.path, lines, findings: located };
}

/** A file given both as a checked path and as --crd must not define its CRDs twice. */
function uniqueByLocation(files: CollectedFile[]): CollectedFile[] {
  const seen = new Set<string>();
  return files.filter((f) => {
    const key = f.path === STDIN_LABEL ? f.path : resolve(f.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
