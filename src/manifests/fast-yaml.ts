/**
 * A fast parser for the plain subset of YAML that almost every Kubernetes manifest is written in:
 * block mappings and sequences indented with spaces, single-line plain and quoted scalars, block
 * scalars (`|`, `>`), single-line flow collections (`[a, "b"]`, `{cpu: 1}`), comments and `---`.
 * It builds the `yaml` library's own node classes (YAMLMap, YAMLSeq, Pair, Scalar) with the same
 * ranges the library gives, so extraction cannot tell the two apart.
 *
 * It is not a second YAML implementation: it gives up (returns null) on anything outside the
 * subset or anything that might be an error (anchors, aliases, tags, tabs, multi-line scalars,
 * explicit keys, directives, odd indentation, ...), and the caller then parses the file with the
 * `yaml` library. Plain scalars are resolved with the library's own schema tags. The equivalence
 * over the corpus and the fixtures is tested in test/manifests/fast-path.test.ts.
 */
import {
  LineCounter,
  Pair,
  type ParsedNode,
  parse,
  parseAllDocuments,
  Scalar,
  type ScalarTag,
  Schema,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import type { RawDocument, RawParse } from './parse.js';
import { DUPLICATE_KEY_MESSAGE, firstDuplicateKey, firstUndefinedAlias } from './yaml-checks.js';

/** Thrown inside the parser to give up on the file (caught in `fastParse`). */
class Unsupported extends Error {}
/** This document is outside the subset (the library may parse it alone). */
const GIVE_UP = new Unsupported('outside the fast subset');
/** The whole file goes to the library. */
const WHOLE_FILE = new Unsupported('whole file to the library');

/** The library's options, as in `libraryParse` (duplicate keys are found by `firstDuplicateKey`). */
const LIBRARY_OPTIONS = { merge: true, prettyErrors: false, uniqueKeys: false } as const;

/** Moves every range of a library-parsed node tree by `delta` (a document parsed alone). */
function shiftRanges(root: ParsedNode, delta: number): void {
  visit(root, {
    Node: (_key, node) => {
      const r = node.range;
      if (r) node.range = [r[0] + delta, r[1] + delta, r[2] + delta];
    },
  });
}

/** Characters that make a file leave the fast path at once: tabs, control characters, a lone CR, BOM, NEL, LS/PS. */
const UNSUPPORTED_CHARS = /[\t\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFEFF\u2028\u2029\uFFFE\uFFFF]|\r(?!\n)/;

/** The yaml library's core-schema tags with an implicit `test`, in the library's order. */
const SCHEMA_TAGS = new Schema({ merge: true }).tags;
const isScalarTag = (t: (typeof SCHEMA_TAGS)[number]): t is ScalarTag => t.test !== undefined;
const VALUE_TAGS = SCHEMA_TAGS.filter(isScalarTag).filter((t) => t.default === true);
const KEY_ONLY_TAGS = SCHEMA_TAGS.filter(isScalarTag).filter((t) => t.default === 'key');

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const CR = 13;

/** A character a plain scalar may not start with (YAML's indicators), by char code. */
const INDICATOR = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@`') INDICATOR[c.charCodeAt(0)] = 1;
/** Characters that end a plain scalar inside a flow collection. */
const FLOW_STOP = new Uint8Array(128);
for (const c of ',[]{}:#') FLOW_STOP[c.charCodeAt(0)] = 1;

/** Longest implicit key accepted (the library errors past 1024 characters). */
const MAX_KEY_LENGTH = 1000;

/**
 * Parses `text` on the fast path, or returns null when the text is outside the subset (the
 * caller then uses the `yaml` library). Duplicate keys are reported like the library's path does.
 */
export function fastParse(text: string): RawParse | null {
  if (UNSUPPORTED_CHARS.test(text)) return null;
  const parser = new FastParser(text);
  try {
    return { documents: parser.stream(), lineCounter: parser.lineCounter() };
  } catch (err: unknown) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

class FastParser {
  private readonly text: string;
  /** Per line: start offset, end offset (before `\r\n`/`\n`), count of leading spaces. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  private readonly count: number;
  /** The line after the node just parsed (the next content line, or `count`). */
  private line = 0;
  /** Offset of the first duplicate key of the current document. */
  private duplicate: number | undefined;

  constructor(text: string) {
    this.text = text;
    let start = 0;
    const n = text.length;
    while (start <= n) {
      let nl = text.indexOf('\n', start);
      if (nl === -1) nl = n;
      const end = nl > start && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      let i = start;
      while (i < end && text.charCodeAt(i) === SPACE) i++;
      this.starts.push(start);
      this.ends.push(end);
      this.indents.push(i - start);
      if (nl === n) break;
      start = nl + 1;
    }
    // A final line break ends the last line; the empty "line" after it holds nothing.
    this.count = this.starts.length;
  }

  /** The library's line starts: 0 and every offset after a line break. */
  lineCounter(): LineCounter {
    const counter = new LineCounter();
    counter.lineStarts = this.starts.slice();
    return counter;
  }

  /**
   * All documents. A document outside the subset is parsed alone by the library (from its `---`
   * to the next one) when the library reads it as one clean document; anything else (an error, a
   * directive, `...`) gives up on the whole file.
   */
  stream(): RawDocument[] {
    const docs: RawDocument[] = [];
    let open = false;
    /** Where the current document's text starts (its `---` line, or the file's start). */
    let docStart = 0;
    let li = this.nextContent(0);
    while (li < this.count) {
      const s = this.starts[li]!;
      const c = this.text.charCodeAt(s);
      if (this.indents[li] === 0 && (c === 37 /* % */ || this.isMarker(li, 46 /* . */))) throw WHOLE_FILE;
      if (this.isMarker(li, DASH)) {
        if (open) docs.push({ contents: null });
        open = true;
        docStart = s;
        if (this.restEmpty(s + 3, this.ends[li]!)) {
          li = this.nextContent(li + 1);
          continue;
        }
      }
      let doc: RawDocument;
      try {
        doc = this.document(li);
        li = this.line;
      } catch (err: unknown) {
        if (err !== GIVE_UP) throw err;
        const alone = this.libraryDocument(docStart, li + 1);
        doc = alone.doc;
        li = alone.next;
      }
      docs.push(doc);
      open = false;
    }
    if (open) docs.push({ contents: null });
    return docs;
  }

  /** The document whose first content line is `li` (at column 0), ending at a `---` or the end. */
  private document(li: number): RawDocument {
    if (this.indents[li] !== 0 || this.isMarker(li, DASH)) throw GIVE_UP;
    this.duplicate = undefined;
    const contents = this.blockNode(li, -1);
    if (this.line < this.count && !this.isMarker(this.line, DASH)) throw GIVE_UP;
    const doc: RawDocument = { contents };
    if (this.duplicate !== undefined)
      doc.error = { offset: this.duplicate, message: DUPLICATE_KEY_MESSAGE, code: 'DUPLICATE_KEY' };
    return doc;
  }

  /**
   * The library's parse of one document alone: the text from `start` to the next `---` line at
   * or after line `from` (a `---` at the start of a line always starts a document). Its ranges
   * are moved to offsets in the whole file. Gives up on the file unless the library sees exactly
   * one document without errors and without an undefined alias.
   */
  private libraryDocument(start: number, from: number): { doc: RawDocument; next: number } {
    let next = from;
    while (next < this.count && !this.isMarker(next, DASH)) next++;
    const end = next < this.count ? this.starts[next]! : this.text.length;
    const parsed = parseAllDocuments(this.text.slice(start, end), LIBRARY_OPTIONS);
    const only = Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : undefined;
    if (only === undefined || only.errors.length > 0) throw WHOLE_FILE;
    const contents = only.contents;
    if (firstUndefinedAlias(contents) !== undefined) throw WHOLE_FILE;
    if (contents !== null) shiftRanges(contents, start);
    const doc: RawDocument = { contents };
    const duplicate = firstDuplicateKey(contents);
    if (duplicate !== undefined)
      doc.error = { offset: duplicate, message: DUPLICATE_KEY_MESSAGE, code: 'DUPLICATE_KEY' };
    return { doc, next };
  }

  /** `---` or `...` at the start of line `li`, followed by a space or the end of the line. */
  private isMarker(li: number, ch: number): boolean {
    const s = this.starts[li]!;
    const t = this.text;
    if (t.charCodeAt(s) !== ch || t.charCodeAt(s + 1) !== ch || t.charCodeAt(s + 2) !== ch) return false;
    return s + 3 === this.ends[li] || t.charCodeAt(s + 3) === SPACE;
  }

  /** The first line from `li` on that is neither blank nor a comment. */
  private nextContent(li: number): number {
    while (li < this.count) {
      const p = this.starts[li]! + this.indents[li]!;
      if (p < this.ends[li]! && this.text.charCodeAt(p) !== HASH) return li;
      li++;
    }
    return li;
  }

  /** Only spaces and an optional comment (after a space) from `p` to `end`. */
  private restEmpty(p: number, end: number): boolean {
    const t = this.text;
    const from = p;
    while (p < end && t.charCodeAt(p) === SPACE) p++;
    return p === end || (t.charCodeAt(p) === HASH && p > from);
  }

  private expectRestEmpty(p: number, end: number): void {
    if (!this.restEmpty(p, end)) throw GIVE_UP;
  }

  private isDash(p: number, end: number): boolean {
    return this.text.charCodeAt(p) === DASH && (p + 1 === end || this.text.charCodeAt(p + 1) === SPACE);
  }

  /**
   * A block mapping or sequence starting at content line `li`, more indented than `parent`, or a
   * single-line flow collection alone on its line (`annotations:` then `{}` below it).
   */
  private blockNode(li: number, parent: number): ParsedNode {
    const indent = this.indents[li]!;
    if (indent <= parent) throw GIVE_UP;
    const p = this.starts[li]! + indent;
    const end = this.ends[li]!;
    if (this.isDash(p, end)) return this.blockSeq(li, indent);
    const c = this.text.charCodeAt(p);
    if ((c === 91 || c === 123) && parent >= 0) {
      const f = this.flow(p, end);
      this.expectRestEmpty(f.end, end);
      this.line = this.nextContent(li + 1);
      if (this.line < this.count && this.indents[this.line]! > parent && !this.isMarker(this.line, DASH))
        throw GIVE_UP;
      return f.node;
    }
    return this.blockMap(li, indent, p);
  }

  private blockMap(li: number, indent: number, first: number): ParsedNode {
    const map = new YAMLMap<ParsedNode, ParsedNode>();
    const seen = new Set<unknown>();
    let p = first;
    for (;;) {
      const end = this.ends[li]!;
      const key = this.key(p, end);
      if (key === null) throw GIVE_UP;
      const node = key.node;
      if (seen.has(node.value)) this.duplicate ??= node.range[0];
      else if (!Number.isNaN(node.value)) seen.add(node.value);
      const value = this.value(li, key.after, indent, true);
      map.items.push(new Pair(node, value));
      li = this.line;
      if (li >= this.count || this.indents[li]! < indent || this.isMarker(li, DASH)) break;
      if (this.indents[li]! > indent) throw GIVE_UP;
      p = this.starts[li]! + indent;
      if (this.isDash(p, this.ends[li]!)) throw GIVE_UP;
    }
    map.range = [first, this.rangeEnd(), this.rangeEnd()];
    return map as YAMLMap.Parsed;
  }

  private blockSeq(li: number, indent: number): ParsedNode {
    const seq = new YAMLSeq<ParsedNode>();
    const first = this.starts[li]! + indent;
    for (;;) {
      const dash = this.starts[li]! + indent;
      const end = this.ends[li]!;
      let r = dash + 1;
      while (r < end && this.text.charCodeAt(r) === SPACE) r++;
      let item: ParsedNode;
      if (r < end && this.text.charCodeAt(r) !== HASH && this.key(r, end) !== null) {
        item = this.blockMap(li, r - this.starts[li]!, r);
      } else {
        if (this.isDash(r, end)) throw GIVE_UP;
        item = this.value(li, dash + 1, indent, false);
      }
      seq.items.push(item);
      li = this.line;
      if (li >= this.count || this.indents[li]! < indent || this.isMarker(li, DASH)) break;
      if (this.indents[li]! > indent) throw GIVE_UP;
      if (!this.isDash(this.starts[li]! + indent, this.ends[li]!)) break;
    }
    seq.range = [first, this.rangeEnd(), this.rangeEnd()];
    return seq as YAMLSeq.Parsed;
  }

  /** Where the node just parsed ends for the library (the start of the next content line). */
  private rangeEnd(): number {
    return this.line < this.count ? this.starts[this.line]! : this.text.length;
  }

  /**
   * An implicit key at `p` (plain or quoted, on one line, followed by `:` and a space or the end
   * of the line), or null when the text at `p` is not a key.
   */
  private key(p: number, end: number): { node: Scalar.Parsed; after: number } | null {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = this.quoted(p, end);
      if (q === null) return null;
      const colon = q.range[1];
      if (t.charCodeAt(colon) !== COLON) return null;
      if (colon + 1 < end && t.charCodeAt(colon + 1) !== SPACE) return null;
      return { node: q, after: colon + 1 };
    }
    if (!this.plainStart(p, end)) return null;
    // The first `: ` (or `:` at the end of the line); a comment before it means this is no key.
    let i = p + 1;
    for (;;) {
      if (i >= end) return null;
      const d = t.charCodeAt(i);
      if (d === COLON && (i + 1 === end || t.charCodeAt(i + 1) === SPACE)) break;
      if (d === HASH && t.charCodeAt(i - 1) === SPACE) return null;
      i++;
    }
    if (t.charCodeAt(i - 1) === SPACE || i - p > MAX_KEY_LENGTH) throw GIVE_UP;
    const source = t.slice(p, i);
    const node = plainScalar(source, true);
    node.range = [p, i, i];
    return { node: node as Scalar.Parsed, after: i + 1 };
  }

  /**
   * True when a plain scalar may start at `p`: no indicator, or `-`, `?`, `:` before a character
   * that is not a space (`--port=80`, `:metric`). Inside flow collections (`flow`) only before a
   * letter or digit, so that no flow indicator can follow.
   */
  private plainStart(p: number, end: number, flow = false): boolean {
    if (p >= end) return false;
    const c = this.text.charCodeAt(p);
    if (c === SPACE || c >= 128) return c >= 128;
    if (INDICATOR[c] !== 1) return true;
    if ((c !== DASH && c !== 63 /* ? */ && c !== COLON) || p + 1 >= end) return false;
    const d = this.text.charCodeAt(p + 1);
    if (!flow) return d !== SPACE;
    return (d >= 48 && d <= 57) || ((d | 32) >= 97 && (d | 32) <= 122);
  }

  /**
   * The value after a `key:` or `-` indicator ending at `after` on line `li`, whose parent is at
   * column `indent`: inline (scalar, flow collection, block scalar) or on the following lines.
   * `mapValue` allows a sequence at the key's own indentation (`key:\n- a`). Sets `this.line`.
   */
  private value(li: number, after: number, indent: number, mapValue: boolean): ParsedNode {
    const t = this.text;
    const end = this.ends[li]!;
    let q = after;
    while (q < end && t.charCodeAt(q) === SPACE) q++;
    if (q === end || (t.charCodeAt(q) === HASH && q > after)) return this.valueBelow(li, q, indent, mapValue);
    if (q === after) throw GIVE_UP;
    const c = t.charCodeAt(q);
    let node: ParsedNode;
    let rest: number;
    if (c === 124 /* | */ || c === 62 /* > */) return this.blockScalar(li, q, indent);
    if (c === 34 || c === 39) {
      const s = this.quoted(q, end);
      if (s === null) throw GIVE_UP;
      node = s;
      rest = s.range[1];
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      const f = this.flow(q, end);
      node = f.node;
      rest = f.end;
    } else {
      if (!this.plainStart(q, end)) throw GIVE_UP;
      node = this.plainValue(q, end);
      rest = node.range[1];
    }
    this.expectRestEmpty(rest, end);
    this.line = this.nextContent(li + 1);
    if (this.line < this.count && this.indents[this.line]! > indent && !this.isMarker(this.line, DASH))
      throw GIVE_UP;
    return node;
  }

  /** A value on the lines below (a nested block node), or an empty scalar at `q`. */
  private valueBelow(li: number, q: number, indent: number, mapValue: boolean): ParsedNode {
    const next = this.nextContent(li + 1);
    if (next < this.count && !this.isMarker(next, DASH)) {
      const k = this.indents[next]!;
      if (k > indent) {
        const node = this.blockNode(next, indent);
        return node;
      }
      if (k === indent && mapValue && this.isDash(this.starts[next]! + k, this.ends[next]!))
        return this.blockSeq(next, k);
    }
    this.line = next;
    const empty = new Scalar(null);
    empty.source = '';
    empty.type = 'PLAIN';
    empty.range = [q, q, q];
    return empty as ParsedNode;
  }

  /** A plain scalar value from `p` to the end of the line or a comment; gives up on `: ` inside. */
  private plainValue(p: number, end: number): Scalar.Parsed {
    const t = this.text;
    let e = p;
    for (let i = p; i < end; i++) {
      const d = t.charCodeAt(i);
      if (d === SPACE) {
        if (t.charCodeAt(i + 1) === HASH) break;
        continue;
      }
      // `key: a: b` is an error (nested mapping); `a:` at the end would start one.
      if (d === COLON && (i + 1 === end || t.charCodeAt(i + 1) === SPACE)) throw GIVE_UP;
      e = i + 1;
    }
    const node = plainScalar(t.slice(p, e), false);
    node.range = [p, e, e];
    return node as Scalar.Parsed;
  }

  /** A single-line quoted scalar at `p`, or null when it does not close on the line or needs the library. */
  private quoted(p: number, end: number): Scalar.Parsed | null {
    const t = this.text;
    const quote = t.charCodeAt(p);
    let value: string;
    let close: number;
    if (quote === 39) {
      let i = p + 1;
      for (;;) {
        while (i < end && t.charCodeAt(i) !== 39) i++;
        if (i >= end) return null;
        if (t.charCodeAt(i + 1) !== 39) break;
        i += 2;
      }
      close = i;
      value = t.slice(p + 1, close).replaceAll("''", "'");
    } else {
      let i = p + 1;
      let escaped = false;
      while (i < end) {
        const c = t.charCodeAt(i);
        if (c === 34) break;
        if (c === 92 /* \ */) {
          escaped = true;
          if (!JSON_ESCAPES.has(t.charCodeAt(i + 1))) throw GIVE_UP;
          i += 2;
          continue;
        }
        i++;
      }
      if (i >= end) return null;
      close = i;
      const body = t.slice(p + 1, close);
      value = escaped ? jsonString(body) : body;
    }
    const node = new Scalar<unknown>(value);
    node.source = value;
    node.type = quote === 39 ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
    node.range = [p, close + 1, close + 1];
    return node as Scalar.Parsed;
  }

  /**
   * A block scalar whose header (`|`, `>`, with an optional chomping indicator) is at `q`; its
   * lines are those below more indented than `indent`. The value is decoded by the library
   * itself, only when read (extraction reads few values). Sets `this.line`.
   */
  private blockScalar(li: number, q: number, indent: number): ParsedNode {
    const t = this.text;
    const end = this.ends[li]!;
    let h = q + 1;
    const chomp = t.charCodeAt(h);
    if (chomp === DASH || chomp === 43 /* + */) h++;
    this.expectRestEmpty(h, end);
    let j = li + 1;
    let leading = 0;
    for (; j < this.count && this.isBlank(j); j++)
      leading = Math.max(leading, this.ends[j]! - this.starts[j]!);
    // An empty block scalar (no content line): rare, left to the library.
    if (j >= this.count || this.indents[j]! <= indent) throw GIVE_UP;
    const m = this.indents[j]!;
    if (leading > m) throw GIVE_UP;
    let last = j;
    while (j < this.count && (this.isBlank(j) || this.indents[j]! >= m)) {
      if (!this.isBlank(j)) last = j;
      j++;
    }
    // A line between the parent's and the content's indentation is an error in the library.
    if (j < this.count && this.indents[j]! > indent) throw GIVE_UP;
    const stop = j < this.count ? this.starts[j]! : t.length;
    // The library ends the node after the last content line, or (keep, `+`) after the trailing blank lines.
    const nodeEnd = chomp === 43 ? stop : last + 1 < this.count ? this.starts[last + 1]! : t.length;
    this.line = this.nextContent(j);
    if (this.line < this.count && this.indents[this.line]! > indent) throw GIVE_UP;
    const source = t.slice(q, stop);
    const node = new Scalar<unknown>(null);
    let decoded: { value: unknown } | undefined;
    Object.defineProperty(node, 'value', {
      get: () => {
        decoded ??= { value: parse(source) };
        return decoded.value;
      },
      enumerable: true,
    });
    node.type = t.charCodeAt(q) === 124 ? 'BLOCK_LITERAL' : 'BLOCK_FOLDED';
    node.range = [q, nodeEnd, nodeEnd];
    return node as ParsedNode;
  }

  private isBlank(li: number): boolean {
    return this.starts[li]! + this.indents[li]! === this.ends[li]!;
  }

  /** A single-line flow collection at `p` and the offset after its closing bracket. */
  private flow(p: number, end: number): { node: ParsedNode; end: number } {
    const t = this.text;
    const open = t.charCodeAt(p);
    const close = open === 91 ? 93 : 125;
    const coll = open === 91 ? new YAMLSeq<ParsedNode>() : new YAMLMap<ParsedNode, ParsedNode>();
    coll.flow = true;
    const seen = open === 123 ? new Set<unknown>() : null;
    let i = this.skipSpaces(p + 1, end);
    if (t.charCodeAt(i) === close) {
      coll.range = [p, i + 1, i + 1];
      return { node: coll as ParsedNode, end: i + 1 };
    }
    for (;;) {
      const item = this.flowItem(i, end);
      i = this.skipSpaces(item.end, end);
      if (seen !== null) {
        const key = item.node;
        if (!(key instanceof Scalar) || t.charCodeAt(i) !== COLON || t.charCodeAt(i + 1) !== SPACE)
          throw GIVE_UP;
        if (seen.has(key.value)) this.duplicate ??= key.range?.[0];
        else if (!Number.isNaN(key.value)) seen.add(key.value);
        const value = this.flowItem(this.skipSpaces(i + 1, end), end);
        (coll as YAMLMap<ParsedNode, ParsedNode>).items.push(new Pair(key, value.node));
        i = this.skipSpaces(value.end, end);
      } else {
        if (t.charCodeAt(i) === COLON) throw GIVE_UP;
        (coll as YAMLSeq<ParsedNode>).items.push(item.node);
      }
      const c = t.charCodeAt(i);
      if (c === close) break;
      if (c !== 44 /* , */) throw GIVE_UP;
      i = this.skipSpaces(i + 1, end);
      if (t.charCodeAt(i) === close) throw GIVE_UP;
    }
    coll.range = [p, i + 1, i + 1];
    return { node: coll as ParsedNode, end: i + 1 };
  }

  private flowItem(p: number, end: number): { node: ParsedNode; end: number } {
    const t = this.text;
    if (p >= end) throw GIVE_UP;
    const c = t.charCodeAt(p);
    if (c === 91 || c === 123) return this.flow(p, end);
    if (c === 34 || c === 39) {
      const s = this.quoted(p, end);
      if (s === null) throw GIVE_UP;
      return { node: s as ParsedNode, end: s.range[1] };
    }
    if (!this.plainStart(p, end, true)) throw GIVE_UP;
    let i = p;
    while (i < end) {
      const d = t.charCodeAt(i);
      if (d < 128 && FLOW_STOP[d] === 1) break;
      i++;
    }
    let e = i;
    while (e > p && t.charCodeAt(e - 1) === SPACE) e--;
    const d = t.charCodeAt(i);
    // `#` (a comment inside the brackets), `[`/`{` inside a plain scalar: leave to the library.
    if (i >= end || d === HASH || d === 91 || d === 123) throw GIVE_UP;
    if (d === COLON && t.charCodeAt(i + 1) !== SPACE) throw GIVE_UP;
    const node = plainScalar(t.slice(p, e), false);
    node.range = [p, e, e];
    return { node: node as ParsedNode, end: e };
  }

  private skipSpaces(p: number, end: number): number {
    while (p < end && this.text.charCodeAt(p) === SPACE) p++;
    return p;
  }
}

/** Escapes a JSON string and a YAML double-quoted one read the same way. */
const JSON_ESCAPES = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));

function jsonString(body: string): string {
  try {
    const value: unknown = JSON.parse(`"${body}"`);
    if (typeof value === 'string') return value;
  } catch {
    // Falls through: not a JSON-compatible escape (e.g. a short \u).
  }
  throw GIVE_UP;
}

/**
 * A plain scalar resolved exactly as the library's core schema does (first tag whose `test`
 * matches). Text that cannot match any tag (it starts with a letter other than those of null,
 * true, false) is a string without running the tests.
 */
function plainScalar(source: string, atKey: boolean): Scalar<unknown> {
  const node = new Scalar<unknown>(source);
  node.source = source;
  node.type = 'PLAIN';
  const c = source.charCodeAt(0) | 32;
  const simple = c >= 97 && c <= 122 && c !== 110 /* n */ && c !== 116 /* t */ && c !== 102; /* f */
  if (simple) return node;
  if (atKey && KEY_ONLY_TAGS.some((tag) => tag.test?.test(source))) throw GIVE_UP;
  const tag = VALUE_TAGS.find((t) => t.test?.test(source));
  if (tag === undefined) return node;
  let failed = false;
  const resolved = tag.resolve(source, () => (failed = true), { intAsBigInt: false });
  if (failed) throw GIVE_UP;
  node.value = resolved instanceof Scalar ? resolved.value : resolved;
  return node;
}
