/**
 * Hover on a YAML key: the field's schema description and type, from the bundled Kubernetes
 * OpenAPI (or a workspace CRD) for Kubernetes objects, from the shipped JSON Schemas for the
 * apiserver's Authentication/AuthorizationConfiguration files.
 */
import { isMap, isPair, isScalar } from 'yaml';
import type { DocumentInput, WorkspaceIndex } from '../checks/types.js';
import { authConfigFieldDoc } from '../checks/authConfig/schemaLookup.js';
import { parseApiVersion } from '../checks/admission/resourceTypes.js';
import { BUNDLED_VERSIONS, type EngineOptions, type KubernetesVersion } from '../engine/options.js';
import { getIn, nodeAtOffset, nodeRange, scalarString, type YamlPath } from '../engine/yamlNav.js';
import { bundledSchemas, schemasFor, type OpenApiSchema, type SchemaSource } from '../schemas/registry.js';

export interface KeyHover {
  /** Document offsets of the key. */
  start: number;
  end: number;
  markdown: string;
}

/** The key Scalar under `offset` with its path, or undefined when the offset is not on a key. */
function keyAt(input: DocumentInput, offset: number): { path: YamlPath; range: { start: number; end: number } } | undefined {
  const { path, nodes } = nodeAtOffset(input.doc, offset);
  const last = nodes[nodes.length - 1];
  const parent = nodes[nodes.length - 2];
  if (!isScalar(last) || !isMap(parent)) return undefined;
  if (!parent.items.some((p) => isPair(p) && p.key === last)) return undefined;
  const range = nodeRange(last);
  return range ? { path, range } : undefined;
}

/** Follows `$ref` (and the `allOf: [{$ref}]` wrapper the bundles use); sibling keywords win. */
export function deref(node: unknown, source: SchemaSource): OpenApiSchema | undefined {
  let current = node as OpenApiSchema | undefined;
  for (let hops = 0; current && hops < 8; hops++) {
    const ref = typeof current.$ref === 'string' ? current.$ref : Array.isArray(current.allOf) && current.allOf.length === 1 ? current.allOf[0]?.$ref : undefined;
    if (typeof ref !== 'string') return current;
    const target = source.resolveRef(ref);
    if (!target) return current;
    const { $ref: _r, allOf: _a, ...siblings } = current;
    current = { ...target, ...siblings, 'x-kcg-ref': ref };
  }
  return current;
}

function schemaAtPath(root: OpenApiSchema, path: YamlPath, source: SchemaSource): OpenApiSchema | undefined {
  let node = deref(root, source);
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = deref(node.items, source);
    else {
      const props = node.properties as Record<string, unknown> | undefined;
      const next = props && Object.hasOwn(props, seg) ? props[seg] : typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
      node = deref(next, source);
    }
  }
  return node;
}

/** `integer (int32)`, `[]Container`, `map[string]string`, `PodSpec`. */
function schemaTypeName(s: OpenApiSchema | undefined, source: SchemaSource): string {
  if (!s) return 'unknown';
  const ref = s['x-kcg-ref'];
  if (typeof ref === 'string' && s.type !== 'string' && s.type !== 'integer') return ref.split('.').pop()!;
  if (s.type === 'array') return `[]${schemaTypeName(deref(s.items, source), source)}`;
  if (s.type === 'object' && typeof s.additionalProperties === 'object' && !s.properties) {
    return `map[string]${schemaTypeName(deref(s.additionalProperties, source), source)}`;
  }
  if (typeof s.type === 'string') return s.format ? `${s.type} (${s.format})` : s.type;
  return 'object';
}

/** The kind's schema: the cluster's or the bundled one (see schemasFor), else the workspace CRD's. */
function kubernetesSchema(group: string, version: string, kind: string, options: EngineOptions, workspace: WorkspaceIndex): { root: OpenApiSchema; source: SchemaSource; bundled: boolean } | undefined {
  const source = schemasFor(options);
  const builtin = source.schemaForKind(group, version, kind);
  if (builtin) return { root: builtin, source, bundled: true };
  const crd = workspace.crdSchema(group, version, kind);
  return crd && typeof crd === 'object' ? { root: crd as OpenApiSchema, source, bundled: false } : undefined;
}

/** `since 1.32` when the field is missing from the oldest bundled versions. */
function sinceNote(group: string, version: string, kind: string, path: YamlPath): string | undefined {
  const present = BUNDLED_VERSIONS.filter((v) => {
    const source = bundledSchemas(v);
    const root = source.schemaForKind(group, version, kind);
    return root !== undefined && schemaAtPath(root, path, source) !== undefined;
  });
  if (present.length === 0 || present[0] === BUNDLED_VERSIONS[0]) return undefined;
  return `since Kubernetes ${present[0]}`;
}

function render(name: string, type: string | undefined, description: string | undefined, note: string | undefined): string {
  const parts = ['```yaml\n' + `${name}: ${type ?? 'unknown'}` + '\n```'];
  if (description) parts.push(description);
  if (note) parts.push(`*${note}*`);
  return parts.join('\n\n');
}

/** The object a key belongs to: the document, or the item of a `v1 List` it is in. */
function objectOf(input: DocumentInput, path: YamlPath): { apiVersion?: string; kind?: string; path: YamlPath } {
  if (input.kind === 'List' && input.apiVersion === 'v1' && path[0] === 'items' && typeof path[1] === 'number') {
    const item = getIn(input.doc.contents, ['items', path[1]]);
    return { apiVersion: scalarString(getIn(item, ['apiVersion'])), kind: scalarString(getIn(item, ['kind'])), path: path.slice(2) };
  }
  return { apiVersion: input.apiVersion, kind: input.kind, path };
}

export function yamlKeyHoverAt(input: DocumentInput, offset: number, options: EngineOptions, workspace: WorkspaceIndex): KeyHover | undefined {
  const key = keyAt(input, offset);
  if (!key || key.path.length === 0) return undefined;
  const { apiVersion, kind, path } = objectOf(input, key.path);
  if (!kind || !apiVersion || path.length === 0) return undefined;
  const name = String(path[path.length - 1]);
  if (kind === 'AuthenticationConfiguration' || kind === 'AuthorizationConfiguration') {
    const doc = authConfigFieldDoc(kind, apiVersion, path);
    if (!doc) return undefined;
    return { ...key.range, markdown: render(name, doc.type, doc.description, doc.since ? `since Kubernetes ${doc.since}` : undefined) };
  }
  const { group, version } = parseApiVersion(apiVersion);
  const found = kubernetesSchema(group, version, kind, options, workspace);
  if (!found) return undefined;
  const schema = schemaAtPath(found.root, path, found.source);
  if (!schema) return undefined;
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const note = found.bundled ? sinceNote(group, version, kind, path) : undefined;
  return { ...key.range, markdown: render(name, schemaTypeName(schema, found.source), description, note) };
}
