/**
 * Overload resolution as cel-go's checker does it (checker/checker.go resolveOverload): an
 * overload is a candidate only in its own call style (member vs global); its type parameters are
 * instantiated with fresh type variables; it matches when every argument is assignable. The first
 * match decides the result type, a later match with a different result widens it to dyn.
 */
import type { CelType, OverloadDecl } from './api.js';
import { DYN, type Substitution, isAssignableList, isDyn, isExactType, listOf, mapOf, param, renameParams, substitute, typeOf } from './types.js';

export interface Resolution {
  result: CelType;
  /** Ids of every matching overload. */
  ids: string[];
}

/**
 * Resolve a call against `overloads`. Bindings of matched overloads are committed to `mapping`;
 * `freshName` yields unique type-variable names for the whole expression.
 */
export function resolveOverload(
  overloads: readonly OverloadDecl[],
  target: CelType | undefined,
  args: readonly CelType[],
  mapping: Substitution,
  freshName: () => string,
): Resolution | undefined {
  let actual = args;
  if (target !== undefined) {
    // Receiver first (built without spreading: unoptimised code spreads through an iterator).
    const withTarget = new Array<CelType>(args.length + 1);
    withTarget[0] = target;
    for (let i = 0; i < args.length; i++) withTarget[i + 1] = args[i];
    actual = withTarget;
  }
  let result: CelType | undefined;
  let ids: string[] | undefined;
  const tried = candidates(overloads, target !== undefined, actual.length);
  for (let k = 0; k < tried.length; k++) {
    const o = tried[k];
    const declared = declaration(o);
    if (cannotMatch(actual, declared.params)) {
      // Skip its instantiation, but not its fresh type-variable names: unbound ones can show in
      // messages (`list(_var3)`), so they are numbered exactly as if it had been tried.
      for (let i = 0; i < declared.typeParams.length; i++) freshName();
      continue;
    }
    const instance = instantiate(o, declared, freshName);
    if (!isAssignableList(mapping, actual, instance.params)) continue;
    if (ids) ids.push(o.id);
    else ids = [o.id];
    const r = substitute(mapping, instance.result, false);
    if (result === undefined) result = r;
    else if (!isDyn(result) && !isExactType(r, result)) result = DYN;
  }
  return result === undefined ? undefined : { result, ids: ids! };
}

/**
 * The overloads of one call style (member or global) and arity (receiver included), in their
 * declared order: exactly those resolution tries. Per overload list (the lists of a function
 * table are shared by every check in its environment).
 */
const byShape = new WeakMap<readonly OverloadDecl[], Map<number, readonly OverloadDecl[]>>();

export function candidates(overloads: readonly OverloadDecl[], member: boolean, arity: number): readonly OverloadDecl[] {
  let shapes = byShape.get(overloads);
  if (!shapes) byShape.set(overloads, (shapes = new Map()));
  const key = arity * 2 + (member ? 1 : 0);
  let list = shapes.get(key);
  if (!list) {
    list = overloads.filter((o) => (o.receiver !== undefined) === member && o.params.length + (o.receiver === undefined ? 0 : 1) === arity);
    shapes.set(key, list);
  }
  return list;
}

/**
 * True when some argument can never be assigned to its declared parameter, whatever the
 * bindings: both are concrete types (no type parameter, dyn, any or error at the top) of different
 * kinds, other than null with a nullable kind (types.ts assignable). Such overloads fail
 * isAssignableList without binding anything, so skipping them (and their instantiation) changes
 * nothing but the work done.
 */
function cannotMatch(actual: readonly CelType[], params: readonly CelType[]): boolean {
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i].kind;
    const p = params[i].kind;
    if (a === p || WILDCARD_KINDS.has(a) || WILDCARD_KINDS.has(p)) continue;
    if (a === 'null_type' ? NULLABLE_KINDS.has(p) : p === 'null_type' ? NULLABLE_KINDS.has(a) : false) continue;
    return true;
  }
  return false;
}

const WILDCARD_KINDS: ReadonlySet<string> = new Set(['param', 'dyn', 'any', 'error']);
/** types.ts isNullable. */
const NULLABLE_KINDS: ReadonlySet<string> = new Set(['opaque', 'object', 'any', 'duration', 'timestamp']);

/**
 * An overload's declared parameter list (receiver first) and whether it mentions type
 * parameters, computed once per declaration: overload tables are shared by every environment
 * of a version and phase, and resolution runs for every operator and call of every expression.
 */
interface Declared {
  params: readonly CelType[];
  /** Its type parameters' names, in the order instantiation meets them (params, then result). */
  typeParams: readonly string[];
  /** params and result, for an overload without type parameters (used as they are). */
  plain: { params: readonly CelType[]; result: CelType };
}
const declaredOf = new WeakMap<OverloadDecl, Declared>();

function declaration(o: OverloadDecl): Declared {
  let d = declaredOf.get(o);
  if (!d) {
    const params = o.receiver === undefined ? o.params : [o.receiver, ...o.params];
    const typeParams: string[] = [];
    for (const p of params) collectTypeParams(p, typeParams);
    collectTypeParams(o.result, typeParams);
    d = { params, typeParams, plain: { params, result: o.result } };
    declaredOf.set(o, d);
  }
  return d;
}

function collectTypeParams(t: CelType, into: string[]): void {
  renameParams(t, (name) => {
    if (!into.includes(name)) into.push(name);
    return name;
  });
}

/**
 * The overload's declared parameters and result with its type parameters renamed to fresh type
 * variables (one per parameter, in the order typeParams lists them), so that uses do not share
 * bindings; the declaration itself when it has none.
 */
function instantiate(o: OverloadDecl, declared: Declared, freshName: () => string): { params: readonly CelType[]; result: CelType } {
  const names = declared.typeParams;
  if (names.length === 0) return declared.plain;
  const fresh: CelType[] = [];
  for (let i = 0; i < names.length; i++) fresh.push(param(freshName()));
  const params: CelType[] = [];
  for (let i = 0; i < declared.params.length; i++) params.push(renamed(declared.params[i], names, fresh));
  return { params, result: renamed(o.result, names, fresh) };
}

/** renameParams with a fixed renaming: names[i] becomes fresh[i]. */
function renamed(t: CelType, names: readonly string[], fresh: readonly CelType[]): CelType {
  switch (t.kind) {
    case 'param': return fresh[names.indexOf(t.name)];
    case 'list': return listOf(renamed(t.elem, names, fresh));
    case 'map': return mapOf(renamed(t.key, names, fresh), renamed(t.value, names, fresh));
    case 'type': return typeOf(renamed(t.of, names, fresh));
    case 'opaque': {
      if (!t.params.length) return t;
      const params: CelType[] = [];
      for (let i = 0; i < t.params.length; i++) params.push(renamed(t.params[i], names, fresh));
      return { kind: 'opaque', name: t.name, params };
    }
    default: return t;
  }
}

/** cel-go's signature text in `found no matching overload`: `(T1, T2)` or `Recv.(T1)`. */
export function formatCallSignature(shownTypes: readonly string[], isMember: boolean): string {
  return isMember ? `${shownTypes[0]}.(${shownTypes.slice(1).join(', ')})` : `(${shownTypes.join(', ')})`;
}
