import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONTRIBUTED_TO_TOTAL_MESSAGE, costExceededMessage, costFactor, crdTotalCost, maxElements, minSerializedSize, ruleCostWithCardinality,
} from '../../server/src/cel/cost.js';
import { checkKubernetesCel, crdRuleEnvironment } from '../../server/src/cel/environments.js';
import { schemaToCelType } from '../../server/src/cel/schemaTypes.js';

test('§6.3 factor formatting: %fx below 1.5, %.1fx up to 100, then "more than 100x"', () => {
  assert.equal(costFactor(12_500_000, 10_000_000), '1.250000x');
  assert.equal(costFactor(32_000_000, 10_000_000), '3.2x');
  assert.equal(costFactor(1_000_000_001, 10_000_000), 'more than 100x');
  assert.equal(costFactor(1_000_000_000, 10_000_000), '100.0x');
  assert.equal(costExceededMessage('rule', 10_000_000), undefined);
  assert.equal(
    costExceededMessage('messageExpression', 20_000_000),
    'estimated messageExpression cost exceeds budget by factor of 2.0x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)',
  );
});

test('§3.6 sizes: max elements and min serialized sizes', () => {
  assert.equal(maxElements({ type: 'string', maxLength: 10 }), 40);
  assert.equal(maxElements({ type: 'string', enum: ['a', 'abcd'] }), 4);
  assert.equal(maxElements({ type: 'string' }), 3_145_726);
  assert.equal(maxElements({ type: 'array', items: { type: 'number' } }), 1_572_863);
  assert.equal(maxElements({ type: 'array', maxItems: 7, items: { type: 'number' } }), 7);
  assert.equal(maxElements({ type: 'object', additionalProperties: { type: 'string' } }), 393_215);
  assert.equal(maxElements({ type: 'string', format: 'date-time' }), 32);
  assert.equal(minSerializedSize({ type: 'boolean' }), 4);
  assert.equal(minSerializedSize({ type: 'object', required: ['name', 'opt'], properties: { name: { type: 'string' }, opt: { type: 'string', default: 'x' } } }), 2 + 4 + 2 + 4);
  assert.equal(minSerializedSize({ 'x-kubernetes-preserve-unknown-fields': true }), undefined);
});

test('unbounded cardinality divides the request size by the node min size', () => {
  assert.equal(ruleCostWithCardinality(2, undefined, { type: 'integer' }, false), 2 * Math.floor(3_145_728 / 2));
  assert.equal(ruleCostWithCardinality(2, 5, { type: 'integer' }, false), 10);
});

test('whole-CRD budget: total over 100M, up to four rules above 1% of the per-rule limit', () => {
  const rules = [
    { key: 'a', cost: 60_000_000 }, { key: 'b', cost: 30_000_000 }, { key: 'c', cost: 20_000_000 },
    { key: 'd', cost: 150_000 }, { key: 'e', cost: 120_000 }, { key: 'tiny', cost: 99_999 },
  ];
  const t = crdTotalCost(rules);
  assert.equal(t.total, 110_369_999);
  assert.deepEqual(t.mostExpensive, ['a', 'b', 'c', 'd']);
  assert.match(t.message!, /^x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of 1\.103700x/);
  assert.deepEqual(crdTotalCost(rules.slice(1)), { total: 50_369_999, mostExpensive: [] });
  assert.equal(CONTRIBUTED_TO_TOTAL_MESSAGE, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema');
});

function costOf(rule: string, schema: object): number | undefined {
  const selfType = schemaToCelType(schema, { rootName: 'self', isResourceRoot: false })!;
  return checkKubernetesCel(rule, crdRuleEnvironment({ version: '1.35', phase: 'new', selfType, oldSelf: true, field: 'rule', schema })).estimatedCost?.max;
}

test('estimates of TestCostEstimation shapes (cel-go + Kubernetes estimator)', () => {
  assert.equal(costOf('self.all(x, true)', { type: 'array', items: { type: 'number' }, maxItems: 10 }), 32);
  assert.equal(costOf('self.all(x, x == 0.0)', { type: 'array', items: { type: 'number' } }), 6_291_454);
  assert.equal(costOf("self.find('[0-9]+') == ''", { type: 'string', maxLength: 10 }), 11);
  assert.equal(costOf('self["a"] == self["b"]', { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } }), 8);
  assert.equal(costOf('has(self.a)', { type: 'object', properties: { a: { type: 'string' } } }), 1);
  // A ternary over a bounded list keeps its element size: no blow-up (istio serviceentries).
  const bounded = { type: 'object', properties: { l: { type: 'array', maxItems: 4, items: { type: 'string', maxLength: 8 } } } };
  assert.ok(costOf("(has(self.l) ? self.l : []).exists(k, k.contains('/'))", bounded)! < 200);
  // split() elements are bounded by the string they come from (openshift).
  assert.ok(costOf("self.split('/')[0].matches('^[a-z]+$')", { type: 'string', maxLength: 64 })! < 2_000);
});
