import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentValidator } from '../../server/src/features/validation.js';
import { EMPTY_WORKSPACE } from '../../server/src/engine/analyze.js';

const POLICY = (n: number) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: p${n}
spec:
  validations:
  - expression: object.spec.replicas <= ${n}
`;

/** A validator over one document whose publishes are recorded with the time since the last edit. */
function harness(text: string) {
  let document = TextDocument.create('file:///w/p.yaml', 'yaml', 1, text);
  const publishes: { version: number | undefined; afterEditMs: number }[] = [];
  let editedAt = performance.now();
  const validator = new DocumentValidator(
    {
      document: () => document,
      publish: (_uri, version) => {
        publishes.push({ version, afterEditMs: performance.now() - editedAt });
      },
      log: () => {},
    },
    { kubernetesVersion: '1.35' },
    EMPTY_WORKSPACE,
  );
  validator.start();
  const published = (version: number) =>
    new Promise<{ afterEditMs: number }>((resolve, reject) => {
      const deadline = Date.now() + 20_000;
      const poll = () => {
        const hit = publishes.find((p) => p.version === version);
        if (hit) resolve(hit);
        else if (Date.now() > deadline) reject(new Error(`no publish of version ${version}`));
        else setTimeout(poll, 1);
      };
      poll();
    });
  return {
    validator,
    published,
    edit(newText: string) {
      document = TextDocument.create(document.uri, 'yaml', document.version + 1, newText);
      editedAt = performance.now();
      validator.schedule(document.uri);
      return document.version;
    },
  };
}

describe('debounce after edits', () => {
  test('the first edit after opening a large file waits the minimum, not the cost of the first check', async () => {
    // The first check of 300 policies takes far longer than 150 ms; re-checking one is cheap.
    const docs = Array.from({ length: 300 }, (_, i) => POLICY(i));
    const h = harness(docs.join('---\n'));
    h.validator.schedule('file:///w/p.yaml');
    await h.published(1);
    docs[150] = POLICY(9999);
    // Before, this waited 2× the first check's time, capped at 150 ms.
    assert.equal(h.validator.delayFor('file:///w/p.yaml'), 5);
    const version = h.edit(docs.join('---\n'));
    await h.published(version);
    // Re-checking one policy is far cheaper than a keystroke gap: the next edit waits the floor too.
    assert.equal(h.validator.delayFor('file:///w/p.yaml'), 5);
  });

  test('a file whose re-check is costly coalesces keystrokes: it waits twice that, at most 150 ms', async () => {
    // One document with 1,500 expressions: every edit re-checks all of them.
    const validations = Array.from({ length: 1500 }, (_, i) => `  - expression: object.spec.replicas <= ${i} && object.metadata.name.startsWith('a${i}')`).join('\n');
    const text = `${POLICY(0).replace(/  validations:[\s\S]*/, '')}  matchConstraints:\n    resourceRules:\n    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}\n  validations:\n${validations}\n`;
    const h = harness(text);
    h.validator.schedule('file:///w/p.yaml');
    await h.published(1);
    const version = h.edit(text.replace('<= 7 ', '<= 8 '));
    await h.published(version);
    const delay = h.validator.delayFor('file:///w/p.yaml');
    assert.ok(delay > 5 && delay <= 150, `waits ${delay} ms`);
  });
});

describe('after publishing', () => {
  test('the index hears of the checked text only after the diagnostics went out, and only for the version checked', async () => {
    const document = TextDocument.create('file:///w/p.yaml', 'yaml', 1, POLICY(1));
    const events: string[] = [];
    const validator = new DocumentValidator(
      {
        document: () => document,
        publish: (_uri, version) => {
          events.push(`publish ${version}`);
          // The connection writes a notification from a microtask of this task.
          queueMicrotask(() => events.push('written'));
        },
        checked: (_uri, text) => events.push(`checked ${text === document.getText()}`),
        log: () => {},
      },
      { kubernetesVersion: '1.35' },
      EMPTY_WORKSPACE,
    );
    validator.start();
    validator.schedule(document.uri);
    const deadline = Date.now() + 20_000;
    while (!events.includes('checked true') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    // The index's read of the file waits for a later task, so it cannot hold back the write.
    assert.deepEqual(events, ['publish 1', 'written', 'checked true']);
  });
});
