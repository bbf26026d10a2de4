import type { CheckOutcome, FileReport, LocatedFinding } from './checkRun.js';

/** Lines longer than this are shown as a window around the finding. */
const MAX_SHOWN_CHARS = 160;
const CONTEXT_BEFORE = 40;

/** Width of the line-number gutter, as gcc prints it: `   21 | source`. */
const GUTTER_WIDTH = 5;

/**
 * Compiler-style report: `file:line:col: severity CODE: message`, the source line behind a
 * line-number gutter, a caret line under the range (`^~~~`), fix titles, and a summary line.
 */
export function formatText(outcome: CheckOutcome): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const report of outcome.reports) {
    for (const f of report.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      out.push(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${printable(f.message)}`);
      out.push(...snippet(report, f));
      for (const title of f.fixes) out.push(`${' '.repeat(GUTTER_WIDTH)} = fix available: ${printable(title)}`);
    }
  }
  const files = outcome.reports.length;
  out.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`);
  return out.join('\n') + '\n';
}

function snippet(report: FileReport, f: LocatedFinding): string[] {
  const chars = Array.from(report.lines.lineText(f.line - 1));
  const startIndex = Math.min(f.column - 1, chars.length);
  // A range running past this line is underlined to the line's end.
  const endIndex = f.endLine === f.line ? Math.min(f.endColumn - 1, chars.length) : chars.length;
  const width = Math.max(1, endIndex - startIndex);

  let from = 0;
  let to = chars.length;
  if (chars.length > MAX_SHOWN_CHARS) {
    from = Math.max(0, Math.min(startIndex - CONTEXT_BEFORE, chars.length - MAX_SHOWN_CHARS));
    to = from + MAX_SHOWN_CHARS;
  }
  const lead = from > 0 ? '…' : '';
  const shown = lead + printable(chars.slice(from, to).join('')) + (to < chars.length ? '…' : '');
  // Tabs stay tabs so the caret lines up under the same terminal column as the source.
  const pad = lead.replace(/./u, ' ') + chars.slice(from, startIndex).map((c) => (c === '\t' ? '\t' : ' ')).join('');
  const underline = '^' + '~'.repeat(Math.max(0, Math.min(width, to - startIndex) - 1));
  const gutter = String(f.line).padStart(GUTTER_WIDTH);
  return [`${gutter} | ${shown}`, `${' '.repeat(gutter.length)} | ${pad}${underline}`];
}

/** Control characters from binary junk must not reach the terminal as escape sequences. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
