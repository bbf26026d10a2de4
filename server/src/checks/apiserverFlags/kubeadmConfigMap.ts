import { scalarText, valueAt } from '../volumeMounts/nav.js';
import type { FlagSet } from './flagSet.js';
import { embeddedKubeadmFlagSets } from './kind.js';

/**
 * The in-cluster copy of the kubeadm configuration: ConfigMap kube-system/kubeadm-config, key
 * `ClusterConfiguration` (a YAML string). `kubeadm upgrade` and joining control-plane nodes
 * regenerate kube-apiserver's flags from it (research notes §6).
 */
export function isKubeadmConfigMap(kind: string | undefined, root: unknown): boolean {
  return kind === 'ConfigMap' && scalarText(valueAt(root, 'metadata', 'name')) === 'kubeadm-config';
}

export function kubeadmConfigMapFlagSets(root: unknown, text: string): FlagSet[] {
  return embeddedKubeadmFlagSets(valueAt(root, 'data', 'ClusterConfiguration'), text);
}
