import { registerCodes } from '../engine/codes.js';

/** Codes the CEL-in-YAML checks report themselves (the checker registers KCG1001–KCG1010). */
export const CHECK_CODES = {
  notAString: 'KCG1011',
  optionalOldSelfUnused: 'KCG1013',
  ruleShape: 'KCG1014',
  policyShape: 'KCG2003',
} as const;

registerCodes([
  { code: CHECK_CODES.notAString, name: 'cel-not-a-string', defaultSeverity: 'error', title: 'A field that holds a CEL expression has a non-string value; the apiserver rejects the object.' },
  { code: CHECK_CODES.optionalOldSelfUnused, name: 'cel-optional-oldself-unused', defaultSeverity: 'error', title: 'optionalOldSelf is set on a rule that does not use oldSelf; the apiserver rejects the CRD.' },
  { code: CHECK_CODES.ruleShape, name: 'cel-rule-shape', defaultSeverity: 'error', title: 'A validation rule entry is malformed (missing rule, message with line breaks, bad reason or fieldPath); the apiserver rejects it.' },
  { code: CHECK_CODES.policyShape, name: 'policy-shape', defaultSeverity: 'error', title: 'An admission policy field the apiserver validates is malformed (duplicate or invalid variable names, too many entries).' },
]);
