/** Small YAML files the language-feature tests share, and a cursor helper. */
import { EMPTY_WORKSPACE } from '../../server/src/engine/analyze.js';
import type { EngineOptions } from '../../server/src/engine/options.js';
import { crd, vap } from '../fixtures/k8s.js';

export const OPTIONS: EngineOptions = { kubernetesVersion: '1.35' };
export const WORKSPACE = EMPTY_WORKSPACE;

/** Offset of `needle` in `text` plus `delta`; fails loudly when the fixture changed. */
export function at(text: string, needle: string, delta = 0): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  return i + delta;
}

export const DEPLOYMENT_POLICY = `${vap({ name: 'replicas', apiGroup: 'apps', resource: 'deployments', operations: ['CREATE', 'UPDATE'] }, '')}  variables:
  - name: containers
    expression: object.spec.template.spec.containers
  validations:
  - expression: "object.spec.replicas <= 5 && variables.containers.all(c, c.name.startsWith('a'))"
    messageExpression: |
      'too many: ' + string(size(variables.containers))
`;

export const WIDGET_CRD = `${crd({ name: 'widgets.example.com', group: 'example.com', kind: 'Widget', plural: 'widgets', properties: '' })}          spec:
            type: object
            x-kubernetes-validations:
            - rule: >
                self.max__dash__size <= 10 &&
                self.tags.all(t, t.startsWith("a"))
              message: too big
            properties:
              max-size: {type: integer, description: Largest size.}
              tags: {type: array, items: {type: string}}
`;

export const AUTHZ_CONFIG = `apiVersion: apiserver.config.k8s.io/v1
kind: AuthorizationConfiguration
authorizers:
- type: Webhook
  name: webhook
  webhook:
    timeout: 3s
    subjectAccessReviewVersion: v1
    matchConditionSubjectAccessReviewVersion: v1
    failurePolicy: Deny
    connectionInfo:
      type: InClusterConfig
    matchConditions:
    - expression: request.resourceAttributes.namespace == 'kube-system'
`;
