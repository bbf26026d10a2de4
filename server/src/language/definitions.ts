/**
 * Go to definition and find references for admission policies:
 * - `variables.<name>` in a policy's CEL → the `name:` of that entry of spec.variables;
 * - a binding's `spec.policyName` → the policy's metadata.name (in this file or another one of
 *   the workspace, from the workspace index);
 * - references of a variable: every `variables.<name>` in the CEL of the same policy.
 * Plain functions over the text, like the checks; the LSP adapter only converts positions.
 */
import { isScalar, type Scalar } from 'yaml';
import type { AdmissionPolicyKind, DocumentInput, WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { splitDocuments, parseChunk } from '../engine/documents.js';
import { checkTargets } from '../engine/analyze.js';
import { embeddedString, type EmbeddedString } from '../engine/embeddedString.js';
import { getIn, nodeRange, scalarString, seqItems } from '../engine/yamlNav.js';

/** A place in a file: `path` undefined means the file the request was about. Offsets are file offsets. */
export interface SourceLocation {
  path?: string;
  start: number;
  end: number;
}

const POLICY_OF_BINDING: Record<string, AdmissionPolicyKind> = {
  ValidatingAdmissionPolicyBinding: 'ValidatingAdmissionPolicy',
  MutatingAdmissionPolicyBinding: 'MutatingAdmissionPolicy',
};
const POLICY_KINDS = new Set(['ValidatingAdmissionPolicy', 'MutatingAdmissionPolicy']);

/** Paths (under spec) of every CEL field of a VAP or MAP that can use `variables`. */
const CEL_FIELDS: Array<[string, string[]]> = [
  ['matchConditions', ['expression']],
  ['variables', ['expression']],
  ['validations', ['expression']],
  ['validations', ['messageExpression']],
  ['auditAnnotations', ['valueExpression']],
  ['mutations', ['applyConfiguration', 'expression']],
  ['mutations', ['jsonPatch', 'expression']],
];

/** The object (document, or item of a v1 List) that contains the file offset, with the chunk's start. */
function objectAt(text: string, offset: number): { input: DocumentInput; base: number } | undefined {
  for (const chunk of splitDocuments(text)) {
    if (offset < chunk.start || offset > chunk.start + chunk.text.length) continue;
    const local = offset - chunk.start;
    for (const input of checkTargets(parseChunk(chunk))) {
      const r = nodeRange(input.doc.contents);
      if (r && r.start <= local && local <= r.end) return { input, base: chunk.start };
    }
  }
  return undefined;
}

/** String literals blanked out (same length), so `'variables.x'` in a message is not a use. */
function withoutStringLiterals(expression: string): string {
  return expression.replace(/[rRbB]{0,2}("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')/g, (m) => ' '.repeat(m.length));
}

interface VariableUse {
  name: string;
  /** Document offsets of the name after `variables.`. */
  start: number;
  end: number;
}

function usesIn(source: EmbeddedString): VariableUse[] {
  const out: VariableUse[] = [];
  const code = withoutStringLiterals(source.value);
  for (const m of code.matchAll(/(?<![\w.])variables\s*\.\s*([A-Za-z_]\w*)/g)) {
    const nameStart = m.index! + m[0].length - m[1].length;
    const r = source.sourceRange(nameStart, nameStart + m[1].length);
    out.push({ name: m[1], ...r });
  }
  return out;
}

/** Every `variables.<name>` in the CEL of a policy object. */
function variableUses(input: DocumentInput): VariableUse[] {
  const spec = getIn(input.doc.contents, ['spec']);
  const out: VariableUse[] = [];
  for (const [list, path] of CEL_FIELDS) {
    for (const item of seqItems(getIn(spec, [list]))) {
      const node = getIn(item, path);
      if (!isScalar(node)) continue;
      const source = embeddedString(node as Scalar, input.text);
      if (source) out.push(...usesIn(source));
    }
  }
  return out;
}

/** The `name:` value nodes of spec.variables, by name (first wins, as duplicates are rejected). */
function variableDeclarations(input: DocumentInput): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  for (const v of seqItems(getIn(input.doc.contents, ['spec', 'variables']))) {
    const nameNode = getIn(v, ['name']);
    const name = scalarString(nameNode);
    const r = nodeRange(nameNode);
    if (name && r && !out.has(name)) out.set(name, r);
  }
  return out;
}

const within = (r: { start: number; end: number }, at: number) => r.start <= at && at <= r.end;

/** The variable the document offset is on: a use in CEL, or its declaration's name. */
function variableAt(input: DocumentInput, local: number): string | undefined {
  const use = variableUses(input).find((u) => within(u, local));
  if (use) return use.name;
  for (const [name, r] of variableDeclarations(input)) if (within(r, local)) return name;
  return undefined;
}

const shift = (r: { start: number; end: number }, base: number, path?: string): SourceLocation => ({
  ...(path !== undefined ? { path } : {}), start: r.start + base, end: r.end + base,
});

/** Where the symbol at `offset` is defined; [] when there is nothing to go to. Never throws. */
export function definitionAt(text: string, offset: number, _options: EngineOptions, workspace: WorkspaceIndex): SourceLocation[] {
  try {
    const found = objectAt(text, offset);
    if (!found) return [];
    const { input, base } = found;
    const local = offset - base;
    if (input.kind && POLICY_KINDS.has(input.kind)) {
      const name = variableAt(input, local);
      const declared = name === undefined ? undefined : variableDeclarations(input).get(name);
      return declared ? [shift(declared, base)] : [];
    }
    const policyKind = input.kind && Object.hasOwn(POLICY_OF_BINDING, input.kind) ? POLICY_OF_BINDING[input.kind] : undefined;
    if (!policyKind) return [];
    const nameNode = getIn(input.doc.contents, ['spec', 'policyName']);
    const name = scalarString(nameNode);
    const r = nodeRange(nameNode);
    if (!name || !r || !within(r, local)) return [];
    return (workspace.policies?.(policyKind, name) ?? []).map((p) => ({ ...(p.path !== undefined ? { path: p.path } : {}), start: p.offset, end: p.end }));
  } catch {
    return [];
  }
}

/**
 * The uses of the variable at `offset` (on a use or on its declaration) in the same policy, in
 * document order, with the declaration first when asked for. Never throws.
 */
export function referencesAt(text: string, offset: number, _options: EngineOptions, includeDeclaration = true): SourceLocation[] {
  try {
    const found = objectAt(text, offset);
    if (!found || !found.input.kind || !POLICY_KINDS.has(found.input.kind)) return [];
    const { input, base } = found;
    const name = variableAt(input, offset - base);
    if (name === undefined) return [];
    const out: SourceLocation[] = [];
    const declared = variableDeclarations(input).get(name);
    if (includeDeclaration && declared) out.push(shift(declared, base));
    for (const use of variableUses(input)) if (use.name === name) out.push(shift(use, base));
    return out;
  } catch {
    return [];
  }
}
