/** Every status a registry check can end in. Wire values (JSON `check.status`): never rename. */
export const CHECK_STATUSES = [
  'not_checked',
  'available',
  'absent',
  'platform_missing',
  'bad_image_format',
  'authentication_failure',
  'authorization_failure',
  'rate_limited',
  'registry_unavailable',
  'skipped',
  'unknown_error',
] as const;

/** A registry check status (one of {@link CHECK_STATUSES}). */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/**
 * The outcome of checking one normalized reference against its registry.
 * `message` is complete and user-facing (what happened, where, what to do), never contains credentials.
 */
export interface RegistryCheck {
  status: CheckStatus;
  message?: string;
  /** Registry host that was (or would have been) contacted. */
  host?: string;
  /** Manifest digest when available. */
  digest?: string;
  mediaType?: string;
  /** Platforms found in an index (`os/arch[/variant]`). */
  platforms?: string[];
  /** Platforms that were required but missing. */
  missingPlatforms?: string[];
  httpStatus?: number;
  /** Bounded excerpt of an unexpected body (redacted). */
  bodyExcerpt?: string;
  /** For `skipped`: why. */
  reason?: string;
  /** True when credentials were presented to the registry. */
  authenticated?: boolean;
}
