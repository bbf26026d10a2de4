/**
 * Finding codes of the CEL checker core and the one constructor every checker module uses to
 * report an issue (so severity and shape stay uniform).
 */
import { registerCodes } from '../engine/codes.js';
import type { CelIssue } from './api.js';

export const CEL_CODES = {
  syntax: 'KCG1001',
  undeclaredReference: 'KCG1002',
  undefinedField: 'KCG1003',
  noMatchingOverload: 'KCG1004',
  wrongResultType: 'KCG1005',
  invalidLiteral: 'KCG1008',
  otherTypeError: 'KCG1009',
} as const;

registerCodes([
  { code: CEL_CODES.syntax, name: 'cel-syntax-error', defaultSeverity: 'error', title: 'The CEL expression does not parse; the apiserver rejects it.' },
  { code: CEL_CODES.undeclaredReference, name: 'cel-undeclared-reference', defaultSeverity: 'error', title: 'The CEL expression uses a variable or function that is not declared in this context; the apiserver rejects it.' },
  { code: CEL_CODES.undefinedField, name: 'cel-undefined-field', defaultSeverity: 'error', title: 'The CEL expression selects a field the schema does not have; the apiserver rejects it (or warns, for policy type checking).' },
  { code: CEL_CODES.noMatchingOverload, name: 'cel-no-matching-overload', defaultSeverity: 'error', title: 'No overload of the function or operator accepts these argument types; the apiserver rejects the expression.' },
  { code: CEL_CODES.wrongResultType, name: 'cel-wrong-result-type', defaultSeverity: 'error', title: 'The CEL expression evaluates to a type the field does not accept (e.g. dyn where bool is required); the apiserver rejects it.' },
  { code: CEL_CODES.invalidLiteral, name: 'cel-invalid-literal', defaultSeverity: 'error', title: 'A duration, timestamp, regular expression or number literal is invalid; the apiserver rejects the expression.' },
  { code: CEL_CODES.otherTypeError, name: 'cel-type-error', defaultSeverity: 'error', title: 'The CEL expression has a type error (mixed literal types, selection on a scalar, bad comprehension range, reserved word); the apiserver rejects it.' },
]);

export function celIssue(code: string, start: number, end: number, message: string): CelIssue {
  return { start, end: Math.max(end, start), severity: 'error', code, message };
}
