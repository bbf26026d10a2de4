import { isMap, type YAMLMap } from 'yaml';
import type { Check, CheckContext } from './types.js';
import { getIn, seqItems, scalarString, mapPairs, toPlain } from '../engine/yamlNav.js';
import { checkKubernetesCel, crdRuleEnvironment, type BuiltEnvironment } from '../cel/environments.js';
import type { KubernetesVersion } from '../engine/options.js';
import { schemaToCelType } from '../cel/schemaTypes.js';
import { COST_CODE, CONTRIBUTED_TO_TOTAL_MESSAGE, crdTotalCost } from '../cel/cost.js';
import type { CelType } from '../cel/api.js';
import { celAt, reportCelIssues } from './celInYaml.js';
import { CHECK_CODES } from './celCodes.js';
import { referencesIdentifier } from './celText.js';

const DYN: CelType = { kind: 'dyn' };
const REASONS = ['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'];

/** Where we are in a CRD schema while walking it. */
export interface SchemaPosition {
  node: YAMLMap;
  /** The apiserver's error path, e.g. `openAPIV3Schema.properties[spec].items`. */
  path: string;
  isResourceRoot: boolean;
  /** Path of the nearest enclosing node below which old and new values cannot be correlated. */
  uncorrelatableWithin?: string;
  /**
   * How many times this node can occur in one object: the product of enclosing maxItems /
   * maxProperties (the cost estimator multiplies a rule's cost by it); null = some is unbounded.
   */
  cardinality: number | null;
}

function times(c: number | null, bound: unknown): number | null {
  return c === null || typeof bound !== 'number' ? null : c * bound;
}

export function* walkSchema(pos: SchemaPosition): Generator<SchemaPosition> {
  yield pos;
  const node = pos.node;
  const plain = (key: string) => toPlain(getIn(node, [key]));
  for (const p of mapPairs(getIn(node, ['properties']))) {
    if (!isMap(p.value)) continue;
    const path = `${pos.path}.properties[${p.key}]`;
    yield* walkSchema({
      node: p.value,
      path,
      isResourceRoot: scalarValueIsTrue(getIn(p.value, ['x-kubernetes-embedded-resource'])),
      uncorrelatableWithin: pos.uncorrelatableWithin,
      cardinality: pos.cardinality,
    });
  }
  const items = getIn(node, ['items']);
  if (isMap(items)) {
    const listType = scalarString(getIn(node, ['x-kubernetes-list-type']));
    const path = `${pos.path}.items`;
    yield* walkSchema({
      node: items,
      path,
      isResourceRoot: scalarValueIsTrue(getIn(items, ['x-kubernetes-embedded-resource'])),
      // Only list-type=map lists correlate their items by key (k8s-cel.md §1.4).
      uncorrelatableWithin: pos.uncorrelatableWithin ?? (listType === 'map' ? undefined : pos.path),
      cardinality: times(pos.cardinality, plain('maxItems')),
    });
  }
  const additional = getIn(node, ['additionalProperties']);
  if (isMap(additional)) {
    const path = `${pos.path}.additionalProperties`;
    yield* walkSchema({
      node: additional,
      path,
      isResourceRoot: scalarValueIsTrue(getIn(additional, ['x-kubernetes-embedded-resource'])),
      uncorrelatableWithin: pos.uncorrelatableWithin,
      cardinality: times(pos.cardinality, plain('maxProperties')),
    });
  }
}

function scalarValueIsTrue(node: unknown): boolean {
  return toPlain(node) === true;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** A rule's estimated cost × cardinality, for the whole-schema budget. */
interface RuleCost {
  key: string;
  cost: number;
  node: unknown;
}

/** The CEL type of `self` for rules at this schema position (undefined when not exposable). */
export function selfTypeAt(pos: SchemaPosition): CelType | undefined {
  try {
    return schemaToCelType(toPlain(pos.node) as object, { rootName: 'self', isResourceRoot: pos.isResourceRoot });
  } catch {
    return undefined;
  }
}

/**
 * The environment of one rule's `rule` or `messageExpression`: self typed from the schema node,
 * oldSelf as the rule declares it and its correlatability allows. Shared with the editor features.
 */
export function ruleEnvironmentFactory(
  version: KubernetesVersion,
  pos: SchemaPosition,
  ruleNode: unknown,
  selfType: CelType | undefined,
  schema: object = toPlain(pos.node) as object,
): (field: 'rule' | 'messageExpression') => BuiltEnvironment {
  const optionalOldSelf = toPlain(getIn(ruleNode, ['optionalOldSelf'])) === true;
  const oldSelf = pos.uncorrelatableWithin !== undefined ? false : optionalOldSelf ? 'optional' : true;
  return (field) =>
    crdRuleEnvironment({ version, phase: 'new', selfType: selfType ?? DYN, oldSelf, field, schema, isResourceRoot: pos.isResourceRoot, cardinality: pos.cardinality });
}

function checkRulesAt(ctx: CheckContext, pos: SchemaPosition, costs: RuleCost[]): void {
  const rules = seqItems(getIn(pos.node, ['x-kubernetes-validations']));
  if (rules.length === 0) return;
  const schema = toPlain(pos.node) as object;
  const selfType = selfTypeAt(pos);
  const version = ctx.options.kubernetesVersion;
  rules.forEach((ruleNode, i) => {
    const rulePath = `${pos.path}.x-kubernetes-validations[${i}]`;
    const ruleCel = celAt(ctx, getIn(ruleNode, ['rule']), `${rulePath}.rule`);
    const optionalOldSelf = toPlain(getIn(ruleNode, ['optionalOldSelf'])) === true;
    const usesOldSelf = ruleCel ? referencesIdentifier(ruleCel.source.value, 'oldSelf') : false;
    const envFor = ruleEnvironmentFactory(version, pos, ruleNode, selfType, schema);
    if (ruleCel && ruleCel.source.value.trim() === '') {
      const r = rangeOf(ruleCel.node)!;
      ctx.report({ start: r[0], end: r[1], severity: 'error', code: CHECK_CODES.ruleShape, message: `${rulePath}.rule: Required value: rule is not specified` });
    } else if (ruleCel) {
      const result = checkKubernetesCel(ruleCel.source.value, envFor('rule'));
      reportCelIssues(ctx, ruleCel, result.issues, {
        suffix: (i) => (i.message.startsWith('oldSelf cannot be used') ? ` within ${pos.uncorrelatableWithin}` : ''),
      });
      if (result.ruleCost !== undefined) costs.push({ key: `${rulePath}.rule`, cost: result.ruleCost, node: ruleCel.node });
      if (ruleCel.source.value.includes('\n') && getIn(ruleNode, ['message']) === undefined && getIn(ruleNode, ['messageExpression']) === undefined) {
        const r = rangeOf(ruleCel.node)!;
        ctx.report({ start: r[0], end: r[1], severity: 'error', code: CHECK_CODES.ruleShape, message: `${rulePath}.message: Required value: message must be specified if rule contains line breaks` });
      }
    } else if (getIn(ruleNode, ['rule']) === undefined) {
      const r = rangeOf(ruleNode);
      if (r) ctx.report({ start: r[0], end: r[1], severity: 'error', code: CHECK_CODES.ruleShape, message: `${rulePath}.rule: Required value` });
    }
    if (optionalOldSelf && ruleCel && !usesOldSelf) {
      const r = rangeOf(getIn(ruleNode, ['optionalOldSelf']))!;
      ctx.report({ start: r[0], end: r[1], severity: 'error', code: CHECK_CODES.optionalOldSelfUnused, message: `${rulePath}.optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule` });
    }
    const msgCel = celAt(ctx, getIn(ruleNode, ['messageExpression']), `${rulePath}.messageExpression`);
    if (msgCel) {
      const result = checkKubernetesCel(msgCel.source.value, envFor('messageExpression'));
      reportCelIssues(ctx, msgCel, result.issues);
      if (result.ruleCost !== undefined) costs.push({ key: `${rulePath}.messageExpression`, cost: result.ruleCost, node: msgCel.node });
    }
    const messageNode = getIn(ruleNode, ['message']);
    const message = scalarString(messageNode);
    if (message !== undefined && /[\r\n]/.test(message)) {
      const r = rangeOf(messageNode)!;
      ctx.report({ start: r[0], end: r[1], severity: 'error', code: CHECK_CODES.ruleShape, message: `${rulePath}.message: Invalid value: message must not contain line breaks` });
    }
    const reasonNode = getIn(ruleNode, ['reason']);
    const reason = scalarString(reasonNode);
    if (reason !== undefined && !REASONS.includes(reason)) {
      const r = rangeOf(reasonNode)!;
      ctx.report({ start: r[0], end: r[1], severity: 'error', code: CHECK_CODES.ruleShape, message: `${rulePath}.reason: Unsupported value: "${reason}": supported values: ${REASONS.map((x) => `"${x}"`).join(', ')}` });
    }
  });
}

/** The apiserver's per-version budget over all rules (StaticEstimatedCRDCostLimit), at each top rule. */
function reportTotalCost(ctx: CheckContext, costs: RuleCost[]): void {
  const total = crdTotalCost(costs);
  if (!total.message) return;
  for (const key of total.mostExpensive) {
    const entry = costs.find((c) => c.key === key);
    const r = entry && rangeOf(entry.node);
    if (!r) continue;
    ctx.report({ start: r[0], end: r[1], severity: 'error', code: COST_CODE, message: `${total.message}; ${key}: ${CONTRIBUTED_TO_TOTAL_MESSAGE}` });
  }
}

export const crdValidationRulesCheck: Check = {
  name: 'crd-validation-rules',
  appliesTo: (d) => d.kind === 'CustomResourceDefinition' && (d.apiVersion ?? '').startsWith('apiextensions.k8s.io/'),
  run(ctx) {
    for (const [i, v] of seqItems(getIn(ctx.doc.contents, ['spec', 'versions'])).entries()) {
      const root = getIn(v, ['schema', 'openAPIV3Schema']);
      if (!isMap(root)) continue;
      const costs: RuleCost[] = [];
      for (const pos of walkSchema({ node: root, path: `spec.versions[${i}].schema.openAPIV3Schema`, isResourceRoot: true, cardinality: 1 })) {
        checkRulesAt(ctx, pos, costs);
      }
      reportTotalCost(ctx, costs);
    }
  },
};
