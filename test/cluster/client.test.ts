import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ClusterClient, ClusterError } from '../../server/src/schemas/cluster/client.js';
import { loadKubeconfig } from '../../server/src/schemas/cluster/kubeconfig.js';
import { readRuns, skipReason, useFakeCluster, writeExecPlugin, type KubeconfigSpec } from './fakeCluster.js';

// How kube-cel-guard authenticates to a cluster, against a local HTTPS apiserver stand-in.
describe('cluster client: TLS and credentials from the kubeconfig', { skip: skipReason }, () => {
  const suite = useFakeCluster();

  /** A client for a kubeconfig written to its own folder (relative paths resolve against it). */
  function clientFor(spec: Partial<KubeconfigSpec>, options: { requestTimeoutMs?: number } = {}): ClusterClient {
    const file = suite.writeKubeconfig(spec);
    return new ClusterClient(loadKubeconfig({ kubeconfig: file }), options);
  }

  async function version(client: ClusterClient): Promise<unknown> {
    try {
      return await client.getJson('/version');
    } finally {
      client.dispose();
    }
  }

  it('sends a bearer token', async () => {
    assert.deepEqual(await version(clientFor({ user: { token: 'good-token' } })), { major: '1', minor: '30', gitVersion: 'v1.30.9', platform: 'linux/amd64' });
    assert.deepEqual(suite.fake.requests.map((r) => r.auth), ['bearer:good-token']);
  });

  it('reads tokenFile (relative to the kubeconfig) and basic auth', async () => {
    writeFileSync(join(suite.tmp.dir, 'token'), 'good-token\n');
    await version(clientFor({ user: { tokenFile: 'token' } }));
    await version(clientFor({ user: { username: 'admin', password: 'secret' } }));
    assert.deepEqual(suite.fake.requests.map((r) => r.auth), ['bearer:good-token', 'basic:admin:secret']);
  });

  it('presents a client certificate, from files (relative paths) or -data fields', async () => {
    await version(clientFor({ user: { 'client-certificate': relative(suite.tmp.dir, suite.fake.pki.clientCert), 'client-key': relative(suite.tmp.dir, suite.fake.pki.clientKey) } }));
    await version(clientFor({
      cluster: { 'certificate-authority-data': readFileSync(suite.fake.pki.caCert).toString('base64') },
      user: { 'client-certificate-data': readFileSync(suite.fake.pki.clientCert).toString('base64'), 'client-key-data': readFileSync(suite.fake.pki.clientKey).toString('base64') },
    }));
    assert.deepEqual(suite.fake.requests.map((r) => r.auth), ['cert:kcg-admin', 'cert:kcg-admin']);
  });

  it('runs an exec credential plugin (v1) with its args and env, once, and uses its token', async () => {
    const { script, runsLog } = writeExecPlugin(join(suite.tmp.dir, 'plugin-v1'), { token: 'good-token' });
    const client = clientFor({
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: process.execPath,
          args: [script],
          env: [{ name: 'KCG_PLUGIN_EXTRA', value: 'from-kubeconfig' }],
          provideClusterInfo: true,
          interactiveMode: 'Never',
        },
      },
    });
    try {
      await client.getJson('/version');
      await client.getJson('/openapi/v3');
    } finally {
      client.dispose();
    }
    assert.deepEqual(suite.fake.requests.map((r) => r.auth), ['bearer:good-token', 'bearer:good-token']);
    const runs = readRuns(runsLog);
    assert.equal(runs.length, 1, 'credentials are cached for the session');
    assert.equal(runs[0].extra, 'from-kubeconfig');
    assert.equal(runs[0].info.kind, 'ExecCredential');
    assert.equal(runs[0].info.spec.interactive, false);
    assert.equal(runs[0].info.spec.cluster.server, suite.fake.url);
    assert.equal(Buffer.from(runs[0].info.spec.cluster['certificate-authority-data'], 'base64').toString(), readFileSync(suite.fake.pki.caCert, 'utf8'));
  });

  it('runs an exec plugin (v1beta1) that returns a client certificate', async () => {
    const { script } = writeExecPlugin(
      join(suite.tmp.dir, 'plugin-v1beta1'),
      { clientCertificateData: readFileSync(suite.fake.pki.clientCert, 'utf8'), clientKeyData: readFileSync(suite.fake.pki.clientKey, 'utf8') },
      'client.authentication.k8s.io/v1beta1',
    );
    await version(clientFor({ user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [script] } } }));
    assert.deepEqual(suite.fake.requests.map((r) => r.auth), ['cert:kcg-admin']);
  });

  it('re-runs the exec plugin once after a 401, then reports the rejection', async () => {
    const { script, runsLog } = writeExecPlugin(join(suite.tmp.dir, 'plugin-stale'), { token: 'stale-token' });
    const client = clientFor({ user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script] } } });
    await assert.rejects(version(client), (err: Error) => err instanceof ClusterError && err.kind === 'unauthorized' && /401 Unauthorized/.test(err.message));
    assert.equal(readRuns(runsLog).length, 2);
    assert.equal(suite.fake.requests.length, 2, 'no retry storm');
  });

  it('names a missing exec plugin with its installHint', async () => {
    const client = clientFor({ user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kcg-no-such-plugin', installHint: 'Install it from example.invalid' } } });
    await assert.rejects(version(client), (err: Error) => err instanceof ClusterError && err.kind === 'credentials' && err.message === 'exec plugin "kcg-no-such-plugin" not found: Install it from example.invalid');
    assert.equal(suite.fake.requests.length, 0);
  });

  it('verifies the server certificate: another CA fails, tls-server-name and insecure-skip-tls-verify work as in kubectl', async () => {
    await assert.rejects(version(clientFor({ cluster: { 'certificate-authority': suite.fake.pki.otherCaCert }, user: { token: 'good-token' } })), (err: Error) => err instanceof ClusterError && err.kind === 'tls');
    // The certificate is for 127.0.0.1 and kcg-apiserver.test: a wrong tls-server-name fails, the right one passes.
    await assert.rejects(version(clientFor({ cluster: { 'certificate-authority': suite.fake.pki.caCert, 'tls-server-name': 'wrong.test' }, user: { token: 'good-token' } })), (err: Error) => err instanceof ClusterError && err.kind === 'tls');
    await version(clientFor({ cluster: { 'certificate-authority': suite.fake.pki.caCert, 'tls-server-name': 'kcg-apiserver.test' }, user: { token: 'good-token' } }));
    await version(clientFor({ cluster: { 'insecure-skip-tls-verify': true }, user: { token: 'good-token' } }));
    assert.equal(suite.fake.requests.length, 2);
  });

  it('classifies 401, 403, garbage, timeouts and unreachable servers', async () => {
    await assert.rejects(version(clientFor({ user: { token: 'bad-token' } })), (err: Error) => err instanceof ClusterError && err.kind === 'unauthorized');
    suite.fake.mode = 'forbidden';
    await assert.rejects(version(clientFor({ user: { token: 'good-token' } })), (err: Error) => err instanceof ClusterError && err.kind === 'forbidden' && /403 Forbidden\): forbidden: User/.test(err.message));
    suite.fake.mode = 'garbage';
    await assert.rejects(version(clientFor({ user: { token: 'good-token' } })), (err: Error) => err instanceof ClusterError && err.kind === 'invalid');
    suite.fake.mode = 'hang';
    const started = Date.now();
    await assert.rejects(version(clientFor({ user: { token: 'good-token' } }, { requestTimeoutMs: 300 })), (err: Error) => err instanceof ClusterError && err.kind === 'timeout' && /did not answer GET \/version within 0.3 s/.test(err.message));
    assert.ok(Date.now() - started < 3000);
    await assert.rejects(version(clientFor({ server: 'https://127.0.0.1:1', user: { token: 'good-token' } })), (err: Error) => err instanceof ClusterError && err.kind === 'unreachable');
  });
});
