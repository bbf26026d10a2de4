import type { AdmissionPolicyInfo, WorkspaceIndex } from '../checks/types.js';
import { crdsFromText, type CrdInfo } from './crds.js';
import { policiesFromText, policyLookup } from './policies.js';
import { kindsOf, type OpenApiSchema, type ResourceInfo, type SchemaSource } from './registry.js';

/** The workspace's CRDs, indexed for the checks. */
export interface CrdWorkspaceIndex extends WorkspaceIndex {
  crds: CrdInfo[];
  crdSchema(group: string, version: string, kind: string): OpenApiSchema | undefined;
}

/**
 * Index of every CRD in the given files. A group/kind defined twice (two copies of the same CRD
 * in a repository) keeps the first definition, in file order, so the result does not depend on
 * hash ordering.
 */
export function createWorkspaceIndex(files: Iterable<{ path: string; text: string }>): CrdWorkspaceIndex {
  const crds: CrdInfo[] = [];
  const policies: AdmissionPolicyInfo[] = [];
  for (const file of files) {
    for (const crd of crdsFromText(file?.text)) crds.push({ ...crd, path: file.path });
    for (const policy of policiesFromText(file?.text)) policies.push({ ...policy, path: file.path });
  }
  return workspaceIndexFromCrds(crds, policies);
}

/**
 * For hosts that cache CrdInfo per file (crdsFromText) and rebuild the index when one changes.
 * `policies` (policiesFromText): without them the index does not answer policy lookups.
 */
export function workspaceIndexFromCrds(crds: CrdInfo[], policies?: AdmissionPolicyInfo[]): CrdWorkspaceIndex {
  const schemas = new Map<string, OpenApiSchema>();
  // group/version/resource (plural or singular, lower case) → kind; only served versions, as in discovery.
  const kindsByResource = new Map<string, string>();
  const claimed = new Set<string>();
  const kept: CrdInfo[] = [];
  for (const crd of crds) {
    const groupKind = `${crd.group}/${crd.names.kind}`;
    if (claimed.has(groupKind)) continue;
    claimed.add(groupKind);
    kept.push(crd);
    for (const v of crd.versions) {
      if (v.schema && !schemas.has(`${crd.group}/${v.name}/${crd.names.kind}`)) schemas.set(`${crd.group}/${v.name}/${crd.names.kind}`, v.schema);
      if (!v.served) continue;
      for (const name of [crd.names.plural, crd.names.singular ?? crd.names.kind]) {
        const key = `${crd.group}/${v.name}/${name.toLowerCase()}`;
        if (!kindsByResource.has(key)) kindsByResource.set(key, crd.names.kind);
      }
    }
  }
  return {
    ...(policies ? { policies: policyLookup(policies) } : {}),
    crds: kept,
    crdSchema: (group, version, kind) => schemas.get(`${group}/${version}/${kind}`),
    crdKindsForResource: (group, version, resource) => {
      const kind = typeof resource === 'string' ? kindsByResource.get(`${group}/${version}/${resource.toLowerCase()}`) : undefined;
      return kind ? [kind] : [];
    },
  };
}

function isRecord(v: unknown): v is OpenApiSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function crdResources(crds: CrdInfo[]): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const crd of crds) {
    for (const v of crd.versions) {
      if (!v.served) continue;
      out.push({
        group: crd.group,
        version: v.name,
        kind: crd.names.kind,
        resource: crd.names.plural.toLowerCase(),
        namespaced: crd.scope === 'Namespaced',
        singular: (crd.names.singular ?? crd.names.kind).toLowerCase(),
      });
    }
  }
  return out;
}

/**
 * Built-in kinds from the bundle, custom kinds from the workspace: what a policy's matchConstraints
 * or paramKind can name. Built-ins win when both define a kind (the apiserver serves built-in groups
 * itself). Listing CRD kinds and scopes needs the `crds` of createWorkspaceIndex; a bare
 * WorkspaceIndex still answers schema and resource lookups.
 */
export function combinedSource(bundled: SchemaSource, workspace: WorkspaceIndex & { crds?: CrdInfo[] }): SchemaSource {
  const crds = workspace.crds ?? [];
  let resources: ResourceInfo[] | undefined;
  const listResources = () => (resources ??= [...bundled.listResources(), ...crdResources(crds)]);
  return {
    schemaForKind(group, version, kind) {
      const builtIn = bundled.schemaForKind(group, version, kind);
      if (builtIn) return builtIn;
      const custom = workspace.crdSchema(group, version, kind);
      return isRecord(custom) ? custom : undefined;
    },
    resolveRef: (ref) => bundled.resolveRef(ref),
    kindsForResource(group, version, resource) {
      const builtIn = bundled.kindsForResource(group, version, resource);
      return builtIn.length ? builtIn : workspace.crdKindsForResource(group, version, resource);
    },
    isNamespaced(group, version, kind) {
      const builtIn = bundled.isNamespaced(group, version, kind);
      if (builtIn !== undefined) return builtIn;
      const crd = crds.find((c) => c.group === group && c.names.kind === kind && c.versions.some((v) => v.name === version));
      return crd ? crd.scope === 'Namespaced' : undefined;
    },
    listKinds: () => kindsOf(listResources()),
    listResources,
  };
}
