/**
 * Released CRDs are an oracle: the apiserver refuses a CRD whose rules do not compile or exceed the
 * cost budget, so every rule in ../shared/corpus/crds must check clean through the whole engine
 * (YAML documents → schema walk → CEL), and mutations of those rules must be caught at the right
 * characters of the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Scalar } from 'yaml';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { embeddedString } from '../../server/src/engine/embeddedString.js';
import type { Finding } from '../../server/src/engine/findings.js';

const CORPUS = path.join(process.cwd(), '..', 'shared', 'corpus', 'crds');
const OPTIONS = { kubernetesVersion: '1.35' as const };

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

const files = yamlFiles(CORPUS);

test('every rule of every released CRD checks clean through the engine', { skip: files.length === 0 && 'no ../shared/corpus' }, () => {
  let documents = 0;
  const problems: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    documents += text.split(/^---/m).length;
    for (const f of analyzeText(text, OPTIONS)) {
      if (f.severity === 'error' || f.severity === 'warning') {
        problems.push(`${path.relative(CORPUS, file)}@${f.start}: ${f.code} ${f.message}`);
      }
    }
  }
  assert.ok(files.length >= 80, `expected the 81 corpus CRD files, found ${files.length}`);
  assert.deepEqual(problems, [], `false positives in released CRDs (${documents} documents)`);
});

interface RuleSite {
  /** The rule scalar's value and its mapping to file offsets. */
  value: string;
  toSource: (i: number) => number;
  /** Properties of the schema node carrying the rule, with their types. */
  properties: Map<string, string | undefined>;
  /** A CEL string literal that needs no escaping inside this YAML scalar's style. */
  quote: string;
}

/** Every x-kubernetes-validations rule of a file with the schema properties of its node. */
function ruleSites(text: string): RuleSite[] {
  const sites: RuleSite[] = [];
  const visit = (node: unknown): void => {
    if (isSeq(node)) return node.items.forEach(visit);
    if (!isMap(node)) return;
    const rules = node.get('x-kubernetes-validations', true);
    const props = node.get('properties', true);
    if (isSeq(rules) && isMap(props)) {
      const properties = new Map<string, string | undefined>();
      for (const p of props.items) {
        if (isScalar(p.key) && isMap(p.value)) properties.set(String(p.key.value), p.value.get('type') as string | undefined);
      }
      for (const r of rules.items) {
        const rule = isMap(r) ? r.get('rule', true) : undefined;
        if (!isScalar(rule) || typeof rule.value !== 'string') continue;
        const mapped = embeddedString(rule as Scalar, text);
        const quote = rule.type === 'QUOTE_SINGLE' ? '"' : "'";
        if (mapped) sites.push({ value: mapped.value, toSource: (i) => mapped.toSource(i), properties, quote });
      }
    }
    for (const p of node.items) visit(p.value);
  };
  // Whole-file parse: node ranges are then file offsets, as the mutations need.
  for (const doc of parseAllDocuments(text, { keepSourceTokens: true })) if (!('empty' in doc)) visit(doc.contents);
  return sites;
}

/** Applies a replacement of value[start, end) at the corresponding file characters, if they map 1:1. */
function mutate(text: string, site: RuleSite, start: number, end: number, replacement: string): { text: string; at: number } | undefined {
  const s = site.toSource(start);
  const e = site.toSource(end - 1) + 1;
  if (text.slice(s, e) !== site.value.slice(start, end)) return undefined; // an escape or a fold in between
  return { text: text.slice(0, s) + replacement + text.slice(e), at: s };
}

function findingsOver(findings: Finding[], text: string, code: string): Array<{ f: Finding; covered: string }> {
  return findings.filter((f) => f.code === code).map((f) => ({ f, covered: text.slice(f.start, f.end) }));
}

const MUTATION_FILES = files.filter((f) => /gateway-api\/standard|kueue|jobset|cluster-api/.test(f));

test('mutation: a renamed field in a valid rule is an undefined field at its exact characters', { skip: MUTATION_FILES.length === 0 && 'no corpus' }, () => {
  let tried = 0;
  for (const file of MUTATION_FILES) {
    const text = fs.readFileSync(file, 'utf8');
    for (const site of ruleSites(text)) {
      const m = /(?<![.\w])self\.([A-Za-z_]\w*)/.exec(site.value);
      if (!m || !site.properties.has(m[1])) continue;
      const nameStart = m.index + 'self.'.length;
      const renamed = `${m[1]}Zz`;
      const mutated = mutate(text, site, nameStart, nameStart + m[1].length, renamed);
      if (!mutated) continue;
      tried++;
      const hits = findingsOver(analyzeText(mutated.text, OPTIONS), mutated.text, 'KCG1003');
      const hit = hits.find((h) => h.f.message === `undefined field '${renamed}'`);
      assert.ok(hit, `${path.basename(file)}: renaming self.${m[1]} in ${JSON.stringify(site.value)} was not caught`);
      assert.equal(hit.covered, `.${renamed}`, 'the finding covers the dot and the misspelt name');
      assert.equal(hit.f.end, mutated.at + renamed.length);
      assert.equal(hit.f.severity, 'error');
      if (tried >= 60) return;
    }
  }
  assert.ok(tried >= 20, `only ${tried} rules could be mutated`);
});

test('mutation: comparing an integer field with a string has no matching overload, at the operator', { skip: MUTATION_FILES.length === 0 && 'no corpus' }, () => {
  let tried = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const site of ruleSites(text)) {
      const m = /(?<![.\w])self\.([A-Za-z_]\w*)\s*(<=|>=|<|>|==|!=)\s*(\d+)(?![.\w])/.exec(site.value);
      if (!m || site.properties.get(m[1]) !== 'integer') continue;
      const litStart = m.index + m[0].length - m[3].length;
      const mutated = mutate(text, site, litStart, litStart + m[3].length, `${site.quote}${m[3]}${site.quote}`);
      if (!mutated) continue;
      tried++;
      const findings = analyzeText(mutated.text, OPTIONS);
      const hit = findingsOver(findings, mutated.text, 'KCG1004').find((h) => h.f.message === `found no matching overload for '_${m[2]}_' applied to '(int, string)'`);
      assert.ok(hit, `${path.basename(file)}: ${JSON.stringify(site.value)} with a string operand was not caught: ${findings.map((f) => f.message).join('; ')}`);
      assert.equal(hit.covered, m[2], 'the finding covers the operator');
      if (tried >= 30) return;
    }
  }
  assert.ok(tried >= 2, `only ${tried} rules could be mutated`);
});

test('mutation: a dropped closing paren is a syntax error inside the rule', { skip: MUTATION_FILES.length === 0 && 'no corpus' }, () => {
  let tried = 0;
  for (const file of MUTATION_FILES) {
    const text = fs.readFileSync(file, 'utf8');
    for (const site of ruleSites(text)) {
      const close = site.value.lastIndexOf(')');
      if (close < 0) continue;
      const mutated = mutate(text, site, close, close + 1, '');
      if (!mutated) continue;
      tried++;
      const syntax = analyzeText(mutated.text, OPTIONS).filter((f) => f.code === 'KCG1001');
      assert.equal(syntax.length, 1, `${path.basename(file)}: ${JSON.stringify(site.value)} without its last ')'`);
      const ruleStart = site.toSource(0);
      const ruleEnd = site.toSource(site.value.length - 1) + 1;
      assert.ok(syntax[0].start >= ruleStart && syntax[0].end <= ruleEnd, 'the syntax error lies inside the rule');
      assert.match(syntax[0].message, /^Syntax error: /);
      if (tried >= 40) return;
    }
  }
  assert.ok(tried >= 20, `only ${tried} rules could be mutated`);
});

test('mutation in a policy: an int compared with a string, inside a double-quoted YAML string, at the operator', () => {
  const policy = (expr: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - expression: "${expr}"
`;
  assert.deepEqual(analyzeText(policy('object.spec.replicas <= 5'), OPTIONS), []);
  const text = policy("object.spec.replicas <= '5'");
  const [f, ...rest] = analyzeText(text, OPTIONS);
  assert.deepEqual(rest, []);
  assert.equal(text.slice(f.start, f.end), '<=');
  assert.equal(f.code, 'KCG1004');
  assert.equal(f.severity, 'warning', 'found only with the Deployment schema: the apiserver reports it in status.typeChecking');
  assert.equal(f.message, "found no matching overload for '_<=_' applied to '(int, string)' (apps/v1, Kind=Deployment)");
});
