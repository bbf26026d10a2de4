import type { Finding } from '../../engine/findings.js';
import { FLAG_CODES as CODES } from './codes.js';
import { REPEATABLE_FLAGS, type FlagSet } from './flagSet.js';
import { finding } from './ruleKit.js';

/**
 * A single-value flag given twice with different values: pflag keeps the last one, so the earlier
 * value is silently ignored — usually an edit that went to the wrong line (research notes §6).
 */
export function overrideFindings(set: FlagSet): Finding[] {
  if (set.overridesAreIntended) return [];
  const out: Finding[] = [];
  const byName = new Map<string, typeof set.flags>();
  for (const f of set.flags) {
    if (!REPEATABLE_FLAGS.has(f.name)) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  }
  for (const [name, uses] of byName) {
    const last = uses[uses.length - 1];
    for (const use of uses.slice(0, -1)) {
      if (use.value === last.value) continue;
      out.push(finding(use.at, 'warning', CODES.flagOverridden,
        `--${name}=${use.value ?? ''} is ignored: kube-apiserver uses the last --${name} (${JSON.stringify(last.value ?? '')})`,
        [{ title: `Remove the ignored --${name}`, edits: use.remove, isPreferred: true }]));
    }
  }
  return out;
}
