import { isScalar, type Scalar } from 'yaml';
import type { CheckContext } from './types.js';
import type { CelIssue } from '../cel/api.js';
import type { Severity } from '../engine/findings.js';
import { embeddedString, type EmbeddedString } from '../engine/embeddedString.js';
import { CHECK_CODES } from './celCodes.js';
import { celIssueFixes } from './celQuickFixes.js';

/**
 * The CEL source held by a YAML node, with the mapping from expression offsets back to the
 * document. Undefined (after reporting) when the node is not a string.
 */
export interface YamlCel {
  node: Scalar;
  source: EmbeddedString;
}

export function celAt(ctx: CheckContext, node: unknown, what: string): YamlCel | undefined {
  if (node === undefined || node === null) return undefined;
  if (!isScalar(node) || typeof node.value !== 'string') {
    const range = (node as { range?: [number, number, number] }).range;
    if (range) {
      ctx.report({
        start: range[0],
        end: range[1],
        severity: 'error',
        code: CHECK_CODES.notAString,
        message: `${what} must be a string holding a CEL expression`,
      });
    }
    return undefined;
  }
  const source = embeddedString(node, ctx.text);
  if (!source) return undefined;
  return { node, source };
}

export interface ReportOptions {
  /** Re-grade issues (e.g. schema-dependent VAP issues are warnings in the apiserver too). */
  severity?: (issue: CelIssue) => Severity;
  /** Appended to each message, e.g. the matched kinds. */
  suffix?: (issue: CelIssue) => string;
  /** Rewords a message, e.g. into the apiserver's `<path>: Invalid value: …` form. */
  message?: (issue: CelIssue) => string;
}

/**
 * One character to underline at `at`: the character there, or, where the source has none (the
 * line break clip chomping adds to a block scalar that ends the file without one), the last
 * character of the value's source before it.
 */
function underlineAt(text: string, cel: YamlCel, at: number): { start: number; end: number } {
  const valueEnd = Math.min(cel.node.range?.[1] ?? text.length, text.length);
  if (at < valueEnd || at === 0) return { start: at, end: at + 1 };
  return { start: valueEnd - 1, end: valueEnd };
}

/** Reports expression issues at the exact characters inside the YAML scalar. */
export function reportCelIssues(ctx: CheckContext, cel: YamlCel, issues: CelIssue[], opts: ReportOptions = {}): void {
  const len = cel.source.value.length;
  for (const issue of issues) {
    const s = Math.max(0, Math.min(issue.start, len));
    const e = Math.max(s, Math.min(issue.end, len));
    let range = cel.source.sourceRange(s, e);
    if (range.end <= range.start) {
      // A zero-width issue (e.g. "unexpected end of input") still needs something to underline.
      const at = e >= len && len > 0 ? cel.source.sourceRange(len - 1, len) : range;
      range = at.end > at.start ? at : underlineAt(ctx.text, cel, range.start);
    }
    const fixes = celIssueFixes(ctx.text, cel, issue);
    ctx.report({
      start: range.start,
      end: range.end,
      severity: opts.severity ? opts.severity(issue) : issue.severity,
      code: issue.code,
      message: (opts.message ? opts.message(issue) : issue.message) + (opts.suffix ? opts.suffix(issue) : ''),
      ...(fixes.length ? { data: { fixes } } : {}),
    });
  }
}
