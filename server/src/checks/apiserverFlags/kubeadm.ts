import { isPair, isScalar, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
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

/** Whether a scalar is written out (an omitted value still gets a zero-width node). */
function hasText(node: unknown): boolean {
  const span = nodeSpan(node);
  return !!span && span.end > span.start;
}

function mapFormFlags(extraArgs: YAMLMap, text: string): FlagUse[] {
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
        // Only where a value is written (`key:` alone has no scalar text to replace).
        const v = isScalar(pair.value) && hasText(pair.value) ? pair.value : undefined;
        if (!v) return [];
        return [...replaceScalar(pair.key, scalarSourceLike(pair.key, name)), ...replaceScalar(v, scalarSourceLike(v, value))];
      },
    });
  }
  return flags;
}

function listFormFlags(extraArgs: YAMLSeq, text: string): FlagUse[] {
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
        if (isScalar(v) && hasText(v)) edits.push(...replaceScalar(v, scalarSourceLike(v, value)));
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
