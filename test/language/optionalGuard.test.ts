import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optionalGuardFixes } from '../../server/src/language/optionalGuard.js';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Fix } from '../../server/src/engine/findings.js';
import { OPTIONS, WIDGET_CRD, WORKSPACE, at } from './fixtures.js';
import { vap } from '../fixtures/k8s.js';

const fixes = (text: string, offset: number) => optionalGuardFixes(text, offset, OPTIONS, WORKSPACE);

function apply(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** A ValidatingAdmissionPolicy for apps/v1 deployments whose one validation is `expressionYaml`. */
const policy = (expressionYaml: string) => `${vap({ name: 'replicas', apiGroup: 'apps', resource: 'deployments', operations: ['CREATE', 'UPDATE'] }, '')}  validations:
  - expression: ${expressionYaml}
`;

const assertClean = (text: string) => assert.deepEqual(analyzeText(text, OPTIONS, WORKSPACE), []);

test('an optional field: both fixes, and both results check clean', () => {
  const text = policy('"object.spec.replicas <= 5"');
  assertClean(text);
  const found = fixes(text, at(text, 'replicas <=', 3));
  assert.deepEqual(found.map((f) => f.title), [
    'Guard with has(): skip the rule when object.spec.replicas is absent',
    'Use optional selection: object.spec.?replicas.orValue(0)',
  ]);
  const guarded = apply(text, found[0]);
  assert.equal(guarded, policy('"!has(object.spec.replicas) || (object.spec.replicas <= 5)"'));
  assertClean(guarded);
  const optional = apply(text, found[1]);
  assert.equal(optional, policy('"object.spec.?replicas.orValue(0) <= 5"'));
  assertClean(optional);
});

test('a required field gets no fix', () => {
  const text = policy('"object.spec.selector != null && object.spec.template.metadata != null"');
  assert.deepEqual(fixes(text, at(text, 'selector', 2)), []);
  assert.deepEqual(fixes(text, at(text, 'template', 2)), []);
});

test('a selection inside has(), or already guarded by has(), gets no fix', () => {
  const inHas = policy('"has(object.spec.replicas)"');
  assert.deepEqual(fixes(inHas, at(inHas, 'replicas', 2)), []);
  const guarded = policy('"!has(object.spec.replicas) || object.spec.replicas <= 5"');
  assert.deepEqual(fixes(guarded, at(guarded, 'replicas <=', 2)), []);
  const conjoined = policy('"has(object.spec.replicas) && object.spec.replicas <= 5"');
  assert.deepEqual(fixes(conjoined, at(conjoined, 'replicas <=', 2)), []);
});

test('a plain scalar is quoted for the has() guard (a leading ! would be a YAML tag)', () => {
  const text = policy('object.spec.replicas <= 5');
  const [guard, optional] = fixes(text, at(text, 'replicas <=', 2));
  assert.equal(apply(text, guard), policy('"!has(object.spec.replicas) || (object.spec.replicas <= 5)"'));
  assert.equal(apply(text, optional), policy('object.spec.?replicas.orValue(0) <= 5'));
});

test("a string default in a single-quoted scalar uses \"\" rather than ''", () => {
  const text = policy(`'object.spec.template.metadata.name != "x"'`);
  const found = fixes(text, at(text, 'name !=', 1));
  assert.deepEqual(found.map((f) => f.title), [
    'Guard with has(): skip the rule when object.spec.template.metadata.name is absent',
    'Use optional selection: object.spec.template.metadata.?name.orValue("")',
  ]);
  const optional = apply(text, found[1]);
  assert.equal(optional, policy(`'object.spec.template.metadata.?name.orValue("") != "x"'`));
  assertClean(optional);
});

test('inside a comprehension only the optional selection is offered (the guard could not see c)', () => {
  const text = policy(`"object.spec.template.spec.containers.all(c, c.image.startsWith('r/'))"`);
  const found = fixes(text, at(text, 'image', 1));
  assert.deepEqual(found.map((f) => f.title), ["Use optional selection: c.?image.orValue('')"]);
  assertClean(apply(text, found[0]));
});

test('a | block scalar: the edit stays inside the block', () => {
  const text = policy('|\n      object.spec.minReadySeconds > 1\n    message: slow');
  const found = fixes(text, at(text, 'minReadySeconds', 2));
  assert.equal(found.length, 2);
  const guarded = apply(text, found[0]);
  assert.equal(guarded, policy('|\n      !has(object.spec.minReadySeconds) || (object.spec.minReadySeconds > 1)\n    message: slow'));
  assertClean(guarded);
  const optional = apply(text, found[1]);
  assert.equal(optional, policy('|\n      object.spec.?minReadySeconds.orValue(0) > 1\n    message: slow'));
  assertClean(optional);
});

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
  scope: Namespaced
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
            required: [name]
            x-kubernetes-validations:
            - rule: "self.x > 0 && self.name != ''"
            properties:
              name: {type: string, maxLength: 10}
              x: {type: integer}
`;

test('CRD rules: self.x is optional when the schema does not require it; a required one is not', () => {
  assertClean(CRD);
  const found = fixes(CRD, at(CRD, 'self.x', 5));
  assert.deepEqual(found.map((f) => f.title), [
    'Guard with has(): skip the rule when self.x is absent',
    'Use optional selection: self.?x.orValue(0)',
  ]);
  const guarded = apply(CRD, found[0]);
  assert.ok(guarded.includes(`- rule: "!has(self.x) || (self.x > 0 && self.name != '')"`));
  assertClean(guarded);
  const optional = apply(CRD, found[1]);
  assert.ok(optional.includes(`- rule: "self.?x.orValue(0) > 0 && self.name != ''"`));
  assertClean(optional);
  assert.deepEqual(fixes(CRD, at(CRD, 'self.name', 6)), []);
});

test('a multi-line folded rule: only the optional selection (the guard is single-line only)', () => {
  const found = fixes(WIDGET_CRD, at(WIDGET_CRD, 'max__dash__size', 3));
  assert.deepEqual(found.map((f) => f.title), ['Use optional selection: self.?max__dash__size.orValue(0)']);
});

test('outside CEL, or off a selection, nothing is offered', () => {
  const text = policy('"object.spec.replicas <= 5"');
  assert.deepEqual(fixes(text, at(text, 'resources:')), []);
  assert.deepEqual(fixes(text, at(text, '<= 5', 4)), []);
});
