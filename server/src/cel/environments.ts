/**
 * One environment builder per place CEL appears in Kubernetes YAML (k8s-cel.md §1): the
 * variables in scope, the libraries of the chosen Kubernetes version and phase, and the
 * result type the consumer enforces with its exact apiserver wording (§7.2).
 */
import type { CelEnvironmentConfig, CelField, CelType, ExpectedResult, OverloadDecl } from './api.js';
import type { KubernetesVersion } from '../engine/options.js';
import {
  ADMISSION_REQUEST, AUTHORIZER, JSON_PATCH, NAMESPACE, RESOURCE_CHECK, T, USER_INFO,
  listOf, mapOf, optionalOf, subjectAccessReviewSpecType, variablesType,
} from './k8sTypes.js';
import { formatTypeName } from './types.js';
import { kubernetesFeatures, kubernetesOverloads, minorOf, type LibraryOptions, type Phase } from './k8sLibraries.js';

export interface BuiltEnvironment {
  config: CelEnvironmentConfig;
  expected: ExpectedResult;
  version: KubernetesVersion;
  phase: Phase;
  /** How the apiserver prefixes compile errors for this field ('compilation failed: ' …). */
  compileErrorPrefix: string;
}

function libraries(version: KubernetesVersion, phase: Phase, opts: LibraryOptions = {}): { overloads: OverloadDecl[]; features: CelEnvironmentConfig['features'] } {
  return { overloads: kubernetesOverloads(version, phase, opts), features: kubernetesFeatures(version, phase, opts) };
}

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
}

function admissionVariables(o: {
  objectType?: CelType;
  paramsType?: CelType | null;
  authorizer: boolean;
  variables?: ReadonlyArray<{ name: string; type: CelType | undefined }>;
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
  if (o.variables) vars.variables = variablesType(o.variables);
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
  const config: CelEnvironmentConfig = {
    variables: admissionVariables({
      objectType: o.objectType,
      paramsType: o.paramsType,
      authorizer: o.field !== 'messageExpression',
      variables: o.variables ?? [],
    }),
    ...libraries(o.version, o.phase),
  };
  return { config, expected: VAP_EXPECTED[o.field], version: o.version, phase: o.phase, compileErrorPrefix: 'compilation failed: ' };
}

/** Validating/MutatingWebhookConfiguration matchConditions (§1.3): no params, no variables. */
export function webhookMatchConditionEnvironment(o: { version: KubernetesVersion; phase: Phase }): BuiltEnvironment {
  const config: CelEnvironmentConfig = {
    variables: admissionVariables({ paramsType: null, authorizer: true }),
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
export const PATCH_TYPES: Record<string, CelType> = new Proxy({ JSONPatch: JSON_PATCH } as Record<string, CelType>, {
  get(target, key) {
    if (typeof key !== 'string') return undefined;
    if (key === 'Object' || key.startsWith('Object.')) return mapObjectType(key);
    return target[key];
  },
  has(target, key) {
    return typeof key === 'string' && (key === 'Object' || key.startsWith('Object.') || key in target);
  },
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
  const patch = o.field === 'applyConfiguration' || o.field === 'jsonPatch';
  const config: CelEnvironmentConfig = {
    // `object` stays dyn for MAP: there is no schema-based type check (§1.2).
    variables: admissionVariables({ paramsType: o.paramsType, authorizer: true, variables: o.variables ?? [] }),
    ...libraries(o.version, o.phase, { patchTypes: patch }),
  };
  if (patch) config.types = PATCH_TYPES;
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
   * true: oldSelf has self's type (the apiserver always declares it); 'optional': the rule has
   * optionalOldSelf (optional_type(self)); false: leave oldSelf undeclared.
   */
  oldSelf: boolean | 'optional';
  field: 'rule' | 'messageExpression';
}

/** A CRD rule or messageExpression (§1.4). No request/params/authorizer variables. */
export function crdRuleEnvironment(o: CrdRuleEnvironmentOptions): BuiltEnvironment {
  const variables: Record<string, CelType> = { self: o.selfType };
  if (o.oldSelf === 'optional') variables.oldSelf = optionalOf(o.selfType);
  else if (o.oldSelf) variables.oldSelf = o.selfType;
  const config: CelEnvironmentConfig = { variables, ...libraries(o.version, o.phase) };
  const expected =
    o.field === 'rule'
      ? exact([T.bool], 'cel expression must evaluate to a bool')
      : exact([T.string], 'messageExpression must evaluate to a string');
  return {
    config,
    expected,
    version: o.version,
    phase: o.phase,
    compileErrorPrefix: o.field === 'rule' ? 'compilation failed: ' : 'messageExpression compilation failed: ',
  };
}

// ------------------------------------------------------------------ AuthenticationConfiguration

export type AuthenticationField = 'claimValidationRule' | 'claimMapping' | 'extraValue' | 'userValidationRule';

const CLAIMS = mapOf(T.string, T.any);

/** AuthenticationConfiguration jwt expressions (§1.5). Always StoredExpressions. */
export function authenticationEnvironment(o: { version: KubernetesVersion; field: AuthenticationField }): BuiltEnvironment {
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
  const withSelectors = o.authorizeWithSelectors ?? minorOf(o.version) >= 32;
  const config: CelEnvironmentConfig = {
    variables: { request: withSelectors ? SAR_WITH_SELECTORS : SAR_WITHOUT_SELECTORS },
    ...libraries(o.version, 'stored'),
  };
  return { config, expected: exactWithButGot([T.bool]), version: o.version, phase: 'stored', compileErrorPrefix: 'compilation failed: ' };
}

const SAR_WITH_SELECTORS = subjectAccessReviewSpecType(true);
const SAR_WITHOUT_SELECTORS = subjectAccessReviewSpecType(false);
