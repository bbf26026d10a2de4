import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hoverAt } from '../../server/src/language/hover.js';
import { AUTHZ_CONFIG, DEPLOYMENT_POLICY, OPTIONS, WIDGET_CRD, WORKSPACE, at } from './fixtures.js';

const hover = (text: string, offset: number) => hoverAt(text, offset, OPTIONS, WORKSPACE);
const shown = (text: string, offset: number) => {
  const h = hover(text, offset);
  return h && { text: text.slice(h.start, h.end), markdown: h.markdown };
};

test('a field selection shows its type and the schema description', () => {
  assert.deepEqual(shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'replicas <=', 3)), {
    text: 'replicas',
    markdown: '```cel\nreplicas: int\n```\n\nNumber of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.',
  });
});

test('object shows the kind it is typed as', () => {
  assert.deepEqual(shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'object.spec.replicas', 2)), {
    text: 'object',
    markdown: '```cel\nobject: apps/v1 Deployment\n```',
  });
});

test('a policy variable shows its type from the earlier variable expression', () => {
  const h = shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'variables.containers.all', 12));
  assert.deepEqual(h, { text: 'containers', markdown: '```cel\nvariables.containers: list(Container)\n```' });
});

test('a comprehension variable shows its element type', () => {
  assert.equal(shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'c.name', 0))?.markdown, '```cel\nc: Container\n```');
});

test('a method shows the resolved signature and its documentation', () => {
  assert.deepEqual(shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'startsWith', 4)), {
    text: 'startsWith',
    markdown: '```cel\nstring.startsWith(string) -> bool\n```\n\nTrue if the string starts with the argument.',
  });
});

test('a macro shows its documentation', () => {
  assert.equal(
    shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, '.all(', 2))?.markdown,
    '```cel\nlist.all(x, predicate) -> bool\n```\n\nTrue if the predicate holds for every element (every key of a map).',
  );
});

test('an operator shows the inferred result type', () => {
  assert.deepEqual(shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, '<= 5', 1)), { text: '<=', markdown: '```cel\n(expression): bool\n```' });
});

test('hover works inside a | block scalar (global function resolved to its overload)', () => {
  assert.deepEqual(shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'size(variables', 2)), {
    text: 'size',
    markdown: '```cel\nsize(list(A)) -> int\n```\n\nNumber of elements (code points for strings).',
  });
});

test('CRD rules: self fields use the escaped name and the property description (folded scalar)', () => {
  assert.deepEqual(shown(WIDGET_CRD, at(WIDGET_CRD, 'max__dash__size', 3)), {
    text: 'max__dash__size',
    markdown: '```cel\nmax__dash__size: int\n```\n\nLargest size.',
  });
  assert.equal(shown(WIDGET_CRD, at(WIDGET_CRD, 't.startsWith', 0))?.markdown, '```cel\nt: string\n```');
  assert.equal(
    shown(WIDGET_CRD, at(WIDGET_CRD, 'self.tags', 1))?.markdown,
    '```cel\nself: self\n```\n\nThe value at `spec.versions[0].schema.openAPIV3Schema.properties[spec]`.',
  );
});

test('AuthorizationConfiguration: request is the SubjectAccessReview spec', () => {
  assert.equal(shown(AUTHZ_CONFIG, at(AUTHZ_CONFIG, 'request.', 1))?.markdown, '```cel\nrequest: kubernetes.SubjectAccessReviewSpec\n```');
});

test('a YAML key of a Kubernetes object shows type and description', () => {
  const h = shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'resourceRules', 2));
  assert.equal(h?.text, 'resourceRules');
  assert.equal(
    h?.markdown,
    '```yaml\nresourceRules: []NamedRuleWithOperations\n```\n\nResourceRules describes what operations on what resources/subresources the ValidatingAdmissionPolicy matches. The policy cares about an operation if it matches _any_ Rule.',
  );
});

test('a field missing from older bundled versions carries a since note', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources:
    limits: {cpu: "1"}
  containers:
  - name: c
    image: i
`;
  const h = hover(pod, at(pod, 'resources', 1));
  assert.match(h!.markdown, /^```yaml\nresources: ResourceRequirements\n```\n\n/);
  assert.match(h!.markdown, /\n\n\*since Kubernetes 1\.32\*$/);
  assert.doesNotMatch(hover(pod, at(pod, 'containers', 1))!.markdown, /since/);
});

test('auth config keys use the shipped JSON Schema', () => {
  assert.match(hover(AUTHZ_CONFIG, at(AUTHZ_CONFIG, 'failurePolicy', 1))!.markdown, /^```yaml\nfailurePolicy: string\n```\n\nWhat happens when the webhook call fails/);
});

test('no hover on values, unknown kinds or broken expressions; never throws', () => {
  assert.equal(hover(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'replicas\n', 2)), undefined);
  assert.equal(hover('kind: Nope\napiVersion: x/v1\nfoo: 1\n', 25), undefined);
  const broken = DEPLOYMENT_POLICY.replace('object.spec.replicas <= 5', 'object.spec.( <=');
  for (let i = 0; i <= broken.length; i += 7) hover(broken, i);
});

test('hover still works in a half-typed expression, before and after the dangling dot', () => {
  const text = DEPLOYMENT_POLICY.replace('object.spec.replicas <= 5 &&', 'object.spec. && object.spec.paused &&');
  assert.deepEqual(shown(text, at(text, 'spec. &&', 1)), { text: 'spec', markdown: shown(DEPLOYMENT_POLICY, at(DEPLOYMENT_POLICY, 'spec.replicas', 1))!.markdown });
  assert.equal(shown(text, at(text, 'paused', 1))?.text, 'paused');
});

test('keys of a custom resource use its workspace CRD schema', () => {
  const schema = { type: 'object', properties: { spec: { type: 'object', description: 'Widget spec.', properties: { size: { type: 'integer', format: 'int64', description: 'How big.' } } } } };
  const workspace = { crdSchema: (g: string, v: string, k: string) => (g === 'example.com' && v === 'v1' && k === 'Widget' ? schema : undefined), crdKindsForResource: () => [] };
  const text = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: 3\n';
  const h = hoverAt(text, at(text, 'size', 1), OPTIONS, workspace);
  assert.deepEqual(h && { text: text.slice(h.start, h.end), markdown: h.markdown }, { text: 'size', markdown: '```yaml\nsize: integer (int64)\n```\n\nHow big.' });
});
