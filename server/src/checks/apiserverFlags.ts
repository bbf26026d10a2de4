import type { Finding } from '../engine/findings.js';
import type { Check, CheckContext, DocumentInput } from './types.js';
import { authenticationFindings } from './apiserverFlags/authnRules.js';
import { authorizationFindings } from './apiserverFlags/authzRules.js';
import './apiserverFlags/codes.js';
import type { FlagSet } from './apiserverFlags/flagSet.js';
import { hasKubeApiserverArgs, k3sFlagSets } from './apiserverFlags/k3s.js';
import { isKindCluster, kindFlagSets } from './apiserverFlags/kind.js';
import { isClusterConfiguration, kubeadmFlagSet } from './apiserverFlags/kubeadm.js';
import { isKubeadmConfigMap, kubeadmConfigMapFlagSets } from './apiserverFlags/kubeadmConfigMap.js';
import { overrideFindings } from './apiserverFlags/overrideRules.js';
import { podFlagSets } from './apiserverFlags/podArgs.js';
import { hasPodSpec, podSpecOf } from './volumeMounts/podSpecs.js';

/**
 * kube-apiserver flag rules (research notes §2, §3), wherever the flags are written (§6): static
 * Pod manifests (and pod templates running kube-apiserver), kubeadm ClusterConfiguration (also
 * inside the kubeadm-config ConfigMap), kind cluster configs (inside kubeadmConfigPatches strings)
 * and k3s/RKE2 config files. Each place yields flag sets; the rules run on each set.
 */

function flagSetsOf(ctx: CheckContext): FlagSet[] {
  const root = ctx.doc.contents;
  const pod = podSpecOf(root, ctx.kind);
  if (pod) return podFlagSets(pod, ctx.text);
  if (isClusterConfiguration(ctx.kind, ctx.apiVersion)) {
    const set = kubeadmFlagSet(root, ctx.text);
    return set ? [set] : [];
  }
  if (isKindCluster(ctx.kind, ctx.apiVersion)) return kindFlagSets(root, ctx.text);
  if (isKubeadmConfigMap(ctx.kind, root)) return kubeadmConfigMapFlagSets(root, ctx.text);
  if (!ctx.kind && hasKubeApiserverArgs(root)) return k3sFlagSets(root, ctx.text);
  return [];
}

export const apiserverFlagsCheck: Check = {
  name: 'apiserver-flags',
  appliesTo: (input: DocumentInput) =>
    hasPodSpec(input.kind) || ['ClusterConfiguration', 'Cluster', 'ConfigMap', undefined].includes(input.kind),
  run(ctx) {
    const seen = new Set<string>();
    const version = ctx.options.kubernetesVersion;
    for (const set of flagSetsOf(ctx)) {
      const findings: Finding[] = [...authenticationFindings(set, version), ...authorizationFindings(set, version), ...overrideFindings(set)];
      for (const f of findings) {
        // kind: a top-level patch belongs to every control-plane node's set; report it once.
        const key = `${f.code}:${f.start}:${f.end}:${f.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ctx.report(f);
      }
    }
  },
};
