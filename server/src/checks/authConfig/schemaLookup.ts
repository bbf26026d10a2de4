import { isGoObject } from './goData.js';
import { SINCE_KEYWORD } from './schemaValidation.js';
import { servedVersion, type AuthConfigKind } from './schemas.js';
import type { FieldPath } from './yamlLocate.js';

export type SchemaNode = Record<string, unknown>;

/**
 * A schema node with its `$ref` (local `#/...` only) resolved. Keywords written next to the
 * `$ref` (description, x-kcg-since) describe the referring field and win over the target's.
 */
export function resolveRef(root: SchemaNode, node: unknown): SchemaNode | undefined {
  if (!isGoObject(node)) return undefined;
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let target: unknown = root;
  for (const seg of ref.slice(2).split('/')) target = isGoObject(target) ? target[seg] : undefined;
  if (!isGoObject(target)) return undefined;
  const { $ref: _ref, ...siblings } = node;
  return { ...target, ...siblings };
}

/** The schema of the field at `path` (list indexes step into `items`). */
export function schemaAt(schema: object, path: FieldPath): SchemaNode | undefined {
  const root = schema as SchemaNode;
  let node = resolveRef(root, root);
  for (const seg of path) {
    if (!node) return undefined;
    const next = typeof seg === 'number' ? node.items : isGoObject(node.properties) ? node.properties[seg] : undefined;
    node = resolveRef(root, next);
  }
  return node;
}

export interface FieldDoc {
  description?: string;
  /** JSON Schema type: string, boolean, array, object. */
  type?: string;
  /** First Kubernetes minor with the field, when later than the apiVersion's first release. */
  since?: string;
}

/** What hover shows for a field of an auth-config file; undefined for unknown fields or versions. */
export function authConfigFieldDoc(kind: AuthConfigKind, apiVersion: string | undefined, path: FieldPath): FieldDoc | undefined {
  const served = servedVersion(kind, apiVersion);
  const node = served && schemaAt(served.schema, path);
  if (!node) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { description: str(node.description), type: str(node.type), since: str(node[SINCE_KEYWORD]) };
}
