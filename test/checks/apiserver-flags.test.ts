import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Finding, Fix } from '../../server/src/engine/findings.js';
import type { KubernetesVersion } from '../../server/src/engine/options.js';
import { applyEdits } from '../../server/src/checks/fixes.js';

// out/test/checks → repo root → the shared reference folder next to it.
const SHARED = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared');
const example = (name: string) => readFileSync(join(SHARED, 'docs/apiserver-config-examples', name), 'utf8');
const corpus = (name: string) => readFileSync(join(SHARED, 'corpus', name), 'utf8');

function check(text: string, version: KubernetesVersion = '1.35'): Finding[] {
  return analyzeText(text, { kubernetesVersion: version }).filter((f) => f.code.startsWith('KCG4'));
}

/** What a user sees: code, severity, the text the squiggle covers, and the message. */
function seen(text: string, findings: Finding[]) {
  return findings.map((f) => ({ code: f.code, severity: f.severity, covers: text.slice(f.start, f.end), message: f.message }));
}

function onlyFix(f: Finding): Fix {
  const fixes = (f.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];
  assert.equal(fixes.length, 1, JSON.stringify(fixes.map((x) => x.title)));
  return fixes[0];
}

/** Findings of a generated config file that would keep kube-apiserver from loading it. */
function problemsOf(content: string, version: KubernetesVersion = '1.35'): string[] {
  return analyzeText(content, { kubernetesVersion: version })
    .filter((f) => f.severity === 'error' || f.severity === 'warning')
    .map((f) => `${f.code} ${f.message}`);
}

const AUTHN_CONFLICT = 'authentication-config file and oidc-* flags are mutually exclusive';
const AUTHZ_CONFLICT = '--authorization-config can not be specified when --authorization-mode or --authorization-webhook-* flags are defined';

const staticPod = (command: string, args = '') => `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.35.0
      command:
${command}
${args}`;

describe('--authentication-config with --oidc-* flags (KCG4001)', () => {
  test('static Pod: both the --flag=value item in command and the --flag item of "--flag value" in args', () => {
    const text = example('static-pod-authn-oidc-conflict.yaml');
    assert.deepEqual(seen(text, check(text)), [
      { code: 'KCG4001', severity: 'error', covers: '--oidc-issuer-url=https://issuer.example.com', message: AUTHN_CONFLICT },
      { code: 'KCG4001', severity: 'error', covers: '--oidc-client-id', message: AUTHN_CONFLICT },
    ]);
  });

  test('static Pod quick-fix: removes every --oidc-* item (with its value item) and creates a jwt entry to merge', () => {
    const text = example('static-pod-authn-oidc-conflict.yaml');
    const fix = onlyFix(check(text)[0]);
    assert.equal(fix.title, 'Migrate --oidc-* flags to an AuthenticationConfiguration (creates authentication-config.from-oidc-flags.yaml)');
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.includes(`        - --authentication-config=/etc/kubernetes/auth/authn.yaml
      args:
        - --service-account-issuer=https://kubernetes.default.svc.cluster.local
`), fixed);
    assert.ok(!/^ *- (--oidc|kubernetes$)/m.test(fixed), 'no --oidc-* item and no orphaned value item left');
    assert.deepEqual(check(fixed), []);
    assert.equal(fix.createFile?.relativePath, 'authentication-config.from-oidc-flags.yaml');
    assert.equal(
      fix.createFile?.content,
      `# AuthenticationConfiguration written by kube-cel-guard from the kube-apiserver flags
#   --oidc-issuer-url, --oidc-client-id
# kube-apiserver already reads /etc/kubernetes/auth/authn.yaml (--authentication-config): merge the jwt entry below into that file's jwt list, then delete this file.
# --oidc-username-prefix was not set: the flag default prefixed user names with "<issuer-url>#", kept below.
apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
  - issuer:
      url: https://issuer.example.com
      audiences:
        - kubernetes
    claimMappings:
      username:
        claim: sub
        prefix: "https://issuer.example.com#"
`,
    );
    assert.deepEqual(problemsOf(fix.createFile!.content), []);
  });

  test('kubeadm v1beta4 list form: each oidc-* name, whatever its value; the fix removes the {name, value} items', () => {
    const text = example('kubeadm-v1beta4-authn-oidc-conflict.yaml');
    const got = check(text);
    assert.deepEqual(seen(text, got), ['oidc-issuer-url', 'oidc-client-id', 'oidc-username-claim'].map((covers) => ({
      code: 'KCG4001', severity: 'error', covers, message: AUTHN_CONFLICT,
    })));
    const fix = onlyFix(got[2]);
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.includes(`  extraArgs:
    - name: authentication-config
      value: /etc/kubernetes/auth/authn.yaml
  extraVolumes:`), fixed);
    assert.deepEqual(check(fixed), []);
    // username claim email: no prefix, as the flag did.
    assert.match(fix.createFile!.content, /claim: email\n {8}prefix: ""\n/);
    assert.deepEqual(problemsOf(fix.createFile!.content), []);
  });

  test('kubeadm v1beta3 map form, flags written with and without quotes', () => {
    const text = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    authentication-config: /etc/kubernetes/auth/authn.yaml
    "oidc-issuer-url": "https://issuer.example.com"
    oidc-groups-claim: groups
`;
    assert.deepEqual(seen(text, check(text)).map((f) => [f.code, f.covers]), [
      ['KCG4001', '"oidc-issuer-url"'],
      ['KCG4001', 'oidc-groups-claim'],
    ]);
    // Without a client ID there is nothing to migrate: no fix that would write an invalid file.
    assert.equal((check(text)[0].data as { fixes?: Fix[] } | undefined)?.fixes, undefined);
  });

  test('"--flag value" split between the end of command and the start of args: both items go', () => {
    const text = staticPod(`        - kube-apiserver
        - --authorization-mode=Node,RBAC
        - --authentication-config=/etc/kubernetes/authn.yaml
        - --oidc-client-id`, `      args:
        - kubernetes
        - --secure-port=6443`);
    const [f] = check(text);
    assert.equal(text.slice(f.start, f.end), '--oidc-client-id');
    // Without an issuer there is nothing to migrate; the flag and its value are still one unit.
    assert.equal(f.data, undefined);
    const withIssuer = text.replace('        - --oidc-client-id', '        - --oidc-issuer-url=https://issuer.example.com\n        - --oidc-client-id');
    const fixed = applyEdits(withIssuer, onlyFix(check(withIssuer)[0]).edits);
    assert.equal(fixed, staticPod(`        - kube-apiserver
        - --authorization-mode=Node,RBAC
        - --authentication-config=/etc/kubernetes/authn.yaml`, `      args:
        - --secure-port=6443`));
  });

  test('no --authentication-config (or an empty one): no conflict', () => {
    const text = staticPod(`        - kube-apiserver
        - --authorization-mode=Node,RBAC
        - --authentication-config=
        - --oidc-issuer-url=https://issuer.example.com
        - --oidc-client-id=kubernetes`);
    assert.ok(!check(text).some((f) => f.code === 'KCG4001'));
  });
});

describe('kind cluster configs: flags inside kubeadmConfigPatches strings', () => {
  test('the structured-auth fixture is valid', () => {
    assert.deepEqual(check(example('kind-cluster-structured-auth.yaml')), []);
  });

  test('adding authorization-mode to the patch, as its comment says, triggers the conflict on the right characters', () => {
    const original = example('kind-cluster-structured-auth.yaml');
    const text = original.replace(
      '        authorization-config: /etc/kubernetes/auth/authz.yaml\n',
      '        authorization-config: /etc/kubernetes/auth/authz.yaml\n        authorization-mode: Node,RBAC\n',
    );
    const got = check(text);
    assert.deepEqual(seen(text, got), [{ code: 'KCG4002', severity: 'error', covers: 'authorization-mode', message: AUTHZ_CONFLICT }]);
    assert.equal(got[0].start, text.lastIndexOf('authorization-mode: Node,RBAC'), 'the line in the patch, not the comment');
    const fix = onlyFix(got[0]);
    assert.equal(applyEdits(text, fix.edits), original, 'the fix removes exactly the added line from the block scalar');
    assert.equal(fix.createFile?.content.includes('  - type: Node\n    name: node\n  - type: RBAC\n    name: rbac\n'), true);
    assert.deepEqual(problemsOf(fix.createFile!.content), []);
  });

  test('greenhouse legacy --oidc-* flags in a per-node patch: hint with a migration that replaces them', () => {
    const text = corpus('apiserver/greenhouse/greenhouse-remote-cluster.legacy-oidc-flags.yaml');
    const got = check(text);
    assert.deepEqual(seen(text, got), [
      {
        code: 'KCG4011',
        severity: 'hint',
        covers: '"oidc-issuer-url"',
        message:
          '--oidc-* flags can be replaced by an AuthenticationConfiguration file (--authentication-config): several issuers and audiences, CEL claim mappings and validation rules, reloaded without restarting kube-apiserver.',
      },
    ]);
    const fix = onlyFix(got[0]);
    assert.equal(fix.title, 'Migrate --oidc-* flags to an AuthenticationConfiguration (creates authentication-config.yaml)');
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.includes(`      - |
        kind: ClusterConfiguration
        apiServer:
          extraArgs:
            "authentication-config": "/etc/kubernetes/authentication-config.yaml"
            "anonymous-auth": "true"
    extraMounts:`), fixed);
    assert.deepEqual(check(fixed), []);
    const content = fix.createFile!.content;
    assert.equal(fix.createFile!.relativePath, 'authentication-config.yaml');
    assert.match(content, /^# Copy it to \/etc\/kubernetes\/authentication-config.yaml on every control-plane node and bring it into the node with the node's extraMounts/m);
    assert.match(content, /# TODO: --oidc-ca-file=\/etc\/kubernetes\/pki\/oidc-ca.crt named a file; certificateAuthority holds the PEM text itself./);
    assert.match(content, /username:\n {8}claim: sub\n {8}prefix: "greenhouse:"\n {6}groups:\n {8}claim: groups\n {8}prefix: ""\n/);
    // Unprefixed groups could be system:masters; the migrated file guards against it (the flags did not).
    assert.match(content, /userValidationRules:\n {6}- expression: "user.groups.all\(group, !group.startsWith\('system:'\)\)"\n/);
    assert.doesNotMatch(content, /user.username.startsWith/, 'the username has a prefix');
    assert.deepEqual(problemsOf(content), []);
    // AuthenticationConfiguration v1 arrived in 1.34; older clusters get v1beta1.
    const content131 = onlyFix(check(text, '1.31')[0]).createFile!.content;
    assert.match(content131, /^apiVersion: apiserver.config.k8s.io\/v1beta1$/m);
    assert.deepEqual(problemsOf(content131, '1.31'), []);
  });

  test('a placeholder issuer is an error, and no migration is offered from it', () => {
    const text = corpus('apiserver/appuio-control-api/kind-oidc.yaml');
    const got = check(text);
    assert.deepEqual(seen(text, got).map((f) => [f.code, f.severity, f.covers, f.message]), [
      ['KCG4009', 'error', 'oidc-issuer-url', 'invalid authentication configuration: jwt[0].issuer.url: Invalid value: "ISSUER_KEYCLOAK/auth/realms/REALM": URL scheme must be https'],
      ['KCG4011', 'hint', 'oidc-issuer-url', got[1].message],
    ]);
    assert.equal(got[1].data, undefined);
  });

  test('block scalar variants: |- (no final line break) and an explicit indentation indicator', () => {
    const strip = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches:
- |-
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      authorization-config: /a.yaml
      authorization-mode: Node
nodes:
- role: control-plane
`;
    const [f] = check(strip);
    assert.equal(strip.slice(f.start, f.end), 'authorization-mode');
    assert.equal(applyEdits(strip, onlyFix(f).edits), strip.replace('      authorization-mode: Node\n', ''));
    const explicit = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    kubeadmConfigPatches:
      - |2
            kind: ClusterConfiguration
            apiServer:
              extraArgs:
                - name: authorization-mode
                  value: Node
                - name: authorization-config
                  value: /a.yaml
`;
    const [g] = check(explicit);
    assert.equal(g.start, explicit.indexOf('authorization-mode'));
    assert.equal(applyEdits(explicit, onlyFix(g).edits), explicit.replace('                - name: authorization-mode\n                  value: Node\n', ''));
  });

  test('cedar: authorization-config alone in a top-level v1beta3 patch is clean', () => {
    assert.deepEqual(check(corpus('apiserver/cedar-access-control-for-k8s/kind.yaml')), []);
  });
});

describe('k3s / RKE2 kube-apiserver-arg (KCG4002)', () => {
  const text = example('k3s-config-authz-conflict.yaml');

  test('authorization-mode and authorization-webhook-version next to authorization-config; not the config flags', () => {
    assert.deepEqual(seen(text, check(text)), [
      { code: 'KCG4002', severity: 'error', covers: '"authorization-mode=Node,RBAC"', message: AUTHZ_CONFLICT },
      { code: 'KCG4002', severity: 'error', covers: '"authorization-webhook-version=v1"', message: AUTHZ_CONFLICT },
    ]);
  });

  test('the fix removes both items and writes the authorizers in mode order', () => {
    const fix = onlyFix(check(text)[1]);
    assert.equal(
      fix.title,
      'Migrate --authorization-mode/--authorization-webhook-* to an AuthorizationConfiguration (creates authorization-config.from-flags.yaml to merge into /etc/rancher/k3s/authz.yaml)',
    );
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.endsWith(`kube-apiserver-arg:
  - "authentication-config=/etc/rancher/k3s/authn.yaml"
  - "authorization-config=/etc/rancher/k3s/authz.yaml"
`), fixed);
    assert.deepEqual(check(fixed), []);
    assert.equal(
      fix.createFile?.content,
      `# AuthorizationConfiguration written by kube-cel-guard from the kube-apiserver flags
#   --authorization-mode, --authorization-webhook-version
# kube-apiserver already reads /etc/rancher/k3s/authz.yaml (--authorization-config): merge these authorizers into its list (the order is the evaluation order), then delete this file.
# --authorization-webhook-version had no effect without mode Webhook; not carried over.
apiVersion: apiserver.config.k8s.io/v1
kind: AuthorizationConfiguration
authorizers:
  - type: Node
    name: node
  - type: RBAC
    name: rbac
`,
    );
    assert.deepEqual(problemsOf(fix.createFile!.content), []);
  });

  test('authorization-policy-file is not part of the rule; dashes are optional', () => {
    const ok = `kube-apiserver-arg:
  - --authorization-config=/etc/rancher/k3s/authz.yaml
  - authorization-policy-file=/etc/rancher/k3s/abac.jsonl
`;
    assert.deepEqual(check(ok), []);
  });

  test('a webhook migrates to a webhook authorizer with the flag values (TTL 0 → caching off)', () => {
    const webhook = `kube-apiserver-arg:
  - authorization-config=/etc/rancher/k3s/authz.yaml
  - authorization-mode=Node,Webhook,RBAC
  - authorization-webhook-config-file=/etc/rancher/k3s/webhook.kubeconfig
  - authorization-webhook-version=v1
  - authorization-webhook-cache-authorized-ttl=0s
  - authorization-webhook-cache-unauthorized-ttl=10s
`;
    const got = check(webhook);
    assert.equal(got.length, 5);
    const content = onlyFix(got[0]).createFile!.content;
    assert.ok(content.endsWith(`authorizers:
  - type: Node
    name: node
  - type: Webhook
    name: webhook
    webhook:
      timeout: 30s
      cacheAuthorizedRequests: false
      unauthorizedTTL: 10s
      subjectAccessReviewVersion: v1
      failurePolicy: NoOpinion
      connectionInfo:
        type: KubeConfigFile
        kubeConfigFile: /etc/rancher/k3s/webhook.kubeconfig
  - type: RBAC
    name: rbac
`), content);
    assert.deepEqual(problemsOf(content), []);
    assert.deepEqual(applyEdits(webhook, onlyFix(got[0]).edits), 'kube-apiserver-arg:\n  - authorization-config=/etc/rancher/k3s/authz.yaml\n');
  });
});

describe('legacy authorization flags without --authorization-config', () => {
  test('modes are case-sensitive; repeated modes; a webhook kubeconfig without mode Webhook (flow-style argv)', () => {
    const text = staticPod(
      '        ["kube-apiserver", "--authorization-mode", "Node,rbac,Node", "--authorization-webhook-config-file=/etc/wh.kubeconfig"]',
    ).replace('command:\n        [', 'command: [');
    const got = check(text);
    assert.deepEqual(seen(text, got), [
      { code: 'KCG4003', severity: 'error', covers: '"--authorization-mode"', message: 'authorization-mode "rbac" is not a valid mode' },
      { code: 'KCG4004', severity: 'error', covers: '"--authorization-mode"', message: 'authorization-mode ["Node" "rbac" "Node"] has mode specified more than once' },
      { code: 'KCG4006', severity: 'error', covers: '"--authorization-webhook-config-file=/etc/wh.kubeconfig"', message: 'cannot specify --authorization-webhook-config-file without mode Webhook' },
    ]);
    const caseFixed = applyEdits(text, onlyFix(got[0]).edits);
    assert.ok(caseFixed.includes('command: ["kube-apiserver", "--authorization-mode=Node,RBAC,Node", "--authorization-webhook-config-file'), caseFixed);
    assert.ok(!check(caseFixed).some((f) => f.code === 'KCG4003'));
    const deduped = applyEdits(text, onlyFix(got[1]).edits);
    assert.ok(deduped.includes('"--authorization-mode=Node,rbac",'), deduped);
    assert.ok(!check(deduped).some((f) => f.code === 'KCG4004'));
  });

  test('ABAC and Webhook need their files; AlwaysAllow is an open cluster', () => {
    const text = staticPod(`        - kube-apiserver
        - --authorization-mode=ABAC,Webhook,AlwaysAllow
        - --authorization-policy-file=`);
    assert.deepEqual(seen(text, check(text)).map((f) => [f.code, f.severity, f.message]), [
      ['KCG4005', 'error', "authorization-mode ABAC's authorization policy file not passed"],
      ['KCG4005', 'error', "authorization-mode Webhook's authorization config file not passed"],
      ['KCG4007', 'warning', 'authorization mode AlwaysAllow authorizes every request, anonymous ones included'],
    ]);
  });

  test('a static Pod without any authorization flag runs AlwaysAllow; kubeadm adds Node,RBAC itself', () => {
    const bare = staticPod('        - /usr/local/bin/kube-apiserver\n        - --secure-port=6443');
    assert.deepEqual(seen(bare, check(bare)), [
      {
        code: 'KCG4007',
        severity: 'warning',
        covers: '/usr/local/bin/kube-apiserver',
        message:
          'kube-apiserver runs with authorization mode AlwaysAllow when neither --authorization-mode nor --authorization-config is given: every request is authorized, anonymous ones included',
      },
    ]);
    const kubeadm = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    authorization-policy-file: /etc/kubernetes/abac.jsonl
`;
    assert.deepEqual(seen(kubeadm, check(kubeadm)).map((f) => [f.code, f.covers, f.message]), [
      ['KCG4006', 'authorization-policy-file', 'cannot specify --authorization-policy-file without mode ABAC'],
    ]);
  });

  test('a kube-apiserver in a Deployment (hosted control plane) and the kubeadm-config ConfigMap are checked too', () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: kube-apiserver, namespace: tenant-a}
spec:
  selector: {matchLabels: {app: kube-apiserver}}
  template:
    metadata: {labels: {app: kube-apiserver}}
    spec:
      containers:
        - name: kube-apiserver
          image: registry.k8s.io/kube-apiserver:v1.35.0
          args:
            - --authorization-config=/etc/kubernetes/authz.yaml
            - --authorization-mode=RBAC
`;
    assert.deepEqual(seen(deployment, check(deployment)).map((f) => [f.code, f.covers]), [['KCG4002', '--authorization-mode=RBAC']]);
    const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kubeadm-config
  namespace: kube-system
data:
  ClusterConfiguration: |
    apiServer:
      extraArgs:
        authorization-mode: Node,RBAC,Webhook
    apiVersion: kubeadm.k8s.io/v1beta3
    kind: ClusterConfiguration
`;
    const got = check(configMap);
    assert.deepEqual(seen(configMap, got), [
      { code: 'KCG4005', severity: 'error', covers: 'authorization-mode', message: "authorization-mode Webhook's authorization config file not passed" },
    ]);
    assert.equal(got[0].start, configMap.indexOf('authorization-mode'));
  });

  test('not a kube-apiserver container: nothing', () => {
    assert.deepEqual(check(corpus('workloads/cedar-authorization-webhook-static-pod.yaml')), []);
    const other = staticPod('        - /bin/sh\n        - -c\n        - kube-apiserver --authorization-mode=rbac');
    assert.deepEqual(check(other), []);
  });
});

describe('legacy --oidc-* flag values', () => {
  test('issuer and client ID go together; unsupported signing algorithms; http issuer', () => {
    const text = staticPod(`        - kube-apiserver
        - --authorization-mode=Node,RBAC
        - --oidc-issuer-url=http://dex.example.com
        - --oidc-signing-algs=RS256,HS256`);
    assert.deepEqual(seen(text, check(text)).map((f) => [f.code, f.covers, f.message]), [
      ['KCG4008', '--oidc-issuer-url=http://dex.example.com', 'oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set'],
      ['KCG4009', '--oidc-issuer-url=http://dex.example.com', 'invalid authentication configuration: jwt[0].issuer.url: Invalid value: "http://dex.example.com": URL scheme must be https'],
      ['KCG4010', '--oidc-signing-algs=RS256,HS256', 'oidc: unsupported signing alg: "HS256"'],
    ]);
  });

  test('an OIDC issuer that is also the service-account issuer (kubeadm passes cluster.local by default)', () => {
    const text = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
    - name: oidc-issuer-url
      value: https://kubernetes.default.svc.cluster.local
    - name: oidc-client-id
      value: kubernetes
`;
    assert.deepEqual(seen(text, check(text)).map((f) => [f.code, f.covers, f.message]), [
      ['KCG4014', 'oidc-issuer-url', 'invalid authentication configuration: jwt[0].issuer.url: Invalid value: "https://kubernetes.default.svc.cluster.local": URL must not overlap with disallowed issuers: [https://kubernetes.default.svc.cluster.local]'],
      ['KCG4011', 'oidc-issuer-url', check(text)[1].message],
    ]);
    assert.equal(check(text)[1].data, undefined, 'no migration into a file the apiserver would reject');
    const ownIssuer = text + '    - name: service-account-issuer\n      value: https://sa.example.com\n';
    assert.deepEqual(check(ownIssuer).map((f) => f.code), ['KCG4011']);
  });

  test('the migration says which flags have no equivalent, maps required claims and the "-" prefix (guarding system: names), adds --authentication-config', () => {
    const text = staticPod(`        - kube-apiserver
        - --authorization-mode=Node,RBAC
        - --oidc-issuer-url=https://dex.example.com
        - --oidc-client-id
        - kubernetes
        - --oidc-username-claim=preferred_username
        - --oidc-username-prefix=-
        - --oidc-signing-algs=ES256
        - --oidc-required-claim=hd=example.com
        - --oidc-required-claim=tier=gold`);
    const [hint] = check(text);
    const fix = onlyFix(hint);
    assert.equal(fix.title, 'Migrate --oidc-* flags to an AuthenticationConfiguration (creates authentication-config.yaml; no equivalent for --oidc-signing-algs)');
    assert.equal(applyEdits(text, fix.edits), staticPod(`        - kube-apiserver
        - --authorization-mode=Node,RBAC
        - --authentication-config=/etc/kubernetes/authentication-config.yaml`));
    const content = fix.createFile!.content;
    assert.match(content, /^# No equivalent in the file, dropped: --oidc-signing-algs=ES256 \(the file accepts every supported signing algorithm\)\.$/m);
    assert.ok(content.endsWith(`    claimMappings:
      username:
        claim: preferred_username
        prefix: ""
    claimValidationRules:
      - claim: hd
        requiredValue: "example.com"
      - claim: tier
        requiredValue: "gold"
    # Added by the migration (the flags had no such guard): without a prefix the identity provider
    # could hand out system: names, e.g. the group system:masters (cluster-admin).
    userValidationRules:
      - expression: "!user.username.startsWith('system:')"
        message: "user names starting with system: are reserved for Kubernetes"
`), content);
    assert.deepEqual(problemsOf(content), []);
  });
});

describe('other flag rules', () => {
  test('a single-value flag given twice with different values: the ignored one is flagged and can be removed', () => {
    const text = staticPod(`        - kube-apiserver
        - --authorization-mode=Node,RBAC
        - --secure-port=6443`, `      args:
        - --secure-port
        - "443"
        - --authorization-mode=Node`);
    const got = check(text);
    assert.deepEqual(seen(text, got), [
      { code: 'KCG4004', severity: 'error', covers: '--authorization-mode=Node', message: 'authorization-mode ["Node" "RBAC" "Node"] has mode specified more than once' },
      { code: 'KCG4012', severity: 'warning', covers: '--secure-port=6443', message: '--secure-port=6443 is ignored: kube-apiserver uses the last --secure-port ("443")' },
    ]);
    const fixed = applyEdits(text, onlyFix(got[1]).edits);
    assert.ok(fixed.includes('        - --authorization-mode=Node,RBAC\n      args:\n'));
    assert.ok(!check(fixed).some((f) => f.code === 'KCG4012'));
  });

  test('feature gates switched off where they still can be', () => {
    const text = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    authentication-config: /etc/kubernetes/authn.yaml
    authorization-config: /etc/kubernetes/authz.yaml
    feature-gates: StructuredAuthenticationConfiguration=false,StructuredAuthorizationConfiguration=false
`;
    assert.deepEqual(seen(text, check(text, '1.31')).map((f) => [f.code, f.covers, f.message]), [
      ['KCG4013', 'authentication-config', 'set --feature-gates=StructuredAuthenticationConfiguration=true to use authentication-config file'],
      ['KCG4013', 'authorization-config', '--authorization-config cannot be used without enabling StructuredAuthorizationConfiguration feature flag'],
    ]);
    assert.deepEqual(seen(text, check(text, '1.33')).map((f) => f.covers), ['authentication-config']);
    assert.deepEqual(check(text, '1.35'), []);
  });

  for (const odd of [
    'kind: Pod\nspec:\n  containers:\n    - command: [kube-apiserver, --oidc-client-id]\n',
    'kind: Pod\nspec:\n  containers:\n    - command: kube-apiserver\n',
    'kind: ClusterConfiguration\napiServer:\n  extraArgs: [1, {name: 2}, {value: x}]\n',
    'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches: [3, "{", "kind: ClusterConfiguration\\napiServer: {extraArgs: {oidc-client-id: x, authentication-config: y}}"]\n',
    'kube-apiserver-arg: authorization-mode\n',
  ]) {
    test(`odd input does not throw: ${JSON.stringify(odd.slice(0, 60))}`, () => {
      const all = analyzeText(odd, { kubernetesVersion: '1.35' });
      assert.ok(!all.some((f) => f.code === 'KCG2999'), JSON.stringify(all));
    });
  }

  test('a flow-style kind patch is checked but gets no edits (its lines are folded)', () => {
    const text = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches: ["kind: ClusterConfiguration\\napiServer: {extraArgs: {oidc-client-id: x, authentication-config: y}}"]\n';
    const got = check(text);
    assert.deepEqual(got.map((f) => [f.code, text.slice(f.start, f.end)]), [['KCG4001', 'oidc-client-id']]);
  });
});

describe('examples/security', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/security');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  test('there is an example for every volume-mount and flag finding but the version-dependent ones', () => {
    const documented = new Set(files.flatMap((f) => /^# expect: (.*)$/m.exec(readFileSync(join(dir, f), 'utf8'))?.[1].split(/\s+/) ?? []));
    const missing = ['3001', '3002', '3003', '3004', '3005', '4001', '4002', '4003', '4004', '4005', '4006', '4007', '4011', '4012']
      .map((n) => `KCG${n}`)
      .filter((c) => !documented.has(c));
    assert.deepEqual(missing, []);
  });

  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const all = analyzeText(text, { kubernetesVersion: '1.35' });

    test(`${file}: finds exactly the codes of its "# expect:" line`, () => {
      // Other checks' examples share the folder and the convention: compare this check family's codes.
      const expected = (/^# expect: (.*)$/m.exec(text)?.[1].split(/\s+/) ?? []).filter((c) => /^KCG[34]/.test(c));
      const found = [...new Set(all.filter((f) => /^KCG[34]/.test(f.code)).map((f) => f.code))].sort();
      assert.deepEqual(found, expected.sort());
      assert.ok(!all.some((f) => f.code === 'KCG2001' || f.code === 'KCG2999'));
    });

    test(`${file}: every quick-fix leaves valid YAML and removes its finding`, () => {
      for (const f of all.filter((x) => /^KCG[34]/.test(x.code))) {
        for (const fix of (f.data as { fixes?: Fix[] } | undefined)?.fixes ?? []) {
          const fixed = applyEdits(text, fix.edits);
          const after = analyzeText(fixed, { kubernetesVersion: '1.35' });
          assert.ok(!after.some((x) => x.code === 'KCG2001'), `${fix.title}\n${fixed}`);
          const sameCode = (list: Finding[]) => list.filter((x) => x.code === f.code).length;
          assert.ok(sameCode(after) < sameCode(all), `${f.code} still there after "${fix.title}"`);
          if (fix.createFile) assert.deepEqual(problemsOf(fix.createFile.content), [], fix.createFile.content);
        }
      }
    });
  }
});
