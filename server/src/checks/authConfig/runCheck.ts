import type { CheckContext } from '../types.js';
import { codeInfo } from '../../engine/codes.js';
import { AUTH_CODES } from './codes.js';
import { celHookFor } from './celInYaml.js';
import type { CelHook } from './celHook.js';
import { renderFieldError, type FieldErrors } from './fieldErrors.js';
import { fieldsNewerThan, minorOf } from './fieldVersions.js';
import { withoutNulls } from './goData.js';
import { schemaProblems, type SchemaProblem } from './schemaValidation.js';
import { APISERVER_CONFIG_GROUP, SERVED_VERSIONS, servedVersion, type AuthConfigKind } from './schemas.js';
import { locateField, type FieldPath } from './yamlLocate.js';

/**
 * What both auth-config checks do: version, strict decoding (JSON Schema), then the kind's
 * apiserver rules (which type-check CEL through the hook), each finding at its YAML node.
 */

export type RuleRunner = (data: unknown, cel: CelHook) => FieldErrors;

export function appliesToKind(kind: AuthConfigKind) {
  // Without apiVersion the apiserver cannot decode the file either: worth saying so.
  return (input: { kind?: string; apiVersion?: string }): boolean =>
    input.kind === kind && (input.apiVersion === undefined || input.apiVersion.startsWith(`${APISERVER_CONFIG_GROUP}/`));
}

function isUnder(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

function reportProblem(ctx: CheckContext, p: SchemaProblem, code: string): void {
  const r = locateField(ctx.doc, ctx.text, p.at, p.underline);
  ctx.report({ start: r.start, end: r.end, severity: codeInfo(code)?.defaultSeverity ?? 'error', code, message: p.message });
}

/** Reports a wrong or not-yet-served apiVersion; false when the file cannot be decoded at all. */
function checkApiVersion(ctx: CheckContext, kind: AuthConfigKind): boolean {
  const served = servedVersion(kind, ctx.apiVersion);
  const minor = minorOf(ctx.options.kubernetesVersion);
  const available = SERVED_VERSIONS[kind].filter((v) => v.sinceMinor <= minor).map((v) => `${APISERVER_CONFIG_GROUP}/${v.version}`);
  const newest = available[available.length - 1];
  let message: string | undefined;
  if (ctx.apiVersion === undefined) {
    const p = { at: ['kind'], underline: 'key' as const, message: `Object 'apiVersion' is missing; Kubernetes ${ctx.options.kubernetesVersion} serves ${kind} as ${available.join(', ')}` };
    reportProblem(ctx, p, AUTH_CODES.version);
    return false;
  }
  if (!served) {
    message = `no kind "${kind}" is registered for version "${ctx.apiVersion}"; Kubernetes ${ctx.options.kubernetesVersion} serves ${available.join(', ')}`;
  } else if (served.sinceMinor > minor) {
    message = `no kind "${kind}" is registered for version "${ctx.apiVersion}" in Kubernetes ${ctx.options.kubernetesVersion} (served from 1.${served.sinceMinor}); use ${newest}`;
  }
  if (message) reportProblem(ctx, { at: ['apiVersion'], underline: 'value', message }, AUTH_CODES.version);
  return served !== undefined;
}

export function runAuthConfigCheck(ctx: CheckContext, kind: AuthConfigKind, rules: RuleRunner): void {
  if (!checkApiVersion(ctx, kind)) return;
  const schema = servedVersion(kind, ctx.apiVersion)!.schema;
  let data: unknown;
  try {
    data = withoutNulls(ctx.doc.toJS({ maxAliasCount: 1000 }));
  } catch {
    return; // Alias bombs and the like: the YAML check reports the document.
  }

  // Where decoding already fails, the rules would only restate it ("Required value" for a
  // field of the wrong type), so their findings under those paths are dropped.
  const undecodable: FieldPath[] = [];
  for (const p of schemaProblems(schema, data)) {
    reportProblem(ctx, p, AUTH_CODES.decoding);
    undecodable.push(p.at);
  }
  const minor = minorOf(ctx.options.kubernetesVersion);
  for (const p of fieldsNewerThan(schema, data, minor, ctx.options.kubernetesVersion)) {
    reportProblem(ctx, p, AUTH_CODES.version);
    undecodable.push(p.at);
  }

  const errs = rules(data, celHookFor(ctx));
  for (const e of errs.list) {
    if (undecodable.some((u) => isUnder(e.at, u))) continue;
    const r = locateField(ctx.doc, ctx.text, e.at, e.underline);
    ctx.report({
      start: r.start,
      end: r.end,
      severity: e.severity ?? codeInfo(e.code)?.defaultSeverity ?? 'error',
      code: e.code,
      message: renderFieldError(e),
    });
  }
}
