import type { Finding, FindingData } from './findings.js';
import type { EngineOptions } from './options.js';
import type { WorkspaceIndex, CheckContext, DocumentInput } from '../checks/types.js';
import { ALL_CHECKS } from '../checks/index.js';
import { splitDocuments, parseChunk, type DocumentChunk } from './documents.js';
import { rememberDocumentPolicies } from '../schemas/policies.js';
import { CODES } from './codes.js';

export const EMPTY_WORKSPACE: WorkspaceIndex = {
  crdSchema: () => undefined,
  crdKindsForResource: () => [],
};

/** Findings of one document, with offsets relative to the document's own text. */
function analyzeDocument(input: DocumentInput, options: EngineOptions, workspace: WorkspaceIndex): Finding[] {
  const findings: Finding[] = [];
  for (const err of input.doc.errors) {
    // An error "at the end" points past the document; keep it on the document's last character
    // so it stays in this document (and in the file) rather than on the next one's `---`.
    const len = input.text.length;
    const end = Math.min(Math.max(err.pos[1], err.pos[0] + 1), len);
    const start = Math.max(0, Math.min(err.pos[0], end - 1));
    findings.push({
      start,
      end,
      severity: 'error',
      code: CODES.yamlSyntax,
      message: `YAML syntax error: ${err.message.split('\n')[0]}`,
    });
  }
  for (const target of checkTargets(input)) {
    runChecks(target, options, workspace, findings);
  }
  return findings;
}

/**
 * The objects of a document the checks look at: the document itself, or each item of a `v1 List`
 * (kubectl applies every item, and manifests ship policies that way). An item is presented to the
 * checks as a document whose contents is the item, so checks need not know about Lists.
 */
export function checkTargets(input: DocumentInput): DocumentInput[] {
  if (input.kind !== 'List' || input.apiVersion !== 'v1') return [input];
  const items = (input.doc.contents as { get?: (k: string) => unknown } | null)?.get?.('items') as { items?: unknown[] } | undefined;
  return (items?.items ?? []).map((item) => {
    const view = Object.create(input.doc) as typeof input.doc;
    view.contents = item as typeof input.doc.contents;
    const get = (k: string) => (item as { get?: (k: string) => unknown })?.get?.(k);
    const apiVersion = get('apiVersion');
    const kind = get('kind');
    return {
      ...input,
      doc: view,
      apiVersion: typeof apiVersion === 'string' ? apiVersion : undefined,
      kind: typeof kind === 'string' ? kind : undefined,
    };
  });
}

function runChecks(input: DocumentInput, options: EngineOptions, workspace: WorkspaceIndex, findings: Finding[]): void {
  const ctx: CheckContext = {
    ...input,
    options,
    workspace,
    report: (f) => findings.push(f),
  };
  for (const check of ALL_CHECKS) {
    try {
      if (check.appliesTo(input)) check.run(ctx);
    } catch (err) {
      // A check must never take the file down with it: report where, keep the other checks.
      findings.push({
        start: 0,
        end: 0,
        severity: 'error',
        code: CODES.internal,
        message: `kube-cel-guard internal error in check '${check.name}': ${(err as Error)?.message ?? err}`,
      });
    }
  }
}

function shift(f: Finding, by: number): Finding {
  const data = f.data as FindingData | undefined;
  const shifted: Finding = { ...f, start: f.start + by, end: f.end + by };
  if (data?.fixes) {
    shifted.data = {
      ...data,
      fixes: data.fixes.map((fix) => ({
        ...fix,
        edits: fix.edits.map((e) => ({ ...e, start: e.start + by, end: e.end + by })),
      })),
    };
  }
  return shifted;
}

function applySeverity(findings: Finding[], options: EngineOptions): Finding[] {
  const overrides = options.severity;
  if (!overrides) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const o = overrides[f.code];
    if (o === 'off') continue;
    out.push(o ? { ...f, severity: o } : f);
  }
  return out;
}

/**
 * Only bindings read the workspace's policies (KCG21xx): a document that cannot be one keeps its
 * findings when just the policy list changes. Textual, so it also covers bindings inside Lists.
 */
function readsPolicies(docText: string): boolean {
  return docText.includes('AdmissionPolicyBinding');
}

interface CachedDocument {
  findings: Finding[];
  /** For documents that read the policy list: the policy epoch their findings were made in. */
  policyEpoch?: number;
}

/**
 * Checks one file's text. Keeps per-document results keyed by the document's text, so that
 * re-checking after an edit only parses and checks the documents that changed. One instance
 * per open file; `reset` when options or the workspace change.
 */
export class FileAnalyzer {
  private cache = new Map<string, CachedDocument>();
  /** Bumped by reset, so an abandoned analyzeCancellable run never caches results of old options. */
  private epoch = 0;
  /** Bumped when only the workspace's policies changed: bindings are re-checked, nothing else. */
  private policyEpoch = 0;

  constructor(
    private options: EngineOptions,
    private workspace: WorkspaceIndex = EMPTY_WORKSPACE,
  ) {}

  reset(options: EngineOptions, workspace: WorkspaceIndex = this.workspace): void {
    this.options = options;
    this.workspace = workspace;
    this.cache.clear();
    this.epoch++;
  }

  /**
   * The workspace index changed in its policies only (a policy file was opened, edited or
   * closed): CRD schemas and options are the same, so only bindings' findings are stale. A run in
   * progress goes on; bindings it checked before this call are re-checked by the next run.
   */
  policiesChanged(workspace: WorkspaceIndex): void {
    this.workspace = workspace;
    this.policyEpoch++;
  }

  /** Whether anything is cached, i.e. the next run can be incremental. */
  hasResults(): boolean {
    return this.cache.size > 0;
  }

  /** Whether the last result holds findings of a binding made before the policies last changed. */
  hasStalePolicyFindings(): boolean {
    for (const cached of this.cache.values()) {
      if (cached.policyEpoch !== undefined && cached.policyEpoch !== this.policyEpoch) return true;
    }
    return false;
  }

  /**
   * Like analyze, but yields to the event loop between documents once a slice of `sliceMs` is
   * used up, so a language server keeps answering while a large file is checked, and gives up
   * (resolving undefined) as soon as `isStale()` says a newer text superseded this one. Documents
   * checked before giving up stay cached, so the next run does not redo them.
   */
  async analyzeCancellable(text: string, isStale: () => boolean, sliceMs = 20): Promise<Finding[] | undefined> {
    const epoch = this.epoch;
    const next = new Map<string, CachedDocument>();
    const out: Finding[] = [];
    let sliceStart = Date.now();
    for (const chunk of splitDocuments(text)) {
      if (Date.now() - sliceStart >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (epoch !== this.epoch) return undefined;
        if (isStale()) {
          for (const [key, cached] of next) this.cache.set(key, cached);
          return undefined;
        }
        sliceStart = Date.now();
      }
      this.checkChunk(chunk, next, out);
    }
    this.cache = next;
    return applySeverity(out, this.options);
  }

  /** One document's findings, from the cache when its text is unchanged, shifted into the file. */
  private checkChunk(chunk: DocumentChunk, next: Map<string, CachedDocument>, out: Finding[]): void {
    let cached = next.get(chunk.text) ?? this.cache.get(chunk.text);
    if (cached?.policyEpoch !== undefined && cached.policyEpoch !== this.policyEpoch) cached = undefined;
    if (!cached) {
      const input = parseChunk(chunk);
      rememberDocumentPolicies(chunk.text, input.doc.contents);
      cached = { findings: analyzeDocument(input, this.options, this.workspace) };
      if (readsPolicies(chunk.text)) cached.policyEpoch = this.policyEpoch;
    }
    next.set(chunk.text, cached);
    for (const f of cached.findings) out.push(shift(f, chunk.start));
  }

  analyze(text: string): Finding[] {
    const next = new Map<string, CachedDocument>();
    const out: Finding[] = [];
    for (const chunk of splitDocuments(text)) {
      this.checkChunk(chunk, next, out);
    }
    this.cache = next;
    return applySeverity(out, this.options);
  }
}

export function analyzeText(text: string, options: EngineOptions, workspace: WorkspaceIndex = EMPTY_WORKSPACE): Finding[] {
  return new FileAnalyzer(options, workspace).analyze(text);
}
