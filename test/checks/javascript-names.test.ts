/**
 * CEL names that are also properties of JavaScript's Object.prototype (`toString`, `constructor`,
 * `hasOwnProperty`, …) are ordinary names: a lookup by such a name in a plain object finds the
 * inherited property. Version gating once looked member calls up that way, and
 * `object.metadata.name.toString()` took the whole policy check down (KCG2999).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/engine/analyze.js';
import { CEL_HOSTS, hostWith } from '../fuzz/fuzzLib.js';
import { vap, oneValidation } from '../fixtures/k8s.js';

const NAMES = ['toString', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];

test('a member call named like an Object.prototype property is an undeclared function, at its name', () => {
  for (const name of NAMES) {
    const expression = `object.metadata.name.${name}() == 'x'`;
    const text = vap({ name: 'p', apiGroup: 'apps', resource: 'deployments' }, oneValidation(JSON.stringify(expression)));
    const findings = analyzeText(text, { kubernetesVersion: '1.35' });
    assert.deepEqual(
      findings.map((f) => ({ code: f.code, message: f.message, at: text.slice(f.start, f.end) })),
      [{ code: 'KCG1002', message: `undeclared reference to '${name}' (in container '')`, at: name }],
      name,
    );
  }
});

test('such names as calls, identifiers, fields and map keys: every host reports CEL findings, never an internal error', () => {
  for (const name of NAMES) {
    const expressions = [`self.${name}(1)`, `${name}(self)`, `${name}`, `object.${name}`, `{'${name}': 1}.${name} == 1`, `[1].all(${name}, ${name} > 0)`, `self.${name}.${name}(a, b)`];
    for (const [host, template] of Object.entries(CEL_HOSTS)) {
      for (const expression of expressions) {
        const findings = analyzeText(hostWith(template, expression, 0), { kubernetesVersion: '1.35' });
        const internal = findings.filter((f) => f.code === 'KCG2999');
        assert.deepEqual(internal, [], `${host}: ${expression}`);
      }
    }
  }
});

test('such names as a document kind, a schema format or a duration unit are unknown values, not inherited properties', () => {
  const findingsOf = (text: string) => analyzeText(text, { kubernetesVersion: '1.35' }).map((f) => ({ code: f.code, message: f.message, at: text.slice(f.start, f.end) }));
  // `kind: constructor` is no binding (a binding's message once named "function Object()").
  assert.deepEqual(findingsOf('apiVersion: admissionregistration.k8s.io/v1\nkind: constructor\nmetadata:\n  name: x\nspec:\n  policyName: p\n'), []);
  // `format: toString` is no CEL format: the field stays a string.
  const crdText = CEL_HOSTS.crd
    .replace('replicas: {type: integer}', 'replicas: {type: string, format: toString}')
    .replace(/rule: @@/, 'rule: "self.replicas == \'x\'"')
    .replace(/\n\s*messageExpression: @@/, '');
  assert.deepEqual(findingsOf(crdText), []);
  // A duration with a unit named `constructor` (it once threw, KCG2999, mixing a BigInt with a function).
  const authz = CEL_HOSTS.authz.replace('timeout: 3s', 'timeout: 3constructor').replace(/\n\s*matchConditions:\n\s*- expression: @@/, '');
  assert.deepEqual(findingsOf(authz), [
    { code: 'KCG5001', message: 'time: unknown unit "constructor" in duration "3constructor" (the apiserver cannot decode timeout)', at: '3constructor' },
  ]);
});
