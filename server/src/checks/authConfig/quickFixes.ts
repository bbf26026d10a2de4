import { isMap, isPair, isScalar, isSeq, type Document, type Pair, type YAMLMap } from 'yaml';
import type { Fix, TextEdit } from '../../engine/findings.js';
import { appendSeqItem, eolOf, insertMapEntry, isSafePlain, removeMapEntry, replaceScalar } from '../fixes.js';
import { nodeAt, type FieldPath } from './yamlLocate.js';

/**
 * Quick-fixes the rules ask for in terms of fields ("set this key", "remove that one"); turned
 * into text edits here, against the YAML as written, so the rule modules stay free of YAML.
 */
export type FixIntent =
  /** Give `key` of the map at `map` the value `valueText` (YAML source): replace or insert. */
  | { kind: 'set'; title: string; map: FieldPath; key: string; valueText: string; preferred?: boolean }
  /** Remove the entry `key` of the map at `map`. */
  | { kind: 'remove'; title: string; map: FieldPath; key: string; preferred?: boolean }
  /** Append an item (YAML source, possibly several lines) to the list `listKey` of the map at `map`, creating the list if needed. */
  | { kind: 'append'; title: string; map: FieldPath; listKey: string; itemText: string; preferred?: boolean };

function entry(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
}

function setEdits(text: string, map: YAMLMap, key: string, valueText: string): TextEdit[] {
  const pair = entry(map, key);
  if (!pair) return insertMapEntry(text, map, key, valueText);
  if (!isScalar(pair.value)) return [];
  const edits = replaceScalar(pair.value, valueText);
  // An empty value (`key:`) has no width: keep a space after the colon.
  return edits.map((e) => (e.start === e.end && text[e.start - 1] === ':' ? { ...e, newText: ` ${e.newText}` } : e));
}

function appendEdits(text: string, map: YAMLMap, listKey: string, itemText: string): TextEdit[] {
  const pair = entry(map, listKey);
  if (pair && isSeq(pair.value) && pair.value.items.length > 0) return appendSeqItem(text, pair.value, itemText);
  if (pair || map.flow) return [];
  const eol = eolOf(text);
  return insertMapEntry(text, map, listKey, `${eol}- ${itemText.replace(/\n/g, `${eol}  `)}`);
}

export function fixEdits(doc: Document, text: string, intent: FixIntent): TextEdit[] {
  const map = nodeAt(doc, intent.map);
  if (!isMap(map)) return [];
  switch (intent.kind) {
    case 'set':
      return setEdits(text, map, intent.key, intent.valueText);
    case 'remove': {
      const pair = entry(map, intent.key);
      return pair ? removeMapEntry(text, map, pair) : [];
    }
    case 'append':
      return appendEdits(text, map, intent.listKey, intent.itemText);
  }
}

/** The fixes of a finding, dropping any that do not apply to the text as written. */
export function toFixes(doc: Document, text: string, intents: readonly FixIntent[] | undefined): Fix[] {
  const out: Fix[] = [];
  for (const intent of intents ?? []) {
    const edits = fixEdits(doc, text, intent);
    if (edits.length) out.push({ title: intent.title, edits, ...(intent.preferred ? { isPreferred: true } : {}) });
  }
  return out;
}

/** A string as YAML source: plain when that reads back the same, double-quoted otherwise. */
export function yamlString(value: string): string {
  return isSafePlain(value) ? value : JSON.stringify(value);
}

/** Sets a string (quoted when needed) or a boolean. */
export function setFix(title: string, map: FieldPath, key: string, value: string | boolean, preferred = true): FixIntent {
  return { kind: 'set', title, map, key, valueText: typeof value === 'boolean' ? String(value) : yamlString(value), preferred };
}

export function removeFix(title: string, map: FieldPath, key: string, preferred = true): FixIntent {
  return { kind: 'remove', title, map, key, preferred };
}
