import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SIZEE, UNDEFINED_FIELD_CODE, WIDGET_POLICY, widgetCrd } from '../lsp/crdFixtures.js';
import { runCli, tempTree } from './cli-harness.js';

const CRD = widgetCrd();
const POLICY = WIDGET_POLICY;

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  code: string;
}

describe('kube-cel-guard check: CRD schemas for policies', () => {
  let tree: ReturnType<typeof tempTree>;
  before(() => {
    tree = tempTree({ 'crds/widget.yaml': CRD, 'policies/policy.yaml': POLICY });
  });
  after(() => tree.cleanup());

  const findings = (args: string[]): JsonFinding[] => {
    const run = runCli(['check', ...args, '--format', 'json'], { cwd: tree.dir });
    assert.notEqual(run.status, 2, run.stderr);
    return JSON.parse(run.stdout);
  };
  const undefinedField = (list: JsonFinding[]) =>
    list.filter((f) => f.file.endsWith('policy.yaml') && f.line === SIZEE.line + 1 && f.column === SIZEE.character + 1);

  it('cannot know the fields of a custom resource without its CRD', () => {
    assert.deepEqual(undefinedField(findings(['policies'])), []);
  });

  it('checks the expression against a CRD given with --crd (and does not report on the CRD file)', () => {
    const list = findings(['policies', '--crd', 'crds']);
    assert.deepEqual(undefinedField(list).map((f) => f.code), [UNDEFINED_FIELD_CODE]);
    assert.ok(list.every((f) => f.file.startsWith('policies')), JSON.stringify(list));
  });

  it('uses CRDs among the checked files too', () => {
    const list = findings(['policies', join('crds', 'widget.yaml')]);
    assert.deepEqual(undefinedField(list).map((f) => f.code), [UNDEFINED_FIELD_CODE]);
  });
});
