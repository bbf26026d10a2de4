import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdsFromText } from '../../server/src/schemas/crds.js';
import { combinedSource, createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';
import { bundledSchemas } from '../../server/src/schemas/registry.js';
import { restMapperKindsFor } from '../../server/src/schemas/restMapper.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const gatewayDir = path.join(repoRoot, '..', 'shared', 'corpus', 'crds', 'gateway-api', 'standard');

function gatewayFiles(): Array<{ path: string; text: string }> {
  return fs
    .readdirSync(gatewayDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ path: path.join(gatewayDir, f), text: fs.readFileSync(path.join(gatewayDir, f), 'utf8') }));
}

const SMALL_CRD = `# leading comment
apiVersion: v1
kind: ConfigMap
metadata: { name: not-a-crd }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Cluster
  names:
    kind: Widget
    plural: widgets
    singular: widget
    shortNames: [wd]
    listKind: WidgetList
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: { type: integer }
  - name: v1alpha1
    served: false
    storage: false
    schema:
      openAPIV3Schema: { type: object }
`;

test('crdsFromText reads names, scope, versions and schemas of v1 CRDs only', () => {
  const crds = crdsFromText(SMALL_CRD);
  assert.equal(crds.length, 1);
  const [crd] = crds;
  assert.equal(crd.group, 'example.com');
  assert.deepEqual(crd.names, { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList', shortNames: ['wd'] });
  assert.equal(crd.scope, 'Cluster');
  assert.deepEqual(
    crd.versions.map((v) => [v.name, v.served, v.storage]),
    [
      ['v1', true, true],
      ['v1alpha1', false, false],
    ],
  );
  assert.equal(crd.versions[0].schema?.properties.spec.properties.size.type, 'integer');
  assert.equal(SMALL_CRD.slice(crd.offset, crd.offset + 3), '---');
  assert.deepEqual(crdsFromText(SMALL_CRD.replace('apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1')), []);
});

test('crdsFromText never throws on broken or hostile input', () => {
  assert.deepEqual(crdsFromText(''), []);
  assert.deepEqual(crdsFromText('kind: CustomResourceDefinition\n  bad: [indent'), []);
  assert.deepEqual(crdsFromText('kind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\nspec: 3'), []);
  assert.deepEqual(crdsFromText(undefined as unknown as string), []);
  // A billion-laughs document is refused by the alias limit rather than expanded.
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(', ')}]`);
  const t0 = Date.now();
  assert.deepEqual(crdsFromText(`apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n${laughs.join('\n')}\n`), []);
  assert.ok(Date.now() - t0 < 2000);
  // A broken document does not hide a good one next to it.
  assert.equal(crdsFromText(`kind: CustomResourceDefinition\n  x: [\n${SMALL_CRD}`).length, 1);
});

test('gateway-api CRDs: httproutes → HTTPRoute, schema by version, combined with built-ins', () => {
  const index = createWorkspaceIndex(gatewayFiles());
  assert.ok(index.crds.length >= 5);
  assert.deepEqual(index.crdKindsForResource('gateway.networking.k8s.io', 'v1', 'httproutes'), ['HTTPRoute']);
  assert.deepEqual(index.crdKindsForResource('gateway.networking.k8s.io', 'v1', 'httproute'), ['HTTPRoute']);
  assert.deepEqual(index.crdKindsForResource('gateway.networking.k8s.io', 'v9', 'httproutes'), []);
  const schema = index.crdSchema('gateway.networking.k8s.io', 'v1', 'HTTPRoute');
  assert.equal(schema?.type, 'object');
  assert.equal(schema?.properties.spec.properties.hostnames.type, 'array');
  const route = index.crds.find((c) => c.names.kind === 'HTTPRoute');
  assert.equal(route?.scope, 'Namespaced');
  assert.ok(route?.path?.endsWith('gateway.networking.k8s.io_httproutes.yaml'));

  const combined = combinedSource(bundledSchemas('1.35'), index);
  assert.deepEqual(combined.kindsForResource('gateway.networking.k8s.io', 'v1', 'httproutes'), ['HTTPRoute']);
  assert.deepEqual(combined.kindsForResource('apps', 'v1', 'deployments'), ['Deployment']);
  assert.equal(combined.schemaForKind('gateway.networking.k8s.io', 'v1', 'HTTPRoute'), schema);
  assert.ok(combined.schemaForKind('apps', 'v1', 'Deployment'));
  assert.equal(combined.isNamespaced('gateway.networking.k8s.io', 'v1', 'HTTPRoute'), true);
  assert.equal(combined.isNamespaced('gateway.networking.k8s.io', 'v1', 'GatewayClass'), false);
  const kinds = combined.listKinds().map((k) => `${k.group}/${k.version}/${k.kind}`);
  assert.ok(kinds.includes('gateway.networking.k8s.io/v1/HTTPRoute'));
  assert.ok(kinds.includes('/v1/Pod'));
  assert.deepEqual(restMapperKindsFor(combined, 'gateway.networking.k8s.io', 'v1', 'httproutes'), [
    { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'HTTPRoute' },
  ]);
});

test('unserved versions have a schema but no resource mapping; first definition of a kind wins', () => {
  const second = SMALL_CRD.replace('size: { type: integer }', 'size: { type: string }');
  const index = createWorkspaceIndex([
    { path: 'a.yaml', text: SMALL_CRD },
    { path: 'b.yaml', text: second },
  ]);
  assert.equal(index.crds.length, 1);
  assert.equal(index.crds[0].path, 'a.yaml');
  assert.equal((index.crdSchema('example.com', 'v1', 'Widget') as any).properties.spec.properties.size.type, 'integer');
  assert.ok(index.crdSchema('example.com', 'v1alpha1', 'Widget'));
  assert.deepEqual(index.crdKindsForResource('example.com', 'v1alpha1', 'widgets'), []);
  const combined = combinedSource(bundledSchemas('1.35'), index);
  assert.equal(combined.isNamespaced('example.com', 'v1', 'Widget'), false);
  assert.deepEqual(
    combined.listResources().filter((r) => r.group === 'example.com'),
    [{ group: 'example.com', version: 'v1', kind: 'Widget', resource: 'widgets', namespaced: false, singular: 'widget' }],
  );
});
