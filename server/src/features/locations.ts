/** A 1-based line and a 1-based column counted in characters (Unicode code points) of the line. */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Turns the engine's UTF-16 offsets into what people and tools outside LSP expect: 1-based lines
 * and columns that count characters, so an 'é' or an emoji earlier on the line counts once.
 * Line breaks are YAML's: \r\n, \r or \n.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) this.starts.push(i + 1);
      else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  /** 0-based line containing `offset` (clamped to the text). */
  lineOf(offset: number): number {
    const target = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The line's text without its line break. */
  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    return this.text.slice(start, this.contentEnd(line));
  }

  locate(offset: number): LineColumn {
    const line = this.lineOf(offset);
    // An offset inside the line break (between \r and \n) is the end of the line's content.
    const end = Math.min(Math.max(0, offset), this.contentEnd(line));
    return { line: line + 1, column: 1 + codePointCount(this.text, this.starts[line], end) };
  }

  private contentEnd(line: number): number {
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    if (end > this.starts[line] && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}

/** Characters in text[from, to): a surrogate pair counts once. */
export function codePointCount(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
