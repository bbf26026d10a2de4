import { registerCodes } from '../../engine/codes.js';

export const VOLUME_MOUNT_CODES = {
  readOnlyNotRecursive: 'KCG3001',
  readOnlyWithPropagation: 'KCG3002',
  rroNeedsReadOnly: 'KCG3003',
  rroNeedsNoPropagation: 'KCG3004',
  rroUnsupportedValue: 'KCG3005',
  rroFeatureGate: 'KCG3006',
} as const;

registerCodes([
  {
    code: VOLUME_MOUNT_CODES.readOnlyNotRecursive,
    name: 'readonly-mount-not-recursive',
    defaultSeverity: 'warning',
    title: 'A readOnly volume mount without recursiveReadOnly leaves every filesystem mounted below its source writable in the container.',
  },
  {
    code: VOLUME_MOUNT_CODES.readOnlyWithPropagation,
    name: 'readonly-mount-with-propagation',
    defaultSeverity: 'warning',
    title: 'A readOnly mount with HostToContainer/Bidirectional propagation lets host mounts in writable, and cannot be made recursively read-only.',
  },
  {
    code: VOLUME_MOUNT_CODES.rroNeedsReadOnly,
    name: 'recursive-readonly-without-readonly',
    defaultSeverity: 'error',
    title: 'recursiveReadOnly Enabled/IfPossible without readOnly: true; the apiserver rejects the object.',
  },
  {
    code: VOLUME_MOUNT_CODES.rroNeedsNoPropagation,
    name: 'recursive-readonly-with-propagation',
    defaultSeverity: 'error',
    title: 'recursiveReadOnly Enabled/IfPossible with mountPropagation other than None; the apiserver rejects the object.',
  },
  {
    code: VOLUME_MOUNT_CODES.rroUnsupportedValue,
    name: 'recursive-readonly-unsupported-value',
    defaultSeverity: 'error',
    title: 'recursiveReadOnly must be Disabled, Enabled or IfPossible (case-sensitive); the apiserver rejects the object.',
  },
  {
    code: VOLUME_MOUNT_CODES.rroFeatureGate,
    name: 'recursive-readonly-feature-gate',
    defaultSeverity: 'warning',
    title: 'On Kubernetes 1.30 recursiveReadOnly is silently dropped unless the RecursiveReadOnlyMounts feature gate is enabled.',
  },
]);
