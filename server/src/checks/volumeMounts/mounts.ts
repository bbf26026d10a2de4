import type { Pair, YAMLMap } from 'yaml';
import { asMap, asSeq, pairOf, scalarText, valueOf } from './nav.js';
import type { PodSpecAt } from './podSpecs.js';

/** Every container list whose entries carry `volumeMounts` (sidecars are init containers). */
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** One `volumeMounts[]` entry with the fields the RRO rules read. */
export interface MountEntry {
  mount: YAMLMap;
  /** e.g. `spec.template.spec.containers[0].volumeMounts[1]` */
  path: string;
  name?: string;
  mountPath?: string;
  subPath?: string;
  readOnly?: Pair;
  recursiveReadOnly?: Pair;
  mountPropagation?: Pair;
}

export function* mountsOf(pod: PodSpecAt): Generator<MountEntry> {
  for (const list of CONTAINER_LISTS) {
    const containers = asSeq(valueOf(pod.spec, list));
    if (!containers) continue;
    for (let c = 0; c < containers.items.length; c++) {
      const mounts = asSeq(valueOf(containers.items[c], 'volumeMounts'));
      if (!mounts) continue;
      for (let m = 0; m < mounts.items.length; m++) {
        const mount = asMap(mounts.items[m]);
        if (!mount) continue;
        yield {
          mount,
          path: `${pod.path}.${list}[${c}].volumeMounts[${m}]`,
          name: scalarText(valueOf(mount, 'name')),
          mountPath: scalarText(valueOf(mount, 'mountPath')),
          subPath: scalarText(valueOf(mount, 'subPath')) || scalarText(valueOf(mount, 'subPathExpr')),
          readOnly: pairOf(mount, 'readOnly'),
          recursiveReadOnly: pairOf(mount, 'recursiveReadOnly'),
          mountPropagation: pairOf(mount, 'mountPropagation'),
        };
      }
    }
  }
}

/** The pod's `volumes[]` entry with this name. */
export function volumeNamed(pod: PodSpecAt, name: string | undefined): YAMLMap | undefined {
  if (name === undefined) return undefined;
  const volumes = asSeq(valueOf(pod.spec, 'volumes'));
  for (const v of volumes?.items ?? []) {
    if (scalarText(valueOf(v, 'name')) === name) return asMap(v);
  }
  return undefined;
}
