import type { Finding, Fix, Severity } from '../../engine/findings.js';
import { usesOf, type FlagSet, type Span } from './flagSet.js';

export function finding(at: Span, severity: Severity, code: string, message: string, fixes: Fix[] = []): Finding {
  const f: Finding = { start: at.start, end: at.end, severity, code, message };
  const usable = fixes.filter((x) => x.edits.length > 0 || x.createFile);
  if (usable.length) f.data = { fixes: usable };
  return f;
}

/** Whether `--feature-gates` (a map flag: entries merge, the last wins) turns `gate` off. */
export function gateDisabled(set: FlagSet, gate: string): boolean {
  let value: string | undefined;
  for (const use of usesOf(set, 'feature-gates')) {
    for (const entry of (use.value ?? '').split(',')) {
      const [k, v] = entry.split('=').map((s) => s.trim());
      if (k === gate) value = v;
    }
  }
  return value !== undefined && value.toLowerCase() === 'false';
}
