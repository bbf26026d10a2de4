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
import { setFix, toFixes } from './quickFixes.js';
import { locateField, type FieldPath } from './yamlLocate.js';
import type { Finding } from '../../engine/findings.js';

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

/** A finding at the field, with its quick-fixes turned into edits. */
function finding(ctx: CheckContext, f: Omit<Finding, 'start' | 'end' | 'data'> & Pick<SchemaProblem, 'at' | 'underline' | 'fixes'>): Finding {
  const r = locateField(ctx.doc, ctx.text, f.at, f.underline);
  const fixes = toFixes(ctx.doc, ctx.text, f.fixes);
  return { start: r.start, end: r.end, severity: f.severity, code: f.code, message: f.message, ...(fixes.length ? { data: { fixes } } : {}) };
}

function reportProblem(ctx: CheckContext, p: SchemaProblem, code: string): void {
  ctx.report(finding(ctx, { ...p, code, severity: codeInfo(code)?.defaultSeverity ?? 'error' }));
}

/**
 * What is wrong with the apiVersion for the selected Kubernetes version, if anything, and whether
 * the apiserver could decode the file at all (a version it does not know: no).
 */
function apiVersionProblem(ctx: CheckContext, kind: AuthConfigKind): { problem?: SchemaProblem; decodable: boolean } {
  const version = ctx.options.kubernetesVersion;
  const minor = minorOf(version);
  const available = SERVED_VERSIONS[kind].filter((v) => v.sinceMinor <= minor).map((v) => `${APISERVER_CONFIG_GROUP}/${v.version}`);
  if (ctx.apiVersion === undefined) {
    const message = `Object 'apiVersion' is missing; Kubernetes ${version} serves ${kind} as ${available.join(', ')}`;
    return { problem: { at: ['kind'], underline: 'key', message }, decodable: false };
  }
  const served = servedVersion(kind, ctx.apiVersion);
  const at = ['apiVersion'];
  const newest = available[available.length - 1];
  const fixes = newest ? [setFix(`Use ${newest}`, [], 'apiVersion', newest)] : [];
  if (!served) {
    const message = `no kind "${kind}" is registered for version "${ctx.apiVersion}"; Kubernetes ${version} serves ${available.join(', ')}`;
    return { problem: { at, underline: 'value', message, fixes }, decodable: false };
  }
  if (served.sinceMinor > minor) {
    // Still decodable by the releases that serve it, and the fields are the same: keep checking.
    const message = `no kind "${kind}" is registered for version "${ctx.apiVersion}" in Kubernetes ${version} (served from 1.${served.sinceMinor}); use ${newest}`;
    return { problem: { at, underline: 'value', message, fixes }, decodable: true };
  }
  return { decodable: true };
}

export function runAuthConfigCheck(ctx: CheckContext, kind: AuthConfigKind, rules: RuleRunner): void {
  const version = apiVersionProblem(ctx, kind);
  if (version.problem) reportProblem(ctx, version.problem, AUTH_CODES.version);
  if (!version.decodable) return;
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
  // The apiserver reports missing fields from its own rules ("Required value" with its detail
  // and path quirks); the rules do the same, so the schema's `required` would say it twice.
  for (const p of schemaProblems(schema, data, { required: false })) {
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
    const severity = e.severity ?? codeInfo(e.code)?.defaultSeverity ?? 'error';
    ctx.report(finding(ctx, { at: e.at, underline: e.underline ?? 'value', fixes: e.fixes, code: e.code, severity, message: renderFieldError(e) }));
  }
}
