import { isScalar, type Scalar, type YAMLSeq } from 'yaml';
import { removeSeqItem, replaceScalar, scalarSourceLike } from '../fixes.js';
import { asSeq, nodeSpan, scalarText, valueAt, valueOf } from '../volumeMounts/nav.js';
import { BOOLEAN_FLAGS, type FlagSet, type FlagUse } from './flagSet.js';

/**
 * kube-apiserver flags of a static Pod (kubeadm's /etc/kubernetes/manifests/kube-apiserver.yaml
 * or hand-made): the effective argv is `command` + `args` of the container that runs
 * kube-apiserver, parsed the way spf13/pflag does (research notes §6).
 */

interface ArgvItem {
  node: Scalar;
  seq: YAMLSeq;
  index: number;
  text: string;
}

function argvOf(container: unknown): ArgvItem[] {
  const items: ArgvItem[] = [];
  for (const key of ['command', 'args']) {
    const seq = asSeq(valueOf(container, key));
    if (!seq) continue;
    seq.items.forEach((node, index) => {
      const text = scalarText(node);
      if (isScalar(node) && text !== undefined) items.push({ node, seq, index, text });
    });
  }
  return items;
}

const isApiserverBinary = (arg: string) => arg.split('/').pop() === 'kube-apiserver';
const isApiserverImage = (image: string | undefined) => !!image && /(^|\/)kube-apiserver(-[a-z0-9]+)?([:@]|$)/.test(image);

/**
 * Where kube-apiserver's own arguments start in argv: after the binary (`kube-apiserver`,
 * `/usr/local/bin/kube-apiserver`, hyperkube's `hyperkube kube-apiserver`), or at 0 when the
 * image's entrypoint is kube-apiserver and only `args` are given. -1: not a kube-apiserver.
 */
function flagsStart(argv: ArgvItem[], container: unknown): number {
  const head = argv.slice(0, 2).findIndex((a) => isApiserverBinary(a.text));
  if (head >= 0) return head + 1;
  const image = scalarText(valueOf(container, 'image'));
  if (!asSeq(valueOf(container, 'command')) && isApiserverImage(image)) return 0;
  return -1;
}

function argvFlag(argv: ArgvItem[], i: number, text: string, items: ArgvItem[]): FlagUse {
  const item = argv[i];
  const at = nodeSpan(item.node)!;
  const removeItems = (list: ArgvItem[]) => list.flatMap((a) => removeSeqItem(text, a.seq, a.index));
  return {
    name: '',
    value: undefined,
    at,
    remove: removeItems(items),
    replaceWith: (name, value) => [
      ...replaceScalar(item.node, scalarSourceLike(item.node, `--${name}=${value}`)),
      ...removeItems(items.slice(1)),
    ],
  };
}

/** Parses argv items from `start` like pflag: `--name=value`, `--name value`, bare booleans. */
function parseFlags(argv: ArgvItem[], start: number, text: string): FlagUse[] {
  const flags: FlagUse[] = [];
  for (let i = start; i < argv.length; i++) {
    const arg = argv[i].text;
    const m = /^--?([^=\s]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!m || arg === '--' || arg === '-') continue;
    const name = m[1];
    let value = m[2];
    const items = [argv[i]];
    const longFlag = arg.startsWith('--');
    if (value === undefined && longFlag && !BOOLEAN_FLAGS.has(name) && i + 1 < argv.length) {
      // pflag takes the next argument as the value, whatever it looks like.
      items.push(argv[i + 1]);
      value = argv[i + 1].text;
      i++;
    }
    flags.push({ ...argvFlag(argv, argv.indexOf(items[0]), text, items), name, value: value ?? (longFlag && BOOLEAN_FLAGS.has(name) ? 'true' : undefined) });
  }
  return flags;
}

export function staticPodFlagSets(root: unknown, text: string): FlagSet[] {
  const sets: FlagSet[] = [];
  for (const list of ['initContainers', 'containers']) {
    const containers = asSeq(valueAt(root, 'spec', list));
    for (const container of containers?.items ?? []) {
      const argv = argvOf(container);
      const start = flagsStart(argv, container);
      if (start < 0) continue;
      const anchorNode = start > 0 ? argv[start - 1].node : valueOf(container, 'image');
      const anchor = nodeSpan(anchorNode) ?? nodeSpan(container);
      if (!anchor) continue;
      sets.push({ format: 'static-pod', flags: parseFlags(argv, start, text), anchor });
    }
  }
  return sets;
}
