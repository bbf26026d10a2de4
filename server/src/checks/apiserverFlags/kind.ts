import { isScalar, parseAllDocuments } from 'yaml';
import { asSeq, scalarText, valueOf } from '../volumeMounts/nav.js';
import { EmbeddedYaml } from './embedded.js';
import type { FlagSet } from './flagSet.js';
import { isClusterConfiguration, kubeadmFlagSet } from './kubeadm.js';

/**
 * kind cluster configs (`kind: Cluster`, kind.x-k8s.io): kube-apiserver flags arrive through
 * `kubeadmConfigPatches` strings holding a ClusterConfiguration, at the top level (all nodes) and
 * per node. kind merges the patches, so a control-plane node gets the top-level patches plus its
 * own; each such node is one flag set (research notes §6).
 */

export function isKindCluster(kind: string | undefined, apiVersion: string | undefined): boolean {
  return kind === 'Cluster' && !!apiVersion?.startsWith('kind.x-k8s.io/');
}

/** Flag sets of the kubeadm ClusterConfiguration(s) written inside a string scalar. */
export function embeddedKubeadmFlagSets(node: unknown, text: string): FlagSet[] {
  if (!isScalar(node) || typeof node.value !== 'string') return [];
  const embedded = EmbeddedYaml.of(node, text);
  if (!embedded) return [];
  const sets: FlagSet[] = [];
  for (const doc of parseAllDocuments(embedded.value)) {
    if (!('contents' in doc) || doc.errors.length) continue;
    const root = doc.contents;
    if (!isClusterConfiguration(scalarText(valueOf(root, 'kind')), scalarText(valueOf(root, 'apiVersion')))) continue;
    const set = kubeadmFlagSet(root, embedded.value);
    if (set) sets.push(embedded.flagSet(set));
  }
  return sets;
}

function patchFlagSets(patches: unknown, text: string): FlagSet[] {
  return (asSeq(patches)?.items ?? []).flatMap((node) => embeddedKubeadmFlagSets(node, text));
}

/** One merged flag set per control-plane node (a missing role means control-plane; no nodes = one). */
export function kindFlagSets(root: unknown, text: string): FlagSet[] {
  const shared = patchFlagSets(valueOf(root, 'kubeadmConfigPatches'), text);
  const nodes = asSeq(valueOf(root, 'nodes'))?.items ?? [];
  const controlPlanes = nodes.filter((n) => (scalarText(valueOf(n, 'role')) ?? 'control-plane') === 'control-plane');
  const groups = controlPlanes.length ? controlPlanes.map((n) => [...shared, ...patchFlagSets(valueOf(n, 'kubeadmConfigPatches'), text)]) : [shared];
  return groups
    .filter((g) => g.length > 0)
    .map((g) => ({
      format: 'kubeadm',
      flags: g.flatMap((s) => s.flags),
      anchor: g[0].anchor,
      overridesAreIntended: g.length > 1,
      deployHint: "bring it into the node with the node's extraMounts and into the kube-apiserver Pod with the patch's apiServer.extraVolumes",
    }));
}
