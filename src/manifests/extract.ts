import { isScalar } from 'yaml';
import { errorMessage } from '../errors.js';
import { Semaphore } from '../limit.js';
import { plain } from '../untrusted.js';
import { parseInlineIgnore } from './inline-ignore.js';
import { type ParsedText, parseManifestText } from './parse.js';
import { ParsePool, poolSize } from './parse-pool.js';
import { readFailure } from './read.js';
import { templatedFileReason, templatedValueReason } from './templated.js';
import type {
  ExtractResult,
  ImageUse,
  ManifestFile,
  ParseProblem,
  SkippedFile,
  TemplatedValue,
} from './types.js';
import { findImageFields, type ImageField } from './workloads.js';
import { AliasLimitError, DEFAULT_MAX_ALIAS_COUNT, NodeWalker } from './yaml-nodes.js';

/** What one file yielded. `skipped` is set (and the rest empty) when the whole file was not scanned. */
export interface FileExtract {
  uses: ImageUse[];
  templated: TemplatedValue[];
  errors: ParseProblem[];
  skipped?: SkippedFile;
}

/** Options for extraction. */
export interface ExtractOptions {
  /** Alias dereferences allowed per document before it is abandoned as a likely YAML bomb. Default 1000. */
  maxAliasCount?: number;
  /** Parse with the `yaml` library only (no fast path): the reference the fast path is tested against. */
  libraryOnly?: boolean;
}

/**
 * Extracts every container image of one manifest file, with exact positions. Pure (the text is
 * passed in) and never throws: broken documents become one `ParseProblem` each and the other
 * documents are still scanned; Helm templates and other non-YAML templated files are `skipped`.
 *
 * Positions are 1-based and point at the first character of the image value's token: for a
 * quoted value that is the opening quote (`image: "nginx"` → the column of `"`). When a container
 * takes its image through an alias, the position is where the anchored value is written.
 */
export function extractFile(file: ManifestFile, text: string, options: ExtractOptions = {}): FileExtract {
  const result: FileExtract = { uses: [], templated: [], errors: [] };
  // A chart template is skipped whether or not it parses: do not pay for the parse.
  const chartTemplate = templatedFileReason(file.path, text, true);
  if (chartTemplate !== null) {
    result.skipped = { file: file.path, reason: chartTemplate };
    return result;
  }
  let parsed: ParsedText;
  try {
    parsed = parseManifestText(text, {
      json: file.path.toLowerCase().endsWith('.json'),
      libraryOnly: options.libraryOnly === true,
    });
  } catch (err: unknown) {
    // The parser reports errors per document; this guards against an internal failure.
    const message = errorMessage(err);
    result.errors.push({ file: file.path, line: 1, column: 1, message: `YAML parser failed: ${message}` });
    return result;
  }
  const broken = parsed.documents.some((d) => d.error?.fatal === true);
  const templateReason = templatedFileReason(file.path, text, !broken);
  if (templateReason !== null) {
    result.skipped = { file: file.path, reason: templateReason };
    return result;
  }
  const maxAliasCount = options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  const others = parsed.documents.length > 1 ? "; the file's other documents were still scanned" : '';
  for (const document of parsed.documents) {
    if (document.error !== undefined) {
      const { line, column, fatal } = document.error;
      const message = plain(document.error.message);
      const lang = document.error.code === 'JSON_SYNTAX' ? 'JSON' : 'YAML';
      result.errors.push({
        file: file.path,
        line,
        column,
        message: fatal
          ? `${lang} syntax error in document ${document.index + 1}: ${message}. Fix the ${lang} here${others}.`
          : `duplicate mapping key in document ${document.index + 1} (${message}); Kubernetes rejects this manifest. Remove the duplicate; the images in this document were still scanned (the last value wins).`,
      });
      if (fatal) continue;
    }
    const walker = new NodeWalker(document.contents, maxAliasCount);
    let fields: ImageField[];
    try {
      fields = findImageFields(walker, document.contents);
    } catch (err: unknown) {
      if (!(err instanceof AliasLimitError)) throw err;
      const { line, column } = parsed.position(err.offset);
      result.errors.push({
        file: file.path,
        line,
        column,
        message: `document ${document.index + 1} expands YAML aliases more than ${err.limit} times (a "YAML bomb"?); it was not scanned. Reduce the aliases or raise the alias limit.`,
      });
      continue;
    }
    for (const field of fields) addField(result, file, text, parsed, document.index, field);
  }
  result.uses.sort(comparePositions);
  result.templated.sort((a, b) => comparePositions(a.use, b.use));
  result.errors.sort(comparePositions);
  return result;
}

function addField(
  result: FileExtract,
  file: ManifestFile,
  text: string,
  parsed: ParsedText,
  docIndex: number,
  field: ImageField,
): void {
  const range = field.node.range;
  const start = range?.[0] ?? 0;
  const end = field.missing ? start : (range?.[1] ?? start);
  const { line, column } = parsed.position(field.at?.range?.[0] ?? start);
  const node = field.node;
  const scalar = isScalar(node);
  // Non-string scalars (`image: 1.0`) keep their source text, not the number's formatting.
  const raw = field.missing
    ? ''
    : scalar && typeof node.value === 'string'
      ? node.value
      : scalar && node.value === null
        ? ''
        : text.slice(start, end);
  const use: ImageUse = {
    raw: detach(raw),
    file: file.path,
    line,
    column,
    docIndex,
    kind: detach(field.object.kind),
    apiVersion: detachOrNull(field.object.apiVersion),
    namespace: detachOrNull(field.object.namespace),
    name: detachOrNull(field.object.name),
    container: detachOrNull(field.container),
    containerType: field.containerType,
    origin: 'manifest',
  };
  const endPos = parsed.position(field.missing ? start : end);
  // The value's own extent (the anchored value's when taken through an alias), if it is on one line.
  const valueEnd = field.at?.range?.[1] ?? end;
  const valueEndPos = field.at ? parsed.position(valueEnd) : endPos;
  if (!field.missing && valueEndPos.line === line && valueEndPos.column > column)
    use.endColumn = valueEndPos.column;
  const rest = field.missing ? '' : parsed.lineText(endPos.line).slice(endPos.column - 1);
  const suppress = parseInlineIgnore(rest);
  if (suppress !== undefined) use.suppress = suppress.map(detach);
  if (!scalar && !field.missing) {
    const reason = templatedValueReason(raw);
    if (reason !== null) {
      result.templated.push({ use, reason });
      return;
    }
    result.errors.push({
      file: file.path,
      line,
      column,
      message: `container ${plain(field.container ?? '(unnamed)')} has an image that is not a string (${plain(raw.slice(0, 60))}); write the image as a plain string.`,
    });
    return;
  }
  const invalid = field.missing ? MISSING_IMAGE_REASON : invalidImageReason(scalar ? node.value : null, raw);
  if (invalid !== null) {
    use.invalid = invalid;
    result.uses.push(use);
    return;
  }
  const reason = templatedValueReason(raw);
  if (reason !== null) {
    result.templated.push({ use, reason });
    return;
  }
  result.uses.push(use);
}

/**
 * V8 makes a substring of 13 or more characters a view into its parent string, which then stays
 * alive as long as the substring does: one 30-character image name kept per use would keep its
 * whole file's text (the scan's results would hold every manifest in memory). A use keeps a copy
 * of its own few strings instead, so each file's text is collected once the file is extracted.
 */
export function detach(value: string): string {
  // Shorter substrings are copied by V8 already. A JSON round trip makes a flat, parentless copy
  // and is exact for every string (lone surrogates are escaped, not replaced as UTF-8 would).
  return value.length < 13 ? value : (JSON.parse(JSON.stringify(value)) as string);
}

function detachOrNull(value: string | null): string | null {
  return value === null ? null : detach(value);
}

/** The reason for a container with a name but no `image` key. */
export const MISSING_IMAGE_REASON =
  'image is missing: Kubernetes requires an image for every container; add one (or, if this file is a patch, keep it out of the scanned paths)';

/**
 * Why a container's scalar `image` value can never be valid, or null when it may be: empty or
 * null, not a string (`image: 42`, which kubectl rejects), a line break (a block scalar) or
 * leading/trailing whitespace (the API server rejects both). `raw` is the text as written.
 */
function invalidImageReason(value: unknown, raw: string): string | null {
  if (value === null || value === undefined || value === '')
    return 'image is empty: Kubernetes requires an image for every container';
  if (typeof value !== 'string') {
    const type = typeof value === 'bigint' ? 'number' : typeof value;
    return `image must be a string, not a ${type} (kubectl rejects ${plain(raw)}); quote it if it is meant as a tag`;
  }
  if (/[\r\n]/.test(value))
    return `image contains a line break (${plain(value)}); an image reference is one line: write it as a plain scalar`;
  if (value.trim() !== value)
    return `image has leading or trailing whitespace (${plain(JSON.stringify(value))}); Kubernetes rejects it`;
  return null;
}

/** Orders by file, then line, then column (code-point order, so results do not depend on locale). */
function comparePositions(
  a: { file: string; line: number; column: number },
  b: { file: string; line: number; column: number },
): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

/**
 * Reads and extracts many files with bounded concurrency (`read` is the only I/O) and returns
 * one deterministic result: uses, templated values and errors sorted by file, line, column;
 * skipped files sorted by path. A file that cannot be read is reported as skipped.
 */
export async function extractFiles(
  files: readonly ManifestFile[],
  read: (file: ManifestFile) => Promise<string>,
  options: ExtractOptions & { concurrency?: number; workers?: number } = {},
): Promise<ExtractResult> {
  const results: Array<FileExtract | SkippedFile> = new Array(files.length);
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const size = poolSize(bytes, options.workers);
  const pool = size > 0 ? new ParsePool(size) : null;
  const extractOptions: ExtractOptions = {};
  if (options.maxAliasCount !== undefined) extractOptions.maxAliasCount = options.maxAliasCount;
  if (options.libraryOnly !== undefined) extractOptions.libraryOnly = options.libraryOnly;
  const extract = async (file: ManifestFile, text: string): Promise<FileExtract> => {
    if (pool === null) return extractFile(file, text, extractOptions);
    // A worker that fails (it never should) costs speed, not results: parse here instead.
    return pool.extract(file, text, extractOptions).catch(() => extractFile(file, text, extractOptions));
  };
  const readAndExtract = async (file: ManifestFile, i: number): Promise<void> => {
    let text: string;
    try {
      text = await read(file);
    } catch (err: unknown) {
      const failed = readFailure(file.path, err);
      results[i] = 'error' in failed ? { uses: [], templated: [], errors: [failed.error] } : failed.skipped;
      return;
    }
    results[i] = await extract(file, text);
  };
  const gate = new Semaphore(Math.max(1, Math.min(options.concurrency ?? 16, files.length)));
  try {
    await Promise.all(files.map((file, i) => gate.run(() => readAndExtract(file, i))));
  } finally {
    await pool?.close();
  }

  const out: ExtractResult = { uses: [], templated: [], skipped: [], errors: [], scanned: 0 };
  for (const r of results) {
    if ('reason' in r) {
      out.skipped.push(r);
      continue;
    }
    if (r.skipped) {
      out.skipped.push(r.skipped);
      continue;
    }
    out.scanned += 1;
    for (const u of r.uses) out.uses.push(u);
    for (const t of r.templated) out.templated.push(t);
    for (const e of r.errors) out.errors.push(e);
  }
  // Messages quote manifest text: keep each on one line (annotations and logs are line-based).
  for (const e of out.errors) e.message = plain(e.message);
  for (const s of out.skipped) s.reason = plain(s.reason);
  for (const t of out.templated) t.reason = plain(t.reason);
  out.uses.sort(comparePositions);
  out.templated.sort((a, b) => comparePositions(a.use, b.use));
  out.errors.sort(comparePositions);
  out.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return out;
}
