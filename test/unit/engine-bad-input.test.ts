/**
 * Bad input gets a clear diagnostic or nothing — never a throw, a hang or findings outside the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, FileAnalyzer } from '../../server/src/engine/analyze.js';
import type { Finding } from '../../server/src/engine/findings.js';

const OPTIONS = { kubernetesVersion: '1.35' as const };

function assertInRange(text: string, findings: Finding[]): void {
  for (const f of findings) {
    assert.ok(f.start >= 0 && f.start <= f.end && f.end <= text.length, `finding ${f.code} at ${f.start}-${f.end} outside a ${text.length}-char text`);
  }
}

const policy = (expr: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - expression: ${expr}
`;

test('broken YAML is one syntax finding at the broken place, and the other documents are still checked', () => {
  const text = `key: [unclosed\n---\n${policy("'object.spec.replicas > '")}`;
  const findings = analyzeText(text, OPTIONS);
  assertInRange(text, findings);
  const yaml = findings.filter((f) => f.code === 'KCG2001');
  assert.ok(yaml.length >= 1);
  assert.ok(yaml.every((f) => f.end <= text.indexOf('---')), 'the YAML error stays in the first document');
  assert.ok(findings.some((f) => f.code === 'KCG1001'), 'the half-typed expression in the second document is reported');
});

test('half-typed CEL: each prefix of an expression gives a syntax error or nothing, inside the string', () => {
  const expr = "object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))";
  for (let n = 1; n <= expr.length; n++) {
    const text = policy(JSON.stringify(expr.slice(0, n)));
    const findings = analyzeText(text, OPTIONS);
    assertInRange(text, findings);
    const start = text.indexOf('- expression: ') + '- expression: '.length;
    for (const f of findings) assert.ok(f.start >= start, `prefix ${n}: ${f.code} ${f.message} before the expression`);
  }
});

test('unknown kinds, empty documents and non-mapping documents give nothing', () => {
  for (const text of ['', '---\n---\n', 'just a string\n', '- a\n- b\n', 'apiVersion: example.com/v1\nkind: Widget\nspec: {x: 1}\n', '42\n']) {
    assert.deepEqual(analyzeText(text, OPTIONS), [], JSON.stringify(text));
  }
});

test('a policy on a resource with no known schema is still checked, with object as dyn', () => {
  const text = policy('"object.spec.anything == 1 && object.spec.replicas.foo(1)"').replace('apiGroups: [apps]', 'apiGroups: [example.com]').replace('resources: [deployments]', 'resources: [widgets]');
  const findings = analyzeText(text, OPTIONS).filter((f) => f.severity !== 'info');
  assert.deepEqual(findings.map((f) => [f.code, text.slice(f.start, f.end)]), [['KCG1002', 'foo']]);
});

test('binary junk and lone surrogates never throw', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let round = 0; round < 50; round++) {
    let s = '';
    for (let i = 0; i < 2000; i++) s += String.fromCharCode(Math.floor(rand() * 0xffff));
    const findings = analyzeText(s, OPTIONS);
    assertInRange(s, findings);
  }
});

test('a 5 MB file of policies is checked completely, and an edit re-checks only its document', () => {
  const docs: string[] = [];
  for (let i = 0; docs.join('---\n').length < 5_000_000; i++) {
    docs.push(policy(JSON.stringify(`object.spec.replicas <= ${i} && object.metadata.name.startsWith('app-${i}')`)));
  }
  const text = docs.join('---\n');
  const analyzer = new FileAnalyzer(OPTIONS);
  assert.deepEqual(analyzer.analyze(text), []);
  const at = text.lastIndexOf('replicas');
  const edited = text.slice(0, at) + 'replicaz' + text.slice(at + 'replicas'.length);
  const findings = analyzer.analyze(edited);
  assert.deepEqual(findings.map((f) => [f.code, edited.slice(f.start, f.end)]), [['KCG1003', '.replicaz']]);
});
