import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Severity } from '../engine/findings.js';

export const DIAGNOSTIC_SOURCE = 'kube-cel-guard';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Engine offsets are UTF-16 offsets into the text, which is exactly what positionAt expects. */
export function toDiagnostic(document: TextDocument, finding: Finding): Diagnostic {
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

export function toDiagnostics(document: TextDocument, findings: readonly Finding[]): Diagnostic[] {
  return findings.map((f) => toDiagnostic(document, f));
}
