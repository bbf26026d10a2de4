/**
 * Typing what stands before the cursor of a half-typed expression. `object.spec.` does not parse,
 * so completion cannot ask the checker about the whole text. Instead it closes the prefix up to
 * the receiver (`object.spec.containers.all(c, c` + `)`), checks that, and reads the type of the
 * node that ends where the receiver ends: the receiver keeps its context (comprehension variables,
 * `variables.*` of earlier variables) without the unparseable rest. If even that does not parse,
 * the receiver alone is checked.
 */
import type { CelType } from '../cel/api.js';
import { checkKubernetesCel, type BuiltEnvironment } from '../cel/environments.js';
import { childrenOf, type AstNode } from '../cel/parse.js';
import { INT } from '../cel/types.js';

const OPEN_TO_CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The brackets a prefix leaves open, closed in order; undefined when the prefix ends inside a string. */
export function closersFor(prefix: string): string | undefined {
  const stack: string[] = [];
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (c === '"' || c === "'") {
      const triple = prefix.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      let closed = false;
      for (; j < prefix.length; j++) {
        if (prefix[j] === '\\') { j++; continue; }
        if (!triple && prefix[j] === '\n') break;
        if (prefix.startsWith(quote, j)) { closed = true; break; }
      }
      if (!closed) return undefined;
      i = j + quote.length - 1;
      continue;
    }
    if (c === '/' && prefix[i + 1] === '/') {
      while (i < prefix.length && prefix[i] !== '\n') i++;
      continue;
    }
    if (OPEN_TO_CLOSE[c]) stack.push(OPEN_TO_CLOSE[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack[stack.length - 1] === c) stack.pop();
    }
  }
  return stack.reverse().join('');
}

/** Whether the cursor after `prefix` is inside a string literal (no completion there). */
export function insideString(prefix: string): boolean {
  return closersFor(prefix) === undefined;
}

function walk(root: AstNode, visit: (n: AstNode) => void): void {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    visit(n);
    stack.push(...childrenOf(n));
  }
}

/** The widest node ending at `end` (the whole receiver `a.b.c`, not its `c`). */
function nodeEndingAt(root: AstNode, end: number, minStart: number): AstNode | undefined {
  let best: AstNode | undefined;
  walk(root, (n) => {
    if (n.end !== end || n.start < minStart) return;
    if (!best || n.start < best.start) best = n;
  });
  return best;
}

/**
 * Where the receiver ending at `end` starts: back over a chain of identifiers, dots, calls and
 * indexes (`object.spec.containers[0]`, `x.filter(c, c.a)`), never past an operator or comma.
 */
export function receiverStart(src: string, end: number): number {
  let k = end;
  for (;;) {
    while (k > 0 && /\s/.test(src[k - 1])) k--;
    const c = src[k - 1];
    if (c === ')' || c === ']') {
      const open = c === ')' ? '(' : '[';
      let depth = 0;
      let j = k - 1;
      for (; j >= 0; j--) {
        if (src[j] === c) depth++;
        else if (src[j] === open && --depth === 0) break;
      }
      if (j < 0) return k;
      k = j;
      while (k > 0 && /[\w]/.test(src[k - 1])) k--;
    } else if (c !== undefined && /[\w]/.test(c)) {
      while (k > 0 && /[\w]/.test(src[k - 1])) k--;
    } else if (c === '"' || c === "'") {
      const j = src.lastIndexOf(c, k - 2);
      if (j < 0) return k;
      k = j;
    } else {
      return k;
    }
    let d = k;
    while (d > 0 && /\s/.test(src[d - 1])) d--;
    if (src[d - 1] === '.') k = d - 1;
    else if (src[d - 1] === '?' && src[d - 2] === '.') k = d - 2;
    else return k;
  }
}

const HOLE = '__kcg_hole__';
const PLACEHOLDER = '__kcg_cursor__';

/**
 * Fills the other half-typed selections of a prefix (`object.spec. && c.`): a dot followed by
 * nothing that can start a name gets a placeholder field, so the rest still parses. Returns the
 * repaired text and the offset maps between it and the original.
 */
export function repairDanglingDots(prefix: string): { text: string; shift(offset: number): number; unshift(offset: number): number } {
  const holes: number[] = [];
  const text = prefix.replace(/(?<![0-9\s])\.(?=\s*(?:$|[^\w\s?]))/g, (_m, at: number) => {
    holes.push(at + 1);
    return '.' + HOLE;
  });
  const repairedHoles = holes.map((h, k) => h + k * HOLE.length);
  return {
    text,
    shift: (offset) => offset + holes.filter((h) => h <= offset).length * HOLE.length,
    // An offset inside a placeholder maps to where it was inserted.
    unshift: (offset) => {
      let out = offset;
      for (const h of repairedHoles) {
        if (offset >= h + HOLE.length) out -= HOLE.length;
        else if (offset > h) out -= offset - h;
      }
      return out;
    },
  };
}

/** Whether a field name is a placeholder of repairDanglingDots (nothing to show for it). */
export function isPlaceholderName(name: string): boolean {
  return name === HOLE || name === PLACEHOLDER;
}

/**
 * A half-typed expression made checkable: dangling dots filled and open brackets closed. Offsets
 * of the original text stay valid up to the first repair; use the maps beyond.
 */
export function repairedExpression(src: string): { text: string; shift(offset: number): number; unshift(offset: number): number } | undefined {
  const repaired = repairDanglingDots(src);
  const closers = closersFor(repaired.text);
  if (closers === undefined) return undefined;
  return { ...repaired, text: repaired.text + closers };
}

/** The type of the expression ending at `end` in `src` (the text before a `.`), if it can be found. */
export function typeOfReceiver(src: string, end: number, env: BuiltEnvironment): CelType | undefined {
  const start = receiverStart(src, end);
  if (start >= end) return undefined;
  const repaired = repairDanglingDots(src.slice(0, end));
  const closers = closersFor(repaired.text);
  if (closers !== undefined) {
    const checked = checkKubernetesCel(repaired.text + closers, env);
    const node = checked.ast && nodeEndingAt(checked.ast, repaired.shift(end), repaired.shift(start));
    const t = node && checked.typeOf(node);
    if (t) return t;
  }
  const alone = src.slice(start, end);
  const checked = checkKubernetesCel(alone + (closersFor(alone) ?? ''), env);
  const node = checked.ast && nodeEndingAt(checked.ast, alone.length, 0);
  return node ? checked.typeOf(node) : undefined;
}

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap', 'transformMapEntry']);
/** Macros whose 3-argument form binds two variables (map's third argument is a transform). */
const TWO_VARIABLE_FORMS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'transformList', 'transformMap', 'transformMapEntry']);

/**
 * The comprehension variables in scope at the end of `prefix` (`c` in `xs.all(c, |`), innermost
 * macro first, with the type of their range's elements (a map iterates its keys).
 */
export function comprehensionVariablesAt(prefix: string, env: BuiltEnvironment): Array<{ name: string; type: CelType | undefined }> {
  const repaired = repairDanglingDots(prefix).text;
  const closers = closersFor(repaired);
  if (closers === undefined) return [];
  const checked = checkKubernetesCel(repaired + PLACEHOLDER + closers, env);
  if (!checked.ast) return [];
  const at = repaired.length;
  // One group per enclosing macro, outermost first (walk visits parents before children).
  const groups: Array<Array<{ name: string; type: CelType | undefined }>> = [];
  walk(checked.ast, (n) => {
    if (n.op !== 'rcall' || at < n.start || at > n.end) return;
    const out: Array<{ name: string; type: CelType | undefined }> = [];
    groups.push(out);
    const [name, receiver, args] = n.args as [string, AstNode, AstNode[]];
    const [first, second] = args;
    if (!COMPREHENSIONS.has(name) || first?.op !== 'id' || args.length < 2 || at <= first.end) return;
    const range = checked.typeOf(receiver);
    // Two-variable forms (`all(i, v, p)`): index and element of a list, key and value of a map.
    if (TWO_VARIABLE_FORMS.has(name) && args.length >= 3 && second?.op === 'id' && at > second.end) {
      out.push({ name: first.args as string, type: range?.kind === 'list' ? INT : range?.kind === 'map' ? range.key : undefined });
      out.push({ name: second.args as string, type: range?.kind === 'list' ? range.elem : range?.kind === 'map' ? range.value : undefined });
      return;
    }
    out.push({ name: first.args as string, type: range?.kind === 'list' ? range.elem : range?.kind === 'map' ? range.key : undefined });
  });
  return groups.reverse().flat();
}
