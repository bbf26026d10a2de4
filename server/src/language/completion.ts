/**
 * Completion inside CEL: after `receiver.` the fields of the receiver's type, then the methods
 * that accept it, then the macros; elsewhere the variables in scope (comprehension variables
 * first), `has`, the global functions and the literals. Works on half-typed text (celPrefix.ts),
 * and in a field with nothing typed yet (emptyCel.ts), where the items are written to fit the scalar.
 */
import type { CelType, OverloadDecl } from '../cel/api.js';
import { celEnvironmentFor } from '../cel/environments.js';
import { displayType } from './typeNames.js';
import type { WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { celSites, contextOf, siteAt, type CelContext } from './celContext.js';
import { MACROS, formatKind, isCallableName, macrosApplyTo, receiverOverloads, signature, variableDoc } from './celDocs.js';
import { comprehensionVariablesAt, insideString, typeOfReceiver } from './celPrefix.js';
import { documentAt, valueIndexAt } from './cursor.js';
import { emptyCelAt, textForEmpty, type EmptyCel } from './emptyCel.js';

export type CompletionKind = 'field' | 'variable' | 'function' | 'method' | 'macro' | 'keyword';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  insertText?: string;
  isSnippet?: boolean;
  sortText?: string;
  /** File offsets of the text the item replaces (the word being typed). */
  range?: { start: number; end: number };
  /** insertText holds line breaks already indented for the YAML: the editor must not re-indent. */
  keepWhitespace?: boolean;
}

/** sortText keeps the groups in order whatever the client's own sorting: `<group>_<rank>`. */
const sortKey = (group: number, rank: number) => `${group}_${String(rank).padStart(4, '0')}`;

function fieldsOf(t: CelType, show: (t: CelType) => string): CompletionItem[] {
  if (t.kind !== 'object') return [];
  let fields;
  try {
    fields = [...t.fields()];
  } catch {
    return [];
  }
  // Field names are already CEL-escaped (`x__dash__y` for `x-y`): what must be typed.
  return fields.map(([name, f], i) => ({
    label: name,
    kind: 'field' as const,
    detail: show(f.type),
    documentation: f.description,
    sortText: sortKey(0, i),
  }));
}

function callSnippet(name: string, overloads: readonly OverloadDecl[]): { insertText: string; isSnippet: boolean } {
  const takesArgs = overloads.some((o) => o.params.length > 0);
  return { insertText: takesArgs ? `${name}($1)` : `${name}()`, isSnippet: takesArgs };
}

/** One item per function name, its overloads' signatures as detail. */
function functionItems(overloads: OverloadDecl[], kind: 'function' | 'method', group: number): CompletionItem[] {
  const byName = new Map<string, OverloadDecl[]>();
  for (const o of overloads) {
    const list = byName.get(o.name);
    if (list) list.push(o);
    else byName.set(o.name, [o]);
  }
  return [...byName.keys()].sort().map((name, i) => {
    const list = byName.get(name)!;
    const docs = [...new Set(list.map((o) => o.doc).filter((d): d is string => !!d))];
    return {
      label: name,
      kind,
      detail: [...new Set(list.map(signature))].slice(0, 3).join('\n'),
      documentation: docs.join('\n\n') || undefined,
      ...callSnippet(name, list),
      sortText: sortKey(group, i),
    };
  });
}

function macroItems(member: boolean, group: number): CompletionItem[] {
  return MACROS.filter((m) => m.member === member).map((m, i) => ({
    label: m.name,
    kind: 'macro' as const,
    detail: m.signature,
    documentation: m.doc,
    insertText: m.snippet,
    isSnippet: true,
    sortText: sortKey(group, i),
  }));
}

function memberItems(t: CelType, ctx: CelContext): CompletionItem[] {
  const functions = celEnvironmentFor(ctx.env).functions;
  return [
    ...fieldsOf(t, (f) => displayType(f, ctx.objectKind, ctx.env.version)),
    ...functionItems(receiverOverloads(functions, t), 'method', 1),
    ...(macrosApplyTo(t) ? macroItems(true, 2) : []),
  ];
}

function globalItems(ctx: CelContext, prefix: string): CompletionItem[] {
  const env = ctx.env;
  const items: CompletionItem[] = [];
  const locals = comprehensionVariablesAt(prefix, env);
  locals.forEach((v, i) => items.push({ label: v.name, kind: 'variable', detail: v.type ? displayType(v.type, ctx.objectKind, env.version) : 'dyn', sortText: sortKey(0, i) }));
  let rank = 0;
  for (const [name, type] of Object.entries(env.config.variables)) {
    // `authorizer.requestResource` is reached by selecting on `authorizer`.
    if (name.includes('.')) continue;
    const detail = (name === 'object' || name === 'oldObject') && ctx.objectKind ? formatKind(ctx.objectKind) : displayType(type, ctx.objectKind, env.version);
    items.push({ label: name, kind: 'variable', detail, documentation: variableDoc(name, ctx), sortText: sortKey(1, rank++) });
    if (name === 'variables') {
      // Each declared variable by its full name: `variables.containers` from the first letters.
      for (const field of fieldsOf(type, (f) => displayType(f, ctx.objectKind, env.version))) {
        items.push({ label: `variables.${field.label}`, kind: 'variable', detail: field.detail, documentation: variableDoc('variables.', ctx), sortText: sortKey(1, rank++) });
      }
    }
  }
  items.push(...macroItems(false, 2));
  const globals: OverloadDecl[] = [];
  for (const [name, overloads] of celEnvironmentFor(env).functions) {
    if (isCallableName(name)) globals.push(...overloads.filter((o) => !o.receiver));
  }
  items.push(...functionItems(globals, 'function', 3));
  ['true', 'false', 'null'].forEach((k, i) => items.push({ label: k, kind: 'keyword', sortText: sortKey(4, i) }));
  return items;
}

/** What an empty CEL field offers: the same items as the start of an expression, written to fit the scalar. */
function emptyItems(empty: EmptyCel, docOffset: number): CompletionItem[] {
  const range = { start: docOffset + empty.start, end: docOffset + empty.end };
  return globalItems(empty.ctx, '').map((item) => {
    const out: CompletionItem = { ...item, range };
    const text = textForEmpty(empty, item.insertText ?? item.label, item.kind);
    if (text !== item.label || item.insertText !== undefined) out.insertText = text;
    if (empty.keepWhitespace) out.keepWhitespace = true;
    return out;
  });
}

/** A cursor just after the closing quote of a quoted scalar is outside the expression. */
function afterClosingQuote(ctx: CelContext, docText: string, offsetInDoc: number): boolean {
  const node = ctx.cel.node;
  if ((node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE') || !node.range) return false;
  const [start, end] = node.range;
  return offsetInDoc >= end && end - start >= 2 && docText[end - 1] === docText[start];
}

/** Completion items at file offset `offset`; [] outside CEL or inside a string literal. */
export function completionsAt(text: string, offset: number, options: EngineOptions, workspace: WorkspaceIndex): CompletionItem[] {
  try {
    const at = documentAt(text, offset);
    if (!at) return [];
    const sites = celSites(at.input, options, workspace);
    const empty = emptyCelAt(at.input, at.offsetInDoc, options, workspace, sites);
    if (empty) return emptyItems(empty, at.input.offset);
    if (empty === null) return [];
    const site = siteAt(sites, at.offsetInDoc);
    const ctx = site && contextOf(site);
    if (!ctx) return [];
    if (afterClosingQuote(ctx, at.input.text, at.offsetInDoc)) return [];
    const source = ctx.cel.source;
    const value = source.value;
    const i = valueIndexAt(source, at.offsetInDoc, 'caret');
    const before = value.slice(0, i);
    if (insideString(before)) return [];
    const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
    const wordStart = i - word.length;
    if (/[0-9]$/.test(value.slice(0, wordStart))) return []; // `1.5`, `2e`: a number, not a name
    const replaced = source.sourceRange(wordStart, i);
    const range = { start: at.input.offset + replaced.start, end: at.input.offset + replaced.end };
    let k = wordStart;
    while (k > 0 && /\s/.test(value[k - 1])) k--;
    let items: CompletionItem[];
    if (value[k - 1] === '.' || (value[k - 1] === '?' && value[k - 2] === '.')) {
      let receiverEnd = value[k - 1] === '.' ? k - 1 : k - 2;
      while (receiverEnd > 0 && /\s/.test(value[receiverEnd - 1])) receiverEnd--;
      // `1.`: the start of a double literal, not a selection.
      if (/(^|[^\w.])[0-9]+$/.test(value.slice(0, receiverEnd))) return [];
      const t = typeOfReceiver(value, receiverEnd, ctx.env);
      if (!t) return [];
      items = memberItems(t, ctx);
    } else {
      items = globalItems(ctx, value.slice(0, wordStart));
    }
    return items.map((item) => ({ ...item, range }));
  } catch {
    return [];
  }
}
