/**
 * CEL macros, type-checked the way cel-go checks their expansions (google/cel-go: parser/macro.go,
 * ext/comprehensions.go, ext/lists.go, cel/library.go optMap/optFlatMap, ext/bindings.go):
 * comprehension variables are scoped to the macro body, the range must be a list, map or dyn,
 * and a non-bool predicate is reported as the operator call the expansion would contain.
 */
import type { CelFeatures, CelType } from './api.js';
import type { Checker } from './checker.js';
import { CEL_CODES } from './issues.js';
import { callNameSpan, nodeSpan } from './locate.js';
import type { AstNode } from './parse.js';
import { BOOL, DYN, ERROR, INT, containsError, formatType, isDyn, listOf, mapOf, optionalOf, optionalValue } from './types.js';

export type MacroKind =
  | 'has' | 'all' | 'exists' | 'exists_one' | 'map' | 'filter'
  | 'all2' | 'exists2' | 'exists_one2' | 'transformList' | 'transformMap' | 'transformMapEntry'
  | 'optMap' | 'optFlatMap' | 'sortBy' | 'bind';

/** Which macro (if any) a call is, by name, call style and argument count, under the enabled features. */
export function matchMacro(f: CelFeatures, node: AstNode): MacroKind | undefined {
  if (node.op === 'call') {
    const nodeArgs = node.args as [string, AstNode[]];
    const name = nodeArgs[0];
    const args = nodeArgs[1];
    return name === 'has' && args.length === 1 ? 'has' : undefined;
  }
  const nodeArgs = node.args as [string, AstNode, AstNode[]];
  const name = nodeArgs[0];
  const target = nodeArgs[1];
  const args = nodeArgs[2];
  const n = args.length;
  switch (name) {
    case 'all': case 'exists': case 'exists_one':
      if (n === 2) return name;
      return n === 3 && f.twoVarComprehensions ? `${name}2` : undefined;
    case 'existsOne':
      // The 1-variable alias needs cel-go >= 0.23; the two-variable library always had existsOne.
      if (n === 2 && f.existsOne) return 'exists_one';
      return n === 3 && f.twoVarComprehensions ? 'exists_one2' : undefined;
    case 'map': return n === 2 || n === 3 ? 'map' : undefined;
    case 'filter': return n === 2 ? 'filter' : undefined;
    case 'transformList': case 'transformMap': case 'transformMapEntry':
      return f.twoVarComprehensions && (n === 3 || n === 4) ? name : undefined;
    case 'optMap': return f.optionalTypes && n === 2 ? 'optMap' : undefined;
    case 'optFlatMap': return f.optionalTypes && f.optFlatMap && n === 2 ? 'optFlatMap' : undefined;
    case 'sortBy': return f.sortBy && n === 2 ? 'sortBy' : undefined;
    case 'bind':
      return f.bind && n === 3 && target.op === 'id' && target.args === 'cel' ? 'bind' : undefined;
    default: return undefined;
  }
}

/** Names of the macros callable in one call style under the enabled features (for suggestions). */
export function macroNames(f: CelFeatures, member: boolean): string[] {
  if (!member) return ['has'];
  const names = ['all', 'exists', 'exists_one', 'map', 'filter'];
  if (f.existsOne) names.push('existsOne');
  if (f.twoVarComprehensions) names.push('transformList', 'transformMap', 'transformMapEntry');
  if (f.optionalTypes) names.push('optMap');
  if (f.optionalTypes && f.optFlatMap) names.push('optFlatMap');
  if (f.sortBy) names.push('sortBy');
  return names;
}

/** The variable name of an iteration-variable argument, or undefined after reporting. */
function iterVar(checker: Checker, arg: AstNode, message = 'argument must be a simple name'): string | undefined {
  if (arg.op === 'id') return arg.args as string;
  checker.report(CEL_CODES.syntax, nodeSpan(checker.src, arg), message);
  return undefined;
}

/** Types of the iteration variables over `range` (cel-go checkComprehension). */
function rangeVars(checker: Checker, range: AstNode, rangeType: CelType, twoVars: boolean): [CelType, CelType] {
  const t = checker.resolved(rangeType);
  switch (t.kind) {
    case 'list': return twoVars ? [INT, t.elem] : [t.elem, t.elem];
    case 'map': return [t.key, t.value];
    case 'dyn': case 'any': case 'error': case 'param':
      checker.assignable(DYN, t); // binds an unbound parameter to dyn, as cel-go does
      return [DYN, DYN];
    default:
      if (containsError(t)) return [ERROR, ERROR];
      checker.report(CEL_CODES.otherTypeError, nodeSpan(checker.src, range),
        `expression of type '${formatType(t)}' cannot be range of a comprehension (must be list, map, or dynamic)`);
      return [ERROR, ERROR];
  }
}

function scopeOf(names: Array<string | undefined>, types: CelType[]): Map<string, CelType> {
  const vars = new Map<string, CelType>();
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (n !== undefined) vars.set(n, types[i]);
  }
  return vars;
}

/** A non-bool predicate is reported as the operator the expansion would apply to it. */
function requireBool(checker: Checker, node: AstNode, predicate: CelType, fn: string, args: CelType[]): void {
  if (!checker.assignable(predicate, BOOL)) checker.noMatchingOverload(fn, args, false, callNameSpan(checker.src, node));
}

export function checkMacro(checker: Checker, node: AstNode, kind: MacroKind): CelType {
  if (kind === 'has') return checkHas(checker, node);
  const nodeArgs = node.args as [string, AstNode, AstNode[]];
  const target = nodeArgs[1];
  const args = nodeArgs[2];
  switch (kind) {
    case 'bind': return checkBind(checker, args);
    case 'optMap': case 'optFlatMap': return checkOptMap(checker, node, target, args, kind === 'optFlatMap');
    default: return checkComprehension(checker, node, kind, target, args);
  }
}

function checkHas(checker: Checker, node: AstNode): CelType {
  const arg = (node.args as [string, AstNode[]])[1][0];
  if (arg.op !== '.') {
    checker.report(CEL_CODES.syntax, nodeSpan(checker.src, arg), 'invalid argument to has() macro');
    checker.check(arg);
    return ERROR;
  }
  // has(a.b) tests presence; the selection is checked as a field selection (not a qualified name).
  checker.setType(arg, checker.checkSelectField(arg, false));
  return BOOL;
}

function checkBind(checker: Checker, args: AstNode[]): CelType {
  const name = iterVar(checker, args[0], 'cel.bind() variable names must be simple identifiers');
  const init = checker.check(args[1]);
  return checker.withScope(scopeOf([name], [init]), () => checker.check(args[2]));
}

/** dyn, error and unbound type parameters accept anything (cel-go isDynOrError plus params). */
function isWildcard(t: CelType): boolean {
  return isDyn(t) || t.kind === 'error' || t.kind === 'param';
}

/**
 * `opt.optMap(x, e)` expands to `opt.hasValue() ? optional.of(cel.bind(x, opt.value(), e)) :
 * optional.none()`; optFlatMap omits the `optional.of`, so `e` must itself be optional.
 */
function checkOptMap(checker: Checker, node: AstNode, target: AstNode, args: AstNode[], flat: boolean): CelType {
  const name = iterVar(checker, args[0]);
  const targetType = checker.resolved(checker.check(target));
  const span = callNameSpan(checker.src, node);
  let valueType = optionalValue(targetType);
  if (!valueType) {
    if (isWildcard(targetType)) valueType = DYN;
    else {
      checker.noMatchingOverload('hasValue', [targetType], true, span);
      checker.noMatchingOverload('value', [targetType], true, span);
      valueType = ERROR;
    }
  }
  const body = checker.resolved(checker.withScope(scopeOf([name], [valueType]), () => checker.check(args[1])));
  if (body.kind === 'error') return ERROR;
  if (!flat) return optionalOf(body);
  if (optionalValue(body)) return body;
  if (isWildcard(body)) return optionalOf(DYN);
  checker.noMatchingOverload('_?_:_', [BOOL, body, optionalOf(DYN)], false, span);
  return ERROR;
}

const COMPARABLE_KINDS = new Set(['int', 'uint', 'double', 'bool', 'duration', 'timestamp', 'string', 'bytes', 'dyn', 'any', 'error', 'param']);

function checkComprehension(checker: Checker, node: AstNode, kind: MacroKind, target: AstNode, args: AstNode[]): CelType {
  const twoVars = kind.endsWith('2') || kind.startsWith('transform');
  const names = twoVars ? [iterVar(checker, args[0]), iterVar(checker, args[1])] : [iterVar(checker, args[0])];
  if (twoVars && names[0] !== undefined && names[0] === names[1]) {
    checker.report(CEL_CODES.syntax, nodeSpan(checker.src, args[1]), `duplicate variable name: ${names[0]}`);
  }
  const rangeType = checker.check(target);
  const vars = rangeVars(checker, target, rangeType, twoVars);
  const v1 = vars[0];
  const v2 = vars[1];
  const scope = twoVars ? scopeOf(names, [v1, v2]) : scopeOf(names, [v1]);
  const body = args.slice(names.length);
  const types = checker.withScope(scope, () => checker.checkAll(body));
  const elem = twoVars ? v2 : v1;
  switch (kind) {
    case 'all': case 'all2':
      requireBool(checker, node, types[0], '_&&_', [BOOL, types[0]]);
      return BOOL;
    case 'exists': case 'exists2':
      requireBool(checker, node, types[0], '_||_', [BOOL, types[0]]);
      return BOOL;
    case 'exists_one': case 'exists_one2':
      requireBool(checker, node, types[0], '_?_:_', [types[0], INT, INT]);
      return BOOL;
    case 'map': case 'transformList': {
      const transform = types[types.length - 1];
      if (types.length === 2) requireBool(checker, node, types[0], '_?_:_', [types[0], listOf(transform), listOf(transform)]);
      return listOf(transform);
    }
    case 'filter':
      requireBool(checker, node, types[0], '_?_:_', [types[0], listOf(elem), listOf(elem)]);
      return listOf(elem);
    case 'transformMap': {
      const transform = types[types.length - 1];
      if (types.length === 2) requireBool(checker, node, types[0], '_?_:_', [types[0], mapOf(v1, transform), mapOf(v1, transform)]);
      return mapOf(v1, transform);
    }
    case 'transformMapEntry': {
      const entry = checker.resolved(types[types.length - 1]);
      if (types.length === 2) requireBool(checker, node, types[0], '_?_:_', [types[0], entry, entry]);
      if (entry.kind === 'map') return entry;
      if (isWildcard(entry)) return mapOf(DYN, DYN);
      checker.noMatchingOverload('cel.@mapInsert', [mapOf(DYN, DYN), entry], false, callNameSpan(checker.src, node));
      return ERROR;
    }
    case 'sortBy': {
      const key = checker.resolved(types[0]);
      const rangeT = checker.resolved(rangeType);
      if (!COMPARABLE_KINDS.has(key.kind) || (rangeT.kind !== 'list' && !isDyn(rangeT) && rangeT.kind !== 'error')) {
        if (rangeT.kind === 'list' || isDyn(rangeT)) checker.noMatchingOverload('@sortByAssociatedKeys', [rangeT, listOf(key)], false, callNameSpan(checker.src, node));
        return ERROR;
      }
      return rangeT.kind === 'list' ? rangeT : listOf(DYN);
    }
    default:
      return ERROR;
  }
}
