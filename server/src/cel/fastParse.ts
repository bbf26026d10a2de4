/**
 * A one-pass parser for the common shape of Kubernetes CEL, building exactly the tree that
 * parse.ts's full path builds (cel-js's parser, then regrouping to cel-go's precedence, grammar
 * checks, depth check), or giving up (undefined) so that the full path decides.
 *
 * Why: cel-js's parser is the larger half of parsing a cold file's expressions (its nodes carry
 * macro expansions and evaluation metadata our checker never reads), and parse.ts then walks the
 * tree twice more. This parser reads the grammar the apiserver's own (cel-go) has for the
 * expressions nearly every policy consists of: identifiers, field selections, calls, member calls,
 * optional selections and indexes, decimal ints, strings without escapes, bools, null, lists,
 * parentheses, the unary and binary operators and the conditional. Anything else — a syntax error, doubles, uints, hex, escapes,
 * raw or bytes strings, comments, maps and struct literals, optional entries, reserved words,
 * non-ASCII outside strings, trailing commas, deep nesting — is left to the full path, which
 * owns every error message. test/cel/fast-parse.test.ts compares the two node for node on every
 * expression of the corpora and on generated and mutated ones.
 */
import type { AstNode } from './parse.js';
import { CEL_RESERVED_SYMBOLS } from './escaping.js';

/** Nesting (of the recursive descent) past which the full path decides: far under cel-go's 250. */
const MAX_NESTING = 64;

/** CEL's reserved words (cel-js reserves the same), and the JavaScript-only ones parse.ts aliases. */
const RESERVED: ReadonlySet<string> = new Set([...CEL_RESERVED_SYMBOLS, '__proto__', 'prototype']);

/**
 * Calls cel-js expands as macros when parsing, some of which reject a first argument that is not
 * an identifier with a parse error (left to the full path, whatever the arity).
 */
const MACRO_NAMES: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'bind', 'optMap', 'optFlatMap', 'transformList', 'transformMap', 'transformMapEntry', 'sortBy']);

// Token kinds.
const EOF = 0;
const IDENT = 1;
const INT = 2;
const STRING = 3;
const TRUE = 4;
const FALSE = 5;
const NULL = 6;
const LPAREN = 7;
const RPAREN = 8;
const LBRACKET = 9;
const RBRACKET = 10;
const DOT = 11;
const COMMA = 12;
const QUESTION = 13;
const COLON = 14;
const NOT = 15;
const MINUS = 16;
const OR = 17;
const AND = 18;
/** Relations (`==` `!=` `<` `<=` `>` `>=` `in`): one left-associative level, as in cel-go. */
const RELATION = 19;
/** `+` (MINUS is also additive). */
const PLUS = 20;
/** `*` `/` `%`. */
const MULTIPLICATIVE = 21;

/** The precedence level of each binary operator token (loosest first), -1 for other tokens. */
const BINARY_LEVEL = new Int8Array(MULTIPLICATIVE + 1).fill(-1);
BINARY_LEVEL[OR] = 0;
BINARY_LEVEL[AND] = 1;
BINARY_LEVEL[RELATION] = 2;
BINARY_LEVEL[PLUS] = 3;
BINARY_LEVEL[MINUS] = 3;
BINARY_LEVEL[MULTIPLICATIVE] = 4;
const BINARY_LEVELS = 5;

/** Thrown to give up; caught at the entry point only. */
const BAIL = { bail: true };

type Node = { op: string; args: unknown; pos: number; start: number; end: number };

/**
 * The nodes of the current parse in the order they are built (one parse runs at a time: it never
 * calls out). A recursive-descent parser builds a node after its operands, left to right: this is
 * the tree's post-order, whose reverse is the order parse.ts's astIndex walk visits the nodes in.
 */
let built: Node[] = [];

function node(op: string, args: unknown, pos: number, start: number, end: number): Node {
  const n = { op, args, pos, start, end };
  built.push(n);
  return n;
}

/** [0-9A-Za-z_] */
function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

class FastCelParser {
  private pos = 0;
  /** The current token: kind, start, end, and its text for IDENT / operators / STRING value. */
  private kind = EOF;
  private tokStart = 0;
  private tokEnd = 0;
  private text = '';
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): AstNode {
    this.next();
    const root = this.expression();
    if (!this.is(EOF)) throw BAIL;
    return root as AstNode;
  }

  // -------------------------------------------------------------------------------------------
  // Lexer

  private next(): void {
    const src = this.src;
    const n = src.length;
    let i = this.pos;
    let c = 0;
    while (i < n && ((c = src.charCodeAt(i)) === 32 || c === 10 || c === 13 || c === 9)) i++;
    this.tokStart = i;
    if (i >= n) {
      this.kind = EOF;
      this.tokEnd = this.pos = n;
      return;
    }
    const d = i + 1 < n ? src.charCodeAt(i + 1) : -1;
    let len = 1;
    switch (c) {
      case 40: this.kind = LPAREN; break; // (
      case 41: this.kind = RPAREN; break; // )
      case 91: this.kind = LBRACKET; break; // [
      case 93: this.kind = RBRACKET; break; // ]
      case 46: // .
        if (d >= 48 && d <= 57) throw BAIL; // .5, a double
        this.kind = DOT;
        break;
      case 44: this.kind = COMMA; break; // ,
      case 63: this.kind = QUESTION; break; // ?
      case 58: this.kind = COLON; break; // :
      case 43: this.kind = PLUS; this.text = '+'; break;
      case 45: this.kind = MINUS; this.text = '-'; break;
      case 42: this.kind = MULTIPLICATIVE; this.text = '*'; break;
      case 37: this.kind = MULTIPLICATIVE; this.text = '%'; break;
      case 47: // /
        if (d === 47) throw BAIL; // comment
        this.kind = MULTIPLICATIVE;
        this.text = '/';
        break;
      case 33: // !
        if (d === 61) { this.kind = RELATION; this.text = '!='; len = 2; }
        else this.kind = NOT;
        break;
      case 61: // =
        if (d !== 61) throw BAIL;
        this.kind = RELATION; this.text = '=='; len = 2;
        break;
      case 60: // <
        this.kind = RELATION;
        if (d === 61) { this.text = '<='; len = 2; } else this.text = '<';
        break;
      case 62: // >
        this.kind = RELATION;
        if (d === 61) { this.text = '>='; len = 2; } else this.text = '>';
        break;
      case 38: // &
        if (d !== 38) throw BAIL;
        this.kind = AND; this.text = '&&'; len = 2;
        break;
      case 124: // |
        if (d !== 124) throw BAIL;
        this.kind = OR; this.text = '||'; len = 2;
        break;
      case 34: case 39: // " '
        this.stringToken(i, c, d);
        return;
      default:
        if (c >= 48 && c <= 57) {
          this.intToken(i);
          return;
        }
        if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
          this.identToken(i);
          return;
        }
        throw BAIL;
    }
    this.tokEnd = this.pos = i + len;
  }

  /** A single-line string without escapes (anything else is left to cel-js). */
  private stringToken(start: number, quote: number, second: number): void {
    const src = this.src;
    if (second === quote) {
      // '' is the empty string, ''' a triple-quoted one.
      if (start + 2 < src.length && src.charCodeAt(start + 2) === quote) throw BAIL;
      this.kind = STRING;
      this.text = '';
      this.tokEnd = this.pos = start + 2;
      return;
    }
    for (let j = start + 1; j < src.length; j++) {
      const c = src.charCodeAt(j);
      if (c === quote) {
        this.kind = STRING;
        this.text = src.slice(start + 1, j);
        this.tokEnd = this.pos = j + 1;
        return;
      }
      if (c === 92 || c === 10 || c === 13) throw BAIL; // \ escape, line break
    }
    throw BAIL; // unterminated
  }

  /** A decimal int: cel-js reads it as a BigInt. Anything number-like after it is left to cel-js. */
  private intToken(start: number): void {
    const src = this.src;
    let j = start;
    while (j < src.length) {
      const c = src.charCodeAt(j);
      if (c < 48 || c > 57) break;
      j++;
    }
    // A following letter, digit, `_` or `.` (uint suffix, hex, double, exponent, `1.size()`), a
    // leading zero, or more digits than an int64 surely holds: the full path decides.
    if ((j < src.length && (isIdentPart(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) || (j - start > 1 && src.charCodeAt(start) === 48) || j - start > 18) throw BAIL;
    this.kind = INT;
    this.text = src.slice(start, j);
    this.tokEnd = this.pos = j;
  }

  private identToken(start: number): void {
    const src = this.src;
    let j = start + 1;
    while (j < src.length && isIdentPart(src.charCodeAt(j))) j++;
    // r'…', b"…" and the like (or an identifier glued to a string, an error).
    if (j < src.length) {
      const c = src.charCodeAt(j);
      if (c === 34 || c === 39 || c >= 128) throw BAIL;
    }
    const word = src.slice(start, j);
    switch (word) {
      case 'true': this.kind = TRUE; break;
      case 'false': this.kind = FALSE; break;
      case 'null': this.kind = NULL; break;
      case 'in': this.kind = RELATION; break;
      default:
        this.kind = IDENT;
    }
    this.text = word;
    this.tokEnd = this.pos = j;
  }

  /** A method, not a comparison of the field: TypeScript would narrow the field across next(). */
  private is(kind: number): boolean {
    return this.kind === kind;
  }

  private expect(kind: number): void {
    if (this.kind !== kind) throw BAIL;
    this.next();
  }

  // -------------------------------------------------------------------------------------------
  // Grammar (cel-go's): expr = or ('?' or ':' expr)?

  private expression(): Node {
    if (++this.depth > MAX_NESTING) throw BAIL;
    const condition = this.binary(0);
    if (!this.is(QUESTION)) {
      this.depth--;
      return condition;
    }
    this.next();
    // cel-go's middle operand is a conditionalOr: a nested conditional there is a syntax error.
    const consequent = this.binary(0);
    this.expect(COLON);
    const alternate = this.expression();
    this.depth--;
    return node('?:', [condition, consequent, alternate], condition.start, condition.start, alternate.end);
  }

  /**
   * The binary operators from `level` (BINARY_LEVEL) down, each level left-associative and
   * binding tighter than the one before it, as in cel-go's grammar.
   */
  private binary(level: number): Node {
    if (level === BINARY_LEVELS) return this.unary();
    let left = this.binary(level + 1);
    while (BINARY_LEVEL[this.kind] === level) {
      const op = this.text;
      this.next();
      const right = this.binary(level + 1);
      left = node(op, [left, right], left.start, left.start, right.end);
    }
    return left;
  }

  private unary(): Node {
    if (this.is(NOT) || this.is(MINUS)) {
      const op = this.is(NOT) ? '!_' : '-_';
      const start = this.tokStart;
      if (++this.depth > MAX_NESTING) throw BAIL;
      this.next();
      const operand = this.unary();
      this.depth--;
      return node(op, operand, start, start, operand.end);
    }
    return this.member();
  }

  private member(): Node {
    let target = this.primary();
    for (;;) {
      if (this.is(DOT)) {
        this.next();
        // `.?name`: an optional field selection (cel-js and cel-go allow space around the `?`).
        const optional = this.is(QUESTION);
        if (optional) this.next();
        if (!this.is(IDENT)) throw BAIL;
        const name = this.text;
        const nameStart = this.tokStart;
        const nameEnd = this.tokEnd;
        this.next();
        if (optional) {
          if (this.is(LPAREN)) throw BAIL;
          target = node('.?', [target, name], nameStart, target.start, nameEnd);
        } else if (this.is(LPAREN)) {
          const args = this.callArguments(name);
          target = node('rcall', [name, target, args], target.start, target.start, this.tokEnd);
          this.next();
        } else {
          target = node('.', [target, name], nameStart, target.start, nameEnd);
        }
      } else if (this.is(LBRACKET)) {
        this.next();
        const optional = this.is(QUESTION); // a[?key]
        if (optional) this.next();
        const index = this.expression();
        if (!this.is(RBRACKET)) throw BAIL;
        target = node(optional ? '[?]' : '[]', [target, index], target.start, target.start, this.tokEnd);
        this.next();
      } else {
        return target;
      }
    }
  }

  /**
   * The arguments of a call whose `(` is the current token; leaves the `)` as the current token
   * (its end is the call's end).
   */
  private callArguments(name: string): Node[] {
    const args = this.expressionList(RPAREN);
    if (args.length > 0 && args[0].op !== 'id' && MACRO_NAMES.has(name)) throw BAIL;
    return args;
  }

  /**
   * Comma-separated expressions after the current (opening) token, up to the `close` token, which
   * is left as the current token. A trailing comma fails (in expression(): `)` or `]` is no
   * operand), as cel-go's grammar has it for calls; for lists the full path decides.
   */
  private expressionList(close: number): Node[] {
    if (++this.depth > MAX_NESTING) throw BAIL;
    this.next();
    const items: Node[] = [];
    if (!this.is(close)) {
      for (;;) {
        items.push(this.expression());
        if (!this.is(COMMA)) break;
        this.next();
      }
      if (!this.is(close)) throw BAIL;
    }
    this.depth--;
    return items;
  }

  private primary(): Node {
    const start = this.tokStart;
    const end = this.tokEnd;
    switch (this.kind) {
      case IDENT: {
        const name = this.text;
        // Reserved words are errors as identifiers, not as field names (`metadata.namespace`).
        if (RESERVED.has(name)) throw BAIL;
        this.next();
        if (!this.is(LPAREN)) return node('id', name, start, start, end);
        const args = this.callArguments(name);
        const call = node('call', [name, args], start, start, this.tokEnd);
        this.next();
        return call;
      }
      case INT: {
        const value = BigInt(this.text);
        this.next();
        return node('value', value, start, start, end);
      }
      case STRING: {
        const value = this.text;
        this.next();
        return node('value', value, start, start, end);
      }
      case TRUE: this.next(); return node('value', true, start, start, end);
      case FALSE: this.next(); return node('value', false, start, start, end);
      case NULL: this.next(); return node('value', null, start, start, end);
      case LPAREN: {
        this.next();
        const inner = this.expression();
        this.expect(RPAREN);
        return inner;
      }
      case LBRACKET: {
        const elements = this.expressionList(RBRACKET);
        const list = node('list', elements, start, start, this.tokEnd);
        this.next();
        return list;
      }
      default:
        throw BAIL;
    }
  }
}

/**
 * The finished tree of `src` (as parse.ts's full path would build it) when it is in the common
 * subset, else undefined. Never throws. `postOrder` lists every node of the tree, operands before
 * their node, left to right: its length is the size of the tree (a tree of fewer nodes than
 * cel-go's depth limit cannot exceed it; larger ones need parse.ts's depth check).
 */
export function fastParseCel(src: string): { ast: AstNode; postOrder: AstNode[] } | undefined {
  built = [];
  try {
    const ast = new FastCelParser(src).parse();
    return { ast, postOrder: built as AstNode[] };
  } catch (e) {
    if (e === BAIL || e instanceof RangeError) return undefined;
    throw e;
  }
}
