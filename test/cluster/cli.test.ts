import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEPLOYMENT_POLICY,
  execUser,
  GIZMO_POLICY,
  HOSTNAME_OVERRIDE_MESSAGE,
  readRuns,
  runCliAsync,
  SIZEE_AT,
  SIZEE_MESSAGE,
  skipReason,
  useFakeCluster,
  writeExecPlugin,
} from './fakeCluster.js';

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

// `kube-cel-guard check --cluster`, as a CI job runs it, against the local fake apiserver.
describe('kube-cel-guard check --cluster', { skip: skipReason }, () => {
  const suite = useFakeCluster();
  let env: NodeJS.ProcessEnv;
  let runsLog: string;
  let tokenKubeconfig: string;
  before(() => {
    mkdirSync(join(suite.tmp.dir, 'policies'));
    writeFileSync(join(suite.tmp.dir, 'policies', 'gizmo.yaml'), GIZMO_POLICY);
    writeFileSync(join(suite.tmp.dir, 'policies', 'deployment.yaml'), DEPLOYMENT_POLICY);
    const plugin = writeExecPlugin(join(suite.tmp.dir, 'plugin'), { token: 'good-token' });
    runsLog = plugin.runsLog;
    // $KUBECONFIG: an exec-plugin user in context "ci" (current) and a token user in context "other".
    const kubeconfig = join(suite.tmp.dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        'current-context': 'ci',
        clusters: [{ name: 'c', cluster: { server: suite.fake.url, 'certificate-authority': suite.fake.pki.caCert } }],
        users: [
          { name: 'exec-user', user: execUser(plugin.script) },
          { name: 'bad-user', user: { token: 'revoked' } },
        ],
        contexts: [
          { name: 'ci', context: { cluster: 'c', user: 'exec-user' } },
          { name: 'other', context: { cluster: 'c', user: 'bad-user' } },
        ],
      }),
    );
    tokenKubeconfig = join(suite.tmp.dir, 'token-kubeconfig');
    writeFileSync(tokenKubeconfig, suite.kubeconfig({ user: { token: 'good-token' } }));
    env = suite.envWith(kubeconfig);
  });
  beforeEach(() => {
    writeFileSync(runsLog, '');
  });

  const check = async (...args: string[]) => {
    const run = await runCliAsync(['check', 'policies', '--format', 'json', ...args], { cwd: suite.tmp.dir, env });
    assert.notEqual(run.status, 2, run.stderr);
    return { ...run, findings: JSON.parse(run.stdout) as JsonFinding[] };
  };

  it('without --cluster: no request, no plugin run, bundled schemas only', async () => {
    const run = await check();
    assert.deepEqual(run.findings, []);
    assert.equal(run.stderr, '');
    assert.deepEqual(suite.fake.requests, []);
    assert.deepEqual(readRuns(runsLog), []);
  });

  it('with --cluster: policies on cluster kinds are typed from the cluster ($KUBECONFIG, exec plugin)', async () => {
    const run = await check('--cluster');
    assert.deepEqual(
      run.findings.map((f) => ({ file: f.file, line: f.line, column: f.column, endColumn: f.endColumn, severity: f.severity, code: f.code, message: f.message })),
      [
        { file: join('policies', 'deployment.yaml'), line: 12, column: 48, endColumn: 65, severity: 'warning', code: 'KCG1003', message: HOSTNAME_OVERRIDE_MESSAGE },
        { file: join('policies', 'gizmo.yaml'), line: SIZEE_AT.line + 1, column: SIZEE_AT.character + 1, endColumn: SIZEE_AT.endCharacter + 1, severity: 'warning', code: 'KCG1003', message: SIZEE_MESSAGE },
      ],
    );
    assert.equal(run.status, 0, 'warnings only');
    assert.match(run.stderr, /^kube-cel-guard: schemas from the cluster of context "ci" \(https:\/\/127\.0\.0\.1:\d+\), Kubernetes v1\.30\.9\n/);
    assert.match(run.stderr, /The cluster runs Kubernetes 1\.30 \(v1\.30\.9\); --kubernetes-version is 1\.35\./);
    assert.equal(readRuns(runsLog).length, 1);
    assert.deepEqual(suite.fake.requests.map((r) => r.path).sort(), ['/openapi/v3', '/openapi/v3/apis/apps/v1?hash=APPS', '/openapi/v3/apis/example.com/v1?hash=G1', '/version']);
  });

  it('--kubeconfig and --context choose the file and the context; a refused one falls back with one message', async () => {
    const viaFile = await check('--cluster', '--kubeconfig', tokenKubeconfig, '--kubernetes-version', '1.30');
    assert.equal(viaFile.findings.length, 2);
    assert.match(viaFile.stderr, /^kube-cel-guard: schemas from the cluster of context "test" /);
    assert.doesNotMatch(viaFile.stderr, /The cluster runs/, 'versions match');
    assert.deepEqual(readRuns(runsLog), [], 'the exec user of $KUBECONFIG is not used');

    const refused = await check('--cluster', '--context', 'other');
    assert.deepEqual(refused.findings, [], 'the bundled findings');
    assert.equal(
      refused.stderr.replace(/127\.0\.0\.1:\d+/g, 'HOST'),
      'kube-cel-guard: cannot read schemas from context "other" (https://HOST): user "bad-user" was rejected (401 Unauthorized) by https://HOST. Using the bundled schemas.\n',
    );
  });

  it('--kubeconfig or --context without --cluster is a usage error', async () => {
    for (const flag of [['--kubeconfig', tokenKubeconfig], ['--context', 'ci']]) {
      const run = await runCliAsync(['check', 'policies', ...flag], { cwd: suite.tmp.dir, env });
      assert.equal(run.status, 2);
      assert.match(run.stderr, new RegExp(`^kube-cel-guard: ${flag[0]} needs --cluster`));
    }
    assert.deepEqual(suite.fake.requests, []);
  });
});
