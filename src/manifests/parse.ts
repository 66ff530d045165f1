import { type Document, LineCounter, parseAllDocuments } from 'yaml';

/** One YAML document of a file, parsed with node ranges (character offsets into the file's text). */
export interface ParsedDocument {
  /** 0-based index of the document within the file. */
  index: number;
  doc: Document.Parsed;
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

/** A file's text parsed into documents, with a way to turn offsets into positions. */
export interface ParsedText {
  documents: ParsedDocument[];
  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number };
  /** The text of the 1-based line (without its line break). */
  lineText(line: number): string;
}

/**
 * Parses YAML or JSON text into documents with positions. Handles multi-document streams
 * (empty documents and a trailing `---` give empty documents, which are kept so indexes match
 * the file), CRLF line endings, tab-indented JSON (JSON is flow-style YAML), anchors and merge
 * keys (`<<`). Pure: no I/O. Alias expansion is not done here; see `NodeWalker`.
 */
export function parseManifestText(text: string): ParsedText {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const documents: ParsedDocument[] = [];
  // parseAllDocuments returns an EmptyStream (an empty array) for text without documents.
  for (const [index, doc] of docs.entries()) {
    const first = doc.errors.find((e) => !NON_FATAL_CODES.has(e.code)) ?? doc.errors[0];
    if (first === undefined) {
      documents.push({ index, doc });
      continue;
    }
    const fatal = !NON_FATAL_CODES.has(first.code);
    // Some errors start at the indentation before the offending token: point at the token.
    let offset = first.pos[0];
    while (text[offset] === ' ' || text[offset] === '\t') offset++;
    documents.push({
      index,
      doc,
      error: { ...position(offset), message: first.message, code: first.code, fatal },
    });
  }
  const lineText = (line: number): string => {
    const start = lineCounter.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = lineCounter.lineStarts[line];
    const end = next === undefined ? text.length : next;
    return text.slice(start, end).replace(/\r?\n$/, '');
  };
  return { documents, position, lineText };
}
