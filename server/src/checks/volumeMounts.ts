import { isScalar, type Pair, type YAMLMap } from 'yaml';
import type { Finding, Fix, Severity } from '../engine/findings.js';
import type { Check, CheckContext } from './types.js';
import { insertMapEntry, insertMapEntryBefore, pairRange, removeMapEntry, replaceScalar } from './fixes.js';
import { VOLUME_MOUNT_CODES as CODES } from './volumeMounts/codes.js';
import { GRADE_SEVERITY, gradeVolume } from './volumeMounts/grading.js';
import { mountsOf, volumeNamed, type MountEntry } from './volumeMounts/mounts.js';
import { scalarText, nodeSpan } from './volumeMounts/nav.js';
import { hasPodSpec, podSpecOf } from './volumeMounts/podSpecs.js';
import { GATE_NOTE, rroSupport, type RroSupport } from './volumeMounts/rroSupport.js';

/**
 * `recursiveReadOnly` on volume mounts (KEP-3857, research notes §1): the apiserver's own
 * validation of the field, and a lint for read-only mounts that are not recursive, graded by what
 * could be mounted below the volume.
 */

const RRO_VALUES = ['Disabled', 'Enabled', 'IfPossible'];
const SUPPORTED_VALUES = RRO_VALUES.map((v) => JSON.stringify(v)).join(', ');

export const volumeMountsCheck: Check = {
  name: 'volume-mounts',
  appliesTo: (input) => hasPodSpec(input.kind),
  run(ctx) {
    const pod = podSpecOf(ctx.doc.contents, ctx.kind);
    if (!pod) return;
    const support = rroSupport(ctx.options.kubernetesVersion);
    for (const m of mountsOf(pod)) {
      if (m.recursiveReadOnly && scalarText(m.recursiveReadOnly.value) !== undefined) {
        checkRecursiveReadOnly(ctx, m, m.recursiveReadOnly, support);
      } else if (isTrue(m.readOnly)) {
        lintNotRecursive(ctx, m, volumeNamed(pod, m.name), support);
      }
    }
  },
};

/** `readOnly: true` as the apiserver reads it: a boolean, not the string "true". */
function isTrue(pair: Pair | undefined): boolean {
  return !!pair && isScalar(pair.value) && pair.value.value === true;
}

function report(ctx: CheckContext, at: { start: number; end: number } | undefined, severity: Severity, code: string, message: string, fixes: Fix[] = []): void {
  if (!at) return;
  const finding: Finding = { start: at.start, end: at.end, severity, code, message };
  const usable = fixes.filter((f) => f.edits.length > 0);
  if (usable.length) finding.data = { fixes: usable };
  ctx.report(finding);
}

/** The apiserver's `validateMountRecursiveReadOnly`, with its exact messages. */
function checkRecursiveReadOnly(ctx: CheckContext, m: MountEntry, rro: Pair, support: RroSupport): void {
  const value = scalarText(rro.value)!;
  const field = `${m.path}.recursiveReadOnly`;
  if (value === 'Disabled') return;
  if (value !== 'Enabled' && value !== 'IfPossible') {
    const fixes = RRO_VALUES.filter((v) => v.toLowerCase() === value.toLowerCase()).map((v) => ({
      title: `Change to ${v}`,
      edits: replaceScalar(rro.value, v),
      isPreferred: true,
    }));
    report(ctx, nodeSpan(rro.value), 'error', CODES.rroUnsupportedValue, `${field}: Unsupported value: ${JSON.stringify(value)}: supported values: ${SUPPORTED_VALUES}`, fixes);
    return;
  }
  if (!isTrue(m.readOnly)) {
    const setReadOnly = m.readOnly
      ? replaceScalar(m.readOnly.value, 'true')
      : insertMapEntryBefore(ctx.text, m.mount, 'readOnly', 'true', rro);
    report(ctx, pairRange(rro), 'error', CODES.rroNeedsReadOnly, `${field}: Forbidden: may only be specified when readOnly is true`, [
      { title: 'Set readOnly: true (recursiveReadOnly only applies to read-only mounts)', edits: setReadOnly, isPreferred: true },
      { title: 'Remove recursiveReadOnly (keep the mount writable)', edits: removeMapEntry(ctx.text, m.mount, rro) },
    ]);
  }
  const propagation = m.mountPropagation && scalarText(m.mountPropagation.value);
  if (m.mountPropagation && propagation !== undefined && propagation !== 'None') {
    report(ctx, pairRange(rro), 'error', CODES.rroNeedsNoPropagation, `${field}: Forbidden: may only be specified when mountPropagation is None or not specified`, [
      { title: 'Remove mountPropagation (defaults to None)', edits: removeMapEntry(ctx.text, m.mount, m.mountPropagation), isPreferred: true },
      { title: 'Set mountPropagation: None', edits: replaceScalar(m.mountPropagation.value, 'None') },
    ]);
  }
  if (support === 'gated-off') {
    report(ctx, pairRange(rro), 'warning', CODES.rroFeatureGate,
      `${GATE_NOTE}; without it the apiserver silently drops recursiveReadOnly and ${m.mountPath ?? 'the mount'} is read-only only at the top.`);
  }
}

/** Edits adding `recursiveReadOnly: <value>` right after `readOnly: true`, same indentation or flow style. */
function addRecursiveReadOnly(ctx: CheckContext, m: MountEntry, value: 'Enabled' | 'IfPossible'): Fix['edits'] {
  return insertMapEntry(ctx.text, m.mount, 'recursiveReadOnly', value, m.readOnly);
}

/** The two add-fixes of KCG3001; none where the Kubernetes version has no such field. */
function addRecursiveReadOnlyFixes(ctx: CheckContext, m: MountEntry, support: RroSupport): Fix[] {
  if (support === 'absent') return [];
  const gate = support === 'gated-off' ? '; needs the RecursiveReadOnlyMounts feature gate on 1.30' : '';
  return [
    {
      title: `Add recursiveReadOnly: Enabled (fails the pod if the runtime cannot make it recursive${gate})`,
      edits: addRecursiveReadOnly(ctx, m, 'Enabled'),
      isPreferred: true,
    },
    {
      title: `Add recursiveReadOnly: IfPossible (recursive where the runtime supports it, else plain read-only${gate})`,
      edits: addRecursiveReadOnly(ctx, m, 'IfPossible'),
    },
  ];
}

function versionNote(support: RroSupport): string {
  if (support === 'absent') return ' recursiveReadOnly needs Kubernetes 1.30 or later.';
  return support === 'gated-off' ? ` ${GATE_NOTE}.` : '';
}

/** KCG3001 / KCG3002 for a `readOnly: true` mount without recursiveReadOnly, graded by its volume. */
function lintNotRecursive(ctx: CheckContext, m: MountEntry, volume: YAMLMap | undefined, support: RroSupport): void {
  const { grade, reason } = gradeVolume(volume, m.name, m.subPath);
  if (grade === 'none') return;
  const severity = GRADE_SEVERITY[grade];
  const where = m.mountPath ?? 'this mount';
  const propagationPair = m.mountPropagation;
  const propagation = propagationPair && scalarText(propagationPair.value);
  if (propagationPair && (propagation === 'HostToContainer' || propagation === 'Bidirectional')) {
    // Adding recursiveReadOnly alone would be rejected (KCG3004): the fix drops the propagation too.
    const fixes: Fix[] = support === 'absent' ? [] : [{
      title: 'Remove mountPropagation and add recursiveReadOnly: Enabled (host mounts added later no longer appear in the container)',
      edits: [...removeMapEntry(ctx.text, m.mount, propagationPair), ...addRecursiveReadOnly(ctx, m, 'Enabled')],
    }];
    report(ctx, pairRange(propagationPair), severity, CODES.readOnlyWithPropagation,
      `sub-mounts beneath ${where} stay writable: mountPropagation: ${propagation} brings host mounts in writable (also ones added later), and recursiveReadOnly cannot be combined with it; ${reason}.${versionNote(support)}`,
      fixes);
    return;
  }
  report(ctx, pairRange(m.readOnly!), severity, CODES.readOnlyNotRecursive,
    `sub-mounts beneath ${where} stay writable: readOnly: true is not recursive, and ${reason}. Set recursiveReadOnly: Enabled or IfPossible.${versionNote(support)}`,
    addRecursiveReadOnlyFixes(ctx, m, support));
}
