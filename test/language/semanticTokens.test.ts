import { test } from 'node:test';
import assert from 'node:assert/strict';
import { semanticTokens } from '../../server/src/language/semanticTokens.js';
import { DEPLOYMENT_POLICY, OPTIONS, WIDGET_CRD, WORKSPACE } from './fixtures.js';

/** Tokens as [text, type, modifiers] for readable assertions. */
function tokensOf(text: string): Array<[string, string, string?]> {
  return semanticTokens(text, OPTIONS, WORKSPACE).map((t) => {
    const row: [string, string, string?] = [text.slice(t.start, t.start + t.length), t.type];
    if (t.modifiers) row.push(t.modifiers.join(','));
    return row;
  });
}

test('tokens of a double-quoted validation and a | messageExpression, in file order', () => {
  assert.deepEqual(tokensOf(DEPLOYMENT_POLICY), [
    ['object', 'variable', 'readonly'], ['spec', 'property'], ['template', 'property'], ['spec', 'property'], ['containers', 'property'],
    ['object', 'variable', 'readonly'], ['spec', 'property'], ['replicas', 'property'], ['<=', 'operator'], ['5', 'number'], ['&&', 'operator'],
    ['variables', 'variable', 'readonly'], ['containers', 'property'], ['all', 'macro'], ['c', 'variable'], ['c', 'variable'], ['name', 'property'],
    ['startsWith', 'method', 'defaultLibrary'], ["'a'", 'string'],
    ["'too many: '", 'string'], ['+', 'operator'], ['string', 'function', 'defaultLibrary'], ['size', 'function', 'defaultLibrary'],
    ['variables', 'variable', 'readonly'], ['containers', 'property'],
  ]);
});

test('a folded rule: tokens on both source lines, none spanning a line break', () => {
  const tokens = semanticTokens(WIDGET_CRD, OPTIONS, WORKSPACE);
  assert.deepEqual(tokensOf(WIDGET_CRD).map(([t, k]) => `${t}:${k}`), [
    'self:variable', 'max__dash__size:property', '<=:operator', '10:number', '&&:operator',
    'self:variable', 'tags:property', 'all:macro', 't:variable', 't:variable', 'startsWith:method', '"a":string',
  ]);
  for (const t of tokens) assert.doesNotMatch(WIDGET_CRD.slice(t.start, t.start + t.length), /\n/);
});

test('sorted and never overlapping; a string literal across lines of a folded scalar is split per line', () => {
  const text = WIDGET_CRD.replace('self.max__dash__size <= 10 &&\n                self.tags', '"a\n                b" == "" &&\n                self.tags');
  const tokens = semanticTokens(text, OPTIONS, WORKSPACE);
  for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i].start >= tokens[i - 1].start + tokens[i - 1].length);
  const strings = tokens.filter((t) => t.type === 'string').map((t) => text.slice(t.start, t.start + t.length));
  assert.deepEqual(strings, ['"a', 'b"', '""', '"a"']);
});

test('an unparseable expression gets no tokens, the rest of the file still does', () => {
  const text = DEPLOYMENT_POLICY.replace('object.spec.replicas <= 5 &&', 'object.spec.( <=');
  const rows = tokensOf(text);
  assert.ok(!rows.some(([t]) => t === 'replicas'));
  assert.deepEqual(rows[0], ['object', 'variable', 'readonly']);
  assert.ok(rows.some(([t, k]) => t === 'size' && k === 'function'));
});

test('a half-typed expression keeps its tokens while the next field is being typed', () => {
  const text = DEPLOYMENT_POLICY.replace('object.spec.replicas <= 5 &&', 'object.spec. && object.metadata. &&');
  const rows = tokensOf(text).slice(5, 11);
  assert.deepEqual(rows, [
    ['object', 'variable', 'readonly'], ['spec', 'property'], ['&&', 'operator'], ['object', 'variable', 'readonly'], ['metadata', 'property'], ['&&', 'operator'],
  ]);
});
