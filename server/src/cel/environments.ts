/**
 * One environment builder per place CEL appears in Kubernetes YAML (k8s-cel.md §1): the
 * variables in scope, the libraries of the chosen Kubernetes version and phase, and the
 * result type the consumer enforces with its exact apiserver wording (§7.2).
 */
import type { CelEnvironmentConfig, CelFeatures, CelField, CelIssue, CelType, ExpectedResult, OverloadDecl } from './api.js';
import { CelEnvironment, resultTypeIssue, type AstNode, type CheckedExpression } from './environment.js';
import { CEL_CODES } from './issues.js';
import { COST_CODE, costExceededMessage, estimateCost, ruleCostWithCardinality } from './cost.js';
import type { KubernetesVersion } from '../engine/options.js';
import {
  ADMISSION_REQUEST, AUTHORIZER, JSON_PATCH, LIBRARY_TYPES, NAMESPACE, RESOURCE_CHECK, T, USER_INFO,
  listOf, mapOf, optionalOf, subjectAccessReviewSpecType, variablesType,
} from './k8sTypes.js';
import { formatTypeName } from './types.js';
import {
  kubernetesFeatures, kubernetesOverloads, minorOf, versionGatingIssues, type LibraryOptions, type Phase,
} from './k8sLibraries.js';
import { droppedFieldNotes } from './schemaTypes.js';
import { allNodes, astIndex } from './parse.js';

export interface BuiltEnvironment {
  config: CelEnvironmentConfig;
  expected: ExpectedResult;
  version: KubernetesVersion;
  phase: Phase;
  /** How the apiserver prefixes compile errors for this field ('compilation failed: ' …). */
  compileErrorPrefix: string;
  /** CRD rules only: what the static cost check (KCG1006) needs. */
  cost?: RuleCostInfo;
  /** CRD rules on the uncorrelatable portion of the schema: oldSelf is not declared. */
  oldSelfUncorrelatable?: boolean;
}

export interface RuleCostInfo {
  /** Schema of the node carrying the rule (self's schema). */
  schema: object;
  isResourceRoot: boolean;
  /** Product of maxItems/maxProperties of enclosing arrays/maps; undefined = some is unbounded. */
  cardinality: number | undefined;
  what: 'rule' | 'messageExpression';
}

/** Builders return the same BuiltEnvironment for the same inputs, so CelEnvironments are reused. */
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
const builtCache = new Map<string, BuiltEnvironment>();
const BUILT_CACHE_LIMIT = 500;

/** A key part that tells apart every value the builders take (objects by identity). */
function identity(v: unknown): string {
  switch (typeof v) {
    case 'string': return `${v.length}"${v}`; // length-prefixed: no separator inside can mislead
    case 'undefined': return 'u';
    case 'boolean': return v ? 't' : 'f';
    case 'number': return `d${v}`;
    case 'object': case 'function': break;
    default: return `?${String(v)}`; // bigint, symbol: not taken by any builder
  }
  if (v === null) return 'n';
  let id = objectIds.get(v as object);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(v as object, id);
  }
  return `#${id}`;
}

function memo(kind: string, parts: unknown[], build: () => BuiltEnvironment): BuiltEnvironment {
  const key = `${kind}|${parts.map(identity).join('|')}`;
  let hit = builtCache.get(key);
  if (!hit) {
    hit = build();
    builtCache.set(key, hit);
    if (builtCache.size > BUILT_CACHE_LIMIT) builtCache.delete(builtCache.keys().next().value!);
  }
  return hit;
}

function libraries(
  version: KubernetesVersion,
  phase: Phase,
  opts: LibraryOptions = {},
): { overloads: OverloadDecl[]; features: CelEnvironmentConfig['features']; types: Record<string, CelType> } {
  return { overloads: kubernetesOverloads(version, phase, opts), features: kubernetesFeatures(version, phase, opts), types: LIBRARY_TYPE_NAMES };
}

/** Library types are usable as type values (`type(ip('1.2.3.4')) == net.IP`). */
const LIBRARY_TYPE_NAMES: Record<string, CelType> = Object.fromEntries(
  Object.values(LIBRARY_TYPES).map((t) => [formatTypeName(t), t]),
);

/** `must evaluate to <T> but got <U>` (admission, authorization). */
function exactWithButGot(types: CelType[]): ExpectedResult {
  const wanted = types.length === 1 ? formatTypeName(types[0]) : `one of [${types.map(formatTypeName).join(' ')}]`;
  return { kind: 'exact', types, message: (got) => `must evaluate to ${wanted} but got ${formatTypeName(got)}` };
}

function exact(types: CelType[], message: string): ExpectedResult {
  return { kind: 'exact', types, message: () => message };
}

const ANY_RESULT: ExpectedResult = { kind: 'any' };

// ------------------------------------------------------------------ admission (VAP, webhooks)

export type VapField = 'matchCondition' | 'validation' | 'messageExpression' | 'variable' | 'auditAnnotation';

export interface VapEnvironmentOptions {
  version: KubernetesVersion;
  phase: Phase;
  /** Type of `object`/`oldObject` (from the matched kind's schema); dyn when absent. */
  objectType?: CelType;
  /** `params`: null = the policy has no paramKind (params undeclared); undefined = dyn. */
  paramsType?: CelType | null;
  /** spec.variables compiled so far, in order (a failed one has type undefined → dyn). */
  variables?: ReadonlyArray<{ name: string; type: CelType | undefined }>;
  field: VapField;
  /** Keep variables' full types (see variablesType); for the schema-typed pass. */
  preciseVariables?: boolean;
}

function admissionVariables(o: {
  objectType?: CelType;
  paramsType?: CelType | null;
  authorizer: boolean;
  variables?: ReadonlyArray<{ name: string; type: CelType | undefined }>;
  preciseVariables?: boolean;
}): Record<string, CelType> {
  const vars: Record<string, CelType> = {
    object: o.objectType ?? T.dyn,
    oldObject: o.objectType ?? T.dyn,
    request: ADMISSION_REQUEST,
    namespaceObject: NAMESPACE,
  };
  if (o.paramsType !== null) vars.params = o.paramsType ?? T.dyn;
  if (o.authorizer) {
    vars.authorizer = AUTHORIZER;
    // Declared as one qualified identifier containing a dot (§1.1).
    vars['authorizer.requestResource'] = RESOURCE_CHECK;
  }
  if (o.variables) vars.variables = variablesType(o.variables, o.preciseVariables);
  return vars;
}

const VAP_EXPECTED: Record<VapField, ExpectedResult> = {
  matchCondition: exactWithButGot([T.bool]),
  validation: exactWithButGot([T.bool]),
  messageExpression: exactWithButGot([T.string]),
  variable: ANY_RESULT,
  auditAnnotation: exactWithButGot([T.string, T.null]),
};

/** ValidatingAdmissionPolicy expressions (§1.1). `authorizer` is not declared for messageExpression. */
export function vapEnvironment(o: VapEnvironmentOptions): BuiltEnvironment {
  if (o.variables && o.variables.length > 0) return buildVapEnvironment(o);
  // Asked for every pass of every policy: answered by object identity first, without building
  // memo's key (the environment is memo's, so every way of asking gets the same one).
  const objectKey = o.objectType ?? UNSET;
  let byParams = vapEnvironments.get(objectKey);
  if (!byParams) vapEnvironments.set(objectKey, (byParams = new WeakMap()));
  const paramsKey = o.paramsType === null ? NULL_PARAMS : (o.paramsType ?? UNSET);
  let byRest = byParams.get(paramsKey);
  if (!byRest) byParams.set(paramsKey, (byRest = new Map()));
  const key = `${o.version}|${o.phase}|${o.field}`;
  let env = byRest.get(key);
  if (!env) {
    env = memo('vap', [o.version, o.phase, o.objectType, o.paramsType, o.field], () => buildVapEnvironment(o));
    byRest.set(key, env);
  }
  return env;
}

/** vapEnvironment's environments without variables, by objectType, then paramsType (weakly). */
const vapEnvironments = new WeakMap<object, WeakMap<object, Map<string, BuiltEnvironment>>>();
const UNSET = {};
const NULL_PARAMS = {};

function buildVapEnvironment(o: VapEnvironmentOptions): BuiltEnvironment {
  const config: CelEnvironmentConfig = {
    variables: admissionVariables({
      objectType: o.objectType,
      paramsType: o.paramsType,
      authorizer: o.field !== 'messageExpression',
      variables: o.variables ?? [],
      preciseVariables: o.preciseVariables,
    }),
    ...libraries(o.version, o.phase),
  };
  return { config, expected: VAP_EXPECTED[o.field], version: o.version, phase: o.phase, compileErrorPrefix: 'compilation failed: ' };
}

/** Validating/MutatingWebhookConfiguration matchConditions (§1.3): no params, no variables. */
/** objectType (lead's addition): the webhook's rules let us type `object` where the apiserver uses dyn. */
export function webhookMatchConditionEnvironment(o: { version: KubernetesVersion; phase: Phase; objectType?: CelType }): BuiltEnvironment {
  return memo('webhook', [o.version, o.phase, o.objectType], () => buildWebhookEnvironment(o));
}

function buildWebhookEnvironment(o: { version: KubernetesVersion; phase: Phase; objectType?: CelType }): BuiltEnvironment {
  const config: CelEnvironmentConfig = {
    variables: admissionVariables({ objectType: o.objectType, paramsType: null, authorizer: true }),
    ...libraries(o.version, o.phase),
  };
  return { config, expected: VAP_EXPECTED.matchCondition, version: o.version, phase: o.phase, compileErrorPrefix: 'compilation failed: ' };
}

// ------------------------------------------------------------------ MutatingAdmissionPolicy

export type MapField = 'matchCondition' | 'variable' | 'applyConfiguration' | 'jsonPatch';

/**
 * A field map that accepts every name as dyn: MAP `Object` types are resolved dynamically
 * and "not fully type checked" (§1.2), so any field name is valid.
 */
class AnyFieldMap extends Map<string, CelField> {
  override get(key: string): CelField {
    return super.get(key) ?? { type: T.dyn, jsonName: key };
  }
  override has(_key: string): boolean {
    return true;
  }
}

const mapObjectTypes = new Map<string, CelType>();

/** `Object` or `Object.<path>`: a struct type accepting any field (the MAP patch-types resolver). */
export function mapObjectType(name: string): CelType {
  let t = mapObjectTypes.get(name);
  if (!t) {
    const fields = new AnyFieldMap();
    t = { kind: 'object', name, fields: () => fields };
    mapObjectTypes.set(name, t);
  }
  return t;
}

/**
 * The named types of the patch-types env: JSONPatch, Object and every `Object.*` name (a
 * Proxy, because the set is open-ended).
 */
export const PATCH_TYPES: Record<string, CelType> = new Proxy({ JSONPatch: JSON_PATCH, Object: mapObjectType('Object') } as Record<string, CelType>, {
  get(target, key) {
    if (typeof key !== 'string') return undefined;
    if (key === 'Object' || key.startsWith('Object.')) return mapObjectType(key);
    return target[key];
  },
  has(target, key) {
    return typeof key === 'string' && (key === 'Object' || key.startsWith('Object.') || key in target);
  },
});

const PATCH_TYPES_WITH_LIBRARIES: Record<string, CelType> = new Proxy({ ...LIBRARY_TYPE_NAMES } as Record<string, CelType>, {
  get: (target, key) => (typeof key === 'string' && key in target ? target[key] : PATCH_TYPES[key as string]),
  has: (target, key) => key in target || key in PATCH_TYPES,
  ownKeys: (target) => [...Reflect.ownKeys(target), ...Reflect.ownKeys(PATCH_TYPES)],
  getOwnPropertyDescriptor: (target, key) =>
    Reflect.getOwnPropertyDescriptor(target, key) ?? Reflect.getOwnPropertyDescriptor(PATCH_TYPES, key),
});

export interface MapEnvironmentOptions {
  version: KubernetesVersion;
  phase: Phase;
  paramsType?: CelType | null;
  variables?: ReadonlyArray<{ name: string; type: CelType | undefined }>;
  field: MapField;
}

/** MutatingAdmissionPolicy expressions (§1.2): mutations get the patch types and jsonpatch library. */
export function mapEnvironment(o: MapEnvironmentOptions): BuiltEnvironment {
  if (o.variables && o.variables.length > 0) return buildMapEnvironment(o);
  return memo('map', [o.version, o.phase, o.paramsType, o.field], () => buildMapEnvironment(o));
}

function buildMapEnvironment(o: MapEnvironmentOptions): BuiltEnvironment {
  const patch = o.field === 'applyConfiguration' || o.field === 'jsonPatch';
  const config: CelEnvironmentConfig = {
    // `object` stays dyn for MAP: there is no schema-based type check (§1.2).
    variables: admissionVariables({ paramsType: o.paramsType, authorizer: true, variables: o.variables ?? [] }),
    ...libraries(o.version, o.phase, { patchTypes: patch }),
  };
  if (patch) config.types = PATCH_TYPES_WITH_LIBRARIES;
  const expected =
    o.field === 'applyConfiguration'
      ? exactWithButGot([mapObjectType('Object')])
      : o.field === 'jsonPatch'
        ? exactWithButGot([listOf(JSON_PATCH)])
        : o.field === 'matchCondition'
          ? VAP_EXPECTED.matchCondition
          : ANY_RESULT;
  return { config, expected, version: o.version, phase: o.phase, compileErrorPrefix: 'compilation failed: ' };
}

// ------------------------------------------------------------------ CRD x-kubernetes-validations

export interface CrdRuleEnvironmentOptions {
  version: KubernetesVersion;
  phase: Phase;
  /** Type of the schema node carrying the rule (schemaToCelType; dyn when not exposable). */
  selfType: CelType;
  /**
   * true: oldSelf has self's type; 'optional': the rule has optionalOldSelf
   * (optional_type(self)); false: the node is on the uncorrelatable portion of the schema (below a
   * list whose x-kubernetes-list-type is not `map`, or a map of unknown map type), where the apiserver
   * rejects any use of oldSelf: it is left undeclared and a use gets the apiserver's message.
   */
  oldSelf: boolean | 'optional';
  field: 'rule' | 'messageExpression';
  /** The rule's schema node: enables the static cost check (KCG1006). */
  schema?: object;
  /** The rule sits at the CRD root or an embedded resource. */
  isResourceRoot?: boolean;
  /**
   * Product of maxItems/maxProperties of enclosing arrays/maps: omitted = 1 (not below any),
   * null = below an unbounded array or map.
   */
  cardinality?: number | null;
}

/** A CRD rule or messageExpression (§1.4). No request/params/authorizer variables. */
export function crdRuleEnvironment(o: CrdRuleEnvironmentOptions): BuiltEnvironment {
  return memo('crd', [o.version, o.phase, o.selfType, o.oldSelf, o.field, o.schema, o.isResourceRoot, o.cardinality], () => buildCrdRuleEnvironment(o));
}

function buildCrdRuleEnvironment(o: CrdRuleEnvironmentOptions): BuiltEnvironment {
  const variables: Record<string, CelType> = { self: o.selfType };
  if (o.oldSelf === 'optional') variables.oldSelf = optionalOf(o.selfType);
  else if (o.oldSelf) variables.oldSelf = o.selfType;
  const config: CelEnvironmentConfig = { variables, ...libraries(o.version, o.phase) };
  const expected =
    o.field === 'rule'
      ? exact([T.bool], 'cel expression must evaluate to a bool')
      : exact([T.string], 'messageExpression must evaluate to a string');
  const built: BuiltEnvironment = {
    config,
    expected,
    version: o.version,
    phase: o.phase,
    compileErrorPrefix: o.field === 'rule' ? 'compilation failed: ' : 'messageExpression compilation failed: ',
  };
  if (o.oldSelf === false) built.oldSelfUncorrelatable = true;
  if (o.schema) {
    // undefined = the rule is not below any array/map (cardinality 1); null = below an unbounded one.
    const cardinality = o.cardinality === null ? undefined : o.cardinality ?? 1;
    built.cost = { schema: o.schema, isResourceRoot: o.isResourceRoot ?? false, cardinality, what: o.field };
  }
  return built;
}

// ------------------------------------------------------------------ AuthenticationConfiguration

export type AuthenticationField = 'claimValidationRule' | 'claimMapping' | 'extraValue' | 'userValidationRule';

const CLAIMS = mapOf(T.string, T.any);

/** AuthenticationConfiguration jwt expressions (§1.5). Always StoredExpressions. */
export function authenticationEnvironment(o: { version: KubernetesVersion; field: AuthenticationField }): BuiltEnvironment {
  return memo('authn', [o.version, o.field], () => buildAuthenticationEnvironment(o));
}

function buildAuthenticationEnvironment(o: { version: KubernetesVersion; field: AuthenticationField }): BuiltEnvironment {
  const variables: Record<string, CelType> = o.field === 'userValidationRule' ? { user: USER_INFO } : { claims: CLAIMS };
  const config: CelEnvironmentConfig = { variables, ...libraries(o.version, 'stored') };
  const expected = o.field === 'claimValidationRule' || o.field === 'userValidationRule' ? exact([T.bool], 'must evaluate to bool') : ANY_RESULT;
  return { config, expected, version: o.version, phase: 'stored', compileErrorPrefix: 'compilation failed: ' };
}

// ------------------------------------------------------------------ AuthorizationConfiguration

/**
 * AuthorizationConfiguration webhook matchConditions (§1.6). Always StoredExpressions.
 * fieldSelector/labelSelector follow AuthorizeWithSelectors (default on since 1.32).
 */
export function authorizationEnvironment(o: { version: KubernetesVersion; authorizeWithSelectors?: boolean }): BuiltEnvironment {
  return memo('authz', [o.version, o.authorizeWithSelectors], () => buildAuthorizationEnvironment(o));
}

function buildAuthorizationEnvironment(o: { version: KubernetesVersion; authorizeWithSelectors?: boolean }): BuiltEnvironment {
  const withSelectors = o.authorizeWithSelectors ?? minorOf(o.version) >= 32;
  const config: CelEnvironmentConfig = {
    variables: { request: withSelectors ? SAR_WITH_SELECTORS : SAR_WITHOUT_SELECTORS },
    ...libraries(o.version, 'stored'),
  };
  return { config, expected: exactWithButGot([T.bool]), version: o.version, phase: 'stored', compileErrorPrefix: 'compilation failed: ' };
}

const SAR_WITH_SELECTORS = subjectAccessReviewSpecType(true);
const SAR_WITHOUT_SELECTORS = subjectAccessReviewSpecType(false);

// ------------------------------------------------------------------ checking

export interface KubernetesCheckResult extends CheckedExpression {
  /** CRD rules: the static cost estimate [min, max] before the cardinality multiplier. */
  estimatedCost?: { min: number; max: number };
  /** CRD rules: estimated max cost × cardinality, what the per-rule and per-CRD limits compare. */
  ruleCost?: number;
}

/**
 * Where a configuration keeps its CelEnvironment: a non-enumerable property (so copies made by
 * spreading it do not inherit it). Not a WeakMap keyed by the configuration: the environment
 * refers back to it, and V8's young-generation GC keeps such an entry alive, so the one-expression
 * environments of policies with spec.variables all survived to be promoted.
 */
const CEL_ENVIRONMENT: unique symbol = Symbol('kcg.celEnvironment');
/** For configurations that cannot take the property (frozen ones). */
const frozenConfigEnvironments = new WeakMap<CelEnvironmentConfig, CelEnvironment>();

/** The CelEnvironment of a built configuration (one per config identity). */
export function celEnvironmentFor(env: BuiltEnvironment): CelEnvironment {
  const config = env.config as CelEnvironmentConfig & { [CEL_ENVIRONMENT]?: CelEnvironment };
  let ce = config[CEL_ENVIRONMENT] ?? frozenConfigEnvironments.get(config);
  if (!ce) {
    ce = new CelEnvironment(config);
    if (Object.isExtensible(config)) Object.defineProperty(config, CEL_ENVIRONMENT, { value: ce, configurable: true, enumerable: false });
    else frozenConfigEnvironments.set(config, ce);
  }
  return ce;
}

/**
 * Type-checks one expression in a Kubernetes environment and adds the Kubernetes-dialect
 * findings: KCG1007 (function from a later release), KCG1010 (a field the apiserver's own
 * type check cannot see), KCG1006 (CRD rule over the static cost budget).
 */
export function checkKubernetesCel(expression: string, env: BuiltEnvironment): KubernetesCheckResult {
  const checked = celEnvironmentFor(env).check(expression, env.expected);
  let issues = checked.ast
    ? versionGatingIssues(expression, checked.ast, checked.issues, { version: env.version, phase: env.phase, features: env.config.features, variables: env.config.variables })
    : checked.issues;
  // Both are fresh arrays (check() copies its issues), so later pushes change nothing else.
  if (env.oldSelfUncorrelatable) issues = issues.map((i) => uncorrelatableOldSelf(i, env));
  const result: KubernetesCheckResult = { ...checked, issues };
  if (checked.ast) {
    const notes = droppedFieldNotes(expression, checked.ast, checked.typeOf);
    if (notes.length) issues.push(...notes);
  }
  if (env.cost && checked.ast && !issues.some((i) => i.severity === 'error')) {
    const variableSchemas: Record<string, { schema: object; isResourceRoot: boolean }> = {
      self: { schema: env.cost.schema, isResourceRoot: env.cost.isResourceRoot },
      oldSelf: { schema: env.cost.schema, isResourceRoot: env.cost.isResourceRoot },
    };
    const types = new Map<AstNode, CelType>();
    collectTypes(checked.ast, checked, types);
    const estimate = estimateCost(checked.ast, { types, variableSchemas });
    if (!estimate) return result;
    result.estimatedCost = estimate;
    const total = ruleCostWithCardinality(estimate.max, env.cost.cardinality, env.cost.schema, env.cost.isResourceRoot);
    result.ruleCost = total;
    const message = costExceededMessage(env.cost.what, total);
    if (message) issues.push({ start: 0, end: expression.length, severity: 'error', code: COST_CODE, message });
  }
  return result;
}

/**
 * The issues checkKubernetesCel(expression, wider) gives, derived from the clean result of
 * checkKubernetesCel(expression, narrower) without checking the expression again; undefined when
 * they cannot be derived. This is how a policy's dyn pass (the apiserver's API validation, where
 * `object`, `oldObject` and `params` are dyn) reuses its schema-typed pass.
 *
 * `wider` must be `narrower` with some variables retyped as dyn: same version, phase, libraries,
 * named types, features and variable names, every other variable of the same type, or not read by
 * the expression. dyn is assignable to and from every type, so under such an environment the
 * checker reports nothing the narrower check did not (a clean narrower check means a clean wider
 * one): every identifier and function still resolves, every overload that matched still matches
 * (more may: the result then widens to dyn), field selection on dyn gives dyn, comprehensions over
 * dyn range over dyn, and every node's type is the narrower one with parts replaced by dyn. What can
 * still differ, and is excluded here, is
 * - the result type (KCG1005): derived only when the root's type cannot depend on its operands
 *   (CelEnvironment.operandIndependentRootType), and checked against `wider`'s rule;
 * - list and map literals, whose homogeneity check compares element types;
 * - CRD cost and oldSelf rules (environments that have them are not derived).
 * The rest is a function of the syntax and of what is the same in both: version gating (calls
 * and variable names), literal arguments and regex programs (the same calls resolve), and the
 * KCG1010 notes (a selection on a schema object in `wider` is one in `narrower` too). The policy
 * checks verify this derivation against a real check over the corpora (see
 * test/checks/dyn-pass-derivation.test.ts).
 */
export function issuesInWiderEnvironment(
  expression: string,
  narrowerResult: KubernetesCheckResult,
  narrower: BuiltEnvironment,
  wider: BuiltEnvironment,
): CelIssue[] | undefined {
  const ast = narrowerResult.ast;
  if (!ast || narrowerResult.issues.length !== 0) return undefined;
  const unreadable = retypedVariables(narrower, wider);
  if (!unreadable) return undefined;
  const index = astIndex(ast);
  const literals = index.literalChecks;
  for (let k = 0; k < literals.length; k++) if (literals[k].op === 'list' || literals[k].op === 'map') return undefined;
  for (let k = 0; k < unreadable.length; k++) if (index.identifiers.includes(unreadable[k])) return undefined;
  const type = celEnvironmentFor(wider).operandIndependentRootType(ast);
  if (!type) return undefined;
  const mismatch = resultTypeIssue(expression, type, wider.expected);
  return mismatch ? [mismatch] : [];
}

const retyped = new WeakMap<BuiltEnvironment, WeakMap<BuiltEnvironment, readonly string[] | null>>();

/**
 * Whether `wider` is `narrower` with some variables retyped as dyn (see issuesInWiderEnvironment):
 * null if not; else the root names of the variables retyped otherwise, which the expression must
 * not read. Per pair of environments (a policy's passes reuse theirs for every expression).
 */
function retypedVariables(narrower: BuiltEnvironment, wider: BuiltEnvironment): readonly string[] | null {
  let perWider = retyped.get(narrower);
  if (!perWider) retyped.set(narrower, (perWider = new WeakMap()));
  let answer = perWider.get(wider);
  if (answer === undefined) perWider.set(wider, (answer = compareEnvironments(narrower, wider)));
  return answer;
}

function compareEnvironments(narrower: BuiltEnvironment, wider: BuiltEnvironment): readonly string[] | null {
  if (wider.cost || narrower.cost || wider.oldSelfUncorrelatable || narrower.oldSelfUncorrelatable) return null;
  if (wider.version !== narrower.version || wider.phase !== narrower.phase) return null;
  const w = wider.config;
  const n = narrower.config;
  if (w.overloads !== n.overloads || w.types !== n.types || !sameFeatures(w.features, n.features)) return null;
  const names = Object.keys(w.variables);
  if (names.length !== Object.keys(n.variables).length) return null;
  const unreadable: string[] = [];
  for (const name of names) {
    if (!Object.hasOwn(n.variables, name)) return null;
    const wt = w.variables[name];
    if (wt === n.variables[name] || wt.kind === 'dyn') continue;
    // Retyped otherwise (e.g. `variables`, typed from each pass's own results): only if unread.
    unreadable.push(name.includes('.') ? name.slice(0, name.indexOf('.')) : name);
  }
  return unreadable;
}

function sameFeatures(a: CelFeatures, b: CelFeatures): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as Array<keyof CelFeatures>;
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The apiserver's wording for oldSelf on the uncorrelatable portion of a CRD schema. */
function uncorrelatableOldSelf(issue: CelIssue, env: BuiltEnvironment): CelIssue {
  if (env.oldSelfUncorrelatable && issue.code === CEL_CODES.undeclaredReference && issue.message.startsWith("undeclared reference to 'oldSelf'")) {
    return { ...issue, message: 'oldSelf cannot be used on the uncorrelatable portion of the schema' };
  }
  return issue;
}

function collectTypes(ast: AstNode, checked: CheckedExpression, into: Map<AstNode, CelType>): void {
  walk(ast, (n) => {
    const t = checked.typeOf(n);
    if (t) into.set(n, t);
  });
}

/** Visits every AST node (iteratively: expressions can nest 250 deep). */
function walk(root: AstNode, visit: (n: AstNode) => void): void {
  for (const n of allNodes(root)) visit(n);
}
