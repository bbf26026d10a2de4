const STRING_LITERAL = /[rRbB]{0,2}("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')/g;
const FIELD_SELECTION = /\.\s*\??\s*[A-Za-z_]\w*/g;

/**
 * Whether a CEL expression refers to a top-level identifier, e.g. whether a CRD rule is a
 * transition rule (uses oldSelf). String literals and field selections (`x.oldSelf`) do not count.
 */
export function referencesIdentifier(expression: string, name: string): boolean {
  const code = expression.replace(STRING_LITERAL, '""').replace(FIELD_SELECTION, '.x');
  return new RegExp(`\\b${name}\\b`).test(code);
}
