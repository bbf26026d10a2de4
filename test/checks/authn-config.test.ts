import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { KubernetesVersion } from '../../server/src/engine/options.js';
import { assertEveryFixRemovesItsFinding, fixed } from './fixHelpers.js';
import { authConfigFieldDoc } from '../../server/src/checks/authConfig/schemaLookup.js';

/**
 * AuthenticationConfiguration checks, as a user sees them: code, severity, the exact text
 * underlined (and its line), message. Reference: ../shared/docs/apiserver-config-checks.md §5.
 */

const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const readShared = (rel: string) => fs.readFileSync(SHARED + rel, 'utf8');

interface Seen {
  line: number;
  text: string;
  code: string;
  severity: string;
  message: string;
}

/** Findings of the auth-config checks (KCG5xxx) and of the CEL in them (KCG1xxx), in file order. */
function findings(text: string, version: KubernetesVersion = '1.35'): Seen[] {
  return analyzeText(text, { kubernetesVersion: version })
    .filter((f) => /^KCG[15]/.test(f.code) || f.code === 'KCG2999')
    .sort((a, b) => a.start - b.start || a.message.localeCompare(b.message))
    .map((f) => ({
      line: text.slice(0, f.start).split('\n').length,
      text: text.slice(f.start, f.end),
      code: f.code,
      severity: f.severity,
      message: f.message,
    }));
}

/** Without line numbers, for small inline documents. */
const only = (text: string, version?: KubernetesVersion) =>
  findings(text, version).map(({ code, severity, text: covered, message }) => ({ code, severity, text: covered, message }));

const HEADER = 'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\n';

/** One JWT authenticator; `issuer` and `rest` are YAML lines at the authenticator's indentation. */
function jwt(o: { issuer?: string; rest?: string; header?: string } = {}): string {
  const issuer = o.issuer ?? 'url: https://issuer.example.com\n      audiences: [kubernetes]';
  const rest = o.rest ?? 'claimMappings:\n      username:\n        claim: sub\n        prefix: "oidc:"';
  return `${o.header ?? HEADER}jwt:\n  - issuer:\n      ${issuer}\n    ${rest}\n`;
}

/** A username mapped by expression, with `extra` lines appended under the authenticator. */
const withUsernameExpression = (expression: string, extra = '') =>
  jwt({ rest: `claimMappings:\n      username:\n        expression: ${JSON.stringify(expression)}\n${extra}` });

const EC_CERT = `-----BEGIN CERTIFICATE-----
MIIBfDCCASOgAwIBAgIUIZXcm8UT14HO1MFhk0GpcBDsPScwCgYIKoZIzj0EAwIw
EzERMA8GA1UEAwwIa2NnLXRlc3QwIBcNMjYxMTIyMDYyMDIxWhgPMjEyNjEwMjkw
NjIwMjFaMBMxETAPBgNVBAMMCGtjZy10ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEQq4aHkUP19l+bjpcV6KhftAuks+FEOYCcbM/ZUly8/f7Q7ji3cfE2Z/o
/rVH9+tkh76GI4hSosH/YJcJhU1B/aNTMFEwHQYDVR0OBBYEFNcKU9x1c1oV8hqH
6xM+slyuXzOeMB8GA1UdIwQYMBaAFNcKU9x1c1oV8hqH6xM+slyuXzOeMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgHeztGTg8Wr1lqOnDmeurlQIt
8Gf32PiJKA0w91yiWu4CICTTyd07pw5eQdF0hdBfHnhAkwQB4nZgWSkJMb7gCcwf
-----END CERTIFICATE-----`;

const blockScalar = (text: string, indent: string) => `|\n${text.split('\n').map((l) => indent + l).join('\n')}`;

/** kube-cel-guard's own (non-apiserver) lint on `username: {claim: sub, prefix: ""}`. */
const SUB_LINT =
  'username claim "sub" has no prefix and no userValidationRule rejects "system:" names: a token whose sub is system:kube-controller-manager gets that component\'s permissions. Set a prefix (e.g. "oidc:") or add a userValidationRule such as !user.username.startsWith(\'system:\')';

const EMAIL_RULE =
  'claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression';

describe('authentication-config-invalid.yaml (docs/apiserver-config-examples)', () => {
  const text = readShared('docs/apiserver-config-examples/authentication-config-invalid.yaml');

  // [line, text underlined, code, severity, message]: each message is a comment of the file.
  const expected: Array<[number, string, string, string, string]> = [
    [7, 'issuer', 'KCG5203', 'error', 'jwt[0].issuer.audienceMatchPolicy: Invalid value: "": audienceMatchPolicy must be MatchAny for multiple audiences'],
    [10, 'https://issuer.example.com/', 'KCG5202', 'error', 'jwt[0].issuer.discoveryURL: Invalid value: "https://issuer.example.com/": discoveryURL must be different from URL'],
    [13, 'kubernetes', 'KCG5203', 'error', 'jwt[0].issuer.audiences[1]: Duplicate value: "kubernetes"'],
    [15, 'internet', 'KCG5204', 'error', 'jwt[0].issuer.egressSelectorType: Invalid value: "internet": egress selector must be either controlplane or cluster'],
    [20, 'wrong domain', 'KCG5205', 'error', 'jwt[0].claimValidationRules[0].message: Invalid value: "wrong domain": may not be specified when claim is set'],
    [22, 'claims.exp', 'KCG1005', 'error', 'jwt[0].claimValidationRules[1].expression: Invalid value: "claims.exp": must evaluate to bool'],
    [24, 'username', 'KCG5206', 'error', 'jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set. It can be set to an empty string to disable prefixing'],
    [27, 'groups', 'KCG5206', 'error', 'jwt[0].claimMappings.groups: Invalid value: "": claim and expression can\'t both be set'],
    [34, 'example.com/Team', 'KCG5206', 'error', 'jwt[0].claimMappings.extra[0].key: Invalid value: "example.com/Team": must be lowercase'],
    [37, 'team', 'KCG5206', 'error', 'jwt[0].claimMappings.extra[1].key: Invalid value: "team": must be a domain-prefixed path (such as "acme.io/foo")'],
    [40, 'authentication.kubernetes.io/team', 'KCG5206', 'error', 'jwt[0].claimMappings.extra[2].key: Invalid value: "authentication.kubernetes.io/team": k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use'],
    [45, 'http://other.example.com?tenant=a', 'KCG5202', 'error', 'jwt[1].issuer.url: Invalid value: "http://other.example.com?tenant=a": URL must not contain a query'],
    [45, 'http://other.example.com?tenant=a', 'KCG5202', 'error', 'jwt[1].issuer.url: Invalid value: "http://other.example.com?tenant=a": URL scheme must be https'],
    [47, '[]', 'KCG5203', 'error', 'jwt[1].issuer.audiences: Required value: at least one jwt[1].issuer.audiences is required'],
    [51, 'claims.email', 'KCG5207', 'error', `jwt[1].claimMappings.username.expression: Invalid value: "claims.email": ${EMAIL_RULE}`],
    [54, 'https://issuer.example.com', 'KCG5202', 'error', 'jwt[2].issuer.url: Duplicate value: "https://issuer.example.com"'],
    [59, '""', 'KCG5211', 'info', SUB_LINT], // kube-cel-guard's own lint, not an apiserver error
    // Needs the --service-account-issuer flag to be certain: a warning naming kubeadm's default.
    [64, 'https://kubernetes.default.svc.cluster.local', 'KCG5210', 'warning', 'jwt[3].issuer.url: Invalid value: "https://kubernetes.default.svc.cluster.local": URL must not overlap with disallowed issuers: [https://kubernetes.default.svc.cluster.local]'],
    [69, '""', 'KCG5211', 'info', SUB_LINT],
    [72, 'user.username', 'KCG1005', 'error', 'jwt[3].userValidationRules[0].expression: Invalid value: "user.username": must evaluate to bool'],
    [76, 'conditions', 'KCG5209', 'error', 'anonymous.conditions: Invalid value: []apiserver.AnonymousAuthCondition{apiserver.AnonymousAuthCondition{Path:"/livez"}}: enabled should be set to true when conditions are defined'],
  ];

  test('every expected error, at its node, with the apiserver message, and nothing else', () => {
    const seen = findings(text).map((f) => (f.code === 'KCG5210' ? { ...f, message: f.message.replace(/ \(if this cluster.*\)$/, '') } : f));
    assert.deepEqual(
      seen,
      expected.map(([line, covered, code, severity, message]) => ({ line, text: covered, code, severity, message })),
    );
  });

  test('the table is the file: each apiserver message is one of its comments', () => {
    for (const [, , , , message] of expected.filter(([, , code]) => code !== 'KCG5211')) {
      const asComment = message.replace(/\[\]apiserver\.AnonymousAuthCondition\{.*\}\}/, '<Go-formatted list>');
      assert.ok(text.split('\n').some((l) => l.trimStart().startsWith('#') && l.includes(asComment)), asComment);
    }
  });

  test('the service-account overlap says why it is only a warning', () => {
    const overlap = findings(text).find((f) => f.code === 'KCG5210');
    assert.match(overlap?.message ?? '', /\(if this cluster's --service-account-issuer is this URL, as kubeadm's default is\)$/);
  });

  test('with 1.33, the messages use the wording before the 1.34 clean-up', () => {
    const old = findings(text.replace('/v1\n', '/v1beta1\n').replace(/^\s+egressSelectorType: internet\n/m, ''), '1.33');
    assert.ok(old.some((f) => f.message === 'jwt[0].claimValidationRules[0].message: Invalid value: "wrong domain": message can\'t be set when claim is set'));
    assert.ok(old.some((f) => f.message === 'jwt[0].claimMappings.extra[0].key: Invalid value: "example.com/Team": key must be lowercase'));
  });
});

describe('valid files give no findings', () => {
  const files = [
    'docs/apiserver-config-examples/authentication-config-valid.yaml',
    'corpus/apiserver/k8s-website/authn-valid-token.yaml',
    // SOURCES.md: valid configs whose failure is at token-evaluation time only.
    'corpus/apiserver/k8s-website/authn-fails-claim-validation.yaml',
    'corpus/apiserver/k8s-website/authn-fails-user-validation.yaml',
  ];
  for (const file of files) {
    test(file, () => assert.deepEqual(findings(readShared(file)), []));
  }
});

describe('corpus files SOURCES.md marks as not loadable as-is', () => {
  test('authn-reference-annotated.yaml: mutual exclusions and placeholders, but well-typed CEL', () => {
    const text = readShared('corpus/apiserver/k8s-website/authn-reference-annotated.yaml');
    assert.deepEqual(findings(text), [
      { line: 29, text: '<PEM encoded CA certificates>', code: 'KCG5204', severity: 'error', message: 'jwt[0].issuer.certificateAuthority: Invalid value: "<omitted>": data does not contain any valid RSA or ECDSA certificates' },
      { line: 45, text: '<egress-selector-type>', code: 'KCG5204', severity: 'error', message: 'jwt[0].issuer.egressSelectorType: Invalid value: "<egress-selector-type>": egress selector must be either controlplane or cluster' },
      { line: 62, text: 'username', code: 'KCG5206', severity: 'error', message: 'jwt[0].claimMappings.username: Invalid value: "": claim and expression can\'t both be set' },
      { line: 82, text: 'groups', code: 'KCG5206', severity: 'error', message: 'jwt[0].claimMappings.groups: Invalid value: "": claim and expression can\'t both be set' },
      { line: 93, text: 'uid', code: 'KCG5206', severity: 'error', message: 'jwt[0].claimMappings.uid: Invalid value: "": claim and expression can\'t both be set' },
    ]);
  });

  test('greenhouse structured-auth.yaml: the certificateAuthority placeholder its scripts substitute', () => {
    const text = readShared('corpus/apiserver/greenhouse/structured-auth.yaml');
    assert.deepEqual(findings(text), [
      { line: 12, text: '<placeholder>', code: 'KCG5204', severity: 'error', message: 'jwt[0].issuer.certificateAuthority: Invalid value: "<omitted>": data does not contain any valid RSA or ECDSA certificates' },
    ]);
  });
});

describe('authenticator list and issuer url', () => {
  test('at most 64 authenticators', () => {
    const one = jwt().split('jwt:\n')[1];
    let many = `${HEADER}jwt:\n`;
    for (let i = 0; i < 65; i++) many += one.replace('issuer.example.com', `issuer${i}.example.com`);
    assert.deepEqual(only(many), [{ code: 'KCG5201', severity: 'error', text: 'jwt', message: 'jwt: Too many: 65: must have at most 64 items' }]);
  });

  test('url is required (1.34+ and older wording)', () => {
    const text = jwt({ issuer: 'audiences: [kubernetes]' });
    assert.deepEqual(only(text), [{ code: 'KCG5202', severity: 'error', text: 'issuer', message: 'jwt[0].issuer.url: Required value' }]);
    assert.deepEqual(only(text.replace('/v1\n', '/v1beta1\n'), '1.33'), [
      { code: 'KCG5202', severity: 'error', text: 'issuer', message: 'jwt[0].issuer.url: Required value: URL is required' },
    ]);
  });

  test('https only, no user info, query or fragment', () => {
    const bad = (url: string) => only(jwt({ issuer: `url: "${url}"\n      audiences: [kubernetes]` })).map((f) => f.message);
    assert.deepEqual(bad('https://u:p@issuer.example.com/#x'), [
      'jwt[0].issuer.url: Invalid value: "https://u:p@issuer.example.com/#x": URL must not contain a fragment',
      'jwt[0].issuer.url: Invalid value: "https://u:p@issuer.example.com/#x": URL must not contain a username or password',
    ]);
    assert.deepEqual(bad('issuer.example.com'), ['jwt[0].issuer.url: Invalid value: "issuer.example.com": URL scheme must be https']);
    assert.deepEqual(bad('https://issuer.example.com/tenant/a'), []);
  });

  test('a URL Go cannot parse gets Go\'s parse error', () => {
    assert.deepEqual(only(jwt({ issuer: 'url: https://exa mple.com\n      audiences: [kubernetes]' })), [
      { code: 'KCG5202', severity: 'error', text: 'https://exa mple.com', message: 'jwt[0].issuer.url: Invalid value: "https://exa mple.com": parse "https://exa mple.com": invalid character " " in host name' },
    ]);
    assert.deepEqual(only(jwt({ issuer: 'url: "https://issuer.example.com:port"\n      audiences: [kubernetes]' })).map((f) => f.message), [
      'jwt[0].issuer.url: Invalid value: "https://issuer.example.com:port": parse "https://issuer.example.com:port": invalid port ":port" after host',
    ]);
  });

  test('discoveryURL differs from url (trailing slashes ignored) and is unique', () => {
    const text = jwt({ issuer: 'url: https://a.example.com/\n      discoveryURL: https://a.example.com\n      audiences: [kubernetes]' });
    assert.deepEqual(only(text), [
      { code: 'KCG5202', severity: 'error', text: 'https://a.example.com', message: 'jwt[0].issuer.discoveryURL: Invalid value: "https://a.example.com": discoveryURL must be different from URL' },
    ]);
    const second = jwt({ issuer: 'url: https://b.example.com\n      discoveryURL: https://d.example.com/.well-known/openid-configuration\n      audiences: [kubernetes]' });
    const two = second + second.split('jwt:\n')[1].replace('b.example.com', 'c.example.com');
    assert.deepEqual(only(two), [
      { code: 'KCG5202', severity: 'error', text: 'https://d.example.com/.well-known/openid-configuration', message: 'jwt[1].issuer.discoveryURL: Duplicate value: "https://d.example.com/.well-known/openid-configuration"' },
    ]);
  });

  test('the usual service-account issuers are flagged as likely overlaps, other URLs are not', () => {
    const text = jwt({ issuer: 'url: https://kubernetes.default.svc\n      audiences: [kubernetes]' });
    assert.deepEqual(only(text), [
      {
        code: 'KCG5210',
        severity: 'warning',
        text: 'https://kubernetes.default.svc',
        message: 'jwt[0].issuer.url: Invalid value: "https://kubernetes.default.svc": URL must not overlap with disallowed issuers: [https://kubernetes.default.svc] (if this cluster\'s --service-account-issuer is this URL, as kubeadm\'s default is)',
      },
    ]);
    assert.deepEqual(only(jwt({ issuer: 'url: https://kubernetes.default.svc.example.com\n      audiences: [kubernetes]' })), []);
  });
});

describe('audiences', () => {
  const withAudiences = (lines: string) => jwt({ issuer: `url: https://issuer.example.com\n      ${lines}` });

  test('required (reported at the issuer when missing)', () => {
    assert.deepEqual(only(withAudiences('audienceMatchPolicy: MatchAny')), [
      { code: 'KCG5203', severity: 'error', text: 'issuer', message: 'jwt[0].issuer.audiences: Required value: at least one jwt[0].issuer.audiences is required' },
    ]);
  });

  test('entries non-empty and unique', () => {
    assert.deepEqual(only(withAudiences('audiences: [a, "", a]\n      audienceMatchPolicy: MatchAny')), [
      { code: 'KCG5203', severity: 'error', text: '""', message: 'jwt[0].issuer.audiences[1]: Required value' },
      { code: 'KCG5203', severity: 'error', text: 'a', message: 'jwt[0].issuer.audiences[2]: Duplicate value: "a"' },
    ]);
  });

  test('audienceMatchPolicy: MatchAny with several audiences, empty or MatchAny with one', () => {
    assert.deepEqual(only(withAudiences('audiences: [a, b]\n      audienceMatchPolicy: MatchAny')), []);
    assert.deepEqual(only(withAudiences('audiences: [a]\n      audienceMatchPolicy: MatchAny')), []);
    assert.deepEqual(only(withAudiences('audiences: [a]\n      audienceMatchPolicy: MatchExact')), [
      { code: 'KCG5203', severity: 'error', text: 'MatchExact', message: 'jwt[0].issuer.audienceMatchPolicy: Invalid value: "MatchExact": audienceMatchPolicy must be empty or MatchAny for single audience' },
    ]);
  });
});

describe('certificateAuthority and egressSelectorType', () => {
  const withIssuerField = (line: string) => jwt({ issuer: `url: https://issuer.example.com\n      audiences: [kubernetes]\n      ${line}` });

  test('a real PEM certificate is accepted', () => {
    assert.deepEqual(only(withIssuerField(`certificateAuthority: ${blockScalar(EC_CERT, '        ')}`)), []);
  });

  test('a CERTIFICATE block that is not X.509 is malformed', () => {
    const fake = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----';
    assert.deepEqual(only(withIssuerField(`certificateAuthority: ${blockScalar(fake, '        ')}`)), [
      { code: 'KCG5204', severity: 'error', text: fake.replace(/\n/g, '\n        '), message: 'jwt[0].issuer.certificateAuthority: Invalid value: "<omitted>": x509: malformed certificate' },
    ]);
  });

  test('egressSelectorType is controlplane or cluster, and unknown before 1.34', () => {
    assert.deepEqual(only(withIssuerField('egressSelectorType: controlplane')), []);
    assert.deepEqual(only(withIssuerField('egressSelectorType: Cluster')).map((f) => f.message), [
      'jwt[0].issuer.egressSelectorType: Invalid value: "Cluster": egress selector must be either controlplane or cluster',
    ]);
    assert.deepEqual(only(withIssuerField('egressSelectorType: cluster').replace('/v1\n', '/v1beta1\n'), '1.33'), [
      {
        code: 'KCG5002',
        severity: 'error',
        text: 'egressSelectorType',
        message: 'strict decoding error: unknown field "jwt[0].issuer.egressSelectorType" (egressSelectorType was added in Kubernetes 1.34; the selected version is 1.33)',
      },
    ]);
  });
});

describe('claimValidationRules', () => {
  const rules = (...items: string[]) =>
    jwt({ rest: `claimValidationRules:\n${items.map((i) => `      - ${i}\n`).join('')}    claimMappings:\n      username: {claim: sub, prefix: "oidc:"}` });

  test('claim and expression: exactly one', () => {
    assert.deepEqual(only(rules('{claim: hd, expression: "true"}', '{message: m}')), [
      { code: 'KCG5205', severity: 'error', text: '{claim: hd, expression: "true"}', message: 'jwt[0].claimValidationRules[0]: Invalid value: "hd": claim and expression can\'t both be set' },
      { code: 'KCG5205', severity: 'error', text: '{message: m}', message: 'jwt[0].claimValidationRules[1]: Required value: claim or expression is required' },
    ]);
  });

  test('claim form: no message, unique claims', () => {
    assert.deepEqual(only(rules('{claim: hd, requiredValue: a}', '{claim: hd, requiredValue: b}')), [
      { code: 'KCG5205', severity: 'error', text: 'hd', message: 'jwt[0].claimValidationRules[1].claim: Duplicate value: "hd"' },
    ]);
  });

  test('expression form: no requiredValue, unique expressions, bool result', () => {
    assert.deepEqual(only(rules('{expression: "claims.hd == \'x\'", requiredValue: x}', '{expression: "claims.hd == \'x\'"}', '{expression: "claims.hd"}')), [
      { code: 'KCG5205', severity: 'error', text: 'x', message: 'jwt[0].claimValidationRules[0].requiredValue: Invalid value: "x": may not be specified when expression is set' },
      { code: 'KCG5205', severity: 'error', text: "claims.hd == 'x'", message: 'jwt[0].claimValidationRules[1].expression: Duplicate value: "claims.hd == \'x\'"' },
      { code: 'KCG1005', severity: 'error', text: 'claims.hd', message: 'jwt[0].claimValidationRules[2].expression: Invalid value: "claims.hd": must evaluate to bool' },
    ]);
    assert.deepEqual(only(rules('{expression: "claims.exp - claims.nbf <= 86400", message: too long}')), []);
  });
});

describe('claimMappings', () => {
  const mappings = (yaml: string) => jwt({ rest: `claimMappings:\n${yaml}` });

  test('username: required (reported at the parent key, or the authenticator entry)', () => {
    assert.deepEqual(only(jwt({ rest: 'claimMappings: {}' })), [
      { code: 'KCG5206', severity: 'error', text: 'claimMappings', message: 'jwt[0].claimMappings.username: Required value: claim or expression is required' },
    ]);
    assert.deepEqual(only(jwt({ rest: 'claimValidationRules: []' })), [
      { code: 'KCG5206', severity: 'error', text: 'issuer', message: 'jwt[0].claimMappings.username: Required value: claim or expression is required' },
    ]);
  });

  test('prefix: required with claim (may be ""), forbidden with expression', () => {
    assert.deepEqual(only(mappings('      username: {claim: email, prefix: ""}')), []);
    assert.deepEqual(only(mappings('      username: {claim: sub}')), [
      { code: 'KCG5206', severity: 'error', text: 'username', message: 'jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set. It can be set to an empty string to disable prefixing' },
    ]);
    assert.deepEqual(only(mappings('      username: {expression: "claims.sub", prefix: "oidc:"}')), [
      { code: 'KCG5206', severity: 'error', text: 'oidc:', message: 'jwt[0].claimMappings.username.prefix: Invalid value: "oidc:": may not be specified when expression is set' },
    ]);
  });

  test('groups is optional; a lone prefix is ignored; claim needs a prefix', () => {
    assert.deepEqual(only(mappings('      username: {claim: sub, prefix: "oidc:"}\n      groups: {prefix: "g:"}')), []);
    assert.deepEqual(only(mappings('      username: {claim: sub, prefix: "oidc:"}\n      groups: {claim: groups}')).map((f) => f.message), [
      'jwt[0].claimMappings.groups.prefix: Required value: prefix is required when claim is set. It can be set to an empty string to disable prefixing',
    ]);
  });

  test('uid: claim xor expression', () => {
    assert.deepEqual(only(mappings('      username: {claim: sub, prefix: "oidc:"}\n      uid: {claim: sub, expression: claims.sub}')), [
      { code: 'KCG5206', severity: 'error', text: '{claim: sub, expression: claims.sub}', message: 'jwt[0].claimMappings.uid: Invalid value: "": claim and expression can\'t both be set' },
    ]);
  });

  test('extra keys: domain-prefixed path, lower case, not reserved (1.32+), unique; valueExpression required', () => {
    const extra = (items: string[]) => mappings(`      username: {claim: sub, prefix: "oidc:"}\n      extra:\n${items.map((i) => `        - ${i}\n`).join('')}`);
    assert.deepEqual(only(extra(['{key: "", valueExpression: "\'a\'"}', '{key: "Bad_Domain/x", valueExpression: "\'a\'"}', '{key: "example.com/a b", valueExpression: "\'a\'"}'])), [
      { code: 'KCG5206', severity: 'error', text: '""', message: 'jwt[0].claimMappings.extra[0].key: Required value' },
      {
        code: 'KCG5206',
        severity: 'error',
        text: 'Bad_Domain/x',
        message: `jwt[0].claimMappings.extra[1].key: Invalid value: "Bad_Domain": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      },
      { code: 'KCG5206', severity: 'error', text: 'Bad_Domain/x', message: 'jwt[0].claimMappings.extra[1].key: Invalid value: "Bad_Domain/x": must be lowercase' },
      { code: 'KCG5206', severity: 'error', text: 'example.com/a b', message: `jwt[0].claimMappings.extra[2].key: Invalid value: "a b": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')` },
    ]);
    assert.deepEqual(only(extra(['{key: example.com/a}', '{key: example.com/b, valueExpression: "\'b\'"}', '{key: example.com/b, valueExpression: "\'c\'"}'])), [
      { code: 'KCG5206', severity: 'error', text: '{key: example.com/a}', message: 'jwt[0].claimMappings.extra[0].valueExpression: Required value' },
      { code: 'KCG5206', severity: 'error', text: 'example.com/b', message: 'jwt[0].claimMappings.extra[2].key: Duplicate value: "example.com/b"' },
    ]);
    const reserved = extra(['{key: k8s.io/team, valueExpression: "\'a\'"}']);
    assert.deepEqual(only(reserved).map((f) => f.message), [
      'jwt[0].claimMappings.extra[0].key: Invalid value: "k8s.io/team": k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use',
    ]);
    assert.deepEqual(only(reserved.replace('/v1\n', '/v1beta1\n'), '1.31'), []);
  });
});

describe('claims.email needs claims.email_verified', () => {
  test('claims.email and claims.?email in the username expression', () => {
    assert.deepEqual(only(withUsernameExpression("'oidc:' + claims.email")), [
      { code: 'KCG5207', severity: 'error', text: "'oidc:' + claims.email", message: `jwt[0].claimMappings.username.expression: Invalid value: "'oidc:' + claims.email": ${EMAIL_RULE}` },
    ]);
    assert.deepEqual(only(withUsernameExpression("claims.?email.orValue('')")).map((f) => f.code), ['KCG5207']);
  });

  test('satisfied by email_verified in the expression, an extra valueExpression or a claim validation rule', () => {
    assert.deepEqual(only(withUsernameExpression("claims.email_verified ? claims.email : ''")), []);
    const extra = '      extra:\n        - key: example.com/verified\n          valueExpression: "string(claims.?email_verified.orValue(false))"\n';
    assert.deepEqual(only(withUsernameExpression('claims.email', extra)), []);
    const rule = withUsernameExpression('claims.email').replace('    claimMappings:', '    claimValidationRules:\n      - expression: "claims.?email_verified.orValue(true) == true"\n    claimMappings:');
    assert.deepEqual(only(rule), []);
  });

  test("like the apiserver, claims['email'] and username.claim: email do not count", () => {
    assert.deepEqual(only(withUsernameExpression("claims['email']")), []);
    assert.deepEqual(only(jwt({ rest: 'claimMappings:\n      username: {claim: email, prefix: ""}' })), []);
  });
});

describe('unprefixed claims and system: names (lint)', () => {
  const mappings = (yaml: string, extra = '') => jwt({ rest: `claimMappings:\n${yaml}${extra}` });
  const GROUPS_LINT =
    'groups claim "groups" has no prefix and no userValidationRule rejects "system:" groups: a token listing system:masters gets cluster-admin. Set a prefix (e.g. "oidc:") or add a userValidationRule such as user.groups.all(g, !g.startsWith(\'system:\'))';

  test('groups without a prefix: a warning (system:masters); username without a prefix: info', () => {
    assert.deepEqual(only(mappings('      username:\n        claim: sub\n        prefix: ""\n      groups:\n        claim: groups\n        prefix: ""')), [
      { code: 'KCG5211', severity: 'info', text: '""', message: SUB_LINT },
      { code: 'KCG5211', severity: 'warning', text: '""', message: GROUPS_LINT },
    ]);
  });

  test('silent with a prefix, for the email claim, or with a userValidationRule about system:', () => {
    assert.deepEqual(only(mappings('      username: {claim: sub, prefix: "oidc:"}\n      groups: {claim: groups, prefix: "oidc:"}')), []);
    assert.deepEqual(only(mappings('      username: {claim: email, prefix: ""}')), []);
    const guarded = mappings('      username: {claim: sub, prefix: ""}\n      groups: {claim: groups, prefix: ""}', "\n    userValidationRules:\n      - expression: \"user.groups.all(g, !g.startsWith('system:'))\"");
    assert.deepEqual(only(guarded), []);
  });
});

describe('userValidationRules', () => {
  const userRules = (...items: string[]) => jwt().replace(/\n$/, `\n    userValidationRules:\n${items.map((i) => `      - ${i}\n`).join('')}`);

  test('expression required and unique', () => {
    assert.deepEqual(only(userRules('{message: m}', '{expression: "user.username != \'\'"}', '{expression: "user.username != \'\'"}')), [
      { code: 'KCG5208', severity: 'error', text: '{message: m}', message: 'jwt[0].userValidationRules[0].expression: Required value' },
      { code: 'KCG5208', severity: 'error', text: "user.username != ''", message: 'jwt[0].userValidationRules[2].expression: Duplicate value: "user.username != \'\'"' },
    ]);
  });

  test('CEL over UserInfo, at the exact characters', () => {
    assert.deepEqual(only(userRules('expression: "user.usrname == \'a\'"', "expression: \"user.groups.all(g, !g.startsWith('system:'))\"")), [
      { code: 'KCG1003', severity: 'error', text: '.usrname', message: "undefined field 'usrname'" },
    ]);
  });
});

describe('CEL in claim expressions', () => {
  test('issues land on the exact characters inside quoted and block scalars', () => {
    const text = jwt({
      rest: 'claimValidationRules:\n      - expression: >-\n          claims.hd == "example.com" &&\n          clams.x == 1\n    claimMappings:\n      username:\n        expression: \'claims.sub + undefinedVar\'',
    });
    assert.deepEqual(only(text), [
      { code: 'KCG1002', severity: 'error', text: 'clams', message: "undeclared reference to 'clams' (in container '')" },
      { code: 'KCG1002', severity: 'error', text: 'undefinedVar', message: "undeclared reference to 'undefinedVar' (in container '')" },
    ]);
  });
});

describe('anonymous', () => {
  const anonymous = (yaml: string, header = HEADER) => `${header}anonymous:\n${yaml}`;

  test('conditions need enabled: true', () => {
    assert.deepEqual(only(anonymous('  enabled: true\n  conditions: [{path: /healthz}]\n')), []);
    assert.deepEqual(only(anonymous('  conditions:\n    - path: /livez\n    - path: /readyz\n')), [
      {
        code: 'KCG5209',
        severity: 'error',
        text: 'conditions',
        message: 'anonymous.conditions: Invalid value: []apiserver.AnonymousAuthCondition{apiserver.AnonymousAuthCondition{Path:"/livez"}, apiserver.AnonymousAuthCondition{Path:"/readyz"}}: enabled should be set to true when conditions are defined',
      },
    ]);
  });

  test('1.31: behind an alpha gate; 1.30: an unknown field', () => {
    const beta = anonymous('  enabled: true\n', HEADER.replace('/v1\n', '/v1beta1\n'));
    assert.deepEqual(only(beta, '1.31'), [
      {
        code: 'KCG5003',
        severity: 'warning',
        text: 'anonymous',
        message: 'anonymous: Forbidden: anonymous is not supported when AnonymousAuthConfigurableEnpoints feature gate is disabled (the gate is alpha and off by default in Kubernetes 1.31)',
      },
    ]);
    assert.deepEqual(only(beta, '1.32'), []);
    assert.deepEqual(only(beta, '1.30').map((f) => f.message), [
      'strict decoding error: unknown field "anonymous" (anonymous was added in Kubernetes 1.31; the selected version is 1.30)',
    ]);
  });
});


describe('quick-fixes', () => {
  test('on the example files, every fix leaves valid YAML and removes its own finding', () => {
    assertEveryFixRemovesItsFinding([readShared('docs/apiserver-config-examples/authentication-config-invalid.yaml'), fs.readFileSync(fileURLToPath(new URL('../../../examples/security/auth-authentication-config.yaml', import.meta.url)), 'utf8')], 'KCG5');
  });

  const REQUIRE_EMAIL = 'Require a verified email: add the claim validation rule claims.?email_verified.orValue(true) == true';

  test('claims.email: a claimValidationRules list is created with the recommended rule', () => {
    const text = withUsernameExpression('claims.email');
    const out = fixed(text, 'KCG5207', REQUIRE_EMAIL);
    // Inserted after the authenticator's last entry (the template ends with a blank line).
    assert.equal(
      out,
      `${text.slice(0, -1)}    claimValidationRules:\n      - expression: "claims.?email_verified.orValue(true) == true"\n        message: the email address must be verified\n\n`,
    );
    assert.deepEqual(only(out), []);
  });

  test('claims.email: or the rule is appended to the existing list', () => {
    const text = withUsernameExpression('claims.email').replace('    claimMappings:', "    claimValidationRules:\n      - claim: hd\n        requiredValue: example.com\n    claimMappings:");
    const out = fixed(text, 'KCG5207', REQUIRE_EMAIL);
    assert.ok(out.includes('        requiredValue: example.com\n      - expression: "claims.?email_verified.orValue(true) == true"\n        message: the email address must be verified\n'), out);
    assert.deepEqual(only(out), []);
  });

  test('prefix, audienceMatchPolicy, https, extra key case, anonymous enabled', () => {
    const noPrefix = jwt({ rest: 'claimMappings:\n      username:\n        claim: sub' });
    assert.equal(fixed(noPrefix, 'KCG5206', 'Add prefix: "oidc:"'), jwt());
    const twoAudiences = jwt({ issuer: 'url: https://issuer.example.com\n      audiences: [a, b]' });
    assert.deepEqual(only(fixed(twoAudiences, 'KCG5203', 'Set audienceMatchPolicy: MatchAny')), []);
    const exact = jwt({ issuer: 'url: https://issuer.example.com\n      audiences: [a]\n      audienceMatchPolicy: MatchExact' });
    assert.equal(fixed(exact, 'KCG5203', 'Set audienceMatchPolicy: MatchAny'), exact.replace('MatchExact', 'MatchAny'));
    const http = jwt({ issuer: 'url: http://issuer.example.com\n      audiences: [kubernetes]' });
    assert.equal(fixed(http, 'KCG5202', 'Use https'), jwt());
    const upper = withUsernameExpression('claims.sub', '      extra:\n        - key: example.com/Team\n          valueExpression: claims.team\n');
    assert.deepEqual(only(fixed(upper, 'KCG5206', 'Use example.com/team')), []);
    const anon = `${HEADER}anonymous:\n  enabled: false\n  conditions: [{path: /livez}]\n`;
    assert.equal(fixed(anon, 'KCG5209', 'Set enabled: true (anonymous requests only for these paths)'), anon.replace('false', 'true'));
  });

  test('unprefixed groups: set a prefix', () => {
    const text = jwt({ rest: 'claimMappings:\n      username: {claim: email, prefix: ""}\n      groups: {claim: groups, prefix: ""}' });
    assert.deepEqual(only(fixed(text, 'KCG5211', 'Set prefix: "oidc:"')), []);
  });
});

describe('examples/security/auth-authentication-config.yaml', () => {
  test('finds exactly the codes of its "# expect:" line', () => {
    const text = fs.readFileSync(fileURLToPath(new URL('../../../examples/security/auth-authentication-config.yaml', import.meta.url)), 'utf8');
    const expected = /^# expect: (.*)$/m.exec(text)?.[1].split(/\s+/).sort() ?? [];
    assert.ok(expected.length > 0);
    assert.deepEqual([...new Set(findings(text).map((f) => f.code))].sort(), expected);
  });
});

describe('schemas/apiserver (shipped JSON Schemas, shown on hover)', () => {
  const dir = fileURLToPath(new URL('../../../schemas/apiserver/', import.meta.url));

  /** Paths of properties without a description. */
  function undocumented(schema: Record<string, any>): string[] {
    const missing: string[] = [];
    const visit = (node: Record<string, any>, path: string) => {
      for (const [name, prop] of Object.entries<Record<string, any>>(node.properties ?? {})) {
        if (typeof prop.description !== 'string' || prop.description.length < 10) missing.push(`${path}.${name}`);
      }
    };
    visit(schema, '');
    for (const [name, def] of Object.entries<Record<string, any>>(schema.definitions ?? {})) {
      if (typeof def.description !== 'string') missing.push(name);
      visit(def, name);
    }
    return missing;
  }

  test('field docs for hover: description, type, and the release that added the field', () => {
    const doc = authConfigFieldDoc('AuthenticationConfiguration', 'apiserver.config.k8s.io/v1beta1', ['jwt', 0, 'issuer', 'egressSelectorType']);
    assert.equal(doc?.type, 'string');
    assert.equal(doc?.since, '1.34');
    assert.match(doc?.description ?? '', /^Egress selection used for all traffic to this issuer/);
    assert.match(authConfigFieldDoc('AuthenticationConfiguration', 'apiserver.config.k8s.io/v1', ['anonymous'])?.description ?? '', /anonymous authenticator/);
    assert.equal(authConfigFieldDoc('AuthenticationConfiguration', 'apiserver.config.k8s.io/v1', ['jwt', 0, 'issuer', 'clientID']), undefined);
    assert.equal(authConfigFieldDoc('AuthenticationConfiguration', 'example.com/v1', ['jwt']), undefined);
  });

  for (const version of ['v1alpha1', 'v1beta1', 'v1']) {
    test(`authenticationconfiguration-${version}.json documents every field`, () => {
      const schema = JSON.parse(fs.readFileSync(`${dir}authenticationconfiguration-${version}.json`, 'utf8'));
      assert.match(schema.title, new RegExp(`apiserver\\.config\\.k8s\\.io/${version}\\)$`));
      assert.deepEqual(undocumented(schema), []);
    });
  }
});

describe('decoding and versions', () => {
  test('apiVersion v1 needs 1.34', () => {
    assert.deepEqual(only(jwt(), '1.33'), [
      {
        code: 'KCG5002',
        severity: 'error',
        text: 'apiserver.config.k8s.io/v1',
        message: 'no kind "AuthenticationConfiguration" is registered for version "apiserver.config.k8s.io/v1" in Kubernetes 1.33 (served from 1.34); use apiserver.config.k8s.io/v1beta1',
      },
    ]);
  });

  test('unknown fields at their key; wrong types once, not again as rule violations', () => {
    assert.deepEqual(only(jwt({ issuer: 'url: https://issuer.example.com\n      audiences: kubernetes\n      clientID: x' })), [
      { code: 'KCG5001', severity: 'error', text: 'kubernetes', message: 'jwt[0].issuer.audiences: must be a list, not a string; the apiserver cannot decode the file' },
      { code: 'KCG5001', severity: 'error', text: 'clientID', message: 'strict decoding error: unknown field "jwt[0].issuer.clientID"' },
    ]);
  });

  test('null is Go\'s zero value: prefix: ~ is no prefix at all', () => {
    assert.deepEqual(only(jwt({ rest: 'claimMappings:\n      username:\n        claim: sub\n        prefix: ~' })).map((f) => f.message), [
      'jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set. It can be set to an empty string to disable prefixing',
    ]);
  });

  test('odd documents never throw', () => {
    for (const body of ['', 'jwt: 3\n', 'jwt: [null, 1, [], {issuer: 5}]\n', 'jwt:\n  - claimMappings: {extra: [1, {key: 2}]}\n', 'anonymous: []\n', 'jwt: [{issuer: {url: "%zz", audiences: [1, null]}}]\n']) {
      const out = findings(`${HEADER}${body}`);
      assert.ok(!out.some((f) => f.code === 'KCG2999'), JSON.stringify(out));
    }
  });
});
