import { lastUse, usesOf, type FlagSet } from './flagSet.js';
import { minorAtLeast, yamlString } from './yamlText.js';

/**
 * Builds the AuthenticationConfiguration that replaces the `--oidc-*` flags, following the
 * apiserver's own conversion (`ToAuthenticationConfig`, research notes §2.3): one `jwt[]` entry.
 */

export const OIDC_FLAGS = [
  'oidc-issuer-url', 'oidc-client-id', 'oidc-ca-file', 'oidc-username-claim', 'oidc-username-prefix',
  'oidc-groups-claim', 'oidc-groups-prefix', 'oidc-signing-algs', 'oidc-required-claim',
];

export const isOidcFlag = (name: string) => name.startsWith('oidc-');

export interface AuthnMigration {
  content: string;
  /** Flags (as written, `--name=value`) that have no counterpart in the file. */
  noEquivalent: string[];
}

/**
 * Undefined when issuer URL or client ID is missing: there is no authenticator to migrate then.
 * `existingPath`: the file --authentication-config already names (the result must be merged
 * into it); `targetPath`: where the new file is meant to live on the control-plane node.
 */
export function buildAuthenticationConfig(
  set: FlagSet,
  version: string,
  place: { existingPath?: string; targetPath?: string },
): AuthnMigration | undefined {
  const value = (name: string) => lastUse(set, name)?.value;
  const url = value('oidc-issuer-url');
  const clientId = value('oidc-client-id');
  if (!url || !clientId) return undefined;
  const usernameClaim = value('oidc-username-claim') || 'sub';
  const flagPrefix = value('oidc-username-prefix') ?? '';
  // The flag's prefix rule, spelled out because the file has no defaulting: "-" means none,
  // empty means "<issuer>#" for every claim except email.
  const usernamePrefix = flagPrefix === '-' ? '' : flagPrefix === '' ? (usernameClaim === 'email' ? '' : `${url}#`) : flagPrefix;
  const groupsClaim = value('oidc-groups-claim');
  const groupsPrefix = value('oidc-groups-prefix') ?? '';
  const caFile = value('oidc-ca-file');
  const requiredClaims = usesOf(set, 'oidc-required-claim').map((f) => f.value ?? '');
  const algs = usesOf(set, 'oidc-signing-algs');
  const noEquivalent = algs.map((f) => `--oidc-signing-algs=${f.value ?? ''}`);
  const unknown = set.flags.filter((f) => f.name.startsWith('oidc-') && !OIDC_FLAGS.includes(f.name));
  noEquivalent.push(...unknown.map((f) => `--${f.name}`));

  const migrated = [...new Set(set.flags.filter((f) => f.name.startsWith('oidc-')).map((f) => `--${f.name}`))];
  const header = [
    '# AuthenticationConfiguration written by kube-cel-guard from the kube-apiserver flags',
    `#   ${migrated.join(', ')}`,
    place.existingPath
      ? `# kube-apiserver already reads ${place.existingPath} (--authentication-config): merge the jwt entry below into that file's jwt list, then delete this file.`
      : `# Copy it to ${place.targetPath ?? 'the path given to --authentication-config'} on every control-plane node and ${set.deployHint}.`,
  ];
  if (noEquivalent.length) {
    header.push(`# No equivalent in the file, dropped: ${noEquivalent.join(', ')} (the file accepts every supported signing algorithm).`);
  }
  if (flagPrefix === '' && usernameClaim !== 'email') {
    header.push(`# --oidc-username-prefix was not set: the flag default prefixed user names with "<issuer-url>#", kept below.`);
  }

  const lines = [
    ...header,
    `apiVersion: apiserver.config.k8s.io/${minorAtLeast(version, 34) ? 'v1' : 'v1beta1'}`,
    'kind: AuthenticationConfiguration',
    'jwt:',
    '  - issuer:',
    `      url: ${yamlString(url)}`,
    '      audiences:',
    `        - ${yamlString(clientId)}`,
  ];
  if (caFile) {
    lines.push(
      `      # TODO: --oidc-ca-file=${caFile} named a file; certificateAuthority holds the PEM text itself.`,
      `      # Paste the contents of ${caFile} here (until then the system roots are used):`,
      '      # certificateAuthority: |',
      '      #   -----BEGIN CERTIFICATE-----',
      '      #   -----END CERTIFICATE-----',
    );
  }
  lines.push('    claimMappings:', '      username:', `        claim: ${yamlString(usernameClaim)}`, `        prefix: ${JSON.stringify(usernamePrefix)}`);
  if (groupsClaim) lines.push('      groups:', `        claim: ${yamlString(groupsClaim)}`, `        prefix: ${JSON.stringify(groupsPrefix)}`);
  if (requiredClaims.length) {
    lines.push('    claimValidationRules:');
    for (const rc of requiredClaims) {
      const eq = rc.indexOf('=');
      const claim = eq < 0 ? rc : rc.slice(0, eq);
      lines.push(`      - claim: ${yamlString(claim)}`, `        requiredValue: ${JSON.stringify(eq < 0 ? '' : rc.slice(eq + 1))}`);
    }
  }
  lines.push(...systemNameGuards(usernameClaim, usernamePrefix, groupsClaim ? groupsPrefix : undefined));
  return { content: lines.join('\n') + '\n', noEquivalent };
}

/**
 * With an empty prefix, whoever controls the claim at the identity provider can hand out
 * `system:` names (group system:masters is cluster-admin). The flags had no guard against that;
 * the file can have one, so the migration adds it rather than carry the hole over. Email
 * addresses cannot collide with `system:` names.
 */
function systemNameGuards(usernameClaim: string, usernamePrefix: string, groupsPrefix: string | undefined): string[] {
  const rules: string[] = [];
  if (usernamePrefix === '' && usernameClaim !== 'email') {
    rules.push(`      - expression: "!user.username.startsWith('system:')"`, '        message: "user names starting with system: are reserved for Kubernetes"');
  }
  if (groupsPrefix === '') {
    rules.push(`      - expression: "user.groups.all(group, !group.startsWith('system:'))"`, '        message: "groups starting with system: are reserved for Kubernetes"');
  }
  if (!rules.length) return [];
  return [
    '    # Added by the migration (the flags had no such guard): without a prefix the identity provider',
    '    # could hand out system: names, e.g. the group system:masters (cluster-admin).',
    '    userValidationRules:',
    ...rules,
  ];
}
