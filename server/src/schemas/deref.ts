import type { OpenApiSchema, SchemaSource } from './registry.js';

/**
 * The schema a property node stands for, with its `$ref` followed. Built-in definitions wrap
 * references as `{allOf: [{$ref}], default: {}, description}`; the apiserver's resolver inlines the
 * single-element allOf the same way (k8s-cel.md §3.4). The wrapper's own keywords (the field's
 * description, default) override the target's, since they describe this field. Returns a new
 * object when anything was followed; undefined when a $ref does not resolve.
 * Only one level is followed per call (properties stay unresolved), so recursion is the caller's.
 */
export function derefSchema(source: Pick<SchemaSource, 'resolveRef'>, node: OpenApiSchema | undefined): OpenApiSchema | undefined {
  let current = node;
  // A chain of refs longer than this is a cycle of pure aliases; give up rather than loop.
  for (let hops = 0; hops < 16; hops++) {
    if (!current || typeof current !== 'object') return undefined;
    const ref = refOf(current);
    if (ref === undefined) return current;
    const target = source.resolveRef(ref);
    if (!target) return undefined;
    const { $ref: _ref, allOf: _allOf, ...own } = current;
    current = { ...target, ...own };
  }
  return undefined;
}

function refOf(node: OpenApiSchema): string | undefined {
  if (typeof node.$ref === 'string') return node.$ref;
  const allOf = node.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && typeof allOf[0]?.$ref === 'string' && Object.keys(allOf[0]).length === 1) return allOf[0].$ref;
  return undefined;
}
