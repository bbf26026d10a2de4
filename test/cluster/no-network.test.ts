import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { runCli } from '../../server/src/cli.js';
import { DEPLOYMENT_POLICY, GIZMO_POLICY, kubeconfigYaml, readRuns, REPO_ROOT, tempDir, writeExecPlugin } from './fakeCluster.js';

// Without --cluster (and without kubeCelGuard.cluster.enabled, see lsp.test.ts) kube-cel-guard
// opens no socket at all and runs no credential plugin, even with a kubeconfig that names a
// cluster and a plugin. Every TCP connection in Node goes through net.Socket#connect.
describe('no network unless asked', () => {
  let tmp: ReturnType<typeof tempDir>;
  let runsLog: string;
  const connects: unknown[] = [];
  const original = net.Socket.prototype.connect;
  const savedKubeconfig = process.env.KUBECONFIG;
  before(() => {
    tmp = tempDir();
    writeFileSync(join(tmp.dir, 'policies.yaml'), `${GIZMO_POLICY}---\n${DEPLOYMENT_POLICY}`);
    const plugin = writeExecPlugin(join(tmp.dir, 'plugin'), { token: 'good-token' });
    runsLog = plugin.runsLog;
    writeFileSync(
      join(tmp.dir, 'kubeconfig'),
      kubeconfigYaml({ server: 'https://127.0.0.1:9', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin.script] } } }),
    );
    process.env.KUBECONFIG = join(tmp.dir, 'kubeconfig');
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      connects.push(args[0]);
      throw new Error('kube-cel-guard opened a socket');
    } as typeof original;
  });
  after(() => {
    net.Socket.prototype.connect = original;
    if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = savedKubeconfig;
    tmp.cleanup();
  });

  it('kube-cel-guard check (in process) over policies and the examples', async () => {
    let stdout = '';
    const status = await runCli(['check', tmp.dir, join(REPO_ROOT, 'examples'), '--format', 'json'], {
      stdout: (t) => void (stdout += t),
      stderr: () => {},
      readStdin: async () => '',
    });
    assert.equal(status, 1, 'the examples have findings');
    assert.ok(JSON.parse(stdout).length > 0);
    assert.deepEqual(connects, []);
    assert.deepEqual(readRuns(runsLog), []);
  });
});
