/**
 * Static cost estimation of CRD validation rules, after cel-go's checker/cost.go with the
 * Kubernetes size estimator and function costs (k8s-cel.md §6). Works on the cel-js AST our
 * checker types (macros are not expanded there, so comprehension costs use the cost of the
 * expansion cel-go would produce). Estimates are [min, max] in cost units, saturating at 2^64−1.
 *
 * Priority: never overestimate a rule a real apiserver accepts; exactness second.
 */
import type { CelType } from './api.js';
import { OPTIONAL_ENTRY_OP, type AstNode } from './parse.js';
import { escape } from './escaping.js';
import { registerCodes } from '../engine/codes.js';

export const COST_CODE = 'KCG1006';

registerCodes([
  {
    code: COST_CODE,
    name: 'cel-rule-cost-exceeds-budget',
    defaultSeverity: 'error',
    title: 'The estimated cost of the CRD validation rule exceeds the apiserver budget; the CRD is rejected.',
  },
]);

export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;
const UINT64_MAX = 18446744073709551615;
const STRING_TRAVERSAL = 0.1;
const REGEX_STRING_LENGTH = 0.25;

interface Range {
  min: number;
  max: number;
}
const UNKNOWN_SIZE: Range = { min: 0, max: UINT64_MAX };
const ONE: Range = { min: 1, max: 1 };
const ZERO: Range = { min: 0, max: 0 };

const sat = (n: number) => (n >= UINT64_MAX ? UINT64_MAX : n);
const add = (a: Range, b: Range): Range => ({ min: sat(a.min + b.min), max: sat(a.max + b.max) });
const mul = (a: Range, b: Range): Range => ({ min: sat(a.min * b.min), max: sat(a.max * b.max) });
const union = (a: Range, b: Range): Range => ({ min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) });
/** cel-go MultiplyByCostFactor: ceil(n × factor). */
const factor = (a: Range, f: number): Range => ({ min: sat(Math.ceil(a.min * f)), max: sat(Math.ceil(a.max * f)) });
const sum = (rs: Range[]): Range => rs.reduce(add, ZERO);

// ------------------------------------------------------------------ schema sizes (§3.6)

type Schema = Record<string, unknown>;

function asSchema(v: unknown): Schema | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;
}

/** The schema as the CEL type sees it: resource roots get the §3.5 metadata replacement. */
function effectiveSchema(s: Schema, isResourceRoot: boolean): Schema {
  if (!isResourceRoot) return s;
  const props = asSchema(s.properties) ?? {};
  const meta = asSchema(props.metadata);
  const metaProps = asSchema(meta?.properties);
  const hasMeta =
    asSchema(props.kind)?.type === 'string' && asSchema(props.apiVersion)?.type === 'string' && meta?.type === 'object' &&
    asSchema(metaProps?.name)?.type === 'string' && asSchema(metaProps?.generateName)?.type === 'string';
  if (hasMeta) return s;
  const str = { type: 'string' };
  return { ...s, properties: { ...props, kind: str, apiVersion: str, metadata: { type: 'object', properties: { name: str, generateName: str } } } };
}

function isIntOrString(s: Schema): boolean {
  return s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string';
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && v >= 0 ? v : typeof v === 'number' ? 0 : undefined);

/** DeclType.MinSerializedSize. Undefined when the node is not exposable (dropped). */
export function minSerializedSize(raw: Schema, isResourceRoot = false, depth = 0): number | undefined {
  if (depth > 64) return 2;
  if (isIntOrString(raw)) return 1;
  const s = effectiveSchema(raw, isResourceRoot);
  switch (s.type) {
    case 'array': {
      const items = asSchema(s.items);
      if (!items || minSerializedSize(items, items['x-kubernetes-embedded-resource'] === true, depth + 1) === undefined) return undefined;
      return 2;
    }
    case 'object': {
      const ap = asSchema(s.additionalProperties);
      if (ap) return minSerializedSize(ap, ap['x-kubernetes-embedded-resource'] === true, depth + 1) === undefined ? undefined : 2;
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      let size = 2;
      for (const [name, p] of Object.entries(asSchema(s.properties) ?? {})) {
        const ps = asSchema(p);
        if (!ps) continue;
        const m = minSerializedSize(ps, ps['x-kubernetes-embedded-resource'] === true, depth + 1);
        if (m === undefined) continue;
        if (required.has(name) && ps.default === undefined) size += name.length + m + 4;
      }
      return size;
    }
    case 'string':
      return s.format === 'duration' ? 3 : s.format === 'date' ? 12 : s.format === 'date-time' ? 21 : 2;
    case 'boolean':
      return 4;
    case 'number':
    case 'integer':
      return 1;
    default:
      return undefined;
  }
}

/** DeclType.MaxElements: string length in bytes, list items, map entries. */
export function maxElements(raw: Schema, isResourceRoot = false): number {
  const s = effectiveSchema(raw, isResourceRoot);
  if (isIntOrString(s)) {
    const ml = num(s.maxLength);
    return ml !== undefined ? ml * 4 : MAX_REQUEST_SIZE_BYTES - 2;
  }
  switch (s.type) {
    case 'array': {
      const mi = num(s.maxItems);
      if (mi !== undefined) return mi;
      const items = asSchema(s.items);
      const m = items ? minSerializedSize(items, items['x-kubernetes-embedded-resource'] === true) ?? 1 : 1;
      return Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (m + 1));
    }
    case 'object': {
      const ap = asSchema(s.additionalProperties);
      if (!ap) return 0; // a struct, not a map: the estimator has no size for it
      const mp = num(s.maxProperties);
      if (mp !== undefined) return mp;
      const m = ap ? minSerializedSize(ap, ap['x-kubernetes-embedded-resource'] === true) ?? 1 : 1;
      return Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (m + 6));
    }
    case 'string': {
      if (s.format === 'duration' || s.format === 'date-time') return 32;
      if (s.format === 'date') return 12;
      const ml = num(s.maxLength);
      if (s.format === 'byte') return ml ?? MAX_REQUEST_SIZE_BYTES - 2;
      if (ml !== undefined) return ml * 4;
      if (Array.isArray(s.enum) && s.enum.length > 0) return Math.max(...s.enum.map((e) => (typeof e === 'string' ? Buffer.byteLength(e) : 0)));
      return MAX_REQUEST_SIZE_BYTES - 2;
    }
    default:
      return 0;
  }
}

/** Follows a cel-go field path (field names, '@items', '@values', '@keys') down a schema. */
function schemaAtPath(root: Schema, rootIsResource: boolean, path: readonly string[]): { schema: Schema; isResourceRoot: boolean } | undefined {
  let s = root;
  let isRoot = rootIsResource;
  for (const step of path) {
    const eff = effectiveSchema(s, isRoot);
    let next: Schema | undefined;
    if (step === '@items') next = asSchema(eff.items);
    else if (step === '@values') next = asSchema(eff.additionalProperties);
    // Map keys are the generic CEL string type, whose size the estimator does not bound (0).
    else if (step === '@keys') next = { type: 'string', maxLength: 0 };
    else {
      const props = asSchema(eff.properties) ?? {};
      for (const [name, p] of Object.entries(props)) {
        const esc = escape(name);
        if (esc === step || (esc === `__${step}__` && name === step)) next = asSchema(p);
      }
    }
    if (!next) return undefined;
    s = next;
    isRoot = next['x-kubernetes-embedded-resource'] === true;
  }
  return { schema: s, isResourceRoot: isRoot };
}

// ------------------------------------------------------------------ the estimator

export interface CostContext {
  /** Checked types per node (CelEnvironment.check's type map). */
  types: ReadonlyMap<AstNode, CelType>;
  /** Schemas of the variables whose sizes are known: self and oldSelf for CRD rules. */
  variableSchemas: Record<string, { schema: object; isResourceRoot: boolean }>;
}

const SCALAR_KINDS = new Set(['bool', 'int', 'uint', 'double', 'null_type', 'timestamp', 'duration']);
const COMPREHENSION_MACROS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap', 'transformMapEntry', 'sortBy']);

class Estimator {
  private readonly paths = new Map<AstNode, string[]>();
  private readonly sizes = new Map<AstNode, Range>();
  /** Element (list) or value (map) sizes of collection-valued nodes without a schema path. */
  private readonly entrySizes = new Map<AstNode, Range>();
  private readonly iterVars: Array<{ name: string; path: string[] | undefined; size: Range | undefined }> = [];

  constructor(private readonly ctx: CostContext) {}

  private typeOf(n: AstNode): CelType | undefined {
    return this.ctx.types.get(n);
  }

  private kindOf(n: AstNode): string | undefined {
    return this.typeOf(n)?.kind;
  }

  size(n: AstNode): Range {
    if (n.op === 'value') {
      const v = n.args;
      if (typeof v === 'string') return { min: [...v].length, max: [...v].length };
      if (v instanceof Uint8Array) return { min: v.length, max: v.length };
      return ONE;
    }
    if (isNegativeLiteral(n)) return ONE;
    const known = this.sizes.get(n);
    if (known) return known;
    // cel-go asks the Kubernetes (schema path) estimator before sizing scalars by type: a schema
    // number has size 0 and a date-time 32, a computed int has size 1.
    const path = this.paths.get(n);
    if (path) {
      const sized = this.pathSize(path);
      if (sized !== UNKNOWN_SIZE) return sized;
    }
    const kind = this.kindOf(n);
    if (kind && SCALAR_KINDS.has(kind)) return ONE;
    return UNKNOWN_SIZE;
  }

  /**
   * Size of the elements of a list (values of a map), like cel-go's entry-size tracking: from the
   * schema path, list literals, ternaries and functions that derive strings from a bounded one.
   */
  entrySize(n: AstNode): Range {
    const known = this.entrySizes.get(n);
    if (known) return known;
    const path = this.paths.get(n);
    if (path) return this.pathSize([...path, this.kindOf(n) === 'map' ? '@values' : '@items']);
    if (n.op === 'list') {
      const elems = n.args as AstNode[];
      return elems.length ? elems.map((e) => this.size(e)).reduce(union) : ZERO;
    }
    const elem = this.elementTypeOf(n);
    if (elem && SCALAR_KINDS.has(elem.kind)) return ONE;
    return UNKNOWN_SIZE;
  }

  /** An empty literal contributes no elements (it must not widen the other branch). */
  private entrySizeOrEmpty(n: AstNode): Range | undefined {
    if ((n.op === 'list' || n.op === 'map') && Array.isArray(n.args) && n.args.length === 0) return undefined;
    return this.entrySize(n);
  }

  private elementTypeOf(n: AstNode): CelType | undefined {
    const t = this.typeOf(n);
    return t?.kind === 'list' ? t.elem : t?.kind === 'map' ? t.value : undefined;
  }

  cost(n: AstNode): Range {
    switch (n.op) {
      case 'value':
        return ZERO;
      case 'id': {
        const name = n.args as string;
        for (let i = this.iterVars.length - 1; i >= 0; i--) {
          const v = this.iterVars[i];
          if (v.name === name) {
            if (v.path) this.paths.set(n, v.path);
            if (v.size) this.sizes.set(n, v.size);
            return ONE;
          }
        }
        this.paths.set(n, [name]);
        return ONE;
      }
      case '.': {
        const [operand, field] = n.args as [AstNode, string];
        let c = this.cost(operand);
        const k = this.kindOf(operand);
        if (k === 'map' || k === 'object' || k === 'param') c = add(c, ONE);
        const p = this.paths.get(operand);
        if (p) this.paths.set(n, [...p, field]);
        return c;
      }
      case '.?': {
        const [operand, field] = n.args as [AstNode, string];
        const c = this.cost(operand);
        const p = this.paths.get(operand);
        if (p) this.paths.set(n, [...p, field]);
        return add(c, ONE);
      }
      case '[]':
      case '[?]': {
        const [operand, index] = n.args as [AstNode, AstNode];
        const c = add(this.cost(operand), this.cost(index));
        const p = this.paths.get(operand);
        const k = this.kindOf(operand);
        if (p && k === 'list') this.paths.set(n, [...p, '@items']);
        else if (p && k === 'map') this.paths.set(n, [...p, '@values']);
        else this.sizes.set(n, this.entrySize(operand));
        return add(c, ONE);
      }
      case 'list': {
        const elems = n.args as AstNode[];
        this.sizes.set(n, { min: elems.length, max: elems.length });
        return add({ min: 10, max: 10 }, sum(elems.map((e) => this.cost(e))));
      }
      case 'map': {
        const entries = n.args as Array<[AstNode, AstNode] | { key: AstNode; value: AstNode }>;
        this.sizes.set(n, { min: entries.length, max: entries.length });
        let c: Range = { min: 30, max: 30 };
        for (const e of entries) {
          const [k, v] = Array.isArray(e) ? e : [e.key, e.value];
          if (k && typeof k === 'object') c = add(c, this.cost(k));
          if (v && typeof v === 'object') c = add(c, this.cost(v));
        }
        return c;
      }
      case '?:': {
        const [c, t, f] = n.args as [AstNode, AstNode, AstNode];
        const cc = this.cost(c);
        const tc = this.cost(t);
        const fc = this.cost(f);
        this.sizes.set(n, union(this.size(t), this.size(f)));
        const tk = this.kindOf(n);
        if (tk === 'list' || tk === 'map') this.entrySizes.set(n, unionEntries(this.entrySizeOrEmpty(t), this.entrySizeOrEmpty(f)));
        return add(cc, union(tc, fc));
      }
      case '&&':
      case '||': {
        const [l, r] = n.args as [AstNode, AstNode];
        const lc = this.cost(l);
        const rc = this.cost(r);
        return { min: lc.min, max: sat(lc.max + rc.max) };
      }
      case '-_':
        // cel-go folds `-1.0` into one literal (cost 0).
        if (isNegativeLiteral(n)) return ZERO;
        return add(this.cost(n.args as AstNode), ONE);
      case '!_':
        return add(this.cost(n.args as AstNode), ONE);
      case OPTIONAL_ENTRY_OP:
        // `[?x]` / `{?k: x}`: the entry costs what its optional value costs.
        return this.cost(n.args as AstNode);
      case 'call':
        return this.globalCall(n);
      case 'rcall':
        return this.memberCall(n);
      default:
        return Array.isArray(n.args) && n.args.length === 2 ? this.binary(n) : ONE;
    }
  }

  private binary(n: AstNode): Range {
    const [l, r] = n.args as [AstNode, AstNode];
    const args = add(this.cost(l), this.cost(r));
    const lk = this.kindOf(l);
    switch (n.op) {
      case '==':
      case '!=':
        return add(this.comparisonCost(l, r), args);
      case '<': case '<=': case '>': case '>=':
        return add(lk === 'string' || lk === 'bytes' ? this.comparisonCost(l, r) : ONE, args);
      case '+':
        if (lk === 'string' || lk === 'bytes') {
          const size = add(this.size(l), this.size(r));
          this.sizes.set(n, size);
          return add(factor(size, STRING_TRAVERSAL), args);
        }
        if (lk === 'list') {
          this.sizes.set(n, add(this.size(l), this.size(r)));
          this.entrySizes.set(n, unionEntries(this.entrySizeOrEmpty(l), this.entrySizeOrEmpty(r)));
        }
        return add(ONE, args);
      case 'in':
        if (this.kindOf(r) === 'list') return add(this.size(r), args);
        return add(ONE, args);
      default:
        return add(ONE, args);
    }
  }

  /** cel-go: equality/ordering of collections or strings is O(smallest size) × 0.1. */
  private comparisonCost(l: AstNode, r: AstNode): Range {
    // No lower clamp on the max: comparing with a zero-size value (a schema number) costs 0.
    const smallest = Math.min(this.size(l).max, this.size(r).max);
    return factor({ min: 1, max: smallest }, STRING_TRAVERSAL);
  }

  private globalCall(n: AstNode): Range {
    const [name, args] = n.args as [string, AstNode[]];
    if (name === 'has' && args.length === 1) {
      // PresenceTestHasCost(false): only the operand of the selection costs.
      const sel = args[0];
      if (sel.op === '.') return this.cost((sel.args as [AstNode, string])[0]);
      return this.cost(sel);
    }
    const argCosts = args.map((a) => this.cost(a));
    return add(this.functionCost(n, name, undefined, args), sum(argCosts));
  }

  private memberCall(n: AstNode): Range {
    const [name, target, args] = n.args as [string, AstNode, AstNode[]];
    if (COMPREHENSION_MACROS.has(name) && args.length >= 2 && args[0].op === 'id') return this.comprehension(n, name, target, args);
    if ((name === 'optMap' || name === 'optFlatMap') && args.length === 2) {
      // cel-go expands to a ternary over hasValue() with a bound variable: bounded by target + body.
      return add(add(this.cost(target), this.cost(args[1])), { min: 3, max: 3 });
    }
    const argCosts = args.map((a) => this.cost(a));
    const tc = this.cost(target);
    // Unwrapping an optional keeps the schema path (`oldSelf.value()` is sized like self).
    const targetPath = this.paths.get(target);
    if ((name === 'value' || name === 'orValue') && targetPath && this.kindOf(target) === 'opaque') this.paths.set(n, targetPath);
    return add(add(this.functionCost(n, name, target, args), sum(argCosts)), tc);
  }

  private comprehension(n: AstNode, name: string, range: AstNode, args: AstNode[]): Range {
    const rangeCost = this.cost(range);
    const rangeSize = this.size(range);
    const rangePath = this.paths.get(range);
    const rangeKind = this.kindOf(range);
    const twoVar = args.length >= 3 && args[1].op === 'id' && name !== 'map' && name !== 'filter';
    const vars = twoVar ? [args[0], args[1]] : [args[0]];
    const bodies = args.slice(vars.length);
    // One-var: the variable is an element (list) or a key (map). Two-var: index/key then value.
    const elemStep = rangeKind === 'map' ? '@keys' : '@items';
    const pushed = vars.map((v, i) => {
      const step = twoVar ? (i === 0 ? (rangeKind === 'map' ? '@keys' : undefined) : rangeKind === 'map' ? '@values' : '@items') : elemStep;
      if (!step) return { name: v.args as string, path: undefined, size: ONE }; // list index
      if (rangePath) return { name: v.args as string, path: [...rangePath, step], size: undefined };
      // No schema path (a ternary, a split(), a literal): use the tracked element size.
      return { name: v.args as string, path: undefined, size: step === '@keys' ? UNKNOWN_SIZE : this.entrySize(range) };
    });
    this.iterVars.push(...pushed);
    const bodyCosts = bodies.map((b) => this.cost(b));
    this.iterVars.length -= pushed.length;
    const [p, t] = bodyCosts;
    let fixed: Range; // init + result
    let perIteration: Range; // loop condition + loop step
    switch (name) {
      case 'all':
        fixed = ONE;
        perIteration = add({ min: 2, max: 2 }, { min: 1, max: 1 + p.max });
        break;
      case 'exists':
        fixed = ONE;
        perIteration = add({ min: 3, max: 3 }, { min: 1, max: 1 + p.max });
        break;
      case 'exists_one':
      case 'existsOne':
        fixed = { min: 2, max: 2 };
        perIteration = add(p, { min: 1, max: 2 });
        break;
      case 'map':
        fixed = { min: 11, max: 11 };
        perIteration = bodies.length === 2 ? add(p, { min: 1, max: 12 + t.max }) : add(p, { min: 12, max: 12 });
        this.sizes.set(n, rangeSize);
        break;
      case 'filter':
        fixed = { min: 11, max: 11 };
        perIteration = add(p, { min: 1, max: 13 });
        this.sizes.set(n, rangeSize);
        if (rangeKind === 'list') this.entrySizes.set(n, this.entrySize(range));
        break;
      case 'sortBy':
        fixed = { min: 11, max: 11 };
        perIteration = add(p, { min: 12, max: 12 });
        this.sizes.set(n, rangeSize);
        break;
      default: {
        // transformList/transformMap/transformMapEntry: [filter ?] accumulate transform.
        const body = bodyCosts.reduce(add, ZERO);
        fixed = name === 'transformList' ? { min: 11, max: 11 } : { min: 31, max: 31 };
        perIteration = add(body, { min: 1, max: 13 });
        this.sizes.set(n, rangeSize);
      }
    }
    return add(add(rangeCost, fixed), mul(rangeSize, perIteration));
  }

  /** Kubernetes CostEstimator and cel-go built-in estimates for a call (without argument costs). */
  private functionCost(n: AstNode, name: string, target: AstNode | undefined, args: AstNode[]): Range {
    const targetKind = target ? this.kindOf(target) : undefined;
    const strSize = (x: AstNode | undefined) => (x ? this.size(x) : UNKNOWN_SIZE);
    switch (name) {
      case 'check':
        return { min: 350_000, max: 350_000 };
      case 'size':
        return ONE;
      case 'isSorted': case 'sum': case 'max': case 'min': case 'indexOf': case 'lastIndexOf':
        if (target && targetKind === 'list') {
          const listType = this.typeOf(target);
          const elem = listType && listType.kind === 'list' ? listType.elem : undefined;
          let elCost = ONE;
          if (elem && (elem.kind === 'string' || elem.kind === 'bytes')) {
            const p = this.paths.get(target);
            const elemSize = p ? this.pathSize([...p, '@items']) : UNKNOWN_SIZE;
            elCost = add(elCost, factor(elemSize, STRING_TRAVERSAL));
          }
          return mul(this.size(target), elCost);
        }
        if (target && (name === 'indexOf' || name === 'lastIndexOf')) {
          return mul(factor(strSize(target), STRING_TRAVERSAL), factor(strSize(args[0]), STRING_TRAVERSAL));
        }
        return ONE;
      case 'url': case 'quantity': case 'isQuantity': case 'semver': case 'ip': case 'cidr': case 'isIP': case 'isCIDR':
        if (!target) return factor(strSize(args[0]), STRING_TRAVERSAL);
        return ONE; // cidr.ip() and friends
      case 'ip.isCanonical':
        return factor(strSize(args[0]), 2 * STRING_TRAVERSAL);
      case 'lowerAscii': case 'upperAscii': case 'substring': case 'trim': case 'charAt':
        if (target) {
          this.sizes.set(n, strSize(target));
          return factor(strSize(target), STRING_TRAVERSAL);
        }
        return ONE;
      case 'replace':
      case 'split':
        if (target && targetKind === 'string') {
          const sz = strSize(target);
          if (name === 'replace') this.sizes.set(n, sz);
          else {
            // At most one element per character; each element at most as long as the string.
            this.sizes.set(n, { min: 0, max: sz.max });
            this.entrySizes.set(n, sz);
          }
          return factor(sz, 2 * STRING_TRAVERSAL);
        }
        return ONE;
      case 'join':
        if (target && targetKind === 'list') {
          const listSize = this.size(target);
          const p = this.paths.get(target);
          const elemSize = p ? this.pathSize([...p, '@items']) : UNKNOWN_SIZE;
          let size = mul(listSize, elemSize);
          if (args.length > 0) {
            const sep = strSize(args[0]);
            size = add(size, mul(sep, { min: Math.max(listSize.min - 1, 0), max: Math.max(listSize.max - 1, 0) }));
          }
          this.sizes.set(n, size);
          return factor(size, STRING_TRAVERSAL);
        }
        return ONE;
      case 'find':
      case 'findAll':
      case 'matches': {
        const str = name === 'matches' && !target ? args[0] : target;
        const re = name === 'matches' && !target ? args[1] : args[0];
        if (!str || !re) return ONE;
        if (name === 'find') this.sizes.set(n, { min: 0, max: strSize(str).max });
        if (name === 'findAll') {
          this.sizes.set(n, { min: 0, max: strSize(str).max });
          this.entrySizes.set(n, { min: 0, max: strSize(str).max });
        }
        const strCost = factor(add(strSize(str), ONE), STRING_TRAVERSAL);
        return mul(strCost, factor(strSize(re), REGEX_STRING_LENGTH));
      }
      case 'validate':
        return mul(factor(strSize(args[0]), STRING_TRAVERSAL), { min: 32, max: 32 });
      case 'contains':
        if (target && targetKind === 'string') return mul(factor(strSize(target), STRING_TRAVERSAL), factor(strSize(args[0]), STRING_TRAVERSAL));
        return ONE;
      case 'startsWith':
      case 'endsWith':
        return factor(strSize(args[0]), STRING_TRAVERSAL);
      case 'format':
        return target ? factor(strSize(target), STRING_TRAVERSAL) : ONE;
      case 'string':
      case 'bytes': {
        // cel-go sizes only the bytes<->string conversions (string(string) stays unknown).
        const from = args[0] ? this.kindOf(args[0]) : undefined;
        if (name === 'string' && from === 'bytes') {
          this.sizes.set(n, strSize(args[0]));
          return factor(strSize(args[0]), STRING_TRAVERSAL);
        }
        if (name === 'bytes' && from === 'string') {
          this.sizes.set(n, factor(strSize(args[0]), 4));
          return factor(strSize(args[0]), STRING_TRAVERSAL);
        }
        return ONE;
      }
      default:
        return ONE;
    }
  }

  private pathSize(path: string[]): Range {
    const root = this.ctx.variableSchemas[path[0]];
    if (!root) return UNKNOWN_SIZE;
    const at = schemaAtPath(root.schema as Schema, root.isResourceRoot, path.slice(1));
    return at ? { min: 0, max: maxElements(at.schema, at.isResourceRoot) } : UNKNOWN_SIZE;
  }
}

/**
 * The [min, max] estimated cost of one checked expression; undefined if the expression has a
 * shape the estimator does not know (no estimate is better than a wrong KCG1006).
 */
export function estimateCost(ast: AstNode, ctx: CostContext): Range | undefined {
  try {
    return new Estimator(ctx).cost(ast);
  } catch {
    return undefined;
  }
}

function unionEntries(a: Range | undefined, b: Range | undefined): Range {
  if (a && b) return union(a, b);
  return a ?? b ?? ZERO;
}

function isNegativeLiteral(n: AstNode): boolean {
  return n.op === '-_' && (n.args as AstNode).op === 'value' && typeof (n.args as AstNode).args !== 'string';
}

// ------------------------------------------------------------------ CRD limits

/**
 * How many times a schema node can occur in one object: the product of maxItems/maxProperties of
 * enclosing arrays and maps, or undefined when any of them is unbounded.
 */
export type Cardinality = number | undefined;

/** The estimated cost the apiserver compares with the per-rule limit (cost × cardinality). */
export function ruleCostWithCardinality(maxCost: number, cardinality: Cardinality, ruleSchema: object, isResourceRoot: boolean): number {
  const card = cardinality ?? Math.floor(MAX_REQUEST_SIZE_BYTES / ((minSerializedSize(ruleSchema as Schema, isResourceRoot) ?? 1) + 1));
  return sat(maxCost * card);
}

/** apiextensions getCostErrorMessage's factor formatting. */
export function costFactor(cost: number, limit: number): string {
  const f = cost / limit;
  if (f > 100) return 'more than 100x';
  if (f < 1.5) return `${f.toFixed(6)}x`;
  return `${f.toFixed(1)}x`;
}

/** KCG1006 text when a rule (or messageExpression) is over the per-expression budget. */
export function costExceededMessage(what: 'rule' | 'messageExpression', cost: number): string | undefined {
  if (cost <= STATIC_ESTIMATED_COST_LIMIT) return undefined;
  return `estimated ${what} cost exceeds budget by factor of ${costFactor(cost, STATIC_ESTIMATED_COST_LIMIT)} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

/** Rules below 1% of the per-rule limit never count among the most expensive (apiextensions TotalCost). */
const MOST_EXPENSIVE_THRESHOLD = STATIC_ESTIMATED_COST_LIMIT / 100;
const MOST_EXPENSIVE_COUNT = 4;

export interface CrdTotalCost {
  total: number;
  /** Set when the sum over the CRD version's rules exceeds StaticEstimatedCRDCostLimit. */
  message?: string;
  /** Keys of the (at most four) rules that get 'contributed to estimated rule cost total…'. */
  mostExpensive: string[];
}

export const CONTRIBUTED_TO_TOTAL_MESSAGE = 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema';

/** The whole-schema budget check over every rule's cost × cardinality (k8s-cel.md §6.3). */
export function crdTotalCost(rules: ReadonlyArray<{ key: string; cost: number }>): CrdTotalCost {
  let total = 0;
  const expensive: Array<{ key: string; cost: number }> = [];
  for (const r of rules) {
    total = sat(total + r.cost);
    if (r.cost < MOST_EXPENSIVE_THRESHOLD) continue;
    expensive.push(r);
    expensive.sort((a, b) => b.cost - a.cost);
    if (expensive.length > MOST_EXPENSIVE_COUNT) expensive.pop();
  }
  if (total <= STATIC_ESTIMATED_CRD_COST_LIMIT) return { total, mostExpensive: [] };
  const message = `x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of ${costFactor(total, STATIC_ESTIMATED_CRD_COST_LIMIT)} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
  return { total, message, mostExpensive: expensive.map((e) => e.key) };
}
