import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSettings, sameCluster } from '../../server/src/features/settings.js';
import { REPO_ROOT } from './fakeCluster.js';

test('kubeCelGuard.cluster.* as VS Code sends it (nested), as flat clients may push it, and junk', () => {
  assert.deepEqual(parseSettings({}).cluster, { enabled: false });
  assert.deepEqual(parseSettings({ cluster: { enabled: true } }).cluster, { enabled: true });
  assert.deepEqual(
    parseSettings({ cluster: { enabled: true, kubeconfig: ' ~/.kube/ci-config ', context: 'kind-dev' } }).cluster,
    { enabled: true, kubeconfig: '~/.kube/ci-config', context: 'kind-dev' },
  );
  assert.deepEqual(parseSettings({ 'cluster.enabled': true, 'cluster.context': 'prod-ro' }).cluster, { enabled: true, context: 'prod-ro' });
  // Only a real `true` reaches the network.
  for (const enabled of ['true', 1, null, {}, undefined]) assert.equal(parseSettings({ cluster: { enabled } }).cluster.enabled, false);
  assert.deepEqual(parseSettings({ cluster: { enabled: true, kubeconfig: '', context: 42 } }).cluster, { enabled: true });
  assert.ok(sameCluster(parseSettings({ cluster: { enabled: true } }).cluster, parseSettings({ 'cluster.enabled': true }).cluster));
  assert.ok(!sameCluster(parseSettings({ cluster: { enabled: true } }).cluster, parseSettings({ cluster: { enabled: true, context: 'x' } }).cluster));
});

test('package.json declares every cluster setting, restricts them in untrusted workspaces, and keeps kubeconfig to user settings', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const properties = pkg.contributes.configuration.properties;
  const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const key of ['kubeCelGuard.cluster.enabled', 'kubeCelGuard.cluster.kubeconfig', 'kubeCelGuard.cluster.context']) {
    assert.ok(properties[key], `${key} is declared`);
    assert.ok(restricted.includes(key), `${key} is restricted`);
  }
  assert.equal(properties['kubeCelGuard.cluster.enabled'].default, false);
  assert.equal(properties['kubeCelGuard.cluster.kubeconfig'].scope, 'machine', 'a workspace must not pick a kubeconfig (it can name a program)');
  assert.ok(pkg.contributes.commands.some((c: { command: string }) => c.command === 'kubeCelGuard.refreshClusterSchemas'));
});
