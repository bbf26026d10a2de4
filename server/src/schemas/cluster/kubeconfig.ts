/**
 * kubeconfig loading as kubectl (client-go's clientcmd) does it: the files of `$KUBECONFIG`
 * (a path list) merged, else `~/.kube/config`, or one explicit file; the current context (or a
 * named one) picks a cluster and a user. Plain data in, plain data out: no network here.
 *
 * Merge rules (clientcmd ClientConfigLoadingRules.Load): files are read in order, missing ones
 * in `$KUBECONFIG` are skipped (an explicit file must exist), and for every named cluster, user
 * and context, and for current-context, the FIRST file that sets it wins. Relative file paths in
 * a cluster or user entry (certificate-authority, client-certificate, client-key, tokenFile, and an
 * exec command that contains a path separator) resolve against the directory of the file that
 * defined that entry (clientcmd ResolveLocalPaths).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export class KubeconfigError extends Error {}

export interface ExecEnvVar {
  name: string;
  value: string;
}

/** users[].user.exec: a client-go credential plugin. */
export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: ExecEnvVar[];
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string;
}

export interface KubeUser {
  name: string;
  token?: string;
  tokenFile?: string;
  clientCertificate?: string;
  clientCertificateData?: Buffer;
  clientKey?: string;
  clientKeyData?: Buffer;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  /** users[].user.auth-provider.name: legacy in-tree plugins, not supported (reported). */
  authProvider?: string;
  impersonate?: { user?: string; uid?: string; groups: string[]; extra: Record<string, string[]> };
}

export interface KubeCluster {
  name: string;
  server: string;
  certificateAuthority?: string;
  certificateAuthorityData?: Buffer;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  disableCompression: boolean;
  /** extensions[name=client.authentication.k8s.io/exec].extension, passed to exec plugins with provideClusterInfo. */
  execExtension?: unknown;
}

/** What the chosen context resolves to. */
export interface KubeTarget {
  contextName: string;
  cluster: KubeCluster;
  user: KubeUser;
  /** The kubeconfig files that were read, in merge order. */
  files: string[];
}

export interface KubeconfigOptions {
  /** An explicit kubeconfig file (kubectl --kubeconfig): only this file is read. */
  kubeconfig?: string;
  /** A context name instead of current-context (kubectl --context). */
  context?: string;
  /** Environment to read KUBECONFIG from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Home directory for ~/.kube/config (default os.homedir()). */
  homeDir?: string;
}

interface Named<T> {
  value: T;
  /** Directory of the file that defined the entry: relative paths resolve against it. */
  dir: string;
}

/** The files clientcmd would read, in order, and whether they must exist. */
export function kubeconfigFiles(options: KubeconfigOptions = {}): { files: string[]; explicit: boolean } {
  if (options.kubeconfig && options.kubeconfig.trim() !== '') {
    return { files: [path.resolve(expandHome(options.kubeconfig, options.homeDir))], explicit: true };
  }
  const env = options.env ?? process.env;
  const list = env.KUBECONFIG;
  if (list !== undefined && list !== '') {
    const seen = new Set<string>();
    const files: string[] = [];
    for (const entry of list.split(path.delimiter)) {
      if (entry === '') continue;
      const abs = path.resolve(entry);
      if (seen.has(abs)) continue;
      seen.add(abs);
      files.push(abs);
    }
    return { files, explicit: false };
  }
  return { files: [path.join(options.homeDir ?? os.homedir(), '.kube', 'config')], explicit: false };
}

function expandHome(p: string, homeDir?: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(homeDir ?? os.homedir(), p.slice(1)) : p;
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function decodeBase64(v: unknown, what: string, file: string): Buffer | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const compact = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new KubeconfigError(`${file}: ${what} is not base64`);
  return Buffer.from(compact, 'base64');
}

/** A relative path of an entry, resolved against its file's directory. */
function resolvePath(p: string | undefined, dir: string): string | undefined {
  if (p === undefined) return undefined;
  return path.isAbsolute(p) ? p : path.join(dir, p);
}

/**
 * Reads and merges the kubeconfig files and resolves the context. Throws KubeconfigError with a
 * message for the user (no kubeconfig, bad YAML, unknown context, no server, ...).
 */
export function loadKubeconfig(options: KubeconfigOptions = {}): KubeTarget {
  const { files, explicit } = kubeconfigFiles(options);
  const clusters = new Map<string, Named<Record<string, any>>>();
  const users = new Map<string, Named<Record<string, any>>>();
  const contexts = new Map<string, Named<Record<string, any>>>();
  let currentContext: string | undefined;
  const read: string[] = [];

  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code === 'ENOENT' && !explicit) continue; // clientcmd skips missing files of the list
      throw new KubeconfigError(`cannot read kubeconfig ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error)?.message ?? err}`);
    }
    let doc: unknown;
    try {
      doc = text.trim() === '' ? {} : parse(text, { strict: false, prettyErrors: false, maxAliasCount: 100 });
    } catch (err) {
      throw new KubeconfigError(`cannot parse kubeconfig ${file}: ${((err as Error)?.message ?? String(err)).split('\n')[0]}`);
    }
    if (doc === null || doc === undefined) doc = {};
    if (!isRecord(doc)) throw new KubeconfigError(`kubeconfig ${file} is not a YAML mapping`);
    read.push(file);
    const dir = path.dirname(file);
    const take = (list: unknown, field: string, into: Map<string, Named<Record<string, any>>>) => {
      if (!Array.isArray(list)) return;
      for (const entry of list) {
        if (!isRecord(entry)) continue;
        const name = str(entry.name);
        if (!name || into.has(name)) continue; // first file to set a name wins
        into.set(name, { value: isRecord(entry[field]) ? entry[field] : {}, dir });
      }
    };
    take(doc.clusters, 'cluster', clusters);
    take(doc.users, 'user', users);
    take(doc.contexts, 'context', contexts);
    if (currentContext === undefined) currentContext = str(doc['current-context']);
  }

  if (read.length === 0) {
    throw new KubeconfigError(`no kubeconfig found (looked for ${files.join(', ') || '$KUBECONFIG'})`);
  }
  const contextName = str(options.context) ?? currentContext;
  if (!contextName) throw new KubeconfigError(`current-context is not set in ${read.join(', ')}`);
  const context = contexts.get(contextName);
  if (!context) throw new KubeconfigError(`context "${contextName}" does not exist in ${read.join(', ')}`);
  const clusterName = str(context.value.cluster);
  if (!clusterName) throw new KubeconfigError(`context "${contextName}" names no cluster`);
  const clusterEntry = clusters.get(clusterName);
  if (!clusterEntry) throw new KubeconfigError(`cluster "${clusterName}" of context "${contextName}" does not exist`);
  const userName = str(context.value.user) ?? '';
  const userEntry = userName ? users.get(userName) : undefined;
  if (userName && !userEntry) throw new KubeconfigError(`user "${userName}" of context "${contextName}" does not exist`);

  return {
    contextName,
    cluster: clusterFrom(clusterName, clusterEntry),
    user: userFrom(userName, userEntry),
    files: read,
  };
}

function clusterFrom(name: string, { value: c, dir }: Named<Record<string, any>>): KubeCluster {
  const server = str(c.server);
  if (!server) throw new KubeconfigError(`no server found for cluster "${name}"`);
  const file = `cluster "${name}"`;
  let execExtension: unknown;
  if (Array.isArray(c.extensions)) {
    const ext = c.extensions.find((e: unknown) => isRecord(e) && e.name === 'client.authentication.k8s.io/exec');
    if (isRecord(ext)) execExtension = ext.extension;
  }
  return {
    name,
    server,
    certificateAuthority: resolvePath(str(c['certificate-authority']), dir),
    certificateAuthorityData: decodeBase64(c['certificate-authority-data'], 'certificate-authority-data', file),
    insecureSkipTlsVerify: c['insecure-skip-tls-verify'] === true,
    tlsServerName: str(c['tls-server-name']),
    proxyUrl: str(c['proxy-url']),
    disableCompression: c['disable-compression'] === true,
    ...(execExtension !== undefined ? { execExtension } : {}),
  };
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function userFrom(name: string, entry: Named<Record<string, any>> | undefined): KubeUser {
  if (!entry) return { name };
  const { value: u, dir } = entry;
  const what = `user "${name}"`;
  const user: KubeUser = { name };
  const set = <K extends keyof KubeUser>(key: K, v: KubeUser[K] | undefined) => {
    if (v !== undefined) user[key] = v;
  };
  set('token', str(u.token));
  set('tokenFile', resolvePath(str(u.tokenFile), dir));
  set('clientCertificate', resolvePath(str(u['client-certificate']), dir));
  set('clientCertificateData', decodeBase64(u['client-certificate-data'], 'client-certificate-data', what));
  set('clientKey', resolvePath(str(u['client-key']), dir));
  set('clientKeyData', decodeBase64(u['client-key-data'], 'client-key-data', what));
  set('username', str(u.username));
  set('password', typeof u.password === 'string' ? u.password : undefined);
  if (isRecord(u['auth-provider'])) set('authProvider', str(u['auth-provider'].name) ?? 'unnamed');
  if (isRecord(u.exec)) {
    const e = u.exec;
    const command = str(e.command);
    if (!command) throw new KubeconfigError(`${what}: exec has no command`);
    user.exec = {
      apiVersion: str(e.apiVersion) ?? '',
      // Only a command with a path separator is a path; a bare name is looked up on PATH.
      command: command.includes('/') || command.includes(path.sep) ? resolvePath(command, dir)! : command,
      args: stringList(e.args),
      env: (Array.isArray(e.env) ? e.env : [])
        .filter((v: unknown): v is Record<string, unknown> => isRecord(v) && typeof v.name === 'string')
        .map((v: Record<string, unknown>) => ({ name: v.name as string, value: typeof v.value === 'string' ? v.value : '' })),
      installHint: str(e.installHint),
      provideClusterInfo: e.provideClusterInfo === true,
      interactiveMode: str(e.interactiveMode),
    };
  }
  const as = str(u.as);
  const asUid = str(u['as-uid']);
  const asGroups = stringList(u['as-groups']);
  const asExtra: Record<string, string[]> = {};
  if (isRecord(u['as-user-extra'])) {
    for (const [k, v] of Object.entries(u['as-user-extra'])) asExtra[k] = stringList(v);
  }
  if (as || asUid || asGroups.length > 0 || Object.keys(asExtra).length > 0) {
    user.impersonate = { ...(as ? { user: as } : {}), ...(asUid ? { uid: asUid } : {}), groups: asGroups, extra: asExtra };
  }
  return user;
}
