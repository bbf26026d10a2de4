import type { Scalar } from 'yaml';
import { embeddedString, exactEmbeddedString, type EmbeddedString } from '../../engine/embeddedString.js';
import type { TextEdit } from '../../engine/findings.js';
import { lineStart } from '../fixes.js';
import type { FlagSet, FlagUse, Span } from './flagSet.js';

/**
 * A YAML document written inside a string scalar of the checked document (kind's
 * `kubeadmConfigPatches: [ | ... ]`): maps ranges and edits computed on the string's value back
 * to the checked document. Edits are only mapped for literal block scalars (`|`), whose lines
 * correspond one to one to the value's lines; other styles fold lines, so a mapped edit could
 * not be trusted and is dropped.
 */
export class EmbeddedYaml {
  readonly value: string;
  private readonly editable: boolean;

  private constructor(
    private readonly str: EmbeddedString,
    private readonly docText: string,
    node: Scalar,
  ) {
    this.value = str.value;
    this.editable = node.type === 'BLOCK_LITERAL' && exactEmbeddedString(node, docText) !== undefined;
  }

  static of(node: Scalar, docText: string): EmbeddedYaml | undefined {
    const str = embeddedString(node, docText);
    return str ? new EmbeddedYaml(str, docText, node) : undefined;
  }

  span(s: Span): Span {
    return this.str.sourceRange(s.start, s.end);
  }

  private isLineStart(i: number): boolean {
    return i === 0 || this.value[i - 1] === '\n';
  }

  /** The block's indentation in the checked document at value offset i. */
  private indentAt(i: number): string {
    const src = this.str.toSource(lineStart(this.value, i));
    return this.docText.slice(lineStart(this.docText, src), src);
  }

  edits(edits: TextEdit[]): TextEdit[] {
    if (!this.editable) return [];
    return edits.map((e) => {
      const indent = this.indentAt(e.start);
      if (this.isLineStart(e.start) && (this.isLineStart(e.end) || e.end >= this.value.length)) {
        // Whole lines: take the source lines with their indentation, re-indent the new lines.
        let start = lineStart(this.docText, this.str.toSource(e.start));
        const endSrc = this.str.toSource(e.end);
        const end = e.end >= this.value.length ? endSrc : lineStart(this.docText, endSrc);
        if (e.end >= this.value.length && !this.value.endsWith('\n') && e.start > 0 && e.newText === '') {
          // `|-` keeps no final line break: deleting the last lines takes the break before them,
          // or an empty line would be left in the block.
          start = this.docText.lastIndexOf('\n', start - 1);
          if (start > 0 && this.docText[start - 1] === '\r') start--;
        }
        const newText = e.newText.replace(/^(?=[^\n])/gm, indent);
        return { start, end, newText };
      }
      return {
        start: this.str.toSource(e.start),
        end: e.end > e.start ? this.str.sourceRange(e.start, e.end).end : this.str.toSource(e.start),
        newText: e.newText.replace(/\n/g, '\n' + indent),
      };
    });
  }

  flagSet(set: FlagSet): FlagSet {
    return {
      ...set,
      anchor: this.span(set.anchor),
      flags: set.flags.map((f): FlagUse => ({
        ...f,
        at: this.span(f.at),
        remove: this.edits(f.remove),
        replaceWith: (name, value) => this.edits(f.replaceWith(name, value)),
      })),
    };
  }
}
