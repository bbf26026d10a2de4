/**
 * Kubernetes' CEL libraries (and the cel-go extension libraries Kubernetes enables) as
 * OverloadDecls, gated by Kubernetes version and expression phase (k8s-cel.md §0, §5).
 * Source of truth: data/k8s-cel-functions.json, a copy of docs/k8s-cel-functions.json.
 */
import type { CelFeatures, CelIssue, CelType, OverloadDecl } from './api.js';
import { astIndex, dottedName, type AstNode } from './parse.js';
import { CEL_CODES } from './issues.js';
import { callNameSpan } from './locate.js';
import type { KubernetesVersion } from '../engine/options.js';
import { registerCodes } from '../engine/codes.js';
import { LIBRARY_TYPES, T, listOf, mapOf, optionalOf } from './k8sTypes.js';
import functionList from './data/k8s-cel-functions.json' with { type: 'json' };

export const K8S_CODES = {
  unavailableFunction: 'KCG1007',
  apiserverDropsField: 'KCG1010',
} as const;

registerCodes([
  {
    code: K8S_CODES.unavailableFunction,
    name: 'cel-function-needs-newer-kubernetes',
    defaultSeverity: 'error',
    title: 'The CEL function exists only in a later Kubernetes version; the apiserver rejects the expression.',
  },
  {
    code: K8S_CODES.apiserverDropsField,
    name: 'cel-apiserver-typecheck-drops-field',
    defaultSeverity: 'info',
    title: "The apiserver's own policy type check cannot see this field (resource.Quantity) and will warn, although it works at runtime.",
  },
]);

export interface FunctionEntry {
  library: string;
  name: string;
  receiver: string | null;
  params: string[];
  result: string;
  sinceK8s: string;
  description: string;
  overloadId?: string;
  kind?: 'macro';
}

export type Phase = 'new' | 'stored';

/** The library list shipped with the product (never read from /work/shared at runtime). */
export const FUNCTION_ENTRIES: readonly FunctionEntry[] = functionList as FunctionEntry[];

// ---------------------------------------------------------------- version arithmetic

/** Minor number of '1.X' ('1.0' = present since CEL first shipped). */
export function minorOf(v: string): number {
  const m = /^1\.(\d+)$/.exec(v);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

/**
 * §0.1: an option introduced in 1.X is accepted in a NEW expression from 1.(X+1) (compat
 * version = binary minor − 1) and in STORED expressions (and at runtime) from 1.X.
 */
export function isIntroduced(since: string, version: KubernetesVersion | string, phase: Phase): boolean {
  const compat = minorOf(version) - (phase === 'new' ? 1 : 0);
  return minorOf(since) <= compat;
}

/**
 * Libraries whose availability follows the cel-go version bundled with the binary rather than
 * a Kubernetes IntroducedVersion (K8s enables OptionalTypes unversioned, §5.2): the phase does
 * not matter for them.
 */
function isCelGoVersioned(e: FunctionEntry): boolean {
  return e.library === 'cel-go OptionalTypes';
}

function entryAvailable(e: FunctionEntry, version: KubernetesVersion | string, phase: Phase): boolean {
  return isIntroduced(e.sinceK8s, version, isCelGoVersioned(e) ? 'stored' : phase);
}

// ---------------------------------------------------------------- signature parsing

const TYPE_PARAMS = new Set(['T', 'A', 'K', 'V', 'U', 'K2', 'V2']);
const SCALARS: Record<string, CelType> = {
  int: T.int, uint: T.uint, double: T.double, bool: T.bool, string: T.string, bytes: T.bytes,
  null_type: T.null, timestamp: T.timestamp, duration: T.duration, dyn: T.dyn, any: T.any,
};

/** Parses a signature type as written in the function list: 'list(T)', 'map(string,list(string))', 'optional_type(NamedFormat)'. */
export function parseSignatureType(text: string): CelType {
  let pos = 0;
  const src = text.replace(/\s+/g, '');
  const ident = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(pos));
    if (!m) throw new Error(`bad type '${text}' at ${pos}`);
    pos += m[0].length;
    return m[0];
  };
  const expect = (c: string): void => {
    if (src[pos] !== c) throw new Error(`bad type '${text}': expected '${c}' at ${pos}`);
    pos++;
  };
  const parse = (): CelType => {
    const name = ident();
    if (name === 'list' || name === 'optional_type') {
      expect('(');
      const inner = parse();
      expect(')');
      return name === 'list' ? listOf(inner) : optionalOf(inner);
    }
    if (name === 'map') {
      expect('(');
      const k = parse();
      expect(',');
      const v = parse();
      expect(')');
      return mapOf(k, v);
    }
    if (TYPE_PARAMS.has(name)) return { kind: 'param', name };
    const t = SCALARS[name] ?? LIBRARY_TYPES[name];
    if (!t) throw new Error(`unknown type '${name}' in '${text}'`);
    return t;
  };
  const t = parse();
  if (pos !== src.length) throw new Error(`bad type '${text}': trailing input`);
  return t;
}

/** Substitutes a concrete type for a type parameter (for "one overload per T" entries). */
function substitute(t: CelType, param: string, by: CelType): CelType {
  switch (t.kind) {
    case 'param': return t.name === param ? by : t;
    case 'list': return listOf(substitute(t.elem, param, by));
    case 'map': return mapOf(substitute(t.key, param, by), substitute(t.value, param, by));
    case 'opaque': return t.params.length ? { ...t, params: t.params.map((p) => substitute(p, param, by)) } : t;
    default: return t;
  }
}

/**
 * The element types of a "one overload per T" entry, from its description:
 * 'T in {int,uint,…}' or 'T comparable as for isSorted'.
 */
function perTypeExpansion(e: FunctionEntry, all: readonly FunctionEntry[]): string[] | undefined {
  const set = /T in \{([^}]*)\}/.exec(e.description);
  if (set) return set[1].split(',').map((s) => s.trim());
  const ref = /as for (\w+)/.exec(e.description);
  if (ref) {
    const other = all.find((o) => o.name === ref[1] && o.library === e.library);
    if (other && other !== e) return perTypeExpansion(other, all);
  }
  return undefined;
}

/** cel-go style id for an expanded overload, e.g. 'list_int_is_sorted_bool'. */
function expandedId(e: FunctionEntry, typeName: string): string {
  const pattern = /\((list_<T>_[A-Za-z_<>]+)\)/.exec(e.description);
  if (pattern) return pattern[1].replace(/<T>/g, typeName);
  return `${fallbackId(e)}_${typeName}`;
}

function fallbackId(e: FunctionEntry): string {
  const parts = [e.receiver ?? '', e.name, ...e.params].filter(Boolean);
  return parts.join('_').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase();
}

/** Entries that are syntax handled by the core checker, not callable functions. */
function isDeclarable(e: FunctionEntry): boolean {
  if (e.kind === 'macro') return false;
  if (/^_.*_$/.test(e.name)) return false; // '_?._', '_[?_]', '_[_]': operators of the optional syntax
  return true;
}

/** Libraries declared only in some consumers' environments. */
function consumerLibraryEnabled(e: FunctionEntry, opts: LibraryOptions): boolean {
  if (e.library === 'kubernetes.jsonpatch') return opts.patchTypes === true;
  return true;
}

export interface LibraryOptions {
  /** MutatingAdmissionPolicy mutations: jsonpatch.escapeKey. */
  patchTypes?: boolean;
  /** DRA selectors: cel.bind (a macro; see kubernetesFeatures). */
  bind?: boolean;
}

function toOverloads(e: FunctionEntry, all: readonly FunctionEntry[]): OverloadDecl[] {
  const receiver = e.receiver ? parseSignatureType(e.receiver) : undefined;
  const params = e.params.map(parseSignatureType);
  const result = parseSignatureType(e.result);
  const base = { name: e.name, doc: e.description, library: e.library };
  const expansion = /one overload per T|\(list_<T>_/.test(e.description) ? perTypeExpansion(e, all) : undefined;
  if (expansion) {
    return expansion.map((typeName) => {
      const by = parseSignatureType(typeName);
      const decl: OverloadDecl = {
        ...base,
        id: expandedId(e, typeName),
        params: params.map((p) => substitute(p, 'T', by)),
        result: substitute(result, 'T', by),
      };
      if (receiver) decl.receiver = substitute(receiver, 'T', by);
      return decl;
    });
  }
  const decl: OverloadDecl = { ...base, id: e.overloadId ?? fallbackId(e), params, result };
  if (receiver) decl.receiver = receiver;
  return [decl];
}

const overloadCache = new Map<string, OverloadDecl[]>();

/**
 * The overloads a Kubernetes `version` accepts in an expression of the given phase, beyond the
 * cel-go standard library (which the core checker always declares).
 */
export function kubernetesOverloads(version: KubernetesVersion, phase: Phase, opts: LibraryOptions = {}): OverloadDecl[] {
  const key = `${version}|${phase}|${opts.patchTypes === true}|${opts.bind === true}`;
  let cached = overloadCache.get(key);
  if (!cached) {
    cached = FUNCTION_ENTRIES.filter((e) => isDeclarable(e) && consumerLibraryEnabled(e, opts) && entryAvailable(e, version, phase)).flatMap((e) =>
      toOverloads(e, FUNCTION_ENTRIES),
    );
    overloadCache.set(key, cached);
  }
  return cached;
}

/** Every declarable entry's overloads regardless of version (hover, completion, tests). */
export function allKubernetesOverloads(): OverloadDecl[] {
  return FUNCTION_ENTRIES.filter(isDeclarable).flatMap((e) => toOverloads(e, FUNCTION_ENTRIES));
}

// ---------------------------------------------------------------- features

/** cel-go release bundled per Kubernetes minor (§0.4), as [minor, patch] of 0.x.y. */
const CEL_GO_BY_K8S: Record<number, [number, number]> = {
  27: [12, 6], 28: [16, 0], 29: [17, 7], 30: [17, 8], 31: [20, 1], 32: [22, 0], 33: [23, 2], 34: [26, 0], 35: [26, 0], 36: [26, 0],
};

function celGoAtLeast(version: string, minor: number, patch = 0): boolean {
  const k = minorOf(version);
  const v = CEL_GO_BY_K8S[k] ?? (k > 36 ? [26, 0] : [0, 0]);
  return v[0] > minor || (v[0] === minor && v[1] >= patch);
}

/** Language features of the Kubernetes CEL environment for a version and phase (§0, §5). */
export function kubernetesFeatures(version: KubernetesVersion, phase: Phase, opts: LibraryOptions = {}): CelFeatures {
  return {
    optionalTypes: isIntroduced('1.28', version, 'stored'),
    crossTypeNumericComparisons: isIntroduced('1.28', version, phase),
    twoVarComprehensions: isIntroduced('1.32', version, phase),
    existsOne: celGoAtLeast(version, 23),
    optFlatMap: celGoAtLeast(version, 17, 7),
    sortBy: isIntroduced('1.34', version, phase),
    reservedFieldFallback: isIntroduced('1.31', version, phase),
    validateLiterals: isIntroduced('1.29', version, phase),
    bind: opts.bind === true,
  };
}

// ---------------------------------------------------------------- KCG1007

/**
 * When `name` is a Kubernetes CEL function (or macro) that the chosen version does not offer
 * in this phase but a later release does, the KCG1007 message; otherwise undefined.
 * `member` restricts to receiver-style (true) or global (false) declarations.
 */
export function unavailableFunction(name: string, version: KubernetesVersion, phase: Phase, member?: boolean): string | undefined {
  const matching = (entriesByName().get(name) ?? []).filter(
    (e) => (member === undefined || (e.receiver !== null) === member) && !isStandardMacroName(e),
  );
  if (matching.length === 0) return undefined;
  if (matching.some((e) => entryAvailable(e, version, phase))) return undefined;
  const earliest = matching.reduce((a, b) => (minorOf(a.sinceK8s) <= minorOf(b.sinceK8s) ? a : b));
  const cgv = isCelGoVersioned(earliest);
  const needsMinor = minorOf(earliest.sinceK8s) + (phase === 'new' && !cgv ? 1 : 0);
  const where = cgv ? '' : phase === 'new' ? ' (new expressions)' : ' (stored expressions)';
  return `function '${name}' is not available in Kubernetes ${version}: it needs 1.${needsMinor}${where}`;
}

let byName: Map<string, FunctionEntry[]> | undefined;
/**
 * FUNCTION_ENTRIES by name, in their original order. unavailableFunction runs for every
 * member call on a non-variable target (`c.image.startsWith(…)` inside a macro asks about
 * 'c.image.startsWith'), so a linear scan of the whole table per call showed up in profiles.
 */
function entriesByName(): Map<string, FunctionEntry[]> {
  if (!byName) {
    byName = new Map();
    for (const e of FUNCTION_ENTRIES) {
      const list = byName.get(e.name);
      if (list) list.push(e);
      else byName.set(e.name, [e]);
    }
  }
  return byName;
}

/** all/exists/exists_one also exist as one-variable standard macros; arity decides, not the name. */
function isStandardMacroName(e: FunctionEntry): boolean {
  return e.kind === 'macro' && ['all', 'exists', 'exists_one', 'existsOne'].includes(e.name);
}

// ---------------------------------------------------------------- KCG1007 in checked expressions

/** What version gating needs to know about the environment an expression was checked in. */
export interface GatingContext {
  version: KubernetesVersion;
  phase: Phase;
  features: CelFeatures;
  variables: Record<string, unknown>;
}

/**
 * Rewrites the core's issues for calls that a later Kubernetes release would accept into KCG1007:
 * an undeclared function becomes "not available in Kubernetes X: it needs Y", and the cascade of
 * undeclared pieces of a qualified call or of a macro's loop variables is folded into one issue.
 */
export function versionGatingIssues(src: string, ast: AstNode, issues: readonly CelIssue[], env: GatingContext): CelIssue[] {
  const gated = gatedCalls(src, ast, env);
  // The common case, nothing gated and no issue, without the copies below.
  if (gated.length === 0 && issues.length === 0) return [];
  return [
    ...gated.map((g) => g.issue),
    ...issues.filter((i) => !gated.some((g) => g.explains(i))).map((i) => undeclaredFunctionIssue(i, env)),
  ].sort((a, b) => a.start - b.start);
}

/** An `undeclared reference` to a function of a later release becomes KCG1007. */
function undeclaredFunctionIssue(issue: CelIssue, env: GatingContext): CelIssue {
  if (issue.code !== CEL_CODES.undeclaredReference) return issue;
  const name = /^undeclared reference to '([^']+)'/.exec(issue.message)?.[1];
  const message = name ? unavailableFunction(name, env.version, env.phase) : undefined;
  return message ? { ...issue, code: K8S_CODES.unavailableFunction, message } : issue;
}

/**
 * Arities of the two-variable forms, by macro name. A Map, not an object literal: the name is any
 * member call's (`x.toString()` must not find Object.prototype's).
 */
const TWO_VAR_MACROS: ReadonlyMap<string, readonly number[]> = new Map([
  ['all', [3]], ['exists', [3]], ['existsOne', [3]], ['exists_one', [3]], ['transformList', [3, 4]], ['transformMap', [3, 4]], ['transformMapEntry', [3, 4]],
]);

interface GatedCall {
  issue: CelIssue;
  /** The core's issues this one replaces (undeclared pieces of the call and its loop variables). */
  explains(i: CelIssue): boolean;
}

/**
 * Calls the core reports as undeclared pieces but which are really "needs a newer release":
 * qualified functions (`lists.range(3)` → 'lists', 'range'), the two-variable macro forms and
 * `existsOne`, whose loop variables otherwise show up as undeclared too.
 */
function gatedCalls(src: string, ast: AstNode, env: GatingContext): GatedCall[] {
  let out: GatedCall[] | undefined;
  const features = env.features;
  const memberCalls = astIndex(ast).memberCalls;
  for (let k = 0; k < memberCalls.length; k++) {
    const node = memberCalls[k];
    const nodeArgs = node.args as [string, AstNode, AstNode[]];
    const name = nodeArgs[0];
    const target = nodeArgs[1];
    const args = nodeArgs[2];
    let message: string | undefined;
    let loopVars: string[] | undefined;
    let fromTarget = false;
    // The qualifier's first segment is the chain's root identifier; the full dotted name is only
    // built when some library function could carry it (it is looked up by that name).
    const root = qualifierRoot(target);
    if (root !== undefined && !Object.hasOwn(env.variables, root)) {
      message = dottedEntrySuffixes().has(name) ? unavailableFunction(`${dottedName(target)}.${name}`, env.version, env.phase) : undefined;
      fromTarget = message !== undefined;
    } else if (TWO_VAR_MACROS.get(name)?.includes(args.length) && !features.twoVarComprehensions && args[0]?.op === 'id' && args[1]?.op === 'id') {
      message = `the two-variable form of '${name}' is not available in Kubernetes ${env.version}: it needs ${env.phase === 'new' ? '1.33 (new expressions)' : '1.32 (stored expressions)'}`;
      loopVars = [args[0].args as string, args[1].args as string];
    } else if (((name === 'sortBy' && !features.sortBy) || (name === 'optFlatMap' && !features.optFlatMap)) && args.length === 2 && args[0]?.op === 'id') {
      message = unavailableFunction(name, env.version, env.phase);
      loopVars = [args[0].args as string];
    } else if (name === 'existsOne' && args.length === 2 && !features.existsOne && args[0]?.op === 'id') {
      message = `function 'existsOne' is not available in Kubernetes ${env.version}: it needs 1.33 (or use exists_one)`;
      loopVars = [args[0].args as string];
    }
    if (!message) continue;
    // Located only for gated calls: most calls are fine, and locating scans the source.
    const span = callNameSpan(src, node);
    if (fromTarget) span.start = target.start;
    const nameSpan = { ...span };
    (out ??= []).push({
      issue: { start: nameSpan.start, end: nameSpan.end, severity: 'error', code: K8S_CODES.unavailableFunction, message },
      explains: (i) => {
        if (i.code !== CEL_CODES.undeclaredReference) return false;
        if (i.start >= nameSpan.start && i.end <= nameSpan.end) return true;
        const ref = /^undeclared reference to '([^']+)'/.exec(i.message)?.[1];
        return ref !== undefined && loopVars !== undefined && loopVars.includes(ref) && i.start >= node.start && i.end <= node.end;
      },
    });
  }
  return out ?? [];
}

/** The root identifier of `a.b.c` (built only from identifiers and selections), else undefined. */
function qualifierRoot(node: AstNode): string | undefined {
  let n = node;
  while (n.op === '.') n = (n.args as [AstNode, string])[0];
  return n.op === 'id' ? (n.args as string) : undefined;
}

let entrySuffixes: Set<string> | undefined;
/** Last segments of the dotted library function names (`range` for `lists.range`). */
function dottedEntrySuffixes(): Set<string> {
  if (!entrySuffixes) {
    entrySuffixes = new Set();
    for (const name of entriesByName().keys()) {
      const dot = name.lastIndexOf('.');
      if (dot >= 0) entrySuffixes.add(name.slice(dot + 1));
    }
  }
  return entrySuffixes;
}


