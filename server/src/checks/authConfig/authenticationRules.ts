import { authenticationEnvironment, type AuthenticationField } from '../../cel/environments.js';
import type { AstNode } from '../../cel/parse.js';
import { AUTH_CODES as C } from './codes.js';
import { selectsField } from './celHook.js';
import type { AuthenticationRuleOptions, AuthnContext } from './authnContext.js';
import { validateIssuer } from './authnIssuerRules.js';
import { domainPrefixedPathErrors, isKubernetesDomainPrefix } from './dnsNames.js';
import { FieldErrors } from './fieldErrors.js';
import { minorOf } from './fieldVersions.js';
import { asStruct, bool, isSet, list, str, struct, type GoObject } from './goData.js';
import { removeFix, setFix, type FixIntent } from './quickFixes.js';
import { lintSystemNames } from './systemNamesLint.js';
import type { FieldPath } from './yamlLocate.js';

/**
 * ValidateAuthenticationConfiguration (kubernetes/apiserver pkg/apis/apiserver/validation/
 * validation.go), research notes §5.3: same order, same texts, including the wording of the
 * release the user selected (1.34 rewrote several details).
 */

const MAX_JWT_AUTHENTICATORS = 64;

/** The companion rule the Kubernetes docs recommend for username expressions using claims.email. */
const REQUIRE_VERIFIED_EMAIL = (authenticatorAt: FieldPath): FixIntent => ({
  kind: 'append',
  title: 'Require a verified email: add the claim validation rule claims.?email_verified.orValue(true) == true',
  map: authenticatorAt,
  listKey: 'claimValidationRules',
  itemText: 'expression: "claims.?email_verified.orValue(true) == true"\nmessage: the email address must be verified',
  preferred: true,
});

export type { AuthenticationRuleOptions } from './authnContext.js';
export { COMMON_SERVICE_ACCOUNT_ISSUERS } from './authnIssuerRules.js';

export function validateAuthentication(data: unknown, o: AuthenticationRuleOptions): FieldErrors {
  const minor = minorOf(o.version);
  const cx: AuthnContext = { errs: new FieldErrors(C.authnJwtList), o, minor, legacy: minor < 34 };
  const jwts = list(data, 'jwt');
  if (jwts.length > MAX_JWT_AUTHENTICATORS) {
    cx.errs.tooMany(['jwt'], jwts.length, MAX_JWT_AUTHENTICATORS);
    return cx.errs;
  }
  const seenIssuers = new Set<string>();
  const seenDiscoveryURLs = new Set<string>();
  // In the loops of this module `return` is Go's `continue`: the rest of the entry is skipped.
  jwts.forEach((raw, i) => {
    const a = asStruct(raw);
    validateJwtAuthenticator(cx, a, ['jwt', i]);
    const issuer = struct(a, 'issuer');
    const url = str(issuer, 'url');
    if (seenIssuers.has(url)) cx.errs.duplicate(['jwt', i, 'issuer', 'url'], url, C.authnIssuerUrl);
    seenIssuers.add(url);
    const discoveryURL = str(issuer, 'discoveryURL');
    if (discoveryURL !== '') {
      if (seenDiscoveryURLs.has(discoveryURL)) cx.errs.duplicate(['jwt', i, 'issuer', 'discoveryURL'], discoveryURL, C.authnIssuerUrl);
      seenDiscoveryURLs.add(discoveryURL);
    }
  });
  if (isSet(data, 'anonymous')) validateAnonymous(cx, struct(data as GoObject, 'anonymous'));
  return cx.errs;
}

function validateAnonymous(cx: AuthnContext, anonymous: GoObject): void {
  if (cx.minor === 31) {
    // AnonymousAuthConfigurableEndpoints is alpha (off by default) only in 1.31; the misspelt
    // gate name is the apiserver's own text in 1.31-1.34.
    const e = cx.errs.forbidden(['anonymous'], 'anonymous is not supported when AnonymousAuthConfigurableEnpoints feature gate is disabled', C.featureGate);
    e.severity = 'warning';
    e.note = 'the gate is alpha and off by default in Kubernetes 1.31';
  }
  const conditions = list(anonymous, 'conditions');
  if (!bool(anonymous, 'enabled') && conditions.length > 0) {
    const goList = `[]apiserver.AnonymousAuthCondition{${conditions.map((c) => `apiserver.AnonymousAuthCondition{Path:${JSON.stringify(str(c, 'path'))}}`).join(', ')}}`;
    cx.errs.invalid(['anonymous', 'conditions'], { goSyntax: goList }, 'enabled should be set to true when conditions are defined', C.authnAnonymous).fixes = [
      setFix('Set enabled: true (anonymous requests only for these paths)', ['anonymous'], 'enabled', true),
      removeFix('Remove the conditions (no anonymous requests at all)', ['anonymous'], 'conditions', false),
    ];
  }
}

/** What one authenticator's rules learn about claims.email / claims.email_verified. */
interface EmailUse {
  usesEmail: boolean;
  usesEmailVerified: boolean;
}

function validateJwtAuthenticator(cx: AuthnContext, a: GoObject, at: FieldPath): void {
  const email: EmailUse = { usesEmail: false, usesEmailVerified: false };
  validateIssuer(cx, struct(a, 'issuer'), [...at, 'issuer']);
  validateClaimValidationRules(cx, list(a, 'claimValidationRules'), [...at, 'claimValidationRules'], email);
  validateClaimMappings(cx, struct(a, 'claimMappings'), [...at, 'claimMappings'], email);
  validateUserValidationRules(cx, list(a, 'userValidationRules'), [...at, 'userValidationRules']);
  lintSystemNames(cx.errs, a, at);
}

// ------------------------------------------------------------------------------------ CEL rules

function compile(cx: AuthnContext, at: FieldPath, field: AuthenticationField): { ok: boolean; ast?: AstNode } {
  const env = { key: `authentication.${field}@${cx.o.version}`, build: () => authenticationEnvironment({ version: cx.o.version, field }) };
  const result = cx.o.cel.check(at, at, env);
  if (!result.ok) cx.errs.celFailures++;
  return result;
}

function validateClaimValidationRules(cx: AuthnContext, rules: unknown[], at: FieldPath, email: EmailUse): void {
  const { errs } = cx;
  const V = C.authnClaimValidation;
  const seenClaims = new Set<string>();
  const seenExpressions = new Set<string>();
  rules.forEach((raw, i) => {
    const rule = asStruct(raw);
    const ruleAt: FieldPath = [...at, i];
    const claim = str(rule, 'claim');
    const expression = str(rule, 'expression');
    if (claim !== '' && expression !== '') return void errs.invalid(ruleAt, claim, "claim and expression can't both be set", V);
    if (claim === '' && expression === '') return void errs.required(ruleAt, 'claim or expression is required', V);
    if (claim !== '') {
      const message = str(rule, 'message');
      if (message !== '') {
        errs.invalid([...ruleAt, 'message'], message, cx.legacy ? "message can't be set when claim is set" : 'may not be specified when claim is set', V).fixes = [
          removeFix('Remove message', ruleAt, 'message'),
        ];
      }
      if (seenClaims.has(claim)) errs.duplicate([...ruleAt, 'claim'], claim, V);
      seenClaims.add(claim);
      return;
    }
    const requiredValue = str(rule, 'requiredValue');
    if (requiredValue !== '') {
      errs.invalid([...ruleAt, 'requiredValue'], requiredValue, cx.legacy ? "requiredValue can't be set when expression is set" : 'may not be specified when expression is set', V).fixes = [
        removeFix('Remove requiredValue', ruleAt, 'requiredValue'),
      ];
    }
    if (seenExpressions.has(expression)) return void errs.duplicate([...ruleAt, 'expression'], expression, V);
    seenExpressions.add(expression);
    const compiled = compile(cx, [...ruleAt, 'expression'], 'claimValidationRule');
    if (compiled.ok && selectsField(compiled.ast, 'claims', 'email_verified')) email.usesEmailVerified = true;
  });
}

/** validatePrefixClaimOrExpression; returns the compiled expression when the mapping had no error. */
function validatePrefixedClaimOrExpression(cx: AuthnContext, m: GoObject, at: FieldPath, required: boolean): AstNode | undefined {
  const { errs } = cx;
  const M = C.authnClaimMappings;
  const before = errs.count;
  const claim = str(m, 'claim');
  const expression = str(m, 'expression');
  let ast: AstNode | undefined;
  if (claim !== '' && expression !== '') errs.invalid(at, '', "claim and expression can't both be set", M);
  else if (claim === '' && expression === '' && required) errs.required(at, 'claim or expression is required', M);
  else if (expression !== '') {
    if (isSet(m, 'prefix')) {
      errs.invalid([...at, 'prefix'], str(m, 'prefix'), cx.legacy ? "prefix can't be set when expression is set" : 'may not be specified when expression is set', M).fixes = [removeFix('Remove prefix', at, 'prefix')];
    }
    ast = compile(cx, [...at, 'expression'], 'claimMapping').ast;
  } else if (claim !== '' && !isSet(m, 'prefix')) {
    errs.required([...at, 'prefix'], 'prefix is required when claim is set. It can be set to an empty string to disable prefixing', M).fixes = [
      setFix('Add prefix: "oidc:"', at, 'prefix', 'oidc:'),
      setFix('Add prefix: "" (no prefix)', at, 'prefix', '', false),
    ];
  }
  return errs.count === before ? ast : undefined;
}

function validateClaimMappings(cx: AuthnContext, m: GoObject, at: FieldPath, email: EmailUse): void {
  const { errs } = cx;
  const M = C.authnClaimMappings;
  const username = struct(m, 'username');
  const usernameAst = validatePrefixedClaimOrExpression(cx, username, [...at, 'username'], true);
  if (usernameAst) {
    email.usesEmail = selectsField(usernameAst, 'claims', 'email');
    if (selectsField(usernameAst, 'claims', 'email_verified')) email.usesEmailVerified = true;
  }
  validatePrefixedClaimOrExpression(cx, struct(m, 'groups'), [...at, 'groups'], false);

  const uid = struct(m, 'uid');
  if (str(uid, 'claim') !== '' && str(uid, 'expression') !== '') errs.invalid([...at, 'uid'], '', "claim and expression can't both be set", M);
  else if (str(uid, 'expression') !== '') compile(cx, [...at, 'uid', 'expression'], 'claimMapping');

  const seenKeys = new Set<string>();
  list(m, 'extra').forEach((raw, i) => {
    const extra = asStruct(raw);
    const keyAt: FieldPath = [...at, 'extra', i, 'key'];
    const key = str(extra, 'key');
    for (const e of domainPrefixedPathErrors(key)) {
      if (e.kind === 'required') errs.required(keyAt, undefined, M);
      else errs.invalid(keyAt, e.value, e.detail, M);
    }
    if (key !== key.toLowerCase()) {
      errs.invalid(keyAt, key, cx.legacy ? 'key must be lowercase' : 'must be lowercase', M).fixes = [
        setFix(`Use ${key.toLowerCase()}`, keyAt.slice(0, -1), 'key', key.toLowerCase()),
      ];
    }
    if (cx.minor >= 32 && isKubernetesDomainPrefix(key)) {
      errs.invalid(keyAt, key, 'k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use', M);
    }
    if (seenKeys.has(key)) return void errs.duplicate(keyAt, key, M);
    seenKeys.add(key);
    const valueAt: FieldPath = [...at, 'extra', i, 'valueExpression'];
    if (str(extra, 'valueExpression') === '') return void errs.required(valueAt, cx.legacy ? 'valueExpression is required' : undefined, M);
    const compiled = compile(cx, valueAt, 'extraValue');
    if (compiled.ok && selectsField(compiled.ast, 'claims', 'email_verified')) email.usesEmailVerified = true;
  });

  if (email.usesEmail && !email.usesEmailVerified) {
    errs.invalid(
      [...at, 'username', 'expression'],
      str(username, 'expression'),
      'claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression',
      C.authnEmailVerified,
    ).fixes = [REQUIRE_VERIFIED_EMAIL(at.slice(0, -1))];
  }
}

function validateUserValidationRules(cx: AuthnContext, rules: unknown[], at: FieldPath): void {
  const { errs } = cx;
  const U = C.authnUserValidation;
  const seen = new Set<string>();
  rules.forEach((raw, i) => {
    const exprAt: FieldPath = [...at, i, 'expression'];
    const expression = str(raw, 'expression');
    if (expression === '') return void errs.required(exprAt, cx.legacy ? 'expression is required' : undefined, U);
    if (seen.has(expression)) return void errs.duplicate(exprAt, expression, U);
    seen.add(expression);
    compile(cx, exprAt, 'userValidationRule');
  });
}
