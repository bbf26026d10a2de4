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
import type { Finding, FindingData, Fix } from '../../server/src/engine/findings.js';
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
  hostWithRanges,
  mutatedCel,
  mutatedCorpus,
  mutation,
  applyMutation,
  params,
  timed,
  testTimeout,
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

test('fuzz: mutated corpus files (engine invariants, incremental = fresh)', { timeout: testTimeout(120_000) }, () => {
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

test('fuzz: CEL expressions in every host (VAP, CRD rule, webhook, authn, authz) and scalar style', { timeout: testTimeout(120_000) }, () => {
  fc.assert(
    fc.property(fc.constantFrom(...Object.keys(CEL_HOSTS)), mutatedCel(), fc.nat(3), fc.boolean(), (host, expr, style, crlf) => {
      const hosted = hostWithRanges(CEL_HOSTS[host], expr, style);
      let { text, ranges } = hosted;
      if (crlf) {
        // Windows line breaks: every offset after a '\n' moves by the '\r's inserted before it.
        const shift = (o: number) => o + (hosted.text.slice(0, o).match(/\n/g)?.length ?? 0);
        text = hosted.text.replace(/\n/g, '\r\n');
        ranges = ranges.map(([s, e]) => [shift(s), shift(e) + (style % 4 >= 2 ? 1 : 0)]);
      }
      const label = `${host} style ${style}${crlf ? ' CRLF' : ''} expr ${JSON.stringify(expr)}`;
      const findings = analyzeChecked(text, label);
      // A CEL finding (KCG1xxx) points into the expression it is about.
      for (const f of findings.filter((f) => f.code.startsWith('KCG1'))) {
        assert.ok(
          ranges.some(([s, e]) => f.start >= s && f.end <= e),
          `${label}: ${f.code} '${f.message}' at ${f.start}-${f.end} (${JSON.stringify(text.slice(f.start, f.end))}) is outside every expression ${JSON.stringify(ranges)}\ninput: ${describeInput(text)}`,
        );
      }
    }),
    params(250),
  );
});

test('fuzz: the same expressions on every bundled Kubernetes version', { timeout: testTimeout(60_000) }, () => {
  fc.assert(
    fc.property(fc.constantFrom('1.30', '1.31', '1.32', '1.33', '1.34') as fc.Arbitrary<EngineOptions['kubernetesVersion']>, fc.constantFrom('vap', 'crd'), mutatedCel(), (version, host, expr) => {
      const text = hostWith(CEL_HOSTS[host], expr, 0);
      analyzeChecked(text, `${version} ${host} expr ${JSON.stringify(expr)}`, { kubernetesVersion: version });
    }),
    params(40),
  );
});

/** Applies a fix's edits (which must not overlap) to `text`. */
function applyFix(text: string, fix: Fix, label: string): string {
  const edits = [...fix.edits].sort((a, b) => b.start - a.start);
  for (let i = 1; i < edits.length; i++) {
    assert.ok(edits[i].end <= edits[i - 1].start, `${label}: fix '${fix.title}' has overlapping edits ${JSON.stringify(edits)}`);
  }
  for (const e of edits) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
  return text;
}

const syntaxErrors = (findings: Finding[]) => findings.filter((f) => f.code === 'KCG2001').length;

test('fuzz: quick-fixes on mutated files apply cleanly and never break valid YAML', { timeout: testTimeout(120_000) }, () => {
  const withFixes = corpus().filter((f) => analyzeText(f.text, OPTIONS).some((x) => (x.data as FindingData | undefined)?.fixes?.length));
  assert.ok(withFixes.length >= 5, `only ${withFixes.length} corpus files have quick-fixes`);
  let applied = 0;
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { maxLength: 3 }), (index, mutations) => {
      const file = withFixes[index % withFixes.length];
      const text = mutations.reduce(applyMutation, file.text);
      const label = `${file.name} + ${JSON.stringify(mutations)}`;
      const findings = analyzeChecked(text, label);
      const before = syntaxErrors(findings);
      for (const f of findings) {
        for (const fix of (f.data as FindingData | undefined)?.fixes ?? []) {
          const fixed = applyFix(text, fix, label);
          const after = analyzeChecked(fixed, `${label} after fix '${fix.title}'`);
          applied++;
          // In a text that is already broken, the parser's recovery may read the rest differently
          // once a line goes (see regressions.test.ts); a valid file must stay valid.
          assert.ok(
            before > 0 || syntaxErrors(after) === 0,
            `${label}: fix '${fix.title}' for ${f.code} introduced YAML syntax errors: ${JSON.stringify(after.filter((x) => x.code === 'KCG2001').slice(0, 3))}\nedits: ${JSON.stringify(fix.edits)}\ninput: ${describeInput(text)}`,
          );
          if (fix.createFile) {
            const created = analyzeChecked(fix.createFile.content, `${label}: file created by '${fix.title}'`);
            assert.equal(syntaxErrors(created), 0, `${label}: '${fix.title}' creates invalid YAML: ${describeInput(fix.createFile.content)}`);
          }
        }
      }
    }),
    params(60),
  );
  assert.ok(applied > 0, 'no fix was exercised');
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

test('fuzz: deeply nested YAML and CEL (flow and block)', { timeout: testTimeout(120_000) }, () => {
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
  // yaml itself needs ~12 ms per KB on this (1 MB: ~14 s); the nesting guard answers at once.
  manyErrors: () => ':\n- [\n'.repeat(MB / 6),
  compactSequences: () => '- '.repeat(MB / 2),
};

for (const [name, make] of Object.entries(GIANTS)) {
  test(`giant input (1 MB): ${name}`, { timeout: testTimeout(60_000) }, () => {
    const text = make();
    const want = MB;
    assert.ok(text.length >= want * 0.9, `the '${name}' input is ${text.length} chars`);
    analyzeChecked(text, `giant ${name}`);
  });
}

/** "Billion laughs": each level references the previous one `width` times through aliases. */
function aliasBomb(levels: number, width: number): string {
  let s = 'a0: &a0 ["lol"]\n';
  for (let i = 1; i <= levels; i++) s += `a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]\n`;
  return s;
}

const BOMB_HOSTS: Record<string, (top: string) => string> = {
  authn: (a) => `apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt: ${a}\n`,
  authz: (a) => `apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers: ${a}\n`,
  crd: (a) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: {versions: ${a}}\n`,
  vap: (a) => `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nspec: {validations: ${a}, variables: ${a}}\n`,
  pod: (a) => `apiVersion: v1\nkind: Pod\nspec: {containers: ${a}, volumes: ${a}}\n`,
  list: (a) => `apiVersion: v1\nkind: List\nitems: ${a}\n`,
  flags: (a) => `apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer: {extraArgs: ${a}}\n`,
};

for (const [host, wrap] of Object.entries(BOMB_HOSTS)) {
  test(`alias bomb (YAML billion laughs) in a ${host} document`, { timeout: testTimeout(30_000) }, () => {
    for (const [levels, width] of [[9, 9], [30, 2]]) {
      // Each alias level multiplies the expanded size: 9^9 and 2^30 nodes if anything expands it.
      // Anchors first (an alias must follow its anchor), then the object that uses the last one.
      const text = aliasBomb(levels, width) + wrap(`*a${levels}`);
      const findings = analyzeChecked(text, `${host} bomb ${levels}x${width}`);
      assert.ok(!findings.some((f) => f.code === 'KCG2001'), `${host}: the bomb is valid YAML: ${JSON.stringify(findings.slice(0, 3))}`);
    }
  });
}
