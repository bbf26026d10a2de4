import type { Finding, Fix, TextEdit } from '../../engine/findings.js';
import { mergeEdits } from '../fixes.js';
import { buildAuthenticationConfig, isOidcFlag } from './authnMigration.js';
import { FLAG_CODES as CODES } from './codes.js';
import { lastUse, usesOf, type FlagSet, type FlagUse } from './flagSet.js';
import { finding, gateDisabled } from './ruleKit.js';

/** kube-apiserver authentication flag rules (research notes §2). */

const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

/** Where a migrated file goes on the node when nothing says otherwise. */
function defaultConfigDir(set: FlagSet): string {
  return set.format === 'k3s' ? '/etc/rancher/k3s/' : '/etc/kubernetes/';
}

function migrationFix(set: FlagSet, version: string, oidc: FlagUse[], existingPath: string | undefined): Fix | undefined {
  // No trustworthy edits (e.g. a kind patch written as a folded string): no half-done migration.
  if (oidc.some((f) => !f.remove.length)) return undefined;
  const relativePath = existingPath ? 'authentication-config.from-oidc-flags.yaml' : 'authentication-config.yaml';
  const targetPath = existingPath ? undefined : defaultConfigDir(set) + relativePath;
  const migration = buildAuthenticationConfig(set, version, { existingPath, targetPath });
  if (!migration) return undefined;
  let edits: TextEdit[];
  if (targetPath) {
    // Without --authentication-config yet: the issuer flag becomes it, the other --oidc-* go.
    const keep = lastUse(set, 'oidc-issuer-url')!;
    const replaced = keep.replaceWith('authentication-config', targetPath);
    if (!replaced.length) return undefined;
    edits = [...replaced, ...oidc.filter((f) => f !== keep).flatMap((f) => f.remove)];
  } else {
    edits = oidc.flatMap((f) => f.remove);
  }
  const dropped = migration.noEquivalent.length ? `; no equivalent for ${migration.noEquivalent.map((f) => f.replace(/=.*/, '')).join(', ')}` : '';
  return {
    title: `Migrate --oidc-* flags to an AuthenticationConfiguration (creates ${relativePath}${dropped})`,
    edits: mergeEdits(edits),
    createFile: { relativePath, content: migration.content },
  };
}

/** Go's url.Parse + the apiserver's issuer URL checks, for what a flag value can get wrong. */
function issuerProblem(url: string): string | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'https') return 'URL scheme must be https';
  if (/^https:\/\/[^/?#]*@/i.test(url)) return 'URL must not contain a username or password';
  if (url.includes('?')) return 'URL must not contain a query';
  if (url.includes('#')) return 'URL must not contain a fragment';
  return undefined;
}

/**
 * The flags become a JWT authenticator that may not claim a service-account issuer (1.30+).
 * kubeadm passes --service-account-issuer=https://kubernetes.default.svc.cluster.local itself
 * unless extraArgs set one (a custom networking.dnsDomain is not taken into account).
 */
function serviceAccountOverlap(set: FlagSet, url: string): string | undefined {
  let issuers = usesOf(set, 'service-account-issuer').map((f) => f.value ?? '');
  if (issuers.length === 0 && set.format === 'kubeadm') issuers = ['https://kubernetes.default.svc.cluster.local'];
  // Go prints the []string with %v: space-separated in brackets.
  return issuers.includes(url) ? `URL must not overlap with disallowed issuers: [${issuers.join(' ')}]` : undefined;
}

export function authenticationFindings(set: FlagSet, version: string): Finding[] {
  const out: Finding[] = [];
  const oidc = set.flags.filter((f) => isOidcFlag(f.name));
  const authnConfig = lastUse(set, 'authentication-config');
  const configPath = authnConfig?.value;

  if (configPath) {
    const fix = migrationFix(set, version, oidc, configPath);
    for (const f of oidc) {
      out.push(finding(f.at, 'error', CODES.authnConfigWithOidcFlags, 'authentication-config file and oidc-* flags are mutually exclusive', fix ? [fix] : []));
    }
    // The gate is locked on from 1.34 (GA); before that it can be switched off.
    if (/^1\.3[0-3]$/.test(version) && gateDisabled(set, 'StructuredAuthenticationConfiguration')) {
      out.push(finding(authnConfig!.at, 'error', CODES.structuredConfigGateOff, 'set --feature-gates=StructuredAuthenticationConfiguration=true to use authentication-config file'));
    }
    return out;
  }
  if (oidc.length === 0) return out;

  const issuer = lastUse(set, 'oidc-issuer-url');
  const clientId = lastUse(set, 'oidc-client-id');
  if (!issuer?.value || !clientId?.value) {
    out.push(finding(oidc[0].at, 'error', CODES.oidcIncomplete, 'oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set'));
  }
  const urlProblem = issuer?.value ? issuerProblem(issuer.value) : undefined;
  const overlap = issuer?.value && !urlProblem ? serviceAccountOverlap(set, issuer.value) : undefined;
  const problem = urlProblem ?? overlap;
  if (issuer && problem) {
    const code = urlProblem ? CODES.oidcIssuerNotHttps : CODES.oidcIssuerIsServiceAccountIssuer;
    out.push(finding(issuer.at, 'error', code, `invalid authentication configuration: jwt[0].issuer.url: Invalid value: ${JSON.stringify(issuer.value)}: ${problem}`));
  }
  for (const use of usesOf(set, 'oidc-signing-algs')) {
    for (const alg of (use.value ?? '').split(',').map((a) => a.trim())) {
      if (alg && !SIGNING_ALGS.includes(alg)) out.push(finding(use.at, 'error', CODES.oidcUnsupportedAlg, `oidc: unsupported signing alg: ${JSON.stringify(alg)}`));
    }
  }
  if (issuer?.value && clientId?.value) {
    // A file built from an invalid issuer would fail in turn; fix the issuer first.
    const fix = problem ? undefined : migrationFix(set, version, oidc, undefined);
    out.push(finding(issuer.at, 'hint', CODES.oidcFlagsLegacy,
      '--oidc-* flags can be replaced by an AuthenticationConfiguration file (--authentication-config): several issuers and audiences, CEL claim mappings and validation rules, reloaded without restarting kube-apiserver.',
      fix ? [fix] : []));
  }
  return out;
}
