import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/*
 * The few AST look-ups the security checks need. Kept tiny and tolerant (odd input gives
 * undefined, never a throw); to be replaced by the engine's yamlNav helpers once they exist.
 */

/** The map entry with this plain key, or undefined (also when `node` is not a map). */
export function pairOf(node: unknown, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  for (const item of node.items) {
    if (isPair(item) && scalarText(item.key) === key) return item as Pair;
  }
  return undefined;
}

/** The value node under `key`. */
export function valueOf(node: unknown, key: string): unknown {
  return pairOf(node, key)?.value ?? undefined;
}

/** Follows a path of keys through nested maps. */
export function valueAt(node: unknown, ...keys: string[]): unknown {
  let cur: unknown = node;
  for (const k of keys) {
    cur = valueOf(cur, k);
    if (cur === undefined || cur === null) return undefined;
  }
  return cur;
}

export function asMap(node: unknown): YAMLMap | undefined {
  return isMap(node) ? (node as YAMLMap) : undefined;
}

export function asSeq(node: unknown): YAMLSeq | undefined {
  return isSeq(node) ? (node as YAMLSeq) : undefined;
}

/** A scalar's value as text (numbers and booleans as YAML wrote them); undefined for non-scalars and null. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  const src = (node as { source?: string }).source;
  return typeof src === 'string' ? src : String(v);
}

/** Source range [start, end) of a node's value as written. */
export function nodeSpan(node: unknown): { start: number; end: number } | undefined {
  const r = (node as Node | undefined)?.range;
  return Array.isArray(r) ? { start: r[0], end: r[1] } : undefined;
}
