/**
 * The one home of YAML parsing rules: every module that reads YAML (manifests, kustomizations, values,
 * GitOps objects, pull-secret files, the config, the baseline, credentials input) parses through here, so
 * they share one dialect: merge keys (`<<`) resolved as kubectl's go-yaml resolves them, and a bound on
 * alias expansion for plain values. Imports only the `yaml` library, so every layer may use it.
 *
 * Manifest files themselves go through `parseManifestText` (src/manifests/parse.ts), which adds the fast
 * path, the linear duplicate-key check and the undefined-alias check on top of {@link parseYamlStream}.
 */
import { type Document, LineCounter, parse, parseAllDocuments, parseDocument } from 'yaml';

/** How one stream or document is parsed; defaults are the library's, except that merge keys are on. */
export interface YamlStreamOptions {
  /**
   * Report duplicate mapping keys as document errors (the library's check, quadratic in the keys of a
   * mapping). False for manifests, where a linear check runs instead. Default true.
   */
  uniqueKeys?: boolean;
  /** Add a code frame to error messages. Default true. */
  prettyErrors?: boolean;
}

/** The documents of a YAML stream and the line starts of its text (for positions). */
export interface YamlStream {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
}

function rules(lineCounter: LineCounter, options: YamlStreamOptions) {
  return {
    lineCounter,
    merge: true,
    uniqueKeys: options.uniqueKeys ?? true,
    prettyErrors: options.prettyErrors ?? true,
  };
}

/** Every document of `text`, with node ranges; an empty text gives no documents. */
export function parseYamlStream(text: string, options: YamlStreamOptions = {}): YamlStream {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, rules(lineCounter, options));
  // parseAllDocuments returns an EmptyStream (an empty array-like) for text without documents.
  const documents = Array.isArray(parsed) ? parsed : [...parsed];
  return { documents, lineCounter };
}

/** The single document of `text` (a kustomization, a values file), with node ranges. */
export function parseYamlDocument(
  text: string,
  options: YamlStreamOptions = {},
): { document: Document.Parsed; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  return { document: parseDocument(text, rules(lineCounter, options)), lineCounter };
}

/** Options of {@link parseYamlText}. */
export interface YamlTextOptions {
  /** Aliases a document may expand at most (a "billion laughs" bound); 0 forbids aliases. Required. */
  maxAliasCount: number;
  /** Throw on a duplicate mapping key. Default true. */
  uniqueKeys?: boolean;
}

/**
 * The plain JavaScript value of a one-document YAML or JSON text (config, baseline, credentials input).
 * Throws the library's error for malformed text or too many aliases; callers word the message.
 */
export function parseYamlText(text: string, options: YamlTextOptions): unknown {
  return parse(text, {
    merge: true,
    maxAliasCount: options.maxAliasCount,
    uniqueKeys: options.uniqueKeys ?? true,
    logLevel: 'error',
  });
}
