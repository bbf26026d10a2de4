/**
 * The synthetic CEL types Kubernetes declares for its CEL variables and libraries
 * (k8s-cel.md §2), built exactly as the apiserver declares them: same type names, same
 * fields, and nothing more, so that unknown fields give `undefined field '<f>'`.
 */
import type { CelField, CelType } from './api.js';

// ---- small constructors (shared with the other Kubernetes-dialect modules) ----

export const T = {
  int: { kind: 'int' } as CelType,
  uint: { kind: 'uint' } as CelType,
  double: { kind: 'double' } as CelType,
  bool: { kind: 'bool' } as CelType,
  string: { kind: 'string' } as CelType,
  bytes: { kind: 'bytes' } as CelType,
  null: { kind: 'null_type' } as CelType,
  timestamp: { kind: 'timestamp' } as CelType,
  duration: { kind: 'duration' } as CelType,
  dyn: { kind: 'dyn' } as CelType,
  any: { kind: 'any' } as CelType,
} as const;

export function listOf(elem: CelType): CelType {
  return { kind: 'list', elem };
}

export function mapOf(key: CelType, value: CelType): CelType {
  return { kind: 'map', key, value };
}

export function optionalOf(of: CelType): CelType {
  return { kind: 'opaque', name: 'optional_type', params: [of] };
}

/**
 * An object type whose fields are computed on first use and cached. `build` may return
 * CelTypes or full CelFields (plain CelTypes get jsonName = the key).
 */
export function lazyObjectType(
  name: string,
  build: () => Iterable<[string, CelType | CelField]> | Record<string, CelType | CelField>,
  description?: string,
): CelType {
  let cache: ReadonlyMap<string, CelField> | undefined;
  const fields = (): ReadonlyMap<string, CelField> => {
    if (!cache) {
      const built = build();
      const entries = Symbol.iterator in built ? [...(built as Iterable<[string, CelType | CelField]>)] : Object.entries(built);
      cache = new Map(entries.map(([k, v]) => [k, isField(v) ? v : { type: v, jsonName: k }]));
    }
    return cache;
  };
  return description === undefined ? { kind: 'object', name, fields } : { kind: 'object', name, fields, description };
}

/** An object type with a fixed field list (the synthetic Kubernetes types). */
export function objectType(name: string, fields: Record<string, CelType>): CelType {
  return lazyObjectType(name, () => fields);
}

function isField(v: CelType | CelField): v is CelField {
  return 'jsonName' in v;
}

// ---- library types (§2.9) ----

/** Declared by cel-go as object types without fields (selection gives `undefined field`). */
export const QUANTITY = objectType('kubernetes.Quantity', {});
export const URL_TYPE = objectType('kubernetes.URL', {});
export const SEMVER = objectType('kubernetes.Semver', {});
export const NAMED_FORMAT = objectType('kubernetes.NamedFormat', {});
/** Opaque: selection gives `type 'net.IP' does not support field selection`. */
export const IP: CelType = { kind: 'opaque', name: 'net.IP', params: [] };
export const CIDR: CelType = { kind: 'opaque', name: 'net.CIDR', params: [] };

// ---- authorizer (§2.2): five field-less object types, all access is through functions ----

export const AUTHORIZER = objectType('kubernetes.authorization.Authorizer', {});
export const PATH_CHECK = objectType('kubernetes.authorization.PathCheck', {});
export const GROUP_CHECK = objectType('kubernetes.authorization.GroupCheck', {});
export const RESOURCE_CHECK = objectType('kubernetes.authorization.ResourceCheck', {});
export const DECISION = objectType('kubernetes.authorization.Decision', {});

/** Short names used in k8s-cel-functions.json → CEL types. */
export const LIBRARY_TYPES: Readonly<Record<string, CelType>> = {
  Quantity: QUANTITY,
  URL: URL_TYPE,
  Semver: SEMVER,
  NamedFormat: NAMED_FORMAT,
  IP,
  CIDR,
  Authorizer: AUTHORIZER,
  PathCheck: PATH_CHECK,
  GroupCheck: GROUP_CHECK,
  ResourceCheck: RESOURCE_CHECK,
  Decision: DECISION,
};

// ---- admission (§2.1, §2.3, §2.4) ----

export const USER_INFO = objectType('kubernetes.UserInfo', {
  username: T.string,
  uid: T.string,
  groups: listOf(T.string),
  extra: mapOf(T.string, listOf(T.string)),
});

const GVK = objectType('kubernetes.GroupVersionKind', { group: T.string, version: T.string, kind: T.string });
const GVR = objectType('kubernetes.GroupVersionResource', { group: T.string, version: T.string, resource: T.string });

/** `request` in admission CEL. No `uid`, `object` or `oldObject` fields (upstream omits them). */
export const ADMISSION_REQUEST = objectType('kubernetes.AdmissionRequest', {
  kind: GVK,
  resource: GVR,
  subResource: T.string,
  requestKind: GVK,
  requestResource: GVR,
  requestSubResource: T.string,
  name: T.string,
  namespace: T.string,
  operation: T.string,
  userInfo: USER_INFO,
  dryRun: T.bool,
  options: T.dyn,
});

/** `namespaceObject`. Note the upper-case `UID`: upstream declares it that way (§2.3). */
export const NAMESPACE = objectType('kubernetes.Namespace', {
  metadata: objectType('kubernetes.NamespaceMetadata', {
    name: T.string,
    generateName: T.string,
    namespace: T.string,
    labels: mapOf(T.string, T.string),
    annotations: mapOf(T.string, T.string),
    UID: T.string,
    creationTimestamp: T.timestamp,
    deletionGracePeriodSeconds: T.int,
    deletionTimestamp: T.timestamp,
    generation: T.int,
    resourceVersion: T.string,
    finalizers: listOf(T.string),
  }),
  spec: objectType('kubernetes.NamespaceSpec', { finalizers: listOf(T.string) }),
  status: objectType('kubernetes.NamespaceStatus', {
    conditions: listOf(
      objectType('kubernetes.NamespaceCondition', {
        status: T.string,
        type: T.string,
        lastTransitionTime: T.timestamp,
        message: T.string,
        reason: T.string,
      }),
    ),
    phase: T.string,
  }),
});

// ---- authorization webhook matchConditions (§2.6) ----

function selectorAttributes(name: string): CelType {
  return objectType(name, {
    rawSelector: T.string,
    requirements: listOf(
      objectType('kubernetes.SelectorRequirement', { key: T.string, operator: T.string, values: listOf(T.string) }),
    ),
  });
}

/**
 * `request` in AuthorizationConfiguration matchConditions. fieldSelector/labelSelector exist
 * only with the AuthorizeWithSelectors feature (alpha 1.31, on by default since 1.32).
 */
export function subjectAccessReviewSpecType(withSelectors: boolean): CelType {
  const resourceAttributes: Record<string, CelType> = {
    namespace: T.string,
    verb: T.string,
    group: T.string,
    version: T.string,
    resource: T.string,
    subresource: T.string,
    name: T.string,
  };
  if (withSelectors) {
    resourceAttributes.fieldSelector = selectorAttributes('kubernetes.FieldSelectorAttributes');
    resourceAttributes.labelSelector = selectorAttributes('kubernetes.LabelSelectorAttributes');
  }
  return objectType('kubernetes.SubjectAccessReviewSpec', {
    resourceAttributes: objectType('kubernetes.ResourceAttributes', resourceAttributes),
    nonResourceAttributes: objectType('kubernetes.NonResourceAttributes', { path: T.string, verb: T.string }),
    user: T.string,
    groups: listOf(T.string),
    extra: mapOf(T.string, listOf(T.string)),
    uid: T.string,
  });
}

// ---- MutatingAdmissionPolicy patch types (§1.2, §2.8) ----

export const JSON_PATCH = objectType('JSONPatch', { op: T.string, path: T.string, from: T.string, value: T.dyn });

// ---- VAP/MAP `variables` (§2.5) ----

/**
 * The type a compiled variable contributes to `variables`: scalars and `any` are kept,
 * lists and maps are rebuilt recursively, everything else (objects, optionals, library
 * types, type values) becomes dyn. A variable that failed to compile is passed as undefined.
 */
export function variableFieldType(t: CelType | undefined): CelType {
  if (!t) return T.dyn;
  switch (t.kind) {
    case 'bool': case 'bytes': case 'double': case 'duration': case 'int': case 'null_type':
    case 'string': case 'timestamp': case 'uint': case 'any':
      return t;
    case 'list':
      return listOf(variableFieldType(t.elem));
    case 'map':
      return mapOf(variableFieldType(t.key), variableFieldType(t.value));
    default:
      return T.dyn;
  }
}

/** The `variables` object type (`kubernetes.variables`), one field per variable, in order. */
/**
 * keepTypes (lead's addition): keep each variable's full type instead of the apiserver's
 * dyn-ification of object types (§2.5). The schema-typed pass uses it so a misspelt field on
 * `variables.containers` elements is found; only typed passes use it, and what they find beyond
 * the apiserver is reported as a warning.
 */
export function variablesType(variables: ReadonlyArray<{ name: string; type: CelType | undefined }>, keepTypes = false): CelType {
  return lazyObjectType('kubernetes.variables', () =>
    variables.map((v) => [v.name, keepTypes && v.type ? v.type : variableFieldType(v.type)] as [string, CelType]),
  );
}
