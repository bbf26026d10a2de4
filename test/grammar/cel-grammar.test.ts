// Tests for the TextMate grammars in syntaxes/: the CEL grammar (source.cel) and
// the injection that colours CEL inside Kubernetes YAML. The grammars are loaded
// with vscode-textmate + vscode-oniguruma, the same engine VS Code uses.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TM from 'vscode-textmate';
import type * as Onig from 'vscode-oniguruma';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate') as typeof TM;
const oniguruma = require('vscode-oniguruma') as typeof Onig;

// out/test/grammar/*.js and test/grammar/*.ts both sit three levels below the root.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const GRAMMAR_FILES: Record<string, string> = {
  'source.cel': path.join(ROOT, 'syntaxes/cel.tmLanguage.json'),
  'kube-cel-guard.cel.injection': path.join(ROOT, 'syntaxes/cel-yaml-injection.tmLanguage.json'),
};
// Two stand-in YAML host grammars (no YAML grammar ships in node_modules):
// one whose rules all start at ^, and one shaped like VS Code's current YAML
// grammar, whose block mapping/sequence `while` rules consume the indentation so
// that keys are matched at \G, not at ^.
const YAML_HOSTS: Record<string, string> = {
  'line-start host': path.join(ROOT, 'test/grammar/fixtures/yaml-minimal.tmLanguage.json'),
  'indentation-consuming host': path.join(ROOT, 'test/grammar/fixtures/yaml-indent-consuming.tmLanguage.json'),
};

interface Tok {
  line: number;
  start: number;
  end: number;
  text: string;
  scopes: string[];
  /** For a run of several tokens: every scope that any of them has. */
  anyScopes?: string[];
}

let wasmLoaded: Promise<void> | undefined;

async function makeRegistry(yamlHostFile: string): Promise<TM.Registry> {
  wasmLoaded ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  await wasmLoaded;
  const onigLib: Promise<TM.IOnigLib> = Promise.resolve({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  });
  return new vsctm.Registry({
    onigLib,
    loadGrammar: async (scopeName: string) => {
      const file = scopeName === 'source.yaml' ? yamlHostFile : GRAMMAR_FILES[scopeName];
      if (!file) return null;
      return vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
    getInjections: (scopeName: string) =>
      scopeName === 'source.yaml' ? ['kube-cel-guard.cel.injection'] : undefined,
  });
}

async function tokenize(registry: TM.Registry, scopeName: string, text: string): Promise<Tok[][]> {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} did not load`);
  let state: TM.StateStack = vsctm.INITIAL;
  const out: Tok[][] = [];
  text.split('\n').forEach((lineText, line) => {
    const r = grammar.tokenizeLine(lineText, state, 1000);
    assert.equal(r.stoppedEarly, false, `tokenizing line ${line} stopped early (slow regex?)`);
    out.push(
      r.tokens.map((t) => ({
        line,
        start: t.startIndex,
        end: Math.min(t.endIndex, lineText.length),
        text: lineText.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    );
    state = r.ruleStack;
  });
  return out;
}

let celRegistry: TM.Registry;
const cel = (text: string) => tokenize(celRegistry, 'source.cel', text);

/** TextMate-style prefix match: "keyword.operator" matches "keyword.operator.comparison.cel". */
function hasScope(scopes: string[], selector: string): boolean {
  return scopes.some((s) => s === selector || s.startsWith(selector + '.'));
}

function dump(lines: Tok[][], line: number): string {
  return (lines[line] ?? []).map((t) => `  ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`).join('\n');
}

/**
 * The run of tokens on `line` that spells exactly `text`: the nth occurrence of
 * `text` that starts at a token start and ends at a token end. Returned as one
 * Tok whose scopes are those common to every token in the run (anyScopes: the union).
 */
function tok(lines: Tok[][], line: number, text: string, nth = 0): Tok {
  const toks = lines[line] ?? [];
  const src = toks.map((t) => t.text).join('');
  const starts = new Set(toks.map((t) => t.start));
  const ends = new Set(toks.map((t) => t.end));
  let seen = 0;
  for (let i = src.indexOf(text); i >= 0 && text.length > 0; i = src.indexOf(text, i + 1)) {
    if (!starts.has(i) || !ends.has(i + text.length)) continue;
    if (seen++ < nth) continue;
    const run = toks.filter((t) => t.start >= i && t.end <= i + text.length);
    const scopes = run[0]!.scopes.filter((s) => run.every((t) => t.scopes.includes(s)));
    const anyScopes = [...new Set(run.flatMap((t) => t.scopes))];
    return { line, start: i, end: i + text.length, text, scopes, anyScopes };
  }
  assert.fail(`no token run ${JSON.stringify(text)} (#${nth}) on line ${line}; tokens:\n${dump(lines, line)}`);
}

/** The scopes of the token covering column `col` on `line`. */
function scopesAt(lines: Tok[][], line: number, col: number): string[] {
  const t = (lines[line] ?? []).find((x) => x.start <= col && col < x.end);
  assert.ok(t, `no token at ${line}:${col}`);
  return t.scopes;
}

function expectScope(lines: Tok[][], line: number, text: string, selector: string, nth = 0): Tok {
  const t = tok(lines, line, text, nth);
  assert.ok(
    hasScope(t.scopes, selector),
    `${JSON.stringify(text)} on line ${line} should have ${selector}, has: ${t.scopes.join(' ')}`,
  );
  return t;
}

function expectNoScope(lines: Tok[][], line: number, text: string, selector: string, nth = 0): Tok {
  const t = tok(lines, line, text, nth);
  assert.ok(
    !hasScope(t.anyScopes ?? t.scopes, selector),
    `${JSON.stringify(text)} on line ${line} should not have ${selector}, has: ${t.scopes.join(' ')}`,
  );
  return t;
}

function expectCelEmbedded(lines: Tok[][], line: number, text: string, kind: 'block' | 'line', nth = 0): void {
  expectScope(lines, line, text, `meta.embedded.${kind}.cel`, nth);
  expectScope(lines, line, text, 'source.cel', nth);
}

function expectNotCel(lines: Tok[][], line: number, text: string, nth = 0): void {
  const t = tok(lines, line, text, nth);
  assert.ok(
    !(t.anyScopes ?? t.scopes).some((s) => s === 'source.cel' || s.startsWith('meta.embedded') || s.endsWith('.cel')),
    `${JSON.stringify(text)} on line ${line} should not be CEL, has: ${(t.anyScopes ?? t.scopes).join(' ')}`,
  );
}

function expectLineNotCel(lines: Tok[][], line: number): void {
  for (const t of lines[line] ?? []) {
    assert.ok(
      !t.scopes.some((s) => s === 'source.cel' || s.startsWith('meta.embedded') || s.endsWith('.cel')),
      `line ${line} should have no CEL tokens:\n${dump(lines, line)}`,
    );
  }
}

before(async () => {
  celRegistry = await makeRegistry(YAML_HOSTS['line-start host']!);
});

describe('CEL grammar (source.cel)', () => {
  test('variables, field selection, comparison and numbers', async () => {
    const l = await cel('object.spec.replicas <= 5');
    expectScope(l, 0, 'object', 'variable.language.cel');
    assert.equal(tok(l, 0, 'object').start, 0);
    expectScope(l, 0, '.', 'punctuation.accessor');
    expectScope(l, 0, 'spec', 'variable.other.member');
    expectNoScope(l, 0, 'spec', 'variable.language');
    expectScope(l, 0, 'replicas', 'variable.other.member');
    expectScope(l, 0, '<=', 'keyword.operator.comparison');
    const five = expectScope(l, 0, '5', 'constant.numeric.integer.decimal');
    assert.equal(five.start, 24);
  });

  test('all well-known variables are variable.language, but not after a dot', async () => {
    const vars = ['self', 'oldSelf', 'object', 'oldObject', 'request', 'params', 'namespaceObject',
      'authorizer', 'variables', 'claims', 'user', 'device'];
    const l = await cel(vars.join(' + '));
    for (const v of vars) expectScope(l, 0, v, 'variable.language.cel');
    const m = await cel('self.object.self + selfish');
    expectScope(m, 0, 'self', 'variable.language.cel', 0);
    expectScope(m, 0, 'object', 'variable.other.member');
    expectScope(m, 0, 'self', 'variable.other.member', 1);
    expectScope(m, 0, 'selfish', 'variable.other.readwrite');
    expectNoScope(m, 0, 'selfish', 'variable.language');
  });

  test('reserved words and literals are plain fields after a dot', async () => {
    const l = await cel('request.namespace == object.metadata.namespace && x.in == y.null');
    expectScope(l, 0, 'namespace', 'variable.other.member', 0);
    expectScope(l, 0, 'in', 'variable.other.member');
    expectNoScope(l, 0, 'in', 'keyword.operator');
    expectScope(l, 0, 'null', 'variable.other.member');
  });

  test('single- and double-quoted strings with valid escapes', async () => {
    const l = await cel(String.raw`'a\n' + "\x41\u00e9\U0001F600\101\\\"\`\?"`);
    expectScope(l, 0, "'", 'punctuation.definition.string.begin.cel', 0);
    expectScope(l, 0, 'a', 'string.quoted.single.cel');
    expectScope(l, 0, '\\n', 'constant.character.escape.cel');
    for (const esc of ['\\x41', '\\u00e9', '\\U0001F600', '\\101', '\\\\', '\\"', '\\`', '\\?']) {
      const t = expectScope(l, 0, esc, 'constant.character.escape.cel');
      assert.ok(hasScope(t.scopes, 'string.quoted.double.cel'));
    }
    expectScope(l, 0, '"', 'punctuation.definition.string.end.cel', 1);
  });

  test('bad escapes are invalid.illegal', async () => {
    const l = await cel(String.raw`'\q' + "\400" + '\x4'`);
    expectScope(l, 0, '\\q', 'invalid.illegal');
    // \4 is not an octal escape (needs [0-3][0-7][0-7]); \x needs two hex digits
    expectScope(l, 0, '\\4', 'invalid.illegal');
    expectScope(l, 0, '\\x', 'invalid.illegal');
    expectNoScope(l, 0, '\\q', 'constant.character.escape');
  });

  test('raw strings have no escapes; bytes reject \\u', async () => {
    const l = await cel(String.raw`r'a\n' + R"\d+" + b'\xff\u0041' + rb'\z' + BR"x"`);
    expectScope(l, 0, 'r', 'storage.type.string.cel');
    expectScope(l, 0, 'a\\n', 'string.quoted.single.raw.cel');
    expectScope(l, 0, '\\d+', 'string.quoted.double.raw.cel');
    expectScope(l, 0, 'b', 'storage.type.string.cel');
    expectScope(l, 0, '\\xff', 'constant.character.escape.cel');
    const u = expectScope(l, 0, '\\u0041', 'invalid.illegal');
    assert.ok(hasScope(u.scopes, 'string.quoted.single.bytes.cel'));
    expectScope(l, 0, 'rb', 'storage.type.string.cel');
    expectScope(l, 0, '\\z', 'string.quoted.single.raw.bytes.cel');
    expectNoScope(l, 0, '\\z', 'invalid.illegal');
    expectScope(l, 0, 'BR', 'storage.type.string.cel');
  });

  test('triple-quoted strings span lines; single-quoted ones end at end of line', async () => {
    const l = await cel("'''first\nself 'x\"\"\"\n''' + self\n'open\nself");
    expectScope(l, 0, "'''", 'punctuation.definition.string.begin.cel');
    expectScope(l, 1, "self 'x\"\"\"", 'string.quoted.triple.cel');
    expectScope(l, 2, "'''", 'punctuation.definition.string.end.cel');
    expectScope(l, 2, 'self', 'variable.language.cel');
    expectScope(l, 3, 'open', 'string.quoted.single.cel');
    // an unterminated '...' must not swallow the next line
    expectScope(l, 4, 'self', 'variable.language.cel');
  });

  test('numbers: int, uint, hex, double, exponent', async () => {
    const l = await cel('1u + 0xFFu + 0x1f + 2.5e-3 + 1e6 + .5 + 42 - 3.0');
    expectScope(l, 0, '1u', 'constant.numeric.integer.unsigned');
    expectScope(l, 0, '0xFFu', 'constant.numeric.integer.hexadecimal');
    expectScope(l, 0, '0x1f', 'constant.numeric.integer.hexadecimal');
    expectScope(l, 0, '2.5e-3', 'constant.numeric.float');
    expectScope(l, 0, '1e6', 'constant.numeric.float');
    expectScope(l, 0, '.5', 'constant.numeric.float');
    expectScope(l, 0, '42', 'constant.numeric.integer.decimal');
    expectScope(l, 0, '3.0', 'constant.numeric.float');
    expectScope(l, 0, '-', 'keyword.operator.arithmetic');
  });

  test('optional syntax .? and [?', async () => {
    const l = await cel("self.?x.orValue(1u) || m[?'k'].hasValue() || [?a, ?b] == {?'k': v}");
    expectScope(l, 0, '.?', 'keyword.operator.optional');
    expectScope(l, 0, 'x', 'variable.other.member');
    expectScope(l, 0, 'orValue', 'support.function');
    expectScope(l, 0, '1u', 'constant.numeric.integer.unsigned');
    expectScope(l, 0, '?', 'keyword.operator.optional', 0);
    expectScope(l, 0, '?', 'keyword.operator.optional', 1);
    expectScope(l, 0, '?', 'keyword.operator.optional', 2);
    expectScope(l, 0, '?', 'keyword.operator.optional', 3);
    expectScope(l, 0, 'hasValue', 'support.function');
    const t = await cel('a ? b : c');
    expectScope(t, 0, '?', 'keyword.operator.ternary');
    expectScope(t, 0, ':', 'keyword.operator.ternary');
  });

  test('comments', async () => {
    const l = await cel("self.x > 0 // self is 'fine'\nself");
    const c = expectScope(l, 0, "// self is 'fine'", 'comment.line.double-slash.cel');
    assert.equal(c.start, 11);
    // the comment ends at the end of the line
    expectScope(l, 1, 'self', 'variable.language.cel');
    // '//' inside a string is not a comment
    const s = await cel("url('https://x') // c");
    expectNoScope(s, 0, 'https://x', 'comment');
    expectScope(s, 0, '// c', 'comment.line.double-slash.cel');
  });

  test('keywords, constants and operators', async () => {
    const l = await cel('!has(x.y) && (true || false) ? null : x in [1] && a != b % 2 * 3 / 4 >= 1 > 0 < 9');
    expectScope(l, 0, '!', 'keyword.operator.logical');
    expectScope(l, 0, 'has', 'keyword.control.macro');
    expectScope(l, 0, '&&', 'keyword.operator.logical');
    expectScope(l, 0, '||', 'keyword.operator.logical');
    expectScope(l, 0, 'true', 'constant.language.boolean');
    expectScope(l, 0, 'false', 'constant.language.boolean');
    expectScope(l, 0, 'null', 'constant.language.null');
    expectScope(l, 0, 'in', 'keyword.operator.in');
    expectScope(l, 0, '!=', 'keyword.operator.comparison');
    for (const op of ['%', '*', '/']) expectScope(l, 0, op, 'keyword.operator.arithmetic');
    for (const op of ['>=', '>', '<']) expectScope(l, 0, op, 'keyword.operator.comparison');
    expectScope(l, 0, 'x', 'variable.other.readwrite', 1);
  });

  test('macros', async () => {
    const macros = ['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'optMap', 'optFlatMap',
      'sortBy', 'transformList', 'transformMap', 'transformMapEntry'];
    const l = await cel(macros.map((m) => `l.${m}(x, x)`).join(' + '));
    for (const m of macros) expectScope(l, 0, m, 'keyword.control.macro');
    const c = await cel("object.spec.containers.all(c, c.image.startsWith('r/'))");
    expectScope(c, 0, 'all', 'keyword.control.macro');
    expectScope(c, 0, 'c', 'variable.other.readwrite');
    expectScope(c, 0, 'startsWith', 'support.function');
    // "map" as a field or type name is not a macro
    const m = await cel('self.map.size() > 0 && type(x) == map');
    expectScope(m, 0, 'map', 'variable.other.member', 0);
    expectScope(m, 0, 'map', 'support.type', 1);
    expectScope(m, 0, 'type', 'support.function.conversion');
  });

  test('library functions, namespaced functions, conversions and user functions', async () => {
    const l = await cel(
      "size(self) + optional.of(1) + optional.none() + sets.contains(a, b) + lists.range(3) + " +
      "format.dns1123Label().validate(x) + ip.isCanonical('1.2.3.4') + quantity('1Gi').isGreaterThan(q) + " +
      "string(x) + int(y) + foo(z) + x.bar() + isCIDR(s) + semver(v).major() + url(u).getHost() + strings.quote(s)",
    );
    expectScope(l, 0, 'size', 'support.function');
    expectScope(l, 0, 'optional', 'support.class.namespace', 0);
    expectScope(l, 0, 'of', 'support.function');
    expectScope(l, 0, 'none', 'support.function');
    expectScope(l, 0, 'sets', 'support.class.namespace');
    expectScope(l, 0, 'contains', 'support.function');
    expectScope(l, 0, 'range', 'support.function');
    expectScope(l, 0, 'dns1123Label', 'support.function');
    expectScope(l, 0, 'validate', 'support.function');
    expectScope(l, 0, 'isCanonical', 'support.function');
    expectScope(l, 0, 'quantity', 'support.function');
    expectScope(l, 0, 'isGreaterThan', 'support.function');
    expectScope(l, 0, 'string', 'support.function.conversion');
    expectScope(l, 0, 'int', 'support.function.conversion');
    expectScope(l, 0, 'foo', 'entity.name.function');
    expectNoScope(l, 0, 'foo', 'support.function');
    expectScope(l, 0, 'bar', 'entity.name.function.member');
    expectScope(l, 0, 'isCIDR', 'support.function');
    expectScope(l, 0, 'major', 'support.function');
    expectScope(l, 0, 'getHost', 'support.function');
    expectScope(l, 0, 'quote', 'support.function');
    // a namespace word used as a field is a field, and a bare "optional" is an identifier
    const f = await cel('self.optional.of(1) + optional');
    expectScope(f, 0, 'optional', 'variable.other.member', 0);
    expectScope(f, 0, 'of', 'entity.name.function.member');
    expectScope(f, 0, 'optional', 'variable.other.readwrite', 1);
  });

  test('authorizer chains and type identifiers', async () => {
    const l = await cel(
      "authorizer.group('apps').resource('deployments').namespace(ns).check('create').allowed() && " +
      'type(x) == null_type || type(t) == google.protobuf.Timestamp',
    );
    expectScope(l, 0, 'authorizer', 'variable.language.cel');
    for (const f of ['group', 'resource', 'namespace', 'check', 'allowed']) expectScope(l, 0, f, 'support.function.cel');
    expectScope(l, 0, 'ns', 'variable.other.readwrite.cel');
    expectScope(l, 0, 'null_type', 'support.type.cel');
    expectScope(l, 0, 'google.protobuf.Timestamp', 'support.type.cel');
  });

  test('object construction (MutatingAdmissionPolicy applyConfiguration)', async () => {
    const l = await cel('Object{ spec: Object.spec{ replicas: 1 } }');
    expectScope(l, 0, 'Object', 'entity.name.type.cel');
    expectScope(l, 0, 'Object.spec', 'entity.name.type.cel');
    expectScope(l, 0, '{', 'punctuation.section.braces.begin', 0);
  });

  test('words inside strings are not coloured as code', async () => {
    const l = await cel("'self has(x) 1u'");
    const t = tok(l, 0, 'self has(x) 1u');
    assert.deepEqual(t.scopes, ['source.cel', 'string.quoted.single.cel']);
  });
});

for (const [hostName, hostFile] of Object.entries(YAML_HOSTS)) describe(`CEL injection into YAML (${hostName})`, () => {
  let registry: TM.Registry;
  before(async () => {
    registry = await makeRegistry(hostFile);
  });
  const yaml = (text: string) => tokenize(registry, 'source.yaml', text);

  test('block scalar under "- expression: |" is CEL; the following "message:" is not', async () => {
    const l = await yaml([
      'apiVersion: admissionregistration.k8s.io/v1', // 0
      'kind: ValidatingAdmissionPolicy', //              1
      'spec:', //                                        2
      '  validations:', //                               3
      '    - expression: |', //                          4
      '        object.spec.replicas <= 5 &&', //         5
      '', //                                             6
      "          has(object.metadata.labels) // why", // 7
      '      message: "too many replicas"', //           8
      '      reason: object.spec', //                    9
    ].join('\n'));
    expectScope(l, 4, 'expression', 'entity.name.tag.yaml');
    expectScope(l, 4, '-', 'punctuation.definition.block.sequence.item.yaml');
    expectScope(l, 4, '|', 'keyword.control.flow.block-scalar.yaml');
    expectNotCel(l, 4, 'expression');
    expectCelEmbedded(l, 5, 'object', 'block');
    expectScope(l, 5, 'object', 'variable.language.cel');
    assert.equal(tok(l, 5, 'object').start, 8);
    expectScope(l, 5, 'spec', 'variable.other.member.cel');
    expectScope(l, 5, '<=', 'keyword.operator.comparison.cel');
    expectScope(l, 5, '5', 'constant.numeric.integer.decimal.cel');
    expectScope(l, 5, '&&', 'keyword.operator.logical.cel');
    // a blank line does not end the block scalar
    expectCelEmbedded(l, 7, 'has', 'block');
    expectScope(l, 7, 'has', 'keyword.control.macro.cel');
    expectScope(l, 7, '// why', 'comment.line.double-slash.cel');
    // dedent to the key's column ends the CEL
    expectScope(l, 8, 'message', 'entity.name.tag.yaml');
    expectNotCel(l, 8, 'message');
    expectNotCel(l, 8, 'too many replicas');
    expectScope(l, 8, 'too many replicas', 'string.quoted.double.yaml');
    expectNotCel(l, 9, 'object.spec');
  });

  test('block scalar under a plain "expression: >-" key with a comment; chomping indicators', async () => {
    const l = await yaml([
      'claimValidationRules:', //                    0
      '- expression: >- # folded', //                1
      '    claims.exp - claims.nbf <= 86400', //     2
      '  message: total token lifetime too long', // 3
      'userValidationRules:', //                     4
      '  - expression: |+', //                       5
      "      !user.username.startsWith('system:')", // 6
      '    message: no system users', //             7
      'matchConditions:', //                         8
      'expression: |2-', //                          9
      '  request.userInfo.username != "admin"', //  10
      'name: x', //                                  11
    ].join('\n'));
    expectScope(l, 1, '>', 'keyword.control.flow.block-scalar.yaml');
    expectScope(l, 1, '-', 'storage.modifier.chomping-indicator.yaml', 1);
    expectScope(l, 1, '# folded', 'comment.line.number-sign.yaml');
    expectNotCel(l, 1, '# folded');
    expectCelEmbedded(l, 2, 'claims', 'block');
    expectScope(l, 2, 'claims', 'variable.language.cel');
    expectScope(l, 2, 'exp', 'variable.other.member.cel');
    expectScope(l, 2, '86400', 'constant.numeric');
    expectNotCel(l, 3, 'message');
    expectScope(l, 6, '!', 'keyword.operator.logical.cel');
    expectScope(l, 6, 'user', 'variable.language.cel');
    expectScope(l, 6, 'startsWith', 'support.function.cel');
    expectScope(l, 6, 'system:', 'string.quoted.single.cel');
    expectNotCel(l, 7, 'message');
    expectCelEmbedded(l, 10, 'request', 'block');
    expectScope(l, 10, 'admin', 'string.quoted.double.cel');
    expectNotCel(l, 11, 'name');
  });

  test('an unterminated CEL string inside a block scalar does not leak past the block', async () => {
    const l = await yaml([
      'validations:', //                0
      '- expression: |', //             1
      "    '''never closed", //         2
      '    self', //                    3
      '  message: ok', //               4
      '- expression: "self.a"', //      5
    ].join('\n'));
    expectScope(l, 3, '    self', 'string.quoted.triple.cel');
    expectNotCel(l, 4, 'message');
    expectScope(l, 4, 'message', 'entity.name.tag.yaml');
    expectCelEmbedded(l, 5, 'self', 'line');
  });

  test('CRD x-kubernetes-validations: double-quoted, single-quoted and plain rules', async () => {
    const l = await yaml([
      '            x-kubernetes-validations:', //                                      0
      '            - rule: "self.minReplicas <= self.replicas"', //                     1
      '              message: replicas should be in range', //                        2
      "            - rule: 'self.name.startsWith(''a'') && self.x != \"b\"'", //       3
      "              messageExpression: self.x + ' is bad' # plain scalar", //         4
      '            - rule: "self.kind == \\"Pod\\" && self.y == \'q\'"', //            5
      '              fieldPath: .spec.x', //                                          6
      '            - rule: 0 < self && self <= 65535', //                              7
    ].join('\n'));
    expectScope(l, 1, 'rule', 'entity.name.tag.yaml');
    expectNotCel(l, 1, 'rule');
    expectScope(l, 1, '"', 'punctuation.definition.string.begin.yaml', 0);
    expectNotCel(l, 1, '"', 0);
    expectCelEmbedded(l, 1, 'self', 'line');
    expectScope(l, 1, 'self', 'variable.language.cel');
    expectScope(l, 1, 'minReplicas', 'variable.other.member.cel');
    expectScope(l, 1, '<=', 'keyword.operator.comparison.cel');
    expectScope(l, 1, '"', 'punctuation.definition.string.end.yaml', 1);
    expectNotCel(l, 2, 'message');
    expectNotCel(l, 2, 'replicas should be in range');
    // single-quoted YAML: '' is the YAML escape for a quote
    expectCelEmbedded(l, 3, 'startsWith', 'line');
    expectScope(l, 3, 'startsWith', 'support.function.cel');
    expectScope(l, 3, "''", 'constant.character.escape.yaml', 0);
    expectScope(l, 3, 'b', 'string.quoted.double.cel');
    expectScope(l, 3, "'", 'punctuation.definition.string.end.yaml', 1);
    // plain scalar with a trailing YAML comment
    expectScope(l, 4, 'messageExpression', 'entity.name.tag.yaml');
    expectCelEmbedded(l, 4, 'self', 'line');
    expectScope(l, 4, ' is bad', 'string.quoted.single.cel');
    expectScope(l, 4, '# plain scalar', 'comment.line.number-sign.yaml');
    expectNotCel(l, 4, '# plain scalar');
    // double-quoted YAML: \" is a YAML escape and does not end the scalar
    expectScope(l, 5, '\\"', 'constant.character.escape.yaml', 0);
    expectScope(l, 5, '&&', 'keyword.operator.logical.cel');
    expectScope(l, 5, 'q', 'string.quoted.single.cel');
    expectNotCel(l, 6, 'fieldPath');
    expectScope(l, 7, '0', 'constant.numeric.integer.decimal.cel');
    expectScope(l, 7, '65535', 'constant.numeric.integer.decimal.cel');
  });

  test('valueExpression and claimMappings expressions', async () => {
    const l = await yaml([
      'auditAnnotations:', //                                               0
      '  - key: high-replica-count', //                                     1
      "    valueExpression: \"'Deployment spec.replicas set to ' + string(object.spec.replicas)\"", // 2
      'claimMappings:', //                                                  3
      '  username:', //                                                     4
      "    expression: 'claims.username + \":external-user\"'", //          5
    ].join('\n'));
    expectNotCel(l, 1, 'high-replica-count');
    expectCelEmbedded(l, 2, 'string', 'line');
    expectScope(l, 2, 'string', 'support.function.conversion.cel');
    expectScope(l, 2, 'Deployment spec.replicas set to ', 'string.quoted.single.cel');
    expectCelEmbedded(l, 5, 'claims', 'line');
    expectScope(l, 5, ':external-user', 'string.quoted.double.cel');
  });

  test('non-CEL keys are not coloured as CEL', async () => {
    const l = await yaml([
      'metadata:', //                                    0
      '  name: object.spec', //                          1
      '  ruleset: self.x > 0', //                        2
      '  myexpression: self.y', //                       3
      '  description: |', //                             4
      '    expression: self.z', //                       5
      '    rule: "self.w"', //                           6
      '  # expression: self.q', //                       7
      '  expression:', //                                8
      '    description: CEL expression', //              9
      '  text: "expression: self.v"', //                 10
    ].join('\n'));
    expectNotCel(l, 1, 'object.spec');
    expectScope(l, 1, 'object.spec', 'string.unquoted.plain.out.yaml');
    expectNotCel(l, 2, 'self.x > 0');
    expectNotCel(l, 3, 'self.y');
    // inside another key's block scalar, "expression:" is just text
    assert.ok(hasScope(scopesAt(l, 5, 4), 'string.unquoted.block.yaml'), dump(l, 5));
    assert.ok(hasScope(scopesAt(l, 5, 16), 'string.unquoted.block.yaml'), dump(l, 5));
    expectLineNotCel(l, 5);
    expectLineNotCel(l, 6);
    expectNotCel(l, 7, '# expression: self.q');
    // a schema property named "expression" whose value is a mapping
    expectNotCel(l, 8, 'expression');
    expectNotCel(l, 9, 'CEL expression');
    expectNotCel(l, 10, 'expression: self.v');
  });

  test('a sequence of rules at column 0; sibling keys after a block scalar', async () => {
    const l = await yaml([
      'x-kubernetes-validations:', // 0
      '- rule: |', //                 1
      '    self.a', //                2
      '  message: m', //              3
      '- rule: "self.b"', //          4
      '  messageExpression: >', //    5
      '     self.c', //               6
      '', //                          7
      '     + self.d', //             8
      '  reason: self.e', //          9
    ].join('\n'));
    expectScope(l, 1, 'rule', 'entity.name.tag.yaml');
    expectCelEmbedded(l, 2, 'self', 'block');
    expectScope(l, 3, 'message', 'entity.name.tag.yaml');
    expectNotCel(l, 3, 'message');
    expectNotCel(l, 3, 'm');
    expectCelEmbedded(l, 4, 'self', 'line');
    expectScope(l, 5, 'messageExpression', 'entity.name.tag.yaml');
    expectScope(l, 5, '>', 'keyword.control.flow.block-scalar.yaml');
    expectCelEmbedded(l, 6, 'self', 'block');
    expectCelEmbedded(l, 8, '+', 'block');
    expectScope(l, 8, 'd', 'variable.other.member.cel');
    expectNotCel(l, 9, 'reason');
    expectNotCel(l, 9, 'self.e');
    if (hostName === 'indentation-consuming host') {
      // the host, not the injection, owns the '-' so its sequence structure (and
      // the indentation its while rules consume) stays intact
      for (const line of [1, 4]) expectScope(l, line, '-', 'meta.block.sequence.yaml');
    }
  });

  test('multi-line plain and quoted scalars; an unclosed quote ends at the dedent', async () => {
    const l = await yaml([
      'spec:', //                                 0
      '  validations:', //                        1
      '  - expression: object.a &&', //           2
      '      object.b # c', //                    3
      '    message: m', //                        4
      '  - expression: "object.c &&', //          5
      '      object.d"', //                       6
      '    reason: r', //                         7
      "  - expression: 'object.e", //             8 (being typed: no closing quote yet)
      '    messageExpression: object.f', //       9
    ].join('\n'));
    expectCelEmbedded(l, 2, 'object', 'line');
    expectCelEmbedded(l, 3, 'object', 'line');
    expectScope(l, 3, 'b', 'variable.other.member.cel');
    expectScope(l, 3, '# c', 'comment.line.number-sign.yaml');
    expectNotCel(l, 3, '# c');
    expectNotCel(l, 4, 'message');
    expectCelEmbedded(l, 6, 'object', 'line');
    expectScope(l, 6, '"', 'punctuation.definition.string.end.yaml');
    expectNotCel(l, 7, 'reason');
    expectCelEmbedded(l, 8, 'object', 'line');
    // the key on the next line is a key again, and its own value is CEL again
    expectScope(l, 9, 'messageExpression', 'entity.name.tag.yaml');
    expectNotCel(l, 9, 'messageExpression');
    expectCelEmbedded(l, 9, 'object', 'line');
    expectNoScope(l, 9, 'object', 'string.quoted.single.yaml');
  });

  test('CEL string literals inside quoted YAML scalars', async () => {
    const l = await yaml([
      // gateway-api style: raw triple-quoted CEL string inside a single-quoted YAML scalar
      "- rule: 'self.type == ''Hostname'' ? self.value.matches(r\"\"\"^(\\*\\.)?[a-z]$\"\"\") : true'", // 0
      // raw CEL string inside a double-quoted YAML scalar: \\ is the YAML escape
      '- rule: "self.matches(r\'^a\\\\.b$\') && self.y == b\'\\x00\'"', //                                1
      // a CEL string may not run past the closing YAML quote
      "- rule: 'self.x == \"open' # still a comment", //                                                  2
      '- message: after', //                                                                              3
    ].join('\n'));
    expectScope(l, 0, 'Hostname', 'variable.other.readwrite.cel');
    expectScope(l, 0, 'r', 'storage.type.string.cel');
    expectScope(l, 0, '"""', 'punctuation.definition.string.begin.cel');
    const raw = expectScope(l, 0, '^(\\*\\.)?[a-z]$', 'string.quoted.triple.raw.cel');
    assert.ok(!raw.anyScopes!.some((s) => s.startsWith('invalid')), 'raw string content must not be invalid');
    expectScope(l, 0, '"""', 'punctuation.definition.string.end.cel', 1);
    expectScope(l, 0, 'true', 'constant.language.boolean.cel');
    expectScope(l, 0, "'", 'punctuation.definition.string.end.yaml', 1);

    expectScope(l, 1, '^a', 'string.quoted.single.raw.cel');
    expectScope(l, 1, '\\\\', 'constant.character.escape.yaml');
    expectScope(l, 1, '&&', 'keyword.operator.logical.cel');
    expectScope(l, 1, '\\x00', 'constant.character.escape.cel');
    expectScope(l, 1, '\\x00', 'string.quoted.single.bytes.cel');

    expectScope(l, 2, 'open', 'string.quoted.double.cel');
    expectScope(l, 2, "'", 'punctuation.definition.string.end.yaml', 1);
    expectScope(l, 2, '# still a comment', 'comment.line.number-sign.yaml');
    expectNotCel(l, 2, '# still a comment');
    expectNotCel(l, 3, 'after');
  });

  test('the injection selector targets YAML only', async () => {
    const raw = JSON.parse(readFileSync(GRAMMAR_FILES['kube-cel-guard.cel.injection']!, 'utf8')) as {
      injectionSelector: string;
      scopeName: string;
    };
    assert.equal(raw.scopeName, 'kube-cel-guard.cel.injection');
    assert.match(raw.injectionSelector, /^L:source\.yaml\b/);
    assert.match(raw.injectionSelector, /-comment\b/);
    assert.match(raw.injectionSelector, /-string\b/);
  });

  test('real corpus files tokenize quickly and get CEL where the keys are', async (t) => {
    const corpus = '/work/shared/corpus/vap';
    if (!existsSync(corpus)) {
      t.skip('corpus not present');
      return;
    }
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(name)) files.push(p);
      }
    };
    walk(corpus);
    assert.ok(files.length > 0);
    let withCel = 0;
    for (const f of files.slice(0, 60)) {
      const text = readFileSync(f, 'utf8');
      const lines = await yaml(text);
      const src = text.split('\n');
      // every same-line "expression: <non-empty value>" outside block scalars gets CEL on that line
      lines.forEach((toks, i) => {
        const m = /^(\s*)(?:- +)?(?:expression|messageExpression|valueExpression|rule): +[^\s#|>]/.exec(src[i] ?? '');
        if (!m) return;
        const keyTok = toks.find((x) => /^(?:expression|messageExpression|valueExpression|rule)$/.test(x.text));
        if (!keyTok || !hasScope(keyTok.scopes, 'entity.name.tag.yaml')) return; // inside some other scalar
        assert.ok(
          toks.some((x) => x.scopes.includes('meta.embedded.line.cel')),
          `${f}:${i + 1} has no CEL tokens:\n${dump(lines, i)}`,
        );
      });
      if (lines.some((toks) => toks.some((x) => x.scopes.includes('source.cel')))) withCel++;
    }
    assert.ok(withCel > 0, 'no corpus file got CEL tokens');
  });
});

describe('package.json contributions', () => {
  test('grammars and the cel language are contributed and point at existing files', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes?: {
        grammars?: Array<{ language?: string; scopeName: string; path: string; injectTo?: string[]; embeddedLanguages?: Record<string, string> }>;
        languages?: Array<{ id: string; extensions?: string[]; configuration?: string }>;
      };
    };
    const grammars = pkg.contributes?.grammars ?? [];
    const celG = grammars.find((g) => g.scopeName === 'source.cel');
    assert.ok(celG, 'source.cel grammar not contributed');
    assert.equal(celG.language, 'cel');
    const inj = grammars.find((g) => g.scopeName === 'kube-cel-guard.cel.injection');
    assert.ok(inj, 'injection grammar not contributed');
    assert.deepEqual(inj.injectTo, ['source.yaml']);
    assert.equal(inj.embeddedLanguages?.['meta.embedded.block.cel'], 'cel');
    assert.equal(inj.embeddedLanguages?.['meta.embedded.line.cel'], 'cel');
    for (const g of [celG, inj]) {
      const raw = JSON.parse(readFileSync(path.join(ROOT, g.path), 'utf8')) as { scopeName: string };
      assert.equal(raw.scopeName, g.scopeName);
    }
    const lang = (pkg.contributes?.languages ?? []).find((x) => x.id === 'cel');
    assert.ok(lang, 'cel language not contributed');
    assert.ok(lang.extensions?.includes('.cel'));
    assert.ok(lang.configuration && existsSync(path.join(ROOT, lang.configuration)));
    const conf = JSON.parse(readFileSync(path.join(ROOT, lang.configuration), 'utf8')) as {
      comments?: { lineComment?: string };
      brackets?: string[][];
    };
    assert.equal(conf.comments?.lineComment, '//');
    assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  });
});
