import type { Severity } from './findings.js';

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
}
