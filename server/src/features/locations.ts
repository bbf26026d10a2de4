import { LineIndex as EngineLineIndex } from '../engine/lineIndex.js';

/** A 1-based line and a 1-based column counted in characters (Unicode code points) of the line. */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * The engine's line index with what people and tools outside LSP expect: 1-based lines and columns
 * that count characters, so an 'é' or an emoji earlier on the line counts once.
 */
export class LineIndex extends EngineLineIndex {
  locate(offset: number): LineColumn {
    const { line, character } = this.positionAt(offset);
    return { line: line + 1, column: 1 + this.codePointColumn(line, character) };
  }
}
