import { isScalar, type Scalar } from 'yaml';
import type { CelIssue } from '../../cel/api.js';
import { checkKubernetesCel, type BuiltEnvironment } from '../../cel/environments.js';
import { CEL_CODES } from '../../cel/issues.js';
import type { AstNode } from '../../cel/parse.js';
import { embeddedString } from '../../engine/embeddedString.js';
import type { CheckContext } from '../types.js';
import { reportCelIssues } from '../celInYaml.js';
import type { CelEnvRequest, CelHook } from './celHook.js';
import { formatFieldPath, scalarAt, type FieldPath } from './yamlLocate.js';

/**
 * The one place the auth-config checks type-check CEL: finds the YAML scalar at a field path,
 * checks it in the field's environment and reports each issue at its exact characters (through
 * embeddedString, whatever the quoting or block style).
 */

/** Environments are costly to build (every overload of the version) and shared by all files. */
const environments = new Map<string, BuiltEnvironment>();

function environment(req: CelEnvRequest): BuiltEnvironment {
  let built = environments.get(req.key);
  if (!built) {
    built = req.build();
    environments.set(req.key, built);
  }
  return built;
}

/**
 * A wrong result type has no position of its own in the apiserver's message, so it is reported
 * in the apiserver's words: `<path>: Invalid value: "<expr>": must evaluate to bool`.
 */
function inApiserverWords(issue: CelIssue, expression: string, shownAt: FieldPath): string {
  if (issue.code !== CEL_CODES.wrongResultType) return issue.message;
  return `${formatFieldPath(shownAt)}: Invalid value: ${JSON.stringify(expression)}: ${issue.message}`;
}

/**
 * Checks like every other CEL field (checkKubernetesCel: version gating and the Kubernetes notes)
 * and reports through the shared reporter (exact characters, quick-fixes).
 */
export function reportCel(ctx: CheckContext, at: FieldPath, shownAt: FieldPath, req: CelEnvRequest): { ok: boolean; ast?: AstNode } {
  const node = scalarAt(ctx.doc, at);
  const source = node && isScalar(node) ? embeddedString(node as Scalar, ctx.text) : undefined;
  if (!source) return { ok: true }; // Not a string: the schema check reported it.
  const checked = checkKubernetesCel(source.value, environment(req));
  reportCelIssues(ctx, { node: node as Scalar, source }, checked.issues, {
    message: (issue) => inApiserverWords(issue, source.value, shownAt),
  });
  return { ok: !checked.issues.some((i) => i.severity === 'error'), ast: checked.ast };
}

export function celHookFor(ctx: CheckContext): CelHook {
  return { check: (at, shownAt, req) => reportCel(ctx, at, shownAt, req) };
}
