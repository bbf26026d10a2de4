/**
 * Pins the shortcuts of the cold-start work on the CEL check (bench/RESULTS.md, P2): each is
 * compared with the straightforward computation it replaced (kept here as a reference), on
 * hand-picked and generated inputs, so that a change in any result fails here.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Environment } from '@marcbachmann/cel-js';
import { parseDocument, type Scalar } from 'yaml';
import {
  allNodes, astIndex, childrenOf, exceedsDepth, parseCel, unalias, MAX_RECURSION_DEPTH, OPTIONAL_ENTRY_OP, type AstNode,
} from '../../server/src/cel/parse.js';
import { grammarIssue } from '../../server/src/cel/grammar.js';
import { regroupRelations } from '../../server/src/cel/precedence.js';
import { rewriteForCelJs, scanAndRewrite } from '../../server/src/cel/syntaxRewrite.js';
import { candidates, resolveOverload } from '../../server/src/cel/overloads.js';
import {
  Substitution, isAssignableList, isExactType, isDyn, renameParams, substitute, formatType, hasParams,
  BOOL, BYTES, DOUBLE, DURATION, DYN, ERROR, INT, NULL, STRING, TIMESTAMP, UINT, listOf, mapOf, optionalOf, param, typeOf,
} from '../../server/src/cel/types.js';
import { CelEnvironment } from '../../server/src/cel/environment.js';
import { kubernetesFeatures, kubernetesOverloads } from '../../server/src/cel/k8sLibraries.js';
import { celEnvironmentFor, checkKubernetesCel, crdRuleEnvironment, vapEnvironment, type BuiltEnvironment } from '../../server/src/cel/environments.js';
import { exactEmbeddedString } from '../../server/src/engine/embeddedString.js';
import type { CelType, OverloadDecl } from '../../server/src/cel/api.js';

const EXPRESSIONS = [
  'object.spec.replicas <= 10',
  "object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))",
  "object.spec.template.spec.?serviceAccountName.orValue('default') != 'robot'",
  '[1, 2, 3].map(x, x * 2).exists(y, y > 4) && {"a": 1}["a"] == 1',
  "'%s and %d'.format([[1, 'a'], {'k': [2, 'b']}]) == '' && [1, 'x'] == [] && cel.bind(v, [1, 'a'], v) == []",
  "duration('1s') < duration(object.x) && timestamp('2024-01-01T00:00:00Z') > timestamp(1) && 'a'.matches('[') && matches('a', 'b')",
  "object.x.find('a+') == '' && object.y.findAll('(') == [] && [?optional.of(1)] == [1] && {?'a': optional.none()} == {}",
  'a.b.c.d.e.f(x).g.h && prototype == __proto__ && x.prototype.y',
  'a == b < c && d != e >= f in g && (h == i) < j',
  'f(a,) || g(1, 2,) || x.h(3,)',
  'a ? b ? c : d : e',
  'a ? (b ? c : d) : e',
  'Object{spec: Object.spec{replicas: 3}}.spec.replicas == .5',
  'object.spec.containers.exists_one(c, c.name == "x") || object.spec.containers.existsOne(c, true) || object.all(k, v, true)',
  '-9223372036854775808 < 1 && -(1) == -1 && !true',
  'authorizer.requestResource.check("get").allowed() && authorizer.group("apps").resource("x").name("y").check("z").reason() == ""',
];

// ------------------------------------------------------------------ reference walks

/** The explicit-stack pre-order walk, with validators.ts's exemption flag per node. */
function walkedWithExemption(root: AstNode): Array<[AstNode, boolean]> {
  const out: Array<[AstNode, boolean]> = [];
  const stack: Array<[AstNode, boolean]> = [[root, false]];
  while (stack.length) {
    const [n, exempt] = stack.pop()!;
    out.push([n, exempt]);
    const name = n.op === 'call' || n.op === 'rcall' ? (n.args as [string])[0] : undefined;
    const childExempt = exempt || name === 'format' || name === 'bind';
    for (const c of childrenOf(n)) stack.push([c, childExempt]);
  }
  return out;
}

function referenceIndex(root: AstNode) {
  const all = walkedWithExemption(root);
  const callName = (n: AstNode) => (n.op === 'call' || n.op === 'rcall' ? (n.args as [string])[0] : undefined);
  return {
    selects: all.filter(([n]) => n.op === '.' || n.op === '.?').map(([n]) => n),
    identifiers: [...new Set(all.filter(([n]) => n.op === 'id').map(([n]) => unalias(n.args as string)))],
    memberCalls: all.filter(([n]) => n.op === 'rcall').map(([n]) => n),
    regexCalls: all.filter(([n]) => ['matches', 'find', 'findAll'].includes(callName(n) ?? '')).map(([n]) => n),
    literalChecks: all
      .filter(([n, exempt]) => ((n.op === 'list' || n.op === 'map') && !exempt) || ['duration', 'timestamp', 'matches'].includes(callName(n) ?? ''))
      .map(([n]) => n),
  };
}

describe('astIndex (built in the parse walk, kept on the root)', () => {
  test('lists what a full pre-order walk with exemption flags finds', () => {
    let indexed = 0;
    for (const src of EXPRESSIONS) {
      const ast = parseCel(src).ast;
      if (!ast) continue; // syntax errors (for the grammar test below)
      indexed++;
      const index = astIndex(ast);
      assert.deepEqual(
        { selects: index.selects, identifiers: index.identifiers, memberCalls: index.memberCalls, regexCalls: index.regexCalls, literalChecks: index.literalChecks },
        referenceIndex(ast),
        src,
      );
      assert.deepEqual(allNodes(ast), walkedWithExemption(ast).map(([n]) => n), src);
      assert.equal(astIndex(ast), index);
    }
    assert.ok(indexed >= EXPRESSIONS.length - 2);
  });

  test('is invisible on the tree: not an own enumerable key, parses of equal text stay deep-equal', () => {
    const src = EXPRESSIONS[1];
    const first = parseCel(src).ast!;
    astIndex(first);
    for (let i = 0; i < 200; i++) parseCel(`x${i} == ${i}`); // evicts `src`
    const again = parseCel(src).ast!;
    assert.notEqual(again, first);
    assert.deepEqual(Object.keys(first), Object.keys(again));
    assert.deepEqual(walkedWithExemption(again).map(([n]) => [n.op, n.start, n.end]), walkedWithExemption(first).map(([n]) => [n.op, n.start, n.end]));
  });
});

// ------------------------------------------------------------------ parse wrapper

/** cel-js as parse.ts configures it. */
const celJs = new Environment({
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
  limits: { maxAstNodes: 1_000_000, maxDepth: 10_000, maxListElements: 1_000_000, maxMapEntries: 1_000_000, maxCallArguments: 100_000 },
});

/** parse.ts's depth rule as it was written first: an explicit stack of [node, depth]. */
function referenceExceedsDepth(root: AstNode, limit: number): boolean {
  const stack: Array<[AstNode, number]> = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return true;
    const isChain = node.op === '&&' || node.op === '||';
    for (const c of childrenOf(node)) stack.push([c, isChain && c.op === node.op ? depth : depth + 1]);
  }
  return false;
}

function shape(node: AstNode): unknown {
  const a = node.args as unknown;
  let args: unknown;
  if (node.op === 'value' || node.op === 'id') args = typeof a === 'bigint' ? `${a}n` : a;
  else args = childrenOf(node).map(shape);
  return [node.op, node.start, node.end, node.pos, args];
}

describe('parse wrapper', () => {
  const nested = (n: number, open: string, close: string, inner = 'x') => open.repeat(n) + inner + close.repeat(n);
  const DEEP = [
    nested(248, '!', ''), nested(249, '!', ''), nested(250, '!', ''), nested(251, '!', ''),
    nested(249, '[', ']'), nested(250, '[', ']'), nested(251, '[', ']'),
    `${'a.'.repeat(249)}b`, `${'a.'.repeat(250)}b`,
    Array.from({ length: 600 }, (_, i) => `x${i}`).join(' && '),
    Array.from({ length: 300 }, (_, i) => `x${i}`).join(' && (') + ')'.repeat(299),
    Array.from({ length: 248 }, () => 'f(').join('') + 'a && b && c' + ')'.repeat(248),
    Array.from({ length: 249 }, () => 'f(').join('') + 'a && (b || c)' + ')'.repeat(249),
  ];

  test('exceedsDepth agrees with the explicit-stack walk at and around the limit', () => {
    for (const src of [...DEEP, ...EXPRESSIONS]) {
      let ast: AstNode;
      try {
        ast = celJs.parse(src).ast as unknown as AstNode;
      } catch {
        continue; // struct literals and the like: parse.ts rewrites those first
      }
      for (const limit of [1, 2, 3, 5, MAX_RECURSION_DEPTH]) assert.equal(exceedsDepth(ast, limit), referenceExceedsDepth(ast, limit), `${src.slice(0, 40)}… limit ${limit}`);
    }
  });

  test('regrouping and grammar checks in one walk give what the two separate walks gave', () => {
    const inputs = [...EXPRESSIONS, 'a == b < c', 'a == b < c < d', 'a != (b < c)', 'f(a == b <= c,)', 'x ? y ? 1 : 2 : 3', 'g(a ? b ? c : d : e, 1,)', 'a == b in c == d > e'];
    for (const src of inputs) {
      if (rewriteForCelJs(src)) continue; // the reference has no rewrite
      let reference: AstNode;
      try {
        reference = celJs.parse(src).ast as unknown as AstNode;
      } catch {
        continue;
      }
      regroupRelations(src, reference);
      const issue = grammarIssue(src, reference);
      const outcome = parseCel(src);
      if (issue) assert.deepEqual(outcome.issue, issue, src);
      else assert.deepEqual(shape(outcome.ast!), shape(reference), src);
    }
  });

  test('rewriteForCelJs: the pre-filter never skips a rewrite the scan would make, and the scan is unchanged', () => {
    const tokens = ['{', '}', '[', ']', '(', ')', '?', ',', '.', '.5', '5', 'a', 'Obj', 'in', 'true', '"s{?"', "'x'", "r'\\d'", "b'y'", ' ', '\n', '// c{?\n', ':', '!', '"""t{"""'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 30 }).map((t) => t.join('')), (src) => {
        const fast = rewriteForCelJs(src);
        const scanned = scanAndRewrite(src);
        const old = referenceRewrite(src);
        for (const [a, b] of [[fast, scanned], [scanned, old]] as const) {
          assert.equal(a?.text, b?.text, src);
          assert.deepEqual([...(a?.optionalMarkers ?? [])], [...(b?.optionalMarkers ?? [])], src);
          if (a && b) for (let i = 0; i <= a.text.length; i++) assert.equal(a.toOriginal(i), b.toOriginal(i), `${src} @${i}`);
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  test('parse cache: the last 32 texts are kept, older ones parse again to an equal tree', () => {
    const first = parseCel('object.spec.replicas <= 7123');
    for (let i = 0; i < 31; i++) parseCel(`y${i} == ${i}`);
    assert.equal(parseCel('object.spec.replicas <= 7123'), first);
    for (let i = 0; i < 100; i++) parseCel(`z${i} == ${i}`);
    const again = parseCel('object.spec.replicas <= 7123');
    assert.notEqual(again, first);
    assert.deepEqual(shape(again.ast!), shape(first.ast!));
  });
});

/** syntaxRewrite.ts's scan as first written (regular expressions per character), for the comparison. */
function referenceRewrite(src: string): { text: string; optionalMarkers: Set<number>; toOriginal(o: number): number } | undefined {
  const skipString = (i: number, raw: boolean): number => {
    const q = src[i];
    const triple = src.startsWith(q.repeat(3), i);
    let j = i + (triple ? 3 : 1);
    while (j < src.length) {
      if (!raw && src[j] === '\\') { j += 2; continue; }
      if (triple ? src.startsWith(q.repeat(3), j) : src[j] === q) return j + (triple ? 3 : 1);
      if (!triple && (src[j] === '\n' || src[j] === '\r')) return j;
      j++;
    }
    return src.length;
  };
  if (!/[{?]|\.[0-9]/.test(src)) return undefined;
  const insertions: Array<{ at: number; text: string }> = [];
  const markers = new Set<number>();
  const brackets: string[] = [];
  let previous = 'other';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') { i++; continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '"' || c === "'") { i = skipString(i, false); previous = 'value'; continue; }
    if (/[A-Za-z_]/.test(c)) {
      if (/[rRbB]/.test(c) && (src[i + 1] === '"' || src[i + 1] === "'")) { i = skipString(i + 1, c === 'r' || c === 'R'); previous = 'value'; continue; }
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      const word = src.slice(i, j);
      previous = word === 'in' ? 'other' : ['true', 'false', 'null'].includes(word) ? 'value' : 'ident';
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) { let j = i + 1; while (j < src.length && /[0-9A-Za-z_.]/.test(src[j])) j++; previous = 'value'; i = j; continue; }
    switch (c) {
      case '[': brackets.push(previous === 'ident' || previous === 'value' ? 'index' : 'list'); previous = 'open'; break;
      case '{': brackets.push(previous === 'ident' ? 'struct' : 'map'); if (previous === 'ident') insertions.push({ at: i, text: '.__kcg_new__(' }); previous = 'open'; break;
      case '(': brackets.push('paren'); previous = 'open'; break;
      case ']': case ')': case '}': if (brackets.pop() === 'struct' && c === '}') insertions.push({ at: i + 1, text: ')' }); previous = 'value'; break;
      case ',': previous = 'comma'; break;
      case '.':
        if (previous !== 'ident' && previous !== 'value' && /[0-9]/.test(src[i + 1] ?? '')) {
          insertions.push({ at: i, text: '0' });
          let j = i + 1;
          while (j < src.length && /[0-9A-Za-z_.]/.test(src[j])) j++;
          previous = 'value'; i = j; continue;
        }
        previous = 'other'; break;
      case '?': {
        const inside = brackets[brackets.length - 1];
        if ((previous === 'open' || previous === 'comma') && (inside === 'list' || inside === 'map' || inside === 'struct')) markers.add(i);
        previous = 'other'; break;
      }
      default: previous = 'other';
    }
    i++;
  }
  if (insertions.length === 0 && markers.size === 0) return undefined;
  const source = markers.size ? src.split('').map((ch, k) => (markers.has(k) ? '!' : ch)).join('') : src;
  let text = '';
  let from = 0;
  const starts: number[] = [];
  for (const ins of insertions) { text += source.slice(from, ins.at); starts.push(text.length); text += ins.text; from = ins.at; }
  text += source.slice(from);
  return {
    text,
    optionalMarkers: markers,
    toOriginal(offset: number): number {
      let shift = 0;
      for (let k = 0; k < insertions.length; k++) {
        if (offset < starts[k]) break;
        if (offset < starts[k] + insertions[k].text.length) return insertions[k].at;
        shift += insertions[k].text.length;
      }
      return offset - shift;
    },
  };
}

// ------------------------------------------------------------------ overload resolution

/** overloads.ts's resolution as first written: every overload of the call style, all instantiated. */
function referenceResolve(overloads: readonly OverloadDecl[], target: CelType | undefined, args: readonly CelType[], mapping: Substitution, freshName: () => string) {
  const actual = target === undefined ? args : [target, ...args];
  let result: CelType | undefined;
  const ids: string[] = [];
  for (const o of overloads) {
    if ((o.receiver === undefined) !== (target === undefined)) continue;
    if (o.params.length + (o.receiver === undefined ? 0 : 1) !== actual.length) continue;
    const declared = o.receiver === undefined ? o.params : [o.receiver, ...o.params];
    const generic = declared.some(hasParams) || hasParams(o.result);
    let params: readonly CelType[] = declared;
    let overloadResult = o.result;
    if (generic) {
      const fresh = new Map<string, string>();
      const rename = (n: string): string => {
        let v = fresh.get(n);
        if (!v) fresh.set(n, (v = freshName()));
        return v;
      };
      params = declared.map((p) => renameParams(p, rename));
      overloadResult = renameParams(o.result, rename);
    }
    if (!isAssignableList(mapping, actual, params)) continue;
    ids.push(o.id);
    const r = substitute(mapping, overloadResult, false);
    if (result === undefined) result = r;
    else if (!isDyn(result) && !isExactType(r, result)) result = DYN;
  }
  return result === undefined ? undefined : { result, ids };
}

const OBJ: CelType = { kind: 'object', name: 'Thing', fields: () => new Map() };
const TYPE_POOL: CelType[] = [
  INT, UINT, DOUBLE, BOOL, STRING, BYTES, NULL, TIMESTAMP, DURATION, DYN, ERROR, { kind: 'any' }, OBJ, typeOf(INT),
  listOf(INT), listOf(STRING), listOf(DYN), listOf(listOf(INT)), mapOf(STRING, INT), mapOf(STRING, DYN), mapOf(INT, listOf(STRING)),
  optionalOf(INT), optionalOf(STRING), optionalOf(listOf(INT)), optionalOf(mapOf(STRING, BOOL)), param('P'), listOf(param('Q')), optionalOf(param('R')),
];

describe('overload resolution (buckets by call style and arity, early rejection)', () => {
  const env = new CelEnvironment({ variables: {}, overloads: kubernetesOverloads('1.35', 'new'), features: kubernetesFeatures('1.35', 'new') });
  const names = [...env.functions.keys()];

  test('candidates() are the overloads of that call style and arity, in declared order', () => {
    for (const [name, list] of env.functions) {
      for (const member of [false, true]) {
        for (let arity = 0; arity <= 4; arity++) {
          const want = list.filter((o) => (o.receiver !== undefined) === member && o.params.length + (o.receiver ? 1 : 0) === arity);
          assert.deepEqual(candidates(list, member, arity), want, `${name}/${member}/${arity}`);
        }
      }
    }
  });

  test('gives the result, the overload ids, the bindings and the fresh type-variable numbering of trying every overload', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.option(fc.constantFrom(...TYPE_POOL), { nil: undefined }),
        fc.array(fc.constantFrom(...TYPE_POOL), { maxLength: 3 }),
        fc.array(fc.tuple(fc.constantFrom('P', 'Q', 'R'), fc.constantFrom(...TYPE_POOL.filter((t) => !hasParams(t)))), { maxLength: 2 }),
        (name, target, args, bindings) => {
          const run = (resolve: typeof resolveOverload) => {
            const mapping = new Substitution();
            for (const [p, t] of bindings) mapping.add(p, t);
            let n = 0;
            const r = resolve(env.functions.get(name)!, target, args, mapping, () => `_var${n++}`);
            const bound = ['P', 'Q', 'R', ...Array.from({ length: n }, (_, i) => `_var${i}`)].map((v) => {
              const t = mapping.find(v);
              return t && formatType(t);
            });
            return { result: r && formatType(r.result), ids: r?.ids, bound, fresh: n };
          };
          assert.deepEqual(run(resolveOverload), run(referenceResolve));
        },
      ),
      { numRuns: 4000, seed: 11 },
    );
  });

  test('unbound type variables are numbered as before in messages', () => {
    const vap = vapEnvironment({ version: '1.35', phase: 'new', objectType: DYN, paramsType: null, field: 'validation' });
    const messages = (src: string) => checkKubernetesCel(src, vap).issues.map((i) => i.message);
    assert.ok(messages('(1 + 1 > 0) && [?[]] == 1').includes("expected type 'optional_type(list(_var1))' but found 'list(_var1)'"));
    assert.ok(messages("size('a') + 1 == [?[]]").includes("expected type 'optional_type(list(_var4))' but found 'list(_var4)'"));
  });
});

// ------------------------------------------------------------------ environments

describe('environment tables and identities', () => {
  test('configurations with the same overload list share one function table, equal to building it afresh', () => {
    const overloads = kubernetesOverloads('1.35', 'new');
    const features = kubernetesFeatures('1.35', 'new');
    const a = new CelEnvironment({ variables: { x: INT }, overloads, features });
    const b = new CelEnvironment({ variables: { y: STRING }, overloads, features: { ...features } });
    assert.equal(a.functions, b.functions);
    const other = new CelEnvironment({ variables: {}, overloads: [...overloads], features: kubernetesFeatures('1.35', 'stored') });
    assert.notEqual(other.functions, a.functions);
    assert.deepEqual([...other.functions.keys()].sort(), [...new Set([...other.functions.keys()])].sort());
    for (const [name, list] of a.functions) assert.deepEqual(list.map((o) => o.id), (other.functions.get(name) ?? []).map((o) => o.id), name);
  });

  test('celEnvironmentFor: one per configuration object; copies and frozen configurations get their own', () => {
    const env = vapEnvironment({ version: '1.35', phase: 'new', objectType: DYN, paramsType: null, field: 'validation' });
    assert.equal(celEnvironmentFor(env), celEnvironmentFor(env));
    assert.equal(celEnvironmentFor(env), celEnvironmentFor({ ...env }));
    const copy: BuiltEnvironment = { ...env, config: { ...env.config } };
    assert.notEqual(celEnvironmentFor(copy), celEnvironmentFor(env));
    assert.deepEqual(Object.keys(copy.config), Object.keys(env.config));
    const frozen: BuiltEnvironment = { ...env, config: Object.freeze({ ...env.config }) };
    assert.equal(celEnvironmentFor(frozen), celEnvironmentFor(frozen));
    assert.deepEqual(checkKubernetesCel('object.x == 1', frozen).issues, checkKubernetesCel('object.x == 1', env).issues);
  });

  test('builders memoise on every input: equal inputs give the same environment, different ones another', () => {
    const schema = { type: 'object' };
    const crd = (o: Partial<Parameters<typeof crdRuleEnvironment>[0]>) =>
      crdRuleEnvironment({ version: '1.35', phase: 'stored', selfType: DYN, oldSelf: true, field: 'rule', schema, ...o });
    assert.equal(crd({}), crd({}));
    const variants = [crd({}), crd({ cardinality: null }), crd({ cardinality: 0 }), crd({ cardinality: 1 }), crd({ oldSelf: 'optional' }), crd({ oldSelf: false }), crd({ isResourceRoot: true }), crd({ field: 'messageExpression' }), crd({ phase: 'new' }), crd({ schema: { type: 'object' } })];
    assert.equal(new Set(variants).size, variants.length);
  });

  test('qualified names: a selection is still a dotted variable or type name where one exists', () => {
    const env = new CelEnvironment({
      variables: { 'a.b': INT, a: mapOf(STRING, STRING), c: OBJ },
      overloads: [],
      features: kubernetesFeatures('1.35', 'new'),
      types: { 'pkg.T': OBJ },
    });
    assert.equal(formatType(env.check('a.b').type!), 'int');
    assert.equal(formatType(env.check('a.x').type!), 'string');
    assert.equal(formatType(env.check('pkg.T').type!), 'type(Thing)');
    assert.equal(env.check('c.b').issues[0]?.message, "undefined field 'b'");
    // A proxy answering every `Object.*` name (MAP patch types) cannot be listed: every chain is looked up.
    const proxied = new CelEnvironment({
      variables: {},
      overloads: [],
      features: kubernetesFeatures('1.35', 'new'),
      types: new Proxy({} as Record<string, CelType>, { get: (_t, k) => (typeof k === 'string' && k.startsWith('Object') ? OBJ : undefined) }),
    });
    assert.equal(formatType(proxied.check('Object.spec.x').type!), 'type(Thing)');
  });
});

// ------------------------------------------------------------------ embedded strings

describe('embeddedString: one-line quoted scalars use their source text', () => {
  test('the value is exactly what yaml gives, for any such scalar', () => {
    const plainChar = fc.constantFrom('a', 'Z', '0', ' ', '\t', '.', '{', '}', '[', ']', '?', ':', '#', '-', 'é', '✓', '😀', '%', '!');
    fc.assert(
      fc.property(fc.array(plainChar, { maxLength: 20 }), fc.constantFrom('"', "'"), fc.constantFrom('', '!!str ', '   '), (chars, quote, prefix) => {
        const yaml = `k: ${prefix}${quote}${chars.join('')}${quote}\n`;
        const node = parseDocument(yaml, { keepSourceTokens: true }).get('k', true) as Scalar;
        if (typeof node?.value !== 'string') return;
        const mapped = exactEmbeddedString(node, yaml);
        assert.equal(mapped?.value, node.value, yaml);
      }),
      { numRuns: 1500, seed: 3 },
    );
  });
});

// Keep the optional-entry import used.
export const _OPTIONAL = OPTIONAL_ENTRY_OP;
