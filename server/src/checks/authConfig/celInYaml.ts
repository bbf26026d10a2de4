import { isScalar, type Scalar } from 'yaml';
import type { CelIssue } from '../../cel/api.js';
import { CelEnvironment } from '../../cel/environment.js';
import type { BuiltEnvironment } from '../../cel/environments.js';
import { CEL_CODES } from '../../cel/issues.js';
import type { AstNode } from '../../cel/parse.js';
import { embeddedString } from '../../engine/embeddedString.js';
import type { CheckContext } from '../types.js';
import type { CelEnvRequest, CelHook } from './celHook.js';
import { formatFieldPath, scalarAt, type FieldPath } from './yamlLocate.js';

/**
 * The one place the auth-config checks type-check CEL: finds the YAML scalar at a field path,
 * checks it in the field's environment and reports each issue at its exact characters (through
 * embeddedString, whatever the quoting or block style).
 */

/** Environments are costly to build (every overload of the version) and shared by all files. */
const environments = new Map<string, { env: CelEnvironment; built: BuiltEnvironment }>();

function environment(req: CelEnvRequest): { env: CelEnvironment; built: BuiltEnvironment } {
  let entry = environments.get(req.key);
  if (!entry) {
    const built = req.build();
    entry = { env: new CelEnvironment(built.config), built };
    environments.set(req.key, entry);
  }
  return entry;
}

/**
 * A wrong result type has no position of its own in the apiserver's message, so it is reported
 * in the apiserver's words: `<path>: Invalid value: "<expr>": must evaluate to bool`.
 */
function inApiserverWords(issue: CelIssue, expression: string, shownAt: FieldPath): string {
  if (issue.code !== CEL_CODES.wrongResultType) return issue.message;
  return `${formatFieldPath(shownAt)}: Invalid value: ${JSON.stringify(expression)}: ${issue.message}`;
}

export function reportCel(ctx: CheckContext, at: FieldPath, shownAt: FieldPath, req: CelEnvRequest): { ok: boolean; ast?: AstNode } {
  const node = scalarAt(ctx.doc, at);
  const source = node && isScalar(node) ? embeddedString(node as Scalar, ctx.text) : undefined;
  if (!source) return { ok: true }; // Not a string: the schema check reported it.
  const { env, built } = environment(req);
  const checked = env.check(source.value, built.expected);
  const len = source.value.length;
  for (const issue of checked.issues) {
    const s = Math.max(0, Math.min(issue.start, len));
    const e = Math.max(s, Math.min(issue.end, len));
    let range = source.sourceRange(s, e);
    if (range.end <= range.start) {
      // A zero-width issue ("unexpected end of input") still needs a character to underline.
      range = len > 0 ? source.sourceRange(Math.min(s, len - 1), Math.min(s, len - 1) + 1) : { start: range.start, end: range.start + 1 };
    }
    ctx.report({ start: range.start, end: range.end, severity: issue.severity, code: issue.code, message: inApiserverWords(issue, source.value, shownAt) });
  }
  return { ok: !checked.issues.some((i) => i.severity === 'error'), ast: checked.ast };
}

export function celHookFor(ctx: CheckContext): CelHook {
  return { check: (at, shownAt, req) => reportCel(ctx, at, shownAt, req) };
}
