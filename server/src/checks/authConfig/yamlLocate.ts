import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Scalar } from 'yaml';
import { embeddedString } from '../../engine/embeddedString.js';

/** A field path as the Go validation code walks it: map keys and list indexes. */
export type FieldPath = ReadonlyArray<string | number>;

export interface Range {
  start: number;
  end: number;
}

interface Step {
  key?: Node;
  value?: Node;
}

/** Renders a path the way k8s.io/apimachinery field.Path prints it: `jwt[0].issuer.url`. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** The key/value nodes along `path`, as far as the YAML has them. */
function walk(doc: Document, path: FieldPath): { steps: Step[]; complete: boolean } {
  const steps: Step[] = [{ value: (doc.contents ?? undefined) as Node | undefined }];
  let current = steps[0].value;
  for (const seg of path) {
    let next: Step | undefined;
    if (typeof seg === 'string' && isMap(current)) {
      const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (pair) next = { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
    } else if (typeof seg === 'number' && isSeq(current)) {
      const item = current.items[seg];
      if (item !== undefined && item !== null) next = { value: item as Node };
    }
    if (!next) return { steps, complete: false };
    steps.push(next);
    current = next.value;
  }
  return { steps, complete: true };
}

function nodeRange(node: Node | undefined): Range | undefined {
  const r = node?.range;
  return r && r[1] > r[0] ? { start: r[0], end: r[1] } : undefined;
}

/**
 * A string's characters without quotes, block-scalar header (`|-`) or trailing line breaks, so
 * the underline covers what the user wrote as the value; other scalars by their node range.
 */
function valueRange(node: Node | undefined, text: string): Range | undefined {
  if (isScalar(node) && typeof node.value === 'string' && node.value.length > 0) {
    const source = embeddedString(node as Scalar, text);
    const trimmed = node.value.trimEnd().length;
    if (source && trimmed > 0) return source.sourceRange(0, trimmed);
  }
  return nodeRange(node);
}

/** The node's first line, trimmed: what to underline for a multi-line entry without a key. */
function firstLine(node: Node, text: string): Range | undefined {
  const r = nodeRange(node);
  if (!r) return undefined;
  const nl = text.indexOf('\n', r.start);
  let end = nl < 0 || nl > r.end ? r.end : nl;
  // "issuer:" opening a nested map reads better without its colon.
  while (end > r.start && /[\s:]/.test(text[end - 1])) end--;
  return end > r.start ? { start: r.start, end } : r;
}

function isSingleLine(r: Range, text: string): boolean {
  return !text.slice(r.start, r.end).includes('\n');
}

/** What to underline for a step: a scalar or one-line value itself, else its key, else its first line. */
function stepRange(step: Step, text: string, prefer: 'key' | 'value'): Range | undefined {
  const key = nodeRange(step.key);
  if (prefer === 'key' && key) return key;
  const value = nodeRange(step.value);
  if (value && isScalar(step.value)) return valueRange(step.value, text);
  if (value && isSingleLine(value, text)) return value;
  if (key) return key;
  return step.value ? firstLine(step.value, text) : undefined;
}

/**
 * Where to report a problem with the field at `path`: the value when it is present (or its key
 * when `prefer` is 'key', as for unknown fields), and for a missing field the key of the closest
 * enclosing field that exists, so "Required value" points at the parent.
 */
export function locateField(doc: Document, text: string, path: FieldPath, prefer: 'key' | 'value' = 'value'): Range {
  const { steps, complete } = walk(doc, path);
  let ancestors = steps;
  if (complete) {
    const own = stepRange(steps[steps.length - 1], text, prefer);
    if (own) return own;
    ancestors = steps.slice(0, -1);
  }
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const r = stepRange(ancestors[i], text, 'key');
    if (r) return r;
  }
  return { start: 0, end: Math.max(1, Math.min(text.length, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'))) };
}

/** The YAML scalar at `path`, if the path exists and holds one. */
export function scalarAt(doc: Document, path: FieldPath): Node | undefined {
  const { steps, complete } = walk(doc, path);
  const last = steps[steps.length - 1];
  return complete && isScalar(last.value) ? last.value : undefined;
}

/** The YAML node at `path` (a map, list or scalar), if the path exists. */
export function nodeAt(doc: Document, path: FieldPath): Node | undefined {
  const { steps, complete } = walk(doc, path);
  return complete ? steps[steps.length - 1].value : undefined;
}
