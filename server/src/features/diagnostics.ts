import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Severity } from '../engine/findings.js';
import { LineIndex } from '../engine/lineIndex.js';

export const DIAGNOSTIC_SOURCE = 'kube-cel-guard';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

type Positions = Pick<LineIndex, 'positionAt'>;

/** Engine offsets are UTF-16 offsets into the text, which is exactly what positionAt expects. */
export function toDiagnostic(document: TextDocument | Positions, finding: Finding): Diagnostic {
  const diagnostic: Diagnostic = {
    range: { start: document.positionAt(finding.start), end: document.positionAt(finding.end) },
    severity: LSP_SEVERITY[finding.severity] ?? DiagnosticSeverity.Error,
    code: finding.code,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  // Carried verbatim: the client hands it back in codeAction requests, where the fixes live.
  if (finding.data !== undefined) diagnostic.data = finding.data;
  return diagnostic;
}

/**
 * Positions come from the engine's line index rather than the document's: the document would
 * compute its line offsets with a character loop the first time (~12 ms cold for a 700 KB file,
 * before the first diagnostics of a file just opened); the index finds line breaks with indexOf.
 */
export function toDiagnostics(document: TextDocument, findings: readonly Finding[]): Diagnostic[] {
  if (findings.length === 0) return [];
  const lines = new LineIndex(document.getText());
  return findings.map((f) => toDiagnostic(lines, f));
}
