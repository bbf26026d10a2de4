import type { YAMLMap } from 'yaml';
import { isPair } from 'yaml';
import type { Severity } from '../../engine/findings.js';
import { scalarText, valueAt } from './nav.js';

/**
 * How likely it is that filesystems are mounted *below* the source of a read-only mount, which is
 * what a plain `readOnly: true` leaves writable (research notes §1.7). The grade decides the
 * severity of the "readOnly without recursiveReadOnly" lint:
 *   high   → warning  (hostPath of `/`, `/mnt`, `/run`, `/var/lib/kubelet`… or a parent of one)
 *   medium → info     (other hostPath directories, PVCs, network/CSI filesystems, unknown volumes)
 *   low    → hint     (kubelet-managed volumes; control-plane config/cert directories)
 *   none   → silent   (single files: hostPath File/Socket/devices, subPath into configMap/secret…)
 */
export type Grade = 'high' | 'medium' | 'low' | 'none';

export const GRADE_SEVERITY: Record<Exclude<Grade, 'none'>, Severity> = {
  high: 'warning',
  medium: 'info',
  low: 'hint',
};

export interface VolumeGrade {
  grade: Grade;
  /** Why, for the message: completes "…, and <reason>". */
  reason: string;
}

/** Host directories that routinely carry tmpfs/NFS/overlay/kubelet sub-mounts (§1.7 "high"). */
const MOUNT_POINT_PARENTS = [
  '/', '/mnt', '/media', '/run', '/var/run', '/var/lib/kubelet', '/var/lib/containerd', '/var/lib/docker',
  '/home', '/srv', '/dev', '/sys', '/proc', '/var/lib',
];

/** Container runtime and kubelet state: every container and pod volume is a mount somewhere below. */
const MOUNT_HEAVY_TREES = ['/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/run/containerd', '/var/run/containerd', '/run/crio', '/var/run/crio'];

/** Config and certificate directories kubeadm and most static pods mount read-only (§1.7 note: low). */
const CONFIG_DIR_PREFIXES = ['/etc/kubernetes', '/etc/ssl', '/etc/pki', '/etc/ca-certificates', '/usr/share/ca-certificates', '/usr/local/share/ca-certificates'];

/** Volume types the kubelet builds itself; nothing else mounts below them (§1.7 "low"). */
const KUBELET_MANAGED = ['configMap', 'secret', 'downwardAPI', 'projected', 'emptyDir', 'image', 'ephemeral'];

/** Of those, the ones whose `subPath` mounts are a single file (a key of the object). */
const FILE_PROJECTIONS = ['configMap', 'secret', 'downwardAPI', 'projected'];

const NOT_A_DIRECTORY = ['File', 'FileOrCreate', 'Socket', 'CharDevice', 'BlockDevice'];

function normalizePath(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.replace(/\/+/g, '/');
}

function isSameOrBelow(path: string, dir: string): boolean {
  return dir === '/' ? path === '/' : path === dir || path.startsWith(dir + '/');
}

function gradeHostPath(volume: YAMLMap, subPath: string | undefined): VolumeGrade {
  const type = scalarText(valueAt(volume, 'hostPath', 'type')) ?? '';
  const raw = scalarText(valueAt(volume, 'hostPath', 'path')) ?? '';
  if (NOT_A_DIRECTORY.includes(type)) return { grade: 'none', reason: `hostPath type ${type} is not a directory` };
  const path = normalizePath(subPath ? `${raw}/${subPath}` : raw);
  const quoted = JSON.stringify(path);
  // A parent of a typical mount point (e.g. `/var` above `/var/lib/kubelet`) contains it.
  if (MOUNT_POINT_PARENTS.some((m) => isSameOrBelow(m, path)) || MOUNT_HEAVY_TREES.some((t) => isSameOrBelow(path, t))) {
    return { grade: 'high', reason: `hostPath ${quoted} routinely has other filesystems (tmpfs, NFS, kubelet volumes) mounted below it` };
  }
  if (CONFIG_DIR_PREFIXES.some((d) => isSameOrBelow(path, d))) {
    return { grade: 'low', reason: `hostPath ${quoted} is a configuration directory where nested mounts are unlikely` };
  }
  return { grade: 'medium', reason: `hostPath ${quoted} is a host directory where filesystems can be mounted below it` };
}

/** The volume source type: the one key of the volume besides `name`. */
function volumeType(volume: YAMLMap): string | undefined {
  for (const item of volume.items) {
    if (!isPair(item)) continue;
    const key = scalarText(item.key);
    if (key && key !== 'name') return key;
  }
  return undefined;
}

export function gradeVolume(volume: YAMLMap | undefined, volumeName: string | undefined, subPath: string | undefined): VolumeGrade {
  if (!volume) {
    return {
      grade: 'medium',
      reason: `volume ${JSON.stringify(volumeName ?? '')} is not defined in this pod spec, so what lies below it is unknown`,
    };
  }
  const type = volumeType(volume);
  if (type === 'hostPath') return gradeHostPath(volume, subPath);
  if (type && KUBELET_MANAGED.includes(type)) {
    if (subPath && FILE_PROJECTIONS.includes(type)) return { grade: 'none', reason: `subPath of a ${type} volume is a single file` };
    return { grade: 'low', reason: `${type} volumes are built by the kubelet and nested mounts are not expected` };
  }
  if (type === 'persistentVolumeClaim') {
    const claim = scalarText(valueAt(volume, 'persistentVolumeClaim', 'claimName')) ?? '';
    return { grade: 'medium', reason: `persistentVolumeClaim ${JSON.stringify(claim)} may be backed by a host or network directory with nested mounts` };
  }
  return { grade: 'medium', reason: `${type ?? 'this'} volume may contain filesystems mounted below it outside Kubernetes` };
}
