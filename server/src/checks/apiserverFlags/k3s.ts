import { isScalar, isPair } from 'yaml';
import { removeSeqItem, replaceScalar, scalarSourceLike } from '../fixes.js';
import { asMap, asSeq, nodeSpan, scalarText } from '../volumeMounts/nav.js';
import { bareName, type FlagSet, type FlagUse } from './flagSet.js';

/**
 * k3s / RKE2 server config (`/etc/rancher/{k3s,rke2}/config.yaml` and `config.yaml.d/*.yaml`):
 * key `kube-apiserver-arg` (or `kube-apiserver-arg+`, which appends to earlier files) holding
 * `flag-name=value` strings, with or without leading dashes (research notes §6).
 */

const ARG_KEY = /^kube-apiserver-arg\+?$/;

/** Whether a document without apiVersion/kind looks like a k3s/RKE2 config. */
export function hasKubeApiserverArgs(root: unknown): boolean {
  const map = asMap(root);
  return !!map?.items.some((p) => isPair(p) && ARG_KEY.test(scalarText(p.key) ?? ''));
}

export function k3sFlagSets(root: unknown, text: string): FlagSet[] {
  const sets: FlagSet[] = [];
  for (const pair of asMap(root)?.items ?? []) {
    if (!isPair(pair) || !ARG_KEY.test(scalarText(pair.key) ?? '')) continue;
    const seq = asSeq(pair.value);
    const anchor = nodeSpan(pair.key);
    if (!anchor) continue;
    // A single string is also accepted by k3s's CLI-style config loader.
    const items = seq ? seq.items : isScalar(pair.value) ? [pair.value] : [];
    const flags: FlagUse[] = [];
    items.forEach((node, index) => {
      const arg = scalarText(node);
      const at = nodeSpan(node);
      if (arg === undefined || !at) return;
      const eq = arg.indexOf('=');
      const written = eq < 0 ? arg : arg.slice(0, eq);
      const dashes = /^-*/.exec(written)![0];
      flags.push({
        name: bareName(written),
        value: eq < 0 ? undefined : arg.slice(eq + 1),
        at,
        remove: seq ? removeSeqItem(text, seq, index) : [],
        replaceWith: (name, value) => (seq ? replaceScalar(node, scalarSourceLike(node, `${dashes}${name}=${value}`)) : []),
      });
    });
    sets.push({ format: 'k3s', flags, anchor, deployHint: 'k3s/RKE2 run kube-apiserver on the host, so the file only has to exist there' });
  }
  return sets;
}
