/**
 * CelEnvironment: the entry point of the checker core. Built once per configuration (variables,
 * extra overloads, features); check() parses, type-checks, validates literals and applies the
 * consumer's result-type rule. Results are cached per expression text, since an edit usually
 * touches one expression of a document and the rest are re-checked unchanged.
 */
import type { CelCheckResult, CelEnvironmentConfig, CelFeatures, CelIssue, CelType, ExpectedResult, OverloadDecl } from './api.js';
import { type CheckOutput, type CheckerEnv, checkAst, operandIndependentRootType } from './checker.js';
import { types as utilTypes } from 'node:util';
import { CODES } from '../engine/codes.js';
import { CEL_CODES, celIssue } from './issues.js';
import { type AstNode, parseCel } from './parse.js';
import { standardOverloads, standardTypeIdentifiers } from './stdlib.js';
import { formatTypeName, isExactType } from './types.js';

export type { AstNode } from './parse.js';

export interface CheckedExpression extends CelCheckResult {
  /** The parsed expression (absent on a syntax error). */
  ast?: AstNode;
  /** Type of any node of `ast` (type parameters resolved; unbound ones are dyn). */
  typeOf(node: AstNode): CelType | undefined;
  /** Overload ids a call or operator node resolved to (for hover and cost estimation). */
  overloadsOf(node: AstNode): readonly string[] | undefined;
}

interface CachedCheck {
  ast?: AstNode;
  output?: CheckOutput;
  /** A syntax error, or an internal failure, that replaces the checker output. */
  failure?: CelIssue;
}

const CACHE_LIMIT = 2000;
const SEEN_LIMIT = 8000;
const EMPTY_TYPES = new Map<AstNode, CelType>();

/**
 * Function tables by the configuration's overload list (kubernetesOverloads returns one shared
 * list per version, phase and options) and the two features standardOverloads depends on. A
 * policy with spec.variables gets a new configuration for each of its expressions (their
 * `variables` differ), and building the table from several hundred overloads each time showed up
 * in profiles. Tables are never modified after they are built.
 */
const functionTables = new WeakMap<readonly OverloadDecl[], Map<string, ReadonlyMap<string, OverloadDecl[]>>>();

function functionTable(config: CelEnvironmentConfig): ReadonlyMap<string, OverloadDecl[]> {
  let byFeatures = functionTables.get(config.overloads);
  if (!byFeatures) functionTables.set(config.overloads, (byFeatures = new Map()));
  const key = `${config.features.crossTypeNumericComparisons}|${config.features.optionalTypes}`;
  let functions = byFeatures.get(key);
  if (!functions) {
    const table = new Map<string, OverloadDecl[]>();
    const seen = new Set<string>();
    for (const o of [...standardOverloads(config.features), ...config.overloads]) {
      const id = `${o.name}\u0000${o.id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const list = table.get(o.name);
      if (list) list.push(o);
      else table.set(o.name, [o]);
    }
    byFeatures.set(key, (functions = table));
  }
  return functions;
}

/**
 * First segments of the dotted names among `names` and the named types (CheckerEnv.qualifiedRoots);
 * undefined when the named types cannot be listed: a Proxy (MAP's open-ended `Object.*` names) or
 * an object with a prototype of its own.
 */
function dottedNameRoots(names: Array<Iterable<string>>, named: Record<string, CelType> | undefined): ReadonlySet<string> | undefined {
  const lists = [...names];
  if (named !== undefined) {
    const proto: unknown = Object.getPrototypeOf(named);
    if (utilTypes.isProxy(named) || (proto !== Object.prototype && proto !== null)) return undefined;
    lists.push(Object.getOwnPropertyNames(named));
  }
  const roots = new Set<string>();
  for (const list of lists) {
    for (const name of list) {
      const dot = name.indexOf('.');
      if (dot >= 0) roots.add(name.slice(0, dot));
    }
  }
  return roots;
}

export class CelEnvironment {
  private readonly env: CheckerEnv;
  private readonly cache = new Map<string, CachedCheck>();
  /** Expressions checked once and not cached yet (see checkCached). */
  private readonly seenOnce = new Set<string>();

  constructor(readonly config: CelEnvironmentConfig) {
    const typeIdents = new Map<string, CelType>(Object.entries(standardTypeIdentifiers(config.features)));
    // config.types may be open-ended (a Proxy answering every `Object.*` name), so look up lazily.
    const named = config.types;
    const lookupType = (name: string): CelType | undefined => {
      const t: unknown = named?.[name];
      // Guards against inherited members such as `toString` on a plain object.
      return typeof t === 'object' && t !== null && 'kind' in t ? (t as CelType) : undefined;
    };
    const functions = functionTable(config);
    const variables = new Map(Object.entries(config.variables));
    const qualifiedRoots = dottedNameRoots([variables.keys(), typeIdents.keys()], named);
    this.env = { variables, typeIdents, lookupType, functions, features: config.features, qualifiedRoots };
  }

  get features(): CelFeatures {
    return this.env.features;
  }

  /** Every function and operator overload in scope, by function name. */
  get functions(): ReadonlyMap<string, readonly OverloadDecl[]> {
    return this.env.functions;
  }

  /** Variables in scope (dotted keys are qualified identifiers). */
  get variables(): ReadonlyMap<string, CelType> {
    return this.env.variables;
  }

  /** See checker.ts operandIndependentRootType. */
  operandIndependentRootType(ast: AstNode): CelType | undefined {
    return operandIndependentRootType(ast, this.env);
  }

  check(expression: string, expected?: ExpectedResult): CheckedExpression {
    const cached = this.checkCached(expression);
    const output = cached.output;
    // Copies: callers may shift offsets into file coordinates, and the originals are cached.
    const issues = (cached.failure ? [cached.failure] : (output?.issues ?? [])).map((i) => ({ ...i }));
    const types = output?.types ?? EMPTY_TYPES;
    const overloads = output?.overloads;
    const type = output && issues.length === 0 ? output.type : undefined;
    if (type && expected) {
      const mismatch = resultTypeIssue(expression, type, expected);
      if (mismatch) issues.push(mismatch);
    }
    // Kubernetes creates the program only for an expression that compiled with the right type.
    if (issues.length === 0 && output && output.programIssues.length) issues.push(...output.programIssues.map((i) => ({ ...i })));
    return {
      issues,
      type,
      ast: cached.ast,
      typeOf: (node) => types.get(node),
      overloadsOf: (node) => overloads?.get(node),
    };
  }

  private checkCached(expression: string): CachedCheck {
    const hit = this.cache.get(expression);
    if (hit) {
      // Refresh recency (Map keeps insertion order; the oldest entry is evicted first).
      this.cache.delete(expression);
      this.cache.set(expression, hit);
      return hit;
    }
    const entry = this.parseAndCheck(expression);
    // Admit an expression on its second check only. Opening a large file checks thousands of
    // expressions exactly once (the engine caches whole documents by text above this); caching
    // each of those results kept their type maps alive through every young-generation GC, which
    // cost ~10% of a cold check of 3,000 expressions. What is checked again (the unchanged
    // expressions of an edited document, editor features) is cached from then on.
    if (this.seenOnce.delete(expression)) {
      this.cache.set(expression, entry);
      if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    } else {
      this.seenOnce.add(expression);
      if (this.seenOnce.size > SEEN_LIMIT) this.seenOnce.delete(this.seenOnce.values().next().value!);
    }
    return entry;
  }

  private parseAndCheck(expression: string): CachedCheck {
    const parsed = parseCel(expression);
    if (!parsed.ast) return { failure: parsed.issue };
    try {
      return { ast: parsed.ast, output: checkAst(expression, parsed.ast, this.env) };
    } catch (e) {
      // A checker bug (or a throwing schema type) must not take the whole document down.
      const message = `kube-cel-guard could not type-check this expression: ${e instanceof Error ? e.message : String(e)}`;
      return { ast: parsed.ast, failure: celIssue(CODES.internal, 0, expression.length, message) };
    }
  }
}

/** The issue (KCG1005) for an expression whose result type the consumer does not accept. */
export function resultTypeIssue(expression: string, type: CelType, expected: ExpectedResult): CelIssue | undefined {
  const mismatch = resultTypeMismatch(type, expected);
  if (!mismatch) return undefined;
  const { start, end } = trimmedRange(expression);
  return celIssue(CEL_CODES.wrongResultType, start, end, mismatch);
}

/**
 * Kubernetes' output-type rule (apiserver pkg/admission/plugin/cel/compile.go): the type must be
 * exactly one of the allowed types, unless `any` is allowed; `dyn` does not satisfy `bool`.
 */
export function resultTypeMismatch(got: CelType, expected: ExpectedResult): string | undefined {
  if (expected.kind === 'any') return undefined;
  if (expected.types.some((t) => t.kind === 'any' || isExactType(t, got))) return undefined;
  if (expected.message) return expected.message(got);
  if (expected.types.length === 1) return `must evaluate to ${formatTypeName(expected.types[0])} but got ${formatTypeName(got)}`;
  return `must evaluate to one of [${expected.types.map(formatTypeName).join(' ')}] but got ${formatTypeName(got)}`;
}

function trimmedRange(s: string): { start: number; end: number } {
  const start = s.length - s.trimStart().length;
  const end = s.trimEnd().length;
  return end > start ? { start, end } : { start: 0, end: s.length };
}
