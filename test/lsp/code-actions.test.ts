import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionRequest, type CodeAction, type Diagnostic, type TextDocumentEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Fix } from '../../server/src/engine/findings.js';
import { LspSession } from './lspHarness.js';
import { vap } from '../fixtures/k8s.js';

// Checks attach fixes as `data.fixes` with file offsets; the server turns any such fix into a
// quick-fix. No check ships one yet, so these tests hand the server a diagnostic carrying one, as
// the client would send back a published diagnostic.
const TEXT = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  k: "😀" x\n';
const X_OFFSET = TEXT.indexOf(' x');

const removeX: Fix = { title: 'Remove the stray x', edits: [{ start: X_OFFSET, end: X_OFFSET + 2, newText: '' }], isPreferred: true };
const migrate: Fix = {
  title: 'Move OIDC flags to an AuthenticationConfiguration file',
  edits: [{ start: 0, end: 0, newText: '# migrated\n' }],
  createFile: { relativePath: 'authn/config.yaml', content: 'apiVersion: apiserver.config.k8s.io/v1\n' },
};

async function openWithPublishedDiagnostic(session: LspSession, uri: string): Promise<Diagnostic> {
  await session.open(uri, TEXT);
  const published = await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
  return published.diagnostics[0];
}

function requestFixes(session: LspSession, uri: string, diagnostic: Diagnostic, fixes: unknown): Promise<(CodeAction)[]> {
  return session.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [{ ...diagnostic, data: { fixes } }] },
  }) as Promise<CodeAction[]>;
}

describe('quick fixes from data.fixes (client with documentChanges and create)', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start();
  });
  after(async () => session.close());

  it('turns a fix into a versioned edit at the right LSP positions', async () => {
    const uri = 'file:///virtual/fix.yaml';
    const diagnostic = await openWithPublishedDiagnostic(session, uri);
    const [action, ...rest] = await requestFixes(session, uri, diagnostic, [removeX]);
    assert.equal(rest.length, 0);
    assert.equal(action.title, 'Remove the stray x');
    assert.equal(action.kind, 'quickfix');
    assert.equal(action.isPreferred, true);
    assert.deepEqual(action.diagnostics?.map((d) => d.code), ['KCG2001']);
    assert.deepEqual(action.edit?.documentChanges, [
      {
        textDocument: { uri, version: 1 },
        // The emoji is two UTF-16 units: ' x' starts at character 9 of line 3.
        edits: [{ range: { start: { line: 3, character: 9 }, end: { line: 3, character: 11 } }, newText: '' }],
      },
    ]);
  });

  it('creates a new file next to the checked one, then fills it', async () => {
    const uri = 'file:///virtual/dir/flags.yaml';
    const diagnostic = await openWithPublishedDiagnostic(session, uri);
    const [action] = await requestFixes(session, uri, diagnostic, [migrate]);
    assert.deepEqual(action.edit?.documentChanges, [
      { kind: 'create', uri: 'file:///virtual/dir/authn/config.yaml' },
      {
        textDocument: { uri: 'file:///virtual/dir/authn/config.yaml', version: null },
        edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'apiVersion: apiserver.config.k8s.io/v1\n' }],
      },
      {
        textDocument: { uri, version: 1 },
        edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# migrated\n' }],
      },
    ]);
  });

  it('drops malformed fixes and edits outside the text, keeping the good ones', async () => {
    const uri = 'file:///virtual/malformed.yaml';
    const diagnostic = await openWithPublishedDiagnostic(session, uri);
    const actions = await requestFixes(session, uri, diagnostic, [
      { title: 'past the end', edits: [{ start: 0, end: TEXT.length + 5, newText: '' }] },
      { title: 42, edits: [] },
      'nonsense',
      removeX,
    ]);
    assert.deepEqual(actions.map((a) => a.title), ['Remove the stray x']);
  });

  it('offers nothing once the document changed after the diagnostics were published', async () => {
    const uri = 'file:///virtual/stale.yaml';
    const diagnostic = await openWithPublishedDiagnostic(session, uri);
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# shifted\n' }],
    });
    assert.deepEqual(await requestFixes(session, uri, diagnostic, [removeX]), []);
  });
});

describe('quick fixes for a client without documentChanges', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start({ capabilities: { workspace: { configuration: true } } });
  });
  after(async () => session.close());

  it('uses plain `changes`, and leaves out fixes that need to create a file', async () => {
    const uri = 'file:///virtual/plain.yaml';
    const diagnostic = await openWithPublishedDiagnostic(session, uri);
    const actions = await requestFixes(session, uri, diagnostic, [removeX, migrate]);
    assert.equal(actions.length, 1);
    assert.deepEqual(actions[0].edit, {
      changes: { [uri]: [{ range: { start: { line: 3, character: 9 }, end: { line: 3, character: 11 } }, newText: '' }] },
    });
  });
});

// A pod template whose volume mount sets recursiveReadOnly on a writable mount: the engine reports
// it with fixes. The test stays generic (any diagnostic that carries fixes), as a user would:
// take the quick-fix, apply it, and see that problem go away.
const WITH_ENGINE_FIX = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: busybox:1.36
          volumeMounts:
            - name: data
              mountPath: /data
              recursiveReadOnly: Enabled
      volumes:
        - name: data
          hostPath: {path: /mnt}
`;

describe('quick fixes computed by the engine, end to end', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start();
  });
  after(async () => session.close());

  it('offers the fix of a published diagnostic; applying it removes that problem', async () => {
    const uri = 'file:///virtual/deployment.yaml';
    await session.open(uri, WITH_ENGINE_FIX);
    const published = await session.diagnostics(uri, (p) => p.diagnostics.some((d) => hasFixes(d.data)));
    const target = published.diagnostics.find((d) => hasFixes(d.data))!;

    const actions = (await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    assert.ok(actions.length > 0, 'the fix is offered');
    assert.equal(actions[0].kind, 'quickfix');
    const [change] = actions[0].edit!.documentChanges as TextDocumentEdit[];
    assert.deepEqual(change.textDocument, { uri, version: 1 });

    const before = TextDocument.create(uri, 'yaml', 1, WITH_ENGINE_FIX);
    const fixed = TextDocument.applyEdits(before, change.edits as { range: TextDocumentEdit['edits'][0]['range']; newText: string }[]);
    await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await session.diagnostics(uri, (p) => p.version === 2);
    assert.ok(
      !after.diagnostics.some((d) => d.code === target.code && d.range.start.line === target.range.start.line),
      `${target.code} is gone after the fix: ${JSON.stringify(after.diagnostics)}`,
    );
  });
});

const MISMATCHED_POLICY = `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata:
  name: Add-Label
spec:
  mutations:
  - patchType: JSONPatch
    applyConfiguration:
      expression: 'Object{metadata: Object.metadata{labels: {"a": "b"}}}'
`;

describe('quick fixes for admission policy names and mutation patch types, over LSP', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start();
  });
  after(async () => session.close());

  it('publishes KCG2106 and KCG2004 at their values and keys; the quick-fixes lowercase the name and set the patchType', async () => {
    const uri = 'file:///virtual/mutating.yaml';
    await session.open(uri, MISMATCHED_POLICY);
    const published = await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const doc = TextDocument.create(uri, 'yaml', 1, MISMATCHED_POLICY);
    const rangeOf = (needle: string) => ({ start: doc.positionAt(MISMATCHED_POLICY.indexOf(needle)), end: doc.positionAt(MISMATCHED_POLICY.indexOf(needle) + needle.length) });
    assert.deepEqual(published.diagnostics.map((d) => [d.code, d.severity, d.range, (d.message as string).split(': ').slice(0, 2).join(': ')]), [
      ['KCG2106', 1, rangeOf('Add-Label'), 'metadata.name: Invalid value'],
      ['KCG2004', 1, rangeOf('JSONPatch'), 'spec.mutations[0].jsonPatch: Required value'],
      ['KCG2004', 1, rangeOf('applyConfiguration'), 'spec.mutations[0].applyConfiguration: Invalid value'],
    ]);
    const fixesFor = async (d: Diagnostic) => (await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri }, range: d.range, context: { diagnostics: [d] },
    })) as CodeAction[];
    const [lower] = await fixesFor(published.diagnostics[0]);
    const [setType] = await fixesFor(published.diagnostics[1]);
    assert.deepEqual([lower.title, lower.isPreferred], ["Change to 'add-label'", true]);
    assert.deepEqual((lower.edit!.documentChanges as TextDocumentEdit[])[0].edits, [{ range: rangeOf('Add-Label'), newText: 'add-label' }]);
    assert.equal(setType.title, 'Set patchType to ApplyConfiguration');
    assert.deepEqual((setType.edit!.documentChanges as TextDocumentEdit[])[0].edits, [{ range: rangeOf('JSONPatch'), newText: 'ApplyConfiguration' }]);

    const edits = [lower, setType].flatMap((a) => (a.edit!.documentChanges as TextDocumentEdit[])[0].edits) as { range: TextDocumentEdit['edits'][0]['range']; newText: string }[];
    const fixed = TextDocument.applyEdits(doc, edits);
    await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await session.diagnostics(uri, (p) => p.version === 2);
    assert.deepEqual(after.diagnostics, []);
  });
});

describe('quick fixes for a client that does not send diagnostic data back', () => {
  it('finds the fixes of the published diagnostic with the same code and range', async () => {
    const session = await LspSession.start();
    try {
      const uri = 'file:///virtual/no-data.yaml';
      await session.open(uri, WITH_ENGINE_FIX);
      const published = await session.diagnostics(uri, (p) => p.diagnostics.some((d) => hasFixes(d.data)));
      const { data: _dropped, ...withoutData } = published.diagnostics.find((d) => hasFixes(d.data))!;
      const actions = (await session.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: withoutData.range,
        context: { diagnostics: [withoutData] },
      })) as CodeAction[];
      assert.ok(actions.length > 0);
      assert.equal(actions[0].kind, 'quickfix');
    } finally {
      await session.close();
    }
  });
});

function hasFixes(data: unknown): boolean {
  const fixes = (data as { fixes?: unknown } | undefined)?.fixes;
  return Array.isArray(fixes) && fixes.length > 0;
}

const OPTIONAL_FIELD_POLICY = `${vap({ name: 'replicas', apiGroup: 'apps', resource: 'deployments', operations: ['CREATE', 'UPDATE'] }, '')}  validations:
  - expression: "object.spec.replicas <= 5"
`;

describe('refactorings on request: guarding an optional field', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start();
  });
  after(async () => session.close());

  const request = (uri: string, only?: string[]) => {
    const line = OPTIONAL_FIELD_POLICY.split('\n').findIndex((l) => l.includes('replicas <='));
    const character = OPTIONAL_FIELD_POLICY.split('\n')[line].indexOf('replicas') + 2;
    const position = { line, character };
    return session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: position, end: position },
      context: only ? { diagnostics: [], only } : { diagnostics: [] },
    }) as Promise<CodeAction[]>;
  };

  it('advertises refactor.rewrite next to quickfix', () => {
    const provider = session.initializeResult?.capabilities.codeActionProvider;
    assert.deepEqual(typeof provider === 'object' ? provider.codeActionKinds : undefined, ['quickfix', 'refactor.rewrite']);
  });

  it("returns the refactorings for only: ['refactor'] (and without only), not for only: ['quickfix']", async () => {
    const uri = 'file:///virtual/optional-field.yaml';
    await session.open(uri, OPTIONAL_FIELD_POLICY);
    await session.diagnostics(uri);
    const actions = await request(uri, ['refactor']);
    assert.deepEqual(actions.map((a) => [a.kind, a.title]), [
      ['refactor.rewrite', 'Guard with has(): skip the rule when object.spec.replicas is absent'],
      ['refactor.rewrite', 'Use optional selection: object.spec.?replicas.orValue(0)'],
    ]);
    const [change] = actions[1].edit!.documentChanges as TextDocumentEdit[];
    assert.deepEqual(change.textDocument, { uri, version: 1 });
    const edited = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, OPTIONAL_FIELD_POLICY), change.edits as { range: TextDocumentEdit['edits'][0]['range']; newText: string }[]);
    assert.ok(edited.includes('expression: "object.spec.?replicas.orValue(0) <= 5"'));
    assert.equal((await request(uri)).length, 2);
    assert.deepEqual(await request(uri, ['quickfix']), []);
  });
});
