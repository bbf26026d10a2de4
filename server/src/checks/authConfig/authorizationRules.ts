import { authorizationEnvironment } from '../../cel/environments.js';
import type { KubernetesVersion } from '../../engine/options.js';
import { AUTH_CODES as C } from './codes.js';
import type { CelHook } from './celHook.js';
import { dns1123SubdomainErrors } from './dnsNames.js';
import { FieldErrors } from './fieldErrors.js';
import { asStruct, isSet, list, str, struct, type GoObject } from './goData.js';
import { formatGoDuration, parseGoDuration, SECOND_NS } from './goDuration.js';
import { removeFix, setFix } from './quickFixes.js';
import type { FieldPath } from './yamlLocate.js';

/**
 * ValidateAuthorizationConfiguration / ValidateWebhookConfiguration (kubernetes/apiserver
 * pkg/apis/apiserver/validation/validation.go) with kube-apiserver's known types, plus
 * kube-apiserver's own rules (pkg/kubeapiserver/authorizer/config.go). Research notes §4.3, §4.4.
 */

/** kube-apiserver's authorizer types, in the sorted order NotSupported prints them. */
const KNOWN_TYPES = ['ABAC', 'AlwaysAllow', 'AlwaysDeny', 'Node', 'RBAC', 'Webhook'];
const REPEATABLE_TYPES = new Set(['Webhook']);
const MAX_MATCH_CONDITIONS = 64;

export interface AuthorizationRuleOptions {
  version: KubernetesVersion;
  cel: CelHook;
}

export function validateAuthorization(data: unknown, o: AuthorizationRuleOptions): FieldErrors {
  const errs = new FieldErrors(C.authzAuthorizers);
  const authorizers = list(data, 'authorizers');
  if (authorizers.length === 0) errs.required(['authorizers'], 'at least one authorization mode must be defined');

  const seenTypes = new Set<string>();
  const seenNames = new Set<string>();
  // In these loops `return` is Go's `continue`: the rest of the entry is not validated.
  authorizers.forEach((raw, i) => {
    const a = asStruct(raw);
    const at: FieldPath = ['authorizers', i];
    const type = str(a, 'type');
    if (type === '') return void errs.required([...at, 'type']);
    if (!KNOWN_TYPES.includes(type)) return void errs.notSupported([...at, 'type'], type, KNOWN_TYPES);
    if (seenTypes.has(type) && !REPEATABLE_TYPES.has(type)) return void errs.duplicate([...at, 'type'], type);
    seenTypes.add(type);

    const name = str(a, 'name');
    if (name === '') errs.required([...at, 'name'], undefined, C.authzName);
    else if (seenNames.has(name)) errs.duplicate([...at, 'name'], name, C.authzName);
    else {
      const nameErrs = dns1123SubdomainErrors(name);
      if (nameErrs.length) errs.invalid([...at, 'name'], name, `authorizer name is invalid: ${nameErrs.join(', ')}`, C.authzName);
    }
    seenNames.add(name);

    if (type === 'Webhook') {
      if (!isSet(a, 'webhook')) return void errs.required([...at, 'webhook'], 'required when type=Webhook', C.authzWebhook);
      validateWebhook(errs, struct(a, 'webhook'), at, o);
    } else if (isSet(a, 'webhook')) {
      errs.invalid([...at, 'webhook'], 'non-null', 'may only be specified when type=Webhook', C.authzWebhook).fixes = [
        removeFix('Remove the webhook section', at, 'webhook'),
      ];
    }
  });

  // kube-apiserver checks names only once the generic validation passed (LoadAndValidateData).
  if (errs.count === 0) {
    authorizers.forEach((raw, i) => {
      const type = str(raw, 'type');
      const name = str(raw, 'name');
      if (type !== 'Webhook' && name !== type.toLowerCase()) {
        const expected = type.toLowerCase();
        errs.message(['authorizers', i, 'name'], `expected name ${expected} for authorizer ${type} instead of ${name}`, C.authzName).fixes = [
          setFix(`Rename to ${expected}`, ['authorizers', i], 'name', expected),
        ];
      }
    });
  }
  lintAlwaysAllow(errs, authorizers);
  return errs;
}

/** Not an apiserver rule: AlwaysAllow makes every later authorizer (and any deny) unreachable. */
function lintAlwaysAllow(errs: FieldErrors, authorizers: unknown[]): void {
  authorizers.forEach((raw, i) => {
    if (str(raw, 'type') !== 'AlwaysAllow') return;
    const after = authorizers.length - i - 1;
    const tail = after > 0 ? `; the ${after} authorizer${after > 1 ? 's' : ''} after it ${after > 1 ? 'are' : 'is'} never consulted` : '';
    errs.message(['authorizers', i, 'type'], `AlwaysAllow authorizes every request that reaches it, including anonymous ones${tail}`, C.authzAlwaysAllow);
  });
}

/** A duration field: decoded like metav1.Duration (a decode error makes the file unloadable). */
function duration(errs: FieldErrors, w: GoObject, field: string, at: FieldPath): bigint | undefined {
  const text = str(w, field);
  if (text === '') return 0n;
  const parsed = parseGoDuration(text);
  if (parsed.ok) return parsed.ns;
  errs.message(at, `${parsed.error} (the apiserver cannot decode ${field})`, C.decoding);
  return undefined;
}

function validateWebhook(errs: FieldErrors, w: GoObject, authorizerAt: FieldPath, o: AuthorizationRuleOptions): void {
  // The apiserver validates webhook fields under the authorizer's path, without "webhook.".
  const field = (...rest: (string | number)[]) => ({ at: [...authorizerAt, 'webhook', ...rest], shownAt: [...authorizerAt, ...rest] });
  const webhookAt: FieldPath = [...authorizerAt, 'webhook'];
  const W = C.authzWebhook;

  const timeout = field('timeout');
  const t = duration(errs, w, 'timeout', timeout.at);
  if (t === 0n) errs.required(timeout, undefined, W);
  else if (t !== undefined && (t > 30n * SECOND_NS || t < 0n)) {
    const e = errs.invalid(timeout, formatGoDuration(t), 'must be > 0s and <= 30s', W);
    if (t > 0n) e.fixes = [setFix('Set timeout to 30s, the maximum', webhookAt, 'timeout', '30s')];
  }
  // authorizedTTL and unauthorizedTTL are defaulted (5m0s, 30s) when zero, so only negatives fail.
  for (const ttl of ['authorizedTTL', 'unauthorizedTTL']) {
    const f = field(ttl);
    const d = duration(errs, w, ttl, f.at);
    if (d !== undefined && d < 0n) errs.invalid(f, formatGoDuration(d), 'must be > 0s', W);
  }

  const sar = field('subjectAccessReviewVersion');
  const sarVersion = str(w, 'subjectAccessReviewVersion');
  if (sarVersion === '') errs.required(sar, undefined, W);
  else if (sarVersion !== 'v1' && sarVersion !== 'v1beta1') {
    errs.notSupported(sar, sarVersion, ['v1', 'v1beta1'], W).fixes = [setFix('Use v1', webhookAt, 'subjectAccessReviewVersion', 'v1')];
  }

  const matchConditions = list(w, 'matchConditions');
  const mcSar = field('matchConditionSubjectAccessReviewVersion');
  const mcSarVersion = str(w, 'matchConditionSubjectAccessReviewVersion');
  if (mcSarVersion === '') {
    if (matchConditions.length > 0) errs.required(mcSar, 'required if match conditions are specified', W).fixes = [setV1MatchConditionVersion(webhookAt)];
  } else if (mcSarVersion !== 'v1') errs.notSupported(mcSar, mcSarVersion, ['v1'], W).fixes = [setV1MatchConditionVersion(webhookAt)];

  const fp = field('failurePolicy');
  const failurePolicy = str(w, 'failurePolicy');
  if (failurePolicy === '') errs.required(fp, undefined, W);
  else if (failurePolicy !== 'NoOpinion' && failurePolicy !== 'Deny') {
    // A wrong case ("deny") gets its value as the preferred fix; otherwise both, neither preferred.
    const meant = ['NoOpinion', 'Deny'].find((v) => v.toLowerCase() === failurePolicy.toLowerCase());
    errs.notSupported(fp, failurePolicy, ['NoOpinion', 'Deny'], W).fixes = ['Deny', 'NoOpinion'].map((v) =>
      setFix(`Use ${v}`, webhookAt, 'failurePolicy', v, v === meant),
    );
  }

  validateConnectionInfo(errs, struct(w, 'connectionInfo'), field);
  validateMatchConditions(errs, matchConditions, field, o);
}

type FieldOf = (...rest: (string | number)[]) => { at: FieldPath; shownAt: FieldPath };

function setV1MatchConditionVersion(webhookAt: FieldPath) {
  return setFix('Set matchConditionSubjectAccessReviewVersion: v1', webhookAt, 'matchConditionSubjectAccessReviewVersion', 'v1');
}

function validateConnectionInfo(errs: FieldErrors, ci: GoObject, field: FieldOf): void {
  const K = C.authzConnection;
  const type = field('connectionInfo', 'type');
  const file = field('connectionInfo', 'kubeConfigFile');
  const fileSet = isSet(ci, 'kubeConfigFile');
  const path = str(ci, 'kubeConfigFile');
  switch (str(ci, 'type')) {
    case '':
      errs.required(type, undefined, K);
      break;
    case 'InClusterConfig':
      if (fileSet) errs.invalid(file, path, 'can only be set when type=KubeConfigFile', K);
      // Documented as not allowed for kube-apiserver, which reads kubeConfigFile unconditionally.
      const e = errs.invalid(type, 'InClusterConfig', 'not allowed for kube-apiserver, which can only reach an authorization webhook through a kubeConfigFile', K);
      if (path.startsWith('/')) e.fixes = [setFix('Use type KubeConfigFile (with the kubeConfigFile given)', type.at.slice(0, -1), 'type', 'KubeConfigFile')];
      break;
    case 'KubeConfigFile':
      if (path === '') errs.required(file, undefined, K);
      else if (!path.startsWith('/')) errs.invalid(file, path, 'must be an absolute path', K);
      break;
    default: {
      // The apiserver prints the whole struct (%#v); a set pointer prints as an address.
      const goStruct = `apiserver.WebhookConnectionInfo{Type:${JSON.stringify(str(ci, 'type'))}, KubeConfigFile:(*string)(${fileSet ? '0xc000…' : 'nil'})}`;
      errs.notSupported(type, { goSyntax: goStruct }, ['InClusterConfig', 'KubeConfigFile'], K);
    }
  }
}

function validateMatchConditions(errs: FieldErrors, conditions: unknown[], field: FieldOf, o: AuthorizationRuleOptions): void {
  const M = C.authzMatchConditions;
  if (conditions.length > MAX_MATCH_CONDITIONS) {
    const f = field('matchConditions');
    errs.tooMany(f, conditions.length, MAX_MATCH_CONDITIONS, M);
    return;
  }
  const seen = new Set<string>();
  const env = { key: `authorization@${o.version}`, build: () => authorizationEnvironment({ version: o.version }) };
  conditions.forEach((raw, j) => {
    const f = field('matchConditions', j, 'expression');
    const expression = str(raw, 'expression');
    if (expression.trim() === '') {
      errs.required(f, undefined, M);
      return;
    }
    if (seen.has(expression)) {
      errs.duplicate(f, expression, M);
      return;
    }
    seen.add(expression);
    // A CEL error is a generic validation error too (it holds back the naming rule).
    if (!o.cel.check(f.at, f.shownAt, env).ok) errs.celFailures++;
  });
}
