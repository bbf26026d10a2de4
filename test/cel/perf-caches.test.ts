/**
 * Pins the caches and shortcuts added for speed (bench/RESULTS.md): each must give exactly what
 * the uncached computation gives, however often and in whatever order it is asked.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, type Scalar } from 'yaml';
import { allNodes, childrenOf, parseCel, type AstNode } from '../../server/src/cel/parse.js';
import { CelEnvironment } from '../../server/src/cel/environment.js';
import { Checker } from '../../server/src/cel/checker.js';
import { Substitution, listOf, mapOf, optionalOf, param, substitute, INT, STRING, DYN } from '../../server/src/cel/types.js';
import { kubernetesFeatures, kubernetesOverloads } from '../../server/src/cel/k8sLibraries.js';
import { checkKubernetesCel, vapEnvironment } from '../../server/src/cel/environments.js';
import { exactEmbeddedString } from '../../server/src/engine/embeddedString.js';
import { matchedKinds } from '../../server/src/checks/admission/matchedKinds.js';
import { bundledSchemas } from '../../server/src/schemas/registry.js';
import { EMPTY_WORKSPACE } from '../../server/src/engine/analyze.js';
import type { CelType } from '../../server/src/cel/api.js';

/** The explicit-stack pre-order walk allNodes replaces. */
function walked(root: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    stack.push(...childrenOf(n));
  }
  return out;
}

const EXPRESSIONS = [
  'object.spec.replicas <= 10',
  "object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))",
  "object.spec.template.spec.?serviceAccountName.orValue('default') != 'robot'",
  '[1, 2, 3].map(x, x * 2).exists(y, y > 4) && {"a": 1}["a"] == 1',
  'lists.range(3).size() == 3',
  'a.b.c.d.e.f.g.h',
];

describe('parseCel cache', () => {
  test('the same text gives the same outcome object; a syntax error stays an error', () => {
    for (const src of [...EXPRESSIONS, 'object.', '1 +']) assert.equal(parseCel(src), parseCel(src));
    assert.ok(parseCel('object.').issue);
  });

  test('evicted entries parse again to an equal AST', () => {
    const first = parseCel('object.spec.replicas <= 7');
    for (let i = 0; i < 1000; i++) parseCel(`x${i} == ${i}`);
    const again = parseCel('object.spec.replicas <= 7');
    assert.notEqual(again, first);
    assert.deepEqual(walked(again.ast!).map((n) => [n.op, n.start, n.end]), walked(first.ast!).map((n) => [n.op, n.start, n.end]));
  });
});

describe('allNodes', () => {
  test('is the pre-order of an explicit-stack walk, computed once per AST', () => {
    for (const src of EXPRESSIONS) {
      const ast = parseCel(src).ast!;
      assert.deepEqual(allNodes(ast), walked(ast));
      assert.equal(allNodes(ast), allNodes(ast));
    }
  });
});

describe('CelEnvironment check cache (admitted on second use)', () => {
  const env = vapEnvironment({ version: '1.35', phase: 'new', objectType: DYN, paramsType: null, field: 'validation' });
  test('first, second and later checks give identical results', () => {
    for (const src of [...EXPRESSIONS, 'object.', "'a' + 1", 'undefinedFn(1)']) {
      const runs = [0, 1, 2, 3].map(() => checkKubernetesCel(src, env));
      for (const r of runs.slice(1)) {
        assert.deepEqual(r.issues, runs[0].issues, src);
        assert.deepEqual(r.type, runs[0].type, src);
      }
    }
  });

  test('returned issues are copies: changing them does not leak into later checks', () => {
    const ce = new CelEnvironment({ variables: { x: INT }, overloads: [], features: kubernetesFeatures('1.35', 'new') });
    const expected = structuredClone(ce.check("x + 'a'").issues);
    assert.equal(expected.length, 1);
    for (let i = 0; i < 3; i++) {
      const r = ce.check("x + 'a'");
      assert.deepEqual(r.issues, expected);
      r.issues[0].start = 99;
      r.issues.push({ ...r.issues[0] });
    }
  });
});

describe('Checker.qualifiedName (memoised)', () => {
  test('matches the dotted spelling of identifier/selection chains, undefined otherwise', () => {
    const ast = parseCel('a.b.c.d.e.f(x).g.h').ast!;
    const checker = new Checker('', {
      variables: new Map(), typeIdents: new Map(), lookupType: () => undefined, functions: new Map(), features: kubernetesFeatures('1.35', 'new'),
    });
    const reference = (node: AstNode): string | undefined => {
      const parts: string[] = [];
      let n = node;
      while (n.op === '.') {
        const [operand, field] = n.args as [AstNode, string];
        parts.push(field);
        n = operand;
      }
      return n.op === 'id' ? [...parts, n.args as string].reverse().join('.') : undefined;
    };
    // Ask in both orders (outermost first, then innermost first) to exercise the memo both ways.
    const nodes = allNodes(ast);
    for (const n of [...nodes, ...[...nodes].reverse()]) assert.equal(checker.qualifiedName(n), reference(n));
  });
});

describe('substitute', () => {
  test('returns the same object when nothing is bound, a substituted copy otherwise', () => {
    const m = new Substitution();
    const t = mapOf(STRING, listOf(optionalOf(INT)));
    assert.equal(substitute(m, t, true), t);
    const p = listOf(param('T'));
    assert.deepEqual(substitute(m, p, true), listOf(DYN));
    assert.equal(substitute(m, p, false), p);
    m.add('T', STRING);
    assert.deepEqual(substitute(m, p, false), listOf(STRING));
    assert.deepEqual(p, listOf(param('T')), 'the input is never changed');
  });
});

describe('version gating shortcut', () => {
  test('qualified library functions of a later release are still KCG1007; others are not', () => {
    const old = vapEnvironment({ version: '1.30', phase: 'new', objectType: DYN, paramsType: null, field: 'validation' });
    const gated = checkKubernetesCel('lists.range(3).size() == 3', old).issues;
    assert.ok(gated.some((i) => i.code === 'KCG1007'), JSON.stringify(gated));
    assert.deepEqual(checkKubernetesCel("object.metadata.name.startsWith('a')", old).issues, []);
    assert.ok(kubernetesOverloads('1.35', 'new').length > 0);
  });
});

describe('embeddedString: one-line quoted fast path', () => {
  /** The scalar at `key` parsed with and without CST tokens (without: the general walk). */
  function both(yaml: string): [Scalar, Scalar, string] {
    const withTokens = parseDocument(yaml, { keepSourceTokens: true }).get('k', true) as Scalar;
    const without = parseDocument(yaml).get('k', true) as Scalar;
    return [withTokens, without, yaml];
  }
  const CASES = [
    'k: "object.spec.replicas <= 10"\n',
    "k: 'object.spec.replicas <= 10'\n",
    'k: ""\n',
    "k: ''\n",
    'k: "a\\"b"\n',
    "k: 'it''s'\n",
    'k: "tab\there"\n',
    'k: "x"   # comment\n',
    'k: "ünïcode ✓"\n',
  ];
  test('maps every offset and range exactly as the general walk', () => {
    for (const yaml of CASES) {
      const [fast, general, text] = both(yaml);
      const a = exactEmbeddedString(fast, text)!;
      const b = exactEmbeddedString(general, text)!;
      assert.equal(a.value, b.value, yaml);
      const n = a.value.length;
      for (let i = -1; i <= n + 1; i++) assert.equal(a.toSource(i), b.toSource(i), `${yaml} toSource(${i})`);
      for (let s = 0; s <= n + 1; s++) {
        for (let e = s - 1; e <= n + 1; e++) assert.deepEqual(a.sourceRange(s, e), b.sourceRange(s, e), `${yaml} sourceRange(${s}, ${e})`);
      }
    }
  });
});

describe('matchedKinds (rest mapper answers kept per schema source)', () => {
  test('repeated questions give equal answers', () => {
    const rules = parseDocument('- apiGroups: ["apps"]\n  apiVersions: ["v1"]\n  resources: ["deployments", "replicasets"]\n').contents;
    const bundled = bundledSchemas('1.35');
    const first = matchedKinds(rules, bundled, EMPTY_WORKSPACE);
    assert.deepEqual(first.map((k) => k.kind), ['Deployment', 'ReplicaSet']);
    for (let i = 0; i < 3; i++) assert.deepEqual(matchedKinds(rules, bundled, EMPTY_WORKSPACE), first);
  });
});

// Keeps the CelType import used even if the assertions above change.
export type _T = CelType;
