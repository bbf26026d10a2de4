/**
 * Property tests of the YAML fast path (server/src/engine/yamlFastPath.ts): on mutated corpus
 * documents and on generated documents of its subset, it either falls back (undefined) or gives
 * exactly what `parseDocument` gives, node for node (test/unit/yamlSnapshot.ts), and it never
 * throws.
 *
 * The generated documents aim at what the fast path must mirror most carefully: where yaml's CST
 * parser files comment and blank lines (they move a collection's or value's range end), empty
 * values, zero-indented and compact collections, values on the next line, multi-line and block
 * scalars, CRLF, a missing final line break — plus constructs it must leave to yaml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { splitDocuments } from '../../server/src/engine/documents.js';
import { fastParseDocumentStrict, PARSE_OPTIONS } from '../../server/src/engine/yamlFastPath.js';
import { snapshot } from '../unit/yamlSnapshot.js';
import { describeInput, mutatedCorpus, params, testTimeout } from './fuzzLib.js';

/** Returns whether the fast path took `text`; fails if it threw or differs from yaml. */
function agrees(text: string, label: string): boolean {
  let fast;
  try {
    fast = fastParseDocumentStrict(text);
  } catch (err) {
    throw new Error(`${label}: the fast path threw ${(err as Error)?.stack ?? err}\ninput: ${describeInput(text)}`);
  }
  if (!fast) return false;
  assert.deepEqual(snapshot(fast), snapshot(parseDocument(text, PARSE_OPTIONS)), `${label}\ninput: ${JSON.stringify(text)}`);
  return true;
}

test('fuzz: mutated corpus documents take the fast path only where it matches yaml', { timeout: testTimeout(120_000) }, (t) => {
  let fast = 0;
  fc.assert(
    fc.property(mutatedCorpus, ({ name, text, mutations }) => {
      const label = `${name} + ${JSON.stringify(mutations)}`;
      // Each document as the engine parses it, and the whole text as one (never a chunk
      // splitDocuments makes: several documents, markers anywhere).
      for (const chunk of splitDocuments(text)) if (agrees(chunk.text, `${label} @${chunk.start}`)) fast++;
      agrees(text, `${label} (whole text)`);
    }),
    params(150),
  );
  t.diagnostic(`${fast} mutated documents took the fast path`);
  assert.ok(fast > 0, 'no mutated document took the fast path');
});

// ---------------------------------------------------------------------------------------------
// Generated documents

const scalarValue = fc.constantFrom(
  'a', 'b c', '1', '-0', '0o7', '0x1F', '.inf', '-.Inf', '.nan', '1e3', '1.50', 'true', 'False', 'null', '~', 'a#b',
  'http://x:80/y', '-x', '=', '<<', '"q"', '"a\\tb\\u00e9"', '"a # b"', "'s'", "'it''s'", '""', "''",
  '[a, "b"]', '[]', '[ 1 , 2 ]', '{}', '{ }', '{a: b}', '{ "k": v , x: 1 }',
  'v # c', '"x"  ', '[a] # c',
  // outside the subset or errors: the fast path must fall back
  'x: y', '"unterminated', '[a, ]', '[a', '{a: }', '{a: {b: c}}', '*al', '&an x', '!!str x', '? x', '- z', 'b\tc', '@x',
);
/** Multi-line values, written with `\n` + INDENT for the continuation indentation. */
const multiLineValue = fc.constantFrom(
  '"line\n\tINDENTtwo"', 'plain\nINDENTmore', "'single\nINDENTquoted'", '"esc\\\nINDENTaped"', 'plain\n\nINDENTafter blank',
  '|\nINDENTlit\nINDENTeral', '>-\nINDENTfol\n\nINDENTded', '|+\nINDENTkeep\n\n', '|2\nINDENT  two', '|-\n\nINDENTlead',
  '>\nINDENT  more\nINDENTless', '| # c\nINDENTx', '|\nINDENT  x\nINDENTy', 'plain\nless',
).map((v) => v.replace(/\t/g, ''));
const keyText = fc.constantFrom('k', 'key', 'a b', '"qk"', "'sk'", '1', 'true', 'name', 'n', '"a\\"b"', "'x''y'", 'http://k', '-k', '~', 'null', '1.5', '"1"');

/** Comment and blank lines at columns around `indent`. */
const trivia = (indent: number) =>
  fc.array(
    fc.oneof(
      fc.constant('\n'),
      fc.nat(6).map((n) => ' '.repeat(n) + '\n'),
      fc.tuple(fc.integer({ min: -3, max: 4 }), fc.constantFrom('# c', '#c')).map(([d, c]) => ' '.repeat(Math.max(0, indent + d)) + c + '\n'),
    ),
    { maxLength: 3 },
  ).map((lines) => lines.join(''));

/** A block collection at `indent`: entries with values inline, on the next line, empty, or nested. */
const block: (indent: number, depth: number, seq: boolean) => fc.Arbitrary<string> = (indent, depth, seq) =>
  fc
    .array(
      fc.record({
        before: trivia(indent),
        key: keyText,
        dashSpaces: fc.constantFrom(' ', ' ', '  ', '   '),
        kind: fc.constantFrom(...(depth < 3 ? ['scalar', 'scalar', 'multi', 'empty', 'next', 'nested', 'nested', 'compact'] : ['scalar', 'multi', 'empty', 'next'])),
        value: scalarValue,
        multi: multiLineValue,
        tail: fc.constantFrom('', '', ' # t', '   '),
        nestedSeq: fc.boolean(),
        extra: fc.integer({ min: 0, max: 3 }),
        between: trivia(indent + 1),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .chain((entries) =>
      fc.tuple(
        ...entries.map((e) => {
          const pad = ' '.repeat(indent);
          const head = seq ? pad + '-' : pad + e.key + ':';
          const inner = indent + 2 + e.extra;
          switch (e.kind) {
            case 'scalar':
              return fc.constant(e.before + head + ' ' + e.value + '\n');
            case 'multi':
              return fc.constant(e.before + head + ' ' + e.multi.replace(/INDENT/g, ' '.repeat(indent + 2)) + '\n');
            case 'empty':
              return fc.constant(e.before + head + e.tail + '\n');
            case 'next':
              return fc.constant(e.before + head + e.tail + '\n' + e.between + ' '.repeat(indent + 1 + e.extra) + e.value + '\n');
            case 'compact':
              if (seq) {
                const at = indent + 1 + e.dashSpaces.length;
                // `- key: value`: the mapping's first line (after its own leading trivia) follows the dash.
                return block(at, depth + 1, false).map((b) => e.before + head + e.dashSpaces + b.replace(/^(?: *(?:#[^\n]*)?\n)*/, '').slice(at));
              }
            // fallthrough
            default: {
              // A sequence under a key may sit at the key's own indentation.
              const childIndent = !seq && e.nestedSeq && e.extra === 0 ? indent : inner - 1;
              return block(childIndent, depth + 1, e.nestedSeq).map((b) => e.before + head + e.tail + '\n' + e.between + b);
            }
          }
        }),
      ),
    )
    .map((parts) => parts.join(''));

const generatedDocument: fc.Arbitrary<string> = fc
  .record({
    head: fc.constantFrom('', '', '', '---\n', '# pre\n---\n', '--- # c\n', '\n---\n\n'),
    rootIndent: fc.constantFrom(0, 0, 0, 0, 2),
    rootSeq: fc.boolean(),
    before: trivia(0),
    after: trivia(0),
    noFinalBreak: fc.boolean(),
    crlf: fc.boolean(),
  })
  .chain((d) => block(d.rootIndent, 0, d.rootSeq).map((body) => ({ ...d, body })))
  .map((d) => {
    let text = d.head + d.before + d.body + d.after;
    if (d.noFinalBreak) text = text.replace(/\n$/, '');
    if (d.crlf) text = text.replace(/\n/g, '\r\n');
    return text;
  });

export { generatedDocument };

test('fuzz: generated documents of the subset match yaml node for node', { timeout: testTimeout(120_000) }, (t) => {
  let fast = 0;
  let all = 0;
  fc.assert(
    fc.property(generatedDocument, (text) => {
      all++;
      if (agrees(text, 'generated')) fast++;
    }),
    params(400),
  );
  t.diagnostic(`${fast} of ${all} generated documents took the fast path`);
  // Many generated documents are in the subset: the comparison must not be vacuous.
  assert.ok(fast > all / 4, `only ${fast} of ${all} generated documents took the fast path`);
});
