/**
 * The CEL type checker over cel-js's AST, following google/cel-go checker/checker.go: every node
 * gets a type, every independent error is reported (an erroneous node gets type `error`, which
 * is assignable everywhere, so errors do not cascade), with cel-go's messages at the token
 * cel-go points at. Literal validators (homogeneous literals, duration/timestamp/regex
 * literals) run afterwards, only when checking found no error, as cel-go's AST validators do.
 */
import type { CelFeatures, CelIssue, CelType, OverloadDecl } from './api.js';
import { CEL_CODES, celIssue } from './issues.js';
import { callNameSpan, indexSpan, nodeSpan, operatorSpan, selectSpan, ternarySpan, type Span } from './locate.js';
import { checkMacro, macroNames, matchMacro } from './macros.js';
import { type AstNode, OPTIONAL_ENTRY_OP, dottedName, unalias } from './parse.js';
import {
  BOOL, BYTES, DOUBLE, DYN, ERROR, INT, NULL, STRING, UINT, Substitution, containsError, formatType,
  hasParams, isAssignablePair, isDyn, isExactType, listOf, mapOf, mostGeneral, optionalOf, optionalValue, param, substitute, typeOf,
} from './types.js';
import { candidates, formatCallSignature, resolveOverload } from './overloads.js';
import { STRUCT_CALL } from './syntaxRewrite.js';
import { checkStructLiteral } from './structCheck.js';
import { programIssues } from './programChecks.js';
import { validateLiterals } from './validators.js';
import { nearestNames } from './suggest.js';
import { CEL_RESERVED_SYMBOLS } from './escaping.js';

/** What the checker resolves names against (built once per CelEnvironment). */
export interface CheckerEnv {
  /** Variables, including dotted qualified identifiers. */
  variables: ReadonlyMap<string, CelType>;
  /** Standard identifiers that denote types (`int` → type(int)). */
  typeIdents: ReadonlyMap<string, CelType>;
  /** Named types of the configuration (struct construction, type values), e.g. MAP `Object.spec`. */
  lookupType(name: string): CelType | undefined;
  /** Overloads by function name (operators use cel-go names: `_==_`, `@in`, ...). */
  functions: ReadonlyMap<string, readonly OverloadDecl[]>;
  features: CelFeatures;
  /**
   * First segments of every dotted name lookupIdent can resolve (variables, type identifiers,
   * named types); undefined when unknown (named types answered by a Proxy). A selection chain
   * whose root identifier is not among them cannot be a qualified identifier.
   */
  qualifiedRoots?: ReadonlySet<string>;
}

export interface CheckOutput {
  issues: CelIssue[];
  /**
   * What program creation would reject after a successful compile (programChecks.ts); only
   * meaningful when `issues` is empty and the consumer accepted the result type.
   */
  programIssues: CelIssue[];
  /** Final type of every node (type parameters resolved, unbound ones as dyn). */
  types: Map<AstNode, CelType>;
  /** Overload ids each call/operator node resolved to. */
  overloads: Map<AstNode, string[]>;
  type: CelType;
}

export const BINARY_FUNCTIONS: Readonly<Record<string, string>> = {
  '==': '_==_', '!=': '_!=_', '<': '_<_', '<=': '_<=_', '>': '_>_', '>=': '_>=_',
  '+': '_+_', '-': '_-_', '*': '_*_', '/': '_/_', '%': '_%_', in: '@in', '&&': '_&&_', '||': '_||_',
};

const suffixSets = new WeakMap<ReadonlyMap<string, readonly OverloadDecl[]>, ReadonlySet<string>>();

/**
 * The last segments of the dotted function names of a function table (`of` for `optional.of`):
 * `prefix.name` can only be a declared function when `name` is one of them.
 */
export function dottedFunctionSuffixes(functions: ReadonlyMap<string, readonly OverloadDecl[]>): ReadonlySet<string> {
  let set = suffixSets.get(functions);
  if (!set) {
    const out = new Set<string>();
    for (const fn of functions.keys()) {
      const dot = fn.lastIndexOf('.');
      if (dot >= 0) out.add(fn.slice(dot + 1));
    }
    suffixSets.set(functions, (set = out));
  }
  return set;
}

/** The token a call that does not resolve is reported at (see siteSpan). */
type CallSite = 'ternary' | 'operator' | 'index' | 'callName' | 'prefix';

const MAX_INT = 9223372036854775807n;
const MAX_ISSUES = 100;

export class Checker {
  readonly types = new Map<AstNode, CelType>();
  readonly overloads = new Map<AstNode, string[]>();
  readonly issues: CelIssue[] = [];
  readonly mapping = new Substitution();
  private readonly scopes: Array<ReadonlyMap<string, CelType>> = [];
  /** qualifiedName results by node (see there); created on first use. */
  private qualifiedNames: Map<AstNode, string | undefined> | undefined;
  private typeVarCount = 0;
  /** dottedFunctionSuffixes of the environment's functions, once per check. */
  private functionSuffixes: ReadonlySet<string> | undefined;

  constructor(readonly src: string, readonly env: CheckerEnv) {}

  get features(): CelFeatures {
    return this.env.features;
  }

  report(code: string, span: Span, message: string, suggestions?: string[]): void {
    const issue = celIssue(code, span.start, span.end, message);
    if (suggestions?.length) issue.suggestions = suggestions;
    this.issues.push(issue);
  }

  /** Field names of an object type, as CEL spells them, for "did you mean" suggestions. */
  fieldSuggestions(type: CelType & { kind: 'object' }, field: string): string[] {
    return nearestNames(field, type.fields().keys());
  }

  /** Unique type-variable names for the whole expression (overload instantiation, empty literals). */
  private readonly freshName = (): string => `_var${this.typeVarCount++}`;

  /** The types of `nodes`, checked in order. */
  checkAll(nodes: readonly AstNode[]): CelType[] {
    // Sized up front: a call's arguments are few, and a pushed-to empty list makes room for 17.
    const types = new Array<CelType>(nodes.length);
    for (let i = 0; i < nodes.length; i++) types[i] = this.check(nodes[i]);
    return types;
  }

  freshTypeVar(): CelType {
    return param(this.freshName());
  }

  /** isAssignable against the expression-wide substitution (commits bindings on success). */
  assignable(from: CelType, to: CelType): boolean {
    return isAssignablePair(this.mapping, from, to);
  }

  resolved(t: CelType): CelType {
    return substitute(this.mapping, t, false);
  }

  withScope<T>(vars: ReadonlyMap<string, CelType>, body: () => T): T {
    this.scopes.push(vars);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  setType(node: AstNode, t: CelType): CelType {
    this.types.set(node, t);
    return t;
  }

  check(node: AstNode): CelType {
    return this.setType(node, this.checkNode(node));
  }

  private checkNode(node: AstNode): CelType {
    switch (node.op) {
      case 'value': return this.checkLiteral(node, false);
      case 'id': return this.checkIdent(node);
      case '.': return this.checkSelect(node);
      case '.?': return this.checkOptionalSelect(node);
      case '[]': case '[?]': return this.checkIndex(node);
      case 'call': return this.checkGlobalCall(node);
      case 'rcall': return this.checkMemberCall(node);
      case 'list': return this.checkList(node);
      case 'map': return this.checkMap(node);
      case '?:': {
        const nodeArgs = node.args as [AstNode, AstNode, AstNode];
        const c = nodeArgs[0];
        const t = nodeArgs[1];
        const f = nodeArgs[2];
        const types = [this.check(c), this.check(t), this.check(f)];
        return this.resolveCall(node, '_?_:_', undefined, types, 'ternary');
      }
      case '&&': case '||': return this.checkLogicalChain(node);
      case OPTIONAL_ENTRY_OP: return this.check(node.args as AstNode); // only inside literals, handled there
      case '!_': {
        const arg = node.args as AstNode;
        return this.resolveCall(node, '!_', undefined, [this.check(arg)], 'prefix');
      }
      case '-_': {
        const arg = node.args as AstNode;
        const argType = arg.op === 'value' ? this.setType(arg, this.checkLiteral(arg, true)) : this.check(arg);
        return this.resolveCall(node, '-_', undefined, [argType], 'prefix');
      }
      default: {
        const fn = BINARY_FUNCTIONS[node.op];
        if (!fn) {
          this.report(CEL_CODES.syntax, { start: node.start, end: node.end }, `Syntax error: unsupported expression '${node.op}'`);
          return ERROR;
        }
        const nodeArgs = node.args as [AstNode, AstNode];
        const l = nodeArgs[0];
        const r = nodeArgs[1];
        const types = [this.check(l), this.check(r)];
        return this.resolveCall(node, fn, undefined, types, 'operator');
      }
    }
  }

  private checkLiteral(node: AstNode, negated: boolean): CelType {
    const v = node.args;
    if (typeof v === 'string') return STRING;
    if (typeof v === 'number') return DOUBLE;
    if (typeof v === 'boolean') return BOOL;
    if (v === null) return NULL;
    if (typeof v === 'bigint') {
      // cel-go folds `-<int>` into one literal, so -9223372036854775808 is valid but not its negation.
      if (v > MAX_INT + (negated ? 1n : 0n)) {
        this.report(CEL_CODES.invalidLiteral, { start: node.start, end: node.end }, 'invalid int literal');
        return ERROR;
      }
      return INT;
    }
    if (v instanceof Uint8Array) return BYTES;
    return UINT; // cel-js UnsignedInt
  }

  /** Variables in comprehension scopes, then declared variables, then type identifiers. */
  lookupIdent(name: string): CelType | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i].get(name);
      if (t) return t;
    }
    const t = this.env.variables.get(name) ?? this.env.typeIdents.get(name);
    if (t) return t;
    const named = this.env.lookupType(name);
    return named ? typeOf(named) : undefined;
  }

  private checkIdent(node: AstNode): CelType {
    const name = unalias(node.args as string);
    const t = this.lookupIdent(name);
    if (t) return t;
    // Variables in scope, comprehension variables included; dotted qualified names are not typed as one word.
    const inScope = [...this.scopes.flatMap((s) => [...s.keys()]), ...this.env.variables.keys()].filter((v) => !v.includes('.'));
    this.report(CEL_CODES.undeclaredReference, { start: node.start, end: node.end }, `undeclared reference to '${name}' (in container '')`, nearestNames(name, inScope));
    return ERROR;
  }

  /** `a.b.c` as one dotted name when built only from identifiers and plain selections. */
  qualifiedName(node: AstNode): string | undefined {
    // Memoised per node: checkSelect asks for every link of a chain (`a.b.c.d`, then `a.b.c`, …),
    // which rebuilt the whole chain each time (quadratic in its length; the top self-time item).
    // Iterative down to the nearest known link, then built back up, so deep chains are safe.
    const known = (this.qualifiedNames ??= new Map());
    if (known.has(node)) return known.get(node);
    const chain: AstNode[] = [];
    let n = node;
    while (n.op === '.' && !known.has(n)) {
      chain.push(n);
      n = (n.args as [AstNode, string])[0];
    }
    let name: string | undefined;
    if (known.has(n)) name = known.get(n);
    else if (n.op === 'id') name = unalias(n.args as string);
    if (n.op === 'id' || n.op === '.') known.set(n, name);
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i];
      if (name !== undefined) name = `${name}.${(link.args as [AstNode, string])[1]}`;
      known.set(link, name);
    }
    return name;
  }

  private checkSelect(node: AstNode): CelType {
    // cel-go first tries the whole chain as a qualified identifier (authorizer.requestResource).
    // When the chain cannot be one, neither can the shorter chains below it (same root).
    if (!this.mayBeQualifiedName(node)) return this.checkSelectField(node, false, true);
    const q = this.qualifiedName(node);
    if (q !== undefined && q.includes('.')) {
      const t = this.lookupIdent(q);
      if (t) return t;
    }
    return this.checkSelectField(node, false);
  }

  /**
   * False when the chain `node` ends cannot name anything as a qualified identifier: its root is
   * not an identifier, or not the first segment of any dotted name of the environment (scopes
   * never hold dotted names). Saves building and looking up the dotted name of most selections.
   * Long chains are left to qualifiedName's memo.
   */
  private mayBeQualifiedName(node: AstNode): boolean {
    const roots = this.env.qualifiedRoots;
    if (!roots) return true;
    let n = node;
    for (let steps = 0; n.op === '.'; steps++) {
      if (steps > 32) return true;
      n = (n.args as [AstNode, string])[0];
    }
    return n.op === 'id' && roots.has(unalias(n.args as string));
  }

  private checkOptionalSelect(node: AstNode): CelType {
    if (!this.features.optionalTypes) {
      this.report(CEL_CODES.syntax, selectSpan(this.src, node), "unsupported syntax '.?'");
      this.check((node.args as [AstNode, string])[0]);
      return ERROR;
    }
    return this.checkSelectField(node, true);
  }

  /**
   * cel-go checkSelectField: selection on maps, objects, dyn, and optionals of those.
   * `plainChain`: the chain `node` ends is known not to be a qualified name (checkSelect), so a
   * plain selection operand is checked as a field selection directly, as checkSelect would.
   */
  checkSelectField(node: AstNode, optional: boolean, plainChain = false): CelType {
    const nodeArgs = node.args as [AstNode, string];
    const operand = nodeArgs[0];
    const field = nodeArgs[1];
    const operandType = this.resolved(
      plainChain && operand.op === '.' ? this.setType(operand, this.checkSelectField(operand, false, true)) : this.check(operand),
    );
    const inner = optionalValue(operandType);
    const target = inner ?? operandType;
    let result: CelType;
    switch (target.kind) {
      case 'map':
        result = target.value;
        break;
      case 'object': {
        const found = this.lookupField(target, field);
        if (!found) {
          this.report(CEL_CODES.undefinedField, selectSpan(this.src, node), `undefined field '${field}'`, this.fieldSuggestions(target, field));
          return ERROR;
        }
        result = found;
        break;
      }
      case 'param':
        this.assignable(DYN, target);
        result = DYN;
        break;
      default:
        if (!isDyn(target) && !containsError(target)) {
          this.report(CEL_CODES.otherTypeError, selectSpan(this.src, node), `type '${formatType(target)}' does not support field selection`);
        }
        result = DYN;
    }
    return inner || optional ? optionalOf(result) : result;
  }

  lookupField(type: CelType & { kind: 'object' }, field: string): CelType | undefined {
    const fields = type.fields();
    const direct = fields.get(field);
    if (direct) return direct.type;
    // Kubernetes escapes these field names as `__<name>__` and retries them so since compat 1.31 (§3.3).
    if (this.features.reservedFieldFallback && CEL_RESERVED_SYMBOLS.has(field)) return fields.get(`__${field}__`)?.type;
    return undefined;
  }

  private checkIndex(node: AstNode): CelType {
    const nodeArgs = node.args as [AstNode, AstNode];
    const operand = nodeArgs[0];
    const index = nodeArgs[1];
    const optional = node.op === '[?]';
    if (optional && !this.features.optionalTypes) {
      this.report(CEL_CODES.syntax, indexSpan(this.src, node), "unsupported syntax '[?'");
      this.check(operand);
      this.check(index);
      return ERROR;
    }
    const types = [this.check(operand), this.check(index)];
    return this.resolveCall(node, optional ? '_[?_]' : '_[_]', undefined, types, 'index');
  }

  private checkGlobalCall(node: AstNode): CelType {
    const macro = matchMacro(this.features, node);
    if (macro) return checkMacro(this, node, macro);
    const nodeArgs = node.args as [string, AstNode[]];
    const alias = nodeArgs[0];
    const args = nodeArgs[1];
    const argTypes = this.checkAll(args);
    return this.resolveNamed(node, unalias(alias), undefined, argTypes);
  }

  private checkMemberCall(node: AstNode): CelType {
    const macro = matchMacro(this.features, node);
    if (macro) return checkMacro(this, node, macro);
    const nodeArgs = node.args as [string, AstNode, AstNode[]];
    const name = nodeArgs[0];
    const target = nodeArgs[1];
    const args = nodeArgs[2];
    if (name === STRUCT_CALL) return checkStructLiteral(this, node);
    // `optional.of(x)`, `sets.contains(a, b)`: a namespaced global function wins over a receiver.
    // Only names that end some dotted function can match, so most calls skip building the prefix.
    this.functionSuffixes ??= dottedFunctionSuffixes(this.env.functions);
    const prefix = this.functionSuffixes.has(name) ? this.qualifiedName(target) : undefined;
    if (prefix !== undefined && this.env.functions.has(`${prefix}.${name}`)) {
      const argTypes = this.checkAll(args);
      return this.resolveNamed(node, `${prefix}.${name}`, undefined, argTypes);
    }
    const argTypes = this.checkAll(args);
    const targetType = this.check(target);
    return this.resolveNamed(node, name, targetType, argTypes);
  }

  private resolveNamed(node: AstNode, name: string, target: CelType | undefined, argTypes: CelType[]): CelType {
    if (!this.env.functions.has(name)) {
      // Operators (`_+_`, `@in`) are not names anyone types; a member call is only ever fixed into
      // a function with a receiver-style overload (`s.toString()` is not `s.string()`), and a
      // global call into one with a global overload.
      const member = target !== undefined;
      const callable = [...this.env.functions]
        .filter(([f, overloads]) => /^[A-Za-z_][\w.]*$/.test(f) && overloads.some((o) => (o.receiver !== undefined) === member))
        .map(([f]) => f)
        .concat(macroNames(this.features, member));
      this.report(CEL_CODES.undeclaredReference, callNameSpan(this.src, node), `undeclared reference to '${name}' (in container '')`, nearestNames(name, callable));
      return ERROR;
    }
    return this.resolveCall(node, name, target, argTypes, 'callName');
  }

  /**
   * cel-go resolveOverload: every overload of the right call style whose (freshly instantiated)
   * parameters accept the arguments matches; the first match's result is kept, a second match
   * with a different result widens it to dyn.
   */
  resolveCall(node: AstNode, name: string, target: CelType | undefined, args: CelType[], site: CallSite): CelType {
    const resolution = resolveOverload(this.env.functions.get(name) ?? [], target, args, this.mapping, this.freshName);
    if (!resolution) {
      this.noMatchingOverload(name, target === undefined ? args : [target, ...args], target !== undefined, this.siteSpan(node, site));
      return ERROR;
    }
    this.overloads.set(node, resolution.ids);
    return resolution.result;
  }

  /** Where cel-go reports a call that does not resolve (located only then: it scans the source). */
  private siteSpan(node: AstNode, site: CallSite): Span {
    switch (site) {
      case 'ternary': return ternarySpan(this.src, node);
      case 'operator': return operatorSpan(this.src, node);
      case 'index': return indexSpan(this.src, node);
      case 'callName': return callNameSpan(this.src, node);
      case 'prefix': return { start: node.start, end: node.start + 1 };
    }
  }

  /** Report cel-go's no-matching-overload error for a call the checker synthesises (macros). */
  noMatchingOverload(name: string, args: CelType[], isMember: boolean, span: Span): void {
    // An argument that carries an earlier error would only repeat that error.
    if (args.some((t) => containsError(this.resolved(t)))) return;
    const sig = formatCallSignature(args.map((t) => formatType(substitute(this.mapping, t, true))), isMember);
    this.report(CEL_CODES.noMatchingOverload, span, `found no matching overload for '${name}' applied to '${sig}'`);
  }

  /**
   * `a && b && c` is a left-deep chain in cel-js; walk it iteratively so that very long chains
   * (cel-go balances them) cannot exhaust the stack.
   */
  private checkLogicalChain(top: AstNode): CelType {
    const spine: AstNode[] = [];
    let n = top;
    while (n.op === top.op) {
      spine.push(n);
      n = (n.args as [AstNode, AstNode])[0];
    }
    let acc = this.check(n);
    for (let i = spine.length - 1; i >= 0; i--) {
      const node = spine[i];
      const right = this.check((node.args as [AstNode, AstNode])[1]);
      acc = this.resolveCall(node, BINARY_FUNCTIONS[node.op], undefined, [acc, right], 'operator');
      if (i > 0) this.setType(node, acc);
    }
    return acc;
  }

  /** cel-go joinTypes without homogeneous checking (the validator does that afterwards). */
  joinTypes(previous: CelType | undefined, current: CelType): CelType {
    if (previous === undefined) return current;
    if (this.assignable(previous, current)) return mostGeneral(previous, current);
    return DYN;
  }

  private checkList(node: AstNode): CelType {
    let elem: CelType | undefined;
    for (const e of node.args as AstNode[]) {
      if (e.op === OPTIONAL_ENTRY_OP) {
        const inner = e.args as AstNode;
        const t = this.setType(e, this.check(inner));
        elem = this.joinTypes(elem, this.optionalEntryValue(e, inner, t));
      } else {
        elem = this.joinTypes(elem, this.check(e));
      }
    }
    return listOf(elem ?? this.freshTypeVar());
  }

  private checkMap(node: AstNode): CelType {
    let key: CelType | undefined;
    let value: CelType | undefined;
    for (const [k, v] of node.args as Array<[AstNode, AstNode]>) {
      const optional = k.op === OPTIONAL_ENTRY_OP;
      const keyType = optional ? this.setType(k, this.check(k.args as AstNode)) : this.check(k);
      const valueType = this.check(v);
      key = this.joinTypes(key, keyType);
      value = this.joinTypes(value, optional ? this.optionalEntryValue(k, v, valueType) : valueType);
    }
    return mapOf(key ?? this.freshTypeVar(), value ?? this.freshTypeVar());
  }

  /**
   * The value of an optional entry (`[?x]`, `{?k: v}`, `Obj{?f: v}`) must be an optional; the
   * literal holds its value type (cel-go checkCreateList/Map/Struct).
   */
  optionalEntryValue(marker: AstNode, value: AstNode, valueType: CelType): CelType {
    if (!this.features.optionalTypes) {
      this.report(CEL_CODES.syntax, { start: marker.start, end: marker.start + 1 }, "unsupported syntax '?'");
      return ERROR;
    }
    const t = this.resolved(valueType);
    const inner = optionalValue(t);
    if (inner) return inner;
    if (!isDyn(t) && !containsError(t)) {
      this.report(CEL_CODES.otherTypeError, nodeSpan(this.src, value), `expected type '${formatType(optionalOf(t))}' but found '${formatType(t)}'`);
    }
    return t;
  }
}

/** Type-check `ast`; literal validators run only when checking found no error (as in cel-go). */
export function checkAst(src: string, ast: AstNode, env: CheckerEnv): CheckOutput {
  const checker = new Checker(src, env);
  let rootType: CelType;
  try {
    rootType = checker.check(ast);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { issues: [celIssue(CEL_CODES.syntax, 0, Math.min(1, src.length), 'expression recursion limit exceeded: 250')], programIssues: [], types: new Map(), overloads: new Map(), type: ERROR };
  }
  // Resolved in place (re-setting an existing key while iterating visits each entry once).
  const types = checker.types;
  const mapping = checker.mapping;
  types.forEach((t, n) => {
    const resolved = substitute(mapping, t, true);
    if (resolved !== t) types.set(n, resolved);
  });
  const type = substitute(checker.mapping, rootType, true);
  const issues = checker.issues;
  if (issues.length === 0) {
    const literals = validateLiterals(src, ast, types, env.features);
    if (literals.length) issues.push(...literals);
  }
  issues.sort((a, b) => a.start - b.start || a.end - b.end);
  // cel-go stops listing after 100 errors (`<n> more errors were truncated`).
  if (issues.length > MAX_ISSUES) issues.length = MAX_ISSUES;
  const program = issues.length === 0 ? programIssues(ast, (n) => checker.overloads.has(n), env.features) : [];
  return { issues, programIssues: program, types, overloads: checker.overloads, type };
}

/**
 * The type checkAst gives the root of `ast` whatever the types of the variables it reads, as long
 * as it reports no issue; undefined when the root's type may depend on them. That is when the
 * root is a macro of constant type (has, all, exists, exists_one) or a call or operator whose
 * overloads of its call style and arity all declare one concrete result type: resolution keeps
 * the first match's result and widens to dyn only for a different one, so any successful
 * resolution gives that type. Mirrors checkNode's dispatch (operators, logical chains, macros,
 * namespaced functions, member calls).
 */
export function operandIndependentRootType(ast: AstNode, env: CheckerEnv): CelType | undefined {
  const op = ast.op;
  if (op === '!_') return uniformResult(env, '!_', false, 1);
  if (op === 'call' || op === 'rcall') {
    const macro = matchMacro(env.features, ast);
    if (macro !== undefined) return CONSTANT_MACRO_TYPES.has(macro) ? BOOL : undefined;
    if (op === 'call') {
      const nodeArgs = ast.args as [string, AstNode[]];
      const alias = nodeArgs[0];
      const args = nodeArgs[1];
      const name = unalias(alias);
      return env.functions.has(name) ? uniformResult(env, name, false, args.length) : undefined;
    }
    const nodeArgs = ast.args as [string, AstNode, AstNode[]];
    const name = nodeArgs[0];
    const target = nodeArgs[1];
    const args = nodeArgs[2];
    if (name === STRUCT_CALL) return undefined;
    const prefix = dottedFunctionSuffixes(env.functions).has(name) ? dottedName(target) : undefined;
    if (prefix !== undefined && env.functions.has(`${prefix}.${name}`)) return uniformResult(env, `${prefix}.${name}`, false, args.length);
    return env.functions.has(name) ? uniformResult(env, name, true, args.length + 1) : undefined;
  }
  const fn = BINARY_FUNCTIONS[op];
  return fn === undefined ? undefined : uniformResult(env, fn, false, 2);
}

/** Macros whose expansion always has type bool (checkMacro: has, and the predicates' comprehensions). */
const CONSTANT_MACRO_TYPES: ReadonlySet<string> = new Set(['has', 'all', 'exists', 'exists_one', 'all2', 'exists2', 'exists_one2']);

function uniformResult(env: CheckerEnv, name: string, member: boolean, arity: number): CelType | undefined {
  const overloads = candidates(env.functions.get(name) ?? [], member, arity);
  let answer = uniformResults.get(overloads);
  if (answer === undefined) {
    answer = null;
    if (overloads.length > 0 && !hasParams(overloads[0].result)) {
      const result = overloads[0].result;
      answer = result;
      for (let i = 1; i < overloads.length; i++) if (!isExactType(overloads[i].result, result)) answer = null;
    }
    uniformResults.set(overloads, answer);
  }
  return answer ?? undefined;
}

/** uniformResult by candidate list (candidates() returns the same list for the same question). */
const uniformResults = new WeakMap<readonly OverloadDecl[], CelType | null>();

