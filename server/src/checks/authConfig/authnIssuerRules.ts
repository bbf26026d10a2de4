import { AUTH_CODES as C } from './codes.js';
import type { AuthnContext } from './authnContext.js';
import { str, list, type GoObject } from './goData.js';
import { parseGoUrl } from './goUrl.js';
import { removeFix, setFix } from './quickFixes.js';
import { certificateAuthorityError } from './pemCertificates.js';
import { formatFieldPath, type FieldPath } from './yamlLocate.js';

/** The `issuer` of a JWT authenticator (validateIssuer and its helpers in validation.go). */

/**
 * --service-account-issuer values most clusters use: kubeadm (and so kind, k3s) passes the first;
 * the second is the usual hand-made choice. The real flag is elsewhere, so a match is a warning.
 */
export const COMMON_SERVICE_ACCOUNT_ISSUERS = ['https://kubernetes.default.svc.cluster.local', 'https://kubernetes.default.svc'];

export function validateIssuer(cx: AuthnContext, issuer: GoObject, at: FieldPath): void {
  const { errs } = cx;
  const url = str(issuer, 'url');
  if (url === '') errs.required([...at, 'url'], cx.legacy ? 'URL is required' : undefined, C.authnIssuerUrl);
  else {
    checkServiceAccountIssuerOverlap(cx, url, [...at, 'url']);
    validateUrl(cx, url, [...at, 'url']);
  }

  const discoveryURL = str(issuer, 'discoveryURL');
  if (discoveryURL !== '') {
    if (url !== '' && url.replace(/\/+$/, '') === discoveryURL.replace(/\/+$/, '')) {
      errs.invalid([...at, 'discoveryURL'], discoveryURL, 'discoveryURL must be different from URL', C.authnIssuerUrl).fixes = [
        removeFix('Remove discoveryURL (discovery then uses {url}/.well-known/openid-configuration)', at, 'discoveryURL'),
      ];
    }
    // Not an issuer: exempt from the service-account issuer rule.
    validateUrl(cx, discoveryURL, [...at, 'discoveryURL']);
  }

  validateAudiences(cx, issuer, at);

  const ca = str(issuer, 'certificateAuthority');
  const caError = ca === '' ? undefined : certificateAuthorityError(ca);
  if (caError) errs.invalid([...at, 'certificateAuthority'], '<omitted>', caError, C.authnIssuerConnection);

  const egress = str(issuer, 'egressSelectorType');
  if (egress !== '' && egress !== 'controlplane' && egress !== 'cluster') {
    const e = errs.invalid([...at, 'egressSelectorType'], egress, 'egress selector must be either controlplane or cluster', C.authnIssuerConnection);
    e.fixes = ['controlplane', 'cluster'].map((v) => setFix(`Use ${v}`, at, 'egressSelectorType', v, v === egress.toLowerCase()));
  }
}

function checkServiceAccountIssuerOverlap(cx: AuthnContext, url: string, at: FieldPath): void {
  const known = cx.o.serviceAccountIssuers;
  const disallowed = known ?? COMMON_SERVICE_ACCOUNT_ISSUERS.filter((i) => i === url);
  if (!disallowed.includes(url)) return;
  // Go prints the sorted set with %s: [a b].
  const e = cx.errs.invalid(at, url, `URL must not overlap with disallowed issuers: [${[...disallowed].sort().join(' ')}]`, C.authnServiceAccountIssuer);
  if (known) e.severity = 'error';
  else e.note = "if this cluster's --service-account-issuer is this URL, as kubeadm's default is";
}

function validateUrl(cx: AuthnContext, url: string, at: FieldPath): void {
  const { errs } = cx;
  const u = parseGoUrl(url);
  if (!u.ok) return void errs.invalid(at, url, u.error, C.authnIssuerUrl);
  if (u.scheme !== 'https') {
    const e = errs.invalid(at, url, 'URL scheme must be https', C.authnIssuerUrl);
    if (u.scheme === 'http') e.fixes = [setFix('Use https', at.slice(0, -1), String(at[at.length - 1]), url.replace(/^http:/i, 'https:'))];
  }
  if (u.hasUser) errs.invalid(at, url, 'URL must not contain a username or password', C.authnIssuerUrl);
  if (u.rawQuery !== '') errs.invalid(at, url, 'URL must not contain a query', C.authnIssuerUrl);
  if (u.fragment !== '') errs.invalid(at, url, 'URL must not contain a fragment', C.authnIssuerUrl);
}

function validateAudiences(cx: AuthnContext, issuer: GoObject, issuerAt: FieldPath): void {
  const { errs } = cx;
  const at: FieldPath = [...issuerAt, 'audiences'];
  const policyAt: FieldPath = [...issuerAt, 'audienceMatchPolicy'];
  const audiences = list(issuer, 'audiences');
  if (audiences.length === 0) return void errs.required(at, `at least one ${formatFieldPath(at)} is required`, C.authnAudiences);
  const seen = new Set<string>();
  audiences.forEach((raw, i) => {
    const audience = typeof raw === 'string' ? raw : '';
    if (audience === '') errs.required([...at, i], cx.legacy ? "audience can't be empty" : undefined, C.authnAudiences);
    if (seen.has(audience)) errs.duplicate([...at, i], audience, C.authnAudiences);
    seen.add(audience);
  });
  const policy = str(issuer, 'audienceMatchPolicy');
  if (audiences.length > 1 && policy !== 'MatchAny') {
    errs.invalid(policyAt, policy, 'audienceMatchPolicy must be MatchAny for multiple audiences', C.authnAudiences).fixes = [matchAny(issuerAt)];
  }
  if (audiences.length === 1 && policy !== '' && policy !== 'MatchAny') {
    errs.invalid(policyAt, policy, 'audienceMatchPolicy must be empty or MatchAny for single audience', C.authnAudiences).fixes = [matchAny(issuerAt)];
  }
}

function matchAny(issuerAt: FieldPath) {
  return setFix('Set audienceMatchPolicy: MatchAny', issuerAt, 'audienceMatchPolicy', 'MatchAny');
}

