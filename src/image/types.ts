/**
 * A container image reference parsed exactly as `github.com/distribution/reference`
 * `ParseNormalizedNamed` does.
 */
export interface ImageReference {
  /** The reference as written in the manifest. */
  raw: string;
  /** Registry host (and port). Docker Hub is `docker.io`. */
  registry: string;
  /** Repository path without the host, e.g. `library/ubuntu`. */
  repository: string;
  /** Tag as written, or null. */
  tag: string | null;
  /** Digest as written (`algo:hex`), or null. */
  digest: string | null;
  /**
   * Fully qualified string as the Go implementation's `String()` prints it after normalisation
   * (`docker.io/library/ubuntu:22.04`, `ghcr.io/a/b@sha256:…`); no implicit `:latest` is added.
   */
  normalized: string;
}

/** Result of parsing one reference: the reference, or the reason it is invalid. */
export type ReferenceParseResult = { ok: true; ref: ImageReference } | { ok: false; error: string };
