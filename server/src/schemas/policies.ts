import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { splitDocuments } from '../engine/documents.js';
import { fastParseDocument } from '../engine/yamlFastPath.js';
import type { AdmissionPolicyInfo, AdmissionPolicyKind } from '../checks/types.js';

const POLICY_KINDS: ReadonlySet<string> = new Set<AdmissionPolicyKind>(['ValidatingAdmissionPolicy', 'MutatingAdmissionPolicy']);

function str(v: unknown): string | undefined {
  return isScalar(v) && typeof v.value === 'string' && v.value !== '' ? v.value : undefined;
}

/** A policy from one YAML object node, with offsets shifted by `base` (the chunk's start). */
function policyFromNode(node: unknown, base: number): AdmissionPolicyInfo | undefined {
  if (!isMap(node)) return undefined;
  const kind = str(node.get('kind', true));
  const apiVersion = str(node.get('apiVersion', true));
  if (!kind || !POLICY_KINDS.has(kind) || !apiVersion?.startsWith('admissionregistration.k8s.io/')) return undefined;
  const metadata = node.get('metadata', true);
  const nameNode = isMap(metadata) ? metadata.get('name', true) : undefined;
  const name = str(nameNode);
  if (!name || !isScalar(nameNode) || !nameNode.range) return undefined;
  const info: AdmissionPolicyInfo = { kind: kind as AdmissionPolicyKind, name, offset: base + nameNode.range[0], end: base + nameNode.range[1] };
  const spec = node.get('spec', true);
  const paramKind = isMap(spec) ? spec.get('paramKind', true) : undefined;
  if (isMap(paramKind)) info.paramKind = { apiVersion: str(paramKind.get('apiVersion', true)), kind: str(paramKind.get('kind', true)) };
  return info;
}

/**
 * Every ValidatingAdmissionPolicy and MutatingAdmissionPolicy of a YAML file, including items of
 * a `v1 List`, with the offset of its metadata.name in the file. Only documents that mention
 * AdmissionPolicy are parsed; broken ones are skipped, never thrown.
 */
export function policiesFromText(text: string): AdmissionPolicyInfo[] {
  if (typeof text !== 'string' || !text.includes('AdmissionPolicy')) return [];
  const out: AdmissionPolicyInfo[] = [];
  const seen = new Map<string, AdmissionPolicyInfo[]>();
  for (const chunk of splitDocuments(text)) {
    if (!chunk.text.includes('AdmissionPolicy')) continue;
    const local = seen.get(chunk.text) ?? policiesOfDocument(chunk.text);
    seen.set(chunk.text, local);
    for (const p of local) out.push({ ...p, offset: p.offset + chunk.start, end: p.end + chunk.start });
  }
  // Keep what this text needs: the editor calls this on every keystroke, and only the document
  // being edited changes, so every other document is a cache hit instead of a YAML parse.
  documentPolicies = seen;
  return out;
}

/** Policies of the last text seen, by document text, with offsets relative to the document. */
let documentPolicies = new Map<string, AdmissionPolicyInfo[]>();

function policiesOfDocument(docText: string): AdmissionPolicyInfo[] {
  const cached = documentPolicies.get(docText);
  if (cached) return cached;
  try {
    return policiesOfRoot((fastParseDocument(docText) ?? parseDocument(docText, { strict: false, prettyErrors: false })).contents);
  } catch {
    // Not YAML we can read: this document defines no policy.
    return [];
  }
}

function policiesOfRoot(root: unknown): AdmissionPolicyInfo[] {
  const found: AdmissionPolicyInfo[] = [];
  const items = isMap(root) && str(root.get('kind', true)) === 'List' ? root.get('items', true) : undefined;
  for (const node of isSeq(items) ? items.items : [root]) {
    const policy = policyFromNode(node, 0);
    if (policy) found.push(policy);
  }
  return found;
}

/**
 * The engine parsed a document to check it: keep its policies, so that the editor's index, which
 * reads an open file's policies after the file was checked, parses nothing a second time.
 */
export function rememberDocumentPolicies(docText: string, root: unknown): void {
  if (!docText.includes('AdmissionPolicy') || documentPolicies.has(docText)) return;
  // Only a hand-over to the next read: a checker that never reads policies (the CLI checking many
  // files) must not collect every policy it ever saw.
  if (documentPolicies.size >= 10_000) documentPolicies = new Map();
  try {
    documentPolicies.set(docText, policiesOfRoot(root));
  } catch {
    // The engine reports what is wrong with the document; it simply defines no policy here.
  }
}

/** Lookup by kind and name, in the order the policies were given. */
export function policyLookup(policies: AdmissionPolicyInfo[]): (kind: AdmissionPolicyKind, name: string) => AdmissionPolicyInfo[] {
  const byKey = new Map<string, AdmissionPolicyInfo[]>();
  for (const p of policies) {
    const key = `${p.kind}/${p.name}`;
    const list = byKey.get(key);
    if (list) list.push(p);
    else byKey.set(key, [p]);
  }
  return (kind, name) => byKey.get(`${kind}/${name}`) ?? [];
}
