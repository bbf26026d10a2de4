/**
 * Fuzzes the language server process (dist/server.cjs over stdio) with broken documents. For each
 * input the client sends an incremental didChange (or a didOpen) and, right away, a codeAction
 * request as a ping; the ping must be answered within 1 s while the server checks, the diagnostics
 * of exactly that version must be published within 1 s of the edit (after the 150 ms debounce),
 * must agree with the engine run in-process on the same text (so incremental sync rebuilt the
 * text), and a codeAction request with those diagnostics must be answered within 1 s. After every
 * input the process must still be alive.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { LspSession, withTimeout } from '../lsp/lspHarness.js';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { toDiagnostics } from '../../server/src/features/diagnostics.js';
import { MAX_DIAGNOSTICS_PER_FILE } from '../../server/src/features/validation.js';
import { buildWorkspaceIndex } from '../../server/src/features/workspaceIndex.js';
import { fileURLToPath } from 'node:url';
import { CEL_HOSTS, describeInput, diffChange, hostWith, mutatedCel, mutatedCorpus, nastyString, params, testTimeout } from './fuzzLib.js';

const PING_MS = 1000;
const DEBOUNCE_MS = 150;
const PUBLISH_MS = 1000 + DEBOUNCE_MS;
/** The server re-checks open files once its workspace index (CRDs, policies of open files) is rebuilt, 300 ms after an edit. */
const REINDEX_MS = 300;

/**
 * What the server must publish for `doc` when it is the only open document: the engine's findings
 * with the workspace index of that one file (its CRDs and policies), as the CLI computes them.
 */
function expectedDiagnostics(doc: TextDocument, options: Parameters<typeof analyzeText>[1] = { kubernetesVersion: '1.35' }): Diagnostic[] {
  const workspace = buildWorkspaceIndex([{ path: fileURLToPath(doc.uri), text: doc.getText() }]);
  return toDiagnostics(doc, analyzeText(doc.getText(), options, workspace).slice(0, MAX_DIAGNOSTICS_PER_FILE));
}

const strip = (ds: Diagnostic[]) => JSON.stringify(ds.map((d) => [d.code, d.severity, d.range, d.message]));

/** Closes every document the fuzz opened: other open files feed the server's workspace index. */
async function closeAll(): Promise<void> {
  for (const uri of open.keys()) await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  open.clear();
}
/** Larger inputs are cut: the 1 s promise is for documents people edit, not 1 MB dumps. */
const MAX_LSP_TEXT = 96 * 1024;

let session: LspSession;
before(async () => {
  session = await LspSession.start();
});
after(async () => session?.close());

/** The client's copy of each open document. */
const open = new Map<string, TextDocument>();
let uriCounter = 0;

function alive(): void {
  assert.equal(session.child.exitCode, null, `server exited (${session.child.exitCode}); stderr: ${session.stderr.join('')}`);
  assert.equal(session.child.signalCode, null, `server killed by ${session.child.signalCode}; stderr: ${session.stderr.join('')}`);
}

async function timedRequest<T>(what: string, request: () => Promise<T>, ms = PING_MS): Promise<T> {
  const start = performance.now();
  const result = await withTimeout(request(), ms).catch((err: Error) => {
    throw new Error(`${what}: no answer within ${ms} ms (${err.message}); stderr: ${session.stderr.join('').slice(-2000)}`);
  });
  assert.ok(performance.now() - start <= ms, `${what}: answered after ${(performance.now() - start).toFixed(0)} ms`);
  return result;
}

function codeActions(uri: string, diagnostics: Diagnostic[], range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }) {
  return session.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics },
  }) as Promise<unknown[] | null>;
}

/** Opens `text` as a new document; milliseconds until its diagnostics were published. */
async function openTimed(text: string): Promise<number> {
  const uri = `file:///fuzz/retry-${++uriCounter}.yaml`;
  const mark = session.mark();
  const start = performance.now();
  await session.open(uri, text);
  await session.diagnostics(uri, (p) => p.version === 1, 10_000, mark);
  const ms = performance.now() - start;
  await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  return ms;
}

/** Sends `text` as the new content of a document (reusing an open one or opening a new one). */
async function edit(text: string, reuse: boolean, label: string, at = 0.5): Promise<void> {
  text = text.slice(0, MAX_LSP_TEXT);
  let uri: string;
  let doc = reuse ? [...open.values()].at(-1) : undefined;
  const mark = session.mark();
  if (doc) {
    uri = doc.uri;
    const change = diffChange(doc, text);
    doc = TextDocument.update(doc, [change], doc.version + 1);
    await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [change] });
  } else {
    await closeAll();
    uri = `file:///fuzz/doc-${++uriCounter}.yaml`;
    doc = TextDocument.create(uri, 'yaml', 1, text);
    await session.open(uri, text);
  }
  open.set(uri, doc);
  assert.equal(doc.getText(), text, 'the client-side model applies its own edit');
  const sent = performance.now();

  // A ping while the server debounces and checks.
  const ping = await timedRequest(`${label}: codeAction ping`, () => codeActions(uri, []));
  assert.ok(Array.isArray(ping), `${label}: codeAction answered ${JSON.stringify(ping)}`);

  const version = doc.version;
  let published: PublishDiagnosticsParams;
  try {
    published = await session.diagnostics(uri, (p) => p.version === version, Math.max(1, PUBLISH_MS - (performance.now() - sent)), mark);
  } catch (err) {
    alive();
    // Late or never? Tell which, for the report.
    published = await session.diagnostics(uri, (p) => p.version === version, 10_000, mark).catch(() => {
      throw new Error(`${label}: diagnostics of version ${version} never published (waited 10 s)\n${(err as Error).message.slice(0, 2000)}`);
    });
    const lateMs = performance.now() - sent;
    // Late once may be a loaded machine (wall-clock bound): measure again on a fresh document
    // (cold analyzer cache, same work) and fail only if this input is slow again.
    const again = await openTimed(text);
    if (again > PUBLISH_MS) {
      throw new Error(`${label}: diagnostics of version ${version} published ${lateMs.toFixed(0)} ms after the edit, and ${again.toFixed(0)} ms after opening it afresh (bound ${PUBLISH_MS} ms)`);
    }
  }
  alive();

  // The server checked exactly our text: same diagnostics as the engine in-process. The first
  // publication may predate the rebuild of the index from this text; the one after it must match.
  const expected = expectedDiagnostics(doc);
  if (strip(published.diagnostics) !== strip(expected)) {
    published = await session.diagnostics(uri, (p) => p.version === version && strip(p.diagnostics) === strip(expected), PUBLISH_MS + REINDEX_MS, mark).catch(() => {
      const last = session.published.filter((p) => p.uri === uri && p.version === version).at(-1)!;
      assert.deepEqual(JSON.parse(strip(last.diagnostics)), JSON.parse(strip(expected)), `${label}: server diagnostics differ from the engine's on the same text`);
      return last;
    });
  }
  for (const d of published.diagnostics) {
    for (const p of [d.range.start, d.range.end]) {
      assert.ok(p.line < doc.lineCount, `${label}: diagnostic line ${p.line} beyond the document (${doc.lineCount} lines)`);
    }
  }

  const failed = session.logs.filter((m) => / failed: /.test(m));
  assert.deepEqual(failed, [], `${label}: the server logged a failure`);

  // Quick-fixes for what was published, over the whole document.
  const whole = { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) };
  const actions = await timedRequest(`${label}: codeAction with diagnostics`, () => codeActions(uri, published.diagnostics, whole));
  assert.ok(Array.isArray(actions), `${label}: codeAction answered ${JSON.stringify(actions)}`);

  // The other position-based features the server offers, at a point of the broken text (inside a
  // CEL expression when the text has one, as `at` picks among them).
  const exprAt = [...text.matchAll(/(?:expression|rule): /g)].map((m) => m.index! + m[0].length + 3);
  const offset = exprAt.length ? exprAt[Math.floor(at * exprAt.length) % exprAt.length] : Math.floor(at * text.length);
  const position = doc.positionAt(Math.min(offset, text.length));
  for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/references', 'textDocument/semanticTokens/full']) {
    const params = { textDocument: { uri }, position, context: { includeDeclaration: true } };
    await timedRequest(`${label}: ${method} at ${JSON.stringify(position)}`, () => session.connection.sendRequest(method, params) as Promise<unknown>);
  }
  const failedLater = session.logs.filter((m) => / failed: /.test(m));
  assert.deepEqual(failedLater, [], `${label}: the server logged a failure`);
  alive();
}

const lspInput = fc.oneof(
  { weight: 5, arbitrary: mutatedCorpus.map((m) => ({ text: m.text, label: `${m.name} + ${JSON.stringify(m.mutations)}` })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...Object.keys(CEL_HOSTS)), mutatedCel(), fc.nat(3))
      .map(([host, expr, style]) => ({ text: hostWith(CEL_HOSTS[host], expr, style), label: `${host} style ${style} expr ${JSON.stringify(expr)}` })),
  },
  { weight: 1, arbitrary: nastyString.map((s) => ({ text: s, label: `raw ${JSON.stringify(s)}` })) },
);

test('fuzz: the server answers within 1 s and keeps serving after every broken document', { timeout: testTimeout(120_000) }, async () => {
  await fc.assert(
    fc.asyncProperty(lspInput, fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), async ({ text, label }, reuse, at) => {
      try {
        await edit(text, reuse, label, at);
      } catch (err) {
        (err as Error).message += `\ninput: ${describeInput(text)}`;
        throw err;
      }
    }),
    params(40),
  );
  await closeAll();
  // Still a working server: a known mistake is found in a fresh document.
  const uri = 'file:///fuzz/final.yaml';
  const mark = session.mark();
  await session.open(uri, hostWith(CEL_HOSTS.vap, 'object.spec.replicas <= "5"', 0));
  const final = await session.diagnostics(uri, (p) => p.diagnostics.length > 0, 5000, mark);
  assert.ok(final.diagnostics.some((d) => d.code === 'KCG1004'), JSON.stringify(final.diagnostics));
});

test('fuzz: rapid edit bursts publish only the latest version, promptly', { timeout: testTimeout(60_000) }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(mutatedCorpus, { minLength: 2, maxLength: 5 }), async (burst) => {
      const uri = `file:///fuzz/burst-${++uriCounter}.yaml`;
      let doc = TextDocument.create(uri, 'yaml', 1, burst[0].text.slice(0, MAX_LSP_TEXT));
      const mark = session.mark();
      await session.open(uri, doc.getText());
      for (const next of burst.slice(1)) {
        const change = diffChange(doc, next.text.slice(0, MAX_LSP_TEXT));
        doc = TextDocument.update(doc, [change], doc.version + 1);
        await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [change] });
      }
      const sent = performance.now();
      await timedRequest('burst ping', () => codeActions(uri, []));
      const version = doc.version;
      const last = await session.diagnostics(uri, (p) => p.version === version, PUBLISH_MS, mark).catch(async (err: Error) => {
        const late = await session.diagnostics(uri, (p) => p.version === version, 10_000, mark).then(
          () => `arrived after ${(performance.now() - sent).toFixed(0)} ms`,
          () => 'not even after 10 s',
        );
        throw new Error(`burst: version ${version} not published within ${PUBLISH_MS} ms (${late}): ${err.message.slice(0, 1500)}`);
      });
      const elapsed = performance.now() - sent;
      if (elapsed > PUBLISH_MS) {
        const again = await openTimed(doc.getText());
        assert.ok(again <= PUBLISH_MS, `burst: published after ${elapsed.toFixed(0)} ms, and ${again.toFixed(0)} ms when opened afresh`);
      }
      const expected = expectedDiagnostics(doc);
      if (strip(last.diagnostics) !== strip(expected)) {
        await session.diagnostics(uri, (p) => p.version === version && strip(p.diagnostics) === strip(expected), PUBLISH_MS + REINDEX_MS, mark).catch(() => {
          const latest = session.published.filter((p) => p.uri === uri && p.version === version).at(-1)!;
          assert.deepEqual(JSON.parse(strip(latest.diagnostics)), JSON.parse(strip(expected)), 'burst: the final text is what the server checked');
        });
      }
      await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      alive();
    }),
    params(10),
  );
});

/** Settings as users (or broken clients) send them; crdPaths stay out (a path scan is another test). */
const junkSettings = fc.oneof(
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      kubernetesVersion: fc.oneof(fc.constantFrom('1.30', '1.33', '1.35', '1.29', '2.0', ''), fc.jsonValue({ maxDepth: 1 })),
      severity: fc.oneof(
        fc.dictionary(fc.constantFrom('KCG1003', 'KCG1004', 'KCG1005', 'KCG2001', 'KCG3001', '__proto__', 'constructor', 'x'), fc.constantFrom('error', 'warning', 'info', 'hint', 'off', 'bogus', 1 as unknown as string)),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    },
    { requiredKeys: [] },
  ),
);

test('fuzz: junk settings are ignored field by field, and diagnostics follow the valid ones', { timeout: testTimeout(60_000) }, async () => {
  const { parseSettings } = await import('../../server/src/features/settings.js');
  const uri = 'file:///fuzz/settings.yaml';
  const text = hostWith(CEL_HOSTS.vap, 'object.spec.replicas <= "5" && object.spec.Replicas > 0', 0) + '---\na: [\n';
  let doc = TextDocument.create(uri, 'yaml', 1, text);
  await session.open(uri, text);
  await fc.assert(
    fc.asyncProperty(junkSettings, async (settings) => {
      session.settings.current = settings;
      const mark = session.mark();
      await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      // An edit after the settings change: its diagnostics must use the new settings.
      doc = TextDocument.update(doc, [{ text }], doc.version + 1);
      await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [{ text }] });
      await timedRequest('settings ping', () => codeActions(uri, []));
      const version = doc.version;
      const expectedOptions = parseSettings(settings).engine;
      const expected = expectedDiagnostics(doc, expectedOptions);
      // The re-check after the settings change may land after the edit's: wait for the one that matches.
      const published = await session
        .diagnostics(uri, (p) => p.version === version && strip(p.diagnostics) === strip(expected), 3000, mark)
        .catch((err: Error) => {
          throw new Error(`settings ${JSON.stringify(settings)} → ${JSON.stringify(expectedOptions)}: ${err.message.slice(0, 3000)}`);
        });
      assert.equal(strip(published.diagnostics), strip(expected));
      alive();
    }),
    params(15),
  );
  session.settings.current = {};
  await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
});

const junkPosition = fc.oneof(
  fc.record({ line: fc.integer({ min: -5, max: 100_000 }), character: fc.integer({ min: -5, max: 100_000 }) }),
  fc.jsonValue({ maxDepth: 1 }),
);
const junkMessage = fc.oneof(
  fc.record({
    kind: fc.constant('codeAction' as const),
    uri: fc.constantFrom('file:///fuzz/junk.yaml', 'file:///fuzz/never-opened.yaml', 'not a uri', ''),
    range: fc.oneof(fc.record({ start: junkPosition, end: junkPosition }), fc.jsonValue({ maxDepth: 2 })),
    diagnostics: fc.oneof(
      fc.array(fc.record({ range: fc.record({ start: junkPosition, end: junkPosition }), code: fc.constantFrom('KCG3001', 'KCG4011', 'KCG1003', 'x'), message: fc.string(), data: fc.jsonValue({ maxDepth: 3 }) }), { maxLength: 3 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    only: fc.option(fc.array(fc.constantFrom('quickfix', 'refactor', '', 'source'), { maxLength: 2 })),
  }),
  fc.record({
    kind: fc.constant('didChange' as const),
    uri: fc.constantFrom('file:///fuzz/junk.yaml', 'file:///fuzz/never-opened.yaml'),
    version: fc.oneof(fc.integer({ min: -2, max: 1_000_000 }), fc.constant(null)),
    change: fc.oneof(
      fc.record({ range: fc.record({ start: junkPosition, end: junkPosition }), text: nastyString }),
      fc.record({ text: nastyString }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  }),
  fc.record({ kind: fc.constant('unknownRequest' as const), method: fc.constantFrom('textDocument/hover', 'textDocument/completion', 'kubeCelGuard/nothing', '$/cancelRequest'), params: fc.jsonValue({ maxDepth: 2 }) }),
);

test('fuzz: malformed requests and notifications never stop the server', { timeout: testTimeout(60_000) }, async () => {
  const uri = 'file:///fuzz/junk.yaml';
  const base = hostWith(CEL_HOSTS.vap, 'object.spec.replicas > 0', 0);
  await session.open(uri, base);
  let version = 1;
  await fc.assert(
    fc.asyncProperty(junkMessage, async (m) => {
      if (m.kind === 'codeAction') {
        const params = { textDocument: { uri: m.uri }, range: m.range, context: { diagnostics: m.diagnostics, ...(m.only ? { only: m.only } : {}) } };
        // An error response is an answer; silence or a dead process is not.
        await timedRequest(`codeAction ${JSON.stringify(params).slice(0, 300)}`, () =>
          (session.connection.sendRequest('textDocument/codeAction', params) as Promise<unknown>).catch((e: Error) => e),
        );
      } else if (m.kind === 'didChange') {
        await session.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: m.uri, version: m.version ?? ++version },
          contentChanges: [m.change],
        });
      } else {
        await timedRequest(`${m.method}`, () => (session.connection.sendRequest(m.method, m.params) as Promise<unknown>).catch((e: Error) => e));
      }
      await timedRequest('ping after junk', () => codeActions(uri, []));
      alive();
    }),
    params(60),
  );
  // Still validating: a fresh document gets its diagnostics.
  const fresh = 'file:///fuzz/after-junk.yaml';
  const mark = session.mark();
  await session.open(fresh, hostWith(CEL_HOSTS.vap, 'object.spec.replicas <= "5"', 0));
  const final = await session.diagnostics(fresh, (p) => p.diagnostics.length > 0, 5000, mark);
  assert.ok(final.diagnostics.some((d) => d.code === 'KCG1004'), JSON.stringify(final.diagnostics));
  // Handlers that threw on malformed params were caught by the server's guard and logged; list them.
  const failures = [...new Set(session.logs.filter((m) => / failed: /.test(m)).map((m) => m.split('\n').slice(0, 2).join(' | ')))];
  if (process.env.KCG_FUZZ_VERBOSE) console.log(failures.join('\n'));
  assert.ok(!failures.some((m) => /validating|publishing/.test(m)), `document validation failed:\n${failures.join('\n')}`);
});
