import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionsAt, type CompletionItem } from '../../server/src/language/completion.js';
import { AUTHZ_CONFIG, DEPLOYMENT_POLICY, OPTIONS, WIDGET_CRD, WORKSPACE, at } from './fixtures.js';

const complete = (text: string, offset: number) => completionsAt(text, offset, OPTIONS, WORKSPACE);
const labels = (items: CompletionItem[]) => items.map((i) => i.label);
/** The items in the order a client shows them (by sortText). */
const ordered = (items: CompletionItem[]) => [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));

/** The policy with its validation replaced by `expression` (double-quoted scalar). */
function policyWith(expression: string): string {
  return DEPLOYMENT_POLICY.replace(`"object.spec.replicas <= 5 && variables.containers.all(c, c.name.startsWith('a'))"`, `"${expression}"`);
}

test('after `object.spec.` (a syntax error) the DeploymentSpec fields complete, with types and docs', () => {
  const text = policyWith('object.spec.');
  const items = complete(text, at(text, 'object.spec."', 12));
  assert.deepEqual(labels(ordered(items)), ['minReadySeconds', 'paused', 'progressDeadlineSeconds', 'replicas', 'revisionHistoryLimit', 'selector', 'strategy', 'template']);
  const replicas = items.find((i) => i.label === 'replicas')!;
  assert.equal(replicas.kind, 'field');
  assert.equal(replicas.detail, 'int');
  assert.match(replicas.documentation!, /^Number of desired pods/);
  // Nested schema objects are shown by their OpenAPI definition name.
  assert.equal(items.find((i) => i.label === 'selector')!.detail, 'LabelSelector');
});

test('a partly typed field name is replaced by the item (range covers the word)', () => {
  const text = policyWith('object.spec.rep');
  const offset = at(text, 'object.spec.rep', 15);
  const items = complete(text, offset);
  assert.ok(labels(items).includes('replicas'));
  assert.deepEqual(items[0].range, { start: offset - 3, end: offset });
});

test('comprehension variables are typed inside half-typed text', () => {
  const text = policyWith('object.spec. && variables.containers.all(c, c.');
  const items = ordered(complete(text, at(text, 'c, c.', 5)));
  assert.deepEqual(labels(items).slice(0, 4), ['args', 'command', 'env', 'envFrom']);
  assert.ok(items.every((i) => i.kind === 'field'));
});

test('after a string value the string methods complete, with signatures', () => {
  const text = policyWith('object.metadata.name.');
  const items = ordered(complete(text, at(text, 'name."', 5)));
  assert.deepEqual(labels(items).slice(0, 4), ['charAt', 'contains', 'endsWith', 'find']);
  const contains = items.find((i) => i.label === 'contains')!;
  assert.deepEqual({ kind: contains.kind, detail: contains.detail, insertText: contains.insertText, isSnippet: contains.isSnippet },
    { kind: 'method', detail: 'string.contains(string) -> bool', insertText: 'contains($1)', isSnippet: true });
  assert.ok(!labels(items).includes('all'), 'no list macros on a string');
});

test('after a list: list methods, then the macros as snippets', () => {
  const text = policyWith('object.spec.template.spec.containers.');
  const items = ordered(complete(text, at(text, 'containers."', 11)));
  const macros = items.filter((i) => i.kind === 'macro');
  assert.deepEqual(labels(macros), ['all', 'exists', 'exists_one', 'map', 'filter']);
  assert.equal(macros[0].insertText, 'all(${1:x}, ${2:predicate})');
  assert.deepEqual(labels(items.filter((i) => i.kind === 'method')), ['distinct', 'first', 'flatten', 'indexOf', 'last', 'lastIndexOf', 'reverse', 'size', 'slice']);
  // isSorted/sum/min need comparable elements; containers are objects.
  assert.ok(!labels(items).includes('isSorted'));
  assert.equal(items[items.length - 1].label, 'filter', 'macros come last');
});

test('`variables.` completes the variables declared before', () => {
  const items = complete(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'variables.containers))', 10));
  assert.deepEqual(items.map((i) => [i.label, i.detail]), [['containers', 'list(Container)']]);
});

test('at the start of an expression: variables, has, functions, literals (messageExpression has no authorizer)', () => {
  const text = DEPLOYMENT_POLICY.replace("'too many: ' + string(size(variables.containers))", '');
  const items = ordered(complete(text, at(text, 'messageExpression: |\n', 'messageExpression: |\n'.length + 6)));
  assert.deepEqual(labels(items).slice(0, 7), ['object', 'oldObject', 'request', 'namespaceObject', 'variables', 'variables.containers', 'has']);
  assert.equal(items[5].detail, 'list(Container)');
  assert.equal(items[0].detail, 'apps/v1 Deployment');
  assert.ok(!labels(items).includes('authorizer'));
  assert.deepEqual(labels(items).slice(-3), ['true', 'false', 'null']);
  assert.ok(labels(items).includes('duration'));
});

test('comprehension variables come first inside a macro body', () => {
  const text = policyWith('object.spec.template.spec.containers.all(c, ');
  const items = ordered(complete(text, at(text, 'all(c, ', 7)));
  assert.deepEqual(items.slice(0, 2).map((i) => [i.label, i.kind]), [['c', 'variable'], ['object', 'variable']]);
});

test('CRD rules in a folded scalar: self fields use the escaped names', () => {
  const text = WIDGET_CRD.replace('self.max__dash__size <= 10', 'self.');
  assert.deepEqual(labels(ordered(complete(text, at(text, 'self.', 5)))), ['max__dash__size', 'tags']);
});

test('plain scalars work; authorization request fields complete', () => {
  const text = AUTHZ_CONFIG.replace("request.resourceAttributes.namespace == 'kube-system'", 'request.');
  const items = labels(complete(text, at(text, 'request.', 8)));
  assert.ok(items.includes('resourceAttributes') && items.includes('user'), items.join());
});

test('nothing after the closing quote of a quoted expression', () => {
  const text = policyWith('object.spec.');
  assert.ok(complete(text, at(text, 'object.spec."', 12)).length > 0);
  assert.deepEqual(complete(text, at(text, 'object.spec."', 13)), []);
});

test('nothing inside string literals, outside CEL, or after a number', () => {
  assert.deepEqual(complete(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, "'too ", 3)), []);
  assert.deepEqual(complete(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'name: replicas', 8)), []);
  const text = policyWith('1.');
  assert.deepEqual(complete(text, at(text, '1."', 2)), []);
});

test('never throws on any cursor of a broken expression', () => {
  const text = policyWith('object.spec.(( [ c. ? :');
  for (let i = 0; i <= text.length; i += 3) complete(text, i);
});

test("single-quoted scalars with '' escapes before the cursor map the caret exactly", () => {
  const text = policyWith('x').replace(`"x"`, `'object.metadata.name == ''a'' && object.spec.'`);
  const offset = at(text, "object.spec.'", 12);
  const items = complete(text, offset);
  assert.equal(items.length, 8);
  assert.deepEqual(items[0].range, { start: offset, end: offset });
});

test('two-variable comprehensions bind index and element', () => {
  const text = policyWith('object.spec.template.spec.containers.all(i, c, ');
  const items = ordered(complete(text, at(text, 'all(i, c, ', 10)));
  assert.deepEqual(items.slice(0, 2).map((i) => [i.label, i.detail]), [['i', 'int'], ['c', 'Container']]);
});

test('nested comprehensions: the innermost variable first', () => {
  const text = policyWith('object.spec.template.spec.containers.all(c, c.env.all(e, ');
  const items = ordered(complete(text, at(text, 'all(e, ', 7)));
  assert.deepEqual(items.slice(0, 3).map((i) => i.label), ['e', 'c', 'object']);
  assert.equal(items[0].detail, 'EnvVar');
});
