import { parseDocument } from 'yaml';
import { splitDocuments } from '../engine/documents.js';
import { fastParseDocument } from '../engine/yamlFastPath.js';
import type { OpenApiSchema } from './registry.js';

export interface CrdVersionInfo {
  name: string;
  served: boolean;
  storage: boolean;
  /** spec.versions[].schema.openAPIV3Schema, self-contained (CRD schemas have no $refs). */
  schema?: OpenApiSchema;
}

export interface CrdInfo {
  group: string;
  names: { kind: string; plural: string; singular?: string; shortNames?: string[]; listKind?: string };
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersionInfo[];
  /** Where the CRD document starts: file path (set by the workspace index) and offset in that file. */
  path?: string;
  offset: number;
}

const CRD_MARKER = 'CustomResourceDefinition';

/**
 * Every `apiextensions.k8s.io/v1` CustomResourceDefinition in a YAML file. Only documents that
 * mention the kind are parsed (workspaces are mostly other YAML); broken documents are skipped,
 * never thrown.
 */
export function crdsFromText(text: string): CrdInfo[] {
  if (typeof text !== 'string' || !text.includes(CRD_MARKER)) return [];
  const out: CrdInfo[] = [];
  for (const chunk of splitDocuments(text)) {
    if (!chunk.text.includes(CRD_MARKER)) continue;
    try {
      const doc = fastParseDocument(chunk.text) ?? parseDocument(chunk.text, { strict: false, prettyErrors: false });
      const crd = crdFromObject(doc.toJS({ maxAliasCount: 100 }), chunk.start);
      if (crd) out.push(crd);
    } catch {
      // Not valid YAML or too many aliases: this document defines nothing we can use.
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A CrdInfo from a parsed document, or undefined when it is not a usable v1 CRD. */
export function crdFromObject(obj: unknown, offset = 0): CrdInfo | undefined {
  if (!isRecord(obj) || obj.apiVersion !== 'apiextensions.k8s.io/v1' || obj.kind !== CRD_MARKER) return undefined;
  const spec = obj.spec;
  if (!isRecord(spec) || !isRecord(spec.names)) return undefined;
  const group = str(spec.group);
  const kind = str(spec.names.kind);
  const plural = str(spec.names.plural);
  if (!group || !kind || !plural) return undefined;
  const names: CrdInfo['names'] = { kind, plural };
  const singular = str(spec.names.singular);
  if (singular) names.singular = singular;
  const listKind = str(spec.names.listKind);
  if (listKind) names.listKind = listKind;
  if (Array.isArray(spec.names.shortNames)) names.shortNames = spec.names.shortNames.filter((s: unknown): s is string => typeof s === 'string');

  const versions: CrdVersionInfo[] = [];
  for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
    if (!isRecord(v) || !str(v.name)) continue;
    const schema = isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
    versions.push({ name: v.name, served: v.served === true, storage: v.storage === true, ...(schema ? { schema } : {}) });
  }
  return { group, names, scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced', versions, offset };
}
