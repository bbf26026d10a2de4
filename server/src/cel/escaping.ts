/**
 * OpenAPI property name <-> CEL field name, exactly as kube-apiserver's pkg/cel/escaping.go
 * (k8s-cel.md §4). A property whose name cannot be escaped is not visible to CEL at all.
 */

/** CEL reserved symbols: a property with exactly this name is exposed as `__<name>__`. */
export const CEL_RESERVED_SYMBOLS: ReadonlySet<string> = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function',
  'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

const ALLOWED = /^[a-zA-Z0-9_.\-/]+$/;
// Applied left to right without overlap; '__' first so that `a__b` does not become `a____dot__`.
const ESCAPES: Record<string, string> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };
const ESCAPE_TOKEN = /__|[.\-/]/g;

/** The CEL field name of an OpenAPI property, or undefined when the property is not accessible. */
export function escape(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (CEL_RESERVED_SYMBOLS.has(name)) return `__${name}__`;
  if (!ALLOWED.test(name)) return undefined;
  return name.replace(ESCAPE_TOKEN, (t) => ESCAPES[t]);
}

const UNESCAPES: Record<string, string> = { underscores: '__', dot: '.', dash: '-', slash: '/' };
const UNESCAPE_TOKEN = /__(underscores|dot|dash|slash)__/g;

/** The property name a CEL field name stands for (inverse of escape for escapable names). */
export function unescape(celName: string): string {
  if (celName.startsWith('__') && celName.endsWith('__') && celName.length > 4) {
    const inner = celName.slice(2, -2);
    if (CEL_RESERVED_SYMBOLS.has(inner)) return inner;
  }
  return celName.replace(UNESCAPE_TOKEN, (_m, word: string) => UNESCAPES[word]);
}
