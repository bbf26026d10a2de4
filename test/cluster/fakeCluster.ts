/**
 * A fake kube-apiserver for the cluster tests: HTTPS on 127.0.0.1 only, with a CA, a server
 * certificate and client certificates made at test time with the openssl CLI. It serves
 * `/version`, the `/openapi/v3` index and group-version documents: real Kubernetes 1.30 ones from
 * ../shared/k8s-openapi, and a made-up custom resource group (example.com/v1, Kind Gizmo) that no
 * bundled schema and no workspace CRD knows. It records every request and how it authenticated.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { after, before, beforeEach } from 'node:test';
import { oneValidation, vap } from '../fixtures/k8s.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const K8S_OPENAPI = join(REPO_ROOT, '..', 'shared', 'k8s-openapi');
/** The Kubernetes version the fake cluster claims to run, and whose documents it serves. */
export const CLUSTER_MINOR = '1.30';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the HTTPS tests cannot run here, or false when they can (pass as node:test `skip`). */
export const skipReason: string | false = !hasOpenssl()
  ? 'the openssl CLI is not installed (CI installs it: scripts/ci-install-openssl.sh)'
  : !existsSync(join(K8S_OPENAPI, CLUSTER_MINOR, 'api', 'v1.json'))
    ? `no ${K8S_OPENAPI}`
    : false;

export interface Pki {
  dir: string;
  caCert: string;
  /** A second CA that signed nothing the server uses: trusting it alone fails TLS. */
  otherCaCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  cleanup(): void;
}

/** CA, server certificate for 127.0.0.1 and kcg-apiserver.test, client certificate CN=kcg-admin. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'kcg-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=kcg-test-ca');
  ssl('req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=kcg-other-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:kcg-apiserver.test\nextendedKeyUsage=serverAuth\n');
  ssl('req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  ssl('req', '-new', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/O=system:masters/CN=kcg-admin');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2', '-extfile', 'client.ext');
  const at = (f: string) => join(dir, f);
  return {
    dir,
    caCert: at('ca.crt'),
    otherCaCert: at('other-ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** How the fake cluster answers: normally, 401 / 403 to everything, not JSON, or never. */
export type FakeMode = 'ok' | 'unauthorized' | 'forbidden' | 'garbage' | 'hang';

export interface RecordedRequest {
  path: string;
  /** 'bearer:<token>', 'basic:<user>', 'cert:<CN>' or 'none'. */
  auth: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The made-up custom resource group: Gizmo with spec.size (string) and spec.count (integer). */
export const GIZMO_GROUP = 'example.com';
export const GIZMO_VERSION = 'v1';

function gizmoDocument(coreDoc: Record<string, any>, withColor: boolean): unknown {
  const gvk = [{ group: GIZMO_GROUP, version: GIZMO_VERSION, kind: 'Gizmo' }];
  const op = { 'x-kubernetes-group-version-kind': gvk[0] };
  const schemas = coreDoc.components.schemas;
  const props: Record<string, unknown> = { size: { type: 'string' }, count: { type: 'integer', format: 'int64' } };
  if (withColor) props.color = { type: 'string' };
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths: {
      '/apis/example.com/v1/gizmos': { get: { ...op } },
      '/apis/example.com/v1/namespaces/{namespace}/gizmos': { get: { ...op }, post: { ...op } },
      '/apis/example.com/v1/namespaces/{namespace}/gizmos/{name}': { get: { ...op }, put: { ...op }, patch: { ...op }, delete: { ...op } },
      '/apis/example.com/v1/namespaces/{namespace}/gizmos/{name}/status': { get: { ...op } },
    },
    components: {
      schemas: {
        'com.example.v1.Gizmo': {
          type: 'object',
          'x-kubernetes-group-version-kind': gvk,
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] },
            spec: { type: 'object', properties: props },
          },
        },
        'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'],
        'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry'],
        'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': schemas['io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference'],
        'io.k8s.apimachinery.pkg.apis.meta.v1.Time': schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time'],
        'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': schemas['io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1'],
      },
    },
  };
}

export interface FakeCluster {
  url: string;
  port: number;
  pki: Pki;
  requests: RecordedRequest[];
  mode: FakeMode;
  /** Bearer tokens it accepts. */
  tokens: Set<string>;
  /** Basic-auth user:password pairs it accepts. */
  basic: Set<string>;
  /** Adds spec.color to Gizmo and changes the document's hash (what a CRD update does). */
  updateGizmo(): void;
  close(): Promise<void>;
}

export async function startFakeCluster(pki: Pki = makePki()): Promise<FakeCluster> {
  const docs = new Map<string, () => Buffer>();
  const file = (rel: string) => {
    let cached: Buffer | undefined;
    return () => (cached ??= readFileSync(join(K8S_OPENAPI, CLUSTER_MINOR, rel)));
  };
  const coreDoc = () => JSON.parse(file('api/v1.json')().toString('utf8'));
  let gizmoCache: Buffer | undefined;
  let gizmoColor = false;
  let gizmoHash = 'G1';
  const paths: Record<string, string> = {
    'api/v1': '/openapi/v3/api/v1?hash=CORE',
    'apis/apps/v1': '/openapi/v3/apis/apps/v1?hash=APPS',
    'apis/admissionregistration.k8s.io/v1': '/openapi/v3/apis/admissionregistration.k8s.io/v1?hash=ADM',
  };
  docs.set('/openapi/v3/api/v1', file('api/v1.json'));
  docs.set('/openapi/v3/apis/apps/v1', file('apis/apps/v1.json'));
  docs.set('/openapi/v3/apis/admissionregistration.k8s.io/v1', file('apis/admissionregistration.k8s.io/v1.json'));
  docs.set('/openapi/v3/apis/example.com/v1', () => (gizmoCache ??= Buffer.from(JSON.stringify(gizmoDocument(coreDoc(), gizmoColor)))));

  const state: FakeCluster = {
    url: '',
    port: 0,
    pki,
    requests: [],
    mode: 'ok',
    tokens: new Set(['good-token']),
    basic: new Set(['admin:secret']),
    updateGizmo: () => {
      gizmoColor = true;
      gizmoCache = undefined;
      gizmoHash = 'G2';
    },
    close: async () => {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = https.createServer(
    {
      key: readFileSync(pki.serverKey),
      cert: readFileSync(pki.serverCert),
      ca: readFileSync(pki.caCert),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const auth = authOf(req.headers.authorization, req.socket as TLSSocket);
      state.requests.push({ path: url.pathname + url.search, auth, headers: req.headers });
      const send = (status: number, body: unknown, raw = false) => {
        const buf = Buffer.isBuffer(body) ? body : Buffer.from(raw ? String(body) : JSON.stringify(body));
        const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
        res.writeHead(status, { 'Content-Type': raw ? 'text/html' : 'application/json', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
        res.end(gzip ? zlib.gzipSync(buf) : buf);
      };
      if (state.mode === 'hang') return; // never answers
      const authorized = auth.startsWith('cert:kcg-admin') || (auth.startsWith('bearer:') && state.tokens.has(auth.slice(7))) || (auth.startsWith('basic:') && state.basic.has(auth.slice(6)));
      if (state.mode === 'unauthorized' || !authorized) {
        return send(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      }
      if (state.mode === 'forbidden') {
        return send(403, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `forbidden: User "kcg" cannot get path "${url.pathname}"`, reason: 'Forbidden', code: 403 });
      }
      if (state.mode === 'garbage') return send(200, '<html>proxy login</html>', true);
      if (url.pathname === '/version') return send(200, { major: '1', minor: '30', gitVersion: 'v1.30.9', platform: 'linux/amd64' });
      if (url.pathname === '/openapi/v3') {
        const all: Record<string, string> = {
          ...paths,
          'apis/example.com/v1': `/openapi/v3/apis/example.com/v1?hash=${gizmoHash}`,
          api: '/openapi/v3/api?hash=X',
          apis: '/openapi/v3/apis?hash=Y',
          '.well-known/openid-configuration': '/openapi/v3/.well-known/openid-configuration?hash=Z',
        };
        // The real shape: {paths: {"apis/apps/v1": {serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=…"}}}.
        return send(200, { paths: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, { serverRelativeURL: v }])) });
      }
      const doc = docs.get(url.pathname);
      if (doc) return send(200, doc());
      send(404, { kind: 'Status', message: 'the server could not find the requested resource', code: 404 });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `https://127.0.0.1:${state.port}`;
  return state;
}

function authOf(header: string | undefined, socket: TLSSocket): string {
  if (header?.startsWith('Bearer ')) return `bearer:${header.slice(7)}`;
  if (header?.startsWith('Basic ')) return `basic:${Buffer.from(header.slice(6), 'base64').toString('utf8')}`;
  const peer = socket.getPeerCertificate?.();
  if (socket.authorized && peer && peer.subject?.CN) return `cert:${peer.subject.CN}`;
  return 'none';
}

/** A temporary folder, removed by cleanup. */
export function tempDir(prefix = 'kcg-cluster-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface KubeconfigSpec {
  server: string;
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  context?: string;
}

/** What `useFakeCluster` sets up: valid from the suite's `before` hooks on. */
export interface FakeClusterSuite {
  fake: FakeCluster;
  tmp: ReturnType<typeof tempDir>;
  /** kubeconfigYaml for the fake cluster, its CA trusted, with `spec` on top. */
  kubeconfig(spec?: Partial<KubeconfigSpec>): string;
  /** That kubeconfig written to a fresh file in tmp (relative paths in it resolve there); its path. */
  writeKubeconfig(spec?: Partial<KubeconfigSpec>): string;
  /** isolatedEnv with HOME in tmp and KUBECONFIG set to `kubeconfig`. */
  envWith(kubeconfig: string): NodeJS.ProcessEnv;
}

/** A kubeconfig `user` whose credential comes from the exec plugin `script` (see writeExecPlugin). */
export const execUser = (script: string) => ({
  exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script], interactiveMode: 'Never' },
});

/**
 * Registers the hooks every cluster suite needs: a fake apiserver and a temporary folder for the
 * suite (closed and removed after it, `beforeClose` first), and before each test the apiserver
 * back to answering (mode 'ok') with its request log emptied.
 */
export function useFakeCluster(options: { beforeClose?: () => void } = {}): FakeClusterSuite {
  let n = 0;
  const suite: FakeClusterSuite = {
    fake: undefined as unknown as FakeCluster,
    tmp: undefined as unknown as ReturnType<typeof tempDir>,
    kubeconfig: (spec = {}) => kubeconfigYaml({ server: suite.fake.url, cluster: { 'certificate-authority': suite.fake.pki.caCert }, ...spec }),
    writeKubeconfig(spec = {}) {
      const file = join(suite.tmp.dir, `config-${++n}`);
      writeFileSync(file, suite.kubeconfig(spec));
      return file;
    },
    envWith: (kubeconfig) => isolatedEnv(join(suite.tmp.dir, 'home'), { KUBECONFIG: kubeconfig }),
  };
  before(async () => {
    suite.fake = await startFakeCluster();
    suite.tmp = tempDir();
  });
  after(async () => {
    options.beforeClose?.();
    await suite.fake.close();
    suite.fake.pki.cleanup();
    suite.tmp.cleanup();
  });
  beforeEach(() => {
    suite.fake.mode = 'ok';
    suite.fake.requests.length = 0;
  });
  return suite;
}

/** A kubeconfig with one cluster, user and context (named `test`), as YAML. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const context = spec.context ?? 'test';
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': context,
    clusters: [{ name: `${context}-cluster`, cluster: { server: spec.server, ...spec.cluster } }],
    users: [{ name: `${context}-user`, user: { ...spec.user } }],
    contexts: [{ name: context, context: { cluster: `${context}-cluster`, user: `${context}-user` } }],
  };
  // JSON is YAML: kubeconfig files may be either.
  return JSON.stringify(config, null, 2);
}

/**
 * A credential plugin as a small node script: prints an ExecCredential with the token (or the
 * client certificate) it is told, and appends each run's KUBERNETES_EXEC_INFO to `runs.log` in
 * its folder, so tests see how often and how it ran.
 */
export function writeExecPlugin(dir: string, status: Record<string, unknown>, apiVersion = 'client.authentication.k8s.io/v1'): { script: string; runsLog: string } {
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'credential-plugin.mjs');
  const runsLog = join(dir, 'runs.log');
  writeFileSync(
    script,
    `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(runsLog)}, JSON.stringify({ info: JSON.parse(process.env.KUBERNETES_EXEC_INFO ?? 'null'), extra: process.env.KCG_PLUGIN_EXTRA ?? null }) + '\\n');
process.stdout.write(JSON.stringify({ apiVersion: ${JSON.stringify(apiVersion)}, kind: 'ExecCredential', status: ${JSON.stringify(status)} }));
`,
  );
  return { script, runsLog };
}

export function readRuns(runsLog: string): Array<{ info: any; extra: string | null }> {
  if (!existsSync(runsLog)) return [];
  return readFileSync(runsLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Runs the built CLI without blocking this process (the fake cluster answers from it). */
export function runCliAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'kube-cel-guard'), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** An environment without the user's own kubeconfig, HOME pointing at an empty folder. */
export function isolatedEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  delete env.KUBECONFIG;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A policy on the cluster-only Gizmo that misspells spec.size: only the cluster's schema reveals it. */
export const GIZMO_POLICY = vap(
  { name: 'gizmo-size', flowMetadata: true, failurePolicy: 'Fail', apiGroup: 'example.com', resource: 'gizmos' },
  oneValidation(`"object.spec.sizee == 'small'"`),
);
/** Where the finding on `.sizee` (cel-go points at the selection's dot) is in GIZMO_POLICY: 0-based (LSP); the CLI prints 1-based. */
export const SIZEE_AT = { line: 12, character: 28, endCharacter: 28 + '.sizee'.length };
export const SIZEE_MESSAGE = "undefined field 'sizee' (example.com/v1, Kind=Gizmo)";

/**
 * A policy on Deployments using a PodSpec field Kubernetes 1.35 has and 1.30 lacks: clean against
 * the bundled 1.35 schemas, a finding against the (1.30) cluster's.
 */
export const DEPLOYMENT_POLICY = vap(
  { name: 'no-hostname-override', flowMetadata: true, apiGroup: 'apps', operations: ['CREATE', 'UPDATE'], resource: 'deployments' },
  oneValidation('"!has(object.spec.template.spec.hostnameOverride)"'),
);
export const HOSTNAME_OVERRIDE_MESSAGE = "undefined field 'hostnameOverride' (apps/v1, Kind=Deployment)";
