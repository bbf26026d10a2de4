/**
 * The cluster's `/openapi/v3` documents, read into the shapes the schema registry uses. The
 * discovery index lists one document per group-version; each document carries its kinds'
 * definitions (`components.schemas`, with `x-kubernetes-group-version-kind`) and its REST paths,
 * from which plural resources and their scope are read exactly as scripts/generate-schemas.mjs
 * reads them for the bundled schemas.
 */
import type { OpenApiSchema, ResourceInfo } from '../registry.js';

/** `group/version` ('' group for core) → the document's server-relative URL (with its ?hash=). */
export type OpenApiIndex = Map<string, string>;

export class OpenApiFormatError extends Error {}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function gvKey(group: string, version: string): string {
  return `${group}/${version}`;
}

/** `{paths: {"apis/apps/v1": {serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=…"}, …}}` → index. */
export function parseOpenApiIndex(json: unknown): OpenApiIndex {
  if (!isRecord(json) || !isRecord(json.paths)) throw new OpenApiFormatError('/openapi/v3 did not answer an OpenAPI v3 discovery index (no "paths")');
  const index: OpenApiIndex = new Map();
  for (const [p, entry] of Object.entries(json.paths)) {
    const url = isRecord(entry) && typeof entry.serverRelativeURL === 'string' ? entry.serverRelativeURL : `/openapi/v3/${p}`;
    if (!url.startsWith('/')) continue;
    const parts = p.split('/');
    if (parts.length === 2 && parts[0] === 'api' && parts[1]) index.set(gvKey('', parts[1]), url);
    else if (parts.length === 3 && parts[0] === 'apis' && parts[1] && parts[2]) index.set(gvKey(parts[1], parts[2]), url);
  }
  return index;
}

/** One group-version document, as much of it as typing needs. */
export interface GroupVersionDocument {
  group: string;
  version: string;
  /** The URL it was read from: the index's ?hash= tells whether a refresh must read it again. */
  url: string;
  /** Definition name → schema ($refs kept, as in the bundle). */
  definitions: Map<string, OpenApiSchema>;
  /** Kind → definition name, for kinds of this group-version. */
  kinds: Map<string, string>;
  resources: ResourceInfo[];
}

const OPERATIONS = ['get', 'put', 'post', 'delete', 'patch'];

export function parseGroupVersionDocument(json: unknown, group: string, version: string, url: string): GroupVersionDocument {
  if (!isRecord(json) || !isRecord(json.components) || !isRecord(json.components.schemas)) {
    throw new OpenApiFormatError(`the OpenAPI document of ${group ? `${group}/${version}` : version} has no components.schemas`);
  }
  const definitions = new Map<string, OpenApiSchema>();
  const kinds = new Map<string, string>();
  for (const name of Object.keys(json.components.schemas).sort()) {
    const schema = json.components.schemas[name];
    if (!isRecord(schema)) continue;
    definitions.set(name, schema);
    const gvks = schema['x-kubernetes-group-version-kind'];
    for (const gvk of Array.isArray(gvks) ? gvks : []) {
      if (!isRecord(gvk) || (gvk.group ?? '') !== group || gvk.version !== version || typeof gvk.kind !== 'string') continue;
      if (!kinds.has(gvk.kind)) kinds.set(gvk.kind, name);
    }
  }
  return { group, version, url, definitions, kinds, resources: resourcesOf(json, group, version) };
}

/**
 * REST resources from the document's paths (same reading as the generator's resourcesOf): the
 * path gives the plural and the scope (`namespaces/{namespace}/<plural>`), the operation's
 * x-kubernetes-group-version-kind the kind; subresources and watch paths are skipped.
 */
function resourcesOf(doc: Record<string, any>, group: string, version: string): ResourceInfo[] {
  const prefix = group === '' ? `/api/${version}/` : `/apis/${group}/${version}/`;
  const found = new Map<string, { kind: string; namespaced: boolean }>();
  for (const [p, item] of Object.entries(isRecord(doc.paths) ? doc.paths : {})) {
    if (!p.startsWith(prefix) || !isRecord(item)) continue;
    let rest = p.slice(prefix.length);
    if (rest === '' || rest.startsWith('watch/')) continue;
    let namespaced = false;
    if (rest.startsWith('namespaces/{namespace}/')) {
      namespaced = true;
      rest = rest.slice('namespaces/{namespace}/'.length);
    }
    const segments = rest.split('/');
    if (segments.length > 2) continue;
    const plural = segments[0];
    if (!plural || plural.startsWith('{')) continue;
    for (const op of OPERATIONS) {
      const gvk = item[op]?.['x-kubernetes-group-version-kind'];
      if (!isRecord(gvk) || (gvk.group ?? '') !== group || gvk.version !== version || typeof gvk.kind !== 'string') continue;
      const prev = found.get(plural);
      found.set(plural, { kind: gvk.kind, namespaced: namespaced || (prev?.namespaced ?? false) });
    }
  }
  return [...found.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([resource, r]) => ({ group, version, resource: resource.toLowerCase(), kind: r.kind, namespaced: r.namespaced }));
}

/** `/version`: `{major: "1", minor: "30+", gitVersion: "v1.30.2-eks-…"}`. */
export interface ClusterVersion {
  major: number;
  minor: number;
  gitVersion: string;
}

export function parseVersion(json: unknown): ClusterVersion | undefined {
  if (!isRecord(json)) return undefined;
  const major = parseInt(String(json.major ?? ''), 10);
  const minor = parseInt(String(json.minor ?? ''), 10);
  const gitVersion = typeof json.gitVersion === 'string' ? json.gitVersion : '';
  if (Number.isFinite(major) && Number.isFinite(minor)) return { major, minor, gitVersion: gitVersion || `v${major}.${minor}` };
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return m ? { major: Number(m[1]), minor: Number(m[2]), gitVersion } : undefined;
}
