// Runs inside VS Code's extension host (npm run test:vscode, see .vscode-test.mjs). Asserts the same
// findings as the code-server suite, through the vscode API instead of the UI: the expected list
// lives in test/e2e/expectations.mjs. CommonJS because @vscode/test-cli's mocha runner require()s
// test files; the shared ES modules are loaded with import().
const assert = require('node:assert/strict');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vscode = require('vscode');

const EXTENSION_ID = 'kube-cel-guard.kube-cel-guard';
const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function workspaceUri(rel) {
  const root = process.env.KCG_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(root, 'no workspace folder is open');
  return vscode.Uri.file(path.join(root, rel));
}

async function open(rel) {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(rel));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

const codeOf = (d) => (typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code));

function matches(d, f, source) {
  return (
    d.source === source &&
    codeOf(d) === f.code &&
    d.severity === SEVERITY[f.severity] &&
    d.range.start.line === f.line - 1 &&
    d.message.includes(f.message)
  );
}

async function waitForDiagnostic(uri, f, source, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const diags = vscode.languages.getDiagnostics(uri);
    const hit = diags.find((d) => matches(d, f, source));
    if (hit) return hit;
    if (Date.now() > deadline) {
      const seen = diags.map((d) => `${d.range.start.line + 1}: ${codeOf(d)} ${d.message}`).join('\n  ');
      assert.fail(`no ${f.severity} ${f.code} "${f.message}" at ${f.file}:${f.line}; diagnostics:\n  ${seen}`);
    }
    await sleep(250);
  }
}

suite('kube-cel-guard in the VS Code extension host', () => {
  let exp;
  let caps;

  suiteSetup(async () => {
    exp = await import(pathToFileURL(path.join(__dirname, '..', 'e2e', 'expectations.mjs')).href);
    const { serverCapabilities } = await import(pathToFileURL(path.join(__dirname, '..', 'e2e', 'lsp-capabilities.mjs')).href);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    caps = await serverCapabilities(path.join(ext.extensionPath, 'dist', 'server.cjs'));
  });

  test('the expected findings are published for the examples', async () => {
    for (const file of new Set(exp.EXPECTED_FINDINGS.map((f) => f.file))) await open(file);
    for (const f of exp.EXPECTED_FINDINGS) {
      await waitForDiagnostic(workspaceUri(f.file), f, exp.DIAGNOSTIC_SOURCE);
    }
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID).isActive, 'the extension did not activate');
  });

  test('a policy for a custom resource is checked against the workspace CRD', async () => {
    const f = exp.WORKSPACE_CRD_FINDING;
    await open(f.file);
    await waitForDiagnostic(workspaceUri(f.file), f, exp.DIAGNOSTIC_SOURCE);
    await waitForDiagnostic(workspaceUri(f.file), { file: f.file, ...f.always }, exp.DIAGNOSTIC_SOURCE);
  });

  test('kubeCelGuard.crdPaths outside the workspace supplies CRD schemas', async () => {
    const { EXTRA_CRDS } = await import(pathToFileURL(path.join(__dirname, '..', 'e2e', 'workspace.mjs')).href);
    const config = vscode.workspace.getConfiguration('kubeCelGuard');
    await config.update('crdPaths', [EXTRA_CRDS], vscode.ConfigurationTarget.Global);
    try {
      const f = exp.CRD_PATHS_FINDING;
      await open(f.file);
      await waitForDiagnostic(workspaceUri(f.file), { file: f.file, ...f.always }, exp.DIAGNOSTIC_SOURCE);
      await waitForDiagnostic(workspaceUri(f.file), f, exp.DIAGNOSTIC_SOURCE);
    } finally {
      await config.update('crdPaths', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('the recursiveReadOnly quick-fix inserts the key under readOnly', async () => {
    const fix = exp.READONLY_QUICK_FIX;
    const doc = await open(fix.file);
    await waitForDiagnostic(doc.uri, { ...fix, code: 'KCG3001', severity: 'warning' }, exp.DIAGNOSTIC_SOURCE);
    const pos = new vscode.Position(fix.line - 1, fix.column - 1);
    const actions = await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos), vscode.CodeActionKind.QuickFix.value,
    );
    const action = (actions ?? []).find((a) => a.title.startsWith(fix.title));
    assert.ok(action?.edit, `no "${fix.title}" quick-fix; got: ${(actions ?? []).map((a) => a.title).join(' / ')}`);
    const before = doc.getText().split('\n');
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'applyEdit failed');
    before.splice(fix.line, 0, fix.insertedLine);
    assert.equal(doc.getText(), before.join('\n'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('hovering a CEL field shows its type and docs', async function () {
    if (!caps.hoverProvider) this.skip(); // hover is not in this build
    const h = exp.HOVER;
    const doc = await open(h.file);
    await waitForDiagnostic(doc.uri, exp.EXPECTED_FINDINGS[0], exp.DIAGNOSTIC_SOURCE);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(h.line - 1, h.column + 1));
    const text = (hovers ?? []).flatMap((x) => x.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    for (const s of [...h.mustContain, ...h.docsContain]) assert.ok(text.includes(s), `hover lacks "${s}": ${text}`);
  });

  test('completion after `object.spec.` offers `replicas`', async function () {
    if (!caps.completionProvider) this.skip(); // completion is not in this build
    const c = exp.COMPLETION;
    const doc = await open(c.file);
    const editor = vscode.window.activeTextEditor;
    const end = doc.lineAt(c.afterLine - 1).range.end;
    await editor.edit((b) => b.insert(end, `${c.insertText}"`));
    const last = doc.lineAt(c.afterLine + c.insertText.split('\n').length - 2);
    const at = new vscode.Position(last.lineNumber, last.text.length - 1); // before the closing quote
    try {
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, at, '.');
      const labels = (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes(c.mustOffer), `no "${c.mustOffer}" among ${labels.slice(0, 30).join(', ')}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
