import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escape, unescape } from '../../server/src/cel/escaping.js';

test('escape: examples of k8s-cel.md §4', () => {
  assert.equal(escape('x-prop'), 'x__dash__prop');
  assert.equal(escape('redact__d'), 'redact__underscores__d');
  assert.equal(escape('a.b/c'), 'a__dot__b__slash__c');
  assert.equal(escape('namespace'), '__namespace__');
  assert.equal(escape('true'), '__true__');
  assert.equal(escape('while'), '__while__');
  assert.equal(escape('single_underscore'), 'single_underscore');
  assert.equal(escape('plain'), 'plain');
});

test('escape: inaccessible names', () => {
  for (const name of ['', '1abc', '9', 'a@b', 'a:b', 'a b', 'ünï', 'a$b', '👑']) assert.equal(escape(name), undefined, name);
});

test('escape: non-overlapping left to right', () => {
  assert.equal(escape('a___b'), 'a__underscores___b');
  assert.equal(escape('a____b'), 'a__underscores____underscores__b');
  assert.equal(escape('-.-'), '__dash____dot____dash__');
});

test('unescape inverts escape', () => {
  for (const name of ['x-prop', 'redact__d', 'a.b/c', 'namespace', 'if', 'plain', 'a_b']) assert.equal(unescape(escape(name)!), name);
  assert.equal(unescape('__illegal__'), '__illegal__');
});
