import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { EngineOptions } from '../../server/src/engine/options.js';
import type { Finding } from '../../server/src/engine/findings.js';
import { ClusterSchemas, versionNote } from '../../server/src/schemas/cluster/loader.js';
import type { ClusterSnapshot } from '../../server/src/schemas/cluster/snapshot.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';
import { widgetCrd } from '../lsp/crdFixtures.js';
import {
  DEPLOYMENT_POLICY,
  GIZMO_POLICY,
  HOSTNAME_OVERRIDE_MESSAGE,
  SIZEE_MESSAGE,
  skipReason,
  useFakeCluster,
  type KubeconfigSpec,
} from './fakeCluster.js';

const BUNDLED: EngineOptions = { kubernetesVersion: '1.35' };

/** What a user sees of the findings: code, severity, message and the text underlined. */
function seen(text: string, findings: Finding[]) {
  return findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, text: text.slice(f.start, f.end) }));
}

describe('schemas from the cluster (engine)', { skip: skipReason }, () => {
  const open: ClusterSchemas[] = [];
  const suite = useFakeCluster({
    beforeClose: () => {
      for (const c of open) c.dispose();
    },
  });

  interface Session {
    cluster: ClusterSchemas;
    failures: string[];
    snapshots: ClusterSnapshot[];
    options(): EngineOptions;
  }

  function connect(spec: Partial<KubeconfigSpec> = {}, requestTimeoutMs = 10_000): Session {
    const file = suite.writeKubeconfig({ user: { token: 'good-token' }, ...spec });
    const failures: string[] = [];
    const snapshots: ClusterSnapshot[] = [];
    const cluster = new ClusterSchemas({ kubeconfig: file, requestTimeoutMs }, { log: () => {}, changed: (s) => snapshots.push(s), failed: (m) => failures.push(m) });
    open.push(cluster);
    return { cluster, failures, snapshots, options: () => ({ ...BUNDLED, cluster: cluster.snapshot }) };
  }

  /** Checks, lets the cluster load what the check asked for, checks again (what the server's re-check does). */
  async function checkTwice(session: Session, text: string, workspace = createWorkspaceIndex([])): Promise<Finding[]> {
    await session.cluster.start();
    analyzeText(text, session.options(), workspace);
    await session.cluster.settled();
    return analyzeText(text, session.options(), workspace);
  }

  it('types a policy on a kind only the cluster serves, reading only the documents it needs', async () => {
    assert.deepEqual(seen(GIZMO_POLICY, analyzeText(GIZMO_POLICY, BUNDLED)), [], 'bundled schemas know no Gizmo');
    const session = connect();
    const findings = await checkTwice(session, GIZMO_POLICY);
    assert.deepEqual(seen(GIZMO_POLICY, findings), [{ code: 'KCG1003', severity: 'warning', message: SIZEE_MESSAGE, text: '.sizee' }]);
    assert.equal(findings[0].start, GIZMO_POLICY.indexOf('.sizee'), 'cel-go points at the selection');
    assert.deepEqual(suite.fake.requests.map((r) => r.path), ['/version', '/openapi/v3', '/openapi/v3/apis/example.com/v1?hash=G1']);
    assert.equal(session.cluster.version?.gitVersion, 'v1.30.9');
    assert.equal(session.snapshots.length, 1, 'one re-check for the batch');
    assert.deepEqual(session.failures, []);
  });

  it("types built-in kinds from the cluster's own version (1.30 here) instead of the bundled 1.35", async () => {
    assert.deepEqual(seen(DEPLOYMENT_POLICY, analyzeText(DEPLOYMENT_POLICY, BUNDLED)), []);
    const findings = await checkTwice(connect(), DEPLOYMENT_POLICY);
    assert.deepEqual(seen(DEPLOYMENT_POLICY, findings), [{ code: 'KCG1003', severity: 'warning', message: HOSTNAME_OVERRIDE_MESSAGE, text: '.hostnameOverride' }]);
    assert.deepEqual(suite.fake.requests.map((r) => r.path), ['/version', '/openapi/v3', '/openapi/v3/apis/apps/v1?hash=APPS']);
  });

  it('precedence: the cluster for what it serves, then workspace CRDs, then the bundled schemas', async () => {
    // The workspace has its own (different) Gizmo, and a Widget the cluster does not serve.
    const workspaceGizmo = widgetCrd(['sizee']).replace(/Widget/g, 'Gizmo').replace(/widgets/g, 'gizmos');
    const workspace = createWorkspaceIndex([
      { path: 'gizmo-crd.yaml', text: workspaceGizmo },
      { path: 'widget-crd.yaml', text: widgetCrd(['size']) },
    ]);
    const policy = GIZMO_POLICY.replace('resources: ["gizmos"]', 'resources: ["gizmos", "widgets"]');
    assert.deepEqual(seen(policy, analyzeText(policy, BUNDLED, workspace)).map((f) => f.message), ["undefined field 'sizee' (example.com/v1, Kind=Widget)"], 'without the cluster: the workspace Gizmo has sizee');
    const findings = await checkTwice(connect(), policy, workspace);
    assert.deepEqual(seen(policy, findings).map((f) => f.message), ["undefined field 'sizee' (example.com/v1, Kind=Gizmo; example.com/v1, Kind=Widget)"]);
  });

  it('refresh reads again only the documents whose hash changed', async () => {
    const session = connect();
    const policy = GIZMO_POLICY.replace('object.spec.sizee', 'object.spec.color');
    assert.equal((await checkTwice(session, policy)).length, 1, 'no color yet');
    suite.fake.updateGizmo();
    suite.fake.requests.length = 0;
    await session.cluster.refresh();
    assert.deepEqual(analyzeText(policy, session.options()), []);
    assert.deepEqual(suite.fake.requests.map((r) => r.path), ['/version', '/openapi/v3', '/openapi/v3/apis/example.com/v1?hash=G2']);
  });

  for (const [name, prepare, spec, kind] of [
    ['unreachable', () => {}, { server: 'https://127.0.0.1:1' }, /cannot reach https:\/\/127\.0\.0\.1:1/],
    ['401 Unauthorized', () => {}, { user: { token: 'wrong' } }, /user "test-user" was rejected \(401 Unauthorized\)/],
    ['an untrusted server certificate', () => {}, { cluster: {} }, /^cannot read schemas from context "test" \(https:\/\/127\.0\.0\.1:\d+\): TLS with https:\/\/127\.0\.0\.1:\d+ failed: /],
    ['not JSON', () => (suite.fake.mode = 'garbage'), {}, /did not answer JSON/],
    ['no answer within the timeout', () => (suite.fake.mode = 'hang'), {}, /did not answer GET \/(version|openapi\/v3) within 0\.3 s/],
    ['no kubeconfig context', () => {}, { context: '' }, /^cannot read schemas from the cluster: current-context is not set/],
  ] as const) {
    it(`falls back to the bundled schemas with one message: ${name}`, async () => {
      prepare();
      const session = connect(spec as Partial<KubeconfigSpec>, 300);
      const text = `${GIZMO_POLICY}---\n${DEPLOYMENT_POLICY.replace('!has(', '!hass(')}`;
      const started = Date.now();
      const findings = await checkTwice(session, text);
      assert.ok(Date.now() - started < 5000);
      assert.equal(session.cluster.state, 'failed');
      assert.equal(session.failures.length, 1, JSON.stringify(session.failures));
      assert.match(session.failures[0], kind);
      assert.match(session.failures[0], /Using the bundled schemas\.$/);
      assert.deepEqual(seen(text, findings), seen(text, analyzeText(text, BUNDLED)), 'the usual bundled findings');
      assert.ok(findings.some((f) => f.code === 'KCG1002'), 'e.g. the undeclared hass()');
      // Asking again (the next keystroke's check) neither retries nor repeats the message.
      const before = suite.fake.requests.length;
      analyzeText(text, session.options());
      await session.cluster.settled();
      assert.equal(suite.fake.requests.length, before);
      assert.equal(session.failures.length, 1);
    });
  }

  it('tells when the cluster minor differs from the configured version', () => {
    assert.equal(versionNote({ major: 1, minor: 35, gitVersion: 'v1.35.0' }, '1.35', 'kubeCelGuard.kubernetesVersion'), undefined);
    assert.equal(
      versionNote({ major: 1, minor: 30, gitVersion: 'v1.30.9' }, '1.35', 'kubeCelGuard.kubernetesVersion'),
      'The cluster runs Kubernetes 1.30 (v1.30.9); kubeCelGuard.kubernetesVersion is 1.35. Schemas come from the cluster; CEL libraries and version checks stay those of 1.35: set kubeCelGuard.kubernetesVersion to 1.30 to match the cluster.',
    );
    assert.match(versionNote({ major: 1, minor: 28, gitVersion: 'v1.28.3-eks-1' }, '1.35', '--kubernetes-version')!, /stay those of 1\.35 \(kube-cel-guard bundles 1\.30–1\.35\)\.$/);
  });
});
