import { Lexer } from 'yaml';

/**
 * `yaml` needs time far out of proportion to the size of a document that nests thousands of
 * levels deep, such as unclosed flow collections (`- [` on every line: ~10 ms per KB) or compact
 * sequences (`- - - - …`). No Kubernetes object nests like that, but a pasted dump or binary junk
 * can, and one document cannot be split, so the server would stop answering for seconds. This
 * measures the nesting with yaml's own lexer (linear time) before the document is parsed.
 */
export const MAX_NESTING = 500;

/** Below this size even a pathological document parses within a few tens of milliseconds. */
const SMALL = 8 * 1024;

export interface TooDeep {
  /** Offset of the token that went past MAX_NESTING. */
  offset: number;
}

/** Where `text` first nests deeper than MAX_NESTING levels, or undefined if it never does. */
export function nestingBeyondLimit(text: string): TooDeep | undefined {
  if (text.length < SMALL) return undefined;
  let flow = 0;
  let onLine = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    switch (token) {
      case '[':
      case '{':
        if (++flow > MAX_NESTING) return { offset };
        break;
      case ']':
      case '}':
        if (flow > 0) flow--;
        break;
      case '-':
      case '?':
      case ':':
        if (++onLine > MAX_NESTING) return { offset };
        break;
      default:
        if (token === '\n' || token === '\r\n') onLine = 0;
        else if (token === '---' || token === '...') flow = 0;
    }
    // yaml's control tokens (document, scalar, flow error end) occupy no source text.
    if (token !== '\x02' && token !== '\x1f' && token !== '\x18') offset += token.length;
  }
  return undefined;
}
