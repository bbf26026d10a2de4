import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { SIZEE, UNDEFINED_FIELD_CODE, WIDGET_POLICY, widgetCrd } from './crdFixtures.js';
import { LspSession } from './lspHarness.js';

/** Whether the policy's misspelt field is reported: only possible when the CRD is indexed. */
const flagsSizee = (p: PublishDiagnosticsParams) =>
  p.diagnostics.some((d) => d.code === UNDEFINED_FIELD_CODE && d.range.start.line === SIZEE.line && d.range.start.character === SIZEE.character);

function tempDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kcg-ws-'));
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(join(root, relative, '..'), { recursive: true });
    writeFileSync(join(root, relative), text);
  }
  return root;
}

const folderOf = (root: string) => [{ uri: pathToFileURL(root).href, name: 'ws' }];
const uriOf = (...parts: string[]) => pathToFileURL(join(...parts)).href;

describe('workspace CRD index in the language server', () => {
  let root: string;
  before(() => {
    root = tempDir({
      'crds/widget.yaml': widgetCrd(),
      'apps/app.yml': 'kind: ConfigMap\n',
      'notes.txt': widgetCrd(),
      // Never read: dependencies, VCS data, and a file over the 5 MB bound.
      'node_modules/pkg/crd.yaml': widgetCrd(),
      '.git/crd.yaml': widgetCrd(),
      'huge.yaml': widgetCrd() + '#'.repeat(6 * 1024 * 1024),
    });
    // A folder symlink cycle must not hang the walk.
    symlinkSync(root, join(root, 'apps', 'loop'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('scans the workspace folders (bounded) and checks a policy against a CRD that is not open', async () => {
    const session = await LspSession.start({ workspaceFolders: folderOf(root) });
    try {
      assert.equal(await session.log(/scanned/), 'kube-cel-guard: scanned 2 YAML file(s); 1 define CRDs');
      assert.ok(session.logs.some((m) => /skipped 1 YAML file\(s\) over 5 MB/.test(m)));
      const uri = uriOf(root, 'apps', 'policy.yaml');
      await session.open(uri, WIDGET_POLICY);
      await session.diagnostics(uri, flagsSizee);
    } finally {
      await session.close();
    }
  });

  it('does not read the workspace when it is untrusted, and still checks open files', async () => {
    const session = await LspSession.start({ workspaceFolders: folderOf(root), initializationOptions: { trusted: false } });
    try {
      await session.log(/untrusted workspace: checking open files only/);
      assert.ok(!session.logs.some((m) => /scanned/.test(m)));
      const uri = uriOf(root, 'apps', 'policy.yaml');
      await session.open(uri, WIDGET_POLICY + 'broken: [\n');
      const published = await session.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'KCG2001'));
      assert.equal(flagsSizee(published), false, 'the CRD on disk was not read');
    } finally {
      await session.close();
    }
  });
});

describe('CRDs from open editors, crdPaths and file events', () => {
  it('indexes a CRD opened in the editor, and follows its unsaved edits', async () => {
    const session = await LspSession.start();
    try {
      const policy = 'file:///virtual/policy.yaml';
      const crd = 'file:///virtual/crd.yaml';
      await session.open(crd, widgetCrd(['size']));
      await session.open(policy, WIDGET_POLICY);
      await session.diagnostics(policy, flagsSizee);
      // Adding the field to the CRD (unsaved) makes the policy's expression valid.
      const mark = session.mark();
      await session.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: crd, version: 2 },
        contentChanges: [{ text: widgetCrd(['size', 'sizee']) }],
      });
      await session.diagnostics(policy, (p) => !flagsSizee(p), 10_000, mark);
    } finally {
      await session.close();
    }
  });

  it('reads crdPaths outside the workspace, and re-reads when the setting changes', async () => {
    const outside = tempDir({ 'widget.yaml': widgetCrd() });
    const session = await LspSession.start({ settings: { crdPaths: [] } });
    try {
      const policy = 'file:///virtual/policy.yaml';
      await session.open(policy, WIDGET_POLICY);
      const first = await session.diagnostics(policy);
      assert.equal(flagsSizee(first), false);
      session.settings.current = { crdPaths: [outside] };
      const mark = session.mark();
      await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await session.diagnostics(policy, flagsSizee, 10_000, mark);
    } finally {
      await session.close();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('scans a workspace folder added after startup', async () => {
    const root = tempDir({ 'crds/widget.yaml': widgetCrd() });
    const session = await LspSession.start({
      workspaceFolders: [],
      capabilities: { workspace: { configuration: true, workspaceFolders: true } },
    });
    try {
      const policy = 'file:///virtual/policy.yaml';
      await session.open(policy, WIDGET_POLICY);
      assert.equal(flagsSizee(await session.diagnostics(policy)), false);
      const mark = session.mark();
      await session.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
        event: { added: folderOf(root), removed: [] },
      });
      await session.diagnostics(policy, flagsSizee, 10_000, mark);
    } finally {
      await session.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('picks up a CRD written to disk after startup (workspace/didChangeWatchedFiles)', async () => {
    const root = tempDir({ 'apps/app.yaml': 'kind: ConfigMap\n' });
    const session = await LspSession.start({ workspaceFolders: folderOf(root) });
    try {
      const policy = uriOf(root, 'apps', 'policy.yaml');
      await session.open(policy, WIDGET_POLICY);
      const first = await session.diagnostics(policy);
      assert.equal(flagsSizee(first), false);
      writeFileSync(join(root, 'widget.yaml'), widgetCrd());
      await session.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: uriOf(root, 'widget.yaml'), type: 1 /* Created */ }],
      });
      await session.diagnostics(policy, flagsSizee);
    } finally {
      await session.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
