import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkKubernetesCel, crdRuleEnvironment, mapEnvironment, vapEnvironment, webhookMatchConditionEnvironment, type BuiltEnvironment,
} from '../../server/src/cel/environments.js';
import { schemaToCelType } from '../../server/src/cel/schemaTypes.js';
import { T } from '../../server/src/cel/k8sTypes.js';

const issues = (expr: string, env: BuiltEnvironment) => checkKubernetesCel(expr, env).issues.map((i) => `${i.code} ${i.message}`);
const vap = (version: '1.30' | '1.31' | '1.33' | '1.34' | '1.35', field: Parameters<typeof vapEnvironment>[0]['field'] = 'validation') =>
  vapEnvironment({ version, phase: 'new', paramsType: null, field });

test('ip() since 1.30: a new expression needs 1.31 (KCG1007); stored on 1.30 is fine', () => {
  assert.deepEqual(issues("isIP('1.2.3.4')", vap('1.30')), [
    "KCG1007 function 'isIP' is not available in Kubernetes 1.30: it needs 1.31 (new expressions)",
  ]);
  assert.deepEqual(issues("isIP('1.2.3.4')", vap('1.31')), []);
  assert.deepEqual(issues("isIP('1.2.3.4')", vapEnvironment({ version: '1.30', phase: 'stored', paramsType: null, field: 'validation' })), []);
  assert.deepEqual(issues("quantity('1').isInteger()", vap('1.30')), []);
  assert.deepEqual(issues("semver('1.2.3').major() == 1", vap('1.33')), [
    "KCG1007 function 'semver' is not available in Kubernetes 1.33: it needs 1.34 (new expressions)",
    "KCG1007 function 'major' is not available in Kubernetes 1.33: it needs 1.34 (new expressions)",
  ]);
  assert.deepEqual(issues("semver('1.2.3').major() == 1", vap('1.34')), []);
});

test('params undeclared without paramKind; authorizer absent in messageExpression', () => {
  assert.deepEqual(issues('params.x == 1', vap('1.35')), ["KCG1002 undeclared reference to 'params' (in container '')"]);
  assert.deepEqual(issues("authorizer.group('').resource('pods').check('get').allowed()", vap('1.35')), []);
  assert.deepEqual(issues("authorizer.path('/x').check('get').reason()", vap('1.35', 'messageExpression')), [
    "KCG1002 undeclared reference to 'authorizer' (in container '')",
  ]);
  assert.deepEqual(issues('object.spec.paused', vap('1.35')), ['KCG1005 must evaluate to bool but got dyn']);
  assert.deepEqual(issues('request.uid', vap('1.35', 'variable')), ["KCG1003 undefined field 'uid'"]);
  assert.deepEqual(issues('namespaceObject.metadata.uid', vap('1.35', 'variable')), ["KCG1003 undefined field 'uid'"]);
  assert.deepEqual(issues('variables.x', webhookMatchConditionEnvironment({ version: '1.35', phase: 'new' })), [
    "KCG1002 undeclared reference to 'variables' (in container '')",
  ]);
});

test('library types are type values', () => {
  assert.deepEqual(issues("type(ip('1.2.3.4')) == net.IP", vap('1.35')), []);
  assert.deepEqual(issues("type(quantity('1')) == kubernetes.Quantity", vap('1.35')), []);
});

test('KCG1010: a Quantity field the apiserver drops is dyn with an info note', () => {
  const quantity = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  const pod = schemaToCelType(
    { type: 'object', properties: { spec: { type: 'object', properties: { limits: { type: 'object', additionalProperties: quantity } } } } },
    { rootName: 'Pod', isResourceRoot: true, quantityAsDyn: true },
  );
  const env = vapEnvironment({ version: '1.35', phase: 'new', objectType: pod, paramsType: null, field: 'validation' });
  const r = checkKubernetesCel("'cpu' in object.spec.limits", env);
  assert.deepEqual(r.issues.map((i) => [i.code, i.severity, i.start, i.end]), [['KCG1010', 'info', 20, 27]]);
  assert.match(r.issues[0].message, /^the apiserver's type check will warn here/);
});

test('CRD: oldSelf on the uncorrelatable portion gets the apiserver message', () => {
  const env = crdRuleEnvironment({ version: '1.35', phase: 'new', selfType: T.string, oldSelf: false, field: 'rule' });
  assert.deepEqual(issues('self == oldSelf', env), ['KCG1002 oldSelf cannot be used on the uncorrelatable portion of the schema']);
  const opt = crdRuleEnvironment({ version: '1.35', phase: 'new', selfType: T.string, oldSelf: 'optional', field: 'rule' });
  assert.deepEqual(issues("self == oldSelf.orValue('')", opt), []);
  assert.deepEqual(issues('self == oldSelf', opt), ["KCG1004 found no matching overload for '_==_' applied to '(string, optional_type(string))'"]);
});

test('CRD: KCG1006 cost, with cardinality from enclosing lists', () => {
  const schema = { type: 'array', items: { type: 'string' } };
  const selfType = schemaToCelType(schema, { rootName: 'self', isResourceRoot: false })!;
  const env = crdRuleEnvironment({ version: '1.35', phase: 'new', selfType, oldSelf: true, field: 'rule', schema });
  const r = checkKubernetesCel("self.all(x, x.contains('a'))", env);
  assert.deepEqual(r.issues.map((i) => i.code), ['KCG1006']);
  assert.match(r.issues[0].message, /^estimated rule cost exceeds budget by factor of more than 100x \(try simplifying the rule/);
  const bounded = { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 64 } };
  const envB = crdRuleEnvironment({ version: '1.35', phase: 'new', selfType: schemaToCelType(bounded, { rootName: 'self', isResourceRoot: false })!, oldSelf: true, field: 'rule', schema: bounded });
  const rb = checkKubernetesCel("self.all(x, x.contains('a'))", envB);
  assert.deepEqual(rb.issues, []);
  assert.equal(rb.ruleCost, rb.estimatedCost!.max);
  // The same rule 1000 times (inside an unbounded list of objects) multiplies the cost.
  const many = crdRuleEnvironment({ version: '1.35', phase: 'new', selfType: schemaToCelType(bounded, { rootName: 'self', isResourceRoot: false })!, oldSelf: true, field: 'rule', schema: bounded, cardinality: null });
  assert.ok(checkKubernetesCel("self.all(x, x.contains('a'))", many).ruleCost! > rb.ruleCost! * 1000);
});

test('MAP: Object types accept any field; JSONPatch result', () => {
  const env = mapEnvironment({ version: '1.35', phase: 'new', paramsType: null, field: 'jsonPatch' });
  assert.deepEqual(issues("[JSONPatch{op: 'add', path: '/x', value: jsonpatch.escapeKey('a/b')}]", env), []);
  assert.deepEqual(issues("JSONPatch{op: 'add', path: '/x'}", env), ['KCG1005 must evaluate to list(JSONPatch) but got JSONPatch']);
  const apply = mapEnvironment({ version: '1.35', phase: 'new', paramsType: null, field: 'applyConfiguration' });
  assert.deepEqual(issues('Object{spec: Object.spec{replicas: 3}}', apply), []);
});

test('KCG1007 replaces the cascade of undeclared pieces for qualified names and macro forms', () => {
  assert.deepEqual(issues('lists.range(3) == [0, 1, 2]', vap('1.34')), [
    "KCG1007 function 'lists.range' is not available in Kubernetes 1.34: it needs 1.35 (new expressions)",
  ]);
  assert.deepEqual(issues('lists.range(3) == [0, 1, 2]', vap('1.35')), []);
  assert.deepEqual(issues('[3, 1].sortBy(x, x) == [1, 3]', vap('1.34')), [
    "KCG1007 function 'sortBy' is not available in Kubernetes 1.34: it needs 1.35 (new expressions)",
  ]);
  assert.deepEqual(issues("{'a': 1}.all(k, v, v > 0)", vapEnvironment({ version: '1.32' as never, phase: 'new', paramsType: null, field: 'validation' })), [
    "KCG1007 the two-variable form of 'all' is not available in Kubernetes 1.32: it needs 1.33 (new expressions)",
  ]);
  assert.deepEqual(issues("{'a': 1}.all(k, v, v > 0)", vap('1.33')), []);
  assert.deepEqual(issues('[1].existsOne(x, x > 0)', vapEnvironment({ version: '1.32' as never, phase: 'stored', paramsType: null, field: 'validation' })), [
    "KCG1007 function 'existsOne' is not available in Kubernetes 1.32: it needs 1.33 (or use exists_one)",
  ]);
  // A variable named like a library namespace is not a qualified function call.
  assert.deepEqual(issues('self.lists.size() == 0', crdRuleEnvironment({ version: '1.30', phase: 'new', selfType: schemaToCelType({ type: 'object', properties: { lists: { type: 'array', items: { type: 'string' } } } }, { rootName: 'self', isResourceRoot: false })!, oldSelf: true, field: 'rule' })), []);
});
