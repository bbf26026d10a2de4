import type { CelType } from '../../cel/api.js';
import { isMap } from 'yaml';
import { getIn, mapPairs, nodeRange, scalarString, seqItems } from '../../engine/yamlNav.js';
import { schemasFor } from '../../schemas/registry.js';
import { celAt } from '../celInYaml.js';
import { CHECK_CODES } from '../celCodes.js';
import type { CheckContext } from '../types.js';
import type { PolicyExpression, TypingPass } from './policyExpressions.js';
import { matchedKinds } from './matchedKinds.js';
import { parseApiVersion, resourceType } from './resourceTypes.js';
import { CEL_RESERVED_SYMBOLS } from '../../cel/escaping.js';

/**
 * The spec fields ValidatingAdmissionPolicy and MutatingAdmissionPolicy share (k8s-cel.md §1.1,
 * §1.2): matchConditions, variables and paramKind, read the same way for both.
 */

const DYN: CelType = { kind: 'dyn' };
const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export function collectMatchConditions(ctx: CheckContext, spec: unknown): PolicyExpression[] {
  const out: PolicyExpression[] = [];
  const conditions = seqItems(getIn(spec, ['matchConditions']));
  for (let i = 0; i < conditions.length; i++) {
    const mc = conditions[i];
    const cel = celAt(ctx, getIn(mc, ['expression']), 'matchConditions[].expression');
    if (cel) out.push({ field: 'matchCondition', cel, label: `matchConditions[${i}].expression` });
  }
  return out;
}

/** spec.variables, in order, reporting names the apiserver rejects (KCG2003). */
export function collectVariables(ctx: CheckContext, spec: unknown): PolicyExpression[] {
  const out: PolicyExpression[] = [];
  const seenNames = new Set<string>();
  const variables = seqItems(getIn(spec, ['variables']));
  for (let i = 0; i < variables.length; i++) {
    const v = variables[i];
    const nameNode = getIn(v, ['name']) as { range?: [number, number, number] } | undefined;
    const name = scalarString(nameNode);
    if (name !== undefined && nameNode?.range) {
      const problem = !CEL_IDENTIFIER.test(name) || CEL_RESERVED_SYMBOLS.has(name)
        ? 'name is not a valid CEL identifier'
        : seenNames.has(name) ? `Duplicate value: "${name}"` : undefined;
      if (problem) {
        ctx.report({ start: nameNode.range[0], end: nameNode.range[1], severity: 'error', code: CHECK_CODES.policyShape, message: `spec.variables[].name: ${problem}` });
      }
      seenNames.add(name);
    }
    const cel = celAt(ctx, getIn(v, ['expression']), 'variables[].expression');
    if (cel) out.push({ field: 'variable', cel, variableName: name, label: `variables[${i}].expression` });
  }
  return out;
}

export interface ParamsTypes {
  /** What API validation declares: dyn with a paramKind, null (undeclared) without. */
  api: CelType | null;
  /** What the schema-typed pass uses: the paramKind's schema when known. */
  typed: CelType | null;
  typedKnown: boolean;
}

/** The params type the type checker uses: the paramKind's schema, dyn if unknown, null if no paramKind. */
export function paramsTypeOf(ctx: CheckContext, spec: unknown): ParamsTypes {
  const paramKind = getIn(spec, ['paramKind']);
  if (!paramKind) return { api: null, typed: null, typedKnown: false };
  const apiVersion = scalarString(getIn(paramKind, ['apiVersion']));
  const kind = scalarString(getIn(paramKind, ['kind']));
  if (!apiVersion || !kind) return { api: DYN, typed: DYN, typedKnown: false };
  const { group, version } = parseApiVersion(apiVersion);
  const schemas = schemasFor(ctx.options);
  schemas.want?.(group, version);
  const t = resourceType({ group, version, kind }, schemas, ctx.workspace);
  return { api: DYN, typed: t ?? DYN, typedKnown: t !== undefined };
}

const PARAM_KIND_FIELDS = new Set(['apiVersion', 'kind']);

/**
 * spec.paramKind as the apiserver decodes and validates it: unknown fields fail strict decoding
 * (kubectl's default), and apiVersion and kind are required. A common mistake, from older docs,
 * is `group`/`version` keys instead of `apiVersion`.
 */
export function checkParamKind(ctx: CheckContext, spec: unknown): void {
  const paramKind = getIn(spec, ['paramKind']);
  if (!isMap(paramKind)) return;
  const keyNode = mapPairs(spec).find((p) => p.key === 'paramKind')?.keyNode;
  for (const { key, keyNode: node } of mapPairs(paramKind)) {
    const range = nodeRange(node);
    if (!PARAM_KIND_FIELDS.has(key) && range) {
      ctx.report({ ...range, severity: 'error', code: CHECK_CODES.policyShape, message: `strict decoding error: unknown field "spec.paramKind.${key}"` });
    }
  }
  const keyRange = nodeRange(keyNode);
  if (!keyRange) return;
  for (const required of PARAM_KIND_FIELDS) {
    if (!scalarString(getIn(paramKind, [required]))) {
      ctx.report({ ...keyRange, severity: 'error', code: CHECK_CODES.policyShape, message: `spec.paramKind.${required}: Required value` });
    }
  }
}

/** A policy's expressions with the passes that type them (see TypingPass). */
export interface PolicyTyping {
  expressions: PolicyExpression[];
  apiPass: TypingPass;
  typedPasses: TypingPass[];
}

/**
 * The typing passes of a Validating- or MutatingAdmissionPolicy: the apiserver's dyn pass, and one
 * schema-typed pass per kind `matchConstraints.resourceRules` selects (or one with dyn `object`
 * when only params have a schema).
 */
export function policyTypingPasses(ctx: CheckContext, spec: unknown, expressions: PolicyExpression[]): PolicyTyping {
  const params = paramsTypeOf(ctx, spec);
  const apiPass: TypingPass = { objectType: DYN, paramsType: params.api };
  if (expressions.length === 0) return { expressions, apiPass, typedPasses: [] };
  const schemas = schemasFor(ctx.options);
  const typedPasses: TypingPass[] = [];
  for (const gvk of matchedKinds(getIn(spec, ['matchConstraints', 'resourceRules']), schemas, ctx.workspace)) {
    const objectType = resourceType(gvk, schemas, ctx.workspace);
    if (objectType) typedPasses.push({ objectType, paramsType: params.typed, gvk });
  }
  if (typedPasses.length === 0 && params.typedKnown) typedPasses.push({ objectType: DYN, paramsType: params.typed });
  return { expressions, apiPass, typedPasses };
}
