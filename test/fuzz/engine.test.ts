/**
 * Fuzzes the engine in-process: mutated corpus files, CEL expressions in every host the checks
 * read, deep nesting and giant scalars. Every analysis must return (no exception, no internal-error
 * finding), keep its findings inside the text, map to valid LSP positions, agree between the
 * incremental and the fresh analyzer, and finish within a budget proportional to the input size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, FileAnalyzer } from '../../server/src/engine/analyze.js';
import type { EngineOptions } from '../../server/src/engine/options.js';
import { toDiagnostics } from '../../server/src/features/diagnostics.js';
import {
  assertFindingsSane,
  CEL_HOSTS,
  corpus,
  deepBlockMap,
  deepBlockSeq,
  deepFlow,
  describeInput,
  hostWith,
  mutatedCel,
  mutatedCorpus,
  params,
  timed,
} from './fuzzLib.js';

const OPTIONS: EngineOptions = { kubernetesVersion: '1.35' };

/** The full set of engine invariants for one input; returns the findings. */
function analyzeChecked(text: string, label: string, options = OPTIONS) {
  let findings;
  try {
    findings = timed(text, label, () => analyzeText(text, options));
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    throw new Error(`${label}: analyzeText threw ${(err as Error)?.stack ?? err}\ninput: ${describeInput(text)}`);
  }
  assertFindingsSane(text, findings, label);
  const doc = TextDocument.create('file:///fuzz.yaml', 'yaml', 1, text);
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of toDiagnostics(doc, findings)) {
    for (const p of [d.range.start, d.range.end]) {
      assert.ok(p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length, `${label}: LSP position ${JSON.stringify(p)} outside the document`);
    }
    assert.ok(d.range.start.line < d.range.end.line || (d.range.start.line === d.range.end.line && d.range.start.character <= d.range.end.character), `${label}: inverted LSP range ${JSON.stringify(d.range)}`);
  }
  return findings;
}

test('corpus present', () => {
  // Without the shared corpus the suite still runs on examples/, but it should not silently shrink.
  const files = corpus();
  assert.ok(files.length >= 12, `only ${files.length} seed files`);
});

test('fuzz: mutated corpus files (engine invariants, incremental = fresh)', { timeout: 120_000 }, () => {
  const analyzers = new Map<string, FileAnalyzer>();
  fc.assert(
    fc.property(mutatedCorpus, ({ name, base, text, mutations }) => {
      const label = `${name} + ${JSON.stringify(mutations)}`;
      const fresh = analyzeChecked(text, label);
      // The server's path: one FileAnalyzer per open file, re-checking after edits from its cache.
      let analyzer = analyzers.get(name);
      if (!analyzer) analyzers.set(name, (analyzer = new FileAnalyzer(OPTIONS)));
      analyzer.analyze(base);
      const incremental = analyzer.analyze(text);
      assert.deepEqual(incremental, fresh, `${label}: incremental analysis differs from a fresh one`);
    }),
    params(120),
  );
});

test('fuzz: CEL expressions in every host (VAP, CRD rule, webhook, authn, authz) and scalar style', { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(fc.constantFrom(...Object.keys(CEL_HOSTS)), mutatedCel(), fc.nat(3), (host, expr, style) => {
      const text = hostWith(CEL_HOSTS[host], expr, style);
      analyzeChecked(text, `${host} style ${style} expr ${JSON.stringify(expr)}`);
    }),
    params(250),
  );
});

test('fuzz: the same expressions on every bundled Kubernetes version', { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(fc.constantFrom('1.30', '1.31', '1.32', '1.33', '1.34') as fc.Arbitrary<EngineOptions['kubernetesVersion']>, fc.constantFrom('vap', 'crd'), mutatedCel(), (version, host, expr) => {
      const text = hostWith(CEL_HOSTS[host], expr, 0);
      analyzeChecked(text, `${version} ${host} expr ${JSON.stringify(expr)}`, { kubernetesVersion: version });
    }),
    params(40),
  );
});

const NESTINGS: Record<string, (d: number) => string> = {
  flowSeq: (d) => `apiVersion: v1\nkind: ConfigMap\ndata:\n  x: ${deepFlow(d, '[', ']')}\n`,
  flowMap: (d) => `apiVersion: v1\nkind: Pod\nspec: ${deepFlow(d, '{a: ', '}')}\n`,
  flowMixed: (d) => `kind: ValidatingAdmissionPolicy\napiVersion: admissionregistration.k8s.io/v1\nspec: ${deepFlow(d, '{a: [', ']}')}\n`,
  blockSeq: (d) => `apiVersion: v1\nkind: List\nitems:\n${deepBlockSeq(d)}`,
  blockMap: (d) => `apiVersion: apps/v1\nkind: Deployment\nspec:\n${deepBlockMap(d).replace(/^/gm, '  ')}`,
  unclosed: (d) => `apiVersion: v1\nkind: Pod\nspec: ${'[{'.repeat(d)}\n`,
  celParens: (d) => hostWith(CEL_HOSTS.vap, deepFlow(d, '(', ')', 'true'), 0),
  celLists: (d) => hostWith(CEL_HOSTS.vap, `size(${deepFlow(d, '[', ']', '1')}) > 0`, 0),
  celMaps: (d) => hostWith(CEL_HOSTS.crd, `size(${deepFlow(d, '{1: ', '}', '1')}) > 0`, 0),
  celNot: (d) => hostWith(CEL_HOSTS.vap, '!'.repeat(d) + 'true', 0),
  celNeg: (d) => hostWith(CEL_HOSTS.vap, '-'.repeat(d) + '1 > 0', 0),
  celTernary: (d) => hostWith(CEL_HOSTS.vap, 'true ? '.repeat(d) + 'true' + ' : false'.repeat(d), 0),
  celAnd: (d) => hostWith(CEL_HOSTS.vap, Array(d + 1).fill('true').join(' && '), 0),
  celSelect: (d) => hostWith(CEL_HOSTS.crd, 'self' + '.a'.repeat(d) + ' == 1', 0),
  celOptSelect: (d) => hostWith(CEL_HOSTS.vap, 'object' + '.?spec'.repeat(d) + '.hasValue()', 0),
  celMacros: (d) => hostWith(CEL_HOSTS.vap, 'object.spec.template.spec.containers' + '.map(c, c)'.repeat(d) + '.all(c, true)', 0),
  celCalls: (d) => hostWith(CEL_HOSTS.vap, 'size('.repeat(d) + '"x"' + ')'.repeat(d) + ' > 0', 0),
};

test('fuzz: deeply nested YAML and CEL (flow and block)', { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(fc.constantFrom(...Object.keys(NESTINGS)), fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 64, max: 3000 })), (kind, depth) => {
      const d = kind.startsWith('block') ? Math.min(depth, 600) : depth;
      analyzeChecked(NESTINGS[kind](d), `${kind} depth ${d}`);
    }),
    params(40),
  );
});

const MB = 1 << 20;
const GIANTS: Record<string, () => string> = {
  plain: () => `apiVersion: v1\nkind: ConfigMap\ndata:\n  big: ${'a'.repeat(MB)}\n`,
  doubleQuoted: () => `apiVersion: v1\nkind: ConfigMap\ndata:\n  big: "${'\\u00e9x'.repeat(MB / 7)}"\n`,
  literal: () => `apiVersion: v1\nkind: ConfigMap\ndata:\n  big: |\n${'    line of text\n'.repeat(MB / 17)}`,
  key: () => `apiVersion: v1\nkind: ConfigMap\n${'k'.repeat(MB)}: 1\n`,
  comment: () => `# ${'c'.repeat(MB)}\napiVersion: v1\nkind: Pod\n`,
  astral: () => `apiVersion: v1\nkind: ConfigMap\ndata:\n  big: "${'😀'.repeat(MB / 2)}\uD800"\n`,
  celString: () => hostWith(CEL_HOSTS.vap, `object.metadata.name == "${'n'.repeat(MB)}"`, 0),
  celAndChain: () => hostWith(CEL_HOSTS.vap, Array(MB / 8).fill('true').join(' && '), 0),
  celBlock: () => hostWith(CEL_HOSTS.crd, Array(MB / 16).fill('self.replicas > 0').join(' ||\n'), 2),
  crdRuleList: () =>
    CEL_HOSTS.crd.replace(/- rule: @@\n\s*messageExpression: @@\n/, Array(Math.ceil(MB / 40)).fill('- rule: "self.replicas >= 0"\n').map((l) => '            ' + l).join('')),
  manyDocs: () => 'apiVersion: v1\nkind: Pod\nspec: {}\n---\n'.repeat(MB / 40),
  manyErrors: () => ':\n- [\n'.repeat(MB / 6),
};

for (const [name, make] of Object.entries(GIANTS)) {
  test(`giant input (1 MB): ${name}`, { timeout: 60_000 }, () => {
    const text = make();
    assert.ok(text.length >= MB * 0.9, `the '${name}' input is ${text.length} chars`);
    analyzeChecked(text, `giant ${name}`);
  });
}
