/** A 0-based line and UTF-16 character position, as LSP counts them. */
export interface LinePosition {
  line: number;
  character: number;
}

/**
 * Converts between text offsets and line/character positions. Line breaks are '\n', '\r\n' and a
 * lone '\r' (what LSP clients recognise). Built once per text; lookups binary-search the line
 * starts, so turning thousands of findings into positions stays cheap.
 */
export class LineIndex {
  private readonly text: string;
  /** Offset of the first character of each line. */
  private readonly starts: Int32Array;

  constructor(text: string) {
    this.text = text;
    const starts: number[] = [0];
    if (text.indexOf('\r') < 0) {
      // Only '\n' breaks (the usual case): indexOf finds them far faster than a character loop.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = Int32Array.from(starts);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.starts = Int32Array.from(starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offsets are clamped to the text; an offset inside a CRLF pair counts as the end of its line. */
  positionAt(offset: number): LinePosition {
    const o = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(o, this.contentEnd(lo)) - this.starts[lo] };
  }

  /** A character past the line's end clamps to the end of the line (before its break), as in LSP. */
  offsetAt(pos: LinePosition): number {
    if (!(pos.line >= 0)) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const line = Math.floor(pos.line);
    const start = this.starts[line];
    const character = pos.character > 0 ? Math.floor(pos.character) : 0;
    return Math.min(start + character, this.contentEnd(line));
  }

  /** The line's text without its line break; '' for a line out of range. */
  lineText(line: number): string {
    if (!(line >= 0 && line < this.starts.length)) return '';
    const l = Math.floor(line);
    return this.text.slice(this.starts[l], this.contentEnd(l));
  }

  /**
   * Number of Unicode code points before UTF-16 `character` on `line`: the column the CLI prints
   * (an emoji counts once, as editors and terminals show it). A character inside a surrogate pair
   * counts the pair as not yet passed.
   */
  codePointColumn(line: number, character: number): number {
    const text = this.lineText(line);
    const end = Math.max(0, Math.min(Number.isFinite(character) ? Math.floor(character) : 0, text.length));
    let column = 0;
    for (let i = 0; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch >= 0xd800 && ch <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          if (i + 1 >= end) break;
          i++;
        }
      }
      column++;
    }
    return column;
  }

  /** Offset just before the line break ending `line` (or the end of the text). */
  private contentEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    const next = this.starts[line + 1];
    if (this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13) return next - 2;
    return next - 1;
  }
}
