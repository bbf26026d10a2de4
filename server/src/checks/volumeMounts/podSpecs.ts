import { asMap, valueAt } from './nav.js';
import type { YAMLMap } from 'yaml';

/** Where each pod-template-bearing kind keeps its pod spec (kubernetes/api core, apps, batch). */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function hasPodSpec(kind: string | undefined): boolean {
  return kind !== undefined && Object.hasOwn(POD_SPEC_PATHS, kind);
}

export interface PodSpecAt {
  spec: YAMLMap;
  /** Field path as the apiserver prints it, e.g. `spec.template.spec`. */
  path: string;
}

export function podSpecOf(root: unknown, kind: string | undefined): PodSpecAt | undefined {
  if (!kind || !hasPodSpec(kind)) return undefined;
  const keys = POD_SPEC_PATHS[kind];
  const spec = asMap(valueAt(root, ...keys));
  return spec ? { spec, path: keys.join('.') } : undefined;
}
