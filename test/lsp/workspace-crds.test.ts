import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sep, join } from 'node:path';
import { WorkspaceCrds } from '../../server/src/features/workspaceIndex.js';

function crd(kind: string, field: string): string {
  const plural = kind.toLowerCase() + 's';
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: ${kind}, plural: ${plural}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            ${field}: {type: string}
`;
}

const widgetFields = (crds: WorkspaceCrds) =>
  Object.keys((crds.index().crdSchema('example.com', 'v1', 'Widget') as { properties?: object } | undefined)?.properties ?? {});

describe('the editor\'s CRD index (WorkspaceCrds)', () => {
  const file = join(sep, 'ws', 'crds', 'widget.yaml');

  it('serves the schemas of CRDs found on disk, by kind and by resource', () => {
    const crds = new WorkspaceCrds();
    crds.replaceDisk([{ path: file, text: crd('Widget', 'size') }, { path: join(sep, 'ws', 'app.yaml'), text: 'kind: ConfigMap\n' }]);
    assert.deepEqual(widgetFields(crds), ['size']);
    assert.deepEqual(crds.index().crdKindsForResource('example.com', 'v1', 'widgets'), ['Widget']);
  });

  it('lets an open editor\'s unsaved text win over the disk, and the disk return when it closes', () => {
    const crds = new WorkspaceCrds();
    crds.replaceDisk([{ path: file, text: crd('Widget', 'size') }]);
    assert.equal(crds.setOpen(file, crd('Widget', 'colour')), true);
    assert.deepEqual(widgetFields(crds), ['colour']);
    // The CRD was cut in the editor: its schema is gone although the file on disk still has it.
    assert.equal(crds.setOpen(file, 'kind: ConfigMap\n'), true);
    assert.deepEqual(widgetFields(crds), []);
    assert.equal(crds.closeOpen(file), true);
    assert.deepEqual(widgetFields(crds), ['size']);
  });

  it('ignores edits of ordinary manifests (no re-index, no re-check of open files)', () => {
    const crds = new WorkspaceCrds();
    assert.equal(crds.setOpen('untitled:Untitled-1', 'kind: ConfigMap\n'), false);
    assert.equal(crds.setDisk(join(sep, 'ws', 'app.yaml'), 'kind: ConfigMap\n'), false);
  });

  it('forgets every CRD under a deleted folder', () => {
    const crds = new WorkspaceCrds();
    crds.replaceDisk([{ path: file, text: crd('Widget', 'size') }]);
    assert.equal(crds.deleteDisk(join(sep, 'ws', 'crds'), sep), true);
    assert.equal(crds.index().crdSchema('example.com', 'v1', 'Widget'), undefined);
    assert.equal(crds.deleteDisk(join(sep, 'ws', 'crds'), sep), false);
  });
});
