/**
 * How functions, macros and types are presented to the user: signatures in CEL's own spelling,
 * the macros (which are syntax, not overloads, so the environment does not list them), and which
 * overloads apply to a receiver type.
 */
import type { CelType, OverloadDecl } from '../cel/api.js';
import { Substitution, formatType, isAssignable } from '../cel/types.js';
import type { GroupVersionKind } from '../schemas/registry.js';

/** `list(A).indexOf(A) -> int`, `size(string) -> int`. */
export function signature(o: OverloadDecl): string {
  const params = o.params.map(formatType).join(', ');
  const head = o.receiver ? `${formatType(o.receiver)}.${o.name}` : o.name;
  return `${head}(${params}) -> ${formatType(o.result)}`;
}

export interface MacroDoc {
  name: string;
  /** Receiver macros are written `list.all(x, p)`; `has` is global. */
  member: boolean;
  signature: string;
  doc: string;
  /** LSP snippet with placeholders. */
  snippet: string;
}

export const MACROS: readonly MacroDoc[] = [
  { name: 'has', member: false, signature: 'has(x.f) -> bool', doc: 'Whether the field `f` of `x` is set (for maps: whether the key is present).', snippet: 'has(${1:object.field})' },
  { name: 'all', member: true, signature: 'list.all(x, predicate) -> bool', doc: 'True if the predicate holds for every element (every key of a map).', snippet: 'all(${1:x}, ${2:predicate})' },
  { name: 'exists', member: true, signature: 'list.exists(x, predicate) -> bool', doc: 'True if the predicate holds for at least one element (key of a map).', snippet: 'exists(${1:x}, ${2:predicate})' },
  { name: 'exists_one', member: true, signature: 'list.exists_one(x, predicate) -> bool', doc: 'True if the predicate holds for exactly one element (key of a map).', snippet: 'exists_one(${1:x}, ${2:predicate})' },
  { name: 'map', member: true, signature: 'list.map(x, transform) -> list', doc: 'The list of `transform` applied to each element (key of a map); `map(x, filter, transform)` transforms only the elements the filter keeps.', snippet: 'map(${1:x}, ${2:transform})' },
  { name: 'filter', member: true, signature: 'list.filter(x, predicate) -> list', doc: 'The elements (keys of a map) for which the predicate holds.', snippet: 'filter(${1:x}, ${2:predicate})' },
];

export function macroNamed(name: string, member: boolean): MacroDoc | undefined {
  return MACROS.find((m) => m.name === name && m.member === member) ?? (name === 'existsOne' && member ? MACROS.find((m) => m.name === 'exists_one') : undefined);
}

/** Whether a receiver macro applies to values of this type (lists and maps, or unknown). */
export function macrosApplyTo(t: CelType): boolean {
  return t.kind === 'list' || t.kind === 'map' || t.kind === 'dyn' || t.kind === 'any';
}

/** Operators and internal overloads (`_+_`, `@in`, `!_`) are not functions a user calls by name. */
export function isCallableName(name: string): boolean {
  return /^[A-Za-z][\w.]*$/.test(name);
}

/** Member overloads whose receiver a value of type `t` can be passed as. */
export function receiverOverloads(functions: ReadonlyMap<string, readonly OverloadDecl[]>, t: CelType): OverloadDecl[] {
  const out: OverloadDecl[] = [];
  for (const [name, overloads] of functions) {
    if (!isCallableName(name)) continue;
    for (const o of overloads) {
      if (!o.receiver) continue;
      // dyn receivers accept every method, as the checker does.
      if (isAssignable(new Substitution(), t, o.receiver)) out.push(o);
    }
  }
  return out;
}

/** `apps/v1 Deployment`, `v1 Pod`. */
export function formatKind(g: GroupVersionKind): string {
  return `${g.group ? `${g.group}/` : ''}${g.version} ${g.kind}`;
}

/** A fenced CEL code block. */
export function celBlock(code: string): string {
  return '```cel\n' + code + '\n```';
}

/** One line on what a CEL variable holds, by environment (k8s-cel.md §1–2). */
const VARIABLE_DOCS: Record<string, string> = {
  object: 'The object from the incoming request; null for DELETE.',
  oldObject: 'The existing object; null for CREATE.',
  request: 'Attributes of the admission request: kind, resource, subResource, name, namespace, operation, userInfo, dryRun…',
  params: "The parameter resource the binding's paramRef selects (typed from spec.paramKind); null when there is none.",
  namespaceObject: "The Namespace the object belongs to; null for cluster-scoped objects and in matchConditions.",
  authorizer: "Authorization checks for the request's user: `authorizer.group(…).resource(…).check(verb)`, `authorizer.requestResource`.",
  variables: "The policy's spec.variables by name, each computed at most once per evaluation.",
  'variables.': 'Declared in spec.variables.',
  oldSelf: 'The value before the update (a transition rule: not run on create, unless optionalOldSelf).',
  claims: 'The claims of the JWT, by name (`claims.sub`, `claims.email`, …).',
  user: 'The user the claim mappings produced: username, uid, groups, extra.',
};

export function variableDoc(name: string, ctx: { label: string; selfPath?: string }): string | undefined {
  if (name === 'self') return ctx.selfPath ? `The value at \`${ctx.selfPath}\`.` : 'The value the rule validates.';
  // AuthorizationConfiguration's matchConditions see a SubjectAccessReview, not an admission request.
  if (name === 'request' && ctx.label.startsWith('authorizers[')) return 'The SubjectAccessReview spec of the request being authorized: user, groups, uid, extra, resourceAttributes, nonResourceAttributes.';
  return Object.hasOwn(VARIABLE_DOCS, name) ? VARIABLE_DOCS[name] : undefined;
}
