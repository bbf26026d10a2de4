/**
 * A comparable snapshot of a parsed `yaml` Document, for checking the fast path against
 * `parseDocument`: every node's class, its `yaml` node type (its value and attributes, found on the
 * node or, as the fast path's nodes have it, on a prototype in its chain), a collection's schema,
 * each own enumerable property (ranges, values with -0, NaN and bigints told apart, types, sources,
 * formats, flow, tags, anchors...), the scalar source tokens' fields, and the document's range,
 * errors, warnings, directives and options.
 *
 * Left out on purpose, as the fast path does not reproduce them (nothing in the engine reads
 * them): comments (`comment`, `commentBefore`, `spaceBefore`), the source tokens of pairs and
 * collections, and the `end` tokens of scalar source tokens.
 */
import { isCollection, isNode, isPair, isScalar, type Document } from 'yaml';

const NODE_TYPE = Symbol.for('yaml.node.type');
const COMMENTS = new Set(['comment', 'commentBefore', 'spaceBefore']);

function plain(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { number: 'NaN' };
    if (Object.is(value, -0)) return { number: '-0' };
    if (!Number.isFinite(value)) return { number: String(value) };
    return value;
  }
  if (typeof value === 'bigint') return { bigint: String(value) };
  if (typeof value === 'symbol') return { symbol: value.description };
  return value;
}

/** The fields of a CST token embeddedString and the engine read. */
function token(t: unknown): unknown {
  if (!t || typeof t !== 'object') return t;
  const { type, offset, indent, source, props } = t as Record<string, unknown>;
  return {
    type,
    offset,
    indent,
    source,
    ...(Array.isArray(props) ? { props: props.map(token) } : {}),
  };
}

/** The descriptor of `key` where `o` gets it from: itself or the nearest prototype. */
function inheritedDescriptor(o: object, key: PropertyKey): PropertyDescriptor | undefined {
  for (let p: object | null = o; p; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, key);
    if (d) return d;
  }
  return undefined;
}

function node(n: unknown): unknown {
  if (!isNode(n) && !isPair(n)) return plain(n);
  const out: Record<string, unknown> = {
    class: (n as object).constructor.name,
    instanceOfClass: n instanceof (n as object).constructor,
    nodeType: inheritedDescriptor(n as object, NODE_TYPE),
  };
  if (isCollection(n)) {
    const d = inheritedDescriptor(n, 'schema');
    out.schema = d && { name: (d.value as { name?: string } | undefined)?.name, enumerable: d.enumerable, writable: d.writable };
  }
  for (const key of Object.keys(n).sort()) {
    if (COMMENTS.has(key)) continue;
    const v = (n as unknown as Record<string, unknown>)[key];
    if (key === 'srcToken') {
      if (isScalar(n)) out.srcToken = token(v);
    } else if (key === 'items') out.items = (v as unknown[]).map(node);
    else if (key === 'key' || key === 'value') out[key] = isNode(v) || isPair(v) ? node(v) : plain(v);
    else out[key] = plain(v);
  }
  return out;
}

export function snapshot(doc: Document.Parsed | Document): unknown {
  const { _directives, ...options } = doc.options as Record<string, unknown>;
  const directives = doc.directives as unknown as Record<string, unknown> | undefined;
  return {
    class: doc.constructor.name,
    nodeType: inheritedDescriptor(doc, NODE_TYPE),
    keys: Object.keys(doc)
      .filter((k) => !COMMENTS.has(k))
      .sort(),
    range: doc.range,
    errors: doc.errors.map((e) => [e.code, e.pos]),
    warnings: doc.warnings.map((e) => [e.code, e.pos]),
    directives: directives && { docStart: directives.docStart, docEnd: directives.docEnd, yaml: directives.yaml, tags: directives.tags },
    streamDirectives: (_directives as { yaml?: unknown } | undefined)?.yaml,
    options,
    schema: doc.schema && { name: doc.schema.name, tags: (doc.schema as unknown as { tags: { tag: string }[] }).tags.map((t) => t.tag) },
    contents: node(doc.contents),
  };
}
