/**
 * Shared pieces of the fuzz suites: the corpus, fast-check generators of broken YAML and CEL, and
 * the invariants every analysis must keep (no escaped exception, no internal-error finding,
 * offsets inside the text, bounded time).
 *
 * Run counts: a small fixed number per property in `npm test`; `npm run fuzz` (KCG_FUZZ_LONG=1)
 * multiplies them, KCG_FUZZ_RUNS sets them explicitly, KCG_FUZZ_SEED replays a run.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, FindingData } from '../../server/src/engine/findings.js';
import { REPO_ROOT } from '../lsp/lspHarness.js';
import { crd } from '../fixtures/k8s.js';

export { REPO_ROOT };

export const LONG = process.env.KCG_FUZZ_LONG === '1';
const explicitRuns = Number(process.env.KCG_FUZZ_RUNS);
export const SEED = process.env.KCG_FUZZ_SEED !== undefined ? Number(process.env.KCG_FUZZ_SEED) : undefined;

/** Runs for one property: `base` in `npm test`, 50× that for `npm run fuzz`, or KCG_FUZZ_RUNS. */
export function runs(base: number): number {
  if (Number.isFinite(explicitRuns) && explicitRuns > 0) return explicitRuns;
  return LONG ? base * 50 : base;
}

/** fast-check parameters: the seed (if given) and the run count; failures print seed and path. */
export function params(base: number): fc.Parameters<unknown> {
  return {
    numRuns: runs(base),
    ...(SEED !== undefined && Number.isFinite(SEED) ? { seed: SEED } : {}),
    // The suites are bounded in time: never shrink for more than this.
    interruptAfterTimeLimit: LONG ? undefined : 40_000,
    markInterruptAsFailure: false,
    endOnFailure: true,
  } as fc.Parameters<unknown>;
}

export const CORPUS_ROOT = path.resolve(REPO_ROOT, '../shared/corpus');

export interface CorpusFile {
  name: string;
  text: string;
}

/** The .yaml/.yml files under `dir` (recursively), sorted; none if it does not exist. */
export function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

let corpusCache: CorpusFile[] | undefined;

/**
 * Seeds for mutation: every VAP, apiserver and workload file of ../shared/corpus under 64 KB, a
 * few small CRDs, and the repository's examples/. The shared corpus may be absent (a bare
 * checkout): then only examples/ are used.
 */
export function corpus(): CorpusFile[] {
  if (corpusCache) return corpusCache;
  const files: string[] = [];
  for (const sub of ['vap', 'apiserver', 'workloads']) {
    files.push(...yamlFilesUnder(path.join(CORPUS_ROOT, sub)).filter((f) => fs.statSync(f).size < 64 * 1024));
  }
  // A few smaller CRDs, from different projects.
  const crds = yamlFilesUnder(path.join(CORPUS_ROOT, 'crds')).filter((f) => fs.statSync(f).size < 24 * 1024);
  const byProject = new Map<string, string>();
  for (const f of crds) {
    const project = path.relative(path.join(CORPUS_ROOT, 'crds'), f).split(path.sep)[0];
    if (!byProject.has(project) && /x-kubernetes-validations/.test(fs.readFileSync(f, 'utf8'))) byProject.set(project, f);
  }
  files.push(...[...byProject.values()].slice(0, 8));
  files.push(...yamlFilesUnder(path.join(REPO_ROOT, 'examples')));
  corpusCache = files.map((f) => ({ name: path.relative(path.dirname(REPO_ROOT), f), text: fs.readFileSync(f, 'utf8') }));
  return corpusCache;
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Characters that matter to YAML and CEL, plus awkward Unicode: astral, lone surrogates, BOM, NUL. */
const SPECIAL = [
  ':', '-', '? ', '{', '}', '[', ']', ',', '|', '>', '|-', '>+', "'", '"', '#', '&a', '*a', '!', '!!str ', '%', '@', '`',
  '\n', '\r\n', '\r', '\t', ' ', '  ', '\\', '\\u', '\\x', '---\n', '...\n', '<<: ', '~', 'null',
  '\u0000', '\uFEFF', '\u2028', '\u0085', '\u00A0', 'é', 'ß', '日本', '😀', '\u{1F600}\u{1F600}', '\u{10FFFF}',
  '\uD800', '\uDC00', '\uDBFF', '\uDFFF', 'a\uD83D', '\uDE00b',
  'object.', 'self.', 'has(', ').all(x, ', '.?', '[?', '!=', '==', '&&', '||', '?:', '"', "r'", "b'", '0x', '1u', '1e999',
  'expression: ', 'rule: ', 'x-kubernetes-validations:\n', 'readOnly: true', '--oidc-issuer-url=', '--authorization-mode=',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Short strings of YAML/CEL punctuation and hostile Unicode. */
export const nastyString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
      { weight: 1, arbitrary: loneSurrogate },
      { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(''));

export type Mutation =
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicate'; at: number; len: number; to: number }
  | { op: 'indent'; line: number; delta: number }
  | { op: 'tab'; line: number }
  | { op: 'truncate'; at: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'replaceChar'; at: number; text: string }
  /** Whole-file line-break conversion (Windows editors, old Mac files). */
  | { op: 'lineBreaks'; to: '\r\n' | '\r' };

/** Positions are fractions of the current text (0..1), so a mutation applies to any text. */
const frac = fc.double({ min: 0, max: 1, noNaN: true });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: frac, text: nastyString }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: frac, len: fc.integer({ min: 1, max: 300 }), to: frac }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('indent' as const), line: frac, delta: fc.integer({ min: -6, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tab' as const), line: frac }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: frac }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swapLines' as const), a: frac, b: frac }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replaceChar' as const), at: frac, text: fc.oneof(fc.constantFrom(...SPECIAL), loneSurrogate) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('lineBreaks' as const), to: fc.constantFrom('\r\n' as const, '\r' as const) }) },
);

function pos(f: number, length: number): number {
  return Math.min(length, Math.floor(f * (length + 1)));
}

export function applyMutation(text: string, m: Mutation): string {
  switch (m.op) {
    case 'delete': {
      const at = pos(m.at, text.length);
      return text.slice(0, at) + text.slice(at + m.len);
    }
    case 'insert': {
      const at = pos(m.at, text.length);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'duplicate': {
      const at = pos(m.at, text.length);
      const piece = text.slice(at, at + m.len);
      const to = pos(m.to, text.length);
      return text.slice(0, to) + piece + text.slice(to);
    }
    case 'truncate':
      return text.slice(0, pos(m.at, text.length));
    case 'lineBreaks':
      return text.replace(/\r\n|\r|\n/g, m.to);
    case 'replaceChar': {
      const at = pos(m.at, text.length);
      return text.slice(0, at) + m.text + text.slice(at + 1);
    }
    case 'indent':
    case 'tab':
    case 'swapLines': {
      const lines = text.split('\n');
      const li = (f: number) => Math.min(lines.length - 1, Math.floor(f * lines.length));
      if (m.op === 'swapLines') {
        const a = li(m.a);
        const b = li(m.b);
        [lines[a], lines[b]] = [lines[b], lines[a]];
      } else if (m.op === 'tab') {
        const i = li(m.line);
        lines[i] = '\t' + lines[i];
      } else {
        const i = li(m.line);
        lines[i] = m.delta >= 0 ? ' '.repeat(m.delta) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-m.delta}}`), '');
      }
      return lines.join('\n');
    }
  }
}

/** A corpus file and 1–6 mutations of it. */
export const mutatedCorpus: fc.Arbitrary<{ name: string; base: string; text: string; mutations: Mutation[] }> = fc
  .record({ index: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }) })
  .map(({ index, mutations }) => {
    const files = corpus();
    const file = files[index % files.length];
    return { name: file.name, base: file.text, text: mutations.reduce(applyMutation, file.text), mutations };
  });

// CEL ------------------------------------------------------------------------------------------

const CEL_TOKENS = [
  'object', 'oldObject', 'self', 'oldSelf', 'params', 'request', 'variables', 'namespaceObject', 'authorizer', 'claims', 'user',
  '.', '.?', '[', ']', '[?', '(', ')', '{', '}', ',', ':', '?', '!', '-', '+', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=',
  '&&', '||', 'in', 'has', 'all', 'exists', 'exists_one', 'map', 'filter', 'size', 'matches', 'startsWith', 'int', 'uint',
  'double', 'string', 'bytes', 'bool', 'type', 'dyn', 'null', 'true', 'false', 'optional.of', 'optional.none', 'orValue',
  'quantity', 'isQuantity', 'url', 'ip', 'cidr', 'isSorted', 'sum', 'indexOf', 'lowerAscii', 'format', 'authorizer.group',
  'cel.bind', 'spec', 'metadata', 'name', 'labels', 'containers', 'replicas', 'x', 'y', 'e', '__dash__', '__dot__', 'a__underscores__b',
  // Names of Object.prototype's properties: lookups by a CEL name in a plain object find them.
  'toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__', 'prototype',
  '0', '1', '-9223372036854775808', '9223372036854775808', '18446744073709551616u', '1.5', '1e308', '1e999', '0x7fffffffffffffff',
  '"str"', "'s'", '"""tri"""', "r'\\d+'", "b'\\xff'", '"\\u00e9"', '"\\uD800"', '"\\400"', '"\\', "'", '"', '`', '#', '$', '😀', '\uD800',
];

/** Token soup: mostly-plausible CEL with random structure. */
export const celSoup: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...CEL_TOKENS), fc.constantFrom('', '', ' ', '\n', '\t')), { minLength: 1, maxLength: 40 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

/** Real-world expressions (corpus) with CEL-level mutations. */
export function celSeeds(): string[] {
  const seeds = new Set<string>();
  const re = /(?:expression|rule|messageExpression|valueExpression):\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^\n|>'"#][^\n#]*))/g;
  for (const f of corpus()) {
    for (const m of f.text.matchAll(re)) {
      const e = m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3];
      if (e && e.trim().length > 2) seeds.add(e.trim());
      if (seeds.size > 400) break;
    }
  }
  return [...seeds];
}

const celMutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('insert' as const), at: frac, text: fc.constantFrom(...CEL_TOKENS) }),
  fc.record({ op: fc.constant('insert' as const), at: frac, text: nastyString }),
  fc.record({ op: fc.constant('duplicate' as const), at: frac, len: fc.integer({ min: 1, max: 40 }), to: frac }),
  fc.record({ op: fc.constant('truncate' as const), at: frac }),
);

export function mutatedCel(): fc.Arbitrary<string> {
  const seeds = celSeeds();
  return fc.oneof(
    celSoup,
    fc
      .record({ i: fc.nat(), ms: fc.array(celMutation, { minLength: 1, maxLength: 4 }) })
      .map(({ i, ms }) => (ms as Mutation[]).reduce(applyMutation, seeds.length ? seeds[i % seeds.length] : 'self.x > 0')),
  );
}

/** Hosts of a CEL expression: the checks that hand it to the checker. `@@` is the YAML scalar. */
export const CEL_HOSTS: Record<string, string> = {
  vap: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: fuzz
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["deployments"]
  variables:
  - name: v
    expression: @@
  validations:
  - expression: @@
    messageExpression: @@
  auditAnnotations:
  - key: k
    valueExpression: @@
`,
  crd: `${crd({ name: 'widgets.example.com', group: 'example.com', kind: 'Widget', plural: 'widgets', properties: '' })}          spec:
            type: object
            x-kubernetes-validations:
            - rule: @@
              messageExpression: @@
            properties:
              replicas: {type: integer}
              items: {type: array, maxItems: 10, items: {type: string, maxLength: 20}}
`,
  webhook: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: fuzz
webhooks:
- name: fuzz.example.com
  rules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    operations: ["CREATE"]
    resources: ["pods"]
  matchConditions:
  - name: c
    expression: @@
`,
  authn: `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: https://issuer.example.com
    audiences: [a]
  claimValidationRules:
  - expression: @@
    message: m
  claimMappings:
    username:
      expression: @@
  userValidationRules:
  - expression: @@
`,
  authz: `apiVersion: apiserver.config.k8s.io/v1
kind: AuthorizationConfiguration
authorizers:
- type: Webhook
  name: w
  webhook:
    timeout: 3s
    subjectAccessReviewVersion: v1
    matchConditionSubjectAccessReviewVersion: v1
    failurePolicy: Deny
    connectionInfo: {type: KubeConfigFile, kubeConfigFile: /etc/kubernetes/authz-webhook.yaml}
    matchConditions:
    - expression: @@
`,
};

/** The expression as a YAML scalar in one of the styles the checks must map offsets through. */
export function celScalar(expr: string, style: number, indent: string): string {
  switch (style % 4) {
    case 0:
      return JSON.stringify(expr);
    case 1:
      return `'${expr.replace(/'/g, "''").replace(/\n/g, '\n\n')}'`;
    case 2:
      return `|\n${expr.split('\n').map((l) => `${indent}  ${l}`).join('\n')}`;
    default:
      return `>-\n${expr.split('\n').map((l) => `${indent}  ${l}`).join('\n')}`;
  }
}

export function hostWith(host: string, expr: string, style: number): string {
  return hostWithRanges(host, expr, style).text;
}

/** hostWith, plus where each expression scalar ended up in the text ([start, end) offsets). */
export function hostWithRanges(host: string, expr: string, style: number): { text: string; ranges: [number, number][] } {
  const ranges: [number, number][] = [];
  let text = '';
  let last = 0;
  for (const m of host.matchAll(/^( *)(- )?(\S+: )@@$/gm)) {
    const [, ind, dash, key] = m;
    const indent = ind + (dash ? '  ' : '');
    text += host.slice(last, m.index) + `${ind}${dash ?? ''}${key}`;
    const scalar = celScalar(expr, style, indent);
    // A block scalar's value ends with the line break after its text (clip chomping): an
    // end-of-expression error may point at that line break.
    ranges.push([text.length, text.length + scalar.length + (style % 4 >= 2 ? 1 : 0)]);
    text += scalar;
    last = m.index! + m[0].length;
  }
  return { text: text + host.slice(last), ranges };
}

// Structure -------------------------------------------------------------------------------------

export function deepFlow(depth: number, open: string, close: string, inner = 'x'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

export function deepBlockSeq(depth: number): string {
  let out = '';
  for (let i = 0; i < depth; i++) out += ' '.repeat(i) + '-\n';
  return out + ' '.repeat(depth) + 'x\n';
}

export function deepBlockMap(depth: number): string {
  let out = '';
  for (let i = 0; i < depth; i++) out += ' '.repeat(i) + `k${i}:\n`;
  return out + ' '.repeat(depth) + 'x\n';
}

// ---------------------------------------------------------------------------------------------
// Invariants

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint']);

/** What every finding of every analysis must satisfy. Throws (with `label`) otherwise. */
export function assertFindingsSane(text: string, findings: readonly Finding[], label: string): void {
  assert.ok(Array.isArray(findings), `${label}: findings is not an array`);
  for (const f of findings) {
    const where = `${label}: ${JSON.stringify({ start: f.start, end: f.end, code: f.code, message: f.message?.slice(0, 300) })} (text length ${text.length})`;
    assert.notEqual(f.code, 'KCG2999', `internal error (a check threw): ${where}`);
    assert.ok(Number.isInteger(f.start) && Number.isInteger(f.end), `non-integer offsets: ${where}`);
    assert.ok(f.start >= 0 && f.start <= f.end && f.end <= text.length, `offsets out of range or inverted: ${where}`);
    assert.ok(SEVERITIES.has(f.severity), `bad severity: ${where}`);
    assert.match(f.code, /^KCG\d{4}$/, `bad code: ${where}`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0, `empty message: ${where}`);
    for (const fix of (f.data as FindingData | undefined)?.fixes ?? []) {
      for (const e of fix.edits) {
        assert.ok(e.start >= 0 && e.start <= e.end && e.end <= text.length, `fix '${fix.title}' edit out of range ${e.start}-${e.end}: ${where}`);
        assert.equal(typeof e.newText, 'string', `fix '${fix.title}' without text: ${where}`);
      }
    }
  }
}

/** Allowed milliseconds for one analysis of `text`: generous, but catches super-linear blow-ups. */
export function timeBudgetMs(text: string): number {
  return 2000 + Math.ceil(text.length / 1024) * 5;
}

/**
 * Measures `fn`, asserts it finished within the budget for `text`. The engine is synchronous, so
 * the process's CPU time is its cost; wall time would also count whatever else the machine runs.
 */
export function timed<T>(text: string, label: string, fn: () => T): T {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(cpu);
  const ms = (used.user + used.system) / 1000;
  assert.ok(
    ms <= timeBudgetMs(text),
    `${label}: took ${ms.toFixed(0)} ms CPU (${(performance.now() - wall).toFixed(0)} ms wall) for ${text.length} chars (budget ${timeBudgetMs(text)} ms)`,
  );
  return result;
}

/** A short, copy-pasteable description of a failing input for the report. */
export function describeInput(text: string): string {
  return text.length <= 2000 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 1000))}… (${text.length} chars)`;
}

/** A node:test timeout: `ms` in `npm test`, none for the long on-demand run. */
export function testTimeout(ms: number): number {
  return LONG || (Number.isFinite(explicitRuns) && explicitRuns > 0) ? Infinity : ms;
}

/** One range edit turning `from` into `to`: the common prefix and suffix stay. */
export function diffChange(from: TextDocument, to: string) {
  const old = from.getText();
  let prefix = 0;
  const max = Math.min(old.length, to.length);
  while (prefix < max && old.charCodeAt(prefix) === to.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === to.charCodeAt(to.length - 1 - suffix)) suffix++;
  // An LSP position cannot point between the '\r' and '\n' of one line break (positionAt maps it
  // to the line's end, before the '\r'); a real client never splits one, so neither do we.
  const splitsCrlf = (at: number) => old[at - 1] === '\r' && old[at] === '\n';
  if (splitsCrlf(prefix)) prefix--;
  if (splitsCrlf(old.length - suffix)) suffix--;
  return {
    range: { start: from.positionAt(prefix), end: from.positionAt(old.length - suffix) },
    text: to.slice(prefix, to.length - suffix),
  };
}

