import type { CheckOutcome } from './checkRun.js';

/** The JSON contract of design.md: exactly these fields, 1-based lines and character columns. */
export function formatJson(outcome: CheckOutcome): string {
  const rows = outcome.reports.flatMap((r) =>
    r.findings.map(({ file, line, column, endLine, endColumn, severity, code, message }) => ({
      file, line, column, endLine, endColumn, severity, code, message,
    })),
  );
  return JSON.stringify(rows, null, 2) + '\n';
}
