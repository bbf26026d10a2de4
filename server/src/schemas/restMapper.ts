import { compareGvk, type GroupVersionKind, type ResourceInfo, type SchemaSource } from './registry.js';

/**
 * The kinds the VAP type checker gets from RESTMapper `KindsFor` for one group/version/resource
 * of a policy's resourceRules (k8s-cel.md §7.3), over every resource the source knows.
 *
 * Faithful to the discovery RESTMapper (`k8s.io/apimachinery pkg/api/meta/restmapper.go`):
 * - the resource is lower-cased, and matches a plural or a singular name;
 * - an EMPTY group means "any group" there, so the core group '' with version 'v1' and 'events'
 *   yields both `/v1 Event` and `events.k8s.io/v1 Event`: policies on core events are type-checked
 *   against both schemas;
 * - with a group and no version, an exact group match wins, else groups with that prefix match.
 * Result deduplicated and sorted by group, version, kind, as the type checker does.
 */
export function restMapperKindsFor(source: SchemaSource, group: string, version: string, resource: string): GroupVersionKind[] {
  if (typeof resource !== 'string' || resource === '') return [];
  const wanted = resource.toLowerCase();
  const named = (r: ResourceInfo) => r.resource === wanted || singularOf(r) === wanted;
  const all = source.listResources();
  let hits: ResourceInfo[];
  if (group && version) hits = all.filter((r) => r.group === group && r.version === version && named(r));
  else if (group) {
    hits = all.filter((r) => r.group === group && named(r));
    if (hits.length === 0) hits = all.filter((r) => r.group.startsWith(group) && named(r));
  } else if (version) hits = all.filter((r) => r.version === version && named(r));
  else hits = all.filter(named);

  const seen = new Set<string>();
  const out: GroupVersionKind[] = [];
  for (const { group: g, version: v, kind } of hits) {
    const key = `${g}/${v}/${kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group: g, version: v, kind });
  }
  return out.sort(compareGvk);
}

/** Discovery's singular name; built-ins leave it to the lower-cased kind. */
function singularOf(r: ResourceInfo): string {
  return r.singular ?? r.kind.toLowerCase();
}
