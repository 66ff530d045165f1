import { type LineCounter, type Node, type ParsedNode, visit, type YAMLError } from 'yaml';
import { errorMessage } from '../errors.js';
import { parseYamlStream } from '../yaml.js';
import { fastParse } from './fast-yaml.js';
import {
  DUPLICATE_KEY_MESSAGE,
  firstDuplicateKey,
  firstUndefinedAlias,
  undefinedAliasError,
} from './yaml-checks.js';

/** One YAML document of a file, parsed with node ranges (character offsets into the file's text). */
export interface ParsedDocument {
  /** 0-based index of the document within the file. */
  index: number;
  /** The document's root node (null for an empty document on the fast path). */
  contents: ParsedNode | null;
  /** The first syntax error of this document, if any (the document is then not scanned). */
  error?: DocumentError;
}

/** A syntax error of one document, at a 1-based line and column. */
export interface DocumentError {
  line: number;
  column: number;
  /** The parser's message, e.g. "Implicit keys need to be on a single line". */
  message: string;
  code: string;
  /**
   * False for errors that leave the document's structure intact (a duplicate mapping key:
   * Kubernetes rejects it, but the document is still scanned, the last value winning as in JSON).
   */
  fatal: boolean;
}

/** Parser error codes after which the composed document is still trustworthy. */
const NON_FATAL_CODES = new Set(['DUPLICATE_KEY']);

/** How to parse a file's text. */
export interface ParseOptions {
  /**
   * The file is JSON (a `.json` name): besides the YAML parse, the text must be strict JSON when it
   * starts with `{` or `[` (kubectl rejects a trailing comma that YAML's flow style accepts).
   */
  json?: boolean;
  /**
   * Parse with the `yaml` library only, never the fast path. The fast path gives identical
   * results (test/manifests/fast-path.test.ts compares both over the corpus); this is the reference.
   */
  libraryOnly?: boolean;
}

/** A file's text parsed into documents, with a way to turn offsets into positions. */
export interface ParsedText {
  documents: ParsedDocument[];
  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number };
  /** The text of the 1-based line (without its line break). */
  lineText(line: number): string;
  /** True when the fast path parsed the file (false: the `yaml` library did). */
  fast: boolean;
}

/** One document before positions are attached: its root node and its first problem, by offset. */
export interface RawDocument {
  contents: ParsedNode | null;
  error?: { offset: number; message: string; code: string };
}

/** Documents of a file and the line starts of its text. */
export interface RawParse {
  documents: RawDocument[];
  lineCounter: LineCounter;
}

/**
 * Parses YAML or JSON text into documents with positions. Handles multi-document streams
 * (empty documents and a trailing `---` give empty documents, which are kept so indexes match
 * the file), CRLF line endings, tab-indented JSON (JSON is flow-style YAML), anchors and merge
 * keys (`<<`). Pure: no I/O. Alias expansion is not done here; see `NodeWalker`.
 *
 * Most manifests are parsed by the fast path (`fast-yaml.ts`), which accepts only a plain subset
 * of YAML and gives up on anything else; then the `yaml` library parses the file, so it stays the
 * one truth for errors and positions.
 */
export function parseManifestText(text: string, options: ParseOptions = {}): ParsedText {
  const fast = options.libraryOnly === true ? null : fastParse(text);
  const { documents: raw, lineCounter } = fast ?? libraryParse(text);
  const position = (offset: number): { line: number; column: number } =>
    clampedPosition(text, lineCounter, offset);
  const jsonError = options.json === true ? strictJsonError(text) : null;
  const documents: ParsedDocument[] = raw.map((doc, index): ParsedDocument => {
    const { contents, error } = doc;
    if (error === undefined && jsonError !== null && index === 0) {
      const { offset, message } = jsonError;
      return { index, contents, error: { ...position(offset), message, code: 'JSON_SYNTAX', fatal: true } };
    }
    if (error === undefined) return { index, contents };
    const { offset, message, code } = error;
    return {
      index,
      contents,
      error: { ...position(offset), message, code, fatal: !NON_FATAL_CODES.has(code) },
    };
  });
  const lineText = (line: number): string => {
    const start = lineCounter.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = lineCounter.lineStarts[line];
    const end = next === undefined ? text.length : next;
    return text.slice(start, end).replace(/\r?\n$/, '');
  };
  return { documents, position, lineText, fast: fast !== null };
}

/**
 * The `yaml` library's parse of a whole file. Its own duplicate-key check is quadratic in the
 * keys of a mapping (a 100k-key mapping took minutes), so it is off and `firstDuplicateKey` finds
 * the same key in linear time. An alias whose anchor is not earlier in its own document (the
 * library accepts it silently; kubectl and PyYAML reject the file) is reported at the alias.
 */
export function libraryParse(text: string): RawParse {
  const { documents: docs, lineCounter } = parseYamlStream(text, { prettyErrors: false, uniqueKeys: false });
  const roots = docs.map((doc) => doc.contents);
  const documents = docs.map((doc, index): RawDocument => {
    const contents = doc.contents;
    const first = doc.errors.find((e) => !NON_FATAL_CODES.has(e.code)) ?? doc.errors[0];
    if (first !== undefined) {
      const offset = yamlErrorOffset(text, first, contents);
      return { contents, error: { offset, message: first.message, code: first.code } };
    }
    const alias = firstUndefinedAlias(contents);
    if (alias !== undefined) return { contents, error: undefinedAliasError(alias, roots, index) };
    const duplicate = firstDuplicateKey(contents);
    if (duplicate !== undefined) {
      return {
        contents,
        error: { offset: duplicate, message: DUPLICATE_KEY_MESSAGE, code: 'DUPLICATE_KEY' },
      };
    }
    return { contents };
  });
  return { documents, lineCounter };
}

/** Characters that open a token whose missing closer the parser reports at the token's end. */
const OPENERS = new Set(['"', "'", '[', '{']);

/**
 * The character offset a YAML error should be reported at: the start of the offending token.
 * The parser reports a missing closing quote or bracket at the END of the (runaway) token, often
 * past the last line of the file; this walks `contents` to the innermost quoted scalar or flow
 * collection that ends there and returns where it starts. Other errors that begin at the
 * indentation before a token point at the token. Pure.
 */
export function yamlErrorOffset(text: string, error: YAMLError, contents: unknown): number {
  const at = error.pos[0];
  const unclosed =
    error.code === 'MISSING_CHAR' || (error.code === 'BAD_INDENT' && /must .*end with/.test(error.message));
  if (unclosed && contents !== null && contents !== undefined) {
    let best: number | undefined;
    visit(contents as Node, {
      Node: (_key, node) => {
        const range = (node as Node).range;
        if (!range) return;
        const [start, , end] = range;
        // Innermost wins: later visits are nested inside earlier ones.
        if (start < at && at <= end && OPENERS.has(text[start] ?? '')) best = start;
      },
    });
    if (best !== undefined) return best;
  }
  let offset = at;
  while (text[offset] === ' ' || text[offset] === '\t') offset++;
  return offset;
}

/**
 * The 1-based line and column of `offset`, clamped to the file: an offset at or past the end
 * (after the final line break) is reported at the last character of the last line, so an
 * annotation never points below the file.
 */
export function clampedPosition(
  text: string,
  lineCounter: LineCounter,
  offset: number,
): { line: number; column: number } {
  const starts = lineCounter.lineStarts;
  const o = Math.max(0, Math.min(offset, text.length));
  const { line, col } = lineCounter.linePos(o);
  // A line start at the very end (text ending with a line break) is not a line of the file.
  const trailing = starts.length > 1 && starts[starts.length - 1] === text.length;
  const lastLine = Math.max(1, trailing ? starts.length - 1 : starts.length);
  if (o < text.length && line <= lastLine) return { line, column: col };
  const lastStart = starts[lastLine - 1] ?? 0;
  const lastText = text.slice(lastStart).split(/\r?\n/)[0] ?? '';
  return { line: lastLine, column: Math.max(1, lastText.length) };
}

/**
 * Where and why `text` is not strict JSON, or null when it is (or does not look like JSON: kubectl
 * reads such a `.json` file as YAML). A stream of several JSON values, which kubectl accepts, is
 * not an error. A trailing comma is reported at the comma.
 */
function strictJsonError(text: string): { offset: number; message: string } | null {
  const body = text.replace(/^\uFEFF/, '');
  const shift = text.length - body.length;
  const first = /\S/.exec(body);
  if (first === null || (first[0] !== '{' && first[0] !== '[')) return null;
  try {
    JSON.parse(body);
    return null;
  } catch (err: unknown) {
    const message = errorMessage(err);
    if (message.includes('after JSON')) return null;
    const comma = trailingCommaOffset(body);
    if (comma !== null) {
      return {
        offset: comma + shift,
        message:
          'trailing comma before a closing bracket; JSON does not allow it and kubectl rejects the file',
      };
    }
    const at = /position (\d+)/.exec(message);
    return { offset: (at ? Number(at[1]) : 0) + shift, message: `invalid JSON (${message})` };
  }
}

/** Offset of the first `,` followed (after whitespace) by `}` or `]` outside strings, or null. */
function trailingCommaOffset(text: string): number | null {
  let inString = false;
  let comma: number | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      comma = null;
    } else if (c === ',') comma = i;
    else if ((c === '}' || c === ']') && comma !== null) return comma;
    else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') comma = null;
  }
  return null;
}
