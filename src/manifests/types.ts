/** Which list of a pod spec a container came from. */
export type ContainerType = 'container' | 'initContainer' | 'ephemeralContainer';

/** A file found by discovery. `path` is repo-relative with `/` separators. */
export interface ManifestFile {
  /** Repo-relative path with `/` separators (what reports show). */
  path: string;
  /** Absolute path on disk. */
  absPath: string;
  size: number;
}

/** A file (or a part of one) that was not scanned, and why (e.g. "Helm template; rendering comes later"). */
export interface SkippedFile {
  /** Repo-relative path with `/` separators, never with a `:line` suffix. */
  file: string;
  /** 1-based line of the skipped part (an object or entry in the file) when not the whole file. */
  line?: number;
  reason: string;
}

/** A file (or document) that could not be parsed: one problem at its exact position. */
export interface ParseProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** A place where a manifest decided an image, e.g. a kustomize overlay's `images:` entry. */
export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  /** 1-based column just after the value on `line` (exclusive), when known. */
  endColumn?: number;
  message: string;
}

/** One container image use found in a manifest, with its exact position (1-based line and column). */
export interface ImageUse {
  /** The image string as written (after kustomize/helm rendering where that applies). */
  raw: string;
  file: string;
  line: number;
  column: number;
  /**
   * 1-based column just after the value written at `line`:`column` (exclusive), when that value is on one
   * line. It covers what the line holds: the image on an `image:` line, only the tag on a kustomize
   * `newTag:` or Helm `tag:` line.
   */
  endColumn?: number;
  /** 0-based index of the YAML document within the file. */
  docIndex: number;
  kind: string;
  apiVersion: string | null;
  namespace: string | null;
  name: string | null;
  container: string | null;
  containerType: ContainerType;
  /** Where the value came from when it is derived (kustomize overlay, helm values). */
  origin?: 'manifest' | 'kustomize' | 'helm-values' | 'helm-render' | 'cluster';
  /** For rendered views: the overlay or chart directory that produced this use. */
  view?: string;
  related?: RelatedLocation[];
  /**
   * Rules switched off for this use by an inline comment on the image line
   * (`# k8s-image-check: ignore` → `['*']`, `# k8s-image-check: ignore=latest-tag,dirty-tag`).
   */
  suppress?: string[];
  /**
   * Set when the value can never be a valid image, with the reason (what is wrong and what
   * Kubernetes does with it), e.g. "image is empty: Kubernetes requires an image for every
   * container". `raw` is then the text as written ('' for an empty, null or missing image).
   * The engine reports such a use as an `invalid-reference` finding and checks nothing else.
   */
  invalid?: string;
}

/** A templated value inside otherwise valid YAML (`{{ .Values.image }}`, `${IMAGE}`, `<image_url>`). */
export interface TemplatedValue {
  use: ImageUse;
  reason: string;
}

/** Everything the manifest stage produced for a set of files. */
export interface ExtractResult {
  uses: ImageUse[];
  templated: TemplatedValue[];
  skipped: SkippedFile[];
  errors: ParseProblem[];
  scanned: number;
}
