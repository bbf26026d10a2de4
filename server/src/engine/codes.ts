import type { Severity } from './findings.js';

/**
 * Stable finding codes. Ranges: KCG1xxx CEL, KCG2xxx YAML/document, KCG3xxx volume mounts,
 * KCG4xxx apiserver flags, KCG5xxx authentication/authorization configuration files.
 * Each check module registers the codes it reports (registerCodes) at load time, so the CLI's
 * SARIF rules, the README table and settings validation all read one list.
 */
export interface CodeInfo {
  code: string;
  /** kebab-case name, e.g. 'cel-undefined-field'. */
  name: string;
  defaultSeverity: Severity;
  /** One line: what it means for the cluster. */
  title: string;
}

const registry = new Map<string, CodeInfo>();

export function registerCodes(codes: CodeInfo[]): void {
  for (const c of codes) {
    const existing = registry.get(c.code);
    if (existing && existing.name !== c.name) throw new Error(`finding code ${c.code} registered twice (${existing.name}, ${c.name})`);
    registry.set(c.code, c);
  }
}

export function allCodes(): CodeInfo[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export function codeInfo(code: string): CodeInfo | undefined {
  return registry.get(code);
}

export const CODES = {
  yamlSyntax: 'KCG2001',
  internal: 'KCG2999',
} as const;

registerCodes([
  { code: CODES.yamlSyntax, name: 'yaml-syntax', defaultSeverity: 'error', title: 'The file is not valid YAML; the apiserver (and kubectl) would reject it.' },
  { code: CODES.internal, name: 'internal-error', defaultSeverity: 'error', title: 'kube-cel-guard failed on this document; please report it.' },
]);
