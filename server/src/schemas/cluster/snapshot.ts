/**
 * What the cluster has served so far, as an immutable value the engine can hold in its options:
 * the group-version documents read until now. Each new document makes a new snapshot, so every
 * cache keyed by a schema source (resource types, RESTMapper answers) starts afresh with it.
 *
 * Precedence (see README "Schemas from the cluster"): for a group-version the cluster served, the
 * cluster's document is the only answer for built-in kinds and custom resources alike (it is what
 * the apiserver type-checks against); the workspace's CRDs then fill in the kinds the cluster does
 * not serve; every other group-version comes from the bundled schemas of kubeCelGuard.kubernetesVersion.
 */
import { refName } from '../bundleFormat.js';
import { kindsOf, type GroupVersionKind, type OpenApiSchema, type ResourceInfo, type SchemaSource } from '../registry.js';
import { gvKey, type GroupVersionDocument } from './openapi.js';

export class ClusterSnapshot {
  private readonly layered = new WeakMap<SchemaSource, SchemaSource>();
  private readonly definitions = new Map<string, OpenApiSchema>();

  constructor(
    /** `group/version` → its document. */
    readonly documents: ReadonlyMap<string, GroupVersionDocument>,
    /** Asks the loader for a group-version's document (lookups stay synchronous; it arrives as a new snapshot). */
    private readonly wanted: (group: string, version: string) => void = () => {},
  ) {
    for (const doc of documents.values()) {
      for (const [name, schema] of doc.definitions) if (!this.definitions.has(name)) this.definitions.set(name, schema);
    }
  }

  /** The cluster's schemas over `bundled`; one object per bundled source, so caches keyed by it hold. */
  over(bundled: SchemaSource): SchemaSource {
    let source = this.layered.get(bundled);
    if (!source) this.layered.set(bundled, (source = this.layer(bundled)));
    return source;
  }

  private layer(bundled: SchemaSource): SchemaSource {
    const docs = this.documents;
    const doc = (group: string, version: string) => docs.get(gvKey(group, version));
    let resources: ResourceInfo[] | undefined;
    const listResources = () =>
      (resources ??= [
        ...bundled.listResources().filter((r) => !docs.has(gvKey(r.group, r.version))),
        ...[...docs.values()].flatMap((d) => d.resources),
      ]);
    const resolveRef = (ref: string): OpenApiSchema | undefined => {
      const name = typeof ref === 'string' ? refName(ref) : undefined;
      const own = name !== undefined ? this.definitions.get(name) : undefined;
      return own ?? bundled.resolveRef(ref);
    };
    return {
      schemaForKind(group, version, kind) {
        const d = doc(group, version);
        if (!d) return bundled.schemaForKind(group, version, kind);
        const name = d.kinds.get(kind);
        return name === undefined ? undefined : d.definitions.get(name);
      },
      resolveRef,
      kindsForResource(group, version, resource) {
        const d = doc(group, version);
        if (!d) return bundled.kindsForResource(group, version, resource);
        if (typeof resource !== 'string') return [];
        const wanted = resource.toLowerCase();
        const hit = d.resources.find((r) => r.resource === wanted) ?? d.resources.find((r) => r.kind.toLowerCase() === wanted);
        return hit ? [hit.kind] : [];
      },
      isNamespaced(group, version, kind) {
        const d = doc(group, version);
        if (!d) return bundled.isNamespaced(group, version, kind);
        return d.resources.find((r) => r.kind === kind)?.namespaced;
      },
      listKinds: (): GroupVersionKind[] => kindsOf(listResources()),
      listResources,
      want: (group, version) => this.wanted(group, version),
    };
  }
}
