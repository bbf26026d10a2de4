/**
 * The dyn pass of admission policies (the apiserver's API validation, `object`/`params` as dyn)
 * derives its result from a clean schema-typed pass instead of checking the expression again
 * (issuesInWiderEnvironment, server/src/cel/environments.ts). That is a pure speed-up: these tests
 * run the derivation in verification mode (every derived result also checked for real) over the
 * corpora, the Kubernetes type-check cases and generated expressions, assert that it never differs,
 * that whole-file findings are identical with the derivation on and off, and that it really is
 * taken (so the tests cannot pass vacuously).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';
import { bundledSchemas } from '../../server/src/schemas/registry.js';
import { EMPTY_WORKSPACE } from '../../server/src/engine/analyze.js';
import { resourceType } from '../../server/src/checks/admission/resourceTypes.js';
import { dynPassDerivation } from '../../server/src/checks/admission/policyExpressions.js';
import { vap } from '../fixtures/k8s.js';
import { checkKubernetesCel, issuesInWiderEnvironment, vapEnvironment, type VapField } from '../../server/src/cel/environments.js';
import { schemaToCelType } from '../../server/src/cel/schemaTypes.js';
import type { CelType } from '../../server/src/cel/api.js';
import type { KubernetesVersion } from '../../server/src/engine/options.js';

const CORPUS = path.join(process.cwd(), '..', 'shared', 'corpus');
const EXAMPLES = path.join(process.cwd(), 'examples');
const VERSIONS: KubernetesVersion[] = ['1.30', '1.32', '1.34', '1.35'];
const FIELDS: VapField[] = ['matchCondition', 'validation', 'messageExpression', 'auditAnnotation', 'variable'];
const DYN: CelType = { kind: 'dyn' };

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Policies in the shape of bench/generate.mjs (plus variables, params and other fields). */
function generatedPolicies(): string {
  const docs: string[] = [];
  const shapes = [
    (i: number) => `object.spec.replicas <= ${i}`,
    (i: number) => `object.spec.template.spec.containers.all(c, c.image.startsWith('registry-${i}.example.com/'))`,
    (i: number) => `object.metadata.name.startsWith('team-${i}-')`,
    (i: number) => `object.spec.template.spec.?serviceAccountName.orValue('default') != 'robot-${i}'`,
    (i: number) => `object.spec.template.spec.containers.all(c, c.securityContext.?runAsNonRoot == optional.of(true) || c.name == 'legacy-${i}')`,
    (i: number) => `object.spec.template.spec.containers.exists_one(c, c.name == 'app-${i}') || size(object.spec.template.spec.containers) > ${i}`,
    (i: number) => `!has(object.spec.template.spec.hostNetwork) || object.spec.?minReadySeconds.orValue(0) > ${i}`,
    (i: number) => `object.spec.replcas <= ${i}`,
    (i: number) => `object.spec.paused`,
    (i: number) => `object.metadata.name`,
    (i: number) => `object.spec.template.spec.containers.map(c, c.name).size() > ${i}`,
    (i: number) => `params.data.size() > ${i} && object.metadata.namespace == params.metadata.name`,
    (i: number) => `variables.names.all(n, n != 'x-${i}')`,
    (i: number) => `object.spec.template.spec.containers.all(c, c.resources.limits.cpu != '${i}')`,
  ];
  for (let i = 0; i < 40; i++) {
    const e = (k: number) => JSON.stringify(shapes[(i + k) % shapes.length](i));
    docs.push(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: p-${i}
spec:
${i % 3 === 0 ? '  paramKind:\n    apiVersion: v1\n    kind: ConfigMap\n' : ''}  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["deployments"${i % 4 === 0 ? ', "replicasets"' : ''}]
  matchConditions:
  - name: m
    expression: ${e(1)}
  variables:
  - name: names
    expression: object.spec.template.spec.containers.map(c, c.name)
  validations:
  - expression: ${e(0)}
    messageExpression: ${e(2)}
  - expression: ${e(3)}
  auditAnnotations:
  - key: a
    valueExpression: ${e(4)}
`);
  }
  // Where the derivation must not apply (each would change a finding if it did): list and map
  // literals (their homogeneity is checked on the element types), and `variables`, typed in each
  // pass from that pass's own results (here `v` is int in the dyn pass but dyn, after an error,
  // in the typed one).
  docs.push(vap({ name: 'guards', apiGroup: 'apps', resource: 'deployments' }, `  variables:
  - name: v
    expression: object.spec.replcas + 1
  validations:
  - expression: "[object.spec.replicas, 1].size() == 2"
  - expression: "{'a': object.spec.replicas, 'b': 1}.size() == 2"
  - expression: "variables.v.startsWith('a')"
  - expression: "[object.spec.replicas, 1].all(x, x > 0)"
`));
  return docs.join('---\n');
}

describe('dyn-pass derivation', () => {
  after(() => {
    dynPassDerivation.enabled = true;
    dynPassDerivation.verify = false;
  });

  test('over the corpora, the examples and generated policies: derived = checked, findings unchanged', () => {
    const all = [...yamlFiles(CORPUS), ...yamlFiles(EXAMPLES)].map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
    const workspace = createWorkspaceIndex(all);
    // Only admission policies and webhooks have a dyn pass (the rest only slows the test down).
    const files = all.filter((f) => /AdmissionPolicy|WebhookConfiguration/.test(f.text));
    files.push({ path: 'generated.yaml', text: generatedPolicies() });
    dynPassDerivation.mismatches.length = 0;
    dynPassDerivation.derived = 0;
    for (const version of VERSIONS) {
      for (const file of files) {
        for (const ws of [workspace, EMPTY_WORKSPACE]) {
          dynPassDerivation.enabled = false;
          dynPassDerivation.verify = false;
          const reference = analyzeText(file.text, { kubernetesVersion: version }, ws);
          dynPassDerivation.enabled = true;
          dynPassDerivation.verify = true;
          const derived = analyzeText(file.text, { kubernetesVersion: version }, ws);
          assert.deepEqual(derived, reference, `${file.path} (${version})`);
        }
      }
    }
    assert.deepEqual(dynPassDerivation.mismatches, []);
    // Not vacuous: most clean expressions of the corpus are derived.
    assert.ok(dynPassDerivation.derived > 500, `only ${dynPassDerivation.derived} derived`);
    console.log(`derived ${dynPassDerivation.derived} in ${files.length} files`);
  });

  test('the Kubernetes type-check cases, in every admission field and several schema types', { skip: !fs.existsSync(path.join(CORPUS, 'k8s-typecheck-cases.json')) && 'no ../shared/corpus' }, () => {
    const cases = JSON.parse(fs.readFileSync(path.join(CORPUS, 'k8s-typecheck-cases.json'), 'utf8')) as unknown[];
    const expressions = new Set<string>();
    const collect = (v: unknown, key: string): void => {
      if (typeof v === 'string' && ['expression', 'rule', 'messageExpression', 'valueExpression'].includes(key)) expressions.add(v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, Array.isArray(v) ? key : k);
    };
    collect(cases, '');
    const schemaTypes: CelType[] = [DYN];
    for (const rec of cases as Array<Record<string, unknown>>) {
      if (rec.kind === 'vap' && rec.schema) schemaTypes.push(schemaToCelType(rec.schema as object, { rootName: 'Object', isResourceRoot: true, quantityAsDyn: true }) ?? DYN);
    }
    const derived = verifyExpressions([...expressions], schemaTypes.slice(0, 4), ['1.35']);
    assert.ok(derived > 200, `only ${derived} derived`);
    console.log(`derived ${derived} of ${expressions.size} expressions`);
  });

  test('generated expressions over Deployment, Pod and ConfigMap params', () => {
    let derived = 0;
    fc.assert(
      fc.property(expression(3), (e) => {
        derived += verifyExpressions([e], [], ['1.35', '1.31']);
      }),
      { numRuns: 400, seed: 4242 },
    );
    assert.ok(derived > 100, `only ${derived} derived`);
    console.log(`derived ${derived} generated`);
  });
});

/**
 * For each expression, field and typed environment: whenever the derivation applies, it equals a
 * real check in the dyn environment. Returns how many were derived.
 */
function verifyExpressions(expressions: string[], extraTypes: CelType[], versions: KubernetesVersion[]): number {
  const bundled = bundledSchemas('1.35');
  const kinds = [
    resourceType({ group: 'apps', version: 'v1', kind: 'Deployment' }, bundled, EMPTY_WORKSPACE)!,
    resourceType({ group: '', version: 'v1', kind: 'Pod' }, bundled, EMPTY_WORKSPACE)!,
  ];
  const configMap = resourceType({ group: '', version: 'v1', kind: 'ConfigMap' }, bundled, EMPTY_WORKSPACE)!;
  let derived = 0;
  for (const version of versions) {
    for (const phase of ['new', 'stored'] as const) {
      for (const field of FIELDS) {
        for (const withParams of [false, true]) {
          const wider = vapEnvironment({ version, phase, objectType: DYN, paramsType: withParams ? DYN : null, field });
          for (const objectType of [...kinds, ...extraTypes]) {
            const narrower = vapEnvironment({ version, phase, objectType, paramsType: withParams ? configMap : null, field, preciseVariables: true });
            for (const e of expressions) {
              const typed = checkKubernetesCel(e, narrower);
              const shortcut = issuesInWiderEnvironment(e, typed, narrower, wider);
              if (!shortcut) continue;
              derived++;
              assert.deepEqual(shortcut, checkKubernetesCel(e, wider).issues, `${JSON.stringify(e)} (${field}, ${version} ${phase}, params ${withParams})`);
            }
          }
        }
      }
    }
  }
  return derived;
}

/** Mostly well-typed expressions over Deployment/Pod fields, params and the CEL libraries. */
function expression(depth: number): fc.Arbitrary<string> {
  const leaf = fc.constantFrom(
    'object.spec.replicas', 'object.metadata.name', 'object.metadata.labels', 'object.spec.template.spec.containers',
    'object.spec.paused', 'object.spec.template.spec.hostNetwork', 'object.spec.containers', 'object.status',
    'object.metadata.annotations["a"]', 'oldObject.metadata.name', 'params.data', 'params.data.x', 'request.operation',
    'request.userInfo.username', 'object.spec.?minReadySeconds', 'object.spec.template.spec.?serviceAccountName',
    'object.spec.template.spec.containers[0]', 'object.spec.template.spec.containers[0].image', 'namespaceObject.metadata.name',
    "'abc'", '1', '2u', '1.5', 'true', 'null', "b'x'", "duration('1s')", "timestamp('2024-01-01T00:00:00Z')", 'variables.x',
    'authorizer.requestResource', "quantity('1Gi')", "ip('10.0.0.1')",
  );
  if (depth === 0) return leaf;
  const sub = expression(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 3, arbitrary: fc.tuple(sub, fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '&&', '||', 'in'), sub).map(([a, op, b]) => `${a} ${op} ${b}`) },
    { weight: 1, arbitrary: sub.map((a) => `!(${a})`) },
    { weight: 1, arbitrary: sub.map((a) => `-(${a})`) },
    { weight: 1, arbitrary: fc.tuple(sub, sub, sub).map(([a, b, c]) => `${a} ? ${b} : ${c}`) },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('size()', 'startsWith("a")', 'endsWith("b")', 'contains("c")', 'matches("^a+$")', 'orValue(0)', 'orValue("x")', 'hasValue()', 'value()', 'lowerAscii()', 'split(",")', 'isSorted()', 'sum()', 'indexOf("a")', 'isGreaterThan(quantity("1"))', 'getHours()')).map(([a, f]) => `(${a}).${f}`) },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('all', 'exists', 'exists_one', 'map', 'filter'), sub).map(([a, m, b]) => `(${a}).${m}(x, ${b.replace(/object\.spec\.replicas/g, 'x')})`) },
    { weight: 1, arbitrary: sub.map((a) => `has(${a.includes('.') && /^[\w.]+$/.test(a) ? a : 'object.spec.replicas'})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('size', 'int', 'string', 'double', 'dyn', 'type', 'optional.of', 'optional.none'), sub).map(([f, a]) => (f === 'optional.none' ? 'optional.none()' : `${f}(${a})`)) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]) => `[${a}, ${b}]`) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]) => `{${a}: ${b}}`) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]) => `(${a})[${b}]`) },
    { weight: 1, arbitrary: sub.map((a) => `(${a}).?name`) },
  );
}
