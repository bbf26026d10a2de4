import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { KubernetesVersion } from '../../server/src/engine/options.js';
import type { FindingData } from '../../server/src/engine/findings.js';
import { applyEdits } from '../../server/src/checks/fixes.js';

/** The text after applying the quick-fix `title` of the first `code` finding. */
export function fixed(text: string, code: string, title: string, version: KubernetesVersion = '1.35'): string {
  const finding = analyzeText(text, { kubernetesVersion: version }).find((f) => f.code === code);
  const fixes = (finding?.data as FindingData | undefined)?.fixes ?? [];
  const fix = fixes.find((f) => f.title === title);
  assert.ok(fix, `no fix "${title}" on ${code}; offered: ${JSON.stringify(fixes.map((f) => f.title))}`);
  return applyEdits(text, fix.edits);
}

/**
 * Every quick-fix offered on a finding whose code starts with `codePrefix` leaves valid YAML and
 * removes (one occurrence of) its own finding; at least `minFixes` fixes are tried per text.
 */
export function assertEveryFixRemovesItsFinding(texts: string[], codePrefix: string, minFixes = 2): void {
  for (const text of texts) {
    const before = analyzeText(text, { kubernetesVersion: '1.35' }).filter((f) => f.code.startsWith(codePrefix));
    let tried = 0;
    for (const f of before) {
      for (const fix of (f.data as FindingData | undefined)?.fixes ?? []) {
        const after = analyzeText(applyEdits(text, fix.edits), { kubernetesVersion: '1.35' });
        assert.ok(!after.some((a) => a.code === 'KCG2001' || a.code === 'KCG2999'), fix.title);
        const same = (list: typeof after) => list.filter((a) => a.code === f.code && a.message === f.message).length;
        assert.ok(same(after) < same(before), `${fix.title} left: ${f.message}`);
        tried++;
      }
    }
    assert.ok(tried >= minFixes, `only ${tried} fixes tried`);
  }
}
