import {
  CodeActionKind,
  CreateFile,
  TextDocumentEdit,
  TextEdit as LspTextEdit,
  type ClientCapabilities,
  type CodeAction,
  type Diagnostic,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Fix, TextEdit } from '../engine/findings.js';
import { DIAGNOSTIC_SOURCE } from './diagnostics.js';
import type { WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { optionalGuardFixes } from '../language/optionalGuard.js';

/** What the client can apply; decides between `changes` and `documentChanges`. */
export interface EditCapabilities {
  documentChanges: boolean;
  createFiles: boolean;
}

export function editCapabilities(caps: ClientCapabilities): EditCapabilities {
  const edit = caps.workspace?.workspaceEdit;
  return {
    documentChanges: edit?.documentChanges === true,
    createFiles: edit?.documentChanges === true && (edit.resourceOperations ?? []).includes('create'),
  };
}

/**
 * One quick-fix per engine Fix carried in our diagnostics' `data.fixes`. Clients without
 * diagnostic data support send diagnostics back without `data`; for those the fixes are taken
 * from the published diagnostic with the same code and range.
 */
export function quickFixes(
  document: TextDocument,
  diagnostics: readonly Diagnostic[],
  caps: EditCapabilities,
  published: readonly Diagnostic[] = [],
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const data = diagnostic.data ?? published.find((p) => sameDiagnostic(p, diagnostic))?.data;
    for (const fix of readFixes(data, document.getText().length)) {
      const edit = toWorkspaceEdit(document, fix, caps);
      if (!edit) continue;
      const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit };
      if (fix.isPreferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}

/** Does a request's `context.only` admit actions of `kind` (a kind admits its sub-kinds)? */
export function kindRequested(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => k === '' || kind === k || kind.startsWith(`${k}.`));
}

/**
 * On-request refactorings at the start of the request's range (not tied to a diagnostic):
 * guarding an optional field access with has() or rewriting it as an optional selection.
 * Computed from the document's current text, so they need no published check run.
 */
export function refactorActions(
  document: TextDocument,
  range: Range,
  caps: EditCapabilities,
  options: EngineOptions,
  workspace: WorkspaceIndex,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const fix of optionalGuardFixes(document.getText(), document.offsetAt(range.start), options, workspace)) {
    const edit = toWorkspaceEdit(document, fix, caps);
    if (edit) actions.push({ title: fix.title, kind: CodeActionKind.RefactorRewrite, edit });
  }
  return actions;
}

function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  const [ra, rb] = [a.range, b.range];
  return (
    a.code === b.code &&
    ra.start.line === rb.start.line && ra.start.character === rb.start.character &&
    ra.end.line === rb.end.line && ra.end.character === rb.end.character
  );
}

function toWorkspaceEdit(document: TextDocument, fix: Fix, caps: EditCapabilities): WorkspaceEdit | undefined {
  const edits = fix.edits.map((e) =>
    LspTextEdit.replace({ start: document.positionAt(e.start), end: document.positionAt(e.end) }, e.newText),
  );
  if (!fix.createFile) {
    if (!caps.documentChanges) return { changes: { [document.uri]: edits } };
    // A versioned edit: the client refuses it if the file changed since we computed the offsets.
    return { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, edits)] };
  }
  // Without resource operations the new file cannot be expressed, and applying only the edits to
  // this file (e.g. deleting flags whose settings move to the new file) would lose information.
  if (!caps.createFiles) return undefined;
  const target = siblingUri(document.uri, fix.createFile.relativePath);
  if (!target) return undefined;
  const documentChanges: WorkspaceEdit['documentChanges'] = [
    // No overwrite and no ignoreIfExists: if the file exists the client rejects the whole edit
    // rather than prepending our content to someone's file.
    CreateFile.create(target),
    TextDocumentEdit.create({ uri: target, version: null }, [LspTextEdit.insert({ line: 0, character: 0 }, fix.createFile.content)]),
  ];
  if (edits.length > 0) documentChanges.push(TextDocumentEdit.create({ uri: document.uri, version: document.version }, edits));
  return { documentChanges };
}

/** `relativePath` is relative to the checked file's folder; only file: documents have one. */
function siblingUri(documentUri: string, relativePath: string): string | undefined {
  try {
    const base = new URL(documentUri);
    if (base.protocol !== 'file:') return undefined;
    const target = new URL(relativePath.replace(/\\/g, '/'), base);
    return target.protocol === 'file:' ? target.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `data` comes back from the client, so it is checked like any input: malformed fixes and edits
 * outside the current text are dropped instead of producing a broken edit.
 */
export function readFixes(data: unknown, textLength: number): Fix[] {
  const fixes = (data as { fixes?: unknown } | null | undefined)?.fixes;
  if (!Array.isArray(fixes)) return [];
  const out: Fix[] = [];
  for (const raw of fixes) {
    if (!raw || typeof raw !== 'object') continue;
    const f = raw as Partial<Fix>;
    if (typeof f.title !== 'string' || !Array.isArray(f.edits)) continue;
    if (!f.edits.every((e) => isEdit(e, textLength))) continue;
    const fix: Fix = { title: f.title, edits: f.edits as TextEdit[] };
    if (f.isPreferred === true) fix.isPreferred = true;
    if (f.createFile !== undefined) {
      const c = f.createFile as Partial<NonNullable<Fix['createFile']>>;
      if (typeof c?.relativePath !== 'string' || typeof c.content !== 'string') continue;
      fix.createFile = { relativePath: c.relativePath, content: c.content };
    }
    out.push(fix);
  }
  return out;
}

function isEdit(e: unknown, textLength: number): e is TextEdit {
  if (!e || typeof e !== 'object') return false;
  const { start, end, newText } = e as Partial<TextEdit>;
  return (
    Number.isInteger(start) && Number.isInteger(end) && typeof newText === 'string' &&
    (start as number) >= 0 && (start as number) <= (end as number) && (end as number) <= textLength
  );
}
