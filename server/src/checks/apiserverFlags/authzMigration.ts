import { lastUse, usesOf, type FlagSet } from './flagSet.js';
import { minorAtLeast, yamlString } from './yamlText.js';

/**
 * Builds the AuthorizationConfiguration equivalent to `--authorization-mode` and
 * `--authorization-webhook-*`, following the apiserver's own conversion
 * (`buildAuthorizationConfiguration`, research notes §3.3).
 */

export const AUTHZ_MODES = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'];

/** Flags that may not be combined with --authorization-config (§3.2); --authorization-policy-file may. */
export const LEGACY_AUTHZ_FLAGS = [
  'authorization-mode',
  'authorization-webhook-config-file',
  'authorization-webhook-version',
  'authorization-webhook-cache-authorized-ttl',
  'authorization-webhook-cache-unauthorized-ttl',
];

/** The modes in effect: every occurrence appends (a pflag string slice), split on commas. */
export function authorizationModes(set: FlagSet): string[] {
  return usesOf(set, 'authorization-mode').flatMap((f) => (f.value ?? '').split(',').map((m) => m.trim()).filter((m) => m !== ''));
}

/** Go durations that mean zero ("0", "0s", "0m0s"…). */
const isZeroDuration = (d: string) => /^[+-]?(0+(\.0*)?(ns|us|µs|ms|s|m|h)?)+$/.test(d);

export function buildAuthorizationConfig(set: FlagSet, version: string, place: { existingPath?: string }): string {
  const value = (name: string) => lastUse(set, name)?.value;
  const modes = [...new Set(authorizationModes(set).filter((m) => AUTHZ_MODES.includes(m)))];
  const written = [...new Set(set.flags.filter((f) => LEGACY_AUTHZ_FLAGS.includes(f.name)).map((f) => `--${f.name}`))];
  const header = [
    '# AuthorizationConfiguration written by kube-cel-guard from the kube-apiserver flags',
    `#   ${written.join(', ')}`,
    place.existingPath
      ? `# kube-apiserver already reads ${place.existingPath} (--authorization-config): merge these authorizers into its list (the order is the evaluation order), then delete this file.`
      : '# Pass it with --authorization-config and remove --authorization-mode and --authorization-webhook-*.',
  ];
  const webhookFlags = set.flags.filter((f) => f.name.startsWith('authorization-webhook-'));
  if (!modes.includes('Webhook') && webhookFlags.length) {
    header.push(`# ${webhookFlags.map((f) => `--${f.name}`).join(', ')} had no effect without mode Webhook; not carried over.`);
  }
  if (modes.includes('ABAC')) header.push('# ABAC keeps reading its policy from --authorization-policy-file, which stays a flag.');
  const out = [...header, `apiVersion: apiserver.config.k8s.io/${minorAtLeast(version, 32) ? 'v1' : 'v1beta1'}`, 'kind: AuthorizationConfiguration', 'authorizers:'];
  if (modes.length === 0) {
    out.push('  # No --authorization-mode: the legacy default AlwaysAllow authorizes every request. Replace it.');
    modes.push('AlwaysAllow');
  }
  for (const mode of modes) {
    if (mode === 'AlwaysAllow') out.push('  # AlwaysAllow authorizes every request, anonymous ones included.');
    if (mode !== 'Webhook') {
      // kube-apiserver requires non-webhook authorizers to be named after their type, lower-cased.
      out.push(`  - type: ${mode}`, `    name: ${mode.toLowerCase()}`);
      continue;
    }
    const kubeconfig = value('authorization-webhook-config-file');
    const authorizedTTL = value('authorization-webhook-cache-authorized-ttl');
    const unauthorizedTTL = value('authorization-webhook-cache-unauthorized-ttl');
    out.push('  - type: Webhook', '    name: webhook', '    webhook:', '      timeout: 30s');
    out.push(...ttlLines('authorized', authorizedTTL, version), ...ttlLines('unauthorized', unauthorizedTTL, version));
    out.push(`      subjectAccessReviewVersion: ${yamlString(value('authorization-webhook-version') || 'v1beta1')}`);
    out.push('      failurePolicy: NoOpinion', '      connectionInfo:', '        type: KubeConfigFile');
    if (kubeconfig && kubeconfig.startsWith('/')) out.push(`        kubeConfigFile: ${yamlString(kubeconfig)}`);
    else {
      out.push(`        # TODO: the file must be given by an absolute path${kubeconfig ? ` (the flag said ${JSON.stringify(kubeconfig)})` : ''}.`);
      out.push(`        kubeConfigFile: ${yamlString(kubeconfig ? `/etc/kubernetes/${kubeconfig.replace(/^\.?\//, '')}` : '/etc/kubernetes/authorization-webhook.kubeconfig')}`);
    }
  }
  return out.join('\n') + '\n';
}

/** A cache TTL flag as file fields: 0 disables caching, which the file spells cache*Requests: false (1.34+). */
function ttlLines(kind: 'authorized' | 'unauthorized', ttl: string | undefined, version: string): string[] {
  if (ttl === undefined || ttl === '') return [];
  const cap = kind === 'authorized' ? 'Authorized' : 'Unauthorized';
  if (!isZeroDuration(ttl)) return [`      ${kind}TTL: ${yamlString(ttl)}`];
  if (minorAtLeast(version, 34)) return [`      cache${cap}Requests: false`];
  return [`      # --authorization-webhook-cache-${kind}-ttl=${ttl} disabled caching; before 1.34 the file cannot (a zero TTL is defaulted).`];
}
