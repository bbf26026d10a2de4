/**
 * Runs the expectations Kubernetes' own unit tests encode (../shared/corpus/k8s-typecheck-cases.json)
 * through the Kubernetes CEL environments. Every failing record must be listed with a reason in
 * known-gaps.json, and every listed record must still fail: so both a regression and an
 * improvement make this test fail (update known-gaps.json with KCG_WRITE_GAPS=1 and review it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CelIssue, CelType, OverloadDecl } from '../../server/src/cel/api.js';
import {
  authenticationEnvironment, authorizationEnvironment, checkKubernetesCel, crdRuleEnvironment, mapEnvironment,
  vapEnvironment, type BuiltEnvironment,
} from '../../server/src/cel/environments.js';
import { schemaToCelType } from '../../server/src/cel/schemaTypes.js';
import { escape } from '../../server/src/cel/escaping.js';
import { CONTRIBUTED_TO_TOTAL_MESSAGE, crdTotalCost } from '../../server/src/cel/cost.js';
import type { KubernetesVersion } from '../../server/src/engine/options.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CASES_FILE = `${REPO_ROOT}../shared/corpus/k8s-typecheck-cases.json`;
const GAPS_FILE = `${REPO_ROOT}test/corpus/known-gaps.json`;

/** The corpus comes from Kubernetes 1.36 tests; 1.35 stored ≈ 1.36 new (same option set). */
const VERSION: KubernetesVersion = '1.35';
const DYN: CelType = { kind: 'dyn' };

type Rec = Record<string, any>;
type Outcome = { status: 'pass' } | { status: 'skip'; why: string } | { status: 'fail'; reason: string };

// ------------------------------------------------------------------ rendering like the apiserver

/** cel-go issue text: `ERROR: <input>:L:C: msg` + snippet (columns in code points, 1-based). */
function renderIssue(src: string, issue: CelIssue): string {
  const before = src.slice(0, issue.start);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = [...src.slice(lineStart, issue.start)].length + 1;
  const srcLine = src.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col}: ${issue.message}\n | ${srcLine.replace(/\t/g, ' ')}\n | ${'.'.repeat(col - 1)}^`;
}

interface Checked {
  errors: CelIssue[];
  text: string;
  cost?: { min: number; max: number };
}

function check(expression: string, env: BuiltEnvironment, includeCost = false): Checked {
  const r = checkKubernetesCel(expression, env);
  const errors = r.issues.filter((i) => i.severity === 'error' && (includeCost || i.code !== 'KCG1006'));
  const compile = errors.filter((i) => i.code !== 'KCG1005' && i.code !== 'KCG1006');
  const parts: string[] = [];
  if (compile.length) parts.push(env.compileErrorPrefix + compile.map((i) => renderIssue(expression, i)).join('\n'));
  for (const i of errors) if (i.code === 'KCG1005' || i.code === 'KCG1006') parts.push(i.message);
  return { errors, text: parts.join('\n'), cost: r.estimatedCost };
}

/** Drops test-harness decoration from an expected fragment so it compares with issue text. */
function normalizeFragment(f: string): string {
  return f
    .replace(/ \((test asserts|fragment inferred)[^)]*\)$/, '')
    .replace(/^compile error: /, '')
    .replace(/^[\w.[\]*{},]+: Invalid value: "(?:[^"\\]|\\.)*": /, '');
}

function compare(rec: Rec, got: Checked): Outcome {
  const valid = got.errors.length === 0;
  if (rec.expectValid && !valid) return { status: 'fail', reason: `expected valid, got: ${oneLine(got.text)}` };
  if (!rec.expectValid && valid) return { status: 'fail', reason: `expected invalid (${rec.expectedMessageFragment ?? 'no fragment'}), got no error` };
  if (!rec.expectValid && rec.expectedMessageFragment) {
    const fragment = normalizeFragment(rec.expectedMessageFragment);
    if (!got.text.includes(fragment)) return { status: 'fail', reason: `message differs: expected '${fragment}', got: ${oneLine(got.text)}` };
  }
  return { status: 'pass' };
}

function oneLine(s: string): string {
  const first = s.split('\n')[0];
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}

// ------------------------------------------------------------------ per kind

function selfTypeOf(schema: unknown, isResourceRoot: boolean): CelType {
  return schemaToCelType((schema ?? {}) as object, { rootName: 'self', isResourceRoot }) ?? DYN;
}

/**
 * Two records extend the StoredExpressions env with a test-only library introduced at 1.999
 * (fakeFunction / test); the matching NewExpressions records show it is then undeclared. We add
 * the same declaration to the stored env, which exercises our phase model the same way.
 */
function withTestOnlyLibrary(rec: Rec, env: BuiltEnvironment): BuiltEnvironment {
  if (!/test-only library/.test(String(rec.environment ?? '')) || env.phase !== 'stored') return env;
  const overloads: OverloadDecl[] = [
    { name: 'fakeFunction', id: 'fake_function_string', params: [{ kind: 'string' }], result: { kind: 'string' } },
    { name: 'test', id: 'test_bool', params: [], result: { kind: 'bool' } },
  ];
  return { ...env, config: { ...env.config, overloads: [...env.config.overloads, ...overloads] } };
}

function phaseOf(rec: Rec): 'new' | 'stored' {
  return typeof rec.environment === 'string' && rec.environment.startsWith('NewExpressions') ? 'new' : 'stored';
}

function evalCrd(rec: Rec): Outcome {
  const isRoot = rec.isRoot === true;
  const selfType = selfTypeOf(rec.schema, isRoot);
  const rules: Rec[] = rec['x-kubernetes-validations'] ?? [{ rule: rec.expression }];
  const phase = phaseOf(rec);
  const results: Checked[] = [];
  for (const v of rules) {
    const oldSelf = v.optionalOldSelf === true ? 'optional' : true;
    if (typeof v.rule === 'string') {
      results.push(check(v.rule, withTestOnlyLibrary(rec, crdRuleEnvironment({ version: VERSION, phase, selfType, oldSelf, field: 'rule' }))));
    }
    if (typeof v.messageExpression === 'string') {
      results.push(check(v.messageExpression, crdRuleEnvironment({ version: VERSION, phase, selfType, oldSelf, field: 'messageExpression' })));
    }
  }
  return compare(rec, { errors: results.flatMap((r) => r.errors), text: results.map((r) => r.text).filter(Boolean).join('\n') });
}

/** Estimated-cost expectations of TestCostEstimation (separate ids: '<id>#cost'). */
function evalCrdCost(rec: Rec): Outcome | undefined {
  if (rec.expectedEstimatedCost === undefined && rec.expectedEstimatedCostAtLeast === undefined) return undefined;
  const isRoot = rec.isRoot === true;
  const selfType = selfTypeOf(rec.schema, isRoot);
  const env = crdRuleEnvironment({ version: VERSION, phase: 'stored', selfType, oldSelf: true, field: 'rule', schema: rec.schema, isResourceRoot: isRoot });
  const got = check(rec.expression, env, true);
  const max = got.cost?.max;
  if (max === undefined) return { status: 'fail', reason: `no estimate: ${oneLine(got.text)}` };
  if (rec.expectedEstimatedCost !== undefined && max !== rec.expectedEstimatedCost) {
    return { status: 'fail', reason: `estimated ${max}, expected ${rec.expectedEstimatedCost}` };
  }
  if (rec.expectedEstimatedCostAtLeast !== undefined && max < rec.expectedEstimatedCostAtLeast) {
    return { status: 'fail', reason: `estimated ${max}, expected at least ${rec.expectedEstimatedCostAtLeast}` };
  }
  const flagged = got.errors.some((i) => i.code === 'KCG1006');
  if (rec.crdLevelExpectation && !flagged) return { status: 'fail', reason: 'cost not flagged although the CRD would be rejected' };
  if (!rec.crdLevelExpectation && flagged) return { status: 'fail', reason: 'cost flagged although within the limit' };
  return { status: 'pass' };
}

/** Whole-schema records: compile every rule at its node and compare the error paths. */
function evalCrdSchema(rec: Rec): Outcome {
  const relevant = ((rec.expectedErrors ?? []) as Rec[]).filter(
    (e) => /x-kubernetes-validations\[\d+\]\.(rule|messageExpression)$/.test(e.field) && (e.type === 'Invalid value' || e.type === 'Forbidden'),
  );
  if (!rec.expectValid && relevant.length === 0) return { status: 'skip', why: 'structural-schema or non-CEL error only' };
  // MustBaseEnvSet(v) takes the compatibility version: its new-expression env holds the options
  // introduced up to v, which is what our stored env of release v holds.
  const versionMatch = /MustBaseEnvSet\(version\.MajorMinor\(1, (\d+)\)\)/.exec(rec.validationOptions ?? '');
  const version = (versionMatch ? `1.${versionMatch[1]}` : VERSION) as KubernetesVersion;
  const phase = 'stored';
  const found: Array<{ key: string; text: string }> = [];
  const costs: Array<{ key: string; cost: number }> = [];
  const visit = (node: Rec, path: string, isResourceRoot: boolean, cardinality: number | null, correlatable: boolean, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 50) return;
    const rules: Rec[] = Array.isArray(node['x-kubernetes-validations']) ? node['x-kubernetes-validations'] : [];
    if (rules.length) {
      const selfType = selfTypeOf(node, isResourceRoot);
      rules.forEach((v, i) => {
        const oldSelf = !correlatable ? false : v.optionalOldSelf === true ? 'optional' : true;
        for (const field of ['rule', 'messageExpression'] as const) {
          if (typeof v[field] !== 'string') continue;
          const env = crdRuleEnvironment({ version, phase, selfType, oldSelf, field, schema: node, isResourceRoot, cardinality });
          const got = check(v[field], env, true);
          const at = `spec.validation.openAPIV3Schema${path}.x-kubernetes-validations[${i}].${field}`;
          costs.push({ key: `Forbidden ${at}`, cost: checkKubernetesCel(v[field], env).ruleCost ?? 0 });
          if (got.errors.some((e) => e.code !== 'KCG1006')) found.push({ key: `Invalid value ${at}`, text: got.text });
          else if (got.errors.length) found.push({ key: `Forbidden ${at}`, text: got.text });
        }
      });
    }
    // oldSelf correlation stops below non-map lists and maps of an unrecognized map type.
    const mapType = node['x-kubernetes-map-type'];
    const mapCorrelatable = correlatable && (mapType === undefined || mapType === 'granular' || mapType === 'atomic');
    for (const [name, prop] of Object.entries((node.properties ?? {}) as Record<string, Rec>)) {
      if (escape(name) === undefined && !prop?.['x-kubernetes-validations']) continue;
      visit(prop, `${path}.properties[${name}]`, prop?.['x-kubernetes-embedded-resource'] === true, cardinality, mapCorrelatable, depth + 1);
    }
    const mul = (limit: unknown) => (cardinality === null || typeof limit !== 'number' ? null : cardinality * limit);
    if (node.items && typeof node.items === 'object') {
      const listCorrelatable = correlatable && node['x-kubernetes-list-type'] === 'map';
      visit(node.items, `${path}.items`, node.items['x-kubernetes-embedded-resource'] === true, mul(node.maxItems), listCorrelatable, depth + 1);
    }
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      const ap = node.additionalProperties;
      visit(ap, `${path}.additionalProperties`, ap['x-kubernetes-embedded-resource'] === true, mul(node.maxProperties), mapCorrelatable, depth + 1);
    }
  };
  visit(rec.schema, '', true, 1, true, 0);
  const total = crdTotalCost(costs);
  for (const key of total.mostExpensive) found.push({ key, text: CONTRIBUTED_TO_TOTAL_MESSAGE });
  const want = new Set(relevant.map((e) => `${e.type} ${e.field}`));
  const got = new Set(found.map((f) => f.key));
  const missing = [...want].filter((k) => !got.has(k));
  const extra = [...got].filter((k) => !want.has(k));
  if (missing.length || extra.length) {
    const detail = extra.length ? ` unexpected: ${extra[0]}: ${oneLine(found.find((f) => f.key === extra[0])!.text)}` : '';
    return { status: 'fail', reason: `${missing.length ? `missing ${missing.join(', ')}` : ''}${detail}`.trim() };
  }
  const allText = found.map((f) => f.text).join('\n');
  // Fragments of evaluation-time failures are not compile output: only compile-OK is checked.
  if (rec.expectedRuntimeErrorFragments) return { status: 'pass' };
  for (const frag of (rec.expectedErrorFragments ?? []) as string[]) {
    if (!allText.includes(normalizeFragment(frag))) return { status: 'fail', reason: `message differs: expected '${frag}', got: ${oneLine(allText)}` };
  }
  return { status: 'pass' };
}

function evalAdmissionCel(rec: Rec): Outcome {
  const ctx = rec.context ?? {};
  const base = vapEnvironment({ version: VERSION, phase: ctx.environment === 'StoredExpressions' ? 'stored' : 'new', paramsType: ctx.hasParams ? undefined : null, field: 'validation' });
  // The generic compiler under test declares neither `variables` nor, unless asked, the authorizer.
  const variables = Object.fromEntries(
    Object.entries(base.config.variables).filter(([k]) => k !== 'variables' && (ctx.hasAuthorizer || !k.startsWith('authorizer'))),
  );
  const env: BuiltEnvironment = { ...base, config: { ...base.config, variables } };
  return compare(rec, check(rec.expression, withTestOnlyLibrary(rec, env)));
}

/** Compiles spec.variables in order; a failing variable contributes dyn (§2.5). */
function compileVariables(vars: Rec[] | undefined, build: (v: Array<{ name: string; type: CelType | undefined }>) => BuiltEnvironment) {
  const out: Array<{ name: string; type: CelType | undefined }> = [];
  for (const v of vars ?? []) {
    const r = checkKubernetesCel(v.expression, build([...out]));
    out.push({ name: v.name, type: r.issues.some((i) => i.severity === 'error') ? undefined : r.type });
  }
  return out;
}

function evalVap(rec: Rec): Outcome {
  if (rec.schema === null || rec.expression === null) return compare(rec, { errors: [], text: '' }); // nothing is type-checked
  const kind = /\b([A-Z]\w*)\b/.exec(rec.referencedType ?? '')?.[1] ?? 'Object';
  const objectType = schemaToCelType(rec.schema, { rootName: kind, isResourceRoot: true, quantityAsDyn: true }) ?? DYN;
  const paramsType = rec.policy?.paramKind ? objectType : null;
  const build = (variables: Array<{ name: string; type: CelType | undefined }>) =>
    vapEnvironment({ version: VERSION, phase: 'stored', objectType, paramsType, variables, field: 'variable' });
  const variables = compileVariables(rec.variables ?? rec.policy?.variables, build);
  // Type checking declares the authorizer for every expression and accepts any result type (§7.3).
  const env: BuiltEnvironment = { ...build(variables), expected: { kind: 'any' } };
  return compare(rec, check(rec.expression, env));
}

function evalMap(rec: Rec): Outcome {
  const field = rec.patchType === 'JSONPatch' ? 'jsonPatch' : 'applyConfiguration';
  const paramsType = rec.paramKind ? undefined : null;
  const variables = compileVariables(rec.variables, (vs) => mapEnvironment({ version: VERSION, phase: 'new', paramsType, variables: vs, field: 'variable' }));
  return compare(rec, check(rec.expression, mapEnvironment({ version: VERSION, phase: 'new', paramsType, variables, field })));
}

function evalAuthn(rec: Rec): Outcome {
  if (rec.structuralCheck || rec.crossExpressionRule) return { status: 'skip', why: 'configuration-structure rule, not CEL typing' };
  const field = String(rec.expressionField ?? '');
  const boolRule = /ValidationRules/.test(field);
  const env =
    rec.environment === 'user'
      ? authenticationEnvironment({ version: VERSION, field: 'userValidationRule' })
      : authenticationEnvironment({ version: VERSION, field: boolRule ? 'claimValidationRule' : 'claimMapping' });
  return compare(rec, check(rec.expression, env));
}

function evalAuthz(rec: Rec): Outcome {
  if (rec.structuralCheck) return { status: 'skip', why: 'configuration-structure rule, not CEL typing' };
  const selectorsOff = /AuthorizeWithSelectors=false/.test(rec.featureGate ?? '');
  return compare(rec, check(rec.expression, authorizationEnvironment({ version: VERSION, authorizeWithSelectors: !selectorsOff })));
}

function evaluate(rec: Rec): Outcome {
  try {
    switch (rec.kind) {
      case 'crd':
        return typeof rec.expression === 'string' ? evalCrd(rec) : { status: 'skip', why: 'no expression' };
      case 'crd-schema':
        return evalCrdSchema(rec);
      case 'admission-cel':
        return evalAdmissionCel(rec);
      case 'vap':
        return evalVap(rec);
      case 'map':
        return evalMap(rec);
      case 'authn':
        return evalAuthn(rec);
      case 'authz':
        return evalAuthz(rec);
      default:
        return { status: 'skip', why: `kind '${rec.kind}' is not about CEL type checking` };
    }
  } catch (e) {
    return { status: 'fail', reason: `threw: ${(e as Error).message}` };
  }
}

// ------------------------------------------------------------------ the test

test('Kubernetes type-check corpus: failures equal known-gaps.json', { skip: !existsSync(CASES_FILE) && 'corpus not available' }, () => {
  const cases = JSON.parse(readFileSync(CASES_FILE, 'utf8')) as Rec[];
  const failures: Record<string, string> = {};
  const counts: Record<string, { pass: number; fail: number; skip: number }> = {};
  const tally = (key: string, o: Outcome) => {
    counts[key] ??= { pass: 0, fail: 0, skip: 0 };
    counts[key][o.status]++;
  };
  for (const rec of cases) {
    const o = evaluate(rec);
    tally(rec.kind, o);
    if (o.status === 'fail') failures[rec.id] = o.reason;
    if (rec.kind === 'crd') {
      const c = evalCrdCost(rec);
      if (c) {
        tally('crd-cost', c);
        if (c.status === 'fail') failures[`${rec.id}#cost`] = c.reason;
      }
    }
  }
  let pass = 0;
  let total = 0;
  for (const [kind, c] of Object.entries(counts)) {
    pass += c.pass;
    total += c.pass + c.fail;
    console.log(`  ${kind}: ${c.pass}/${c.pass + c.fail} pass, ${c.skip} skipped`);
  }
  console.log(`k8s-typecheck-cases: ${pass}/${total} pass (${((100 * pass) / total).toFixed(1)}%), ${Object.keys(failures).length} known gaps`);

  if (process.env.KCG_WRITE_GAPS === '1') {
    const previous = existsSync(GAPS_FILE) ? (JSON.parse(readFileSync(GAPS_FILE, 'utf8')) as Record<string, string>) : {};
    // Keep hand-written reasons for gaps that persist; new gaps get the observed outcome.
    const merged = Object.fromEntries(Object.keys(failures).sort().map((id) => [id, previous[id] ?? failures[id]]));
    writeFileSync(GAPS_FILE, `${JSON.stringify(merged, null, 1)}\n`);
  }
  const known = JSON.parse(readFileSync(GAPS_FILE, 'utf8')) as Record<string, string>;
  const newFailures = Object.keys(failures).filter((id) => !(id in known)).map((id) => `${id}: ${failures[id]}`);
  const fixed = Object.keys(known).filter((id) => !(id in failures));
  assert.deepEqual(newFailures, [], 'new failures (regressions) — fix them or list them in known-gaps.json');
  assert.deepEqual(fixed, [], 'known gaps that now pass — remove them from known-gaps.json');
});
