/**
 * A tiny LSP client over stdio for the benchmark (vscode-jsonrpc's node streams).
 *
 *   const server = await LspServer.start({ name, command, args, configuration });
 *   const { ms, diagnostics } = await server.openAndWait(uri, text);        // didOpen → first publishDiagnostics
 *   const { ms } = await server.changeAndWait(uri, range, newText);         // didChange → next publishDiagnostics
 *   const rss = server.peakRss();                                            // VmHWM of the process tree, KiB
 *   await server.stop();
 *
 * Times are absolute wall-clock (performance.now()) in this process, measured from just before the
 * notification is written to the server's stdin until the publishDiagnostics notification for that
 * URI has been read back: they include the servers' own debounce delays (kube-cel-guard 150 ms,
 * yaml-language-server 200 ms), because a user waits for those too.
 * Everything is bounded by timeouts; `stop` kills the process if it does not exit by itself.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import rpc from 'vscode-jsonrpc/node';

const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = rpc;

export class TimeoutError extends Error {}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** CLOCK_MONOTONIC in µs: the clock of V8's .cpuprofile timestamps, to cut a server's profile into windows. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** VmHWM/VmRSS (KiB) of one process, or undefined once it is gone. */
function procStatus(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const num = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { hwm: num('VmHWM'), rss: num('VmRSS') };
  } catch {
    return undefined;
  }
}

/** pid and all its live descendants (servers that fork workers count with their children). */
function processTree(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the parenthesised command, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

export class LspServer {
  /**
   * @param {object} o
   * @param {string} o.name         label for messages
   * @param {string} o.command      executable (e.g. process.execPath)
   * @param {string[]} o.args
   * @param {(section: string|undefined, scopeUri: string|undefined) => unknown} o.configuration
   *        answer for each workspace/configuration item
   * @param {string} [o.cwd]
   * @param {number} [o.initTimeoutMs]
   * @param {number} [o.settleMs]  pause after the server pulled its settings, before measuring
   */
  static async start(o) {
    const server = new LspServer(o);
    await server.#initialize(o.initTimeoutMs ?? 30000, o.settleMs ?? 500);
    return server;
  }

  #child;
  #conn;
  #name;
  #configuration;
  /** All publishDiagnostics received: { uri, version, diagnostics, at } */
  published = [];
  #waiters = [];
  #stderr = '';
  #exited = false;
  #configPulls = 0;
  #sampler;
  /** Highest VmRSS sum of the process tree seen by the 50 ms sampler (children may come and go). */
  #sampledPeakKiB = 0;

  constructor(o) {
    this.#name = o.name;
    this.#configuration = o.configuration;
    this.#child = spawn(o.command, o.args, { cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (d) => {
      if (this.#stderr.length < 20000) this.#stderr += d;
    });
    this.#child.on('exit', () => {
      this.#exited = true;
      for (const w of this.#waiters.splice(0)) w.reject(new Error(`${this.#name} exited; stderr: ${this.#stderr.slice(-2000)}`));
    });
    this.#conn = createMessageConnection(new StreamMessageReader(this.#child.stdout), new StreamMessageWriter(this.#child.stdin));
    this.#conn.onNotification('textDocument/publishDiagnostics', (params) => {
      const entry = { uri: params.uri, version: params.version, diagnostics: params.diagnostics ?? [], at: performance.now(), atUs: monotonicUs() };
      this.published.push(entry);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(entry)) return true;
        w.resolve(entry);
        return false;
      });
    });
    this.#conn.onRequest('workspace/configuration', (params) => {
      this.#configPulls++;
      return (params.items ?? []).map((item) => this.#configuration(item.section, item.scopeUri) ?? null);
    });
    // Everything else a server may ask (registerCapability, workDoneProgress/create, ...): accept.
    this.#conn.onRequest(() => null);
    this.#conn.onNotification(() => {});
    this.#conn.onError(() => {});
    this.#conn.listen();
    this.#sampler = setInterval(() => this.#sample(), 50);
    this.#sampler.unref();
  }

  get pid() {
    return this.#child.pid;
  }

  get stderr() {
    return this.#stderr;
  }

  #sample() {
    if (this.#exited) return;
    let sum = 0;
    for (const p of processTree(this.#child.pid)) sum += procStatus(p)?.rss ?? 0;
    if (sum > this.#sampledPeakKiB) this.#sampledPeakKiB = sum;
  }

  async #initialize(timeoutMs, settleMs) {
    const capabilities = {
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        workspaceFolders: false,
      },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
      },
    };
    await withTimeout(
      this.#conn.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'kube-cel-guard-bench' },
        rootUri: null,
        workspaceFolders: null,
        capabilities,
        initializationOptions: {},
      }),
      timeoutMs,
      `${this.#name} initialize`,
    );
    await this.#conn.sendNotification('initialized', {});
    // Both servers pull their settings after `initialized`; measurements start once they have them.
    const start = performance.now();
    while (this.#configPulls === 0) {
      if (this.#exited) throw new Error(`${this.#name} exited during startup: ${this.#stderr.slice(-2000)}`);
      if (performance.now() - start > timeoutMs) throw new TimeoutError(`${this.#name} never asked for its configuration`);
      await sleep(10);
    }
    await sleep(settleMs);
  }

  #waitFor(match, timeoutMs, what) {
    if (this.#exited) return Promise.reject(new Error(`${this.#name} has exited`));
    let waiter;
    const p = new Promise((resolve, reject) => {
      waiter = { match, resolve, reject };
      this.#waiters.push(waiter);
    });
    return withTimeout(p, timeoutMs, `${this.#name} ${what}`).finally(() => {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
    });
  }

  /** didOpen, then the time to the first publishDiagnostics for uri. */
  async openAndWait(uri, text, { languageId = 'yaml', timeoutMs = 180000 } = {}) {
    this.versions ??= new Map();
    this.versions.set(uri, 1);
    const wait = this.#waitFor((e) => e.uri === uri, timeoutMs, `first diagnostics for ${uri}`);
    const t0Us = monotonicUs();
    const t0 = performance.now();
    await this.#conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    const entry = await wait;
    return { ms: entry.at - t0, diagnostics: entry.diagnostics, window: [t0Us, entry.atUs] };
  }

  /**
   * One incremental didChange (range replaced by newText), then the time to the next
   * publishDiagnostics for uri. A server that reports versions must report the new one.
   */
  async changeAndWait(uri, range, newText, { timeoutMs = 120000 } = {}) {
    const version = this.versions.get(uri) + 1;
    this.versions.set(uri, version);
    const wait = this.#waitFor((e) => e.uri === uri && (e.version == null || e.version === version), timeoutMs, `diagnostics after edit v${version}`);
    const t0Us = monotonicUs();
    const t0 = performance.now();
    await this.#conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text: newText }],
    });
    const entry = await wait;
    return { ms: entry.at - t0, diagnostics: entry.diagnostics, window: [t0Us, entry.atUs] };
  }

  /** Waits until no publishDiagnostics arrived for quietMs (drains late or duplicate publishes). */
  async quiet(quietMs = 300, maxMs = 10000) {
    const start = performance.now();
    for (;;) {
      const last = this.published.at(-1)?.at ?? 0;
      const now = performance.now();
      if (now - last >= quietMs || now - start > maxMs) return;
      await sleep(Math.min(quietMs, 50));
    }
  }

  /**
   * Peak resident set size in KiB: the kernel's VmHWM of the server and of each live descendant
   * (summed), or the 50 ms sampler's highest tree total if that is larger (a child that already
   * exited has no VmHWM left to read).
   */
  peakRss() {
    this.#sample();
    let hwm = 0;
    const tree = processTree(this.#child.pid);
    for (const p of tree) hwm += procStatus(p)?.hwm ?? 0;
    return { kib: Math.max(hwm, this.#sampledPeakKiB), processes: tree.length };
  }

  async stop(timeoutMs = 5000) {
    clearInterval(this.#sampler);
    if (!this.#exited) {
      try {
        await withTimeout(this.#conn.sendRequest('shutdown'), timeoutMs, `${this.#name} shutdown`);
        await this.#conn.sendNotification('exit');
      } catch {
        // Killed below.
      }
      const exited = new Promise((r) => this.#child.once('exit', r));
      await Promise.race([exited, sleep(timeoutMs)]);
    }
    if (!this.#exited) {
      this.#child.kill('SIGKILL');
      await Promise.race([new Promise((r) => this.#child.once('exit', r)), sleep(2000)]);
    }
    this.#conn.dispose();
  }
}
