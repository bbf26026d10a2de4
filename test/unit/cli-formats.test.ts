import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BROKEN_YAML, CLEAN_YAML, runCli, tempTree } from './cli-harness.js';

// recursiveReadOnly on a writable mount: the engine offers fixes for it.
const MOUNT_WITH_FIX = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: busybox
      volumeMounts:
        - {name: data, mountPath: /data, recursiveReadOnly: Enabled}
  volumes:
    - {name: data, hostPath: {path: /mnt}}
`;

describe('kube-cel-guard check: output formats', () => {
  let tree: ReturnType<typeof tempTree>;
  before(() => {
    tree = tempTree({
      'manifests/ok.yaml': CLEAN_YAML,
      'manifests/team a/bad.yaml': BROKEN_YAML,
      'tabs.yaml': 'a:\t"é" x\r\nb: 2\r\n',
      // The error (`x`) sits after 1000 characters of one line.
      'long.yaml': `a: "${'é'.repeat(996)}" x\n`,
      // An escape sequence on the reported line must not reach the terminal.
      'escape.yaml': 'a: "\u001b[31mred" x\n',
      'mount.yaml': MOUNT_WITH_FIX,
    });
  });
  after(() => tree.cleanup());

  describe('text', () => {
    it('prints file:line:col, the source line behind a gutter, and a caret under the range, counting characters', () => {
      const run = runCli(['check', 'manifests'], { cwd: tree.dir });
      assert.equal(run.status, 1);
      const lines = run.stdout.split('\n');
      const header = lines.findIndex((l) => l.includes('KCG2001'));
      assert.match(lines[header], /^manifests\/team a\/bad\.yaml:4:10: error KCG2001: YAML syntax error: .+$/);
      assert.equal(lines[header + 1], '    4 |   k: "😀" xyz');
      // Under 'xyz': nine spaces for the nine characters before it (the emoji is one).
      assert.equal(lines[header + 2], '      |          ^~~');
      assert.equal(lines.at(-2), '1 error, 0 warnings in 2 files');
    });

    it('keeps tabs in the caret line so it lines up, and drops the \\r of CRLF lines', () => {
      const run = runCli(['check', 'tabs.yaml'], { cwd: tree.dir });
      const [header, source, caret] = run.stdout.split('\n');
      assert.match(header, /^tabs\.yaml:1:8: error KCG2001: /);
      assert.equal(source, '    1 | a:\t"é" x');
      assert.equal(caret, '      |   \t    ^');
    });

    it('shows a window of a very long line, with the caret still under the error', () => {
      const run = runCli(['check', 'long.yaml'], { cwd: tree.dir });
      const [header, source, caret] = run.stdout.split('\n');
      assert.match(header, /^long\.yaml:1:1003: error KCG2001: /);
      assert.ok(source.length < 200, `shown: ${source.length} characters`);
      assert.match(source, /^ +1 \| …é+" x$/);
      assert.equal(Array.from(caret).indexOf('^'), Array.from(source).indexOf('x'));
    });

    it('replaces control characters instead of printing them', () => {
      const run = runCli(['check', 'escape.yaml'], { cwd: tree.dir });
      assert.ok(!run.stdout.includes('\u001b'));
      const [, source, caret] = run.stdout.split('\n');
      assert.equal(source, '    1 | a: "?[31mred" x');
      assert.equal(caret.indexOf('^'), source.indexOf('x'));
    });

    it('lists the titles of the quick-fixes an editor would offer', () => {
      const run = runCli(['check', 'mount.yaml'], { cwd: tree.dir });
      const lines = run.stdout.split('\n');
      const header = lines.findIndex((l) => /^mount\.yaml:9:\d+: \w+ KCG\d{4}: /.test(l));
      assert.ok(header >= 0, run.stdout);
      assert.match(lines[header + 3], /^ {6}= fix available: \S.+$/);
    });
  });

  describe('json', () => {
    it('is an array of the contract fields with 1-based lines and character columns', () => {
      const run = runCli(['check', 'manifests', '--format', 'json'], { cwd: tree.dir });
      assert.equal(run.status, 1);
      assert.deepEqual(JSON.parse(run.stdout), [
        {
          // The argument joined with the path walked below it.
          file: join('manifests', 'team a', 'bad.yaml'),
          line: 4,
          // After `  k: "😀" `: 9 characters (10 UTF-16 units, 12 UTF-8 bytes) precede the error.
          column: 10,
          endLine: 4,
          endColumn: 13,
          severity: 'error',
          code: 'KCG2001',
          message: 'YAML syntax error: Unexpected scalar at node end',
        },
      ]);
    });

    it('is an empty array for clean files', () => {
      const run = runCli(['check', join('manifests', 'ok.yaml'), '--format', 'json'], { cwd: tree.dir });
      assert.equal(run.status, 0);
      assert.deepEqual(JSON.parse(run.stdout), []);
    });
  });

  describe('sarif', () => {
    it('is a SARIF 2.1.0 log GitHub code scanning accepts', () => {
      const run = runCli(['check', 'manifests', '--format', 'sarif'], { cwd: tree.dir });
      assert.equal(run.status, 1);
      const log = JSON.parse(run.stdout);
      assert.equal(log.version, '2.1.0');
      assert.match(log.$schema, /sarif-2\.1\.0/);
      assert.equal(log.runs.length, 1);
      const [sarifRun] = log.runs;
      const driver = sarifRun.tool.driver;
      assert.equal(driver.name, 'kube-cel-guard');
      assert.match(driver.informationUri, /^https:\/\//);

      const yamlRule = driver.rules.find((r: { id: string }) => r.id === 'KCG2001');
      assert.deepEqual(yamlRule, {
        id: 'KCG2001',
        name: 'yaml-syntax',
        shortDescription: { text: yamlRule.shortDescription.text },
        defaultConfiguration: { level: 'error' },
      });
      assert.ok(yamlRule.shortDescription.text.length > 0);
      for (const rule of driver.rules) {
        assert.match(rule.id, /^KCG\d{4}$/);
        assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level), rule.id);
      }

      // Columns are characters; SARIF must be told, its default is UTF-16 units.
      assert.equal(sarifRun.columnKind, 'unicodeCodePoints');
      assert.equal(sarifRun.results.length, 1);
      const [result] = sarifRun.results;
      assert.equal(result.ruleId, 'KCG2001');
      assert.equal(driver.rules[result.ruleIndex].id, 'KCG2001');
      assert.equal(result.level, 'error');
      assert.match(result.message.text, /^YAML syntax error: /);
      assert.deepEqual(result.locations[0].physicalLocation, {
        artifactLocation: { uri: 'manifests/team%20a/bad.yaml' },
        region: { startLine: 4, startColumn: 10, endLine: 4, endColumn: 13 },
      });
    });

    it('makes absolute paths relative to the working directory', () => {
      const run = runCli(['check', join(tree.dir, 'manifests'), '--format', 'sarif'], { cwd: tree.dir });
      const uri = JSON.parse(run.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
      assert.equal(uri, 'manifests/team%20a/bad.yaml');
    });

    it('lists the rules even when there are no results', () => {
      const run = runCli(['check', join('manifests', 'ok.yaml'), '--format', 'sarif'], { cwd: tree.dir });
      assert.equal(run.status, 0);
      const [sarifRun] = JSON.parse(run.stdout).runs;
      assert.deepEqual(sarifRun.results, []);
      assert.ok(sarifRun.tool.driver.rules.some((r: { id: string }) => r.id === 'KCG2001'));
    });
  });
});
