import { isAlias, isDocument, isMap, isNode, isPair, isScalar, isSeq, type Document, type Pair, type Scalar } from 'yaml';

/**
 * Small typed helpers over `yaml` nodes for the checks and editor features. Every function takes
 * `unknown` and answers undefined / [] for anything unexpected, so a check walking a half-typed
 * document never has to guard against null values, aliases or wrong collection kinds itself.
 */

export type YamlPath = (string | number)[];

/** The key of a pair as a path segment: scalar keys only (a map used as a key has no name). */
function keyName(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const v = key.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/**
 * The node at `path` below `node`: a string segment indexes a YAMLMap by its scalar key (the first
 * pair with that key, as yaml does), a number indexes a YAMLSeq. A Document starts at its contents.
 * Undefined if any step is missing or the wrong kind.
 */
export function getIn(node: unknown, path: YamlPath): unknown {
  let current: unknown = isDocument(node) ? node.contents : node;
  // Index loops, no closures: the checks call this a dozen times per document.
  for (let s = 0; s < path.length; s++) {
    const segment = path[s];
    if (typeof segment === 'number') {
      if (!isSeq(current) || !Number.isInteger(segment) || segment < 0) return undefined;
      current = current.items[segment];
    } else {
      if (!isMap(current)) return undefined;
      const items = current.items;
      let pair: (typeof items)[number] | undefined;
      for (let i = 0; i < items.length; i++) {
        if (keyName(items[i].key) === segment) {
          pair = items[i];
          break;
        }
      }
      if (!pair) return undefined;
      current = pair.value;
    }
    if (current === undefined || current === null) return undefined;
  }
  return current ?? undefined;
}

export interface MapEntry {
  key: string;
  keyNode: Scalar;
  /** The value node (null when the YAML leaves the value out, e.g. `key:` at the end of a file). */
  value: unknown;
  pair: Pair;
}

/** The pairs of a YAMLMap with scalar keys, in document order; [] if `node` is not a map. */
export function mapPairs(node: unknown): MapEntry[] {
  if (!isMap(node)) return [];
  const out: MapEntry[] = [];
  for (const pair of node.items) {
    const key = keyName(pair.key);
    if (key === undefined) continue;
    out.push({ key, keyNode: pair.key as Scalar, value: pair.value, pair });
  }
  return out;
}

/** The items of a YAMLSeq; [] if `node` is not a sequence. */
export function seqItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** The value of a Scalar whose value is a string (not `1`, `true`, `null`). */
export function scalarString(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** The value of any Scalar (string, number, boolean, null...); undefined for other nodes. */
export function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/**
 * Offsets (into the document text) of a node: node.range[0]..range[1]. For a Pair, from its key's
 * start to its value's end (pairs carry no range of their own).
 */
export function nodeRange(node: unknown): { start: number; end: number } | undefined {
  if (isPair(node)) {
    const k = nodeRange(node.key);
    const v = nodeRange(node.value);
    if (!k && !v) return undefined;
    return { start: (k ?? v)!.start, end: (v ?? k)!.end };
  }
  if (!isNode(node) || !node.range) return undefined;
  return { start: node.range[0], end: node.range[1] };
}

/**
 * Whether `offset` is inside `node`. `inclusiveEnd` also accepts the offset just after it (a cursor
 * right after a word); callers try strict containment first, because a block collection's range
 * runs up to the first character of the next key.
 */
function contains(node: unknown, offset: number, inclusiveEnd = true): boolean {
  const r = nodeRange(node);
  return r !== undefined && r.start <= offset && (offset < r.end || (inclusiveEnd && offset === r.end));
}

/**
 * The chain of nodes from the document root to the deepest node whose range contains `offset`
 * (bounds inclusive, so a cursor just after a word still hits it), with the path to it. When the
 * offset is on a key, the path ends with that key and the last node is the key Scalar. When it is
 * inside a pair but on neither side (e.g. after `key: ` with no value yet), the path ends with the
 * key and the last node is the value node if there is one. Aliases are leaves.
 * Offset outside the root: empty path and nodes.
 */
export function nodeAtOffset(doc: Document.Parsed, offset: number): { path: YamlPath; nodes: unknown[] } {
  const path: YamlPath = [];
  const nodes: unknown[] = [];
  let current: unknown = doc.contents;
  if (!contains(current, offset)) return { path, nodes };
  // Depth is bounded by the document (every step descends into a strictly smaller child).
  while (current !== undefined) {
    nodes.push(current);
    let next: unknown;
    if (isMap(current)) {
      next = descendPair(current.items, offset, path, nodes);
    } else if (isSeq(current)) {
      let i = current.items.findIndex((item) => contains(item, offset, false));
      if (i < 0) i = current.items.findIndex((item) => contains(item, offset));
      if (i >= 0) {
        path.push(i);
        const item = current.items[i];
        next = isPair(item) ? descendPair([item], offset, path, nodes) : item;
      }
    }
    current = next;
  }
  return { path, nodes };
}

/** Picks the pair around `offset`; pushes the key segment (and the key node when on the key). */
function descendPair(pairs: readonly Pair[], offset: number, path: YamlPath, nodes: unknown[]): unknown {
  for (const inclusiveEnd of [false, true]) {
    for (const pair of pairs) {
      const found = enterPair(pair, offset, inclusiveEnd, path, nodes);
      if (found !== NOT_HERE) return found;
    }
  }
  return undefined;
}

const NOT_HERE = Symbol('not here');

/** Enters `pair` if `offset` is on its key or in its value; NOT_HERE otherwise. */
function enterPair(pair: Pair, offset: number, inclusiveEnd: boolean, path: YamlPath, nodes: unknown[]): unknown {
  const name = keyName(pair.key);
  if (contains(pair.key, offset, inclusiveEnd)) {
    if (name !== undefined) path.push(name);
    if (isScalar(pair.key) || isAlias(pair.key)) {
      nodes.push(pair.key);
      return undefined;
    }
    // A complex key (a map used as a key) is descended into like any node.
    return pair.key;
  }
  if (contains(pair.value, offset, inclusiveEnd) || containsBetween(pair, offset)) {
    if (name !== undefined) path.push(name);
    return isNode(pair.value) ? pair.value : undefined;
  }
  return NOT_HERE;
}

/** Offset after the key of a pair whose value is missing or starts later (`key: |` cursor). */
function containsBetween(pair: Pair, offset: number): boolean {
  const k = nodeRange(pair.key);
  if (!k || offset < k.end) return false;
  const v = nodeRange(pair.value);
  return v !== undefined && offset <= v.start;
}

/**
 * Plain JavaScript value of a node (what `node.toJSON()` gives), never throwing. A Document, or a
 * node with its `doc`, resolves aliases to their anchors' values; when yaml refuses that (an
 * unknown anchor, a billion-laughs alias bomb), aliases stay unresolved as `{ source: name }`,
 * which is what `node.toJSON()` gives for them.
 */
export function toPlain(node: unknown, doc?: Document): unknown {
  try {
    if (isDocument(node)) return node.toJS();
    if (!isNode(node)) return node ?? undefined;
    if (doc) return node.toJS(doc);
    return node.toJSON();
  } catch {
    try {
      // An alias that does not resolve: fall back to the document-free conversion.
      if (isDocument(node)) return isNode(node.contents) ? node.contents.toJSON() : undefined;
      if (isNode(node)) return node.toJSON();
    } catch {
      /* give up below */
    }
    return undefined;
  }
}
