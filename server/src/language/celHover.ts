/**
 * Hover inside a CEL expression: what the checker inferred for the token under the cursor, in the
 * environment the diagnostics used (celContext.ts).
 */
import type { CelType, OverloadDecl } from '../cel/api.js';
import { celEnvironmentFor, checkKubernetesCel } from '../cel/environments.js';
import { callNameSpan, isBinaryOp, nodePathAt, operatorSpan, type Span } from '../cel/locate.js';
import type { AstNode } from '../cel/parse.js';
import { unalias } from '../cel/parse.js';
import { displayType } from './typeNames.js';
import type { CelContext } from './celContext.js';
import { celBlock, formatKind, macroNamed, signature } from './celDocs.js';
import { isPlaceholderName, repairedExpression } from './celPrefix.js';
import type { CheckedExpression } from '../cel/environment.js';

export interface CelHover {
  /** Expression offsets. */
  span: Span;
  markdown: string;
}

const within = (i: number, s: Span) => i >= s.start && i <= s.end;

function fieldDescription(receiverType: CelType | undefined, name: string): string | undefined {
  if (receiverType?.kind !== 'object') return undefined;
  try {
    return receiverType.fields().get(name)?.description;
  } catch {
    return undefined;
  }
}

function withDoc(head: string, doc: string | undefined): string {
  return doc ? `${head}\n\n${doc}` : head;
}

function variableHover(ctx: CelContext, name: string, t: CelType | undefined): string {
  if ((name === 'object' || name === 'oldObject') && ctx.objectKind) return celBlock(`${name}: ${formatKind(ctx.objectKind)}`);
  const head = celBlock(`${name}: ${t ? displayType(t, ctx.objectKind, ctx.env.version) : 'dyn'}`);
  return (name === 'self' || name === 'oldSelf') && ctx.selfPath ? withDoc(head, `The value at \`${ctx.selfPath}\`.`) : head;
}

function functionHover(ctx: CelContext, node: AstNode, resolved: readonly string[] | undefined): string | undefined {
  const member = node.op === 'rcall';
  const name = unalias((node.args as [string])[0]);
  const macro = macroNamed(name, member);
  if (macro) return withDoc(celBlock(macro.signature), macro.doc);
  const all = celOverloads(ctx, name).filter((o) => !!o.receiver === member);
  const chosen = resolved?.length ? all.filter((o) => resolved.includes(o.id)) : all;
  const shown = chosen.length ? chosen : all;
  if (shown.length === 0) return undefined;
  const signatures = [...new Set(shown.map(signature))];
  const docs = [...new Set(shown.map((o) => o.doc).filter((d): d is string => !!d))];
  return withDoc(celBlock(signatures.join('\n')), docs.join('\n\n') || undefined);
}

/** The environment's overloads of one function (standard library and Kubernetes libraries). */
function celOverloads(ctx: CelContext, name: string): readonly OverloadDecl[] {
  return celEnvironmentFor(ctx.env).functions.get(name) ?? [];
}

/**
 * Hover for expression offset `i`, or undefined when there is nothing useful to say. A half-typed
 * expression (`object.spec.` while typing) is hovered in its repaired form (celPrefix.ts).
 */
export function celHoverAt(ctx: CelContext, i: number): CelHover | undefined {
  const src = ctx.cel.source.value;
  const checked = checkKubernetesCel(src, ctx.env);
  if (checked.ast) return hoverIn(ctx, src, checked, i);
  const repaired = repairedExpression(src);
  if (!repaired) return undefined;
  const rechecked = checkKubernetesCel(repaired.text, ctx.env);
  if (!rechecked.ast) return undefined;
  const hover = hoverIn(ctx, repaired.text, rechecked, repaired.shift(i));
  return hover && { ...hover, span: { start: repaired.unshift(hover.span.start), end: repaired.unshift(hover.span.end) } };
}

function hoverIn(ctx: CelContext, src: string, checked: CheckedExpression, i: number): CelHover | undefined {
  const path = nodePathAt(checked.ast!, i);
  const node = path[path.length - 1];
  if (!node) return undefined;
  const typeOf = (n: AstNode | undefined) => (n ? checked.typeOf(n) : undefined);
  switch (node.op) {
    case 'id': {
      const name = unalias(node.args as string);
      return { span: { start: node.start, end: node.end }, markdown: variableHover(ctx, name, typeOf(node)) };
    }
    case '.': case '.?': {
      const [receiver, field] = node.args as [AstNode, string];
      const name = unalias(field);
      if (isPlaceholderName(name)) return undefined;
      const t = typeOf(node);
      const shownType = t ? displayType(t, ctx.objectKind, ctx.env.version) : 'dyn';
      // `variables.x` reads as one name, like the variables it declares.
      const label = receiver.op === 'id' && receiver.args === 'variables' ? `variables.${name}` : name;
      return { span: { start: node.pos, end: node.end }, markdown: withDoc(celBlock(`${label}: ${shownType}`), fieldDescription(typeOf(receiver), name)) };
    }
    case 'call': case 'rcall': {
      const nameSpan = callNameSpan(src, node);
      if (within(i, nameSpan)) {
        const markdown = functionHover(ctx, node, checked.overloadsOf(node));
        if (markdown) return { span: nameSpan, markdown };
      }
      break;
    }
    default:
      if (isBinaryOp(node.op)) {
        const op = operatorSpan(src, node);
        if (within(i, op)) return resultHover(ctx, op, typeOf(node));
      }
  }
  return resultHover(ctx, { start: node.start, end: node.end }, typeOf(node));
}

function resultHover(ctx: CelContext, span: Span, t: CelType | undefined): CelHover | undefined {
  if (!t) return undefined;
  return { span, markdown: celBlock(`(expression): ${displayType(t, ctx.objectKind, ctx.env.version)}`) };
}
