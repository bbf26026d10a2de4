/**
 * The cel-go standard library (google/cel-go: common/stdlib/standard.go) as OverloadDecls, plus
 * the optional-type index operators the checker owns. Kubernetes and extension libraries are
 * declared elsewhere (k8sLibraries.ts) and passed in CelEnvironmentConfig.overloads.
 */
import type { CelFeatures, CelType, OverloadDecl } from './api.js';
import {
  BOOL, BYTES, DOUBLE, DURATION, DYN, INT, STRING, TIMESTAMP, UINT,
  listOf, mapOf, optionalOf, param, typeOf,
} from './types.js';

const A = param('A');
const B = param('B');
const K = param('K');
const V = param('V');

const LIB = 'cel-go standard';

function fn(name: string, id: string, params: CelType[], result: CelType, doc?: string): OverloadDecl {
  return { name, id, params, result, doc, library: LIB };
}

function member(name: string, id: string, receiver: CelType, params: CelType[], result: CelType, doc?: string): OverloadDecl {
  return { name, id, receiver, params, result, doc, library: LIB };
}

const ORDERED: Array<[string, CelType]> = [
  ['bool', BOOL], ['int64', INT], ['uint64', UINT], ['double', DOUBLE],
  ['string', STRING], ['bytes', BYTES], ['timestamp', TIMESTAMP], ['duration', DURATION],
];
const CROSS_NUMERIC: Array<[string, CelType, string, CelType]> = [
  ['int64', INT, 'uint64', UINT], ['int64', INT, 'double', DOUBLE],
  ['uint64', UINT, 'int64', INT], ['uint64', UINT, 'double', DOUBLE],
  ['double', DOUBLE, 'int64', INT], ['double', DOUBLE, 'uint64', UINT],
];
const RELATIONS: Array<[string, string]> = [['_<_', 'less'], ['_<=_', 'less_equals'], ['_>_', 'greater'], ['_>=_', 'greater_equals']];

/** Overload ids of the cross-type numeric comparisons (gated by features.crossTypeNumericComparisons). */
const crossTypeIds = new Set<string>();
/** Overload ids that need optional types. */
const optionalIds = new Set<string>();

function buildStandard(): OverloadDecl[] {
  const out: OverloadDecl[] = [];
  out.push(fn('_==_', 'equals', [A, A], BOOL), fn('_!=_', 'not_equals', [A, A], BOOL));
  for (const [op, idBase] of RELATIONS) {
    for (const [suffix, t] of ORDERED) out.push(fn(op, `${idBase}_${suffix}`, [t, t], BOOL));
    for (const [s1, t1, s2, t2] of CROSS_NUMERIC) {
      const id = `${idBase}_${s1}_${s2}`;
      crossTypeIds.add(id);
      out.push(fn(op, id, [t1, t2], BOOL));
    }
  }
  const numeric: Array<[string, CelType]> = [['int64', INT], ['uint64', UINT], ['double', DOUBLE]];
  for (const [s, t] of numeric) {
    out.push(fn('_+_', `add_${s}`, [t, t], t), fn('_-_', `subtract_${s}`, [t, t], t));
    out.push(fn('_*_', `multiply_${s}`, [t, t], t), fn('_/_', `divide_${s}`, [t, t], t));
  }
  out.push(fn('_%_', 'modulo_int64', [INT, INT], INT), fn('_%_', 'modulo_uint64', [UINT, UINT], UINT));
  out.push(
    fn('_+_', 'add_string', [STRING, STRING], STRING),
    fn('_+_', 'add_bytes', [BYTES, BYTES], BYTES),
    fn('_+_', 'add_list', [listOf(A), listOf(A)], listOf(A)),
    fn('_+_', 'add_duration_duration', [DURATION, DURATION], DURATION),
    fn('_+_', 'add_timestamp_duration', [TIMESTAMP, DURATION], TIMESTAMP),
    fn('_+_', 'add_duration_timestamp', [DURATION, TIMESTAMP], TIMESTAMP),
    fn('_-_', 'subtract_duration_duration', [DURATION, DURATION], DURATION),
    fn('_-_', 'subtract_timestamp_duration', [TIMESTAMP, DURATION], TIMESTAMP),
    fn('_-_', 'subtract_timestamp_timestamp', [TIMESTAMP, TIMESTAMP], DURATION),
    fn('!_', 'logical_not', [BOOL], BOOL),
    fn('-_', 'negate_int64', [INT], INT),
    fn('-_', 'negate_double', [DOUBLE], DOUBLE),
    fn('_&&_', 'logical_and', [BOOL, BOOL], BOOL),
    fn('_||_', 'logical_or', [BOOL, BOOL], BOOL),
    fn('_?_:_', 'conditional', [BOOL, A, A], A),
    fn('_[_]', 'index_list', [listOf(A), INT], A),
    fn('_[_]', 'index_map', [mapOf(A, B), A], B),
    fn('@in', 'in_list', [A, listOf(A)], BOOL),
    fn('@in', 'in_map', [A, mapOf(A, B)], BOOL),
  );
  const sized: Array<[string, CelType]> = [['string', STRING], ['bytes', BYTES], ['list', listOf(A)], ['map', mapOf(A, B)]];
  for (const [s, t] of sized) {
    out.push(fn('size', `size_${s}`, [t], INT, 'Number of elements (code points for strings).'));
    out.push(member('size', `${s}_size`, t, [], INT, 'Number of elements (code points for strings).'));
  }
  out.push(
    member('contains', 'contains_string', STRING, [STRING], BOOL, 'True if the string contains the argument.'),
    member('startsWith', 'starts_with_string', STRING, [STRING], BOOL, 'True if the string starts with the argument.'),
    member('endsWith', 'ends_with_string', STRING, [STRING], BOOL, 'True if the string ends with the argument.'),
    member('matches', 'matches_string', STRING, [STRING], BOOL, 'True if the RE2 pattern matches part of the string.'),
    fn('matches', 'matches', [STRING, STRING], BOOL, 'True if the RE2 pattern matches part of the string.'),
  );
  const conversions: Array<[string, Array<[string, CelType]>, CelType]> = [
    ['int', [['int64', INT], ['uint64', UINT], ['double', DOUBLE], ['string', STRING], ['timestamp', TIMESTAMP], ['duration', DURATION]], INT],
    ['uint', [['uint64', UINT], ['int64', INT], ['double', DOUBLE], ['string', STRING]], UINT],
    ['double', [['double', DOUBLE], ['int64', INT], ['uint64', UINT], ['string', STRING]], DOUBLE],
    ['string', [['string', STRING], ['bool', BOOL], ['bytes', BYTES], ['double', DOUBLE], ['int64', INT], ['uint64', UINT], ['timestamp', TIMESTAMP], ['duration', DURATION]], STRING],
    ['bytes', [['bytes', BYTES], ['string', STRING]], BYTES],
    ['bool', [['bool', BOOL], ['string', STRING]], BOOL],
    ['duration', [['duration', DURATION], ['int64', INT], ['string', STRING]], DURATION],
    ['timestamp', [['timestamp', TIMESTAMP], ['int64', INT], ['string', STRING]], TIMESTAMP],
  ];
  for (const [name, froms, result] of conversions) {
    for (const [s, t] of froms) out.push(fn(name, `${s}_to_${name === 'int' ? 'int64' : name === 'uint' ? 'uint64' : name}`, [t], result));
  }
  out.push(fn('dyn', 'to_dyn', [A], DYN), fn('type', 'type', [A], typeOf(A)));
  const tsAccessors = ['getFullYear', 'getMonth', 'getDayOfYear', 'getDayOfMonth', 'getDate', 'getDayOfWeek', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds'];
  for (const name of tsAccessors) {
    out.push(member(name, `timestamp_to_${name}`, TIMESTAMP, [], INT, 'Timestamp accessor (UTC).'));
    out.push(member(name, `timestamp_to_${name}_with_tz`, TIMESTAMP, [STRING], INT, 'Timestamp accessor in the given time zone.'));
  }
  for (const name of ['getHours', 'getMinutes', 'getSeconds', 'getMilliseconds']) {
    out.push(member(name, `duration_to_${name}`, DURATION, [], INT, 'Duration accessor.'));
  }
  // Indexing on optionals and the `[?` syntax (google/cel-go: cel/library.go, optionalLib).
  const optional: OverloadDecl[] = [
    fn('_[_]', 'optional_list_index_int', [optionalOf(listOf(V)), INT], optionalOf(V)),
    fn('_[_]', 'optional_map_index_value', [optionalOf(mapOf(K, V)), K], optionalOf(V)),
    fn('_[?_]', 'list_optindex_optional_int', [listOf(V), INT], optionalOf(V)),
    fn('_[?_]', 'optional_list_optindex_optional_int', [optionalOf(listOf(V)), INT], optionalOf(V)),
    fn('_[?_]', 'map_optindex_optional_value', [mapOf(K, V), K], optionalOf(V)),
    fn('_[?_]', 'optional_map_optindex_optional_value', [optionalOf(mapOf(K, V)), K], optionalOf(V)),
  ];
  for (const o of optional) optionalIds.add(o.id);
  out.push(...optional);
  return out;
}

const STANDARD = buildStandard();

/** The standard overloads available under `features`. */
export function standardOverloads(features: CelFeatures): OverloadDecl[] {
  return STANDARD.filter((o) =>
    (features.crossTypeNumericComparisons || !crossTypeIds.has(o.id)) &&
    (features.optionalTypes || !optionalIds.has(o.id)));
}

/**
 * Identifiers that denote types (cel-go standard declarations), usable as values:
 * `int` has type `type(int)`.
 */
export function standardTypeIdentifiers(features: CelFeatures): Record<string, CelType> {
  const ids: Record<string, CelType> = {
    int: typeOf(INT), uint: typeOf(UINT), double: typeOf(DOUBLE), bool: typeOf(BOOL),
    string: typeOf(STRING), bytes: typeOf(BYTES), null_type: typeOf({ kind: 'null_type' }),
    list: typeOf(listOf(DYN)), map: typeOf(mapOf(DYN, DYN)), type: typeOf(typeOf(DYN)),
    'google.protobuf.Timestamp': typeOf(TIMESTAMP), 'google.protobuf.Duration': typeOf(DURATION),
  };
  if (features.optionalTypes) ids.optional_type = typeOf(optionalOf(DYN));
  return ids;
}
