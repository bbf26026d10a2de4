/**
 * client-go exec credential plugins (client.authentication.k8s.io/v1 and v1beta1 ExecCredential),
 * as kubectl runs them for EKS, GKE, AKS and OIDC logins: the command the user's own kubeconfig
 * names, with its args and env added to ours, KUBERNETES_EXEC_INFO describing the request, no
 * terminal (we are never interactive), and a time limit. Its standard output is an ExecCredential
 * whose status carries a bearer token or a client certificate and key.
 */
import { spawn } from 'node:child_process';
import type { ExecConfig, KubeCluster } from './kubeconfig.js';

export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

export interface ExecCredentials {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** ms since the epoch; undefined: valid for the session. */
  expiresAt?: number;
}

export class ExecPluginError extends Error {}

const MAX_OUTPUT_BYTES = 1024 * 1024;

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The ExecCredential that KUBERNETES_EXEC_INFO carries (spec.cluster only with provideClusterInfo). */
export function execInfo(exec: ExecConfig, cluster: KubeCluster, caData: Buffer | undefined): string {
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    const c: Record<string, unknown> = { server: cluster.server };
    if (cluster.tlsServerName) c['tls-server-name'] = cluster.tlsServerName;
    if (cluster.insecureSkipTlsVerify) c['insecure-skip-tls-verify'] = true;
    if (caData) c['certificate-authority-data'] = caData.toString('base64');
    if (cluster.proxyUrl) c['proxy-url'] = cluster.proxyUrl;
    if (cluster.disableCompression) c['disable-compression'] = true;
    if (cluster.execExtension !== undefined) c.config = cluster.execExtension;
    spec.cluster = c;
  }
  return JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec });
}

/**
 * Runs the plugin and returns its credentials, or throws ExecPluginError with what the user needs
 * to know (not installed — with its installHint —, failed with its stderr, timed out, bad output).
 */
export function runExecPlugin(
  exec: ExecConfig,
  cluster: KubeCluster,
  options: { timeoutMs: number; caData?: Buffer; env?: Record<string, string | undefined> },
): Promise<ExecCredentials> {
  if (!EXEC_API_VERSIONS.includes(exec.apiVersion)) {
    return Promise.reject(new ExecPluginError(`exec plugin apiVersion "${exec.apiVersion}" is not supported (use ${EXEC_API_VERSIONS.join(' or ')})`));
  }
  if (exec.interactiveMode === 'Always') {
    return Promise.reject(new ExecPluginError(`exec plugin "${exec.command}" has interactiveMode Always and needs a terminal; log in with kubectl first or set interactiveMode: IfAvailable`));
  }
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  for (const { name, value } of exec.env) env[name] = value;
  env.KUBERNETES_EXEC_INFO = execInfo(exec, cluster, options.caData);

  return new Promise<ExecCredentials>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, value?: ExecCredentials) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value!);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(exec.command, exec.args, { env, stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    } catch (err) {
      finish(new ExecPluginError(`cannot run exec plugin "${exec.command}": ${(err as Error)?.message ?? err}`));
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let outBytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_OUTPUT_BYTES) {
        child.kill('SIGKILL');
        finish(new ExecPluginError(`exec plugin "${exec.command}" wrote more than 1 MiB`));
      } else out.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (errOut.reduce((n, b) => n + b.length, 0) < 16 * 1024) errOut.push(chunk);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new ExecPluginError(`exec plugin "${exec.command}" did not finish within ${Math.round(options.timeoutMs / 1000)} s`));
    }, options.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        finish(new ExecPluginError(`exec plugin "${exec.command}" not found${exec.installHint ? `: ${exec.installHint.trim()}` : ''}`));
      } else finish(new ExecPluginError(`cannot run exec plugin "${exec.command}": ${err.message}`));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      const stderr = Buffer.concat(errOut).toString('utf8').trim();
      if (code !== 0) {
        finish(new ExecPluginError(`exec plugin "${exec.command}" failed (${signal ? `signal ${signal}` : `exit code ${code}`})${stderr ? `: ${lastLines(stderr)}` : ''}`));
        return;
      }
      try {
        finish(undefined, parseExecCredential(Buffer.concat(out).toString('utf8'), exec));
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}

function lastLines(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-3).join(' / ').slice(0, 500);
}

/** Validates the plugin's output as client-go does. */
export function parseExecCredential(stdout: string, exec: ExecConfig): ExecCredentials {
  let obj: unknown;
  try {
    obj = JSON.parse(stdout);
  } catch {
    throw new ExecPluginError(`exec plugin "${exec.command}" did not print an ExecCredential (not JSON)`);
  }
  if (!isRecord(obj) || obj.kind !== 'ExecCredential') {
    throw new ExecPluginError(`exec plugin "${exec.command}" did not print an ExecCredential`);
  }
  if (obj.apiVersion !== exec.apiVersion) {
    throw new ExecPluginError(`exec plugin "${exec.command}" is configured to use API version ${exec.apiVersion}, plugin returned version ${obj.apiVersion}`);
  }
  const status = obj.status;
  if (!isRecord(status)) throw new ExecPluginError(`exec plugin "${exec.command}" returned no status`);
  const creds: ExecCredentials = {};
  if (typeof status.token === 'string' && status.token !== '') creds.token = status.token;
  const cert = typeof status.clientCertificateData === 'string' && status.clientCertificateData !== '' ? status.clientCertificateData : undefined;
  const key = typeof status.clientKeyData === 'string' && status.clientKeyData !== '' ? status.clientKeyData : undefined;
  if ((cert === undefined) !== (key === undefined)) {
    throw new ExecPluginError(`exec plugin "${exec.command}" returned ${cert ? 'clientCertificateData without clientKeyData' : 'clientKeyData without clientCertificateData'}`);
  }
  if (cert && key) {
    creds.clientCertificateData = cert;
    creds.clientKeyData = key;
  }
  if (!creds.token && !creds.clientCertificateData) {
    throw new ExecPluginError(`exec plugin "${exec.command}" returned neither a token nor a client certificate`);
  }
  if (typeof status.expirationTimestamp === 'string') {
    const t = Date.parse(status.expirationTimestamp);
    if (!Number.isNaN(t)) creds.expiresAt = t;
  }
  return creds;
}
