import { registerCodes } from '../../engine/codes.js';

/**
 * Codes of the AuthorizationConfiguration / AuthenticationConfiguration checks: one per category
 * of apiserver rule, the message says which rule. KCG50xx both kinds, KCG51xx authorization,
 * KCG52xx authentication. Documented in examples/security/AUTH-CODES.md.
 */
export const AUTH_CODES = {
  decoding: 'KCG5001',
  version: 'KCG5002',
  featureGate: 'KCG5003',

  authzAuthorizers: 'KCG5101',
  authzName: 'KCG5102',
  authzWebhook: 'KCG5103',
  authzConnection: 'KCG5104',
  authzMatchConditions: 'KCG5105',
  authzAlwaysAllow: 'KCG5106',

  authnJwtList: 'KCG5201',
  authnIssuerUrl: 'KCG5202',
  authnAudiences: 'KCG5203',
  authnIssuerConnection: 'KCG5204',
  authnClaimValidation: 'KCG5205',
  authnClaimMappings: 'KCG5206',
  authnEmailVerified: 'KCG5207',
  authnUserValidation: 'KCG5208',
  authnAnonymous: 'KCG5209',
  authnServiceAccountIssuer: 'KCG5210',
  authnSystemNames: 'KCG5211',
} as const;

const C = AUTH_CODES;

registerCodes([
  { code: C.decoding, name: 'auth-config-decoding', defaultSeverity: 'error', title: 'An unknown field or a value of the wrong type: the apiserver decodes these files strictly and refuses to start (or to reload).' },
  { code: C.version, name: 'auth-config-version', defaultSeverity: 'error', title: 'The apiVersion or a field is not known to the selected Kubernetes version, so the apiserver cannot load the file.' },
  { code: C.featureGate, name: 'auth-config-feature-gate', defaultSeverity: 'warning', title: 'A section needs a feature gate that is off by default in the selected Kubernetes version.' },

  { code: C.authzAuthorizers, name: 'authz-authorizers', defaultSeverity: 'error', title: 'The authorizer list or an authorizer type is invalid (none defined, unknown type, Node/RBAC/... repeated).' },
  { code: C.authzName, name: 'authz-authorizer-name', defaultSeverity: 'error', title: 'An authorizer name is missing, duplicated, not a DNS-1123 subdomain, or not the lower-cased type kube-apiserver requires.' },
  { code: C.authzWebhook, name: 'authz-webhook', defaultSeverity: 'error', title: 'A webhook authorizer setting is invalid (timeout, cache TTLs, SubjectAccessReview versions, failurePolicy, webhook section present or missing).' },
  { code: C.authzConnection, name: 'authz-webhook-connection', defaultSeverity: 'error', title: 'A webhook connectionInfo is invalid: unknown type, missing or relative kubeConfigFile, or InClusterConfig, which kube-apiserver cannot use.' },
  { code: C.authzMatchConditions, name: 'authz-match-conditions', defaultSeverity: 'error', title: 'Webhook matchConditions are invalid: more than 64, blank or duplicate expressions, or an expression that does not evaluate to bool.' },
  { code: C.authzAlwaysAllow, name: 'authz-always-allow', defaultSeverity: 'warning', title: 'An AlwaysAllow authorizer allows every request that reaches it; authorizers after it are never consulted.' },

  { code: C.authnJwtList, name: 'authn-jwt-authenticators', defaultSeverity: 'error', title: 'Too many JWT authenticators.' },
  { code: C.authnIssuerUrl, name: 'authn-issuer-url', defaultSeverity: 'error', title: 'An issuer url or discoveryURL is missing, not https, has user info, a query or a fragment, does not parse, or is used twice.' },
  { code: C.authnAudiences, name: 'authn-audiences', defaultSeverity: 'error', title: 'Issuer audiences are missing, empty or duplicated, or audienceMatchPolicy does not fit them.' },
  { code: C.authnIssuerConnection, name: 'authn-issuer-connection', defaultSeverity: 'error', title: 'An issuer certificateAuthority holds no valid PEM certificate, or egressSelectorType is not controlplane or cluster.' },
  { code: C.authnClaimValidation, name: 'authn-claim-validation-rules', defaultSeverity: 'error', title: 'A claimValidationRule mixes claim and expression, misses both, is duplicated, or its expression does not evaluate to bool.' },
  { code: C.authnClaimMappings, name: 'authn-claim-mappings', defaultSeverity: 'error', title: 'A claim mapping is invalid: claim and expression both or neither set, prefix missing or misplaced, or a bad, reserved or duplicate extra key.' },
  { code: C.authnEmailVerified, name: 'authn-email-not-verified', defaultSeverity: 'error', title: 'The username comes from claims.email but claims.email_verified is never checked, so unverified addresses could be used as identities; the apiserver rejects this.' },
  { code: C.authnUserValidation, name: 'authn-user-validation-rules', defaultSeverity: 'error', title: 'A userValidationRule expression is missing, duplicated, or does not evaluate to bool.' },
  { code: C.authnAnonymous, name: 'authn-anonymous', defaultSeverity: 'error', title: 'The anonymous section has conditions while anonymous authentication is disabled.' },
  { code: C.authnServiceAccountIssuer, name: 'authn-service-account-issuer-overlap', defaultSeverity: 'warning', title: "A JWT issuer url is the service-account issuer common clusters use (kubeadm's default); the apiserver rejects a JWT issuer equal to any --service-account-issuer." },
  { code: C.authnSystemNames, name: 'authn-unprefixed-system-names', defaultSeverity: 'warning', title: 'A username or groups claim is mapped without a prefix and no userValidationRule rejects system: names, so the identity provider decides who becomes e.g. system:masters.' },
]);
