import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DefinitionRequest, ReferencesRequest, type Location } from 'vscode-languageserver/node';
import { LspSession } from './lspHarness.js';

const POLICY_URI = 'file:///virtual/policy.yaml';
const BINDING_URI = 'file:///virtual/binding.yaml';
const POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replica-limit
spec:
  variables:
  - name: replicas
    expression: object.spec.replicas
  validations:
  - expression: "variables.replicas <= 5 || variables.replicas == 0"
`;
const BINDING = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: b
spec:
  policyName: replica-limit
  validationActions: [Deny]
`;

/** LSP position (0-based line, UTF-16 character) of the n-th `needle` plus `within`. */
function position(text: string, needle: string, n = 0, within = 0) {
  let offset = -1;
  for (let k = 0; k <= n; k++) offset = text.indexOf(needle, offset + 1);
  const before = text.slice(0, offset + within).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('go to definition and references over LSP', () => {
  let session: LspSession;
  before(async () => {
    session = await LspSession.start();
    await session.open(POLICY_URI, POLICY);
    await session.open(BINDING_URI, BINDING);
    await session.diagnostics(BINDING_URI);
  });
  after(async () => session.close());

  it('announces both providers', () => {
    assert.equal(session.initializeResult?.capabilities.definitionProvider, true);
    assert.equal(session.initializeResult?.capabilities.referencesProvider, true);
  });

  it('jumps from variables.<name> to the variable declaration', async () => {
    const result = (await session.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: POLICY_URI },
      position: position(POLICY, 'variables.replicas', 1, 12),
    })) as Location[];
    assert.deepEqual(result, [{ uri: POLICY_URI, range: { start: { line: 6, character: 10 }, end: { line: 6, character: 18 } } }]);
  });

  it("jumps from a binding's policyName to the policy in another open file", async () => {
    // The workspace index picks up open editors after a short debounce.
    const deadline = Date.now() + 5000;
    let result: Location[] = [];
    while (result.length === 0 && Date.now() < deadline) {
      result = (await session.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri: BINDING_URI },
        position: position(BINDING, 'replica-limit', 0, 2),
      })) as Location[];
      if (result.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(result, [{ uri: POLICY_URI, range: { start: { line: 3, character: 8 }, end: { line: 3, character: 21 } } }]);
  });

  it('lists the references of a variable, declaration included on request', async () => {
    const result = (await session.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: POLICY_URI },
      position: position(POLICY, 'name: replicas', 0, 8),
      context: { includeDeclaration: true },
    })) as Location[];
    const at = (needle: string, n: number, within: number) => {
      const p = position(POLICY, needle, n, within);
      return [p.line, p.character, p.character + 'replicas'.length];
    };
    assert.deepEqual(result.map((l) => [l.range.start.line, l.range.start.character, l.range.end.character]), [
      at('name: replicas', 0, 6), at('variables.replicas', 0, 10), at('variables.replicas', 1, 10),
    ]);
  });
});

describe('bindings follow the policies of open files', () => {
  const has2101 = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.some((d) => d.code === 'KCG2101');

  it('a binding in the same file as its policy ends up with no "not in the workspace" note', async () => {
    const session = await LspSession.start();
    try {
      const uri = 'file:///virtual/together.yaml';
      await session.open(uri, `${BINDING}---\n${POLICY}`);
      const settled = await session.diagnostics(uri, (p) => !has2101(p));
      assert.deepEqual(settled.diagnostics, []);
    } finally {
      await session.close();
    }
  });

  it('opening the policy file clears the note on a binding opened before it, and closing it brings it back', async () => {
    const session = await LspSession.start();
    try {
      await session.open(BINDING_URI, BINDING);
      const lonely = await session.diagnostics(BINDING_URI, has2101);
      assert.match(lonely.diagnostics[0]!.message as string, /replica-limit/);
      const mark = session.mark();
      await session.open(POLICY_URI, POLICY);
      await session.diagnostics(BINDING_URI, (p) => !has2101(p), 10_000, mark);
      const closed = session.mark();
      await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: POLICY_URI } });
      await session.diagnostics(BINDING_URI, has2101, 10_000, closed);
    } finally {
      await session.close();
    }
  });
});
