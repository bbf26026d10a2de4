import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, type PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { LspSession } from '../lsp/lspHarness.js';
import { DEPLOYMENT_POLICY, execUser, GIZMO_POLICY, readRuns, SIZEE_AT, SIZEE_MESSAGE, skipReason, useFakeCluster, writeExecPlugin } from './fakeCluster.js';

const hasSizee = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.code === 'KCG1003');

// The language server as a process, KUBECONFIG pointing at a temporary kubeconfig whose user
// gets its token from an exec plugin, against the local fake apiserver.
describe('language server: kubeCelGuard.cluster.enabled', { skip: skipReason }, () => {
  const suite = useFakeCluster();
  let env: NodeJS.ProcessEnv;
  let runsLog: string;
  before(() => {
    const plugin = writeExecPlugin(join(suite.tmp.dir, 'plugin'), { token: 'good-token' });
    runsLog = plugin.runsLog;
    const kubeconfig = join(suite.tmp.dir, 'kubeconfig');
    writeFileSync(kubeconfig, suite.kubeconfig({ user: execUser(plugin.script) }));
    env = suite.envWith(kubeconfig);
  });
  beforeEach(() => {
    writeFileSync(runsLog, '');
  });

  it('makes no request and runs no plugin while off; once on, the open policy is re-checked against the cluster', async () => {
    const session = await LspSession.start({ env, settings: {} });
    try {
      const uri = 'file:///virtual/gizmo-policy.yaml';
      await session.open(uri, GIZMO_POLICY);
      const off = await session.diagnostics(uri);
      assert.deepEqual(off.diagnostics, [], 'bundled schemas know no Gizmo');
      // Other requests meanwhile must not reach the network either.
      await session.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: SIZEE_AT.line, character: SIZEE_AT.character + 2 } });
      assert.equal(suite.fake.requests.length, 0);
      assert.equal(readRuns(runsLog).length, 0);

      const since = session.mark();
      session.settings.current = { cluster: { enabled: true } };
      await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      const on = await session.diagnostics(uri, hasSizee, 10_000, since);
      assert.equal(on.version, 1);
      assert.deepEqual(
        on.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, range: d.range })),
        [{ code: 'KCG1003', severity: DiagnosticSeverity.Warning, message: SIZEE_MESSAGE, range: { start: { line: SIZEE_AT.line, character: SIZEE_AT.character }, end: { line: SIZEE_AT.line, character: SIZEE_AT.endCharacter } } }],
      );
      assert.deepEqual(suite.fake.requests.map((r) => `${r.path} ${r.auth}`), [
        '/version bearer:good-token',
        '/openapi/v3 bearer:good-token',
        '/openapi/v3/apis/example.com/v1?hash=G1 bearer:good-token',
      ]);
      assert.equal(readRuns(runsLog).length, 1, 'the exec plugin ran once for the session');
      // The cluster runs 1.30, the setting says 1.35: the user is told once, CEL libraries unchanged.
      assert.match(await session.message(/The cluster runs Kubernetes 1\.30/), /set kubeCelGuard\.kubernetesVersion to 1\.30 to match the cluster/);

      // Turning it off again: bundled schemas, no more requests.
      const offAgain = session.mark();
      session.settings.current = { cluster: { enabled: false } };
      await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await session.diagnostics(uri, (p) => !hasSizee(p), 10_000, offAgain);
      const count = suite.fake.requests.length;
      await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: GIZMO_POLICY + '# edited\n' }] });
      await session.diagnostics(uri, (p) => p.version === 2);
      assert.equal(suite.fake.requests.length, count);
    } finally {
      await session.close();
    }
  });

  it('re-reads the cluster on kubeCelGuard.refreshClusterSchemas', async () => {
    const session = await LspSession.start({ env, settings: { cluster: { enabled: true }, kubernetesVersion: '1.30' } });
    try {
      assert.deepEqual(session.initializeResult?.capabilities.executeCommandProvider?.commands, ['kubeCelGuard.refreshClusterSchemas']);
      const uri = 'file:///virtual/gizmo-color.yaml';
      await session.open(uri, GIZMO_POLICY.replace('object.spec.sizee', 'object.spec.color'));
      await session.diagnostics(uri, hasSizee);
      suite.fake.updateGizmo();
      const since = session.mark();
      await session.connection.sendRequest('workspace/executeCommand', { command: 'kubeCelGuard.refreshClusterSchemas', arguments: [] });
      const refreshed = await session.diagnostics(uri, (p) => !hasSizee(p), 10_000, since);
      assert.deepEqual(refreshed.diagnostics, []);
      assert.deepEqual(session.messages, [], 'kubernetesVersion matches the cluster: nothing to tell');
    } finally {
      await session.close();
    }
  });

  it('stays off in an untrusted workspace even when enabled', async () => {
    const session = await LspSession.start({ env, settings: { cluster: { enabled: true } }, initializationOptions: { trusted: false } });
    try {
      const uri = 'file:///virtual/untrusted.yaml';
      await session.open(uri, GIZMO_POLICY);
      assert.deepEqual((await session.diagnostics(uri)).diagnostics, []);
      await session.log(/untrusted workspace: kubeCelGuard\.cluster\.enabled ignored/);
      assert.deepEqual(suite.fake.requests, []);
      assert.deepEqual(readRuns(runsLog), []);
    } finally {
      await session.close();
    }
  });

  it('falls back to the bundled schemas with one message when the cluster refuses the credentials', async () => {
    suite.fake.mode = 'unauthorized';
    const session = await LspSession.start({ env, settings: { cluster: { enabled: true } } });
    try {
      const uri = 'file:///virtual/refused.yaml';
      const text = `${GIZMO_POLICY}---\n${DEPLOYMENT_POLICY.replace('!has(object.spec.template.spec.hostnameOverride)', "object.spec.replicas <= '5'")}`;
      await session.open(uri, text);
      const message = await session.message(/cannot read schemas/);
      assert.match(message, /^kube-cel-guard: cannot read schemas from context "test" \(https:\/\/127\.0\.0\.1:\d+\): user "test-user" was rejected \(401 Unauthorized\) by https:\/\/127\.0\.0\.1:\d+\. Using the bundled schemas\.$/);
      for (let version = 2; version <= 4; version++) {
        await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: `${text}# ${version}\n` }] });
      }
      const last = await session.diagnostics(uri, (p) => p.version === 4);
      assert.deepEqual(
        last.diagnostics.map((d) => `${d.code} ${d.message}`),
        ["KCG1004 found no matching overload for '_<=_' applied to '(int, string)' (apps/v1, Kind=Deployment)"],
        'the usual bundled findings',
      );
      assert.equal(session.messages.length, 1, JSON.stringify(session.messages));
      assert.ok(session.logs.some((l) => /401 Unauthorized/.test(l)));
    } finally {
      await session.close();
    }
  });
});
