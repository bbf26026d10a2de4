/**
 * The on-disk shape of schemas/k8s/, written by scripts/generate-schemas.mjs. Kept in one place so
 * the generator and the reader cannot drift apart silently: bump BUNDLE_FORMAT in both when it changes.
 */
export const BUNDLE_FORMAT = 1;

/** `schemas/k8s/<minor>.json`. */
export interface VersionIndex {
  format: number;
  kubernetesVersion: string;
  /** Definition name → index of its variant in `defs/<package>.json` for this version. */
  defs: Record<string, number>;
  /** `group/version/Kind` (core group is '') → definition name, from x-kubernetes-group-version-kind. */
  gvks: Record<string, string>;
  /** `group/version` → plural resource → its kind and scope, from the OpenAPI paths. */
  resources: Record<string, Record<string, { kind: string; namespaced: boolean }>>;
}

/** `schemas/k8s/defs/<package>.json`: definition name → every distinct variant over all versions. */
export type PackageFile = Record<string, Array<Record<string, any>>>;

/** The file a definition lives in: its Go package, i.e. the name before the last dot. */
export function packageOf(defName: string): string {
  const dot = defName.lastIndexOf('.');
  return dot < 0 ? defName : defName.slice(0, dot);
}

const REF_PREFIXES = ['#/components/schemas/', '#/definitions/'];

/** Definition name of a local $ref ('#/components/schemas/X' or OpenAPI v2 '#/definitions/X'). */
export function refName(ref: string): string | undefined {
  for (const p of REF_PREFIXES) if (ref.startsWith(p) && ref.length > p.length) return ref.slice(p.length);
  return undefined;
}
