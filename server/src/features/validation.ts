import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { FileAnalyzer } from '../engine/analyze.js';
import type { EngineOptions } from '../engine/options.js';
import type { WorkspaceIndex } from '../checks/types.js';
import { toDiagnostics } from './diagnostics.js';
import { isYamlPath } from './yamlFiles.js';

/**
 * Most diagnostics one file publishes. A generated or binary file can yield tens of thousands of
 * syntax errors; shipping them all costs megabytes of JSON per keystroke and buries the first
 * ones, which are what the user acts on. The CLI still reports everything.
 */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;

/** Shortest wait after an edit: lets a burst of keystrokes arrive before a check starts. */
const MIN_DELAY_MS = 5;
const CHEAP_RECHECK_MS = 20;

export interface ValidationHost {
  /** The latest version of an open document, or undefined once it is closed. */
  document(uri: string): TextDocument | undefined;
  /** Sends diagnostics; may return a promise that settles once they are written. */
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void | Promise<unknown>;
  /** The text whose diagnostics were just published (the workspace index reads its policies then). */
  checked?(uri: string, text: string): void;
  log(message: string): void;
}

export function isYamlDocument(document: Pick<TextDocument, 'uri' | 'languageId'>): boolean {
  if (document.languageId === 'yaml') return true;
  try {
    return isYamlPath(new URL(document.uri).pathname);
  } catch {
    return false;
  }
}

/**
 * Debounced, per-document validation. Each open document keeps its own FileAnalyzer, whose cache
 * makes a re-check after an edit cost only the YAML documents that changed. Every schedule bumps a
 * per-document generation; a running check yields between YAML documents and stops as soon as a
 * newer edit (or a close) bumps it, so diagnostics are only ever published for the latest text.
 */
export class DocumentValidator {
  private readonly analyzers = new Map<string, FileAnalyzer>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generations = new Map<string, number>();
  private readonly publishedVersions = new Map<string, number>();
  private readonly publishedDiagnostics = new Map<string, Diagnostic[]>();
  private readonly lastRunMs = new Map<string, number>();
  private readonly running = new Set<string>();
  /** Until started (settings loaded), schedules are remembered but not run. */
  private started = false;
  private readonly waiting = new Set<string>();

  constructor(
    private readonly host: ValidationHost,
    private options: EngineOptions,
    private workspace: WorkspaceIndex,
    private readonly delayMs = 150,
  ) {}

  start(): void {
    this.started = true;
    for (const uri of this.waiting) this.schedule(uri);
    this.waiting.clear();
  }

  /**
   * How long to wait after a change. A document seen for the first time is checked at once (the
   * user just opened it); after that the wait follows the cost of the last re-check: an edit to a
   * file whose re-check takes 2 ms need not wait 150 ms, while a costly file still coalesces a
   * burst of keystrokes into one run. A check from scratch (on open, after a settings change) says
   * nothing about what a re-check costs, so until one was timed an edit waits the minimum.
   */
  delayFor(uri: string): number {
    if (!this.analyzers.has(uri)) return 0;
    const last = this.lastRunMs.get(uri) ?? 0;
    // A re-check cheaper than the gap between two keystrokes costs nothing to run per keystroke.
    return last < CHEAP_RECHECK_MS ? MIN_DELAY_MS : Math.min(this.delayMs, 2 * last);
  }

  schedule(uri: string, delayMs = this.delayFor(uri)): void {
    const generation = (this.generations.get(uri) ?? 0) + 1;
    this.generations.set(uri, generation);
    clearTimeout(this.timers.get(uri));
    if (!this.started) {
      this.waiting.add(uri);
      return;
    }
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.run(uri, generation);
      }, delayMs),
    );
  }

  /** The document closed: stop pending work, free the analyzer, clear its problems. */
  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.waiting.delete(uri);
    this.generations.delete(uri);
    this.analyzers.delete(uri);
    this.publishedVersions.delete(uri);
    this.publishedDiagnostics.delete(uri);
    this.lastRunMs.delete(uri);
    this.host.publish(uri, undefined, []);
  }

  /** Settings or the workspace index changed: every cached result is stale; re-check open files. */
  reconfigure(options: EngineOptions, workspace: WorkspaceIndex): void {
    this.options = options;
    this.workspace = workspace;
    for (const analyzer of this.analyzers.values()) analyzer.reset(options, workspace);
    for (const uri of this.analyzers.keys()) this.schedule(uri, 0);
  }

  /** Only the workspace's policies changed: open files re-check their bindings, the rest is cached. */
  policiesChanged(workspace: WorkspaceIndex): void {
    this.workspace = workspace;
    for (const [uri, analyzer] of this.analyzers) {
      analyzer.policiesChanged(workspace);
      // A check in progress goes on (restarting a large file would cost its whole first check)
      // and re-checks its stale bindings when it ends.
      if (!this.running.has(uri) && analyzer.hasStalePolicyFindings()) this.schedule(uri, 0);
    }
  }

  /** The version whose diagnostics the client currently shows; fixes are only valid for it. */
  publishedVersion(uri: string): number | undefined {
    return this.publishedVersions.get(uri);
  }

  /** What was last published for the document (with `data`, for clients that drop it). */
  published(uri: string): readonly Diagnostic[] {
    return this.publishedDiagnostics.get(uri) ?? [];
  }

  private async run(uri: string, generation: number): Promise<void> {
    const document = this.host.document(uri);
    if (!document) return;
    // TextDocuments updates documents in place, so remember which version this run checks.
    const version = document.version;
    const text = document.getText();
    const isStale = () =>
      this.generations.get(uri) !== generation || this.host.document(uri) !== document || document.version !== version;
    if (isStale()) return;
    let analyzer = this.analyzers.get(uri);
    if (!analyzer) {
      analyzer = new FileAnalyzer(this.options, this.workspace);
      this.analyzers.set(uri, analyzer);
    }
    let diagnostics: Diagnostic[];
    this.running.add(uri);
    try {
      // Yields between YAML documents: other requests are answered meanwhile, and a newer edit
      // abandons this run instead of queueing behind it.
      const started = performance.now();
      const fromScratch = !analyzer.hasResults();
      const findings = await analyzer.analyzeCancellable(text, isStale);
      if (!findings || isStale()) return;
      if (!fromScratch) this.lastRunMs.set(uri, performance.now() - started);
      if (findings.length > MAX_DIAGNOSTICS_PER_FILE) {
        this.host.log(`kube-cel-guard: ${uri} has ${findings.length} findings; showing the first ${MAX_DIAGNOSTICS_PER_FILE}`);
      }
      diagnostics = toDiagnostics(document, findings.slice(0, MAX_DIAGNOSTICS_PER_FILE));
    } catch (err) {
      // The engine guards each check, but a failure here must still not kill the server.
      this.host.log(`kube-cel-guard: validating ${uri} failed: ${(err as Error)?.stack ?? err}`);
      analyzer.reset(this.options, this.workspace);
      return;
    } finally {
      this.running.delete(uri);
    }
    this.publishedVersions.set(uri, version);
    this.publishedDiagnostics.set(uri, diagnostics);
    const sent = this.host.publish(uri, version, diagnostics);
    if (analyzer.hasStalePolicyFindings()) this.schedule(uri, 0);
    // After the diagnostics are written: the connection writes a message over several tasks
    // (headers, then body once the headers' write completes), and reading a large file's policies
    // for the index would hold the body back (~5 ms on a 1,000-policy file).
    const afterSend = () =>
      setImmediate(() => {
        if (this.host.document(uri)?.version === version) this.host.checked?.(uri, text);
      });
    if (sent) sent.then(afterSend, afterSend);
    else afterSend();
  }
}
