import { isMap, isScalar, isSeq, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { getIn, mapPairs, nodeRange } from '../../engine/yamlNav.js';

/*
 * The look-ups the security checks need, on top of the engine's yamlNav: they hand back the
 * `yaml` nodes themselves (pairs, maps, sequences) because the quick-fixes edit around them.
 * Odd input gives undefined, never a throw.
 */

/** The map entry with this plain key, or undefined (also when `node` is not a map). */
export function pairOf(node: unknown, key: string): Pair | undefined {
  return mapPairs(node).find((e) => e.key === key)?.pair;
}

/** The value node under `key`. */
export function valueOf(node: unknown, key: string): unknown {
  return getIn(node, [key]);
}

/** Follows a path of keys through nested maps. */
export function valueAt(node: unknown, ...keys: string[]): unknown {
  return getIn(node, keys);
}

export function asMap(node: unknown): YAMLMap | undefined {
  return isMap(node) ? (node as YAMLMap) : undefined;
}

export function asSeq(node: unknown): YAMLSeq | undefined {
  return isSeq(node) ? (node as YAMLSeq) : undefined;
}

/**
 * A scalar's value as text, numbers and booleans as YAML wrote them (a flag value `50` or
 * `true` is text to kube-apiserver); undefined for non-scalars and null.
 */
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
  return nodeRange(node);
}
