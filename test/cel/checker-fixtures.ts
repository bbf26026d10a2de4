/**
 * A small hand-built environment for the checker-core tests (the variables of
 * docs/cel-js-gaps.md), independent of the Kubernetes environment builders.
 */
import type { CelFeatures, CelField, CelType, ExpectedResult, OverloadDecl } from '../../server/src/cel/api.js';
import { CelEnvironment } from '../../server/src/cel/environment.js';

export const ALL_FEATURES: CelFeatures = {
  optionalTypes: true,
  crossTypeNumericComparisons: true,
  twoVarComprehensions: true,
  existsOne: true,
  optFlatMap: true,
  sortBy: true,
  reservedFieldFallback: true,
  validateLiterals: true,
  bind: false,
};

const prim = (kind: 'int' | 'uint' | 'double' | 'bool' | 'string' | 'bytes' | 'timestamp' | 'duration'): CelType => ({ kind });
const field = (type: CelType, jsonName: string): CelField => ({ type, jsonName });
export const BOOL = prim('bool');
export const STRING = prim('string');
export const INT = prim('int');
const V: CelType = { kind: 'param', name: 'V' };
const opt = (t: CelType): CelType => ({ kind: 'opaque', name: 'optional_type', params: [t] });

export const containerType: CelType = {
  kind: 'object',
  name: 'Container',
  fields: () => new Map([
    ['runAsNonRoot', field(BOOL, 'runAsNonRoot')],
    ['name', field(STRING, 'name')],
    ['__namespace__', field(STRING, 'namespace')],
    ['ports', field({ kind: 'list', elem: INT }, 'ports')],
    ['labels', field({ kind: 'map', key: STRING, value: STRING }, 'labels')],
    ['created', field(prim('timestamp'), 'created')],
  ]),
};

/** The optional library as H3b declares it (k8s-cel-functions.json "cel-go OptionalTypes"), by hand. */
export const OPTIONAL_OVERLOADS: OverloadDecl[] = [
  { name: 'optional.of', id: 'optional_of', params: [V], result: opt(V) },
  { name: 'optional.ofNonZeroValue', id: 'optional_ofNonZeroValue', params: [V], result: opt(V) },
  { name: 'optional.none', id: 'optional_none', params: [], result: opt(V) },
  { name: 'value', id: 'optional_value', receiver: opt(V), params: [], result: V },
  { name: 'hasValue', id: 'optional_hasValue', receiver: opt(V), params: [], result: BOOL },
  { name: 'or', id: 'optional_or_optional', receiver: opt(V), params: [opt(V)], result: opt(V) },
  { name: 'orValue', id: 'optional_orValue_value', receiver: opt(V), params: [V], result: V },
];

/** A global-only and a namespaced function, to test call-style rules. */
const EXTRA_OVERLOADS: OverloadDecl[] = [
  { name: 'sets.contains', id: 'list_sets_contains_list', params: [{ kind: 'list', elem: { kind: 'param', name: 'T' } }, { kind: 'list', elem: { kind: 'param', name: 'T' } }], result: BOOL },
  { name: 'sign', id: 'quantity_sign', params: [{ kind: 'object', name: 'kubernetes.Quantity', fields: () => new Map() }], result: INT },
  { name: 'quantity', id: 'string_to_quantity', params: [STRING], result: { kind: 'object', name: 'kubernetes.Quantity', fields: () => new Map() } },
  { name: 'find', id: 'string_find_string', receiver: STRING, params: [STRING], result: STRING },
  { name: 'findAll', id: 'string_find_all_string', receiver: STRING, params: [STRING], result: { kind: 'list', elem: STRING } },
  { name: 'format', id: 'string_format', receiver: STRING, params: [{ kind: 'list', elem: { kind: 'dyn' } }], result: STRING },
  { name: 'check', id: 'resourcecheck_check', receiver: { kind: 'object', name: 'kubernetes.authorization.ResourceCheck', fields: () => new Map() }, params: [STRING], result: { kind: 'object', name: 'kubernetes.authorization.Decision', fields: () => new Map() } },
  { name: 'allowed', id: 'decision_allowed', receiver: { kind: 'object', name: 'kubernetes.authorization.Decision', fields: () => new Map() }, params: [], result: BOOL },
];

export const VARIABLES: Record<string, CelType> = {
  c: containerType,
  o: containerType,
  s: STRING,
  m: { kind: 'map', key: STRING, value: INT },
  l: { kind: 'list', elem: INT },
  a: { kind: 'dyn' },
  claims: { kind: 'map', key: STRING, value: { kind: 'any' } },
  oldSelf: opt(STRING),
  'authorizer.requestResource': { kind: 'object', name: 'kubernetes.authorization.ResourceCheck', fields: () => new Map() },
};

export function testEnv(features: Partial<CelFeatures> = {}, variables: Record<string, CelType> = VARIABLES): CelEnvironment {
  return new CelEnvironment({ variables, overloads: [...OPTIONAL_OVERLOADS, ...EXTRA_OVERLOADS], features: { ...ALL_FEATURES, ...features } });
}

export interface ShownIssue {
  code: string;
  /** The source text the issue underlines. */
  at: string;
  start: number;
  end: number;
  message: string;
}

/** Issues of `expression` with the underlined text, for exact assertions. */
export function issuesOf(expression: string, env: CelEnvironment = testEnv(), expected?: ExpectedResult): ShownIssue[] {
  return env.check(expression, expected).issues.map((i) => ({ code: i.code, at: expression.slice(i.start, i.end), start: i.start, end: i.end, message: i.message }));
}

/** Messages only. */
export function messagesOf(expression: string, env: CelEnvironment = testEnv(), expected?: ExpectedResult): string[] {
  return env.check(expression, expected).issues.map((i) => i.message);
}

export const EXPECT_BOOL: ExpectedResult = { kind: 'exact', types: [BOOL] };
