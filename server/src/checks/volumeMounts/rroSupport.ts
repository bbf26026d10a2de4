/**
 * Whether `VolumeMount.recursiveReadOnly` works in a Kubernetes minor version (research notes §1.5,
 * confirmed against the bundled OpenAPI documents, which carry the field from 1.30 on):
 *   < 1.30   the field does not exist (strict decoding rejects it) → no add-fix offered
 *   1.30     alpha, feature gate RecursiveReadOnlyMounts off by default → silently dropped
 *   ≥ 1.31   beta (on by default), GA and locked on from 1.33
 */
export type RroSupport = 'absent' | 'gated-off' | 'on';

export function rroSupport(version: string): RroSupport {
  const m = /^1\.(\d+)$/.exec(version);
  if (!m) return 'on';
  const minor = Number(m[1]);
  if (minor < 30) return 'absent';
  if (minor === 30) return 'gated-off';
  return 'on';
}

/** Sentence appended where the gate matters. */
export const GATE_NOTE =
  'Kubernetes 1.30 only honours recursiveReadOnly with the RecursiveReadOnlyMounts feature gate (alpha, off by default) enabled on kube-apiserver and kubelet';
