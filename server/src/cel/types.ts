/**
 * CelType constructors and the type algebra of cel-go's checker (google/cel-go: checker/types.go,
 * checker/mapping.go): assignability with type-parameter substitution, substitution, the
 * "most general" join, and the two spellings cel-go uses when printing types.
 */
import type { CelType } from './api.js';

export const INT: CelType = { kind: 'int' };
export const UINT: CelType = { kind: 'uint' };
export const DOUBLE: CelType = { kind: 'double' };
export const BOOL: CelType = { kind: 'bool' };
export const STRING: CelType = { kind: 'string' };
export const BYTES: CelType = { kind: 'bytes' };
export const NULL: CelType = { kind: 'null_type' };
export const TIMESTAMP: CelType = { kind: 'timestamp' };
export const DURATION: CelType = { kind: 'duration' };
export const DYN: CelType = { kind: 'dyn' };
export const ANY: CelType = { kind: 'any' };
export const ERROR: CelType = { kind: 'error' };

export const listOf = (elem: CelType): CelType => ({ kind: 'list', elem });
export const mapOf = (key: CelType, value: CelType): CelType => ({ kind: 'map', key, value });
export const typeOf = (of: CelType): CelType => ({ kind: 'type', of });
export const param = (name: string): CelType => ({ kind: 'param', name });
export const OPTIONAL_TYPE_NAME = 'optional_type';
export const optionalOf = (value: CelType): CelType => ({ kind: 'opaque', name: OPTIONAL_TYPE_NAME, params: [value] });

/** The value type of optional_type(T), or undefined when `t` is not optional. */
export function optionalValue(t: CelType): CelType | undefined {
  return t.kind === 'opaque' && t.name === OPTIONAL_TYPE_NAME && t.params.length === 1 ? t.params[0] : undefined;
}

/** Types that behave as wildcards in assignability (cel-go isDynOrError; `any` counts as dyn). */
export function isDynOrError(t: CelType): boolean {
  return t.kind === 'dyn' || t.kind === 'any' || t.kind === 'error';
}

export function isDyn(t: CelType): boolean {
  return t.kind === 'dyn' || t.kind === 'any';
}

function typeParams(t: CelType): CelType[] {
  switch (t.kind) {
    case 'list': return [t.elem];
    case 'map': return [t.key, t.value];
    case 'opaque': return t.params;
    case 'type': return [t.of];
    default: return [];
  }
}

/**
 * cel-go's checker spelling (checker/format.go FormatCELType), used in checker messages:
 * `null`, `any`, `timestamp`, `list(int)`, `map(string, int)`, `optional_type(bool)`.
 */
export function formatType(t: CelType): string {
  return format(t, 'checker');
}

/**
 * cel-go's Type.String() spelling (DeclaredTypeName), which Kubernetes uses in
 * `must evaluate to <T> but got <U>`: `null_type`, `google.protobuf.Timestamp`, ...
 */
export function formatTypeName(t: CelType): string {
  return format(t, 'declared');
}

function format(t: CelType, style: 'checker' | 'declared'): string {
  const declared = style === 'declared';
  switch (t.kind) {
    case 'null_type': return declared ? 'null_type' : 'null';
    case 'any': return declared ? 'google.protobuf.Any' : 'any';
    case 'timestamp': return declared ? 'google.protobuf.Timestamp' : 'timestamp';
    case 'duration': return declared ? 'google.protobuf.Duration' : 'duration';
    case 'error': return '*error*';
    case 'list': return `list(${format(t.elem, style)})`;
    case 'map': return `map(${format(t.key, style)}, ${format(t.value, style)})`;
    case 'type': return `type(${format(t.of, style)})`;
    case 'opaque': return t.params.length ? `${t.name}(${t.params.map((p) => format(p, style)).join(', ')})` : t.name;
    case 'object': return t.name;
    case 'param': return t.name;
    default: return t.kind;
  }
}

/** Structural identity (cel-go Type.IsExactType): same kind, same name, identical parameters. */
export function isExactType(a: CelType, b: CelType): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'object': return a.name === (b as typeof a).name;
    case 'param': return a.name === (b as typeof a).name;
    case 'opaque': {
      const o = b as typeof a;
      if (a.name !== o.name || a.params.length !== o.params.length) return false;
      for (let i = 0; i < a.params.length; i++) if (!isExactType(a.params[i], o.params[i])) return false;
      return true;
    }
    // Same kind: compare the parameters (what typeParams lists), without building their lists.
    case 'list': return isExactType(a.elem, (b as typeof a).elem);
    case 'map': return isExactType(a.key, (b as typeof a).key) && isExactType(a.value, (b as typeof a).value);
    case 'type': return isExactType(a.of, (b as typeof a).of);
    default: return true;
  }
}

/**
 * Type-parameter bindings found while checking one expression (cel-go checker/mapping.go).
 * Tentative matches are undone through a trail instead of copying the whole mapping, which
 * keeps long expressions (thousands of `==`) linear.
 */
export class Substitution {
  private readonly bindings = new Map<string, CelType>();
  private readonly trail: Array<[string, CelType | undefined]> = [];

  find(name: string): CelType | undefined {
    return this.bindings.get(name);
  }

  add(name: string, t: CelType): void {
    this.trail.push([name, this.bindings.get(name)]);
    this.bindings.set(name, t);
  }

  /** A point to roll back to. */
  mark(): number {
    return this.trail.length;
  }

  /** Undo every binding made since `mark`. */
  rollback(mark: number): void {
    while (this.trail.length > mark) {
      const entry = this.trail.pop()!;
      const name = entry[0];
      const previous = entry[1];
      if (previous === undefined) this.bindings.delete(name);
      else this.bindings.set(name, previous);
    }
  }
}

/**
 * Replace bound type parameters by their bindings; unbound ones become dyn when
 * `paramsToDyn` is set (cel-go substitute(m, t, typeParamToDyn)).
 */
export function substitute(m: Substitution, t: CelType, paramsToDyn = false, depth = 0): CelType {
  if (depth > 64) return DYN; // cyclic bindings cannot occur (occurs check), but stay safe
  switch (t.kind) {
    case 'param': {
      const bound = m.find(t.name);
      if (bound) return substitute(m, bound, paramsToDyn, depth + 1);
      return paramsToDyn ? DYN : t;
    }
    // Types are immutable values, so a type whose parts come back unchanged is returned as it is
    // rather than copied: the checker substitutes the type of every node of every expression,
    // and almost none of them mention a type parameter.
    case 'list': {
      const elem = substitute(m, t.elem, paramsToDyn, depth + 1);
      return elem === t.elem ? t : listOf(elem);
    }
    case 'map': {
      const key = substitute(m, t.key, paramsToDyn, depth + 1);
      const value = substitute(m, t.value, paramsToDyn, depth + 1);
      return key === t.key && value === t.value ? t : mapOf(key, value);
    }
    case 'type': {
      const of = substitute(m, t.of, paramsToDyn, depth + 1);
      return of === t.of ? t : typeOf(of);
    }
    case 'opaque': {
      // Copied only from the first parameter that changes (optional_type(T) is everywhere).
      let params: CelType[] | undefined;
      for (let i = 0; i < t.params.length; i++) {
        const p = substitute(m, t.params[i], paramsToDyn, depth + 1);
        if (params) params.push(p);
        else if (p !== t.params[i]) {
          params = t.params.slice(0, i);
          params.push(p);
        }
      }
      return params ? { kind: 'opaque', name: t.name, params } : t;
    }
    default: return t;
  }
}

/** Occurs check: true when parameter `name` does not appear in `t` (after substitution). */
function notReferencedIn(m: Substitution, name: string, t: CelType, depth = 0): boolean {
  if (depth > 64) return false;
  if (t.kind === 'param') {
    if (t.name === name) return false;
    const bound = m.find(t.name);
    return bound ? notReferencedIn(m, name, bound, depth + 1) : true;
  }
  return typeParams(t).every((p) => notReferencedIn(m, name, p, depth + 1));
}

/** null is assignable only to these (cel-go isLegacyNullable). */
function isNullable(t: CelType): boolean {
  return t.kind === 'opaque' || t.kind === 'object' || t.kind === 'any' || t.kind === 'duration' || t.kind === 'timestamp';
}

/** cel-go isEqualOrLessSpecific: t1 is at least as general as t2. */
function isEqualOrLessSpecific(t1: CelType, t2: CelType): boolean {
  if (isDyn(t1) || t1.kind === 'param') return true;
  if (isDyn(t2) || t2.kind === 'param') return false;
  if (t1.kind !== t2.kind) return false;
  switch (t1.kind) {
    case 'list': case 'map': case 'opaque': {
      if (t1.kind === 'opaque' && t1.name !== (t2 as typeof t1).name) return false;
      const p1 = typeParams(t1);
      const p2 = typeParams(t2);
      return p1.length === p2.length && p1.every((p, i) => isEqualOrLessSpecific(p, p2[i]));
    }
    case 'type': return true;
    default: return isExactType(t1, t2);
  }
}

/** The more general of two compatible types (cel-go mostGeneral). */
export function mostGeneral(t1: CelType, t2: CelType): CelType {
  return isEqualOrLessSpecific(t1, t2) ? t1 : t2;
}

interface SubstitutionCheck {
  readonly valid: boolean;
  readonly hasSub: boolean;
}
// The four answers, shared (read only): type checks ask this for every type parameter they meet.
const VALID_BOUND: SubstitutionCheck = { valid: true, hasSub: true };
const VALID_UNBOUND: SubstitutionCheck = { valid: true, hasSub: false };
const INVALID_BOUND: SubstitutionCheck = { valid: false, hasSub: true };
const INVALID_UNBOUND: SubstitutionCheck = { valid: false, hasSub: false };

function isValidTypeSubstitution(m: Substitution, t1: CelType, t2: CelType & { kind: 'param' }, depth: number): SubstitutionCheck {
  if (t1.kind === 'param' && t1.name === t2.name) return VALID_BOUND;
  const sub = m.find(t2.name);
  if (sub) {
    if (isExactType(t1, sub)) return VALID_BOUND;
    if (assignable(m, t1, sub, depth + 1)) {
      const general = mostGeneral(t1, sub);
      if (notReferencedIn(m, t2.name, general)) m.add(t2.name, general);
      return VALID_BOUND;
    }
    return INVALID_BOUND;
  }
  if (notReferencedIn(m, t2.name, t1)) {
    m.add(t2.name, t1);
    return VALID_UNBOUND;
  }
  return INVALID_UNBOUND;
}

function assignable(m: Substitution, t1: CelType, t2: CelType, depth: number): boolean {
  if (depth > 64) return false;
  if (t2.kind === 'param') {
    const r = isValidTypeSubstitution(m, t1, t2, depth);
    if (r.valid) return true;
    if (r.hasSub) return false;
  }
  if (t1.kind === 'param') return isValidTypeSubstitution(m, t2, t1, depth).valid;
  if (isDynOrError(t1) || isDynOrError(t2)) return true;
  if (t1.kind === 'null_type') return t2.kind === 'null_type' || isNullable(t2);
  if (t2.kind === 'null_type') return isNullable(t1);
  switch (t1.kind) {
    case 'type': return t2.kind === 'type';
    // Parameters compared in order, stopping at the first mismatch (what typeParams lists).
    case 'list': return t2.kind === 'list' && assignable(m, t1.elem, t2.elem, depth + 1);
    case 'map': return t2.kind === 'map' && assignable(m, t1.key, t2.key, depth + 1) && assignable(m, t1.value, t2.value, depth + 1);
    case 'opaque': {
      if (t2.kind !== 'opaque' || t1.name !== t2.name || t1.params.length !== t2.params.length) return false;
      for (let i = 0; i < t1.params.length; i++) if (!assignable(m, t1.params[i], t2.params[i], depth + 1)) return false;
      return true;
    }
    case 'object': return t2.kind === 'object' && t2.name === t1.name;
    default: return t1.kind === t2.kind;
  }
}

/**
 * cel-go internalIsAssignable(m, t1, t2): can a value of type t1 flow where t2 is expected
 * (the relation is symmetric except for type parameters). Bindings made along the way are
 * recorded in `m` (use isAssignableList for an all-or-nothing check).
 */
export function isAssignable(m: Substitution, t1: CelType, t2: CelType): boolean {
  return assignable(m, t1, t2, 0);
}

/** Element-wise isAssignable; commits the new bindings to `m` only when every pair matches. */
export function isAssignableList(m: Substitution, l1: readonly CelType[], l2: readonly CelType[]): boolean {
  if (l1.length !== l2.length) return false;
  const mark = m.mark();
  for (let i = 0; i < l1.length; i++) {
    if (!assignable(m, l1[i], l2[i], 0)) {
      m.rollback(mark);
      return false;
    }
  }
  return true;
}

/** isAssignableList of one pair, without building the lists. */
export function isAssignablePair(m: Substitution, t1: CelType, t2: CelType): boolean {
  const mark = m.mark();
  if (assignable(m, t1, t2, 0)) return true;
  m.rollback(mark);
  return false;
}

/** Renames every type parameter in `t` through `rename` (fresh type variables per overload use). */
export function renameParams(t: CelType, rename: (name: string) => string): CelType {
  switch (t.kind) {
    case 'param': return param(rename(t.name));
    case 'list': return listOf(renameParams(t.elem, rename));
    case 'map': return mapOf(renameParams(t.key, rename), renameParams(t.value, rename));
    case 'type': return typeOf(renameParams(t.of, rename));
    case 'opaque': return t.params.length ? { kind: 'opaque', name: t.name, params: t.params.map((p) => renameParams(p, rename)) } : t;
    default: return t;
  }
}

/** True when `t` is or contains the error type (an earlier error already explains it). */
export function containsError(t: CelType): boolean {
  return t.kind === 'error' || typeParams(t).some(containsError);
}

/** True when `t` mentions a type parameter. */
export function hasParams(t: CelType): boolean {
  return t.kind === 'param' || typeParams(t).some(hasParams);
}
