import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BROKEN_YAML, CLEAN_YAML, runCli, tempTree } from './cli-harness.js';

describe('kube-cel-guard check: output formats', () => {
  let tree: ReturnType<typeof tempTree>;
  before(() => {
    tree = tempTree({
      'manifests/ok.yaml': CLEAN_YAML,
      'manifests/team a/bad.yaml': BROKEN_YAML,
      'tabs.yaml': 'a:\t"é" x\r\nb: 2\r\n',
    });
  });
  after(() => tree.cleanup());

  describe('text', () => {
    it('prints file:line:col, the source line, and a caret under the range, counting characters', () => {
      const run = runCli(['check', 'manifests'], { cwd: tree.dir });
      assert.equal(run.status, 1);
      const lines = run.stdout.split('\n');
      const header = lines.findIndex((l) => l.includes('KCG2001'));
      assert.match(lines[header], /^manifests\/team a\/bad\.yaml:4:10: error KCG2001: YAML syntax error: .+$/);
      assert.equal(lines[header + 1], '  k: "😀" xyz');
      // Under 'xyz': nine spaces for the nine characters before it (the emoji is one).
      assert.equal(lines[header + 2], '         ^~~');
      assert.equal(lines.at(-2), '1 error, 0 warnings in 2 files');
    });

    it('keeps tabs in the caret line so it lines up, and drops the \\r of CRLF lines', () => {
      const run = runCli(['check', 'tabs.yaml'], { cwd: tree.dir });
      const [header, source, caret] = run.stdout.split('\n');
      assert.match(header, /^tabs\.yaml:1:8: error KCG2001: /);
      assert.equal(source, 'a:\t"é" x');
      assert.equal(caret, '  \t    ^');
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
