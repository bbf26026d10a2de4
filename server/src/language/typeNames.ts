/**
 * Friendlier names for schema object types in hover and completion. The checker names a nested
 * schema object by its path, as cel-go does in the apiserver's messages
 * (`Deployment.spec.template.spec.containers.@idx`); when the path leads through the bundled
 * OpenAPI of the kind `object` is typed as, the definition's own name (`Container`) reads better.
 */
import type { CelType } from '../cel/api.js';
import { formatType } from '../cel/types.js';
import type { KubernetesVersion } from '../engine/options.js';
import { bundledSchemas, type GroupVersionKind, type OpenApiSchema } from '../schemas/registry.js';
import { deref } from './yamlKeyHover.js';

/** The definition name behind a path-named object type of `kind`, e.g. `Container`. */
function definitionName(name: string, kind: GroupVersionKind, version: KubernetesVersion): string | undefined {
  if (name === kind.kind) return kind.kind;
  if (!name.startsWith(`${kind.kind}.`)) return undefined;
  const source = bundledSchemas(version);
  let node: OpenApiSchema | undefined = deref(source.schemaForKind(kind.group, kind.version, kind.kind), source);
  for (const segment of name.slice(kind.kind.length + 1).split('.')) {
    if (!node) return undefined;
    const next: unknown =
      segment === '@idx' ? node.items : segment === '@elem' ? node.additionalProperties : (node.properties as Record<string, unknown> | undefined)?.[segment];
    node = deref(next, source);
  }
  const ref = node?.['x-kcg-ref'];
  return typeof ref === 'string' ? ref.split('.').pop() : undefined;
}

/** formatType, with schema object names replaced by their definition names where known. */
export function displayType(t: CelType, kind: GroupVersionKind | undefined, version: KubernetesVersion): string {
  switch (t.kind) {
    case 'list':
      return `list(${displayType(t.elem, kind, version)})`;
    case 'map':
      return `map(${displayType(t.key, kind, version)}, ${displayType(t.value, kind, version)})`;
    case 'object':
      return (kind && definitionName(t.name, kind, version)) ?? t.name;
    default:
      return formatType(t);
  }
}
