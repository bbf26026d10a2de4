import { seqItems, scalarString, getIn } from '../../engine/yamlNav.js';
import type { GroupVersionKind, SchemaSource } from '../../schemas/registry.js';
import { restMapperKindsFor } from '../../schemas/restMapper.js';
import type { WorkspaceIndex } from '../types.js';

export type { GroupVersionKind };

/** How the apiserver prints a GVK in type-checking warnings: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
export function formatGvk(g: GroupVersionKind): string {
  return `${g.group}/${g.version}, Kind=${g.kind}`;
}

const MAX_KINDS = 10;

/**
 * restMapperKindsFor scans every resource of the bundled schemas; a file of 1,000 policies asks
 * the same few (group, version, resource) questions over and over. A schema source is immutable
 * (a cluster's new documents come as a new source), so its answers are kept per source (the
 * workspace's CRDs are asked each time).
 */
const restMapperAnswers = new WeakMap<SchemaSource, Map<string, GroupVersionKind[]>>();

function bundledKindsFor(bundled: SchemaSource, group: string, version: string, resource: string): GroupVersionKind[] {
  let answers = restMapperAnswers.get(bundled);
  if (!answers) restMapperAnswers.set(bundled, (answers = new Map()));
  const key = `${group}\u0000${version}\u0000${resource}`;
  let kinds = answers.get(key);
  if (!kinds) answers.set(key, (kinds = restMapperKindsFor(bundled, group, version, resource)));
  return kinds;
}

function strings(node: unknown): string[] {
  return seqItems(node).map(scalarString).filter((s): s is string => s !== undefined);
}

/**
 * The kinds an admission policy's `object` can be, as the apiserver's VAP type checker finds them
 * (k8s-cel.md §7.3): only resourceRules (excludeResourceRules ignored); a rule with `*` in its
 * groups or versions is skipped; resources with `*` or `/` (subresources) are skipped; at most 10
 * kinds, sorted by group, version, kind. We also consult the workspace's CRDs, which the apiserver
 * finds through discovery.
 */
export function matchedKinds(
  rules: unknown,
  bundled: SchemaSource,
  workspace: WorkspaceIndex,
): GroupVersionKind[] {
  const found = new Map<string, GroupVersionKind>();
  for (const rule of seqItems(rules)) {
    const groups = strings(getIn(rule, ['apiGroups']));
    const versions = strings(getIn(rule, ['apiVersions']));
    const resources = strings(getIn(rule, ['resources']));
    if (groups.includes('*') || versions.includes('*')) continue;
    for (const group of groups) {
      for (const version of versions) {
        for (const resource of resources) {
          if (resource.includes('*') || resource.includes('/')) continue;
          bundled.want?.(group, version);
          for (const gvk of bundledKindsFor(bundled, group, version, resource)) {
            found.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, gvk);
          }
          for (const kind of workspace.crdKindsForResource(group, version, resource)) {
            found.set(`${group}/${version}/${kind}`, { group, version, kind });
          }
        }
      }
    }
  }
  const sorted = [...found.values()].sort(
    (a, b) => a.group.localeCompare(b.group) || a.version.localeCompare(b.version) || a.kind.localeCompare(b.kind),
  );
  return sorted.slice(0, MAX_KINDS);
}
