/**
 * A policy on a custom resource whose expression misspells a field: only the CRD's schema (from
 * the workspace index) reveals it. Shared by the LSP and CLI tests of the index.
 */
export function widgetCrd(fields: string[] = ['size']): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
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
${fields.map((f) => `                ${f}: {type: string}`).join('\n')}
`;
}

export const WIDGET_POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: widget-size}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: ["example.com"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["widgets"]
  validations:
  - expression: "object.spec.sizee == 'small'"
`;

/** Where the misspelt `sizee` starts: 0-based LSP line/character, 1-based CLI line/column. */
export const SIZEE = { line: 12, character: 28 };

export const UNDEFINED_FIELD_CODE = 'KCG1003';
