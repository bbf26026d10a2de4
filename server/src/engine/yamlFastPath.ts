import { Composer, CST, Document, isScalar, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * A fast path for `parseDocument(text, PARSE_OPTIONS)` on the common shape of Kubernetes YAML.
 *
 * `yaml` spends a cold parse mostly warming up its generator-based lexer and CST parser: on the
 * 1,000-policy benchmark file its lexer alone takes ~90 ms cold and the whole parse ~300 ms, more
 * than the engine may spend on the file. This module reads one document chunk (as splitDocuments
 * cuts them) in a single pass over its lines and builds the same `yaml` nodes (`Document`,
 * `YAMLMap`, `YAMLSeq`, `Pair`, `Scalar`) that `parseDocument` would, with the same ranges, values,
 * types and scalar source tokens — for a deliberately narrow subset:
 *
 * - block mappings (plain or quoted single-line keys, no space before the colon) and block
 *   sequences (`- item`, compact `- key: value`, a sequence at its parent key's indentation);
 * - plain scalars (multi-line too), single- and double-quoted scalars (multi-line and escapes
 *   too), literal `|` and folded `>` block scalars with any header;
 * - single-line flow sequences and mappings of scalars (`["apps", v1]`, `{type: integer}`, `{}`);
 * - a value on the line after its `key:` or `-` (other than a block scalar);
 * - comments and blank lines anywhere, one leading `---` line, LF or CRLF line breaks.
 *
 * Anything else makes it answer undefined, and the caller parses the chunk with `yaml`: nested or
 * multi-line flow collections, anchors, aliases, tags, explicit `?` keys, directives, `...`,
 * tabs, a byte-order mark, control characters, a scalar or flow collection at the root, a second
 * root node, nesting deeper than MAX_DEPTH, and every construct `yaml` would report as an error or
 * a warning (bad indentation, duplicate keys, multi-line implicit keys, bad escapes...).
 *
 * The decisions `yaml` makes for the accepted subset are mirrored here, each named after the
 * `yaml` function it follows (lexer: where a scalar ends; CST parser: which item or value a
 * comment or blank line joins, which moves range ends; composer: ranges, empty values). Scalar
 * values that need folding, unescaping or block-scalar processing are resolved by `yaml` itself
 * (`CST.resolveAsScalar`), and plain scalars are typed by the document schema's own tags. The
 * tests compare the result with `parseDocument` node by node: on the corpus, examples, fixtures
 * and benchmark files (test/unit/yamlFastPath.test.ts), and on mutated and generated documents
 * (test/fuzz/yamlFastPath.test.ts) — they also guard upgrades of `yaml`.
 *
 * Not reproduced, as nothing in the engine reads them: comments (`comment`, `commentBefore`,
 * `spaceBefore`), the source tokens of collections and pairs, and the `end` tokens of scalar
 * source tokens. Scalar source tokens carry `type`, `offset`, `indent`, `source` and, for block
 * scalars, `props` exactly as the CST parser makes them (embeddedString maps offsets with them).
 */

/** The options the engine parses with; the fast path produces what parseDocument gives with them. */
export const PARSE_OPTIONS = { keepSourceTokens: true, prettyErrors: false, strict: false } as const;

/** Thrown inside the scanner to give up on a chunk. */
const BAIL: unique symbol = Symbol('bail');
function bail(): never {
  throw BAIL;
}

/**
 * Parses `text` (one document chunk as splitDocuments makes them) like `parseDocument(text,
 * PARSE_OPTIONS)`, or answers undefined when the text is outside the subset. Never throws: an
 * unexpected exception also means "use yaml".
 */
export function fastParseDocument(text: string): Document.Parsed | undefined {
  try {
    return fastParseDocumentStrict(text);
  } catch {
    return undefined;
  }
}

/** Like fastParseDocument, but an unexpected exception propagates (for tests). */
export function fastParseDocumentStrict(text: string): Document.Parsed | undefined {
  if (!SCHEMA_AS_EXPECTED || text.length === 0 || UNSUPPORTED.test(text)) return undefined;
  if (text.indexOf('\r') >= 0 && LONE_CR.test(text)) return undefined;
  try {
    return new FastParser(text).parse();
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}

/**
 * Characters the fast path leaves to yaml: tabs (indentation rules), control characters and
 * DEL, a byte-order mark anywhere, and a CR that is not part of CRLF.
 */
const UNSUPPORTED = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ufeff]/;
const LONE_CR = /\r(?!\n)/;

// ---------------------------------------------------------------------------------------------
// The schema: plain scalars are typed by the document schema's own tags, as compose-scalar does.

interface ScalarTag {
  default?: boolean | 'key';
  tag: string;
  test?: RegExp;
  format?: string;
  resolve(value: string, onError: (message: string) => void, options: unknown): unknown;
}

/** A Directives instance as the Composer makes one per stream (the class is not exported). */
const DirectivesClass = (new Composer() as unknown as { directives: { constructor: new (yaml: { version: string }) => unknown } }).directives
  .constructor;

/**
 * A document as compose-doc makes one (the stream's directives and the parse options): the
 * template whose schema, options and directives every fast-path document copies or shares.
 */
const TEMPLATE = new (Document as unknown as new (value: undefined, options: object) => Document.Parsed)(
  undefined,
  Object.assign({ _directives: new DirectivesClass({ version: '1.2' }) }, PARSE_OPTIONS),
);
/**
 * Every fast-path document shares the template's core schema: yaml would build an identical one
 * per document (tag lists and all), ~10 ms over a 1,000-document file, and nothing mutates it.
 */
const SHARED_SCHEMA = TEMPLATE.schema;
const SCHEMA_TAGS = (TEMPLATE.schema as unknown as { tags: ScalarTag[] }).tags;
/** The tags findScalarTagByTest tries, in order (`default: 'key'` tags only apply to keys). */
const TESTED_TAGS = SCHEMA_TAGS.filter((t) => t.default === true && t.test);
const KEY_TESTED_TAGS = SCHEMA_TAGS.filter((t) => (t.default === true || t.default === 'key') && t.test);
const STRING_TAG = (TEMPLATE.schema as unknown as Record<symbol, ScalarTag>)[Symbol.for('yaml.scalar')];

/**
 * The YAML 1.2 core schema's tests, as yaml 2.x defines them. The fast path skips the tag tests
 * for plain scalars whose first character none of these can match; should a future yaml change
 * its core schema, the fast path turns itself off rather than type scalars differently.
 */
const EXPECTED_TESTS = [
  '^(?:~|[Nn]ull|NULL)?$',
  '^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$',
  '^0o[0-7]+$',
  '^[-+]?[0-9]+$',
  '^0x[0-9a-fA-F]+$',
  '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$',
  '^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+$',
  '^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)$',
];
const SCHEMA_AS_EXPECTED =
  TESTED_TAGS.length === EXPECTED_TESTS.length &&
  TESTED_TAGS.every((t, i) => t.test!.source === EXPECTED_TESTS[i] && !t.test!.flags) &&
  KEY_TESTED_TAGS.length === TESTED_TAGS.length &&
  STRING_TAG?.tag === 'tag:yaml.org,2002:str' &&
  STRING_TAG.resolve('x', () => {}, {}) === 'x';

// ---------------------------------------------------------------------------------------------
// Nodes
//
// yaml's node constructors define the node-type symbol (and a collection's schema) on every node
// with Object.defineProperty, a runtime call that is a tenth of a cold parse of a large file. The
// fast path's nodes inherit both, non-enumerable as yaml defines them, from one prototype per
// class (which inherits the class's own prototype: instanceof, the constructor, the methods and
// yaml's identity checks all see a yaml node); own properties are set in yaml's order.

const NODE_TYPE = Symbol.for('yaml.node.type');

/** `proto` with the node type (and the shared schema) that `sample`, a yaml-made node, has. */
function nodePrototype(proto: object, sample: object, withSchema: boolean): object {
  const props: PropertyDescriptorMap = { [NODE_TYPE]: { value: (sample as Record<symbol, unknown>)[NODE_TYPE] } };
  if (withSchema) props.schema = { value: SHARED_SCHEMA, configurable: true, writable: true };
  return Object.create(proto, props);
}

interface NodeConstructors {
  Scalar: new (value: unknown) => Scalar;
  YAMLMap: new () => YAMLMap;
  YAMLSeq: new () => YAMLSeq;
  Pair: new (key: unknown, value: unknown) => Pair<unknown, unknown>;
  Document: new () => Document.Parsed;
}

/**
 * Each document gets a copy of the template's options (which hold the stream's directives, one
 * object for every fast-path document, as for the documents of one yaml stream) and of its
 * directives' yaml and tags.
 */
const TEMPLATE_OPTIONS = { ...(TEMPLATE.options as object) };
const TEMPLATE_DIRECTIVES = TEMPLATE.directives as unknown as { yaml: object; tags: object };

const FAST = ((): NodeConstructors => {
  function FastScalar(this: Record<string, unknown>, value: unknown) {
    this.value = value;
  }
  FastScalar.prototype = nodePrototype(Scalar.prototype, new Scalar(null), false);
  function FastMap(this: Record<string, unknown>) {
    this.items = [];
  }
  FastMap.prototype = nodePrototype(YAMLMap.prototype, new YAMLMap(), true);
  function FastSeq(this: Record<string, unknown>) {
    this.items = [];
  }
  FastSeq.prototype = nodePrototype(YAMLSeq.prototype, new YAMLSeq(), true);
  function FastPair(this: Record<string, unknown>, key: unknown, value: unknown) {
    this.key = key;
    this.value = value;
  }
  FastPair.prototype = nodePrototype(Pair.prototype, new Pair(null), false);
  /** As yaml's Document constructor leaves a parsed document, before the composer fills it in. */
  function FastDocument(this: Record<string, unknown>) {
    this.commentBefore = null;
    this.comment = null;
    this.errors = [];
    this.warnings = [];
    this.options = Object.assign({}, TEMPLATE_OPTIONS);
    this.directives = new (FastDirectives as unknown as new () => object)();
    this.schema = SHARED_SCHEMA;
    this.contents = null;
  }
  FastDocument.prototype = nodePrototype(Document.prototype, TEMPLATE, false);
  /** As the stream's directives' atDocument() makes a document's (copies of its yaml and tags). */
  function FastDirectives(this: Record<string, unknown>) {
    this.docStart = null;
    this.docEnd = false;
    this.yaml = { ...TEMPLATE_DIRECTIVES.yaml };
    this.tags = { ...TEMPLATE_DIRECTIVES.tags };
  }
  FastDirectives.prototype = (DirectivesClass as unknown as { prototype: object }).prototype;
  return {
    Scalar: FastScalar as unknown as NodeConstructors['Scalar'],
    YAMLMap: FastMap as unknown as NodeConstructors['YAMLMap'],
    YAMLSeq: FastSeq as unknown as NodeConstructors['YAMLSeq'],
    Pair: FastPair as unknown as NodeConstructors['Pair'],
    Document: FastDocument as unknown as NodeConstructors['Document'],
  };
})();

/** First characters (char codes) that some core-schema test can match: `~ n N t T f F 0-9 + - .`. */
const MAYBE_NOT_STRING = new Uint8Array(128);
for (const ch of '~nNtTfF0123456789+-.') MAYBE_NOT_STRING[ch.charCodeAt(0)] = 1;

// ---------------------------------------------------------------------------------------------
// Characters

const LF = 10;
const CR = 13;
const SPACE = 32;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const QUESTION = 63;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const PIPE = 124;
const GT = 62;

/** yaml's lexer `isEmpty`: end of input, space, line break (tab is excluded up front). */
function isEmptyCode(c: number): boolean {
  return c !== c || c === SPACE || c === LF || c === CR;
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/**
 * First characters of a plain scalar that yaml reads as something else (an indicator, a comment,
 * a quote, a flow collection, a block scalar, an anchor, alias, tag or directive) or reports as a
 * bad first character (`,` `%` `@` backquote). `?` and `:` are left to yaml altogether; `-` only
 * when followed by white space (then it is a sequence indicator).
 */
const NOT_PLAIN_START = new Uint8Array(128);
for (const ch of '#"\',[]{}|>?:!%&*@`') NOT_PLAIN_START[ch.charCodeAt(0)] = 1;

/** Whether a plain scalar may start with `c` followed by `next`. */
function plainStartOk(c: number, next: number): boolean {
  if (c < 128) return NOT_PLAIN_START[c] === 0 && (c !== DASH || !isEmptyCode(next));
  return c === c; // not the end of the text
}

// ---------------------------------------------------------------------------------------------
// The builder

/**
 * Deeper nesting is left to yaml: its composer recurses per level and reports RESOURCE_EXHAUSTION
 * somewhere past ~1,000 levels (depending on the stack left), which this iterative reader would
 * not. Real documents stay far below (the deepest in the corpus: 38).
 */
const MAX_DEPTH = 256;

const enum Tk {
  Newline,
  Space,
  Comment,
}

/** A trivia token (white space, comment, line break) that yaml keeps in an item's props. */
interface Tok {
  t: Tk;
  s: number;
  e: number;
  /** For comments: the parser's indent when it read it (its column, or the line's indent). */
  col: number;
}

/**
 * Trivia after a complete item that yaml's CST parser gathers into a new, keyless item of the
 * innermost collection ("it.start"): it becomes the next item's props, moves to the parent when
 * the collection ends, or stays and extends the collection's range (`commentEnd`).
 */
interface Trail {
  end: number;
  /** Largest column of a comment in it; -1 if it holds only spaces and line breaks. */
  maxCol: number;
}

/** An item whose value is still missing (`key:` or `-` at the end of its line). */
interface Pending {
  /** Where composeEmptyNode puts an empty value: after the indicator and the spaces after it. */
  at: number;
  /** End of the `:` or `-` indicator. */
  indicatorEnd: number;
  /** The parser's indent on the indicator's line (a comment there gets it). */
  lineIndent: number;
  /**
   * Trivia on the lines after the indicator's (the rest of the pair's `sep`, or of the sequence
   * item's `start`); those on its own line are read again when needed (see finishEmpty).
   */
  toks: Tok[] | null;
  /** Sequence items: a comment in the item's props before its `-`. */
  commentBefore: boolean;
  /** Mappings: the pair awaiting its value. */
  pair: Pair | undefined;
  /**
   * The lexer's `indentNext` (minimum indentation of a plain or quoted scalar's continuation
   * lines) as it will be when the value comes on a later line: set by the indicator, lowered by
   * parseLineStart on the lines in between.
   */
  indentNext: number;
}

interface Frame {
  seq: boolean;
  /** Column of the keys or of the `-` indicators. */
  indent: number;
  node: YAMLMap | YAMLSeq;
  /** Range start: the first key or `-`. */
  offset: number;
  /** resolveBlockMap/resolveBlockSeq's running `offset`: range[2] of the last value. */
  end: number;
  pend: Pending | null;
  trail: Trail | null;
  /** The last value if its CST token has `end` tokens that indented comments can join. */
  last: Scalar | YAMLSeq | YAMLMap | null;
  /** Its `end` tokens currently end with a comment (whose line break then joins too). */
  lastEndsWithComment: boolean;
  /** Key values of a large mapping, for the duplicate-key check. */
  keys: Set<unknown> | null;
}

class FastParser {
  private readonly len: number;
  private readonly doc = new FAST.Document();
  private readonly stack: Frame[] = [];
  private root: Frame | null = null;
  private rootEnd = 0;
  private docTrail: Trail | null = null;
  /** Start of the line being read (for columns). */
  private lineStart = 0;
  private readonly onError = (): void => bail();
  /** Results besides the node, of key(): the end of the key's `:`. */
  private colonEnd = 0;
  /** Of value(): the start of the line after the value. */
  private next = 0;
  /** Of value(): whether the value's CST token has `end` tokens (flow scalars and collections). */
  private hasEnd = false;
  /** Of flowSeq(), flowMap() and flowScalar(): the end of the `]`, the `}` or the scalar. */
  private flowEnd = 0;

  constructor(private readonly text: string) {
    this.len = text.length;
  }

  parse(): Document.Parsed {
    const text = this.text;
    const len = this.len;
    let p = 0;
    // Stream level: comment and blank lines before the document (directives are left to yaml).
    for (;;) {
      if (p >= len) bail();
      const q = this.skipSpaces(p);
      const c = text.charCodeAt(q);
      if (c === HASH || this.isEol(q)) {
        p = this.nextLine(this.eolFrom(q));
        continue;
      }
      if (q === p && c === 37) bail(); // %
      break;
    }
    // The document starts at the start of its first line that is not a comment or blank.
    const docOffset = p;
    let docStart = false;
    if (this.isMarker(p)) {
      if (text.charCodeAt(p) !== DASH) bail();
      docStart = true;
      let q = this.skipSpaces(p + 3);
      if (text.charCodeAt(q) === HASH) q = this.eolFrom(q);
      if (!this.isEol(q)) bail(); // content on the `---` line
      p = this.nextLine(q);
    }
    while (p < len) {
      this.lineStart = p;
      const q = this.skipSpaces(p);
      const c = text.charCodeAt(q);
      const top = this.stack[this.stack.length - 1];
      if (top && top.pend) {
        // The lexer's parseLineStart: a line indented less than indentNext lowers it, unless the
        // character after its first is white space.
        const pend = top.pend;
        if (pend.indentNext > q - p && !isEmptyCode(text.charCodeAt(q + 1))) pend.indentNext = q - p;
      }
      if (this.isEol(q)) {
        if (q > p) this.route(Tk.Space, p, q, 0);
        if (q < len) this.route(Tk.Newline, q, this.nextLine(q), 0);
        p = this.nextLine(q);
      } else if (c === HASH) {
        const e = this.eolFrom(q);
        if (q > p) this.route(Tk.Space, p, q, 0);
        this.route(Tk.Comment, q, e, q - p);
        if (e < len) this.route(Tk.Newline, e, this.nextLine(e), 0);
        p = this.nextLine(e);
      } else {
        if (q === p && (c === DASH || c === DOT) && this.isMarker(q)) bail();
        if (q > p) this.routeIndent(p, q);
        p = c === DASH && isEmptyCode(text.charCodeAt(q + 1)) ? this.dashEntry(q) : this.keyEntry(q);
      }
    }
    return this.finish(docOffset, docStart);
  }

  // -------------------------------------------------------------------------------------------
  // Lines

  private skipSpaces(i: number): number {
    const text = this.text;
    while (text.charCodeAt(i) === SPACE) i++;
    return i;
  }

  /** At a line break or the end of the text (a CR is always part of CRLF here). */
  private isEol(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return c !== c || c === LF || c === CR;
  }

  /** Start of the line break ending the line that contains `i`, or the text's end. */
  private eolFrom(i: number): number {
    const nl = this.text.indexOf('\n', i);
    if (nl < 0) return this.len;
    return nl > i && this.text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
  }

  /** Start of the next line, given the start of a line break (or the end of the text). */
  private nextLine(eol: number): number {
    if (eol >= this.len) return this.len;
    return this.text.charCodeAt(eol) === CR ? eol + 2 : eol + 1;
  }

  /** `---` or `...` followed by white space or the end: a document marker at a line start. */
  private isMarker(i: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c !== DASH && c !== DOT) return false;
    return text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c && isEmptyCode(text.charCodeAt(i + 3));
  }

  // -------------------------------------------------------------------------------------------
  // Structure (yaml's Parser.blockMap / blockSequence / pop, and the composer's range rules)

  /**
   * Trivia tokens go to the innermost collection, as the CST parser files them: into the props of
   * a value still missing; after a comment that joined the last value, its line break joins too;
   * a comment more indented than the collection, with only white space since the last value, joins
   * that value's `end` tokens (atIndentedComment); anything else collects in the trail.
   */
  private route(t: Tk, s: number, e: number, col: number): void {
    const f = this.stack[this.stack.length - 1];
    if (!f) return; // before the root node: the document's props
    if (f.pend) {
      (f.pend.toks ??= []).push({ t, s, e, col });
      return;
    }
    if (f.lastEndsWithComment) {
      f.lastEndsWithComment = false;
      if (t === Tk.Newline) {
        this.extendLast(f, e);
        return;
      }
    }
    const trail = f.trail;
    if (!trail) {
      f.trail = { end: e, maxCol: t === Tk.Comment ? col : -1 };
      return;
    }
    if (t === Tk.Comment && trail.maxCol < 0 && col > f.indent && f.last) {
      this.extendLast(f, e);
      f.trail = null;
      f.lastEndsWithComment = true;
      return;
    }
    trail.end = e;
    if (t === Tk.Comment && col > trail.maxCol) trail.maxCol = col;
  }

  /**
   * The indentation of a content line. Alone it would only open a trail that the entry on the
   * line then consumes (or that bails), so only a trail or missing value already there takes it.
   */
  private routeIndent(p: number, q: number): void {
    const f = this.stack[this.stack.length - 1];
    if (f && (f.pend || f.trail)) this.route(Tk.Space, p, q, 0);
  }

  private extendLast(f: Frame, e: number): void {
    f.last!.range![2] = e;
    f.end = e;
  }

  private newFrame(seq: boolean, indent: number, offset: number): Frame {
    if (this.stack.length >= MAX_DEPTH) bail();
    const node = seq ? new FAST.YAMLSeq() : new FAST.YAMLMap();
    const frame: Frame = { seq, indent, node, offset, end: offset, pend: null, trail: null, last: null, lastEndsWithComment: false, keys: null };
    this.stack.push(frame);
    return frame;
  }

  /**
   * The collection that takes an entry (a `-` item or a `key:`) at column `col`, closing deeper
   * collections and opening a nested one where a value is missing. Bails where yaml would report
   * bad indentation or read the line as something else.
   */
  private frameFor(col: number, dash: boolean, at: number): Frame {
    for (;;) {
      const f = this.stack[this.stack.length - 1];
      if (!f) {
        if (this.root) bail(); // content after the root collection
        this.root = this.newFrame(dash, col, at);
        return this.root;
      }
      if (col > f.indent) {
        if (!f.pend) bail();
        return this.nestIn(f, dash, col, at);
      }
      if (col === f.indent) {
        if (f.seq) {
          if (dash) {
            if (f.pend) this.finishEmpty(f, false);
            return f;
          }
        } else if (!dash) {
          if (f.pend) this.finishEmpty(f, true);
          f.trail = null; // the next key's props
          return f;
        } else {
          // A sequence at the indentation of its parent's keys, as the value of `key:`.
          if (!f.pend) bail();
          return this.nestIn(f, true, col, at);
        }
      }
      this.pop();
    }
  }

  /** A collection opened as the missing value of `f`'s last item. */
  private nestIn(f: Frame, seq: boolean, col: number, at: number): Frame {
    const pend = f.pend!;
    f.pend = null;
    const child = this.newFrame(seq, col, at);
    if (f.seq) (f.node as YAMLSeq).items.push(child.node);
    else pend.pair!.value = child.node;
    f.last = null;
    return child;
  }

  /**
   * Closes the innermost collection (Parser.pop): a trailing keyless item moves to the parent when
   * the collection is at column 0 or all its comments are less indented than the collection;
   * otherwise it stays and the collection's range runs to its end.
   */
  private pop(): void {
    const f = this.stack.pop()!;
    if (f.pend) this.finishEmpty(f, false);
    const parent = this.stack[this.stack.length - 1];
    let rangeEnd = f.end;
    const trail = f.trail;
    if (trail) {
      if (f.indent === 0 || trail.maxCol < f.indent) {
        if (parent) parent.trail = trail;
        else this.docTrail = trail;
      } else rangeEnd = trail.end;
    }
    f.node.range = [f.offset, f.end, rangeEnd];
    if (parent) {
      parent.end = rangeEnd;
      parent.last = null;
      parent.lastEndsWithComment = false;
    } else this.rootEnd = rangeEnd;
  }

  /**
   * The missing value of `f`'s last item becomes an empty (null) scalar, placed and sized as
   * composeEmptyNode does. `split`: a next key at the same indentation takes the trivia after the
   * second line break (Parser.blockMap's `atNextItem` case).
   */
  private finishEmpty(f: Frame, split: boolean): void {
    const pend = f.pend!;
    f.pend = null;
    let toks = this.lineProps(pend.indicatorEnd, pend.at, pend.lineIndent);
    if (pend.toks) toks = toks.concat(pend.toks);
    if (split) {
      let nl: number[] = [];
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.t === Tk.Newline) nl.push(i);
        else if (t.t === Tk.Comment && t.col > f.indent) nl = [];
      }
      if (nl.length >= 2) toks = toks.slice(0, nl[1]);
    }
    let hasComment = pend.commentBefore;
    let end = pend.indicatorEnd;
    for (const t of toks) {
      if (t.t === Tk.Comment) hasComment = true;
      end = t.e;
    }
    const node = this.plainScalar('', false, [pend.at, pend.at, hasComment ? end : pend.at]);
    if (f.seq) (f.node as YAMLSeq).items.push(node);
    else pend.pair!.value = node;
    f.end = node.range![2];
    f.last = null;
  }

  private finish(docOffset: number, docStart: boolean): Document.Parsed {
    while (this.stack.length) this.pop();
    if (!this.root) bail();
    const doc = this.doc;
    if (docStart) (doc.directives as unknown as { docStart: boolean | null }).docStart = true;
    doc.contents = this.root.node as Document.Parsed['contents'];
    const contentEnd = this.rootEnd;
    doc.range = [docOffset, contentEnd, this.docTrail ? this.docTrail.end : contentEnd];
    return doc;
  }

  // -------------------------------------------------------------------------------------------
  // Entries

  /** A line whose content starts with a `-` indicator at `q`. */
  private dashEntry(q: number): number {
    const text = this.text;
    const f = this.frameFor(q - this.lineStart, true, q);
    const commentBefore = f.trail !== null && f.trail.maxCol >= 0;
    f.trail = null;
    const dashEnd = q + 1;
    const r = this.skipSpaces(dashEnd);
    const c = text.charCodeAt(r);
    const lineIndent = r - this.lineStart;
    if (this.isEol(r) || c === HASH) {
      f.pend = { at: r, indicatorEnd: dashEnd, lineIndent, toks: null, commentBefore, pair: undefined, indentNext: f.indent + 1 };
      f.last = null;
      return this.nextLine(this.eolFrom(r));
    }
    if (c === DASH && isEmptyCode(text.charCodeAt(r + 1))) bail(); // `- - x`
    // `- key: value` opens a compact mapping at the key's column.
    const key = this.key(r, lineIndent);
    if (key) {
      const map = this.newFrame(false, lineIndent, r);
      (f.node as YAMLSeq).items.push(map.node);
      f.last = null;
      return this.pairValue(map, key, lineIndent);
    }
    const node = this.value(r, lineIndent, f.indent + 1, f.indent);
    (f.node as YAMLSeq).items.push(node);
    this.setLast(f, node);
    return this.next;
  }

  /** A line whose content at `q` is `key: ...`, or the value of an item whose value is missing. */
  private keyEntry(q: number): number {
    const col = q - this.lineStart;
    const key = this.key(q, col);
    if (!key) return this.valueLine(q, col);
    const f = this.frameFor(col, false, q);
    return this.pairValue(f, key, col);
  }

  /**
   * A scalar or flow collection on the line after `key:` or `-`, more indented than the
   * collection. Its line and the lines between carry no range that the composer keeps.
   */
  private valueLine(q: number, col: number): number {
    const f = this.stack[this.stack.length - 1];
    if (!f || !f.pend || col <= f.indent) bail();
    const c = this.text.charCodeAt(q);
    if (c === PIPE || c === GT) bail(); // a block scalar header on a line of its own
    const pend = f.pend;
    if (pend.indentNext <= 0) bail(); // continuation then also stops at document markers only
    const node = this.value(q, col, pend.indentNext, f.indent);
    if (f.seq) (f.node as YAMLSeq).items.push(node);
    else pend.pair!.value = node;
    this.setLast(f, node);
    return this.next;
  }

  /** Trivia after an indicator on its line: spaces, a comment, the line break. */
  private lineProps(from: number, r: number, lineIndent: number): Tok[] {
    const toks: Tok[] = [];
    if (r > from) toks.push({ t: Tk.Space, s: from, e: r, col: 0 });
    let e = r;
    if (this.text.charCodeAt(r) === HASH) {
      e = this.eolFrom(r);
      toks.push({ t: Tk.Comment, s: r, e, col: lineIndent });
    }
    if (e < this.len) toks.push({ t: Tk.Newline, s: e, e: this.nextLine(e), col: 0 });
    return toks;
  }

  /** The pair of `key` (whose `:` ends at this.colonEnd) in mapping `f`, and its value. */
  private pairValue(f: Frame, key: Scalar, lineIndent: number): number {
    const text = this.text;
    const colonEnd = this.colonEnd;
    this.checkDuplicate(f, key.value);
    const pair = new FAST.Pair(key, null) as Pair<Scalar, unknown>;
    (f.node as YAMLMap).items.push(pair as Pair<unknown, unknown>);
    const r = this.skipSpaces(colonEnd);
    const c = text.charCodeAt(r);
    if (this.isEol(r) || c === HASH) {
      f.pend = { at: r, indicatorEnd: colonEnd, lineIndent, toks: null, commentBefore: false, pair, indentNext: f.indent + 1 };
      f.last = null;
      return this.nextLine(this.eolFrom(r));
    }
    if (c === DASH && isEmptyCode(text.charCodeAt(r + 1))) bail(); // a sequence on the key's line
    const node = this.value(r, lineIndent, f.indent + 1, f.indent);
    pair.value = node;
    this.setLast(f, node);
    return this.next;
  }

  private setLast(f: Frame, node: Scalar | YAMLSeq | YAMLMap): void {
    f.end = node.range![2];
    f.last = this.hasEnd ? node : null;
    f.lastEndsWithComment = false;
    f.pend = null;
  }

  /** yaml's mapIncludes: a key equal (===) to an earlier key's value is an error. */
  private checkDuplicate(f: Frame, value: unknown): void {
    const items = (f.node as YAMLMap).items;
    if (f.keys) {
      if (f.keys.has(value)) bail(); // (a Set also equates NaN keys, which yaml does not: bailing is safe)
      f.keys.add(value);
      return;
    }
    for (let i = 0; i < items.length; i++) if ((items[i].key as Scalar).value === value) bail();
    if (items.length >= 16) {
      f.keys = new Set(items.map((p) => (p.key as Scalar).value));
      f.keys.add(value);
    }
  }

  /**
   * A single-line implicit key at `q` followed by `:` and white space, or undefined if the line
   * does not start with one. A space before the colon, and anything yaml would not read as a key
   * there, bails.
   */
  private key(q: number, lineIndent: number): Scalar | undefined {
    const text = this.text;
    const c = text.charCodeAt(q);
    if (c === DQUOTE || c === SQUOTE) {
      const end = this.quotedEnd(q);
      if (end < 0) return undefined;
      if (text.charCodeAt(end) !== COLON || !isEmptyCode(text.charCodeAt(end + 1))) return undefined;
      const nl = text.indexOf('\n', q);
      if (nl >= 0 && nl < end) return undefined; // multi-line
      this.colonEnd = end + 1;
      return this.quotedScalar(q, end, end, lineIndent);
    }
    if (!plainStartOk(c, text.charCodeAt(q + 1))) return undefined;
    for (let i = q + 1; ; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== ch || ch === LF || ch === CR) return undefined;
      if (ch === COLON) {
        if (!isEmptyCode(text.charCodeAt(i + 1))) continue;
        if (text.charCodeAt(i - 1) === SPACE) bail();
        const source = text.slice(q, i);
        this.colonEnd = i + 1;
        return this.plainScalar(source, true, [q, i, i], source, lineIndent);
      }
      if (ch === SPACE && text.charCodeAt(i + 1) === HASH) return undefined;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Values

  /**
   * The value starting at `r` (not a line end or comment); sets this.next and this.hasEnd.
   * `indentNext` is the lexer's minimum indentation of continuation lines; `blockIndent` the
   * indent a block scalar token gets (its parent collection's).
   */
  private value(r: number, lineIndent: number, indentNext: number, blockIndent: number): Scalar | YAMLSeq | YAMLMap {
    const text = this.text;
    const c = text.charCodeAt(r);
    let valueEnd: number;
    let seq: YAMLSeq | undefined;
    let map: YAMLMap | undefined;
    switch (c) {
      case DQUOTE:
      case SQUOTE:
        valueEnd = this.quotedEnd(r);
        if (valueEnd < 0) bail();
        this.checkContinuation(r, valueEnd, indentNext);
        break;
      case PIPE:
      case GT:
        this.hasEnd = false;
        return this.blockScalar(r, lineIndent, indentNext, blockIndent);
      case LBRACKET:
        seq = this.flowSeq(r, lineIndent);
        valueEnd = this.flowEnd;
        break;
      case LBRACE:
        map = this.flowMap(r, lineIndent);
        valueEnd = this.flowEnd;
        break;
      default:
        if (!plainStartOk(c, text.charCodeAt(r + 1))) bail();
        valueEnd = this.plainEnd(r, indentNext);
    }
    // The rest of the value's line: spaces and a comment (after a space), then the line break.
    let e = this.skipSpaces(valueEnd);
    if (text.charCodeAt(e) === HASH) {
      if (e === valueEnd) bail();
      e = this.eolFrom(e);
    }
    if (!this.isEol(e)) bail();
    const next = this.nextLine(e);
    this.next = next;
    this.hasEnd = true;
    const range: [number, number, number] = [r, valueEnd, next];
    switch (c) {
      case DQUOTE:
      case SQUOTE:
        return this.quotedScalar(r, valueEnd, next, lineIndent);
      case LBRACKET:
        seq!.range = range;
        return seq!;
      case LBRACE:
        map!.range = range;
        return map!;
      default: {
        const source = text.slice(r, valueEnd);
        const value = source.includes('\n') ? this.resolved({ type: 'scalar', offset: r, indent: lineIndent, source }) : source;
        return this.plainScalar(value, false, range, source, lineIndent);
      }
    }
  }

  /**
   * A plain scalar of `value` (resolved from `source`), typed as compose-scalar's
   * findScalarTagByTest; properties are set in the order yaml sets them. No `source`: an empty
   * value (composeEmptyNode keeps no source token).
   */
  private plainScalar(value: string, atKey: boolean, range: [number, number, number], source?: string, indent = 0): Scalar {
    let tag = STRING_TAG;
    if (value.length === 0 || MAYBE_NOT_STRING[value.charCodeAt(0)] === 1) {
      for (const t of atKey ? KEY_TESTED_TAGS : TESTED_TAGS) {
        if (t.test!.test(value)) {
          tag = t;
          break;
        }
      }
    }
    let scalar: Scalar;
    if (tag === STRING_TAG) scalar = new FAST.Scalar(value);
    else {
      const res = tag.resolve(value, this.onError, this.doc.options);
      scalar = isScalar(res) ? (res as Scalar) : new FAST.Scalar(res);
    }
    scalar.range = range;
    scalar.source = value;
    scalar.type = 'PLAIN';
    if (tag.format) scalar.format = tag.format;
    if (source !== undefined) scalar.srcToken = { type: 'scalar', offset: range[0], indent, source };
    return scalar;
  }

  /** The quoted scalar from `r` to `end` (after its closing quote), its range ending at `rangeEnd`. */
  private quotedScalar(r: number, end: number, rangeEnd: number, lineIndent: number): Scalar {
    const text = this.text;
    const double = text.charCodeAt(r) === DQUOTE;
    const source = text.slice(r, end);
    const type = double ? 'double-quoted-scalar' : 'single-quoted-scalar';
    // One line without escapes is its own value (doubleQuotedValue / singleQuotedValue agree).
    const inner = source.slice(1, -1);
    const simple = source.length >= 2 && !inner.includes('\n') && (double ? !inner.includes('\\') : !inner.includes("'"));
    const value = simple ? inner : this.resolved({ type, offset: r, indent: lineIndent, source });
    const scalar = new FAST.Scalar(value);
    scalar.range = [r, end, rangeEnd];
    scalar.source = value;
    scalar.type = double ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
    scalar.srcToken = { type, offset: r, indent: lineIndent, source };
    return scalar;
  }

  /** yaml's own resolution of a flow scalar token (folding, escapes); any error bails. */
  private resolved(token: { type: 'scalar' | 'single-quoted-scalar' | 'double-quoted-scalar'; offset: number; indent: number; source: string }): string {
    return CST.resolveAsScalar(token, PARSE_OPTIONS.strict, this.onError).value;
  }

  /**
   * End (after the closing quote) of the quoted scalar at `r`, or -1 if unterminated: the lexer's
   * parseQuotedScalar (`''` in single quotes, backslash-escaped `"` in double quotes).
   */
  private quotedEnd(r: number): number {
    const text = this.text;
    const quote = text[r];
    let end = text.indexOf(quote, r + 1);
    if (quote === "'") {
      while (end !== -1 && text.charCodeAt(end + 1) === SQUOTE) end = text.indexOf("'", end + 2);
    } else {
      while (end !== -1) {
        let n = 0;
        while (text.charCodeAt(end - 1 - n) === 92) n += 1;
        if (n % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
    }
    return end < 0 ? -1 : end + 1;
  }

  /** Every line a quoted scalar continues onto must be indented enough (else yaml errors). */
  private checkContinuation(r: number, end: number, indentNext: number): void {
    const text = this.text;
    let nl = text.indexOf('\n', r);
    while (nl !== -1 && nl < end) {
      const cs = this.continueScalar(nl + 1, indentNext);
      if (cs === -1) bail();
      nl = text.indexOf('\n', cs);
    }
  }

  /** The lexer's continueScalar, at the end of the whole input, for indentNext > 0. */
  private continueScalar(offset: number, indentNext: number): number {
    const text = this.text;
    let indent = 0;
    let ch = text.charCodeAt(offset);
    while (ch === SPACE) ch = text.charCodeAt(++indent + offset);
    if (ch === CR && text.charCodeAt(indent + offset + 1) === LF) return offset + indent + 1;
    return ch === LF || indent >= indentNext ? offset + indent : -1;
  }

  /**
   * End of the block-context plain scalar starting at `r` (the lexer's parsePlainScalar): it runs
   * over continuation lines indented at least `indentNext`, stops before ` #`, and may not stop at
   * a `:` indicator (a key where a value is expected) — that bails.
   */
  private plainEnd(r: number, indentNext: number): number {
    const text = this.text;
    let end = r - 1;
    let i = r - 1;
    let ch: number;
    while (((ch = text.charCodeAt(++i)), ch === ch)) {
      if (ch === COLON) {
        if (isEmptyCode(text.charCodeAt(i + 1))) bail();
        end = i;
      } else if (ch === SPACE || ch === LF || ch === CR) {
        let next = text.charCodeAt(i + 1);
        if (ch === CR) {
          // Always CRLF here.
          i += 1;
          ch = LF;
          next = text.charCodeAt(i + 1);
        }
        if (next === HASH) break;
        if (ch === LF) {
          const cs = this.continueScalar(i + 1, indentNext);
          if (cs === -1) break;
          i = Math.max(i, cs - 2);
        }
      } else end = i;
    }
    return end + 1;
  }

  /** A `|` or `>` block scalar whose header is at `r` (the lexer's parseBlockScalar). */
  private blockScalar(r: number, lineIndent: number, indentNext: number, blockIndent: number): Scalar {
    const text = this.text;
    const len = this.len;
    // Header: the indicator and what follows up to white space or `#` (parseBlockScalarHeader).
    let blockScalarIndent = -1;
    let keep = false;
    for (let i = r + 1; ; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 43) keep = true; // +
      else if (ch > 48 && ch <= 57) blockScalarIndent = ch - 49;
      else if (ch !== DASH) break;
    }
    let h = r + 1;
    for (let ch = text.charCodeAt(h); !isEmptyCode(ch) && ch !== HASH; ch = text.charCodeAt(++h));
    const props: { type: string; offset: number; indent: number; source: string }[] = [
      { type: 'block-scalar-header', offset: r, indent: lineIndent, source: text.slice(r, h) },
    ];
    let s = this.skipSpaces(h);
    if (s > h) props.push({ type: 'space', offset: h, indent: lineIndent, source: text.slice(h, s) });
    if (text.charCodeAt(s) === HASH) {
      if (s === h) bail();
      const e = this.eolFrom(s);
      props.push({ type: 'comment', offset: s, indent: lineIndent, source: text.slice(s, e) });
      s = e;
    }
    if (!this.isEol(s)) bail();
    let body = len;
    if (s < len) {
      body = this.nextLine(s);
      props.push({ type: 'newline', offset: s, indent: lineIndent, source: text.slice(s, body) });
    }
    const end = this.blockScalarEnd(body, indentNext, blockScalarIndent, keep);
    const source = text.slice(body, end);
    const token = { type: 'block-scalar' as const, offset: r, indent: blockIndent, props, source };
    const res = CST.resolveAsScalar(token as Parameters<typeof CST.resolveAsScalar>[0], PARSE_OPTIONS.strict, this.onError)!;
    const scalar = new FAST.Scalar(res.value);
    scalar.range = res.range;
    scalar.source = res.value;
    scalar.type = res.type!;
    scalar.srcToken = token as unknown as Scalar['srcToken'];
    this.next = Math.max(body, Math.min(end, len));
    return scalar;
  }

  /** End (exclusive) of a block scalar's body starting at `pos`: the lexer's parseBlockScalar. */
  private blockScalarEnd(pos: number, indentNext: number, blockScalarIndent: number, keep: boolean): number {
    const text = this.text;
    let nl = pos - 1;
    let indent = 0;
    let ch: number;
    for (let i = pos; ((ch = text.charCodeAt(i)), ch === ch); ++i) {
      if (ch === SPACE) indent += 1;
      else if (ch === LF) {
        nl = i;
        indent = 0;
      } else if (ch === CR && text.charCodeAt(i + 1) === LF) {
        // part of CRLF
      } else break;
    }
    if (indent >= indentNext) {
      indentNext = blockScalarIndent === -1 ? indent : blockScalarIndent + (indentNext === 0 ? 1 : indentNext);
      do {
        const cs = this.continueScalar(nl + 1, indentNext);
        if (cs === -1) break;
        nl = text.indexOf('\n', cs);
      } while (nl !== -1);
      if (nl === -1) nl = this.len;
    }
    if (!keep) {
      for (;;) {
        let i = nl - 1;
        let c = text.charCodeAt(i);
        if (c === CR) c = text.charCodeAt(--i);
        const lastChar = i;
        while (c === SPACE) c = text.charCodeAt(--i);
        if (c === LF && i >= pos && i + 1 + indent > lastChar) nl = i;
        else break;
      }
    }
    return nl + 1;
  }

  /** A single-line flow sequence of scalars at `r` (its range is set by the caller; this.flowEnd: after its `]`). */
  private flowSeq(r: number, lineIndent: number): YAMLSeq {
    const seq = new FAST.YAMLSeq();
    seq.flow = true;
    for (let i = this.flowFirstItem(r, RBRACKET); i >= 0; ) {
      // An item's range runs over the spaces before the next `,` or the `]` (fixFlowSeqItems).
      const item = this.flowScalar(i, lineIndent, false);
      seq.items.push(item);
      i = this.flowSeparator(item.range![2], RBRACKET);
    }
    return seq;
  }

  /**
   * A single-line flow mapping at `r` whose entries are `key: value` with scalar keys and values
   * (its range is set by the caller; this.flowEnd: after its `}`). As resolveFlowCollection: a
   * key's range ends at the key, a value's runs over the spaces before the next `,` or the `}`.
   */
  private flowMap(r: number, lineIndent: number): YAMLMap {
    const text = this.text;
    const map = new FAST.YAMLMap();
    map.flow = true;
    const items = map.items as Pair<Scalar, Scalar>[];
    for (let i = this.flowFirstItem(r, RBRACE); i >= 0; ) {
      const key = this.flowScalar(i, lineIndent, true);
      const colon = this.flowEnd;
      if (text.charCodeAt(colon) !== COLON || text.charCodeAt(colon + 1) !== SPACE) bail();
      for (const pair of items) if (pair.key.value === key.value) bail(); // duplicate key
      const value = this.flowScalar(this.skipSpaces(colon + 1), lineIndent, false);
      items.push(new FAST.Pair(key, value) as Pair<Scalar, Scalar>);
      i = this.flowSeparator(value.range![2], RBRACE);
    }
    return map;
  }

  /**
   * The start of a flow collection's first item, its opening bracket at `r`; -1 (with this.flowEnd
   * after the `close` bracket) when it is empty.
   */
  private flowFirstItem(r: number, close: number): number {
    const i = this.skipSpaces(r + 1);
    if (this.text.charCodeAt(i) !== close) return i;
    this.flowEnd = i + 1;
    return -1;
  }

  /**
   * What follows a flow collection's item that ends at `k`: a `,` and the next item (its start is
   * returned), or the closing `close` (-1, with this.flowEnd after it). A trailing comma, or
   * anything else, bails.
   */
  private flowSeparator(k: number, close: number): number {
    const text = this.text;
    const d = text.charCodeAt(k);
    if (d === COMMA) {
      const i = this.skipSpaces(k + 1);
      if (text.charCodeAt(i) === close) bail(); // trailing comma
      return i;
    }
    if (d !== close) bail();
    this.flowEnd = k + 1;
    return -1;
  }

  /**
   * A plain or single-line quoted scalar at `i` inside a flow collection. A key's range ends at
   * its end (the `:` must follow at once, this.flowEnd); other scalars' run over the spaces after.
   */
  private flowScalar(i: number, lineIndent: number, atKey: boolean): Scalar {
    const text = this.text;
    const c = text.charCodeAt(i);
    let e: number;
    const quoted = c === DQUOTE || c === SQUOTE;
    if (quoted) {
      e = this.quotedEnd(i);
      if (e < 0) bail();
      const nl = text.indexOf('\n', i);
      if (nl >= 0 && nl < e) bail();
    } else {
      const next = text.charCodeAt(i + 1);
      if (!plainStartOk(c, next) || (c === DASH && isFlowIndicator(next))) bail();
      e = this.flowPlainEnd(i, atKey);
    }
    const k = atKey ? e : this.skipSpaces(e);
    this.flowEnd = e;
    if (quoted) return this.quotedScalar(i, e, k, lineIndent);
    const source = text.slice(i, e);
    return this.plainScalar(source, atKey, [i, e, k], source, lineIndent);
  }

  /** End of a plain scalar inside a flow collection on one line (parsePlainScalar in flow). */
  private flowPlainEnd(r: number, atKey: boolean): number {
    const text = this.text;
    let end = r - 1;
    for (let i = r; ; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== ch || ch === LF || ch === CR) bail(); // a flow collection over several lines
      if (ch === COLON) {
        // A key ends at a `:` followed by a space; any other colon is left to yaml.
        if (atKey && i === end + 1 && text.charCodeAt(i + 1) === SPACE) break;
        bail();
      }
      if (ch === SPACE) {
        const next = text.charCodeAt(i + 1);
        if (next === HASH || isFlowIndicator(next)) break;
      } else if (isFlowIndicator(ch)) break;
      else end = i;
    }
    return end + 1;
  }
}
