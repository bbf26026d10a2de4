import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CelType } from '../../server/src/cel/api.js';
import { schemaForType, schemaToCelType } from '../../server/src/cel/schemaTypes.js';
import { formatType as formatCelType } from '../../server/src/cel/types.js';

function conv(schema: object, opts: Partial<Parameters<typeof schemaToCelType>[1]> = {}): CelType | undefined {
  return schemaToCelType(schema, { rootName: 'self', isResourceRoot: false, ...opts });
}
function fieldsOf(t: CelType | undefined): Map<string, string> {
  assert.ok(t && t.kind === 'object', 'object type expected');
  return new Map([...t.fields()].map(([k, f]) => [k, formatCelType(f.type)]));
}
const fmt = (t: CelType | undefined) => (t ? formatCelType(t) : undefined);

test('§3.1 scalar rows', () => {
  assert.equal(fmt(conv({ type: 'string' })), 'string');
  assert.equal(fmt(conv({ type: 'string', format: 'byte' })), 'bytes');
  assert.equal(fmt(conv({ type: 'string', format: 'duration' })), 'duration');
  assert.equal(fmt(conv({ type: 'string', format: 'date' })), 'timestamp');
  assert.equal(fmt(conv({ type: 'string', format: 'date-time' })), 'timestamp');
  assert.equal(fmt(conv({ type: 'string', format: 'datetime' })), 'string');
  assert.equal(fmt(conv({ type: 'string', format: 'email' })), 'string');
  assert.equal(fmt(conv({ type: 'boolean' })), 'bool');
  assert.equal(fmt(conv({ type: 'number', format: 'float' })), 'double');
  assert.equal(fmt(conv({ type: 'integer', format: 'int32' })), 'int');
  assert.equal(fmt(conv({ type: 'string', nullable: true, enum: ['a'] })), 'string');
});

test('§3.1 int-or-string is dyn, checked before type', () => {
  assert.equal(fmt(conv({ 'x-kubernetes-int-or-string': true })), 'dyn');
  assert.equal(fmt(conv({ type: 'string', format: 'int-or-string' })), 'dyn');
  assert.equal(fmt(conv({ oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' })), 'dyn');
});

test('§3.1 no type → dropped; arrays without items dropped; maps', () => {
  assert.equal(conv({ 'x-kubernetes-preserve-unknown-fields': true }), undefined);
  assert.equal(conv({ type: 'array' }), undefined);
  assert.equal(fmt(conv({ type: 'array', items: { type: 'integer' } })), 'list(int)');
  assert.equal(conv({ type: 'array', items: { 'x-kubernetes-preserve-unknown-fields': true } }), undefined);
  assert.equal(fmt(conv({ type: 'object', additionalProperties: { type: 'string' } })), 'map(string, string)');
  assert.equal(conv({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }] } }), undefined);
  const obj = conv({
    type: 'object',
    properties: {
      a: { type: 'string' },
      free: { 'x-kubernetes-preserve-unknown-fields': true },
      'x-prop': { type: 'integer' },
      '1bad': { type: 'integer' },
      noItems: { type: 'array' },
      nested: { type: 'object', additionalProperties: true, properties: { b: { type: 'boolean' } } },
    },
  });
  assert.deepEqual(fieldsOf(obj), new Map([['a', 'string'], ['x__dash__prop', 'int'], ['nested', 'self.nested']]));
  const xprop = obj!.kind === 'object' ? obj!.fields().get('x__dash__prop') : undefined;
  assert.equal(xprop?.jsonName, 'x-prop');
});

test('§3.2 type names: fields, list elements, map values', () => {
  const t = conv(
    {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            containers: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
            labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
          },
        },
      },
    },
    { rootName: 'Deployment' },
  );
  assert.equal(fmt(t), 'Deployment');
  const spec = t!.kind === 'object' ? t!.fields().get('spec')!.type : undefined;
  assert.equal(fmt(spec), 'Deployment.spec');
  assert.deepEqual(fieldsOf(spec), new Map([['containers', 'list(Deployment.spec.containers.@idx)'], ['labels', 'map(string, Deployment.spec.labels.@elem)']]));
});

test('§3.5 resource root: CRD metadata reduced to name and generateName', () => {
  const t = conv(
    { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } }, spec: { type: 'object' } } },
    { isResourceRoot: true },
  );
  const f = fieldsOf(t);
  assert.deepEqual([...f.keys()].sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
  const meta = t!.kind === 'object' ? t!.fields().get('metadata')!.type : undefined;
  assert.deepEqual(fieldsOf(meta), new Map([['name', 'string'], ['generateName', 'string']]));
});

test('§3.5 resource root: a complete ObjectMeta is kept (via $ref)', () => {
  const defs: Record<string, object> = {
    '#/defs/Meta': { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } } },
  };
  const t = conv(
    { type: 'object', properties: { kind: { type: 'string' }, apiVersion: { type: 'string' }, metadata: { allOf: [{ $ref: '#/defs/Meta' }], default: {} } } },
    { isResourceRoot: true, rootName: 'Pod', resolveRef: (r) => defs[r] },
  );
  const meta = t!.kind === 'object' ? t!.fields().get('metadata')!.type : undefined;
  assert.deepEqual(fieldsOf(meta), new Map([['name', 'string'], ['generateName', 'string'], ['labels', 'map(string, string)']]));
});

test('embedded resources inside arrays are resource roots', () => {
  const t = conv({ type: 'array', items: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } } });
  assert.equal(fmt(t), 'list(self.@idx)');
  const elem = t!.kind === 'list' ? t!.elem : undefined;
  assert.deepEqual([...fieldsOf(elem).keys()].sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
});

test('circular $ref becomes an empty object; fields are lazy', () => {
  let lookups = 0;
  const defs: Record<string, object> = {
    '#/defs/Props': { type: 'object', properties: { not: { $ref: '#/defs/Props' }, title: { type: 'string' } } },
  };
  const t = conv({ $ref: '#/defs/Props' }, { resolveRef: (r) => (lookups++, defs[r]) });
  assert.equal(lookups, 1, 'only the root is resolved before fields() is called');
  const inner = t!.kind === 'object' ? t!.fields().get('not') : undefined;
  assert.ok(inner);
  assert.deepEqual(fieldsOf(inner!.type), new Map());
});

test('missing $ref is dyn, never a throw', () => {
  const t = conv({ type: 'object', properties: { x: { $ref: '#/nowhere' } } });
  assert.deepEqual(fieldsOf(t), new Map([['x', 'dyn']]));
});

test('local $ref resolution without a resolver', () => {
  const t = conv({ type: 'object', properties: { a: { $ref: '#/definitions/A' } }, definitions: { A: { type: 'integer' } } });
  assert.deepEqual(fieldsOf(t), new Map([['a', 'int']]));
});

test('§3.4 Quantity dropped by default, dyn with apiserverDrops under quantityAsDyn', () => {
  const quantity = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  const schema = { type: 'object', properties: { limits: { type: 'object', additionalProperties: quantity }, cpu: quantity } };
  assert.deepEqual(fieldsOf(conv(schema)), new Map());
  const t = conv(schema, { quantityAsDyn: true });
  assert.deepEqual(fieldsOf(t), new Map([['limits', 'map(string, dyn)'], ['cpu', 'dyn']]));
  const f = t!.kind === 'object' ? t!.fields() : new Map();
  assert.equal(f.get('limits')?.apiserverDrops, true);
  assert.equal(f.get('cpu')?.apiserverDrops, true);
});

test('schemaForType returns the schema node the type came from', () => {
  const s = { type: 'string', maxLength: 10 };
  const t = conv({ type: 'object', properties: { s } });
  const f = t!.kind === 'object' ? t!.fields().get('s') : undefined;
  assert.equal(schemaForType(f!.type), s);
  assert.equal((f!.schema as { maxLength: number }).maxLength, 10);
});

test('objectMetaSchema: a CRD root typed as the apiserver publishes it (full ObjectMeta)', () => {
  const meta = { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } } };
  const crd = { type: 'object', properties: { metadata: { type: 'object' }, spec: { type: 'object' } } };
  const t = conv(crd, { isResourceRoot: true, rootName: 'JobSet', objectMetaSchema: meta });
  const m = t!.kind === 'object' ? t!.fields().get('metadata')!.type : undefined;
  assert.deepEqual(fieldsOf(m), new Map([['name', 'string'], ['generateName', 'string'], ['labels', 'map(string, string)']]));
  // Without it, the CRD-rule view: name and generateName only.
  const plain = conv(crd, { isResourceRoot: true, rootName: 'JobSet' });
  const pm = plain!.kind === 'object' ? plain!.fields().get('metadata')!.type : undefined;
  assert.deepEqual([...fieldsOf(pm).keys()], ['name', 'generateName']);
});

test('odd schemas never throw', () => {
  const selfList: Record<string, unknown> = { type: 'array' };
  selfList.items = selfList; // a JS-object cycle through items
  assert.equal(conv(selfList), undefined);
  const selfObj: Record<string, unknown> = { type: 'object' };
  selfObj.properties = { again: selfObj, n: { type: 'integer' } };
  const t = conv(selfObj);
  const again = t!.kind === 'object' ? t!.fields().get('again')!.type : undefined;
  assert.equal(fmt(again), 'self.again');
  assert.deepEqual(fieldsOf(conv({ type: 'object', properties: { a: null, b: 7, c: { type: ['string', 'null'] }, d: { type: 'array', items: [{ type: 'string' }] } } })), new Map());
  assert.equal(conv({ $ref: 42 } as object), undefined);
});
