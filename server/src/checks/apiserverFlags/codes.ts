import { registerCodes } from '../../engine/codes.js';

export const FLAG_CODES = {
  authnConfigWithOidcFlags: 'KCG4001',
  authzConfigWithLegacyFlags: 'KCG4002',
  authzModeInvalid: 'KCG4003',
  authzModeRepeated: 'KCG4004',
  authzModeMissingFile: 'KCG4005',
  authzFileWithoutMode: 'KCG4006',
  authzAlwaysAllow: 'KCG4007',
  oidcIncomplete: 'KCG4008',
  oidcIssuerNotHttps: 'KCG4009',
  oidcUnsupportedAlg: 'KCG4010',
  oidcFlagsLegacy: 'KCG4011',
  flagOverridden: 'KCG4012',
  structuredConfigGateOff: 'KCG4013',
  oidcIssuerIsServiceAccountIssuer: 'KCG4014',
} as const;

registerCodes([
  { code: FLAG_CODES.authnConfigWithOidcFlags, name: 'authentication-config-with-oidc-flags', defaultSeverity: 'error', title: '--authentication-config together with any --oidc-* flag: kube-apiserver refuses to start.' },
  { code: FLAG_CODES.authzConfigWithLegacyFlags, name: 'authorization-config-with-mode-flags', defaultSeverity: 'error', title: '--authorization-config together with --authorization-mode or --authorization-webhook-*: kube-apiserver refuses to start.' },
  { code: FLAG_CODES.authzModeInvalid, name: 'authorization-mode-invalid', defaultSeverity: 'error', title: 'An --authorization-mode entry kube-apiserver does not know (modes are case-sensitive): it refuses to start.' },
  { code: FLAG_CODES.authzModeRepeated, name: 'authorization-mode-repeated', defaultSeverity: 'error', title: 'A mode listed twice in --authorization-mode: kube-apiserver refuses to start.' },
  { code: FLAG_CODES.authzModeMissingFile, name: 'authorization-mode-missing-file', defaultSeverity: 'error', title: 'Mode ABAC or Webhook without its policy/config file flag: kube-apiserver refuses to start.' },
  { code: FLAG_CODES.authzFileWithoutMode, name: 'authorization-file-without-mode', defaultSeverity: 'error', title: 'An ABAC policy file or authorization webhook config without the matching mode: kube-apiserver refuses to start.' },
  { code: FLAG_CODES.authzAlwaysAllow, name: 'authorization-always-allow', defaultSeverity: 'warning', title: 'AlwaysAllow authorization (explicit, or the default without any authorization flag): every request is allowed.' },
  { code: FLAG_CODES.oidcIncomplete, name: 'oidc-flags-incomplete', defaultSeverity: 'error', title: '--oidc-* flags without both --oidc-issuer-url and --oidc-client-id: kube-apiserver refuses to start.' },
  { code: FLAG_CODES.oidcIssuerNotHttps, name: 'oidc-issuer-not-https', defaultSeverity: 'error', title: '--oidc-issuer-url is not an https URL: kube-apiserver refuses to start.' },
  { code: FLAG_CODES.oidcUnsupportedAlg, name: 'oidc-unsupported-signing-alg', defaultSeverity: 'error', title: '--oidc-signing-algs names an algorithm kube-apiserver does not support: it refuses to start.' },
  { code: FLAG_CODES.oidcFlagsLegacy, name: 'oidc-flags-legacy', defaultSeverity: 'hint', title: '--oidc-* flags can move to an AuthenticationConfiguration file (multiple issuers, CEL mappings, hot reload).' },
  { code: FLAG_CODES.flagOverridden, name: 'apiserver-flag-overridden', defaultSeverity: 'warning', title: 'The same kube-apiserver flag is given twice with different values; only the last one takes effect.' },
  { code: FLAG_CODES.structuredConfigGateOff, name: 'structured-config-feature-gate-off', defaultSeverity: 'error', title: '--authentication-config/--authorization-config with its feature gate turned off: kube-apiserver refuses to start.' },
  { code: FLAG_CODES.oidcIssuerIsServiceAccountIssuer, name: 'oidc-issuer-is-service-account-issuer', defaultSeverity: 'error', title: '--oidc-issuer-url equals a --service-account-issuer: kube-apiserver refuses to start (1.30+).' },
]);
