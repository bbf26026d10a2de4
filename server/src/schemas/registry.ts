import fs from 'node:fs';
import path from 'node:path';
import type { EngineOptions, KubernetesVersion } from '../engine/options.js';
import { BUNDLE_FORMAT, packageOf, refName, type PackageFile, type VersionIndex } from './bundleFormat.js';
import { onSchemaRootChange, schemaRoot } from './schemaRoot.js';

export { setSchemaRoot } from './schemaRoot.js';

/** An OpenAPI v3 schema node as the bundle stores it (read-only: it is shared by every caller). */
export type OpenApiSchema = Record<string, any>;

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A REST resource: what a policy's resourceRules name. */
export interface ResourceInfo extends GroupVersionKind {
  /** Plural resource name, e.g. 'deployments'. */
  resource: string;
  namespaced: boolean;
  /** Singular resource name when it is not the lower-cased kind (CRDs may choose one). */
  singular?: string;
}

export interface SchemaSource {
  /** Root schema of a kind ($refs not inlined). Core group is ''. */
  schemaForKind(group: string, version: string, kind: string): OpenApiSchema | undefined;
  /** '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' → that definition. */
  resolveRef(ref: string): OpenApiSchema | undefined;
  /** Kinds served under group/version/resource (plural; the lower-case kind is accepted too, as RESTMapper does). */
  kindsForResource(group: string, version: string, resource: string): string[];
  /** undefined when the kind has no REST resource in this source. */
  isNamespaced(group: string, version: string, kind: string): boolean | undefined;
  /** Every kind that has a REST resource, sorted by group, version, kind; for completion. */
  listKinds(): GroupVersionKind[];
  /** Every REST resource, for RESTMapper-style lookups across groups (see restMapper.ts). */
  listResources(): ResourceInfo[];
  /**
   * A hint that lookups in this group/version are coming (a policy matches it). Sources that load
   * lazily (the cluster's) start loading it; answers stay synchronous and whatever arrives comes
   * as a new source. Must be cheap: checks call it for every rule they read.
   */
  want?(group: string, version: string): void;
}

/** Parsed package files, shared by all versions (a file holds every version's variants). */
const packageCache = new Map<string, PackageFile | null>();
const sourceCache = new Map<string, BundledSchemaSource>();
onSchemaRootChange(() => {
  packageCache.clear();
  sourceCache.clear();
});

/** obj[key] if obj has it as an own key: keys come from documents, and 'constructor' must not find Object's. */
function own<T>(obj: Record<string, T> | undefined, key: string): T | undefined {
  return obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function loadPackage(pkg: string): PackageFile | null {
  let cached = packageCache.get(pkg);
  if (cached !== undefined) return cached;
  const root = schemaRoot();
  // Package names come from definition names in our own index, but never let one escape the folder.
  if (!root || pkg.includes('/') || pkg.includes('\\') || pkg.startsWith('.')) cached = null;
  else {
    try {
      cached = readJson(path.join(root, 'k8s', 'defs', `${pkg}.json`)) as PackageFile;
    } catch {
      cached = null;
    }
  }
  packageCache.set(pkg, cached);
  return cached;
}

/** Byte order, like Go's sort of group/version/kind strings. */
export function compareGvk(a: GroupVersionKind, b: GroupVersionKind): number {
  return cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.kind, b.kind);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One bundled Kubernetes version. Reads its index on first use, definitions package by package. */
export class BundledSchemaSource implements SchemaSource {
  private index: VersionIndex | undefined;
  private resourceList: ResourceInfo[] | undefined;
  /** Why the bundle could not be read, if it could not (every lookup is then empty). */
  loadError: string | undefined;

  constructor(readonly kubernetesVersion: KubernetesVersion) {}

  private getIndex(): VersionIndex | undefined {
    if (this.index || this.loadError) return this.index;
    const root = schemaRoot();
    if (!root) {
      this.loadError = 'the schemas/ folder of kube-cel-guard was not found';
      return undefined;
    }
    const file = path.join(root, 'k8s', `${this.kubernetesVersion}.json`);
    try {
      const index = readJson(file) as VersionIndex;
      if (index?.format !== BUNDLE_FORMAT) throw new Error(`format ${index?.format}, expected ${BUNDLE_FORMAT}`);
      this.index = index;
    } catch (err) {
      this.loadError = `cannot read ${file}: ${(err as Error)?.message ?? err}`;
    }
    return this.index;
  }

  /** A definition by name, e.g. 'io.k8s.api.apps.v1.DeploymentSpec', as this version has it. */
  definition(name: string): OpenApiSchema | undefined {
    if (typeof name !== 'string') return undefined;
    const variant = own(this.getIndex()?.defs, name);
    if (variant === undefined) return undefined;
    return own(loadPackage(packageOf(name)) ?? undefined, name)?.[variant];
  }

  schemaForKind(group: string, version: string, kind: string): OpenApiSchema | undefined {
    const name = own(this.getIndex()?.gvks, `${group}/${version}/${kind}`);
    return name === undefined ? undefined : this.definition(name);
  }

  resolveRef(ref: string): OpenApiSchema | undefined {
    const name = typeof ref === 'string' ? refName(ref) : undefined;
    return name === undefined ? undefined : this.definition(name);
  }

  kindsForResource(group: string, version: string, resource: string): string[] {
    const byPlural = own(this.getIndex()?.resources, `${group}/${version}`);
    if (!byPlural || typeof resource !== 'string') return [];
    // RESTMapper lower-cases the resource and registers each kind under its plural and its singular.
    const wanted = resource.toLowerCase();
    const exact = own(byPlural, wanted);
    if (exact) return [exact.kind];
    const bySingular = Object.values(byPlural).find((r) => r.kind.toLowerCase() === wanted);
    return bySingular ? [bySingular.kind] : [];
  }

  isNamespaced(group: string, version: string, kind: string): boolean | undefined {
    const byPlural = own(this.getIndex()?.resources, `${group}/${version}`);
    if (!byPlural) return undefined;
    return Object.values(byPlural).find((r) => r.kind === kind)?.namespaced;
  }

  listResources(): ResourceInfo[] {
    if (this.resourceList) return this.resourceList;
    const index = this.getIndex();
    if (!index) return [];
    const out: ResourceInfo[] = [];
    for (const [gv, byPlural] of Object.entries(index.resources)) {
      const slash = gv.lastIndexOf('/');
      const group = gv.slice(0, slash);
      const version = gv.slice(slash + 1);
      for (const [resource, r] of Object.entries(byPlural)) out.push({ group, version, resource, kind: r.kind, namespaced: r.namespaced });
    }
    return (this.resourceList = out);
  }

  listKinds(): GroupVersionKind[] {
    return kindsOf(this.listResources());
  }
}

/** The distinct kinds of some resources, sorted by group, version, kind. */
export function kindsOf(resources: Iterable<ResourceInfo>): GroupVersionKind[] {
  const seen = new Set<string>();
  const out: GroupVersionKind[] = [];
  for (const { group, version, kind } of resources) {
    const key = `${group}/${version}/${kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group, version, kind });
  }
  return out.sort(compareGvk);
}

/**
 * The schemas the checks use under these options: the cluster's over the bundled ones when the
 * host connected to a cluster (see cluster/snapshot.ts for the precedence), else the bundled.
 */
export function schemasFor(options: Pick<EngineOptions, 'kubernetesVersion' | 'cluster'>): SchemaSource {
  const bundled = bundledSchemas(options.kubernetesVersion);
  return options.cluster ? options.cluster.over(bundled) : bundled;
}

/** The bundled schemas of one Kubernetes version. Lazy (nothing is read until asked) and cached. */
export function bundledSchemas(version: KubernetesVersion): SchemaSource {
  let source = sourceCache.get(version);
  if (!source) sourceCache.set(version, (source = new BundledSchemaSource(version)));
  return source;
}
