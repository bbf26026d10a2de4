import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { registerCodes } from '../../engine/codes.js';
import type { Fix } from '../../engine/findings.js';
import { getIn, mapPairs, nodeRange, seqItems, type MapEntry } from '../../engine/yamlNav.js';
import { insertMapEntryBefore, removeMapEntry, replaceScalar, scalarSourceLike } from '../fixes.js';
import type { CheckContext } from '../types.js';

/**
 * MutatingAdmissionPolicy spec.mutations[]: patchType is a union discriminator. The apiserver's
 * validateMutation (kubernetes pkg/apis/admissionregistration/validation) requires it, accepts
 * ApplyConfiguration and JSONPatch only, requires the member it names and forbids the other.
 */
export const MUTATION_CODES = {
  patchType: 'KCG2004',
} as const;

registerCodes([
  {
    code: MUTATION_CODES.patchType,
    name: 'policy-mutation-patch-type',
    defaultSeverity: 'error',
    title: 'A MutatingAdmissionPolicy mutation has no or an unknown patchType, or its patchType does not match the one of applyConfiguration and jsonPatch it sets; the apiserver rejects the policy.',
  },
]);

type PatchType = 'ApplyConfiguration' | 'JSONPatch';
const SUPPORTED: readonly PatchType[] = ['ApplyConfiguration', 'JSONPatch'];
/** The union member each patchType requires. */
const MEMBER: Record<PatchType, 'applyConfiguration' | 'jsonPatch'> = { ApplyConfiguration: 'applyConfiguration', JSONPatch: 'jsonPatch' };
const SUPPORTED_TEXT = SUPPORTED.map((v) => `"${v}"`).join(', ');

/** Go's pointer test: the key is there with a value that is not null (`applyConfiguration:` alone is nil). */
function isSet(entry: MapEntry | undefined): boolean {
  if (!entry || entry.value == null) return false;
  return !(isScalar(entry.value) && entry.value.value === null);
}

/** `patchType: <value>` set to `value`: the existing value replaced, or a new first entry of the mutation. */
function setPatchTypeFix(ctx: CheckContext, mutation: YAMLMap, entry: MapEntry | undefined, value: PatchType): Fix | undefined {
  let edits;
  if (entry && isScalar(entry.value) && entry.value.range && entry.value.range[1] > entry.value.range[0]) {
    edits = replaceScalar(entry.value, scalarSourceLike(entry.value, value));
  } else if (entry) {
    // `patchType:` with nothing after it: write the value after the colon.
    const keyEnd = entry.keyNode.range?.[1];
    const colon = keyEnd === undefined ? -1 : ctx.text.indexOf(':', keyEnd);
    edits = colon < 0 ? [] : [{ start: colon + 1, end: colon + 1, newText: ` ${value}` }];
  } else {
    const first = mutation.items[0] as Pair | undefined;
    edits = first ? insertMapEntryBefore(ctx.text, mutation, 'patchType', value, first) : [];
  }
  return edits.length ? { title: `Set patchType to ${value}`, edits, isPreferred: true } : undefined;
}

function removeFix(ctx: CheckContext, mutation: YAMLMap, entry: MapEntry): Fix | undefined {
  const edits = removeMapEntry(ctx.text, mutation, entry.pair);
  return edits.length ? { title: `Remove ${entry.key}`, edits } : undefined;
}

const withFixes = (fixes: Array<Fix | undefined>) => {
  const usable = fixes.filter((f): f is Fix => !!f);
  return usable.length ? { data: { fixes: usable } } : {};
};

function checkMutation(ctx: CheckContext, mutation: YAMLMap, i: number): void {
  const at = `spec.mutations[${i}]`;
  const pairs = mapPairs(mutation);
  const entry = (key: string) => pairs.find((p) => p.key === key);
  const patchTypeEntry = entry('patchType');
  const apply = entry('applyConfiguration');
  const json = entry('jsonPatch');
  const present = [apply, json].filter(isSet) as MapEntry[];
  /** The patchType the single present member asks for. */
  const implied: PatchType | undefined = present.length === 1 ? (present[0] === apply ? 'ApplyConfiguration' : 'JSONPatch') : undefined;
  const raw = isScalar(patchTypeEntry?.value) ? patchTypeEntry!.value.value : undefined;
  const patchType = raw == null ? '' : String(raw);
  const code = MUTATION_CODES.patchType;

  if (patchType === '') {
    const r = nodeRange(isScalar(patchTypeEntry?.value) && patchTypeEntry!.value.range![1] > patchTypeEntry!.value.range![0] ? patchTypeEntry!.value : undefined)
      ?? nodeRange(patchTypeEntry?.keyNode) ?? nodeRange(present.length === 1 ? present[0].keyNode : pairs[0]?.keyNode);
    if (r) ctx.report({ ...r, severity: 'error', code, message: `${at}.patchType: Required value`, ...withFixes([implied && setPatchTypeFix(ctx, mutation, patchTypeEntry, implied)]) });
    return;
  }
  const valueRange = nodeRange(patchTypeEntry?.value);
  if (!valueRange) return;
  if (!(SUPPORTED as readonly string[]).includes(patchType)) {
    const sameLetters = SUPPORTED.find((v) => v.toLowerCase() === patchType.toLowerCase());
    const suggestion = implied ?? sameLetters;
    ctx.report({
      ...valueRange, severity: 'error', code,
      message: `${at}.patchType: Unsupported value: ${JSON.stringify(patchType)}: supported values: ${SUPPORTED_TEXT}`,
      ...withFixes([suggestion && setPatchTypeFix(ctx, mutation, patchTypeEntry, suggestion)]),
    });
    return;
  }
  const wanted = MEMBER[patchType as PatchType];
  const other = wanted === 'applyConfiguration' ? json : apply;
  const otherName = wanted === 'applyConfiguration' ? 'jsonPatch' : 'applyConfiguration';
  const wantedSet = isSet(wanted === 'applyConfiguration' ? apply : json);
  // Set patchType to the other member's type: the fix when only the other member is there.
  const switchFix = !wantedSet && implied ? setPatchTypeFix(ctx, mutation, patchTypeEntry, implied) : undefined;
  if (!wantedSet) {
    ctx.report({
      ...valueRange, severity: 'error', code,
      message: `${at}.${wanted}: Required value: must be specified when patchType is ${patchType}`,
      ...withFixes([switchFix]),
    });
  }
  if (isSet(other)) {
    const r = nodeRange(other!.keyNode);
    if (r) {
      ctx.report({
        ...r, severity: 'error', code,
        message: `${at}.${otherName}: Invalid value: "{${otherName}}": must not be specified when patchType is ${patchType}`,
        ...withFixes(wantedSet ? [removeFix(ctx, mutation, other!)] : [switchFix]),
      });
    }
  }
}

/** Every spec.mutations[] entry of a MutatingAdmissionPolicy. */
export function checkMutationPatchTypes(ctx: CheckContext, spec: unknown): void {
  seqItems(getIn(spec, ['mutations'])).forEach((m, i) => {
    if (isMap(m)) checkMutation(ctx, m, i);
  });
}
