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
  for (const o of overloads) {
    if ((o.receiver === undefined) !== (target === undefined)) continue;
    if (o.params.length + (o.receiver === undefined ? 0 : 1) !== actual.length) continue;
    const { params, overloadResult } = instantiate(o, freshName);
    if (!isAssignableList(mapping, actual, params)) continue;
    ids.push(o.id);
    const r = substitute(mapping, overloadResult, false);
    if (result === undefined) result = r;
    else if (!isDyn(result) && !isExactType(r, result)) result = DYN;
  }
  return result === undefined ? undefined : { result, ids };
}

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
function instantiate(o: OverloadDecl, freshName: () => string): { params: readonly CelType[]; overloadResult: CelType } {
  const { params: declared, generic } = declaration(o);
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
