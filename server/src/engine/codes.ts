/**
 * Stable finding codes. Ranges: KCG1xxx CEL, KCG2xxx YAML/document, KCG3xxx volume mounts,
 * KCG4xxx apiserver flags, KCG5xxx authentication/authorization configuration files.
 * Each check module documents its own codes in README.md; the generic ones live here.
 */
export const CODES = {
  yamlSyntax: 'KCG2001',
  internal: 'KCG2999',
} as const;
