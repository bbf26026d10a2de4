import type { Severity } from './findings.js';
import type { ClusterSnapshot } from '../schemas/cluster/snapshot.js';

/** Minor versions whose schemas and CEL libraries are bundled; the last is the default. */
export const BUNDLED_VERSIONS = ['1.30', '1.31', '1.32', '1.33', '1.34', '1.35'] as const;
export type KubernetesVersion = (typeof BUNDLED_VERSIONS)[number];
export const DEFAULT_VERSION: KubernetesVersion = BUNDLED_VERSIONS[BUNDLED_VERSIONS.length - 1];

export function isBundledVersion(v: string): v is KubernetesVersion {
  return (BUNDLED_VERSIONS as readonly string[]).includes(v);
}

export interface EngineOptions {
  kubernetesVersion: KubernetesVersion;
  /** Per-code re-grading; 'off' drops the finding. */
  severity?: Record<string, Severity | 'off'>;
  /**
   * Schemas read from a cluster so far (kubeCelGuard.cluster.enabled, `check --cluster`): they take
   * precedence over the bundled ones for the group-versions the cluster served. Hosts replace it
   * with a new snapshot as documents arrive, and re-check.
   */
  cluster?: ClusterSnapshot;
}
