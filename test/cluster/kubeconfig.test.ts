import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { kubeconfigFiles, KubeconfigError, loadKubeconfig } from '../../server/src/schemas/cluster/kubeconfig.js';
import { execInfo, parseExecCredential, ExecPluginError } from '../../server/src/schemas/cluster/exec.js';
import { tempDir } from './fakeCluster.js';

// kubeconfig loading as clientcmd does it; no network here.
describe('kubeconfig loading (kubectl rules)', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => {
    tmp = tempDir('kcg-kubeconfig-');
  });
  after(() => tmp.cleanup());

  const write = (rel: string, text: string) => {
    const file = join(tmp.dir, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
    return file;
  };

  it('reads ~/.kube/config when KUBECONFIG is unset or empty', () => {
    const home = join(tmp.dir, 'home');
    const file = write('home/.kube/config', `
apiVersion: v1
kind: Config
current-context: dev
clusters: [{name: c, cluster: {server: "https://dev.example:6443", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: abc}}]
contexts: [{name: dev, context: {cluster: c, user: u}}]
`);
    for (const env of [{}, { KUBECONFIG: '' }]) {
      const target = loadKubeconfig({ env, homeDir: home });
      assert.deepEqual(target.files, [file]);
      assert.equal(target.contextName, 'dev');
      assert.equal(target.cluster.server, 'https://dev.example:6443');
      assert.equal(target.cluster.insecureSkipTlsVerify, true);
      assert.equal(target.user.token, 'abc');
    }
  });

  it('merges the KUBECONFIG list: the first file to set a name or current-context wins; missing files are skipped', () => {
    const a = write('merge/a.yaml', `
current-context: first
clusters: [{name: shared, cluster: {server: "https://a.example"}}]
users: [{name: shared-user, user: {token: from-a}}]
contexts: [{name: first, context: {cluster: shared, user: shared-user}}]
`);
    const b = write('merge/b.yaml', `
current-context: second
clusters:
- {name: shared, cluster: {server: "https://b.example"}}
- {name: only-b, cluster: {server: "https://only-b.example", certificate-authority: ca/b.crt}}
users: [{name: shared-user, user: {token: from-b}}, {name: b-user, user: {client-certificate: certs/b.crt, client-key: /abs/b.key}}]
contexts: [{name: second, context: {cluster: only-b, user: b-user}}]
`);
    const missing = join(tmp.dir, 'merge', 'missing.yaml');
    const env = { KUBECONFIG: [missing, a, '', b, a].join(delimiter) };
    assert.deepEqual(kubeconfigFiles({ env }).files, [missing, a, b], 'duplicates and empty entries dropped, order kept');

    const first = loadKubeconfig({ env });
    assert.deepEqual(first.files, [a, b]);
    assert.equal(first.contextName, 'first', "a.yaml's current-context wins");
    assert.equal(first.cluster.server, 'https://a.example', 'the first definition of cluster "shared" wins');
    assert.equal(first.user.token, 'from-a');

    const second = loadKubeconfig({ env, context: 'second' });
    assert.equal(second.cluster.server, 'https://only-b.example');
    assert.equal(second.cluster.certificateAuthority, join(tmp.dir, 'merge', 'ca', 'b.crt'), 'relative to the file that defined it');
    assert.equal(second.user.clientCertificate, join(tmp.dir, 'merge', 'certs', 'b.crt'));
    assert.equal(second.user.clientKey, '/abs/b.key');
  });

  it('an explicit kubeconfig is the only file read, and must exist', () => {
    const file = write('explicit/config', `
current-context: x
clusters: [{name: c, cluster: {server: "https://x.example", tls-server-name: api.internal, proxy-url: "http://proxy:3128"}}]
users: [{name: u, user: {username: admin, password: pw, as: someone, as-groups: [g1, g2]}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
`);
    const target = loadKubeconfig({ kubeconfig: file, env: { KUBECONFIG: '/nonexistent/elsewhere' } });
    assert.equal(target.cluster.tlsServerName, 'api.internal');
    assert.equal(target.cluster.proxyUrl, 'http://proxy:3128');
    assert.equal(target.user.username, 'admin');
    assert.equal(target.user.password, 'pw');
    assert.deepEqual(target.user.impersonate, { user: 'someone', groups: ['g1', 'g2'], extra: {} });
    assert.throws(() => loadKubeconfig({ kubeconfig: join(tmp.dir, 'nope') }), (err: Error) => err instanceof KubeconfigError && /no such file/.test(err.message));
  });

  it('decodes the -data fields and resolves an exec command only when it is a path', () => {
    const file = write('exec/config', `
current-context: x
clusters: [{name: c, cluster: {server: "https://x.example", certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')},
  extensions: [{name: client.authentication.k8s.io/exec, extension: {audience: kcg}}]}}]
users:
- name: u
  user:
    client-certificate-data: ${Buffer.from('CERT').toString('base64')}
    client-key-data: ${Buffer.from('KEY').toString('base64')}
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--cluster, x]
      env: [{name: FOO, value: bar}]
      provideClusterInfo: true
      interactiveMode: Never
- name: v
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
contexts: [{name: x, context: {cluster: c, user: u}}, {name: y, context: {cluster: c, user: v}}]
`);
    const x = loadKubeconfig({ kubeconfig: file });
    assert.equal(x.cluster.certificateAuthorityData?.toString(), 'CA PEM');
    assert.deepEqual(x.cluster.execExtension, { audience: 'kcg' });
    assert.equal(x.user.clientCertificateData?.toString(), 'CERT');
    assert.equal(x.user.clientKeyData?.toString(), 'KEY');
    assert.equal(x.user.exec?.command, join(tmp.dir, 'exec', 'bin', 'get-token'));
    assert.deepEqual(x.user.exec?.args, ['--cluster', 'x']);
    assert.deepEqual(x.user.exec?.env, [{ name: 'FOO', value: 'bar' }]);
    assert.equal(loadKubeconfig({ kubeconfig: file, context: 'y' }).user.exec?.command, 'aws', 'looked up on PATH');

    const info = JSON.parse(execInfo(x.user.exec!, x.cluster, x.cluster.certificateAuthorityData));
    assert.deepEqual(info, {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false, cluster: { server: 'https://x.example', 'certificate-authority-data': Buffer.from('CA PEM').toString('base64'), config: { audience: 'kcg' } } },
    });
  });

  it('says what is wrong: no kubeconfig, no current-context, unknown context, no server, bad YAML', () => {
    const home = join(tmp.dir, 'empty-home');
    mkdirSync(home, { recursive: true });
    const cases: Array<[Parameters<typeof loadKubeconfig>[0], RegExp]> = [
      [{ env: {}, homeDir: home }, /^no kubeconfig found \(looked for .*\.kube\/config\)$/],
      [{ kubeconfig: write('err/nocurrent', 'clusters: []\n') }, /^current-context is not set in /],
      [{ kubeconfig: write('err/unknown', 'current-context: gone\ncontexts: []\n') }, /^context "gone" does not exist in /],
      [{ kubeconfig: write('err/noserver', 'current-context: x\nclusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: c}}]\n') }, /^no server found for cluster "c"$/],
      [{ kubeconfig: write('err/bad', 'clusters: [\n') }, /^cannot parse kubeconfig /],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => loadKubeconfig(options), (err: Error) => err instanceof KubeconfigError && message.test(err.message), String(message));
    }
  });
});

describe('ExecCredential output', () => {
  const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: 'plugin', args: [], env: [], provideClusterInfo: false };
  it('reads a token or a client certificate and the expiry', () => {
    assert.deepEqual(
      parseExecCredential(JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', status: { token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' } }), exec),
      { token: 't', expiresAt: Date.parse('2030-01-01T00:00:00Z') },
    );
    assert.deepEqual(
      parseExecCredential(JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', status: { clientCertificateData: 'C', clientKeyData: 'K' } }), exec),
      { clientCertificateData: 'C', clientKeyData: 'K' },
    );
  });
  it('rejects what client-go rejects', () => {
    for (const [out, message] of [
      ['not json', /not JSON/],
      [JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 't' } }), /configured to use API version client.authentication.k8s.io\/v1, plugin returned version client.authentication.k8s.io\/v1beta1/],
      [JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', status: { clientCertificateData: 'C' } }), /clientCertificateData without clientKeyData/],
      [JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', status: {} }), /neither a token nor a client certificate/],
    ] as const) {
      assert.throws(() => parseExecCredential(out, exec), (err: Error) => err instanceof ExecPluginError && message.test(err.message));
    }
  });
});
