import { isScalar, type Scalar, type YAMLSeq } from 'yaml';
import { removeSeqItem, replaceScalar, scalarSourceLike } from '../fixes.js';
import { asSeq, nodeSpan, scalarText, valueOf } from '../volumeMounts/nav.js';
import type { PodSpecAt } from '../volumeMounts/podSpecs.js';
import { BOOLEAN_FLAGS, type FlagSet, type FlagUse } from './flagSet.js';

/**
 * kube-apiserver flags of a Pod — above all the static Pod kubeadm writes to
 * /etc/kubernetes/manifests/kube-apiserver.yaml — or a pod template (hosted control planes run
 * kube-apiserver in Deployments): the effective argv is `command` + `args` of the container that
 * runs kube-apiserver, parsed the way spf13/pflag does (research notes §6).
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
    seq?.items.forEach((node, index) => {
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
 * image's entrypoint is kube-apiserver and only `args` are given. -1: not a kube-apiserver
 * (e.g. `sh -c "kube-apiserver …"`, whose flags live in one shell string).
 */
function flagsStart(argv: ArgvItem[], container: unknown): number {
  const head = argv.slice(0, 2).findIndex((a) => isApiserverBinary(a.text));
  if (head >= 0) return head + 1;
  const image = scalarText(valueOf(container, 'image'));
  if (!asSeq(valueOf(container, 'command')) && isApiserverImage(image)) return 0;
  return -1;
}

/** A flag written as one item (`--name=value`, bare boolean) or two (`--name`, `value`). */
function flagUse(name: string, value: string | undefined, items: ArgvItem[], text: string): FlagUse {
  const [first, ...rest] = items;
  const removeItems = (list: ArgvItem[]) => list.flatMap((a) => removeSeqItem(text, a.seq, a.index));
  return {
    name,
    value,
    at: nodeSpan(first.node)!,
    remove: removeItems(items),
    replaceWith: (newName, newValue) => [
      ...replaceScalar(first.node, scalarSourceLike(first.node, `--${newName}=${newValue}`)),
      ...removeItems(rest),
    ],
  };
}

/** Parses argv items from `start` like pflag: `--name=value`, `--name value`, bare booleans. */
function parseFlags(argv: ArgvItem[], start: number, text: string): FlagUse[] {
  const flags: FlagUse[] = [];
  for (let i = start; i < argv.length; i++) {
    const arg = argv[i].text;
    if (arg === '--') break; // pflag: everything after is positional
    const m = /^--?([^=\s]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!m) continue;
    const [, name, inline] = m;
    const longFlag = arg.startsWith('--');
    if (inline !== undefined || !longFlag) {
      flags.push(flagUse(name, inline, [argv[i]], text));
    } else if (BOOLEAN_FLAGS.has(name)) {
      flags.push(flagUse(name, 'true', [argv[i]], text));
    } else if (i + 1 < argv.length) {
      // pflag takes the next argument as the value, whatever it looks like.
      flags.push(flagUse(name, argv[i + 1].text, [argv[i], argv[i + 1]], text));
      i++;
    } else {
      flags.push(flagUse(name, undefined, [argv[i]], text));
    }
  }
  return flags;
}

const DEPLOY_HINT = 'mount it into the kube-apiserver container (a hostPath volume and a volumeMount in this manifest)';

export function podFlagSets(pod: PodSpecAt, text: string): FlagSet[] {
  const sets: FlagSet[] = [];
  for (const list of ['initContainers', 'containers']) {
    for (const container of asSeq(valueOf(pod.spec, list))?.items ?? []) {
      const argv = argvOf(container);
      const start = flagsStart(argv, container);
      if (start < 0) continue;
      const anchor = nodeSpan(start > 0 ? argv[start - 1].node : valueOf(container, 'image'));
      if (!anchor) continue;
      sets.push({ format: 'pod', flags: parseFlags(argv, start, text), anchor, deployHint: DEPLOY_HINT });
    }
  }
  return sets;
}
