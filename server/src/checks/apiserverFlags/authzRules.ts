import type { Finding, Fix } from '../../engine/findings.js';
import { mergeEdits } from '../fixes.js';
import { AUTHZ_MODES, LEGACY_AUTHZ_FLAGS, authorizationModes, buildAuthorizationConfig } from './authzMigration.js';
import { FLAG_CODES as CODES } from './codes.js';
import { lastUse, usesOf, type FlagSet, type FlagUse } from './flagSet.js';
import { finding, gateDisabled } from './ruleKit.js';

/** kube-apiserver authorization flag rules (research notes §3). */

function migrationFix(set: FlagSet, version: string, legacy: FlagUse[], existingPath: string): Fix | undefined {
  if (legacy.some((f) => !f.remove.length)) return undefined;
  const relativePath = 'authorization-config.from-flags.yaml';
  return {
    title: `Migrate --authorization-mode/--authorization-webhook-* to an AuthorizationConfiguration (creates ${relativePath} to merge into ${existingPath})`,
    edits: mergeEdits(legacy.flatMap((f) => f.remove)),
    createFile: { relativePath, content: buildAuthorizationConfig(set, version, { existingPath }) },
  };
}

/**
 * Modes the launcher passes when the file does not: kubeadm adds --authorization-mode=Node,RBAC
 * unless extraArgs has authorization-config (§3.2); k3s/RKE2 are assumed to do the same. A bare
 * kube-apiserver falls back to AlwaysAllow.
 */
function implicitModes(set: FlagSet): string[] {
  return set.format === 'pod' ? ['AlwaysAllow'] : ['Node', 'RBAC'];
}

/** Go's %q of a string slice, as the apiserver prints the mode list. */
const goQuotedList = (items: string[]) => `[${items.map((m) => JSON.stringify(m)).join(' ')}]`;

export function authorizationFindings(set: FlagSet, version: string): Finding[] {
  const out: Finding[] = [];
  const authzConfig = lastUse(set, 'authorization-config');
  if (authzConfig?.value) {
    const legacy = set.flags.filter((f) => LEGACY_AUTHZ_FLAGS.includes(f.name));
    const fix = migrationFix(set, version, legacy, authzConfig.value);
    for (const f of legacy) {
      out.push(finding(f.at, 'error', CODES.authzConfigWithLegacyFlags,
        '--authorization-config can not be specified when --authorization-mode or --authorization-webhook-* flags are defined', fix ? [fix] : []));
    }
    // The gate is locked on from 1.32 (GA); on 1.30–1.31 it can be switched off.
    if (/^1\.3[01]$/.test(version) && gateDisabled(set, 'StructuredAuthorizationConfiguration')) {
      out.push(finding(authzConfig.at, 'error', CODES.structuredConfigGateOff, '--authorization-config cannot be used without enabling StructuredAuthorizationConfiguration feature flag'));
    }
    return out;
  }

  const modeUses = usesOf(set, 'authorization-mode');
  const explicit = modeUses.length > 0;
  const modes = explicit ? authorizationModes(set) : implicitModes(set);
  if (explicit && modes.length === 0) {
    out.push(finding(modeUses[modeUses.length - 1].at, 'error', CODES.authzModeInvalid, 'at least one authorization-mode must be passed'));
  }
  for (const use of modeUses) {
    const own = (use.value ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '');
    for (const mode of own) {
      if (AUTHZ_MODES.includes(mode)) continue;
      const fixed = AUTHZ_MODES.find((m) => m.toLowerCase() === mode.toLowerCase());
      const fixes: Fix[] = fixed
        ? [{ title: `Change ${mode} to ${fixed}`, edits: use.replaceWith('authorization-mode', own.map((m) => (m === mode ? fixed : m)).join(',')), isPreferred: true }]
        : [];
      out.push(finding(use.at, 'error', CODES.authzModeInvalid, `authorization-mode ${JSON.stringify(mode)} is not a valid mode`, fixes));
    }
    if (own.includes('ABAC') && !lastUse(set, 'authorization-policy-file')?.value) {
      out.push(finding(use.at, 'error', CODES.authzModeMissingFile, "authorization-mode ABAC's authorization policy file not passed"));
    }
    if (own.includes('Webhook') && !lastUse(set, 'authorization-webhook-config-file')?.value) {
      out.push(finding(use.at, 'error', CODES.authzModeMissingFile, "authorization-mode Webhook's authorization config file not passed"));
    }
    if (own.includes('AlwaysAllow')) {
      out.push(finding(use.at, 'warning', CODES.authzAlwaysAllow, 'authorization mode AlwaysAllow authorizes every request, anonymous ones included'));
    }
  }
  if (new Set(modes).size !== modes.length && explicit) {
    const last = modeUses[modeUses.length - 1];
    const fixes: Fix[] = modeUses.length === 1
      ? [{ title: 'Remove the repeated modes', edits: last.replaceWith('authorization-mode', [...new Set(modes)].join(',')), isPreferred: true }]
      : [];
    out.push(finding(last.at, 'error', CODES.authzModeRepeated, `authorization-mode ${goQuotedList(modes)} has mode specified more than once`, fixes));
  }
  const policyFile = lastUse(set, 'authorization-policy-file');
  if (policyFile?.value && !modes.includes('ABAC')) {
    out.push(finding(policyFile.at, 'error', CODES.authzFileWithoutMode, 'cannot specify --authorization-policy-file without mode ABAC'));
  }
  const webhookFile = lastUse(set, 'authorization-webhook-config-file');
  if (webhookFile?.value && !modes.includes('Webhook')) {
    out.push(finding(webhookFile.at, 'error', CODES.authzFileWithoutMode, 'cannot specify --authorization-webhook-config-file without mode Webhook'));
  }
  if (!explicit && set.format === 'pod') {
    out.push(finding(set.anchor, 'warning', CODES.authzAlwaysAllow,
      'kube-apiserver runs with authorization mode AlwaysAllow when neither --authorization-mode nor --authorization-config is given: every request is authorized, anonymous ones included'));
  }
  return out;
}
