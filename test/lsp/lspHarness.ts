/**
 * Drives the built language server as a client would: a child process spoken to over stdio with
 * the LSP JSON-RPC framing. Tests run after `npm run build`, which produces dist/server.cjs.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface SessionOptions {
  /** Command line after `node`, relative to the repository root. */
  args?: string[];
  /** 'ipc' forks the server with a Node IPC channel, as VS Code's TransportKind.ipc does. */
  transport?: 'stdio' | 'ipc';
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  workspaceFolders?: { uri: string; name: string }[] | null;
  /** Answers workspace/configuration requests (the `kubeCelGuard` section). */
  settings?: unknown;
  /** The server process's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface Settings {
  /** What the next workspace/configuration request is answered with. */
  current: unknown;
}

export class LspSession {
  readonly stderr: string[] = [];
  /** window/logMessage texts: what the user reads in the Output channel. */
  readonly logs: string[] = [];
  /** window/showMessage notifications: what pops up in the editor. */
  readonly messages: Array<{ type: number; message: string }> = [];
  /** Every publishDiagnostics notification, in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: Array<() => void> = [];

  readonly settings: Settings = { current: {} };

  /** What the server answered to initialize (its capabilities). */
  initializeResult: InitializeResult | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      for (const wake of this.waiters.splice(0)) wake();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    connection.onNotification('window/showMessage', (params: { type: number; message: string }) => {
      this.messages.push(params);
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr?.on('data', (chunk) => this.stderr.push(String(chunk)));
  }

  static async start(options: SessionOptions = {}): Promise<LspSession> {
    let child: ChildProcess;
    let connection: ProtocolConnection;
    if (options.transport === 'ipc') {
      const [module, ...args] = options.args ?? ['dist/server.cjs', '--node-ipc'];
      child = fork(module, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe', 'ipc'], env: options.env });
      connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    } else {
      child = spawn(process.execPath, options.args ?? ['dist/server.cjs', '--stdio'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: options.env });
      connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    }
    const session = new LspSession(child, connection);
    session.settings.current = options.settings ?? {};
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => session.settings.current),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    session.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: options.workspaceFolders ?? null,
      capabilities: options.capabilities ?? {
        workspace: { configuration: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } },
      },
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return session;
  }

  async open(uri: string, text: string, languageId = 'yaml', version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** A point in the stream of published diagnostics; pass it to `diagnostics` to skip older ones. */
  mark(): number {
    return this.published.length;
  }

  /** Resolves with the first diagnostics published for `uri` (after `since`) that satisfy `accept`. */
  async diagnostics(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10_000,
    since = 0,
  ): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.published.slice(since).find((p) => p.uri === uri && accept(p));
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no matching diagnostics for ${uri}; got ${JSON.stringify(this.published.filter((p) => p.uri === uri))}\nstderr: ${this.stderr.join('')}`);
      }
      await this.nextEvent(left);
    }
  }

  async log(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.logs.find((m) => pattern.test(m));
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no log matching ${pattern}; got ${JSON.stringify(this.logs)}`);
      await this.nextEvent(left);
    }
  }

  /** Resolves with the first window/showMessage text matching `pattern`. */
  async message(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.find((m) => pattern.test(m.message));
      if (hit) return hit.message;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message matching ${pattern}; got ${JSON.stringify(this.messages)}\nlogs: ${JSON.stringify(this.logs)}`);
      await this.nextEvent(left);
    }
  }

  private nextEvent(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    try {
      await withTimeout(this.connection.sendRequest(ShutdownRequest.type), 5000);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // Already gone; the kill below is what matters.
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.exitCode === null) await withTimeout(exited, 3000).catch(() => this.child.kill());
    this.connection.dispose();
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
