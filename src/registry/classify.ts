/**
 * Turns what a registry exchange observed into a {@link RegistryCheck}. Pure, and the only code that
 * decides `absent`.
 *
 * @remarks The rules that prevent false alarms (docs/registry.md#absent, #never-absent):
 * - `absent` needs a 404 carrying `MANIFEST_UNKNOWN` or `NAME_UNKNOWN` (distribution answers
 *   `MANIFEST_UNKNOWN` for a missing repository too), obtained with the full Accept list from a registry
 *   that let us in: anonymously for this repository, or after we authenticated. The 404 must come from
 *   the registry's own origin (not from another one a redirect led to), and a host whose `/v2/` answers
 *   404 is not a registry at all.
 * - A 401/403 without credentials is `authentication_failure`: Docker Hub, GHCR, Quay and GAR answer so
 *   for a missing repository and for a private one alike.
 * - Timeouts, 5xx, 429 and HTML pages are never `absent`.
 */

import type { BasicChallenge, BearerChallenge } from './challenge.js';
import type { RegistryCheck } from './types.js';

/** How the final request was authenticated. */
export interface AuthState {
  /** A password, identity token or registry token was presented to the registry or its token realm. */
  credentialsSent: boolean;
  /** Where the credential came from (never the secret), for messages. */
  credentialSource?: string;
  /** The scheme of the final request. */
  scheme: 'none' | 'basic' | 'bearer';
}

/** A registry's answer to the manifest request (after retries, auth and the GET fallback). */
export interface ResponseObservation {
  kind: 'response';
  /** The reference as the user wrote it (normalized), for messages. */
  ref: string;
  host: string;
  status: number;
  contentType?: string;
  /** `Docker-Content-Digest`, or the sha256 of a GET body that is a manifest. */
  digest?: string;
  /** The digest the reference pins, if any. */
  requestedDigest?: string;
  /** Error codes from a JSON error body (`MANIFEST_UNKNOWN`, `DENIED`, …). */
  errorCodes: readonly string[];
  /** Redacted, bounded body excerpt. */
  bodyExcerpt?: string;
  /** The challenge of a final 401. */
  challenge?: BearerChallenge | BasicChallenge;
  auth: AuthState;
  /** Result of `GET /v2/` when it was needed: true = 200/401 from a registry; false = 404 or HTML. */
  isRegistry?: boolean;
  /** The host that gave this answer when a redirect led away from `host` (another origin). */
  answeredBy?: string;
  /** For 429: the server's rate-limit headers (`ratelimit-remaining`), already redacted. */
  rateLimit?: string;
  /** For 429: the raw `Retry-After` value (the checker's circuit breaker compares it with its cap). */
  retryAfter?: string;
  /** A 429/503 asked to wait longer than the cap (ms, cap ms, epoch ms when it may be asked again). */
  retryAfterBeyondCap?: { ms: number; capMs: number; at: number };
  /** Platform check results when platforms were required. */
  platforms?: { available: string[]; missing: string[] };
}

/** The token endpoint refused or failed. */
export interface TokenObservation {
  kind: 'token';
  ref: string;
  host: string;
  realmHost: string;
  status: number;
  errorCodes: readonly string[];
  bodyExcerpt?: string;
  auth: AuthState;
  /** The token server answered 200 without `token` / `access_token`. */
  noToken?: boolean;
}

/** The request failed below HTTP: DNS, connect, TLS, reset, timeout. */
export interface NetworkObservation {
  kind: 'network';
  ref: string;
  host: string;
  code: string;
  message: string;
  timedOut: boolean;
  timeoutMs?: number;
}

/** Policy refused to contact an address (link-local, metadata, realm hardening). */
export interface RefusedObservation {
  kind: 'refused';
  ref: string;
  host: string;
  reason: string;
}

/** The reference cannot be requested as written. */
export interface BadReferenceObservation {
  kind: 'bad_reference';
  ref: string;
  host: string;
  reason: string;
}

/** Everything classification may see. */
export type Observation =
  | ResponseObservation
  | TokenObservation
  | NetworkObservation
  | RefusedObservation
  | BadReferenceObservation;

const ABSENT_CODES = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);
const INVALID_CODES = new Set(['MANIFEST_INVALID', 'NAME_INVALID', 'DIGEST_INVALID', 'TAG_INVALID']);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME|ALTNAME/i;

/** Whether a content type is an HTML page (captive portal, proxy error, web UI). */
export function isHtmlContentType(contentType: string | undefined): boolean {
  return /text\/html|application\/xhtml/i.test(contentType ?? '');
}

/** Classifies one observation into the check status and its user-facing message. */
export function classifyObservation(obs: Observation): RegistryCheck {
  switch (obs.kind) {
    case 'bad_reference':
      return { status: 'bad_image_format', host: obs.host, message: sentence(`${obs.ref}: ${obs.reason}`) };
    case 'refused':
      return {
        status: 'skipped',
        host: obs.host,
        reason: obs.reason,
        message: sentence(`${obs.ref} was not checked: ${obs.reason}`),
      };
    case 'network':
      return classifyNetwork(obs);
    case 'token':
      return classifyToken(obs);
    case 'response':
      return classifyResponse(obs);
  }
}

function classifyNetwork(obs: NetworkObservation): RegistryCheck {
  const base = { status: 'registry_unavailable' as const, host: obs.host };
  // The run-wide deadline (max-duration) cut the check: the message is the client's, naming the setting.
  if (obs.code === 'ERR_MAX_DURATION')
    return { ...base, message: sentence(`${obs.ref} was not checked at ${obs.host}: ${obs.message}`) };
  if (obs.timedOut) {
    const after = obs.timeoutMs !== undefined ? ` after ${obs.timeoutMs} ms` : '';
    return {
      ...base,
      message: `${obs.host} did not answer${after} while checking ${obs.ref} (${obs.code}); the registry is slow or unreachable from this runner: retry later or raise the timeout setting (--timeout).`,
    };
  }
  if (TLS_CODES.test(obs.code) || TLS_CODES.test(obs.message)) {
    return {
      ...base,
      message: `TLS to ${obs.host} failed while checking ${obs.ref} (${obs.code}: ${obs.message}); add the registry's CA certificate to the ca-files setting (--ca-file), or list the host in insecure-registries (--insecure-registry), or in plain-http-registries (--plain-http-registry) if it serves plain HTTP.`,
    };
  }
  if (obs.code === 'ENOTFOUND' || obs.code === 'EAI_AGAIN') {
    return {
      ...base,
      message: `${obs.host} could not be resolved (${obs.code}) while checking ${obs.ref}; check the registry name and the runner's DNS.`,
    };
  }
  return {
    ...base,
    message: `${obs.host} could not be reached while checking ${obs.ref} (${obs.code}: ${obs.message}); check that the registry is up and reachable from this runner.`,
  };
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function bodyPart(excerpt: string | undefined): string {
  return excerpt ? ` (body: ${excerpt})` : '';
}

function anonymousHint(host: string): string {
  return `an anonymous client cannot tell a missing or private repository from one it may not read; add credentials for ${host}.`;
}

function credentialWhere(auth: AuthState): string {
  return auth.credentialSource ? `the credentials from ${auth.credentialSource}` : 'the credentials';
}

function classifyToken(obs: TokenObservation): RegistryCheck {
  const base = { host: obs.host, httpStatus: obs.status, authenticated: obs.auth.credentialsSent };
  if (obs.noToken) {
    return {
      ...base,
      status: 'unknown_error',
      bodyExcerpt: obs.bodyExcerpt,
      message: `The token server ${obs.realmHost} of ${obs.host} answered ${obs.status} without a token while checking ${obs.ref}; report this to the registry operator.`,
    };
  }
  if (obs.status === 429 || obs.errorCodes.includes('TOOMANYREQUESTS')) {
    return {
      ...base,
      status: 'rate_limited',
      message: `The token server ${obs.realmHost} of ${obs.host} rate-limited the check of ${obs.ref} (429) after retries; authenticate to get a higher limit, or check fewer images at once.`,
    };
  }
  if (obs.status >= 500) {
    return {
      ...base,
      status: 'registry_unavailable',
      message: `The token server ${obs.realmHost} of ${obs.host} answered ${obs.status} after retries while checking ${obs.ref}; retry later.`,
    };
  }
  if (obs.status === 401 || obs.status === 403) {
    if (!obs.auth.credentialsSent) {
      return {
        ...base,
        status: 'authentication_failure',
        message: `The token server ${obs.realmHost} of ${obs.host} refused an anonymous token (${obs.status}) for ${obs.ref}: ${anonymousHint(obs.host)}`,
      };
    }
    if (obs.status === 401) {
      return {
        ...base,
        status: 'authentication_failure',
        message: `The token server ${obs.realmHost} of ${obs.host} rejected ${credentialWhere(obs.auth)} (401) while checking ${obs.ref}; renew or fix the credentials for ${obs.host}.`,
      };
    }
    return {
      ...base,
      status: 'authorization_failure',
      message: `The token server ${obs.realmHost} of ${obs.host} denied ${credentialWhere(obs.auth)} access to ${obs.ref} (403): the repository does not exist or these credentials may not pull it; grant pull access or use other credentials.`,
    };
  }
  return {
    ...base,
    status: 'unknown_error',
    bodyExcerpt: obs.bodyExcerpt,
    message: `The token server ${obs.realmHost} of ${obs.host} answered ${obs.status}${bodyPart(obs.bodyExcerpt)} while checking ${obs.ref}; check the registry's token service.`,
  };
}

/**
 * A 429 (or 503) whose `Retry-After` is longer than the checker waits: the check ends at once as
 * `rate_limited` and says when the registry will answer again.
 */
function rateLimitedBeyondCap(
  obs: ResponseObservation,
  base: RegistryCheck,
  wait: { ms: number; capMs: number; at: number },
): RegistryCheck {
  const when = new Date(wait.at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    ...base,
    status: 'rate_limited',
    message: `${obs.host} rate-limited the check of ${obs.ref} (${obs.status}) and asked to wait ${Math.round(wait.ms / 1000)} s (Retry-After), longer than the ${Math.round(wait.capMs / 1000)} s this check waits; run again after ${when}, authenticate to get a higher limit, or use a mirror (the mirrors setting).`,
  };
}

function classifyResponse(obs: ResponseObservation): RegistryCheck {
  const base: RegistryCheck = {
    status: 'unknown_error',
    host: obs.host,
    httpStatus: obs.status,
    authenticated: obs.auth.credentialsSent,
  };
  const html = isHtmlContentType(obs.contentType);
  if (obs.status >= 200 && obs.status < 300) {
    if (html) return notRegistry(obs, base, `it answered ${obs.status} with an HTML page`);
    return classifySuccess(obs, base);
  }
  const throttled = classifyThrottled(obs, base);
  if (throttled) return throttled;
  if (obs.status >= 500) {
    return {
      ...base,
      status: 'registry_unavailable',
      bodyExcerpt: obs.bodyExcerpt,
      message: `${obs.host} answered ${obs.status} after retries while checking ${obs.ref}; the registry is failing: retry later.`,
    };
  }
  if (html) return notRegistry(obs, base, `it answered ${obs.status} with an HTML page`);
  return classifyClientError(obs, base);
}

/** A 4xx answer of the registry itself: absence, bad reference, or refused credentials. */
function classifyClientError(obs: ResponseObservation, base: RegistryCheck): RegistryCheck {
  const codes = obs.errorCodes;
  if (obs.status === 404) return classifyNotFound(obs, base);
  if (obs.status === 400 && codes.some((c) => INVALID_CODES.has(c))) {
    return {
      ...base,
      status: 'bad_image_format',
      message: `${obs.host} rejected ${obs.ref} as invalid (400 ${codes.join(', ')}); fix the image reference.`,
    };
  }
  if (obs.status === 401) return classifyUnauthorized(obs, base);
  if (obs.status === 403) return classifyForbidden(obs, base);
  return {
    ...base,
    bodyExcerpt: obs.bodyExcerpt,
    message: `${obs.host} answered ${obs.status} for ${obs.ref}${codeList(codes)}${bodyPart(obs.bodyExcerpt)}, which this checker does not understand; check the registry and report it if the image exists.`,
  };
}

/** `" CODE1, CODE2"`, or `''` without codes. */
function codeList(codes: readonly string[]): string {
  return codes.length ? ` ${codes.join(', ')}` : '';
}

/** Something other than a registry answers at the host (an HTML page, a /v2/ that is not the API). */
function notRegistry(obs: ResponseObservation, base: RegistryCheck, what: string): RegistryCheck {
  return {
    ...base,
    status: 'registry_unavailable',
    bodyExcerpt: obs.bodyExcerpt,
    message: `${obs.host} is not a registry: ${what} while checking ${obs.ref}; a proxy, captive portal or web server answers there. Check the registry host name and the runner's network.`,
  };
}

/** A 2xx with a manifest: available (or platform_missing), unless the digest is missing or wrong. */
function classifySuccess(obs: ResponseObservation, base: RegistryCheck): RegistryCheck {
  if (!obs.digest) {
    return {
      ...base,
      bodyExcerpt: obs.bodyExcerpt,
      message: `${obs.host} answered ${obs.status} for ${obs.ref} without a Docker-Content-Digest and the body is not a manifest; report this to the registry operator.`,
    };
  }
  if (obs.requestedDigest && obs.digest !== obs.requestedDigest) {
    return {
      ...base,
      digest: obs.digest,
      message: `${obs.host} answered ${obs.ref} with a different digest (${obs.digest}); the registry or a proxy in between is misbehaving.`,
    };
  }
  const ok: RegistryCheck = { ...base, status: 'available', digest: obs.digest };
  if (obs.contentType) ok.mediaType = obs.contentType;
  if (!obs.platforms) return ok;
  ok.platforms = obs.platforms.available;
  if (obs.platforms.missing.length === 0) return ok;
  const there =
    obs.platforms.available.length > 0 ? obs.platforms.available.join(', ') : 'no runnable platform';
  return {
    ...ok,
    status: 'platform_missing',
    missingPlatforms: obs.platforms.missing,
    message: `${obs.ref} exists on ${obs.host} (${obs.digest}) but lacks ${obs.platforms.missing.join(', ')}; it has ${there}. Build and push the missing platforms, or change the required platforms.`,
  };
}

/** A rate limit that outlasted the retries (or asked for a longer wait than the checker allows). */
function classifyThrottled(obs: ResponseObservation, base: RegistryCheck): RegistryCheck | undefined {
  if (obs.retryAfterBeyondCap) return rateLimitedBeyondCap(obs, base, obs.retryAfterBeyondCap);
  if (obs.status !== 429 && !obs.errorCodes.includes('TOOMANYREQUESTS')) return undefined;
  const limit = obs.rateLimit ? ` (${obs.rateLimit})` : '';
  return {
    ...base,
    status: 'rate_limited',
    message: `${obs.host} rate-limited the check of ${obs.ref} (${obs.status})${limit} after retries; authenticate to get a higher limit, use a mirror (the mirrors setting), or check fewer images at once.`,
  };
}

/** A 404: `absent` only from the registry itself with an absence error code; otherwise not proven. */
function classifyNotFound(obs: ResponseObservation, base: RegistryCheck): RegistryCheck {
  const codes = obs.errorCodes;
  if (obs.isRegistry === false) return notRegistry(obs, base, '/v2/ does not answer like a registry');
  if (obs.answeredBy !== undefined) {
    return {
      ...base,
      bodyExcerpt: obs.bodyExcerpt,
      message: `${obs.host} redirected the check of ${obs.ref} to ${obs.answeredBy}, which answered 404${codeList(codes)}; only the registry itself can prove an image absent, so absence is not proven: check the registry address and whatever redirects it.`,
    };
  }
  if (codes.some((c) => ABSENT_CODES.has(c))) {
    const what = obs.requestedDigest ? `digest ${obs.requestedDigest}` : 'tag';
    const how = obs.auth.credentialsSent
      ? `after authenticating with ${credentialWhere(obs.auth)}`
      : 'to an anonymous client';
    return {
      ...base,
      status: 'absent',
      message: `${obs.ref} does not exist: ${obs.host} answered 404 ${codes.join(', ')} ${how} (the ${what} or the repository is unknown); push the image or fix the reference.`,
    };
  }
  return {
    ...base,
    bodyExcerpt: obs.bodyExcerpt,
    message: `${obs.host} answered 404 for ${obs.ref} without a registry error code${bodyPart(obs.bodyExcerpt)}, so absence is not proven; check the registry address and the repository name.`,
  };
}

function classifyUnauthorized(obs: ResponseObservation, base: RegistryCheck): RegistryCheck {
  if (!obs.auth.credentialsSent) {
    return {
      ...base,
      status: 'authentication_failure',
      message: `${obs.host} answered 401 to an anonymous request for ${obs.ref}: ${anonymousHint(obs.host)}`,
    };
  }
  if (obs.challenge?.scheme === 'bearer' && obs.challenge.error === 'insufficient_scope') {
    return {
      ...base,
      status: 'authorization_failure',
      message: `${obs.host} did not grant pull on ${obs.ref} to ${credentialWhere(obs.auth)} (401 insufficient_scope): the repository does not exist or these credentials may not read it; grant pull access or use other credentials.`,
    };
  }
  return {
    ...base,
    status: 'authentication_failure',
    message: `${obs.host} rejected ${credentialWhere(obs.auth)} (401) while checking ${obs.ref}; renew or fix the credentials for ${obs.host}.`,
  };
}

function classifyForbidden(obs: ResponseObservation, base: RegistryCheck): RegistryCheck {
  const codes = codeList(obs.errorCodes);
  if (!obs.auth.credentialsSent) {
    return {
      ...base,
      status: 'authentication_failure',
      message: `${obs.host} denied an anonymous request for ${obs.ref} (403${codes}): ${anonymousHint(obs.host)}`,
    };
  }
  return {
    ...base,
    status: 'authorization_failure',
    message: `${obs.host} denied ${credentialWhere(obs.auth)} access to ${obs.ref} (403${codes}): the repository does not exist or these credentials may not pull it; grant pull access or use other credentials.`,
  };
}
