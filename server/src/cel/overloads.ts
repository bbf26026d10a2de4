/**
 * Overload resolution as cel-go's checker does it (checker/checker.go resolveOverload): an
 * overload is a candidate only in its own call style (member vs global); its type parameters are
 * instantiated with fresh type variables; it matches when every argument is assignable. The first
 * match decides the result type, a later match with a different result widens it to dyn.
 */
import type { CelType, OverloadDecl } from './api.js';
import { DYN, type Substitution, hasParams, isAssignableList, isDyn, isExactType, renameParams, substitute } from './types.js';

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
  const actual = target === undefined ? args : [target, ...args];
  let result: CelType | undefined;
  const ids: string[] = [];
  for (const o of candidates(overloads, target !== undefined, actual.length)) {
    const declared = declaration(o);
    if (cannotMatch(actual, declared.params)) continue;
    const { params, overloadResult } = instantiate(o, declared, freshName);
    if (!isAssignableList(mapping, actual, params)) continue;
    ids.push(o.id);
    const r = substitute(mapping, overloadResult, false);
    if (result === undefined) result = r;
    else if (!isDyn(result) && !isExactType(r, result)) result = DYN;
  }
  return result === undefined ? undefined : { result, ids };
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
 * nothing but the work done; fresh type-variable names are never visible in results.
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
  generic: boolean;
}
const declaredOf = new WeakMap<OverloadDecl, Declared>();

function declaration(o: OverloadDecl): Declared {
  let d = declaredOf.get(o);
  if (!d) {
    const params = o.receiver === undefined ? o.params : [o.receiver, ...o.params];
    d = { params, generic: params.some(hasParams) || hasParams(o.result) };
    declaredOf.set(o, d);
  }
  return d;
}

/** Renames the overload's type parameters to fresh variables so uses do not share bindings. */
function instantiate(o: OverloadDecl, { params: declared, generic }: Declared, freshName: () => string): { params: readonly CelType[]; overloadResult: CelType } {
  const result = o.result;
  if (!generic) return { params: declared, overloadResult: result };
  const fresh = new Map<string, string>();
  const rename = (n: string): string => {
    let v = fresh.get(n);
    if (!v) fresh.set(n, (v = freshName()));
    return v;
  };
  return { params: declared.map((p) => renameParams(p, rename)), overloadResult: renameParams(result, rename) };
}

/** cel-go's signature text in `found no matching overload`: `(T1, T2)` or `Recv.(T1)`. */
export function formatCallSignature(shownTypes: readonly string[], isMember: boolean): string {
  return isMember ? `${shownTypes[0]}.(${shownTypes.slice(1).join(', ')})` : `(${shownTypes.join(', ')})`;
}
