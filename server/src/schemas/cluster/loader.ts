/**
 * Reads schemas from the cluster of a kubeconfig context for one session: `/version` and the
 * `/openapi/v3` index when started, then only the group-version documents that checked policies
 * ask for (SchemaSource.want), each once, a few at a time, cached until refresh(). Every batch of
 * arrivals becomes a new ClusterSnapshot, and the host re-checks. Nothing here ever throws at
 * the host or blocks it: a failure is reported once, and the snapshot simply stays as it was
 * (empty: the bundled schemas answer everything).
 *
 * Only constructed when the user turned it on (kubeCelGuard.cluster.enabled, `check --cluster`):
 * this is the one place kube-cel-guard reaches the network or runs a kubeconfig's exec plugin.
 */
import { ClusterClient, ClusterError, type ClusterClientOptions } from './client.js';
import { KubeconfigError, loadKubeconfig, type KubeconfigOptions, type KubeTarget } from './kubeconfig.js';
import { gvKey, parseGroupVersionDocument, parseOpenApiIndex, parseVersion, type ClusterVersion, type GroupVersionDocument, type OpenApiIndex } from './openapi.js';
import { ClusterSnapshot } from './snapshot.js';
import { BUNDLED_VERSIONS } from '../../engine/options.js';

export interface ClusterSchemasOptions extends KubeconfigOptions, ClusterClientOptions {
  /** Documents fetched at once. */
  concurrency?: number;
}

export interface ClusterSchemasHost {
  log(message: string): void;
  /** A new snapshot is ready (documents arrived, or a refresh changed them): re-check. */
  changed(snapshot: ClusterSnapshot): void;
  /** Connecting failed (or a document could not be read): shown to the user once per session. */
  failed(message: string): void;
  /** The cluster's /version, once read. */
  connected?(version: ClusterVersion | undefined, description: string): void;
}

export type ClusterState = 'connecting' | 'ready' | 'failed' | 'disposed';

const DEFAULT_CONCURRENCY = 4;

export class ClusterSchemas {
  state: ClusterState = 'connecting';
  version: ClusterVersion | undefined;
  /** `context "kind-dev" (https://127.0.0.1:6443)`, once the kubeconfig is read. */
  description = 'the cluster of the current kubeconfig context';
  private target: KubeTarget | undefined;
  private client: ClusterClient | undefined;
  private index: OpenApiIndex | undefined;
  private documents = new Map<string, GroupVersionDocument>();
  /** Group-versions asked for, whether served or not (kept across refreshes). */
  private readonly wanted = new Set<string>();
  /** Served and asked for, not yet fetched. */
  private readonly queue: string[] = [];
  /** Being fetched, with the generation that asked (a refresh does not wait for older fetches). */
  private readonly inFlight = new Map<string, number>();
  /** Could not be read this session (not retried until refresh). */
  private readonly failedDocs = new Set<string>();
  private current: ClusterSnapshot;
  private started: Promise<void> | undefined;
  private pump: Promise<void> | undefined;
  private reportedFailure = false;
  private generation = 0;

  constructor(
    private readonly options: ClusterSchemasOptions,
    private readonly host: ClusterSchemasHost,
  ) {
    this.current = new ClusterSnapshot(new Map(), this.want);
  }

  /** What the engine should use now (empty until documents arrive; never undefined). */
  get snapshot(): ClusterSnapshot {
    return this.current;
  }

  /** Reads the kubeconfig, /version and the /openapi/v3 index. Resolves (never rejects) when done. */
  start(): Promise<void> {
    return (this.started ??= this.connect(this.generation));
  }

  /** Drops what was read, reads the index again and re-reads the documents still wanted. */
  async refresh(): Promise<void> {
    if (this.state === 'disposed') return;
    this.generation++;
    this.client?.dispose();
    this.client = undefined;
    this.index = undefined;
    this.failedDocs.clear();
    this.queue.length = 0;
    this.reportedFailure = false;
    this.state = 'connecting';
    this.started = this.connect(this.generation);
    await this.started;
    await this.settled();
  }

  /** Resolves when nothing is connecting or loading (for the CLI, which checks once). */
  async settled(): Promise<void> {
    await this.started;
    while (this.pump) await this.pump;
  }

  dispose(): void {
    this.state = 'disposed';
    this.generation++;
    this.queue.length = 0;
    this.client?.dispose();
    this.client = undefined;
  }

  /** SchemaSource.want: cheap when the document is known, loaded, loading or failed. */
  readonly want = (group: string, version: string): void => {
    if (typeof group !== 'string' || typeof version !== 'string' || version === '') return;
    const key = gvKey(group, version);
    if (this.wanted.has(key)) return;
    this.wanted.add(key);
    if (this.state === 'ready') this.enqueue([key]);
  };

  private async connect(generation: number): Promise<void> {
    try {
      this.target = loadKubeconfig(this.options);
      this.description = `context "${this.target.contextName}" (${this.target.cluster.server})`;
      this.client = new ClusterClient(this.target, { ...this.options, log: (m) => this.host.log(m) });
      const client = this.client;
      this.host.log(`kube-cel-guard: reading schemas from the cluster of ${this.description}`);
      // /version is informational: a cluster that hides it still serves schemas.
      const [version, indexJson] = await Promise.all([
        client.getJson('/version').then(parseVersion, (err) => {
          if (err instanceof ClusterError && (err.kind === 'http' || err.kind === 'forbidden' || err.kind === 'invalid')) return undefined;
          throw err;
        }),
        client.getJson('/openapi/v3'),
      ]);
      if (generation !== this.generation) return;
      const index = parseOpenApiIndex(indexJson);
      this.version = version;
      this.index = index;
      this.state = 'ready';
      this.host.log(`kube-cel-guard: the cluster runs Kubernetes ${version?.gitVersion ?? '(version unknown)'} and serves ${index.size} API group-versions`);
      this.host.connected?.(version, this.description);
      // A refresh keeps the documents whose URL (and so ?hash=) did not change.
      const kept = new Map<string, GroupVersionDocument>();
      for (const [key, doc] of this.documents) if (index.get(key) === doc.url) kept.set(key, doc);
      const changed = kept.size !== this.documents.size;
      this.documents = kept;
      if (changed) this.publish();
      this.enqueue([...this.wanted]);
    } catch (err) {
      if (generation !== this.generation) return;
      this.state = 'failed';
      this.client?.dispose();
      this.client = undefined;
      const hadDocuments = this.documents.size > 0;
      this.documents = new Map();
      if (hadDocuments) this.publish();
      this.reportFailure(`cannot read schemas from ${this.target ? this.description : 'the cluster'}: ${messageOf(err)}. Using the bundled schemas.`);
    }
  }

  private enqueue(keys: string[]): void {
    for (const key of keys) {
      if (!this.index?.has(key) || this.documents.has(key) || this.inFlight.get(key) === this.generation || this.failedDocs.has(key) || this.queue.includes(key)) continue;
      this.queue.push(key);
    }
    this.kick();
  }

  private kick(): void {
    if (this.pump || this.queue.length === 0 || this.state !== 'ready') return;
    const generation = this.generation;
    // Wants arrive one by one while a check runs; start after it, so they go out as one batch.
    this.pump = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain(generation))
      .finally(() => {
        this.pump = undefined;
        this.kick();
      });
  }

  /** Fetches the queue, a few at a time; publishes one snapshot for the whole batch. */
  private async drain(generation: number): Promise<void> {
    let arrived = 0;
    const worker = async () => {
      for (let key = this.queue.shift(); key !== undefined; key = this.queue.shift()) {
        if (generation !== this.generation) return;
        if (await this.fetchDocument(key, generation)) arrived++;
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? DEFAULT_CONCURRENCY }, worker));
    if (generation === this.generation && arrived > 0) this.publish();
  }

  private async fetchDocument(key: string, generation: number): Promise<boolean> {
    const url = this.index?.get(key);
    const client = this.client;
    if (!url || !client) return false;
    const slash = key.lastIndexOf('/');
    const group = key.slice(0, slash);
    const version = key.slice(slash + 1);
    this.inFlight.set(key, generation);
    try {
      const doc = parseGroupVersionDocument(await client.getJson(url), group, version, url);
      if (generation !== this.generation) return false;
      this.documents.set(key, doc);
      this.host.log(`kube-cel-guard: read ${group ? key : version} from the cluster: ${doc.kinds.size} kind(s)`);
      return true;
    } catch (err) {
      if (generation !== this.generation) return false;
      this.failedDocs.add(key);
      this.reportFailure(`cannot read the schemas of ${group ? key : version} from ${this.description}: ${messageOf(err)}. Using the bundled schemas for it.`);
      return false;
    } finally {
      if (this.inFlight.get(key) === generation) this.inFlight.delete(key);
    }
  }

  private publish(): void {
    this.current = new ClusterSnapshot(new Map(this.documents), this.want);
    this.host.changed(this.current);
  }

  /** The first failure of a session goes to the user; later ones only to the log. */
  private reportFailure(message: string): void {
    this.host.log(`kube-cel-guard: ${message}`);
    if (this.reportedFailure) return;
    this.reportedFailure = true;
    this.host.failed(message);
  }
}

function messageOf(err: unknown): string {
  if (err instanceof ClusterError || err instanceof KubeconfigError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * What to tell the user when the cluster's minor differs from kubeCelGuard.kubernetesVersion:
 * schemas then come from the cluster, but the CEL libraries (and version gating) stay those of
 * the setting, which only the user changes.
 */
export function versionNote(cluster: ClusterVersion | undefined, configured: string, settingName: string): string | undefined {
  if (!cluster || cluster.major !== 1) return undefined;
  const minor = `1.${cluster.minor}`;
  if (minor === configured) return undefined;
  const bundled = (BUNDLED_VERSIONS as readonly string[]).includes(minor);
  return (
    `The cluster runs Kubernetes ${minor} (${cluster.gitVersion}); ${settingName} is ${configured}. ` +
    `Schemas come from the cluster; CEL libraries and version checks stay those of ${configured}` +
    (bundled ? `: set ${settingName} to ${minor} to match the cluster.` : ` (kube-cel-guard bundles ${BUNDLED_VERSIONS[0]}–${BUNDLED_VERSIONS[BUNDLED_VERSIONS.length - 1]}).`)
  );
}
