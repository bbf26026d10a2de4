/** examples/admission: the files with an `# expect:` line produce exactly those codes, and their quick-fixes work. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Finding, Fix } from '../../server/src/engine/findings.js';
import { applyEdits } from '../../server/src/checks/fixes.js';
import { createWorkspaceIndex } from '../../server/src/schemas/workspaceIndex.js';

const OPTIONS = { kubernetesVersion: '1.35' as const };
const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/admission');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('examples/admission', () => {
  test('the admission policy name and patchType findings each have an example', () => {
    const documented = new Set(files.flatMap((f) => /^# expect: (.*)$/m.exec(readFileSync(join(dir, f), 'utf8'))?.[1].split(/\s+/) ?? []));
    assert.deepEqual(['KCG2004', 'KCG2106'].filter((c) => !documented.has(c)), []);
  });

  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const expected = /^# expect: (.*)$/m.exec(text)?.[1].split(/\s+/);
    if (!expected) continue;
    // As the CLI checks a file: its own policies are the workspace's.
    const check = (t: string) => analyzeText(t, OPTIONS, createWorkspaceIndex([{ path: join(dir, file), text: t }]));
    const all = check(text);

    test(`${file}: finds exactly the codes of its "# expect:" line`, () => {
      assert.deepEqual([...new Set(all.map((f) => f.code))].sort(), [...expected].sort());
    });

    test(`${file}: every quick-fix leaves valid YAML and removes its finding`, () => {
      const same = (list: Finding[], f: Finding) => list.filter((x) => x.code === f.code && x.message === f.message).length;
      for (const f of all) {
        for (const fix of (f.data as { fixes?: Fix[] } | undefined)?.fixes ?? []) {
          const fixed = applyEdits(text, fix.edits);
          const after = check(fixed);
          assert.ok(!after.some((x) => x.code === 'KCG2001'), `${fix.title}: ${fixed}`);
          assert.ok(same(after, f) < same(all, f), `${fix.title} leaves ${f.code} ${f.message}`);
        }
      }
    });
  }
});
