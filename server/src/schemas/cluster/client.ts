/**
 * A minimal read-only Kubernetes API client over Node's https/http: GET a path as JSON, with the
 * kubeconfig's TLS settings and credentials, a deadline per request, and at most one retry (after
 * a 401 with exec-plugin credentials, which may have expired, as client-go does).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import { runExecPlugin, type ExecCredentials } from './exec.js';
import type { KubeTarget } from './kubeconfig.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;
/** The biggest /openapi/v3 document of a real cluster (core v1) is about 2 MB; CRD-heavy groups stay far below this. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export type ClusterErrorKind = 'config' | 'credentials' | 'unreachable' | 'timeout' | 'tls' | 'unauthorized' | 'forbidden' | 'http' | 'invalid';

/** A failure with a message for the user; `kind` tells tests and callers what went wrong. */
export class ClusterError extends Error {
  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ClusterClientOptions {
  requestTimeoutMs?: number;
  execTimeoutMs?: number;
  env?: Record<string, string | undefined>;
  log?: (message: string) => void;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE', 'CERT_REJECTED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
]);

function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ClusterError('config', `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException)?.code === 'ENOENT' ? 'no such file' : (err as Error)?.message}`);
  }
}

interface Credentials {
  headers: Record<string, string | string[]>;
  cert?: Buffer | string;
  key?: Buffer | string;
  /** From an exec plugin: re-run once after a 401. */
  fromExec: boolean;
}

export class ClusterClient {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly execTimeoutMs: number;
  private readonly ca: Buffer | undefined;
  private execCreds: ExecCredentials | undefined;
  private execRun: Promise<ExecCredentials> | undefined;
  private agent: https.Agent | http.Agent | undefined;
  private agentKey: string | undefined;
  private disposed = false;

  constructor(
    readonly target: KubeTarget,
    private readonly options: ClusterClientOptions = {},
  ) {
    const { cluster } = target;
    try {
      this.base = new URL(cluster.server);
    } catch {
      throw new ClusterError('config', `server "${cluster.server}" of cluster "${cluster.name}" is not a URL`);
    }
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new ClusterError('config', `server "${cluster.server}" of cluster "${cluster.name}" is not an http(s) URL`);
    }
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.execTimeoutMs = options.execTimeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    this.ca = cluster.certificateAuthorityData ?? (cluster.certificateAuthority ? readFile(cluster.certificateAuthority, 'certificate-authority') : undefined);
    if (cluster.proxyUrl) options.log?.(`kube-cel-guard: cluster "${cluster.name}" has proxy-url ${cluster.proxyUrl}; kube-cel-guard does not use proxies and connects directly`);
    const env = options.env ?? process.env;
    const envProxy = env.HTTPS_PROXY ?? env.https_proxy;
    if (envProxy && !cluster.proxyUrl) options.log?.(`kube-cel-guard: HTTPS_PROXY is set; kube-cel-guard does not use proxies and connects to ${cluster.server} directly`);
    if (target.user.authProvider) {
      options.log?.(`kube-cel-guard: user "${target.user.name}" uses auth-provider "${target.user.authProvider}", which kube-cel-guard does not support (kubectl neither, since 1.26): use an exec credential plugin`);
    }
  }

  /** `https://host:6443` plus the server's own path prefix (e.g. a Rancher proxy). */
  get server(): string {
    return this.target.cluster.server;
  }

  dispose(): void {
    this.disposed = true;
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** GET `path` (with its query) and parse JSON. Throws ClusterError. */
  async getJson(pathAndQuery: string): Promise<unknown> {
    let creds = await this.credentials(false);
    let res = await this.request(pathAndQuery, creds);
    if (res.status === 401 && creds.fromExec) {
      this.options.log?.('kube-cel-guard: 401 Unauthorized with exec plugin credentials; running the plugin again');
      creds = await this.credentials(true);
      res = await this.request(pathAndQuery, creds);
    }
    if (res.status === 401) {
      throw new ClusterError('unauthorized', `${this.describeUser()} was rejected (401 Unauthorized) by ${this.server}`, 401);
    }
    if (res.status === 403) {
      throw new ClusterError('forbidden', `${this.describeUser()} may not read ${pathOnly(pathAndQuery)} (403 Forbidden)${reason(res.body)}`, 403);
    }
    if (res.status < 200 || res.status >= 300) {
      throw new ClusterError('http', `GET ${pathOnly(pathAndQuery)} answered ${res.status}${reason(res.body)}`, res.status);
    }
    try {
      return JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new ClusterError('invalid', `GET ${pathOnly(pathAndQuery)} did not answer JSON`);
    }
  }

  private describeUser(): string {
    return this.target.user.name ? `user "${this.target.user.name}"` : 'the anonymous user';
  }

  private async credentials(forceExec: boolean): Promise<Credentials> {
    const user = this.target.user;
    const headers: Record<string, string | string[]> = {};
    let cert: Buffer | string | undefined = user.clientCertificateData ?? (user.clientCertificate ? readFile(user.clientCertificate, 'client-certificate') : undefined);
    let key: Buffer | string | undefined = user.clientKeyData ?? (user.clientKey ? readFile(user.clientKey, 'client-key') : undefined);
    let token: string | undefined;
    if (user.tokenFile) {
      // client-go re-reads tokenFile (it may be rotated), and prefers it to a static token.
      try {
        token = fs.readFileSync(user.tokenFile, 'utf8').trim();
      } catch (err) {
        if (!user.token) throw new ClusterError('config', `cannot read tokenFile ${user.tokenFile}: ${(err as Error)?.message}`);
      }
    }
    token ||= user.token;
    let fromExec = false;
    if (user.exec) {
      const exec = await this.execCredentials(forceExec);
      fromExec = true;
      if (exec.token) token = exec.token;
      if (exec.clientCertificateData && exec.clientKeyData) {
        cert = exec.clientCertificateData;
        key = exec.clientKeyData;
      }
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (user.username !== undefined || user.password !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${user.username ?? ''}:${user.password ?? ''}`).toString('base64')}`;
    }
    const imp = user.impersonate;
    if (imp) {
      if (imp.user) headers['Impersonate-User'] = imp.user;
      if (imp.uid) headers['Impersonate-Uid'] = imp.uid;
      if (imp.groups.length > 0) headers['Impersonate-Group'] = imp.groups;
      for (const [k, v] of Object.entries(imp.extra)) headers[`Impersonate-Extra-${encodeURIComponent(k)}`] = v;
    }
    if ((cert === undefined) !== (key === undefined)) {
      throw new ClusterError('config', `user "${user.name}" has a client certificate without a key, or a key without a certificate`);
    }
    return { headers, cert, key, fromExec };
  }

  /** Exec credentials, cached until they expire; one plugin run at a time. */
  private async execCredentials(force: boolean): Promise<ExecCredentials> {
    const fresh = this.execCreds && (this.execCreds.expiresAt === undefined || this.execCreds.expiresAt - Date.now() > 10_000);
    if (fresh && !force) return this.execCreds!;
    if (!this.execRun) {
      this.execRun = runExecPlugin(this.target.user.exec!, this.target.cluster, { timeoutMs: this.execTimeoutMs, caData: this.ca, env: this.options.env })
        .then((creds) => (this.execCreds = creds))
        .catch((err) => {
          throw new ClusterError('credentials', (err as Error)?.message ?? String(err));
        })
        .finally(() => (this.execRun = undefined));
    }
    return this.execRun;
  }

  private agentFor(creds: Credentials): http.Agent {
    const key = `${String(creds.cert)}\u0000${String(creds.key)}`;
    if (this.agent && this.agentKey === key) return this.agent;
    this.agent?.destroy();
    this.agentKey = key;
    const { cluster } = this.target;
    if (this.base.protocol === 'http:') return (this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 }));
    const host = this.base.hostname.replace(/^\[|\]$/g, '');
    // SNI must not be an IP address; without tls-server-name Node checks the certificate against the host.
    const servername = cluster.tlsServerName ?? (net.isIP(host) ? undefined : host);
    return (this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 4,
      ca: this.ca,
      cert: creds.cert,
      key: creds.key,
      rejectUnauthorized: !cluster.insecureSkipTlsVerify,
      ...(servername ? { servername } : {}),
    }));
  }

  private request(pathAndQuery: string, creds: Credentials): Promise<{ status: number; body: Buffer }> {
    if (this.disposed) return Promise.reject(new ClusterError('unreachable', 'the cluster connection was closed'));
    const url = new URL(this.base.toString());
    const [p, q] = splitQuery(pathAndQuery);
    url.pathname = url.pathname.replace(/\/+$/, '') + p;
    url.search = q;
    const mod = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | string[]> = {
      Accept: 'application/json',
      'User-Agent': 'kube-cel-guard',
      ...creds.headers,
    };
    if (!this.target.cluster.disableCompression) headers['Accept-Encoding'] = 'gzip';

    return new Promise((resolve, reject) => {
      let done = false;
      let req: http.ClientRequest | undefined;
      let timer: NodeJS.Timeout | undefined;
      const fail = (err: ClusterError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req?.destroy();
        reject(err);
      };
      const succeed = (status: number, body: Buffer) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ status, body });
      };
      try {
        req = mod.request(url, { method: 'GET', headers, agent: this.agentFor(creds) }, (res) => this.collect(res, p, fail, succeed));
      } catch (err) {
        // Invalid header characters (a token with a line break), a bad certificate or key.
        reject(new ClusterError('config', `cannot send GET ${p}: ${(err as Error)?.message ?? err}`));
        return;
      }
      timer = setTimeout(
        () => fail(new ClusterError('timeout', `${this.server} did not answer GET ${p} within ${Math.round(this.timeoutMs / 100) / 10} s`)),
        this.timeoutMs,
      );
      req.on('error', (err) => fail(this.networkError(err as NodeJS.ErrnoException)));
      req.end();
    });
  }

  /** Reads a response body (gunzipped when it says so), bounded in size. */
  private collect(res: http.IncomingMessage, p: string, fail: (err: ClusterError) => void, succeed: (status: number, body: Buffer) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let stream: NodeJS.ReadableStream = res;
    if (res.headers['content-encoding'] === 'gzip') {
      const gunzip = zlib.createGunzip();
      gunzip.on('error', () => fail(new ClusterError('invalid', `GET ${p} sent a broken gzip body`)));
      stream = res.pipe(gunzip);
    }
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) fail(new ClusterError('invalid', `GET ${p} answered more than ${MAX_RESPONSE_BYTES >> 20} MiB`));
      else chunks.push(chunk);
    });
    stream.on('end', () => succeed(res.statusCode ?? 0, Buffer.concat(chunks)));
    res.on('error', (err) => fail(this.networkError(err as NodeJS.ErrnoException)));
  }

  private networkError(err: NodeJS.ErrnoException): ClusterError {
    const code = err?.code ?? '';
    if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(err?.message ?? '')) {
      return new ClusterError('tls', `TLS with ${this.server} failed: ${err.message} (check certificate-authority, tls-server-name and the client certificate in the kubeconfig)`);
    }
    return new ClusterError('unreachable', `cannot reach ${this.server}: ${err?.message ?? err}`);
  }
}

function splitQuery(pathAndQuery: string): [string, string] {
  const q = pathAndQuery.indexOf('?');
  const p = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  return [p.startsWith('/') ? p : `/${p}`, q < 0 ? '' : pathAndQuery.slice(q)];
}

function pathOnly(pathAndQuery: string): string {
  return splitQuery(pathAndQuery)[0];
}

/** The message of a Kubernetes Status body, if the answer is one. */
function reason(body: Buffer): string {
  try {
    const status = JSON.parse(body.toString('utf8'));
    return typeof status?.message === 'string' ? `: ${status.message}` : '';
  } catch {
    return '';
  }
}
