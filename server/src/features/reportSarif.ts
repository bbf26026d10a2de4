import { isAbsolute, relative, sep } from 'node:path';
import { allCodes, codeInfo, type CodeInfo } from '../engine/codes.js';
import type { Severity } from '../engine/findings.js';
import type { CheckOutcome } from './checkRun.js';

export const INFORMATION_URI = 'https://github.com/kube-cel-guard/kube-cel-guard';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it. Every registered code becomes a rule, so the
 * rule list documents the tool even on a clean run; columns count code points, which SARIF calls
 * `unicodeCodePoints` and must be told (its default is UTF-16 units).
 */
export function formatSarif(outcome: CheckOutcome, version: string, cwd = process.cwd()): string {
  const rules = allCodes();
  const known = new Set(rules.map((r) => r.code));
  for (const report of outcome.reports) {
    for (const f of report.findings) {
      if (known.has(f.code)) continue;
      known.add(f.code);
      // A code someone forgot to register still deserves a rule entry for its results.
      rules.push(codeInfo(f.code) ?? { code: f.code, name: f.code.toLowerCase(), defaultSeverity: f.severity, title: f.code });
    }
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));

  const results = outcome.reports.flatMap((report) =>
    report.findings.map((f) => ({
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code),
      level: LEVEL[f.severity] ?? 'error',
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.file, cwd) },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        },
      ],
    })),
  );

  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kube-cel-guard',
            version,
            semanticVersion: version,
            informationUri: INFORMATION_URI,
            rules: rules.map(toRule),
          },
        },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function toRule(info: CodeInfo) {
  return {
    id: info.code,
    name: info.name,
    shortDescription: { text: info.title },
    defaultConfiguration: { level: LEVEL[info.defaultSeverity] ?? 'error' },
  };
}

/** Relative to the working directory (the repository root in CI), forward slashes, URI-escaped. */
export function artifactUri(file: string, cwd: string): string {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  return rel
    .split(sep)
    .join('/')
    .split('/')
    .filter((segment, i) => !(segment === '.' && i === 0))
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
