import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { KubernetesVersion } from '../../server/src/engine/options.js';
import type { FindingData } from '../../server/src/engine/findings.js';
import { applyEdits } from '../../server/src/checks/fixes.js';
import { assertEveryFixRemovesItsFinding, fixed } from './fixHelpers.js';

/**
 * AuthorizationConfiguration checks, as a user sees them: code, severity, the exact text
 * underlined (and its line), message. Reference: ../shared/docs/apiserver-config-checks.md §4.
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

const HEADER = 'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\n';

/** A webhook authorizer with every required field; `overrides` replace lines by their key. */
function webhookConfig(extra = '', overrides: Record<string, string | null> = {}): string {
  const fields: Record<string, string> = {
    timeout: 'timeout: 3s',
    subjectAccessReviewVersion: 'subjectAccessReviewVersion: v1',
    failurePolicy: 'failurePolicy: Deny',
    connectionInfo: 'connectionInfo:\n        type: KubeConfigFile\n        kubeConfigFile: /etc/kubernetes/webhook.kubeconfig',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete fields[k];
    else fields[k] = v;
  }
  const body = Object.values(fields).map((l) => `      ${l}\n`).join('');
  return `${HEADER}authorizers:\n  - type: Webhook\n    name: policy\n    webhook:\n${body}${extra}`;
}

const only = (text: string, version?: KubernetesVersion) => findings(text, version).map(({ code, severity, text: covered, message }) => ({ code, severity, text: covered, message }));

describe('authorization-config-invalid.yaml (docs/apiserver-config-examples)', () => {
  const file = 'docs/apiserver-config-examples/authorization-config-invalid.yaml';
  const text = readShared(file);

  // [line, text underlined, code, message]; every message but the last is a comment in the file.
  const expected: Array<[number, string, string, string]> = [
    [16, 'RBAC', 'KCG5101', 'authorizers[2].type: Duplicate value: "RBAC"'],
    [19, 'Foo', 'KCG5101', 'authorizers[3].type: Unsupported value: "Foo": supported values: "ABAC", "AlwaysAllow", "AlwaysDeny", "Node", "RBAC", "Webhook"'],
    [24, 'Policy_Webhook', 'KCG5102', `authorizers[4].name: Invalid value: "Policy_Webhook": authorizer name is invalid: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`],
    [25, 'webhook', 'KCG5103', 'authorizers[4].matchConditionSubjectAccessReviewVersion: Required value: required if match conditions are specified'],
    [27, '45s', 'KCG5103', 'authorizers[4].timeout: Invalid value: "45s": must be > 0s and <= 30s'],
    [29, '-1m', 'KCG5103', 'authorizers[4].authorizedTTL: Invalid value: "-1m0s": must be > 0s'],
    [31, 'v2', 'KCG5103', 'authorizers[4].subjectAccessReviewVersion: Unsupported value: "v2": supported values: "v1", "v1beta1"'],
    [34, 'Allow', 'KCG5103', 'authorizers[4].failurePolicy: Unsupported value: "Allow": supported values: "NoOpinion", "Deny"'],
    [38, 'webhook.kubeconfig', 'KCG5104', 'authorizers[4].connectionInfo.kubeConfigFile: Invalid value: "webhook.kubeconfig": must be an absolute path'],
    [42, "request.user == 'admin'", 'KCG5105', `authorizers[4].matchConditions[1].expression: Duplicate value: "request.user == 'admin'"`],
    [44, 'request.user', 'KCG1005', 'authorizers[4].matchConditions[2].expression: Invalid value: "request.user": must evaluate to bool but got string'],
    [46, '"   "', 'KCG5105', 'authorizers[4].matchConditions[3].expression: Required value'],
    [47, 'type: Webhook', 'KCG5103', 'authorizers[5].webhook: Required value: required when type=Webhook'],
    [49, 'node', 'KCG5102', 'authorizers[5].name: Duplicate value: "node"'],
    [54, 'webhook', 'KCG5103', 'authorizers[6].webhook: Invalid value: "non-null": may only be specified when type=Webhook'],
    [63, 'InClusterConfig', 'KCG5104', 'authorizers[7].connectionInfo.type: Invalid value: "InClusterConfig": not allowed for kube-apiserver, which can only reach an authorization webhook through a kubeConfigFile'],
    [66, '/etc/kubernetes/auth/x.kubeconfig', 'KCG5104', 'authorizers[7].connectionInfo.kubeConfigFile: Invalid value: "/etc/kubernetes/auth/x.kubeconfig": can only be set when type=KubeConfigFile'],
  ];

  test('every expected error, at its node, with the apiserver message, and nothing else', () => {
    assert.deepEqual(
      findings(text),
      expected.map(([line, covered, code, message]) => ({ line, text: covered, code, severity: 'error', message })),
    );
  });

  test('the table is the file: each apiserver message (but the InClusterConfig note) is one of its comments', () => {
    for (const [, , , message] of expected.slice(0, -2).concat(expected.slice(-1))) {
      assert.ok(text.split('\n').some((l) => l.trimStart().startsWith('#') && l.includes(message)), message);
    }
  });

  test('the naming rule of kube-apiserver stays silent while generic errors exist (file comment)', () => {
    assert.ok(!findings(text).some((f) => f.message.startsWith('expected name')));
  });
});

describe('valid files give no findings', () => {
  const files = [
    'docs/apiserver-config-examples/authorization-config-valid.yaml',
    'corpus/apiserver/cedar-access-control-for-k8s/authorization-config.yaml',
    'corpus/apiserver/greenhouse/structured-authz-insecure.yaml',
    'corpus/apiserver/greenhouse/structured-authz-secure.yaml',
  ];
  for (const file of files) {
    test(file, () => assert.deepEqual(findings(readShared(file)), []));
  }

  test('v1beta1 (cedar) is fine on 1.30, where v1 does not exist yet', () => {
    assert.deepEqual(findings(readShared('corpus/apiserver/cedar-access-control-for-k8s/authorization-config.yaml'), '1.30'), []);
  });
});

describe('corpus/apiserver/k8s-website/authz-config-example.yaml (SOURCES.md: loading fails)', () => {
  const text = readShared('corpus/apiserver/k8s-website/authz-config-example.yaml');

  test('InClusterConfig is not allowed for kube-apiserver; the ConditionalAuthorization fields are newer than 1.35', () => {
    assert.deepEqual(only(text), [
      {
        code: 'KCG5001',
        severity: 'error',
        text: 'conditionsEndpointKubeConfigContext',
        message: 'strict decoding error: unknown field "authorizers[0].webhook.conditionsEndpointKubeConfigContext"',
      },
      {
        code: 'KCG5001',
        severity: 'error',
        text: 'authorizationConditionsReviewVersion',
        message: 'strict decoding error: unknown field "authorizers[0].webhook.authorizationConditionsReviewVersion"',
      },
      {
        code: 'KCG5104',
        severity: 'error',
        text: 'InClusterConfig',
        message: 'authorizers[3].connectionInfo.type: Invalid value: "InClusterConfig": not allowed for kube-apiserver, which can only reach an authorization webhook through a kubeConfigFile',
      },
    ]);
  });

  test('its three matchConditions type-check', () => {
    assert.ok(!findings(text).some((f) => f.code.startsWith('KCG1')));
  });
});

describe('authorizer list and types', () => {
  test('an empty list needs at least one authorizer', () => {
    assert.deepEqual(only(`${HEADER}authorizers: []\n`), [
      { code: 'KCG5101', severity: 'error', text: '[]', message: 'authorizers: Required value: at least one authorization mode must be defined' },
    ]);
  });

  test('a missing type is required; the entry is skipped afterwards (no name error)', () => {
    assert.deepEqual(only(`${HEADER}authorizers:\n  - name: Bad_Name\n`), [
      { code: 'KCG5101', severity: 'error', text: 'name: Bad_Name', message: 'authorizers[0].type: Required value' },
    ]);
  });

  test('Node and RBAC may appear once; Webhook may repeat', () => {
    const text = `${HEADER}authorizers:\n  - {type: Node, name: node}\n  - {type: Node, name: node2}\n`;
    assert.deepEqual(only(text), [{ code: 'KCG5101', severity: 'error', text: 'Node', message: 'authorizers[1].type: Duplicate value: "Node"' }]);
    const twoWebhooks = webhookConfig().replace('authorizers:\n', 'authorizers:\n  - type: RBAC\n    name: rbac\n') + webhookConfig().split('authorizers:\n')[1].replace('name: policy', 'name: policy2');
    assert.deepEqual(only(twoWebhooks), []);
  });
});

describe('authorizer names', () => {
  test('required, and a DNS-1123 subdomain of at most 253 characters', () => {
    assert.deepEqual(only(`${HEADER}authorizers:\n  - type: RBAC\n`), [
      { code: 'KCG5102', severity: 'error', text: 'type: RBAC', message: 'authorizers[0].name: Required value' },
    ]);
    const long = `${'a'.repeat(250)}.com`;
    assert.deepEqual(only(webhookConfig().replace('name: policy', `name: ${long}`)), [
      { code: 'KCG5102', severity: 'error', text: long, message: `authorizers[0].name: Invalid value: "${long}": authorizer name is invalid: must be no more than 253 characters` },
    ]);
    assert.deepEqual(only(webhookConfig().replace('name: policy', 'name: policy.example.com')), []);
  });

  test('kube-apiserver wants non-webhook authorizers named after their lower-cased type, once the rest is valid', () => {
    assert.deepEqual(only(`${HEADER}authorizers:\n  - type: Node\n    name: nodes\n  - type: AlwaysDeny\n    name: alwaysdeny\n`), [
      { code: 'KCG5102', severity: 'error', text: 'nodes', message: 'expected name node for authorizer Node instead of nodes' },
    ]);
    // With another error in the file, kube-apiserver never gets to this rule.
    const withError = `${HEADER}authorizers:\n  - type: Node\n    name: nodes\n  - type: Bogus\n    name: b\n`;
    assert.deepEqual(only(withError).map((f) => f.code), ['KCG5101']);
  });
});

describe('webhook section', () => {
  test('the valid template has no findings', () => {
    assert.deepEqual(only(webhookConfig()), []);
  });

  test('required for type Webhook (reported at the entry), forbidden for other types (at the key)', () => {
    assert.deepEqual(only(`${HEADER}authorizers:\n  - type: Webhook\n    name: w\n`), [
      { code: 'KCG5103', severity: 'error', text: 'type: Webhook', message: 'authorizers[0].webhook: Required value: required when type=Webhook' },
    ]);
    assert.deepEqual(only(`${HEADER}authorizers:\n  - type: RBAC\n    name: rbac\n    webhook: {}\n`), [
      { code: 'KCG5103', severity: 'error', text: '{}', message: 'authorizers[0].webhook: Invalid value: "non-null": may only be specified when type=Webhook' },
    ]);
  });

  test('timeout: required, 0 < t <= 30s, printed as Go prints durations', () => {
    assert.deepEqual(only(webhookConfig('', { timeout: null })), [
      { code: 'KCG5103', severity: 'error', text: 'webhook', message: 'authorizers[0].timeout: Required value' },
    ]);
    assert.deepEqual(only(webhookConfig('', { timeout: 'timeout: 0s' })), [
      { code: 'KCG5103', severity: 'error', text: '0s', message: 'authorizers[0].timeout: Required value' },
    ]);
    assert.deepEqual(only(webhookConfig('', { timeout: 'timeout: 1h' })), [
      { code: 'KCG5103', severity: 'error', text: '1h', message: 'authorizers[0].timeout: Invalid value: "1h0m0s": must be > 0s and <= 30s' },
    ]);
    assert.deepEqual(only(webhookConfig('', { timeout: 'timeout: 30s' })), []);
    assert.deepEqual(only(webhookConfig('', { timeout: 'timeout: 1.5s' })), []);
  });

  test('a duration Go cannot parse makes the file undecodable', () => {
    assert.deepEqual(only(webhookConfig('', { timeout: 'timeout: 3 seconds' })), [
      { code: 'KCG5001', severity: 'error', text: '3 seconds', message: 'time: unknown unit " seconds" in duration "3 seconds" (the apiserver cannot decode timeout)' },
    ]);
    assert.deepEqual(only(webhookConfig('', { timeout: 'timeout: 3' })), [
      { code: 'KCG5001', severity: 'error', text: '3', message: 'authorizers[0].webhook.timeout: must be a string, not a number; the apiserver cannot decode the file' },
    ]);
  });

  test('cache TTLs: zero is defaulted, negative is invalid', () => {
    assert.deepEqual(only(webhookConfig('      authorizedTTL: 0s\n      unauthorizedTTL: 0s\n')), []);
    assert.deepEqual(only(webhookConfig('      unauthorizedTTL: -1500ms\n')), [
      { code: 'KCG5103', severity: 'error', text: '-1500ms', message: 'authorizers[0].unauthorizedTTL: Invalid value: "-1.5s": must be > 0s' },
    ]);
  });

  test('SubjectAccessReview versions', () => {
    assert.deepEqual(only(webhookConfig('', { subjectAccessReviewVersion: null })), [
      { code: 'KCG5103', severity: 'error', text: 'webhook', message: 'authorizers[0].subjectAccessReviewVersion: Required value' },
    ]);
    assert.deepEqual(only(webhookConfig('', { subjectAccessReviewVersion: 'subjectAccessReviewVersion: v1beta1' })), []);
    assert.deepEqual(only(webhookConfig('      matchConditionSubjectAccessReviewVersion: v1beta1\n')), [
      { code: 'KCG5103', severity: 'error', text: 'v1beta1', message: 'authorizers[0].matchConditionSubjectAccessReviewVersion: Unsupported value: "v1beta1": supported values: "v1"' },
    ]);
  });

  test('failurePolicy', () => {
    assert.deepEqual(only(webhookConfig('', { failurePolicy: null })), [
      { code: 'KCG5103', severity: 'error', text: 'webhook', message: 'authorizers[0].failurePolicy: Required value' },
    ]);
    assert.deepEqual(only(webhookConfig('', { failurePolicy: 'failurePolicy: NoOpinion' })), []);
    assert.deepEqual(only(webhookConfig('', { failurePolicy: 'failurePolicy: deny' })), [
      { code: 'KCG5103', severity: 'error', text: 'deny', message: 'authorizers[0].failurePolicy: Unsupported value: "deny": supported values: "NoOpinion", "Deny"' },
    ]);
  });
});

describe('connectionInfo', () => {
  test('type is required', () => {
    assert.deepEqual(only(webhookConfig('', { connectionInfo: null })), [
      { code: 'KCG5104', severity: 'error', text: 'webhook', message: 'authorizers[0].connectionInfo.type: Required value' },
    ]);
  });

  test('an unknown type is printed as the whole struct, as the apiserver does', () => {
    assert.deepEqual(only(webhookConfig('', { connectionInfo: 'connectionInfo: {type: File}' })), [
      {
        code: 'KCG5104',
        severity: 'error',
        text: 'File',
        message: 'authorizers[0].connectionInfo.type: Unsupported value: apiserver.WebhookConnectionInfo{Type:"File", KubeConfigFile:(*string)(nil)}: supported values: "InClusterConfig", "KubeConfigFile"',
      },
    ]);
  });

  test('KubeConfigFile needs an absolute kubeConfigFile', () => {
    assert.deepEqual(only(webhookConfig('', { connectionInfo: 'connectionInfo:\n        type: KubeConfigFile' })), [
      { code: 'KCG5104', severity: 'error', text: 'connectionInfo', message: 'authorizers[0].connectionInfo.kubeConfigFile: Required value' },
    ]);
    assert.deepEqual(only(webhookConfig('', { connectionInfo: 'connectionInfo: {type: KubeConfigFile, kubeConfigFile: "./w.yaml"}' })), [
      { code: 'KCG5104', severity: 'error', text: './w.yaml', message: 'authorizers[0].connectionInfo.kubeConfigFile: Invalid value: "./w.yaml": must be an absolute path' },
    ]);
  });

  test('InClusterConfig alone is still an error for kube-apiserver', () => {
    assert.deepEqual(only(webhookConfig('', { connectionInfo: 'connectionInfo: {type: InClusterConfig}' })), [
      {
        code: 'KCG5104',
        severity: 'error',
        text: 'InClusterConfig',
        message: 'authorizers[0].connectionInfo.type: Invalid value: "InClusterConfig": not allowed for kube-apiserver, which can only reach an authorization webhook through a kubeConfigFile',
      },
    ]);
  });
});

describe('matchConditions', () => {
  const withConditions = (items: string[]) =>
    webhookConfig(`      matchConditionSubjectAccessReviewVersion: v1\n      matchConditions:\n${items.map((i) => `        - expression: ${i}\n`).join('')}`);

  test('at most 64, then no further condition is checked', () => {
    const many = Array.from({ length: 65 }, (_, i) => `request.user == 'u${i}'`);
    many.push('bogus(');
    assert.deepEqual(only(withConditions(many)), [
      { code: 'KCG5105', severity: 'error', text: 'matchConditions', message: 'authorizers[0].matchConditions: Too many: 66: must have at most 64 items' },
    ]);
    assert.deepEqual(only(withConditions(many.slice(0, 64))), []);
  });

  test('CEL issues land on the exact characters, whatever the YAML quoting', () => {
    const text = withConditions([
      `"request.usr == 'x'"`,
      `>-\n            has(request.resourceAttributes) &&\n            request.resourceAttributes.nmespace == 'kube-system'`,
      `request.user.startsWith(1)`,
    ]);
    assert.deepEqual(only(text), [
      { code: 'KCG1003', severity: 'error', text: '.usr', message: "undefined field 'usr'" },
      { code: 'KCG1003', severity: 'error', text: '.nmespace', message: "undefined field 'nmespace'" },
      { code: 'KCG1004', severity: 'error', text: 'startsWith', message: "found no matching overload for 'startsWith' applied to 'string.(int)'" },
    ]);
  });

  test('the v1 SubjectAccessReviewSpec is the request, selectors included', () => {
    const text = withConditions([
      `"has(request.resourceAttributes) && request.resourceAttributes.verb in ['get', 'list']"`,
      `"!('system:masters' in request.groups) && request.extra.exists(k, k == 'x')"`,
      `"has(request.nonResourceAttributes) && request.nonResourceAttributes.path.startsWith('/healthz')"`,
      `"has(request.resourceAttributes.labelSelector) && request.resourceAttributes.labelSelector.requirements.all(r, r.key != 'x')"`,
    ]);
    assert.deepEqual(only(text), []);
  });

  test('fieldSelector and labelSelector exist from 1.32 (AuthorizeWithSelectors)', () => {
    const text = withConditions([`"has(request.resourceAttributes) && has(request.resourceAttributes.labelSelector)"`]).replace('/v1\n', '/v1beta1\n');
    assert.deepEqual(only(text, '1.32'), []);
    assert.deepEqual(only(text, '1.31'), [{ code: 'KCG1003', severity: 'error', text: '.labelSelector', message: "undefined field 'labelSelector'" }]);
  });

  test("single-quoted YAML ('' escapes) maps back to the right characters", () => {
    const text = withConditions([`'request.user == ''admin'' && request.uid.size() > "x"'`]);
    assert.deepEqual(only(text), [{ code: 'KCG1004', severity: 'error', text: '>', message: "found no matching overload for '_>_' applied to '(int, string)'" }]);
  });

  test('a CEL error also holds back the kube-apiserver naming rule', () => {
    const text = withConditions(['request.nope']).replace('authorizers:\n', 'authorizers:\n  - {type: Node, name: nodes}\n');
    assert.deepEqual(only(text).map((f) => f.code), ['KCG1003']);
  });
});

describe('AlwaysAllow (lint)', () => {
  test('warns that it allows everything and hides later authorizers', () => {
    const text = `${HEADER}authorizers:\n  - type: AlwaysAllow\n    name: alwaysallow\n  - type: RBAC\n    name: rbac\n`;
    assert.deepEqual(only(text), [
      {
        code: 'KCG5106',
        severity: 'warning',
        text: 'AlwaysAllow',
        message: 'AlwaysAllow authorizes every request that reaches it, including anonymous ones; the 1 authorizer after it is never consulted',
      },
    ]);
  });
});


describe('quick-fixes', () => {
  test('on the example files, every fix leaves valid YAML and removes its own finding', () => {
    assertEveryFixRemovesItsFinding([readShared('docs/apiserver-config-examples/authorization-config-invalid.yaml'), fs.readFileSync(fileURLToPath(new URL('../../../examples/security/auth-authorization-config.yaml', import.meta.url)), 'utf8')], 'KCG5');
  });

  test('missing matchConditionSubjectAccessReviewVersion is added to the webhook', () => {
    const text = webhookConfig('      matchConditions:\n        - expression: has(request.resourceAttributes)\n');
    const out = fixed(text, 'KCG5103', 'Set matchConditionSubjectAccessReviewVersion: v1');
    assert.equal(out, `${text}      matchConditionSubjectAccessReviewVersion: v1\n`);
    assert.deepEqual(only(out), []);
  });

  test('timeout above 30s, a wrongly cased failurePolicy, an unknown field', () => {
    assert.equal(fixed(webhookConfig('', { timeout: 'timeout: 1m' }), 'KCG5103', 'Set timeout to 30s, the maximum'), webhookConfig('', { timeout: 'timeout: 30s' }));
    const deny = webhookConfig('', { failurePolicy: 'failurePolicy: deny' });
    const fix = (analyzeText(deny, { kubernetesVersion: '1.35' })[0].data as FindingData).fixes!;
    assert.deepEqual(fix.map((f) => [f.title, f.isPreferred ?? false]), [['Use Deny', true], ['Use NoOpinion', false]]);
    assert.equal(fixed(deny, 'KCG5103', 'Use Deny'), webhookConfig());
    assert.equal(fixed(webhookConfig('      retries: 3\n'), 'KCG5001', 'Remove the unknown field retries'), webhookConfig());
  });

  test('apiVersion not served yet: use the newest served one', () => {
    const text = `${HEADER}authorizers: [{type: Node, name: node}]\n`;
    const out = fixed(text, 'KCG5002', 'Use apiserver.config.k8s.io/v1beta1', '1.31');
    assert.equal(out, text.replace('/v1\n', '/v1beta1\n'));
    assert.deepEqual(only(out, '1.31'), []);
  });

  test('kube-apiserver naming, a webhook section on RBAC, InClusterConfig with a kubeConfigFile', () => {
    const named = `${HEADER}authorizers:\n  - type: Node\n    name: nodes\n`;
    assert.deepEqual(only(fixed(named, 'KCG5102', 'Rename to node')), []);
    const rbac = `${HEADER}authorizers:\n  - type: RBAC\n    name: rbac\n    webhook:\n      timeout: 1s\n`;
    assert.equal(fixed(rbac, 'KCG5103', 'Remove the webhook section'), `${HEADER}authorizers:\n  - type: RBAC\n    name: rbac\n`);
    const inCluster = webhookConfig('', { connectionInfo: 'connectionInfo:\n        type: InClusterConfig\n        kubeConfigFile: /etc/w.kubeconfig' });
    const title = 'Use type KubeConfigFile (with the kubeConfigFile given)';
    const out = applyEdits(inCluster, (analyzeText(inCluster, { kubernetesVersion: '1.35' }).find((f) => f.message.includes('not allowed for kube-apiserver'))!.data as FindingData).fixes!.find((f) => f.title === title)!.edits);
    assert.deepEqual(only(out), []);
  });
});

describe('examples/security/auth-authorization-config.yaml', () => {
  test('finds exactly the codes of its "# expect:" line', () => {
    const text = fs.readFileSync(fileURLToPath(new URL('../../../examples/security/auth-authorization-config.yaml', import.meta.url)), 'utf8');
    const expected = /^# expect: (.*)$/m.exec(text)?.[1].split(/\s+/).sort() ?? [];
    assert.ok(expected.length > 0);
    assert.deepEqual([...new Set(findings(text).map((f) => f.code))].sort(), expected);
  });
});

describe('schemas/apiserver (shipped JSON Schemas, shown on hover)', () => {
  const dir = fileURLToPath(new URL('../../../schemas/apiserver/', import.meta.url));

  /** Paths of properties without a description, following $ref. */
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

  for (const version of ['v1alpha1', 'v1beta1', 'v1']) {
    test(`authorizationconfiguration-${version}.json documents every field`, () => {
      const schema = JSON.parse(fs.readFileSync(`${dir}authorizationconfiguration-${version}.json`, 'utf8'));
      assert.match(schema.title, new RegExp(`apiserver\\.config\\.k8s\\.io/${version}\\)$`));
      assert.deepEqual(undocumented(schema), []);
    });
  }
});

describe('decoding and versions', () => {
  test('an unknown field is underlined at its key', () => {
    assert.deepEqual(only(webhookConfig('      retries: 3\n')), [
      { code: 'KCG5001', severity: 'error', text: 'retries', message: 'strict decoding error: unknown field "authorizers[0].webhook.retries"' },
    ]);
  });

  test('a wrong type is reported once, not again as "Required value"', () => {
    assert.deepEqual(only(`${HEADER}authorizers: {type: Node}\n`), [
      { code: 'KCG5001', severity: 'error', text: '{type: Node}', message: 'authorizers: must be a list, not a map; the apiserver cannot decode the file' },
    ]);
  });

  test('apiVersion v1 needs 1.32; v1beta1 is served from 1.30', () => {
    assert.deepEqual(only(`${HEADER}authorizers: [{type: Node, name: node}]\n`, '1.31'), [
      {
        code: 'KCG5002',
        severity: 'error',
        text: 'apiserver.config.k8s.io/v1',
        message: 'no kind "AuthorizationConfiguration" is registered for version "apiserver.config.k8s.io/v1" in Kubernetes 1.31 (served from 1.32); use apiserver.config.k8s.io/v1beta1',
      },
    ]);
    assert.deepEqual(only(`${HEADER.replace('/v1', '/v1beta1')}authorizers: [{type: Node, name: node}]\n`, '1.31'), []);
    assert.deepEqual(only(`${HEADER.replace('/v1', '/v2')}authorizers: [{type: Node, name: node}]\n`), [
      {
        code: 'KCG5002',
        severity: 'error',
        text: 'apiserver.config.k8s.io/v2',
        message: 'no kind "AuthorizationConfiguration" is registered for version "apiserver.config.k8s.io/v2"; Kubernetes 1.35 serves apiserver.config.k8s.io/v1alpha1, apiserver.config.k8s.io/v1beta1, apiserver.config.k8s.io/v1',
      },
    ]);
  });

  test('cacheAuthorizedRequests is unknown before 1.34', () => {
    const text = webhookConfig('      cacheAuthorizedRequests: false\n');
    assert.deepEqual(only(text, '1.34'), []);
    assert.deepEqual(only(text.replace('/v1\n', '/v1beta1\n'), '1.33'), [
      {
        code: 'KCG5002',
        severity: 'error',
        text: 'cacheAuthorizedRequests',
        message: 'strict decoding error: unknown field "authorizers[0].webhook.cacheAuthorizedRequests" (cacheAuthorizedRequests was added in Kubernetes 1.34; the selected version is 1.33)',
      },
    ]);
  });

  test('a missing apiVersion is reported at kind', () => {
    assert.deepEqual(only('kind: AuthorizationConfiguration\nauthorizers: []\n'), [
      {
        code: 'KCG5002',
        severity: 'error',
        text: 'kind',
        message: "Object 'apiVersion' is missing; Kubernetes 1.35 serves AuthorizationConfiguration as apiserver.config.k8s.io/v1alpha1, apiserver.config.k8s.io/v1beta1, apiserver.config.k8s.io/v1",
      },
    ]);
  });

  test('other groups and kinds are left alone', () => {
    assert.deepEqual(findings('apiVersion: example.com/v1\nkind: AuthorizationConfiguration\nauthorizers: []\n'), []);
  });

  test('odd documents never throw', () => {
    for (const body of ['', 'authorizers:\n', 'authorizers: [null, 3, "x", []]\n', 'authorizers:\n  - type: Webhook\n    name: w\n    webhook: 5\n', 'authorizers:\n  - type: [Node]\n']) {
      const out = findings(`${HEADER}${body}`);
      assert.ok(!out.some((f) => f.code === 'KCG2999'), JSON.stringify(out));
    }
  });
});
