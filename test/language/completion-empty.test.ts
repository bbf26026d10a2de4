/**
 * Completion in a CEL field with nothing typed yet: `expression:`, `expression: `, `""`, `''`, an
 * empty `|`/`>` block. The items are those of the field's environment, as at the start of an
 * expression, and their text lands inside the scalar as valid YAML.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { completionsAt, type CompletionItem } from '../../server/src/language/completion.js';
import { OPTIONS, WORKSPACE } from './fixtures.js';
import { crd, validatingWebhook, vap } from '../fixtures/k8s.js';

/** `text` with its `@` removed, and the offset where it was. */
function cursor(textWithCursor: string): { text: string; offset: number } {
  const offset = textWithCursor.indexOf('@');
  assert.ok(offset >= 0, 'fixture has no @');
  return { text: textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset };
}

function complete(textWithCursor: string): { text: string; offset: number; items: CompletionItem[] } {
  const { text, offset } = cursor(textWithCursor);
  return { text, offset, items: completionsAt(text, offset, OPTIONS, WORKSPACE) };
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const ordered = (items: CompletionItem[]) => [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
const variables = (items: CompletionItem[]) => ordered(items).filter((i) => i.kind === 'variable').map((i) => [i.label, i.detail]);
const variableNames = (items: CompletionItem[]) => variables(items).map(([label]) => label);
const item = (items: CompletionItem[], label: string) => {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no item ${label} in ${labels(items).join()}`);
  return found;
};

/** The text after accepting `it` (snippet placeholders reduced to their defaults). */
function accept(text: string, it: CompletionItem): string {
  const inserted = (it.insertText ?? it.label).replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d/g, '');
  return text.slice(0, it.range!.start) + inserted + text.slice(it.range!.end);
}

const POLICY = (validation: string) => vap({ name: 'replicas', apiGroup: 'apps', operations: ['CREATE', 'UPDATE'], resource: 'deployments' }, `  variables:
  - name: containers
    expression: object.spec.template.spec.containers
  validations:
  - expression:${validation}
    message: too many
`);

/** The parsed value of the first validation's expression after the edit, and whether the YAML is clean. */
function validationAfter(text: string, it: CompletionItem): { value: unknown; errors: number } {
  const doc = parseDocument(accept(text, it));
  return { value: doc.getIn(['spec', 'validations', 0, 'expression']), errors: doc.errors.length };
}

const POLICY_VARIABLES = [
  ['object', 'apps/v1 Deployment'],
  ['oldObject', 'apps/v1 Deployment'],
  ['request', 'kubernetes.AdmissionRequest'],
  ['namespaceObject', 'kubernetes.Namespace'],
  ['authorizer', 'kubernetes.authorization.Authorizer'],
  ['variables', 'kubernetes.variables'],
  ['variables.containers', 'list(Container)'],
];

describe('completion in an empty CEL field', () => {
  test('`expression: ` (YAML null): the policy environment, typed from the matched kind, at the cursor', () => {
    const { text, offset, items } = complete(POLICY(' @'));
    assert.deepEqual(variables(items), POLICY_VARIABLES);
    const object = item(items, 'object');
    assert.deepEqual({ kind: object.kind, range: object.range, insertText: object.insertText }, { kind: 'variable', range: { start: offset, end: offset }, insertText: undefined });
    assert.match(object.documentation!, /^The object from the incoming request/);
    // Then has, the global functions and the literals, as at the start of an expression.
    const kinds = [...new Set(ordered(items).map((i) => i.kind))];
    assert.deepEqual(kinds, ['variable', 'macro', 'function', 'keyword']);
    assert.deepEqual(validationAfter(text, object), { value: 'object', errors: 0 });
    assert.deepEqual(validationAfter(text, item(items, 'has')), { value: 'has(object.field)', errors: 0 });
    assert.deepEqual(validationAfter(text, item(items, 'variables.containers')), { value: 'variables.containers', errors: 0 });
  });

  test('a literal in a plain scalar is quoted, or YAML would read a boolean or null', () => {
    const { text, items } = complete(POLICY(' @'));
    assert.equal(item(items, 'true').insertText, '"true"');
    assert.deepEqual(validationAfter(text, item(items, 'true')), { value: 'true', errors: 0 });
    assert.deepEqual(validationAfter(text, item(items, 'null')), { value: 'null', errors: 0 });
  });

  test('`expression:` with no space: the item brings the space (mid-document and at the end of the file)', () => {
    const { text, offset, items } = complete(POLICY('@'));
    const object = item(items, 'object');
    assert.deepEqual({ range: object.range, insertText: object.insertText }, { range: { start: offset, end: offset }, insertText: ' object' });
    assert.deepEqual(validationAfter(text, object), { value: 'object', errors: 0 });
    assert.equal(item(items, 'has').insertText, ' has(${1:object.field})');
    const atEnd = complete(POLICY('@').replace('    message: too many\n', ''));
    assert.ok(atEnd.text.endsWith('- expression:\n'));
    assert.deepEqual(variables(atEnd.items), POLICY_VARIABLES);
    assert.deepEqual(validationAfter(atEnd.text, item(atEnd.items, 'object')), { value: 'object', errors: 0 });
  });

  test('the same items, details and docs as at the start of a typed expression', () => {
    const shape = (items: CompletionItem[]) => ordered(items).map((i) => ({ label: i.label, kind: i.kind, detail: i.detail, documentation: i.documentation, isSnippet: i.isSnippet }));
    const empty = complete(POLICY(' "@"')).items;
    const started = complete(POLICY(' "o@"')).items;
    assert.ok(empty.length > 40);
    assert.deepEqual(shape(empty), shape(started));
  });

  test('`""` and `\'\'`: between the quotes; after the closing quote nothing', () => {
    for (const quotes of ['""', "''"]) {
      const { text, offset, items } = complete(POLICY(` ${quotes[0]}@${quotes[1]}`));
      const object = item(items, 'object');
      assert.deepEqual({ range: object.range, insertText: object.insertText }, { range: { start: offset, end: offset }, insertText: undefined });
      assert.equal(item(items, 'true').insertText, undefined, 'a literal needs no quotes inside quotes');
      assert.deepEqual(validationAfter(text, object), { value: 'object', errors: 0 });
      assert.deepEqual(complete(POLICY(` ${quotes}@`)).items, []);
      assert.deepEqual(complete(POLICY(` @${quotes}`)).items, []);
    }
  });

  test('`expression: "` (the closing quote not typed yet): at the cursor, at the end of the file or before more lines', () => {
    for (const text of [POLICY(' "@').replace('    message: too many\n', ''), POLICY(' "@')]) {
      const { offset, items } = complete(text);
      assert.deepEqual(variables(items), POLICY_VARIABLES);
      assert.deepEqual(item(items, 'object').range, { start: offset, end: offset });
    }
  });

  test('an empty `|` block: on a blank line indented under the key, the item goes at the cursor', () => {
    const { text, offset, items } = complete(POLICY(' |\n      @'));
    const object = item(items, 'object');
    assert.deepEqual({ range: object.range, insertText: object.insertText, keepWhitespace: object.keepWhitespace }, { range: { start: offset, end: offset }, insertText: undefined, keepWhitespace: undefined });
    assert.deepEqual(validationAfter(text, object), { value: 'object\n', errors: 0 });
    assert.deepEqual(variables(items), POLICY_VARIABLES);
  });

  test('an empty `|` block: on a blank line not indented enough, the item re-indents the line', () => {
    for (const indent of ['', '    ']) {
      const { text, offset, items } = complete(POLICY(` |\n${indent}@`));
      const object = item(items, 'object');
      assert.deepEqual({ range: object.range, insertText: object.insertText, keepWhitespace: object.keepWhitespace },
        { range: { start: offset - indent.length, end: offset }, insertText: '      object', keepWhitespace: true });
      assert.deepEqual(validationAfter(text, object), { value: 'object\n', errors: 0 });
    }
  });

  test('an empty `>-` block: on its header line, the item starts the block on the next line', () => {
    const { text, offset, items } = complete(POLICY(' >-@'));
    const has = item(items, 'has');
    assert.deepEqual({ range: has.range, insertText: has.insertText, keepWhitespace: has.keepWhitespace },
      { range: { start: offset, end: offset }, insertText: '\n      has(${1:object.field})', keepWhitespace: true });
    assert.deepEqual(validationAfter(text, has), { value: 'has(object.field)', errors: 0 });
    // Before the indicator is not in the expression.
    assert.deepEqual(complete(POLICY(' @>-')).items, []);
  });

  test('CRLF line breaks are kept', () => {
    const { text, items } = complete(POLICY(' |@').replace(/\n/g, '\r\n'));
    assert.equal(item(items, 'object').insertText, '\r\n      object');
    assert.equal(parseDocument(accept(text, item(items, 'object'))).getIn(['spec', 'validations', 0, 'expression']), 'object\n');
  });

  test('a flow mapping: `{expression: }`', () => {
    const { text, items } = complete(POLICY(' x').replace('  - expression: x\n    message: too many\n', '  - {expression: @, message: m}\n'));
    assert.deepEqual(variables(items), POLICY_VARIABLES);
    assert.equal(parseDocument(accept(text, item(items, 'object'))).getIn(['spec', 'validations', 0, 'expression']), 'object');
  });

  test('not after a non-CEL key, in a comment, or where the value goes on the next lines', () => {
    assert.deepEqual(complete(POLICY(' "true"').replace('message: too many', 'message: @')).items, []);
    assert.deepEqual(complete(POLICY(' # none yet@')).items, []);
    assert.deepEqual(complete(POLICY('@\n      object.spec.replicas < 5')).items, []);
  });

  test('messageExpression: no authorizer; auditAnnotations with paramKind: params', () => {
    const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  validations:
  - expression: "true"
    messageExpression: @
  auditAnnotations:
  - key: a
    valueExpression: @
`;
    const message = complete(policy.replace(/@(?![\s\S]*@)/, '')).items;
    assert.deepEqual(variableNames(message), ['object', 'oldObject', 'request', 'namespaceObject', 'params', 'variables']);
    const audit = complete(policy.replace('messageExpression: @', 'messageExpression: "\'m\'"')).items;
    assert.deepEqual(variables(audit).find(([l]) => l === 'params'), ['params', 'ConfigMap']);
    assert.match(item(audit, 'params').documentation!, /paramRef/);
  });

  test('a later variable sees the earlier ones as `variables.<name>`', () => {
    const { items } = complete(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  variables:
  - name: replicas
    expression: "3"
  - name: next
    expression: @
  validations: [{expression: "true"}]
`);
    assert.deepEqual(variables(items).filter(([l]) => l!.startsWith('variables')), [['variables', 'kubernetes.variables'], ['variables.replicas', 'int']]);
  });

  test('MutatingAdmissionPolicy jsonPatch.expression and applyConfiguration.expression', () => {
    for (const field of ['jsonPatch', 'applyConfiguration']) {
      const { items } = complete(`apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: p}
spec:
  mutations:
  - patchType: ${field === 'jsonPatch' ? 'JSONPatch' : 'ApplyConfiguration'}
    ${field}:
      expression: @
`);
      assert.deepEqual(variableNames(items), ['object', 'oldObject', 'request', 'namespaceObject', 'authorizer', 'variables']);
    }
  });

  test('webhook matchConditions: object, oldObject, request, namespaceObject, authorizer (no params, no variables)', () => {
    const { items } = complete(validatingWebhook({ name: 'w', webhook: 'a.example.com' }, `  matchConditions:
  - name: x
    expression: @
`));
    assert.deepEqual(variables(items), [
      ['object', 'v1 Pod'], ['oldObject', 'v1 Pod'], ['request', 'kubernetes.AdmissionRequest'],
      ['namespaceObject', 'kubernetes.Namespace'], ['authorizer', 'kubernetes.authorization.Authorizer'],
    ]);
  });

  test('CRD x-kubernetes-validations rule and messageExpression: self and oldSelf', () => {
    const widgets = (rule: string) => crd({ name: 'widgets.example.com', flowMetadata: true, group: 'example.com', kind: 'Widget', plural: 'widgets', properties: `          spec:
            type: object
            x-kubernetes-validations:
${rule}
            properties:
              size: {type: integer}
` });
    for (const rule of ['            - rule:@', '            - rule: self.size > 0\n              messageExpression: @']) {
      const { text, items } = complete(widgets(rule));
      assert.deepEqual(variableNames(items), ['self', 'oldSelf']);
      assert.equal(item(items, 'self').documentation, 'The value at `spec.versions[0].schema.openAPIV3Schema.properties[spec]`.');
      assert.ok(!labels(items).includes('object'));
      assert.equal(parseDocument(accept(text, item(items, 'self'))).errors.length, 0);
    }
  });

  test('AuthenticationConfiguration: claims in claim rules and mappings, user in userValidationRules', () => {
    const authn = (section: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: https://issuer.example.com
    audiences: [kubernetes]
${section}`;
    const cases: Array<[string, string[][]]> = [
      ['  claimValidationRules:\n  - expression: @\n', [['claims', 'map(string, any)']]],
      ['  claimMappings:\n    username:\n      expression: @\n', [['claims', 'map(string, any)']]],
      ['  claimMappings:\n    extra:\n    - key: example.com/x\n      valueExpression: @\n', [['claims', 'map(string, any)']]],
      ['  userValidationRules:\n  - expression: @\n    message: no\n', [['user', 'kubernetes.UserInfo']]],
    ];
    for (const [section, expected] of cases) assert.deepEqual(variables(complete(authn(section)).items), expected, section);
  });

  test('AuthorizationConfiguration webhook matchConditions: request is a SubjectAccessReview spec', () => {
    const { items } = complete(`apiVersion: apiserver.config.k8s.io/v1
kind: AuthorizationConfiguration
authorizers:
- type: Webhook
  name: webhook
  webhook:
    matchConditions:
    - expression: @
`);
    assert.deepEqual(variables(items), [['request', 'kubernetes.SubjectAccessReviewSpec']]);
    assert.match(item(items, 'request').documentation!, /^The SubjectAccessReview spec/);
  });
});
