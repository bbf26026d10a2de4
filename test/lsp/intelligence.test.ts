/**
 * Hover, completion and semantic tokens over the protocol: the server advertises them, converts
 * positions (UTF-16, with a non-BMP character before the CEL to prove it) and encodes tokens.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompletionItemKind,
  CompletionRequest,
  HoverRequest,
  InsertTextFormat,
  InsertTextMode,
  SemanticTokensRequest,
  type CompletionItem,
  type Hover,
  type MarkupContent,
  type SemanticTokens,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspSession } from './lspHarness.js';
import { vap } from '../fixtures/k8s.js';

const URI = 'file:///intelligence/policy.yaml';
const TEXT = `# 😀 policy
${vap({ name: 'replicas', apiGroup: 'apps', resource: 'deployments' }, '')}  validations:
  - expression: "object.spec.replicas <= 5"
  - expression: object.spec.
`;
const doc = TextDocument.create(URI, 'yaml', 1, TEXT);
const positionOf = (needle: string, delta = 0) => doc.positionAt(TEXT.indexOf(needle) + delta);

describe('editor intelligence over LSP', () => {
  let session: LspSession;
  let capabilities: Record<string, unknown>;
  before(async () => {
    session = await LspSession.start();
    capabilities = (session.initializeResult?.capabilities ?? {}) as Record<string, unknown>;
    await session.open(URI, TEXT);
  });
  after(async () => session.close());

  it('advertises hover, completion on "." and full semantic tokens with a legend', () => {
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual((capabilities.completionProvider as { triggerCharacters: string[] }).triggerCharacters, ['.']);
    const tokens = capabilities.semanticTokensProvider as { full: boolean; legend: { tokenTypes: string[] } };
    assert.equal(tokens.full, true);
    assert.deepEqual(tokens.legend.tokenTypes, ['variable', 'property', 'function', 'method', 'macro', 'keyword', 'string', 'number', 'operator']);
  });

  it('hover on a field: type, description, range of the field name', async () => {
    const hover = (await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: positionOf('replicas <=', 2) })) as Hover;
    assert.match((hover.contents as MarkupContent).value, /^```cel\nreplicas: int\n```\n\nNumber of desired pods/);
    assert.deepEqual(hover.range, { start: positionOf('replicas <='), end: positionOf('replicas <=', 8) });
  });

  it('completion after a half-typed `object.spec.` lists the DeploymentSpec fields as field items', async () => {
    const items = (await session.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: URI },
      position: positionOf('object.spec.\n', 12),
      context: { triggerKind: 2, triggerCharacter: '.' },
    })) as CompletionItem[];
    const fields = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);
    assert.deepEqual(fields, ['minReadySeconds', 'paused', 'progressDeadlineSeconds', 'replicas', 'revisionHistoryLimit', 'selector', 'strategy', 'template']);
    const replicas = items.find((i) => i.label === 'replicas')!;
    assert.equal(replicas.kind, CompletionItemKind.Field);
    assert.equal(replicas.detail, 'int');
    assert.deepEqual((replicas.textEdit as TextEdit).range, { start: positionOf('object.spec.\n', 12), end: positionOf('object.spec.\n', 12) });
    assert.equal(replicas.insertTextFormat, undefined);
  });

  it('macro completions are snippets', async () => {
    const text = TEXT.replace('object.spec.\n', 'object.spec.template.spec.containers.\n');
    await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text }] });
    const changed = TextDocument.create(URI, 'yaml', 2, text);
    const items = (await session.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: URI },
      position: changed.positionAt(text.indexOf('containers.\n') + 11),
    })) as CompletionItem[];
    const all = items.find((i) => i.label === 'all')!;
    assert.equal(all.kind, CompletionItemKind.Snippet);
    assert.equal(all.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal((all.textEdit as TextEdit).newText, 'all(${1:x}, ${2:predicate})');
    await session.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: TEXT }] });
  });

  it('completion in an empty `expression:` offers the environment; the edit brings the space and quotes literals', async () => {
    const uri = 'file:///intelligence/empty.yaml';
    const text = TEXT.replace('  - expression: object.spec.\n', '  - expression:\n    messageExpression: >-\n');
    const empty = TextDocument.create(uri, 'yaml', 1, text);
    await session.open(uri, text);
    const at = empty.positionAt(text.indexOf('  - expression:\n') + '  - expression:'.length);
    const items = (await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at })) as CompletionItem[];
    const variables = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!)).filter((i) => i.kind === CompletionItemKind.Variable);
    assert.deepEqual(variables.map((i) => [i.label, i.detail]), [
      ['object', 'apps/v1 Deployment'], ['oldObject', 'apps/v1 Deployment'], ['request', 'kubernetes.AdmissionRequest'],
      ['namespaceObject', 'kubernetes.Namespace'], ['authorizer', 'kubernetes.authorization.Authorizer'], ['variables', 'kubernetes.variables'],
    ]);
    assert.match((variables[0].documentation as MarkupContent).value, /^The object from the incoming request/);
    assert.deepEqual(variables[0].textEdit, { range: { start: at, end: at }, newText: ' object' });
    assert.deepEqual(items.find((i) => i.label === 'true')!.textEdit, { range: { start: at, end: at }, newText: ' "true"' });
    const has = items.find((i) => i.label === 'has')!;
    assert.equal(has.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal((has.textEdit as TextEdit).newText, ' has(${1:object.field})');

    // On the header of an empty `>-` block the item starts the block's first line, indented as is.
    const header = empty.positionAt(text.indexOf('messageExpression: >-') + 'messageExpression: >-'.length);
    const inBlock = (await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: header })) as CompletionItem[];
    const object = inBlock.find((i) => i.label === 'object')!;
    assert.deepEqual(object.textEdit, { range: { start: header, end: header }, newText: '\n      object' });
    assert.equal(object.insertTextMode, InsertTextMode.asIs);
    assert.ok(!inBlock.some((i) => i.label === 'authorizer'), 'messageExpression has no authorizer');
  });

  it('semantic tokens decode to the CEL tokens of the file', async () => {
    const result = (await session.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: URI } })) as SemanticTokens;
    const types = ['variable', 'property', 'function', 'method', 'macro', 'keyword', 'string', 'number', 'operator'];
    const decoded: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < result.data.length; i += 5) {
      const [dl, dc, len, type] = result.data.slice(i, i + 4);
      line += dl;
      char = dl === 0 ? char + dc : dc;
      const start = doc.offsetAt({ line, character: char });
      decoded.push(`${TEXT.slice(start, start + len)}:${types[type]}`);
    }
    // The second expression is half-typed: what is there is still coloured.
    assert.deepEqual(decoded, ['object:variable', 'spec:property', 'replicas:property', '<=:operator', '5:number', 'object:variable', 'spec:property']);
  });
});
