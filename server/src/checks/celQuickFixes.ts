import type { CelIssue } from '../cel/api.js';
import { CEL_CODES } from '../cel/issues.js';
import type { Fix } from '../engine/findings.js';
import type { YamlCel } from './celInYaml.js';

/**
 * Quick-fixes for CEL issues, as edits of the YAML text (offsets into the document text):
 * a misspelt field or function → each suggested name; an optional bool where a bool is required →
 * `.orValue(false)`. A fix is offered only where the expression's characters map one to one onto
 * the source (no escape sequence or line folding inside the replaced name).
 */

const MISSPELT_NAME = /^(?:undefined field|undeclared reference to) '([^']+)'/;

/** Where `name`, ending at expression offset `end`, is in the document; undefined unless it is written there verbatim. */
function verbatimRange(text: string, cel: YamlCel, end: number, name: string): { start: number; end: number } | undefined {
  const start = end - name.length;
  if (start < 0 || cel.source.value.slice(start, end) !== name) return undefined;
  const range = cel.source.sourceRange(start, end);
  return text.slice(range.start, range.end) === name ? range : undefined;
}

function renameFixes(text: string, cel: YamlCel, issue: CelIssue): Fix[] {
  const name = MISSPELT_NAME.exec(issue.message)?.[1];
  if (!name || !issue.suggestions?.length) return [];
  const range = verbatimRange(text, cel, issue.end, name);
  if (!range) return [];
  // A qualified suggestion (`optional.of`) cannot replace the last segment of a receiver call.
  const usable = issue.suggestions.filter((s) => s.includes('.') === name.includes('.') && /^[A-Za-z_][\w.]*$/.test(s));
  return usable.map((s, i) => ({
    title: `Change to '${s}'`,
    edits: [{ ...range, newText: s }],
    // The first is the one to apply when it only fixes case (Privileged → privileged) or stands alone.
    ...(i === 0 && (usable.length === 1 || s.toLowerCase() === name.toLowerCase()) ? { isPreferred: true } : {}),
  }));
}

/** `x.?flag` where a bool is required: an absent value most naturally means false. */
const OPTIONAL_BOOL_RESULT = /^must evaluate to bool but got optional_type\(bool\)$/;
/** A plain selection chain: appending a member call then applies to the whole expression. */
const SELECTION_CHAIN = /^[A-Za-z_][\w]*(?:\s*\.\??\s*[A-Za-z_]\w*)*$/;

function orValueFixes(text: string, cel: YamlCel, issue: CelIssue): Fix[] {
  if (!OPTIONAL_BOOL_RESULT.test(issue.message)) return [];
  const value = cel.source.value;
  const trimmed = value.trimEnd();
  if (!SELECTION_CHAIN.test(trimmed.trimStart()) || trimmed.length === 0) return [];
  const last = cel.source.sourceRange(trimmed.length - 1, trimmed.length);
  if (last.end <= last.start) return [];
  return [{ title: 'Use .orValue(false) (absent means false)', edits: [{ start: last.end, end: last.end, newText: '.orValue(false)' }], isPreferred: true }];
}

/** The quick-fixes of one issue of an expression held by a YAML scalar of `text`. */
export function celIssueFixes(text: string, cel: YamlCel, issue: CelIssue): Fix[] {
  try {
    if (issue.code === CEL_CODES.undefinedField || issue.code === CEL_CODES.undeclaredReference) return renameFixes(text, cel, issue);
    if (issue.code === CEL_CODES.wrongResultType) return orValueFixes(text, cel, issue);
  } catch {
    // A fix is a convenience: odd input must never cost the finding itself.
  }
  return [];
}
