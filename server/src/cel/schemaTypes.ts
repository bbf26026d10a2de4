/**
 * OpenAPI v3 schema → CEL type, following the apiserver's SchemaDeclType (k8s-cel.md §3).
 *
 * Kubernetes schemas are huge and often recursive, so object fields are built lazily on the
 * first fields() call and cached; only list/map element chains are converted eagerly (they
 * decide whether a property is exposable at all). Nothing here throws on odd input.
 */
import type { CelField, CelIssue, CelType } from './api.js';
import { astIndex, type AstNode } from './parse.js';
import { selectSpan } from './locate.js';
import { escape } from './escaping.js';
import { lazyObjectType, listOf, mapOf, T } from './k8sTypes.js';

export interface SchemaTypeOptions {
  /** Name of the root type: 'self' style for CRDs, the Kind for VAP (the apiserver adds nanoseconds). */
  rootName: string;
  /** CRD root, VAP object/params root: apply the apiVersion/kind/metadata rule (§3.5). */
  isResourceRoot: boolean;
  /** Looks up a `$ref` target (e.g. '#/components/schemas/io.k8s.api.core.v1.PodSpec'). */
  resolveRef?: (ref: string) => object | undefined;
  /**
   * Type resource.Quantity-like schemas (a oneOf/anyOf of scalar types, no `type`) as dyn
   * instead of dropping them as the apiserver does. Such fields carry `apiserverDrops: true`.
   */
  quantityAsDyn?: boolean;
  /**
   * VAP typing of a CRD kind: the apiserver publishes CRD schemas with `metadata` replaced by the
   * full ObjectMeta (what its type checker resolves), so pass the ObjectMeta schema here to use it
   * at the root instead of the CRD-rule view (§3.5: only name and generateName).
   */
  objectMetaSchema?: object;
}

type Schema = Record<string, unknown>;

interface Converted {
  type: CelType;
  /** The apiserver would not expose this node (only set when quantityAsDyn kept it). */
  apiserverDrops?: boolean;
}

/** The schema node a CEL type was built from (for hover and tools that need maxLength, enum…). */
const schemaOfType = new WeakMap<object, Schema>();

export function schemaForType(t: CelType): Schema | undefined {
  return schemaOfType.get(t);
}

export function schemaToCelType(schema: object, opts: SchemaTypeOptions): CelType | undefined {
  try {
    const conv = new Converter(schema as Schema, opts);
    return conv.convert(schema as Schema, opts.rootName, opts.isResourceRoot, [])?.type;
  } catch {
    // Defensive: a malformed schema must never break checking of the rest of the document.
    return undefined;
  }
}

/** Properties visible to CEL: escaped name, JSON name and the (unresolved) schema, in order (§3.1, §4). */
export function exposedProperties(schema: Schema): Array<{ celName: string; jsonName: string; schema: unknown }> {
  const props = asSchema(schema.properties);
  if (!props) return [];
  const out = [];
  for (const [jsonName, prop] of Object.entries(props)) {
    const celName = escape(jsonName);
    if (celName !== undefined) out.push({ celName, jsonName, schema: prop });
  }
  return out;
}

const STRING_FORMATS: Record<string, CelType['kind']> = {
  byte: 'bytes',
  duration: 'duration',
  date: 'timestamp',
  // Only this spelling: the docs say `datetime` but the code matches `date-time` (§3.1).
  'date-time': 'timestamp',
};

const MAX_EAGER_DEPTH = 64;

class Converter {
  constructor(
    private readonly root: Schema,
    private readonly opts: SchemaTypeOptions,
  ) {}

  /**
   * @param refChain the `$ref`s already being expanded above this node; meeting one again is a
   *   cycle, which the apiserver's resolver replaces by an empty object schema.
   */
  convert(raw: Schema, name: string, isResourceRoot: boolean, refChain: readonly string[], eagerDepth = 0): Converted | undefined {
    // List/map element chains are converted eagerly; a JS-object cycle through `items` or
    // `additionalProperties` (not a $ref) would otherwise never end.
    if (eagerDepth > MAX_EAGER_DEPTH) return undefined;
    const resolved = this.deref(raw, refChain);
    if (resolved === 'missing') return this.tag({ type: { kind: 'dyn' } }, raw);
    let { schema: s } = resolved;
    const chain = resolved.chain;

    if (isIntOrString(s)) return this.tag({ type: { kind: 'dyn' } }, s);
    if (isResourceRoot && raw === this.root && this.opts.objectMetaSchema) s = this.withPublishedObjectMeta(s, this.opts.objectMetaSchema as Schema);
    if (isResourceRoot) s = this.withTypeAndObjectMeta(s, chain);

    switch (s.type) {
      case 'array': {
        const items = asSchema(s.items);
        if (!items) return undefined;
        const elem = this.convert(items, `${name}.@idx`, this.isEmbedded(items, chain), chain, eagerDepth + 1);
        if (!elem) return undefined;
        return this.tag({ type: listOf(elem.type), apiserverDrops: elem.apiserverDrops }, s);
      }
      case 'object': {
        const additional = asSchema(s.additionalProperties);
        if (additional) {
          const value = this.convert(additional, `${name}.@elem`, this.isEmbedded(additional, chain), chain, eagerDepth + 1);
          if (!value) return undefined;
          return this.tag({ type: mapOf(T.string, value.type), apiserverDrops: value.apiserverDrops }, s);
        }
        const description = typeof s.description === 'string' ? s.description : undefined;
        const obj = lazyObjectType(name, () => this.fields(s, name, chain), description);
        return this.tag({ type: obj }, s);
      }
      case 'string': {
        const kind = typeof s.format === 'string' && Object.hasOwn(STRING_FORMATS, s.format) ? STRING_FORMATS[s.format] : undefined;
        return this.tag({ type: { kind: kind ?? 'string' } as CelType }, s);
      }
      case 'boolean':
        return this.tag({ type: { kind: 'bool' } }, s);
      case 'number':
        return this.tag({ type: { kind: 'double' } }, s);
      case 'integer':
        return this.tag({ type: { kind: 'int' } }, s);
      default:
        // No type: not exposable (bare preserve-unknown-fields, oneOf-only such as Quantity).
        if (this.opts.quantityAsDyn && isScalarUnion(s)) return this.tag({ type: { kind: 'dyn' }, apiserverDrops: true }, s);
        return undefined;
    }
  }

  private fields(s: Schema, parentName: string, chain: readonly string[]): Array<[string, CelField]> {
    const out: Array<[string, CelField]> = [];
    for (const { celName, jsonName, schema: prop } of exposedProperties(s)) {
      const propSchema = asSchema(prop);
      if (!propSchema) continue;
      let conv: Converted | undefined;
      try {
        conv = this.convert(propSchema, `${parentName}.${celName}`, this.isEmbedded(propSchema, chain), chain);
      } catch {
        conv = undefined; // an odd property never breaks its siblings
      }
      if (!conv) continue;
      const target = this.deref(propSchema, chain);
      const effective = target === 'missing' ? propSchema : target.schema;
      const description = typeof effective.description === 'string' ? effective.description : undefined;
      const field: CelField = { type: conv.type, jsonName, schema: effective };
      if (description !== undefined) field.description = description;
      if (conv.apiserverDrops) field.apiserverDrops = true;
      out.push([celName, field]);
    }
    return out;
  }

  private tag(c: Converted, s: Schema): Converted {
    schemaOfType.set(c.type, s);
    return c;
  }

  private isEmbedded(raw: Schema, chain: readonly string[]): boolean {
    const r = this.deref(raw, chain);
    return r !== 'missing' && r.schema['x-kubernetes-embedded-resource'] === true;
  }

  /**
   * Inlines `$ref` and a `$ref` wrapped in a single-element allOf (how built-in schemas
   * reference definitions); sibling keywords of the wrapper (description, default) win.
   */
  private deref(s: Schema, chain: readonly string[]): { schema: Schema; chain: readonly string[] } | 'missing' {
    let current = s;
    let currentChain = chain;
    for (let depth = 0; depth < 64; depth++) {
      let ref: string | undefined;
      let siblings: Schema = {};
      if (typeof current.$ref === 'string') {
        ref = current.$ref;
        const { $ref: _ignored, ...rest } = current;
        siblings = rest;
      } else if (Array.isArray(current.allOf) && current.allOf.length === 1 && typeof asSchema(current.allOf[0])?.$ref === 'string' && current.type === undefined) {
        ref = (current.allOf[0] as Schema).$ref as string;
        const { allOf: _ignored, ...rest } = current;
        siblings = rest;
      }
      if (ref === undefined) return { schema: current, chain: currentChain };
      if (currentChain.includes(ref)) return { schema: { type: 'object' }, chain: currentChain };
      const target = this.lookup(ref);
      if (!target) return 'missing';
      current = { ...target, ...siblings };
      currentChain = [...currentChain, ref];
    }
    return { schema: { type: 'object' }, chain: currentChain };
  }

  private lookup(ref: string): Schema | undefined {
    const viaCaller = this.opts.resolveRef?.(ref);
    if (viaCaller) return asSchema(viaCaller);
    if (!ref.startsWith('#/')) return undefined;
    // A local JSON pointer into the schema document itself.
    let node: unknown = this.root;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      node = asSchema(node)?.[key];
      if (node === undefined) return undefined;
    }
    return asSchema(node);
  }

  /** The published form of a CRD root: string kind/apiVersion and the full ObjectMeta. */
  private withPublishedObjectMeta(s: Schema, objectMeta: Schema): Schema {
    const str = { type: 'string' };
    return { ...s, properties: { ...(asSchema(s.properties) ?? {}), kind: str, apiVersion: str, metadata: objectMeta } };
  }

  /** §3.5: keep a schema that already has kind/apiVersion/metadata{name,generateName}; else replace. */
  private withTypeAndObjectMeta(s: Schema, chain: readonly string[]): Schema {
    const props = asSchema(s.properties) ?? {};
    const typeOf = (raw: unknown): Schema | undefined => {
      const p = asSchema(raw);
      if (!p) return undefined;
      const r = this.deref(p, chain);
      return r === 'missing' ? undefined : r.schema;
    };
    const metadata = typeOf(props.metadata);
    const metaProps = metadata ? asSchema(metadata.properties) : undefined;
    if (
      typeOf(props.kind)?.type === 'string' &&
      typeOf(props.apiVersion)?.type === 'string' &&
      metadata?.type === 'object' &&
      metaProps &&
      typeOf(metaProps.name)?.type === 'string' &&
      typeOf(metaProps.generateName)?.type === 'string'
    ) {
      return s;
    }
    const str = { type: 'string' };
    return {
      ...s,
      properties: {
        ...props,
        kind: str,
        apiVersion: str,
        metadata: { type: 'object', properties: { name: str, generateName: str } },
      },
    };
  }
}

function isIntOrString(s: Schema): boolean {
  return s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string';
}

/** resource.Quantity's v3 shape: no `type`, a oneOf/anyOf of scalar types. */
function isScalarUnion(s: Schema): boolean {
  const alts = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (!alts || alts.length === 0) return false;
  return alts.every((a) => ['string', 'number', 'integer'].includes(String(asSchema(a)?.type)));
}

function asSchema(v: unknown): Schema | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;
}

// ---------------------------------------------------------------- KCG1010

/** KCG1010 (registered in k8sLibraries.ts with the other Kubernetes-dialect codes). */
const APISERVER_DROPS_FIELD_CODE = 'KCG1010';

/** KCG1010 info notes on selections of fields the apiserver drops from its types (Quantity). */
export function droppedFieldNotes(src: string, ast: AstNode, typeOf: (node: AstNode) => CelType | undefined): CelIssue[] {
  const out: CelIssue[] = [];
  const selects = astIndex(ast).selects;
  for (let k = 0; k < selects.length; k++) {
    const node = selects[k];
    const nodeArgs = node.args as [AstNode, string];
    const operand = nodeArgs[0];
    const field = nodeArgs[1];
    let t = typeOf(operand);
    if (t?.kind === 'opaque' && t.name === 'optional_type' && t.params[0]) t = t.params[0];
    if (t?.kind !== 'object') continue;
    const f = t.fields().get(field) ?? t.fields().get(`__${field}__`);
    if (!f?.apiserverDrops) continue;
    const span = selectSpan(src, node);
    out.push({
      start: span.start,
      end: span.end,
      severity: 'info',
      code: APISERVER_DROPS_FIELD_CODE,
      message: `the apiserver's type check will warn here (undefined field '${field}'): it cannot type resource.Quantity fields, although '${field}' exists at runtime`,
    });
  }
  return out;
}

