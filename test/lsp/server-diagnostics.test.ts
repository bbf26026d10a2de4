import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionRequest, DiagnosticSeverity } from 'vscode-languageserver/node';
import { LspSession } from './lspHarness.js';

// 'x' after the closing quote is a YAML syntax error. The emoji before it is two UTF-16 units,
// which is what LSP columns count, so the error sits at character 10 of line 3.
const BROKEN = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  k: "😀" x\n';
const ERROR_LINE = 3;
const ERROR_CHARACTER = 10;

for (const [name, args, transport] of [
  ['dist/server.cjs --stdio', ['dist/server.cjs', '--stdio'], 'stdio'],
  // How VS Code runs it (TransportKind.ipc).
  ['dist/server.cjs --node-ipc', ['dist/server.cjs', '--node-ipc'], 'ipc'],
  ['bin/kube-cel-guard lsp --stdio', ['bin/kube-cel-guard', 'lsp', '--stdio'], 'stdio'],
  ['bin/kube-cel-guard lsp --node-ipc', ['bin/kube-cel-guard', 'lsp', '--node-ipc'], 'ipc'],
] as const) {
  describe(`language server (${name})`, () => {
    let session: LspSession;
    before(async () => {
      session = await LspSession.start({ args: [...args], transport });
    });
    after(async () => session.close());

    it('publishes a YAML syntax error at its exact position, then clears it when the edit fixes it', async () => {
      const uri = 'file:///virtual/broken.yaml';
      await session.open(uri, BROKEN);
      const first = await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
      assert.equal(first.version, 1);
      assert.equal(first.diagnostics.length, 1);
      const [d] = first.diagnostics;
      assert.equal(d.code, 'KCG2001');
      assert.equal(d.source, 'kube-cel-guard');
      assert.equal(d.severity, DiagnosticSeverity.Error);
      assert.match(String(d.message), /^YAML syntax error: /);
      assert.deepEqual(d.range.start, { line: ERROR_LINE, character: ERROR_CHARACTER });

      // Incremental sync: delete ' x' only.
      await session.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: ERROR_LINE, character: 9 }, end: { line: ERROR_LINE, character: 11 } }, text: '' }],
      });
      const fixed = await session.diagnostics(uri, (p) => p.version === 2);
      assert.deepEqual(fixed.diagnostics, []);
    });

    it('only checks YAML: a broken .txt file gets no diagnostics', async () => {
      const text = 'file:///virtual/notes.txt';
      const yaml = 'file:///virtual/later.yml';
      await session.open(text, BROKEN, 'plaintext');
      // Opened second and validated after the same debounce, so its diagnostics arriving
      // means the text file's would have arrived already.
      await session.open(yaml, BROKEN, 'plaintext');
      const later = await session.diagnostics(yaml);
      assert.equal(later.diagnostics[0]?.code, 'KCG2001', 'the .yml extension alone makes it YAML');
      await assert.rejects(session.diagnostics(text, () => true, 300));
    });

    it('clears the diagnostics of a closed file', async () => {
      const uri = 'file:///virtual/closed.yaml';
      await session.open(uri, BROKEN);
      await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
      await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      const cleared = await session.diagnostics(uri, (p) => p.diagnostics.length === 0);
      assert.deepEqual(cleared.diagnostics, []);
    });
  });
}

describe('language server settings', () => {
  it('applies kubeCelGuard.severity from workspace/configuration', async () => {
    const session = await LspSession.start({ settings: { severity: { KCG2001: 'warning' } } });
    try {
      const uri = 'file:///virtual/regraded.yaml';
      await session.open(uri, BROKEN);
      const published = await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
      assert.equal(published.diagnostics[0].severity, DiagnosticSeverity.Warning);
    } finally {
      await session.close();
    }
  });

  it('re-checks open files when the settings change', async () => {
    const session = await LspSession.start();
    try {
      const uri = 'file:///virtual/resettings.yaml';
      await session.open(uri, BROKEN);
      const before = await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
      assert.equal(before.diagnostics[0].severity, DiagnosticSeverity.Error);
      session.settings.current = { severity: { KCG2001: 'hint' } };
      await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      const after = await session.diagnostics(uri, (p) => p.diagnostics[0]?.severity === DiagnosticSeverity.Hint);
      assert.equal(after.diagnostics[0].code, 'KCG2001');
    } finally {
      await session.close();
    }
  });

  it('takes settings from initializationOptions when the client cannot be asked', async () => {
    const session = await LspSession.start({
      capabilities: {},
      initializationOptions: { settings: { severity: { KCG2001: 'info' } } },
    });
    try {
      const uri = 'file:///virtual/pushed.yaml';
      await session.open(uri, BROKEN);
      const published = await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
      assert.equal(published.diagnostics[0].severity, DiagnosticSeverity.Information);
    } finally {
      await session.close();
    }
  });

  it('turns a code off, and ignores nonsense settings instead of failing', async () => {
    const session = await LspSession.start({ settings: { severity: { KCG2001: 'off', KCG9: 42 }, kubernetesVersion: 7, crdPaths: 'x' } });
    try {
      const uri = 'file:///virtual/off.yaml';
      await session.open(uri, BROKEN);
      const published = await session.diagnostics(uri);
      assert.deepEqual(published.diagnostics, []);
    } finally {
      await session.close();
    }
  });
});

describe('language server under hostile input', () => {
  it('survives a 5 MB file of binary-looking junk and still answers later requests', { timeout: 60_000 }, async () => {
    const session = await LspSession.start();
    try {
      const junkUri = 'file:///virtual/junk.yaml';
      await session.open(junkUri, junk(5 * 1024 * 1024));
      const junkDiagnostics = await session.diagnostics(junkUri, () => true, 45_000);
      assert.ok(junkDiagnostics.diagnostics.length > 0, 'junk is reported, not silently skipped');
      assert.ok(junkDiagnostics.diagnostics.length <= 1000, 'but not as tens of thousands of diagnostics');

      const uri = 'file:///virtual/after-junk.yaml';
      await session.open(uri, BROKEN);
      const published = await session.diagnostics(uri, (p) => p.diagnostics.length > 0, 20_000);
      assert.equal(published.diagnostics[0].code, 'KCG2001');

      const actions = await session.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: published.diagnostics[0].range,
        context: { diagnostics: published.diagnostics },
      });
      assert.deepEqual(actions, [], 'a syntax error has no fix, and the server answers');
      assert.equal(session.child.exitCode, null, 'the server process is still running');
    } finally {
      await session.close();
    }
  });

  it('checks a small file while a large one is still being checked', { timeout: 60_000 }, async () => {
    const session = await LspSession.start();
    try {
      // Thousands of policies, each with CEL to type-check: seconds of work, unlike junk, which the
      // engine now rejects in a few hundred milliseconds (too fast to still be running).
      const junkUri = 'file:///virtual/many-policies.yaml';
      const smallUri = 'file:///virtual/small.yaml';
      await session.open(junkUri, manyPolicies(5 * 1024 * 1024));
      await session.open(smallUri, BROKEN);
      const small = await session.diagnostics(smallUri, () => true, 45_000);
      const large = await session.diagnostics(junkUri, () => true, 45_000);
      assert.ok(
        session.published.indexOf(small) < session.published.indexOf(large),
        'the small file was not kept waiting behind the 5 MB one',
      );
    } finally {
      await session.close();
    }
  });

  it('abandons the check of a replaced text: nothing is published for it after the newer version', { timeout: 60_000 }, async () => {
    const session = await LspSession.start();
    try {
      const uri = 'file:///virtual/replaced.yaml';
      await session.open(uri, junk(5 * 1024 * 1024));
      // Likely mid-check of version 1 by now.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await session.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: BROKEN }],
      });
      const latest = await session.diagnostics(uri, (p) => p.version === 2, 45_000);
      assert.equal(latest.diagnostics.length, 1);
      // Give a straggling version-1 run time to (wrongly) publish.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const forUri = session.published.filter((p) => p.uri === uri);
      assert.equal(forUri.at(-1)?.version, 2, `publish order: ${forUri.map((p) => p.version).join(', ')}`);
    } finally {
      await session.close();
    }
  });
});

/** Deterministic junk: control bytes, YAML indicators, quotes, document markers, non-ASCII. */
function junk(size: number): string {
  const alphabet = ['\u0000', '\u0001', '\u001b[31m', '\u007f', '\ufffd', 'é', '😀', ':', '- ', '{', '}', '[', ']', '"', "'", '|', '>', '&a', '*a', '!', '%', '@', '`', '#', '\t', ' ', '\n', '\n---\n', 'key: ', 'ÿþ'];
  let seed = 42;
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const piece = alphabet[seed % alphabet.length];
    parts.push(piece);
    length += piece.length;
  }
  return parts.join('');
}

/** Distinct ValidatingAdmissionPolicies (no two expressions alike, so nothing is cached) up to `size`. */
function manyPolicies(size: number): string {
  const docs: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const doc = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p${i}}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - expression: "object.spec.replicas <= ${i} && object.spec.template.spec.containers.all(c, c.image.startsWith('r${i}/'))"
`;
    docs.push(doc);
    length += doc.length + 4;
  }
  return docs.join('---\n');
}
