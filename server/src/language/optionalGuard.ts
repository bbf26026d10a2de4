/**
 * On-request refactoring: an access to an optional field (one its schema does not list in
 * `required`) under the cursor can be guarded with has() or rewritten as an optional selection
 * `.?field.orValue(zero)`. Not tied to a diagnostic: the apiserver accepts the unguarded access,
 * it only fails at runtime with "no such key" when the field is absent.
 */
import type { WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import type { Fix } from '../engine/findings.js';
import type { CelType } from '../cel/api.js';
import { checkKubernetesCel } from '../cel/environments.js';
import { dotOffset, nodePathAt } from '../cel/locate.js';
import { type AstNode, unalias } from '../cel/parse.js';
import { schemaForType } from '../cel/schemaTypes.js';
import { celContextAt } from './celContext.js';
import { documentAt, valueIndexAt } from './cursor.js';

/** Macros that bind an iteration variable (first argument) for their other arguments. */
const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap', 'transformMapEntry', 'sortBy']);

function zeroValue(t: CelType | undefined): string | undefined {
  switch (t?.kind) {
    case 'int': return '0';
    case 'uint': return '0u';
    case 'double': return '0.0';
    case 'string': return "''";
    case 'bool': return 'false';
    case 'list': return '[]';
    case 'map': return '{}';
    default: return undefined;
  }
}

/** The identifier a selection chain starts from (`object` of `object.spec.replicas`). */
function rootIdentifier(node: AstNode): string | undefined {
  let n: AstNode = node;
  while (n.op === '.' || n.op === '.?') n = (n.args as [AstNode, string])[0];
  return n.op === 'id' ? unalias(n.args as string) : undefined;
}

/** Names bound by the macros (and cel.bind) enclosing the node: a guard outside them cannot see those. */
function boundNames(path: AstNode[]): Set<string> {
  const names = new Set<string>();
  for (const n of path) {
    if (n.op !== 'rcall') continue;
    const [name, , args] = n.args as [string, AstNode, AstNode[]];
    if (!Array.isArray(args)) continue;
    if (BINDING_MACROS.has(name) || name === 'bind') {
      for (const a of args.slice(0, args.length - 1)) if (a.op === 'id') names.add(unalias(a.args as string));
    }
  }
  return names;
}

/** Is `field` of an object-typed operand absent from its schema's `required`? */
function isOptionalField(operandType: CelType | undefined, field: string): boolean {
  if (operandType?.kind !== 'object') return false;
  const schema = schemaForType(operandType);
  if (!schema) return false;
  const celField = operandType.fields().get(field);
  if (!celField) return false;
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  return !required.includes(celField.jsonName);
}

const errors = (issues: ReadonlyArray<{ severity: string }>) => issues.filter((x) => x.severity === 'error').length;
const compact = (s: string) => s.replace(/\s+/g, '');

export function optionalGuardFixes(text: string, offset: number, options: EngineOptions, workspace: WorkspaceIndex): Fix[] {
  try {
    return fixesAt(text, offset, options, workspace);
  } catch {
    // A refactoring is optional: a half-typed document yields none rather than an error.
    return [];
  }
}

function fixesAt(text: string, offset: number, options: EngineOptions, workspace: WorkspaceIndex): Fix[] {
  const at = documentAt(text, offset);
  if (!at) return [];
  const ctx = celContextAt(at.input, at.offsetInDoc, options, workspace);
  if (!ctx) return [];
  const source = ctx.cel.source;
  const src = source.value;
  const docText = at.input.text;
  const base = at.input.offset;
  const checked = checkKubernetesCel(src, ctx.env);
  if (!checked.ast) return [];
  const i = valueIndexAt(source, at.offsetInDoc, 'char');
  const path = nodePathAt(checked.ast, i);

  // The innermost plain selection whose '.' or field name is under the cursor.
  let index = -1;
  for (let k = path.length - 1; k >= 0; k--) {
    const n = path[k];
    if (n.op !== '.') continue;
    const dot = dotOffset(src, (n.args as [AstNode, string])[0]);
    if (i >= dot && i <= n.end) { index = k; break; }
  }
  if (index < 0) return [];
  const node = path[index];
  const ancestors = path.slice(0, index);
  const field = unalias((node.args as [AstNode, string])[1]);
  const operand = (node.args as [AstNode, string])[0];
  // Already the argument of has() (directly or further down a selection chain).
  if (ancestors.some((a) => a.op === 'call' && (a.args as [string])[0] === 'has')) return [];
  if (!isOptionalField(checked.typeOf(operand), field)) return [];

  const selStart = node.start;
  const selEnd = node.end;
  const selection = src.slice(selStart, selEnd);
  // Guarded elsewhere in the expression (`has(x.f) && …`, `!has(x.f) || …`): leave it alone.
  if (compact(src).includes(`has(${compact(selection)})`)) return [];

  const scalarType = ctx.cel.node.type;
  const singleQuoted = scalarType === 'QUOTE_SINGLE';
  /** The file range of value[a, b) when it is the same text in the source, else undefined. */
  const verbatim = (a: number, b: number) => {
    const r = source.sourceRange(a, b);
    return docText.slice(r.start, r.end) === src.slice(a, b) ? r : undefined;
  };
  /** Applies a value edit, provided the YAML re-reads to exactly the intended expression. */
  const fix = (title: string, a: number, b: number, newExpr: string, newSource: string): Fix | undefined => {
    const r = verbatim(a, b);
    if (!r) return undefined;
    const edit = { start: base + r.start, end: base + r.end, newText: newSource };
    const edited = text.slice(0, edit.start) + newSource + text.slice(edit.end);
    const after = documentAt(edited, edit.start);
    const again = after && celContextAt(after.input, after.offsetInDoc, options, workspace);
    const expected = src.slice(0, a) + newExpr + src.slice(b);
    if (!again || again.cel.source.value !== expected) return undefined;
    // The rewrite must still check (no new errors), whatever the source looked like.
    const rechecked = checkKubernetesCel(expected, again.env);
    if (!rechecked.ast || errors(rechecked.issues) > errors(checked.issues)) return undefined;
    return { title, edits: [edit] };
  };

  const fixes: Fix[] = [];

  // (1) Guard the whole expression.
  const exprStart = src.length - src.trimStart().length;
  const exprEnd = src.trimEnd().length;
  const expr = src.slice(exprStart, exprEnd);
  const free = rootIdentifier(node);
  const bound = boundNames(ancestors);
  if (
    checked.typeOf(checked.ast)?.kind === 'bool' &&
    !/[\r\n]/.test(expr) &&
    (free === undefined || !bound.has(free))
  ) {
    const guarded = `!has(${selection}) || (${expr})`;
    // A plain scalar cannot start with '!' (a YAML tag): quote it when that is simple.
    const sourceText = scalarType === 'PLAIN' ? (/["\\]/.test(guarded) ? undefined : `"${guarded}"`) : guarded;
    const f = sourceText !== undefined &&
      fix(`Guard with has(): skip the rule when ${selection} is absent`, exprStart, exprEnd, guarded, sourceText);
    if (f) fixes.push(f);
  }

  // (2) Optional selection with a zero default.
  let zero = zeroValue(checked.typeOf(node));
  if (zero !== undefined) {
    if (singleQuoted && zero === "''") zero = '""';
    const dot = dotOffset(src, operand);
    const rewritten = `${src.slice(selStart, dot)}.?${field}.orValue(${zero})`;
    const f = fix(`Use optional selection: ${src.slice(selStart, dot).trimEnd()}.?${field}.orValue(${zero})`, selStart, selEnd, rewritten, rewritten);
    if (f) fixes.push(f);
  }
  return fixes;
}
