/**
 * cel-js parse errors in cel-go's words (ANTLR's `mismatched input`, `missing ')' at`,
 * `token recognition error at:`), as far as the two parsers' failures correspond.
 */
import { CEL_CODES } from './issues.js';

const EXPECTED_TOKEN_TEXT: Record<string, string> = {
  IDENTIFIER: 'IDENTIFIER', RPAREN: "')'", RBRACKET: "']'", RBRACE: "'}'", COLON: "':'", LPAREN: "'('", EOF: '<EOF>',
};
const ANY_EXPRESSION = "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}";

export interface CelJsError {
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

function tokenText(src: string, start: number, end: number): string {
  if (start >= src.length) return '<EOF>';
  const text = src.slice(start, Math.max(end, start + 1));
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** A cel-go-flavoured message for a cel-js parse error. */
export function describe(src: string, err: CelJsError, start: number, end: number): { code: string; message: string } {
  const summary = err.summary ?? err.message ?? 'invalid expression';
  switch (err.code) {
    case 'expected_token': {
      const expected = /^Expected (\w+)/.exec(summary)?.[1] ?? '';
      const expectedText = EXPECTED_TOKEN_TEXT[expected] ?? expected;
      // ANTLR inserts a missing closer when that alone completes the input: `f(x` → missing ')'.
      if (start >= src.length && CLOSERS.has(expected) && unclosedBrackets(src) === 1) {
        return { code: CEL_CODES.syntax, message: `Syntax error: missing ${expectedText} at '<EOF>'` };
      }
      return { code: CEL_CODES.syntax, message: `Syntax error: mismatched input '${tokenText(src, start, end)}' expecting ${expectedText}` };
    }
    case 'unexpected_token':
      return { code: CEL_CODES.syntax, message: `Syntax error: mismatched input '${tokenText(src, start, end)}' expecting ${ANY_EXPRESSION}` };
    case 'unexpected_character': {
      // The lexer says `Unexpected character: x`; the parser (input left over) quotes it.
      if (/^Unexpected character: '/.test(summary)) {
        return { code: CEL_CODES.syntax, message: `Syntax error: mismatched input '${tokenText(src, start, end)}' expecting <EOF>` };
      }
      // ANTLR quotes what it read: for `=` (a `==` cut short) that includes the next character.
      const width = '=&|'.includes(src[start]) && start + 1 < src.length ? 2 : 1;
      return { code: CEL_CODES.syntax, message: `Syntax error: token recognition error at: '${src.slice(start, start + width)}'` };
    }
    case 'unterminated_string':
    case 'unterminated_triple_quoted_string':
      return { code: CEL_CODES.syntax, message: 'Syntax error: unterminated string literal' };
    case 'reserved_identifier': {
      const name = src.slice(start, end);
      return { code: CEL_CODES.otherTypeError, message: `reserved identifier: ${name}` };
    }
    case 'invalid_macro_argument':
      return { code: CEL_CODES.syntax, message: 'argument must be a simple name' };
    case 'invalid_integer':
    case 'invalid_hex_integer':
      // Out of range for 64 bits (a uint literal's range ends at or just before its `u`).
      return { code: CEL_CODES.invalidLiteral, message: /[uU]/.test(src.slice(end - 1, end + 1)) ? 'invalid uint literal' : 'invalid int literal' };
    case 'invalid_number':
      return { code: CEL_CODES.invalidLiteral, message: 'invalid double literal' }; // e.g. 1e400
    default:
      return { code: CEL_CODES.syntax, message: `Syntax error: ${summary.replace(/\.$/, '')}` };
  }
}

const CLOSERS = new Set(['RPAREN', 'RBRACKET', 'RBRACE']);

/** How many brackets are left open at the end of `src` (strings and comments skipped). */
function unclosedBrackets(src: string): number {
  let depth = 0;
  const tokens = /'''[\s\S]*?(?:'''|$)|"""[\s\S]*?(?:"""|$)|'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?|\/\/[^\n]*|[([{]|[)\]}]/g;
  for (const m of src.matchAll(tokens)) {
    if (m[0] === '(' || m[0] === '[' || m[0] === '{') depth++;
    else if (m[0] === ')' || m[0] === ']' || m[0] === '}') depth--;
  }
  return depth;
}
