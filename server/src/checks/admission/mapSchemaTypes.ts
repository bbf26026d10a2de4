import type { CelField, CelType } from '../../cel/api.js';
import { mapEnvironment, mapObjectType, type BuiltEnvironment, type MapField } from '../../cel/environments.js';
import { lazyObjectType, variablesType } from '../../cel/k8sTypes.js';
import type { EnvironmentFactory } from './policyExpressions.js';

/**
 * MutatingAdmissionPolicy environments. The apiserver types `Object`, `Object.<path>` with a
 * resolver that accepts any field name (k8s-cel.md §1.2), so a misspelt field in an apply
 * configuration is only found when the patch is merged, at admission time. Our schema-typed pass
 * resolves those names against the matched kind's schema instead (and types `object`/`params`
 * from their schemas, as for VAP), so what only it finds is reported as a warning naming the kind.
 */

const DYN: CelType = { kind: 'dyn' };
const patchViews = new WeakMap<CelType, CelType>();

/**
 * How a schema type looks inside an apply configuration: the same object types (same names, so
 * `object.spec` and `Object.spec{...}` still agree), but map-typed fields are dyn, because the
 * apiserver lets a map be written either as a map literal or as `Object.metadata.labels{k: v}`.
 */
function patchView(t: CelType): CelType {
  if (t.kind === 'map') return DYN;
  if (t.kind === 'list') return { kind: 'list', elem: patchView(t.elem) };
  if (t.kind !== 'object') return t;
  let view = patchViews.get(t);
  if (!view) {
    view = lazyObjectType(t.name, () => [...t.fields()].map(([name, f]) => [name, { ...f, type: patchView(f.type) }] as [string, CelField]));
    patchViews.set(t, view);
  }
  return view;
}

/** Lists and maps do not add a segment to `Object.*` names: `Object.spec.containers` is the element. */
function elementType(t: CelType): CelType {
  let cur = t;
  while (cur.kind === 'list' || cur.kind === 'map') cur = cur.kind === 'list' ? cur.elem : cur.value;
  return cur;
}

/** The schema object type an `Object.a.b` name denotes, or undefined when the path leaves the schema. */
function schemaTypeAtPath(root: CelType, path: string[]): CelType | undefined {
  let cur: CelType = root;
  for (const segment of path) {
    const obj = elementType(cur);
    if (obj.kind !== 'object') return undefined;
    const field = obj.fields().get(segment);
    if (!field) return undefined;
    cur = field.type;
  }
  const found = elementType(cur);
  return found.kind === 'object' ? found : undefined;
}

const typedNames = new WeakMap<CelType, WeakMap<object, Record<string, CelType>>>();

/**
 * The named types of the patch env with `Object*` resolved in `root`; names the schema does not
 * know (a preserve-unknown-fields subtree, a misspelt parent) keep the accept-anything type, as
 * the parent literal already reports the misspelt field.
 */
function schemaPatchTypes(root: CelType, base: Record<string, CelType>): Record<string, CelType> {
  let perRoot = typedNames.get(root);
  if (!perRoot) typedNames.set(root, (perRoot = new WeakMap()));
  const hit = perRoot.get(base);
  if (hit) return hit;
  const view = patchView(root);
  const resolve = (key: string): CelType | undefined => {
    if (key === 'Object') return view;
    if (key.startsWith('Object.')) return schemaTypeAtPath(view, key.slice('Object.'.length).split('.')) ?? mapObjectType(key);
    return undefined;
  };
  const types = new Proxy(base, {
    get: (target, key) => (typeof key === 'string' ? resolve(key) ?? target[key] : undefined),
    has: (target, key) => key in target,
  });
  perRoot.set(base, types);
  return types;
}

const derived = new WeakMap<BuiltEnvironment, WeakMap<CelType, BuiltEnvironment>>();

/** `base` with `object`, `oldObject`, `variables` and the patch types typed from `objectType`. */
function schemaTypedEnvironment(
  base: BuiltEnvironment,
  objectType: CelType,
  variables: ReadonlyArray<{ name: string; type: CelType | undefined }>,
  field: MapField,
): BuiltEnvironment {
  const cached = variables.length === 0 ? derived.get(base)?.get(objectType) : undefined;
  if (cached) return cached;
  const vars: Record<string, CelType> = { ...base.config.variables, object: objectType, oldObject: objectType };
  if ('variables' in vars) vars.variables = variablesType(variables, true);
  const rootIsSchema = objectType.kind === 'object';
  const types = base.config.types && rootIsSchema ? schemaPatchTypes(objectType, base.config.types) : base.config.types;
  // `Object{...}` now has the kind's type; the result check must accept it.
  const expected = field === 'applyConfiguration' && rootIsSchema && base.expected.kind === 'exact'
    ? { ...base.expected, types: [objectType] }
    : base.expected;
  const env: BuiltEnvironment = { ...base, config: { ...base.config, variables: vars, ...(types ? { types } : {}) }, expected };
  if (variables.length === 0) {
    let perBase = derived.get(base);
    if (!perBase) derived.set(base, (perBase = new WeakMap()));
    perBase.set(objectType, env);
  }
  return env;
}

/** Environments of MutatingAdmissionPolicy expressions: the apiserver's for the dyn pass, schema-typed for the others. */
export const mapEnvironmentFactory: EnvironmentFactory = ({ version, pass, variables, field }) => {
  // The MAP check collects only matchCondition, variable and the two mutation fields.
  const mapField = field as MapField;
  const base = mapEnvironment({ version, phase: 'new', paramsType: pass.paramsType, variables, field: mapField });
  return pass.gvk ? schemaTypedEnvironment(base, pass.objectType, variables, mapField) : base;
};
