import { isPair, isScalar, type Pair } from 'yaml';
import { insertMapEntry, removeMapEntry, removeSeqItem, replaceScalar, scalarSourceLike } from '../fixes.js';
import { asMap, asSeq, nodeSpan, pairOf, scalarText, valueAt } from '../volumeMounts/nav.js';
import { bareName, type FlagSet, type FlagUse } from './flagSet.js';
import type { TextEdit } from '../../engine/findings.js';

/**
 * kube-apiserver flags of a kubeadm `ClusterConfiguration` (research notes §6): `apiServer.extraArgs`
 * is a map `flag-name: value` in v1beta3 and a list of `{name, value}` in v1beta4 (duplicates
 * allowed). Both shapes are accepted whatever the apiVersion says, because kind translates
 * unversioned patches.
 */

export function isClusterConfiguration(kind: string | undefined, apiVersion: string | undefined): boolean {
  return kind === 'ClusterConfiguration' && (apiVersion === undefined || apiVersion.startsWith('kubeadm.k8s.io/'));
}

function mapFormFlags(extraArgs: NonNullable<ReturnType<typeof asMap>>, text: string): FlagUse[] {
  const flags: FlagUse[] = [];
  for (const item of extraArgs.items) {
    if (!isPair(item)) continue;
    const pair = item as Pair;
    const key = scalarText(pair.key);
    const at = nodeSpan(pair.key);
    if (key === undefined || !at) continue;
    flags.push({
      name: bareName(key),
      value: scalarText(pair.value) ?? '',
      at,
      remove: removeMapEntry(text, extraArgs, pair),
      replaceWith: (name, value) => {
        const v = isScalar(pair.value) ? pair.value : undefined;
        const keyEdit = replaceScalar(pair.key, scalarSourceLike(pair.key, name));
        if (v && nodeSpan(v)!.end > nodeSpan(v)!.start) return [...keyEdit, ...replaceScalar(v, scalarSourceLike(v, value))];
        return [];
      },
    });
  }
  return flags;
}

function listFormFlags(extraArgs: NonNullable<ReturnType<typeof asSeq>>, text: string): FlagUse[] {
  const flags: FlagUse[] = [];
  extraArgs.items.forEach((item, index) => {
    const entry = asMap(item);
    const namePair = pairOf(entry, 'name');
    const name = scalarText(namePair?.value);
    const at = nodeSpan(namePair?.value);
    if (!entry || !namePair || name === undefined || !at) return;
    const valuePair = pairOf(entry, 'value');
    flags.push({
      name: bareName(name),
      value: scalarText(valuePair?.value) ?? '',
      at,
      remove: removeSeqItem(text, extraArgs, index),
      replaceWith: (newName, value) => {
        const edits: TextEdit[] = replaceScalar(namePair.value, scalarSourceLike(namePair.value, newName));
        const v = valuePair?.value;
        if (isScalar(v) && nodeSpan(v)!.end > nodeSpan(v)!.start) edits.push(...replaceScalar(v, scalarSourceLike(v, value)));
        else if (!valuePair) edits.push(...insertMapEntry(text, entry, 'value', scalarSourceLike(undefined, value), namePair));
        else return [];
        return edits;
      },
    });
  });
  return flags;
}

/** The flag set of one ClusterConfiguration document (root = its top-level map); none without extraArgs. */
export function kubeadmFlagSet(root: unknown, text: string): FlagSet | undefined {
  const apiServer = valueAt(root, 'apiServer');
  const extraArgsPair = pairOf(apiServer, 'extraArgs');
  const anchor = nodeSpan(extraArgsPair?.key) ?? nodeSpan(pairOf(root, 'kind')?.value);
  if (!anchor) return undefined;
  const extraArgs = extraArgsPair?.value;
  const map = asMap(extraArgs);
  const seq = asSeq(extraArgs);
  const flags = map ? mapFormFlags(map, text) : seq ? listFormFlags(seq, text) : [];
  return { format: 'kubeadm', flags, anchor, deployHint: 'list its folder in apiServer.extraVolumes so that the kube-apiserver Pod can read it' };
}
