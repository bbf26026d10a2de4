import type { CelType } from '../../cel/api.js';
import { schemaToCelType } from '../../cel/schemaTypes.js';
import type { SchemaSource } from '../../schemas/registry.js';
import type { WorkspaceIndex } from '../types.js';
import type { GroupVersionKind } from './matchedKinds.js';

const bundledTypes = new WeakMap<SchemaSource, Map<string, CelType | undefined>>();
const crdTypes = new WeakMap<object, CelType | undefined>();

/**
 * The CEL type of a whole resource of this kind, as the VAP type checker builds it (resource-root
 * rule, full ObjectMeta for built-ins, CRD roots with name/generateName only). Undefined when no
 * schema is known: the caller then types it as dyn, as the apiserver silently does.
 * Types are lazy and cached, so a policy file with 1,000 policies on Deployments builds one type.
 */
export function resourceType(gvk: GroupVersionKind, bundled: SchemaSource, workspace: WorkspaceIndex): CelType | undefined {
  const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
  let perSource = bundledTypes.get(bundled);
  if (!perSource) bundledTypes.set(bundled, (perSource = new Map()));
  if (perSource.has(key)) return perSource.get(key);
  const builtin = bundled.schemaForKind(gvk.group, gvk.version, gvk.kind);
  if (builtin) {
    const t = schemaToCelType(builtin, {
      rootName: gvk.kind,
      isResourceRoot: true,
      resolveRef: (ref) => bundled.resolveRef(ref),
      quantityAsDyn: true,
    });
    perSource.set(key, t);
    return t;
  }
  const crd = workspace.crdSchema(gvk.group, gvk.version, gvk.kind);
  if (crd && typeof crd === 'object') {
    if (crdTypes.has(crd)) return crdTypes.get(crd);
    // The apiserver resolves a custom resource's schema through /openapi/v3, where metadata is the
    // full ObjectMeta (unlike a CRD's own rules, which see only name and generateName).
    const objectMeta = bundled.resolveRef('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    const t = schemaToCelType(crd, {
      rootName: gvk.kind,
      isResourceRoot: true,
      quantityAsDyn: true,
      objectMetaSchema: objectMeta,
      resolveRef: (ref) => bundled.resolveRef(ref),
    });
    crdTypes.set(crd, t);
    return t;
  }
  return undefined;
}

/** `paramKind: {apiVersion: 'v1', kind: 'ConfigMap'}` → GVK. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
