import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspSession } from './lspHarness.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
`;

describe('workspace scan at startup', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'kcg-ws-'));
    const write = (relative: string, text: string) => {
      mkdirSync(join(root, relative, '..'), { recursive: true });
      writeFileSync(join(root, relative), text);
    };
    write('crds/widget.yaml', CRD);
    write('apps/app.yml', 'kind: ConfigMap\n');
    write('notes.txt', CRD);
    // Never read: dependencies, VCS data, and a file over the 5 MB bound.
    write('node_modules/pkg/crd.yaml', CRD);
    write('.git/crd.yaml', CRD);
    write('huge.yaml', CRD + '#'.repeat(6 * 1024 * 1024));
    // A folder symlink cycle must not hang the walk.
    symlinkSync(root, join(root, 'apps', 'loop'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const folder = () => [{ uri: pathToFileURL(root).href, name: 'ws' }];

  it('reads the workspace YAML (bounded, skipping node_modules, .git and huge files) and still validates', async () => {
    const session = await LspSession.start({ workspaceFolders: folder() });
    try {
      assert.equal(await session.log(/scanned/), 'kube-cel-guard: scanned 2 YAML file(s); 1 define CRDs');
      assert.ok(session.logs.some((m) => /skipped 1 YAML file\(s\) over 5 MB/.test(m)));
      const uri = pathToFileURL(join(root, 'apps', 'broken.yaml')).href;
      await session.open(uri, 'a: [\n');
      const published = await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
      assert.equal(published.diagnostics[0].code, 'KCG2001');
    } finally {
      await session.close();
    }
  });

  it('does not scan an untrusted workspace, and still checks open files', async () => {
    const session = await LspSession.start({ workspaceFolders: folder(), initializationOptions: { trusted: false } });
    try {
      await session.log(/untrusted workspace: checking open files only/);
      assert.ok(!session.logs.some((m) => /scanned/.test(m)));
      const uri = pathToFileURL(join(root, 'apps', 'broken.yaml')).href;
      await session.open(uri, 'a: [\n');
      const published = await session.diagnostics(uri, (p) => p.diagnostics.length > 0);
      assert.equal(published.diagnostics[0].code, 'KCG2001');
    } finally {
      await session.close();
    }
  });
});
