/**
 * Released CRDs (../shared/corpus/crds) were all accepted by real apiservers, so every rule must
 * type-check cleanly at its schema position and stay within the static cost budgets (§6).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { checkKubernetesCel, crdRuleEnvironment } from '../../server/src/cel/environments.js';
import { schemaToCelType } from '../../server/src/cel/schemaTypes.js';
import { crdTotalCost } from '../../server/src/cel/cost.js';

const CRD_DIR = fileURLToPath(new URL('../../../../shared/corpus/crds', import.meta.url));

type Node = Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
}

interface RuleOutcome {
  where: string;
  rule: string;
  problems: string[];
  cost: number;
}

/** Compiles every rule of one openAPIV3Schema like the apiserver does on CRD create. */
function checkSchema(root: Node, where: string): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  const visit = (node: Node, path: string, isResourceRoot: boolean, cardinality: number | null, correlatable: boolean, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 100) return;
    const rules: Node[] = Array.isArray(node['x-kubernetes-validations']) ? node['x-kubernetes-validations'] : [];
    if (rules.length) {
      const selfType = schemaToCelType(node, { rootName: 'self', isResourceRoot }) ?? { kind: 'dyn' as const };
      rules.forEach((v, i) => {
        for (const field of ['rule', 'messageExpression'] as const) {
          if (typeof v[field] !== 'string') continue;
          const oldSelf = !correlatable ? false : v.optionalOldSelf === true ? 'optional' : true;
          const env = crdRuleEnvironment({ version: '1.35', phase: 'new', selfType, oldSelf, field, schema: node, isResourceRoot, cardinality });
          const r = checkKubernetesCel(v[field], env);
          out.push({
            where: `${where}${path}.x-kubernetes-validations[${i}].${field}`,
            rule: v[field],
            problems: r.issues.filter((x) => x.severity === 'error').map((x) => `${x.code} ${x.message}`),
            cost: r.ruleCost ?? 0,
          });
        }
      });
    }
    const mapType = node['x-kubernetes-map-type'];
    const mapCorrelatable = correlatable && (mapType === undefined || mapType === 'granular' || mapType === 'atomic');
    for (const [name, prop] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
      visit(prop, `${path}.properties[${name}]`, prop?.['x-kubernetes-embedded-resource'] === true, cardinality, mapCorrelatable, depth + 1);
    }
    const mul = (limit: unknown) => (cardinality === null || typeof limit !== 'number' ? null : cardinality * limit);
    if (node.items && typeof node.items === 'object' && !Array.isArray(node.items)) {
      const listCorrelatable = correlatable && node['x-kubernetes-list-type'] === 'map';
      visit(node.items, `${path}.items`, node.items['x-kubernetes-embedded-resource'] === true, mul(node.maxItems), listCorrelatable, depth + 1);
    }
    const ap = node.additionalProperties;
    if (ap && typeof ap === 'object') visit(ap, `${path}.additionalProperties`, ap['x-kubernetes-embedded-resource'] === true, mul(node.maxProperties), mapCorrelatable, depth + 1);
  };
  visit(root, '', true, 1, true, 0);
  return out;
}

/** Findings of the Kubernetes dialect (cost, version gating, dropped fields), reported separately. */
const DIALECT_CODES = new Set(['KCG1006', 'KCG1007', 'KCG1010']);

test('released CRDs: every rule checks clean and within the cost budgets', { skip: !existsSync(CRD_DIR) && 'corpus not available' }, () => {
  const failures: string[] = [];
  const dialectFailures: string[] = [];
  let rules = 0;
  let versions = 0;
  for (const file of yamlFiles(CRD_DIR)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as Node | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec?.versions ?? []) {
        const schema = v.schema?.openAPIV3Schema;
        if (!schema) continue;
        versions++;
        const where = `${file.slice(CRD_DIR.length + 1)} ${crd.metadata?.name} ${v.name}`;
        const outcomes = checkSchema(schema, where);
        rules += outcomes.length;
        for (const o of outcomes) {
          if (!o.problems.length) continue;
          const line = `${o.where}: ${o.rule} → ${o.problems.join('; ')}`;
          if (o.problems.some((p) => DIALECT_CODES.has(p.slice(0, 7)))) dialectFailures.push(line);
          else failures.push(line);
        }
        const total = crdTotalCost(outcomes.map((o) => ({ key: o.where, cost: o.cost })));
        if (total.message) dialectFailures.push(`${where}: ${total.message}`);
      }
    }
  }
  console.log(`released CRDs: ${rules} rule/messageExpression instances in ${versions} schema versions, ${failures.length} unexpected findings`);
  for (const f of [...dialectFailures, ...failures].slice(0, 40)) console.log(`  ${f}`);
  assert.ok(rules > 2000, 'the corpus was read');
  assert.deepEqual(dialectFailures, [], 'cost / version-gating false positives on released CRDs');
  assert.deepEqual(failures, [], 'type-check false positives on released CRDs');
});
