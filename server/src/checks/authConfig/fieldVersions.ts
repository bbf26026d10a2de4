import { isGoObject } from './goData.js';
import { resolveRef as resolve, type SchemaNode } from './schemaLookup.js';
import { SINCE_KEYWORD, type SchemaProblem } from './schemaValidation.js';
import { formatFieldPath, type FieldPath } from './yamlLocate.js';

/**
 * Fields newer than the selected Kubernetes version. Each served apiVersion gained its new fields
 * in the same release (research notes 5.1), so the schemas describe the newest shape and mark later
 * additions with `x-kcg-since`; an older apiserver decodes such a field as unknown and fails.
 */

export function minorOf(version: string): number {
  const m = /^1\.(\d+)$/.exec(version);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export function fieldsNewerThan(schema: object, data: unknown, minor: number, versionLabel: string): SchemaProblem[] {
  const root = schema as SchemaNode;
  const out: SchemaProblem[] = [];
  const visit = (node: SchemaNode | undefined, value: unknown, path: FieldPath): void => {
    if (!node) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(resolve(root, node.items), item, [...path, i]));
      return;
    }
    if (!isGoObject(value) || !isGoObject(node.properties)) return;
    for (const [key, child] of Object.entries(value)) {
      const prop = resolve(root, (node.properties as SchemaNode)[key]);
      if (!prop) continue;
      const since = prop[SINCE_KEYWORD];
      const fieldPath = [...path, key];
      if (typeof since === 'string' && minorOf(since) > minor) {
        out.push({
          at: fieldPath,
          underline: 'key',
          message: `strict decoding error: unknown field "${formatFieldPath(fieldPath)}" (${key} was added in Kubernetes ${since}; the selected version is ${versionLabel})`,
          fixes: [{ kind: 'remove', title: `Remove ${key} (not known before Kubernetes ${since})`, map: path, key }],
        });
        continue;
      }
      visit(prop, child, fieldPath);
    }
  };
  visit(resolve(root, root), data, []);
  return out;
}
