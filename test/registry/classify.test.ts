import { describe, expect, it } from 'vitest';
import {
  type AuthState,
  classifyObservation,
  type Observation,
  type ResponseObservation,
} from '../../src/registry/classify.js';
import type { CheckStatus } from '../../src/registry/types.js';

const ANON: AuthState = { credentialsSent: false, scheme: 'none' };
const ANON_TOKEN: AuthState = { credentialsSent: false, scheme: 'bearer' };
const CREDS: AuthState = {
  credentialsSent: true,
  scheme: 'bearer',
  credentialSource: 'docker config /tmp/config.json',
};
const BASIC: AuthState = { credentialsSent: true, scheme: 'basic', credentialSource: 'explicit input' };
const D = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

function resp(p: Partial<ResponseObservation>): ResponseObservation {
  return {
    kind: 'response',
    ref: 'reg.example.com/app:v1',
    host: 'reg.example.com',
    status: 200,
    errorCodes: [],
    auth: ANON,
    ...p,
  };
}

const cases: [string, Observation, CheckStatus, RegExp?][] = [
  [
    '200 with digest',
    resp({ digest: D, contentType: 'application/vnd.oci.image.index.v1+json' }),
    'available',
  ],
  ['200 digest matches pinned', resp({ digest: D, requestedDigest: D }), 'available'],
  [
    '200 digest differs from pinned',
    resp({ digest: D2, requestedDigest: D }),
    'unknown_error',
    /different digest/,
  ],
  ['200 without digest', resp({}), 'unknown_error', /without a Docker-Content-Digest/],
  [
    '200 HTML captive portal',
    resp({ contentType: 'text/html', digest: D }),
    'registry_unavailable',
    /not a registry/,
  ],
  [
    '404 MANIFEST_UNKNOWN anonymous',
    resp({ status: 404, errorCodes: ['MANIFEST_UNKNOWN'] }),
    'absent',
    /does not exist.*anonymous/,
  ],
  [
    '404 MANIFEST_UNKNOWN via anonymous token',
    resp({ status: 404, errorCodes: ['MANIFEST_UNKNOWN'], auth: ANON_TOKEN }),
    'absent',
  ],
  [
    '404 NAME_UNKNOWN with credentials',
    resp({ status: 404, errorCodes: ['NAME_UNKNOWN'], auth: CREDS }),
    'absent',
    /after authenticating/,
  ],
  [
    '404 without code',
    resp({ status: 404, bodyExcerpt: '404 page not found', isRegistry: true }),
    'unknown_error',
    /not proven/,
  ],
  [
    '404 from a non-registry',
    resp({ status: 404, isRegistry: false }),
    'registry_unavailable',
    /not a registry/,
  ],
  [
    '404 MANIFEST_UNKNOWN from a host whose /v2/ answers 404',
    resp({ status: 404, errorCodes: ['MANIFEST_UNKNOWN'], isRegistry: false }),
    'registry_unavailable',
    /not a registry: \/v2\/ does not answer like a registry/,
  ],
  [
    '404 MANIFEST_UNKNOWN from another origin after a redirect',
    resp({ status: 404, errorCodes: ['MANIFEST_UNKNOWN'], isRegistry: true, answeredBy: 'cdn.example.net' }),
    'unknown_error',
    /redirected the check of reg\.example\.com\/app:v1 to cdn\.example\.net, which answered 404 MANIFEST_UNKNOWN.*absence is not proven/,
  ],
  [
    '429 with a Retry-After past the cap',
    resp({
      status: 429,
      retryAfterBeyondCap: { ms: 3_600_000, capMs: 60_000, at: Date.parse('2026-01-01T01:00:00Z') },
    }),
    'rate_limited',
    /asked to wait 3600 s \(Retry-After\), longer than the 60 s this check waits; run again after 2026-01-01T01:00:00Z/,
  ],
  [
    '404 HTML page',
    resp({ status: 404, contentType: 'text/html', errorCodes: [] }),
    'registry_unavailable',
    /HTML/,
  ],
  [
    '404 HTML even with a code-looking body',
    resp({ status: 404, contentType: 'text/html; charset=utf-8' }),
    'registry_unavailable',
  ],
  ['400 MANIFEST_INVALID', resp({ status: 400, errorCodes: ['MANIFEST_INVALID'] }), 'bad_image_format'],
  ['400 NAME_INVALID', resp({ status: 400, errorCodes: ['NAME_INVALID'] }), 'bad_image_format'],
  ['400 other', resp({ status: 400, errorCodes: ['UNSUPPORTED'] }), 'unknown_error', /400/],
  [
    '401 anonymous',
    resp({ status: 401, errorCodes: ['UNAUTHORIZED'] }),
    'authentication_failure',
    /cannot tell a missing or private repository.*add credentials for reg\.example\.com/,
  ],
  [
    '401 anonymous token insufficient_scope',
    resp({
      status: 401,
      auth: ANON_TOKEN,
      challenge: { scheme: 'bearer', realm: 'r', error: 'insufficient_scope' },
    }),
    'authentication_failure',
    /anonymous/,
  ],
  [
    '401 insufficient_scope with credentials',
    resp({
      status: 401,
      auth: CREDS,
      challenge: { scheme: 'bearer', realm: 'r', error: 'insufficient_scope' },
    }),
    'authorization_failure',
    /docker config.*insufficient_scope/,
  ],
  [
    '401 Basic wrong password',
    resp({ status: 401, auth: BASIC, challenge: { scheme: 'basic', realm: 'x' } }),
    'authentication_failure',
    /rejected the credentials from explicit input/,
  ],
  ['403 anonymous', resp({ status: 403, errorCodes: ['DENIED'] }), 'authentication_failure', /anonymous/],
  [
    '403 DENIED with credentials',
    resp({ status: 403, errorCodes: ['DENIED'], auth: CREDS }),
    'authorization_failure',
    /403 DENIED/,
  ],
  ['403 TOOMANYREQUESTS', resp({ status: 403, errorCodes: ['TOOMANYREQUESTS'] }), 'rate_limited'],
  [
    '429',
    resp({ status: 429, rateLimit: 'ratelimit-remaining 0;w=21600' }),
    'rate_limited',
    /ratelimit-remaining 0/,
  ],
  ['500', resp({ status: 500, errorCodes: ['UNKNOWN'] }), 'registry_unavailable', /500 after retries/],
  ['503', resp({ status: 503 }), 'registry_unavailable'],
  ['418', resp({ status: 418, bodyExcerpt: 'teapot' }), 'unknown_error', /418.*teapot/],
  [
    'index missing a platform',
    resp({ digest: D, platforms: { available: ['linux/amd64'], missing: ['linux/arm64'] } }),
    'platform_missing',
    /lacks linux\/arm64; it has linux\/amd64/,
  ],
  [
    'index with all platforms',
    resp({ digest: D, platforms: { available: ['linux/amd64', 'linux/arm64'], missing: [] } }),
    'available',
  ],
  [
    'timeout',
    {
      kind: 'network',
      ref: 'r',
      host: 'reg.example.com',
      code: 'UND_ERR_HEADERS_TIMEOUT',
      message: 'x',
      timedOut: true,
      timeoutMs: 100,
    },
    'registry_unavailable',
    /did not answer after 100 ms.*raise the timeout setting \(--timeout\)/,
  ],
  [
    'connection refused',
    {
      kind: 'network',
      ref: 'r',
      host: 'reg.example.com',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED',
      timedOut: false,
    },
    'registry_unavailable',
    /reg\.example\.com could not be reached/,
  ],
  [
    'run-wide deadline (max-duration)',
    {
      kind: 'network',
      ref: 'r',
      host: 'reg.example.com',
      code: 'ERR_MAX_DURATION',
      message:
        'max-duration of 5 s was reached before this check finished; raise max-duration (--max-duration, 0 = no limit)',
      timedOut: false,
    },
    'registry_unavailable',
    /^r was not checked at reg\.example\.com: max-duration of 5 s was reached.*raise max-duration/,
  ],
  [
    'DNS',
    { kind: 'network', ref: 'r', host: 'nope.example', code: 'ENOTFOUND', message: 'x', timedOut: false },
    'registry_unavailable',
    /could not be resolved/,
  ],
  [
    'TLS',
    {
      kind: 'network',
      ref: 'r',
      host: 'h',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      message: 'unable to verify',
      timedOut: false,
    },
    'registry_unavailable',
    /the ca-files setting \(--ca-file\).*insecure-registries.*plain-http-registries/,
  ],
  [
    'refused by policy',
    {
      kind: 'refused',
      ref: 'r',
      host: '169.254.169.254',
      reason: '169.254.169.254 is link-local; turn on allow-link-local',
    },
    'skipped',
    /allow-link-local/,
  ],
  [
    'bad reference',
    { kind: 'bad_reference', ref: 'r', host: 'h', reason: 'digest algorithm md5 is not supported' },
    'bad_image_format',
    /md5/,
  ],
  [
    'token 401 anonymous (GHCR private or missing)',
    {
      kind: 'token',
      ref: 'r',
      host: 'ghcr.io',
      realmHost: 'ghcr.io',
      status: 401,
      errorCodes: [],
      auth: ANON_TOKEN,
    },
    'authentication_failure',
    /anonymous.*add credentials for ghcr\.io/,
  ],
  [
    'token 403 anonymous (GAR)',
    {
      kind: 'token',
      ref: 'r',
      host: 'gcr.io',
      realmHost: 'gcr.io',
      status: 403,
      errorCodes: ['DENIED'],
      auth: ANON_TOKEN,
    },
    'authentication_failure',
    /anonymous/,
  ],
  [
    'token 401 with credentials',
    { kind: 'token', ref: 'r', host: 'h', realmHost: 'auth.h', status: 401, errorCodes: [], auth: CREDS },
    'authentication_failure',
    /rejected the credentials/,
  ],
  [
    'token 403 with credentials',
    { kind: 'token', ref: 'r', host: 'h', realmHost: 'auth.h', status: 403, errorCodes: [], auth: CREDS },
    'authorization_failure',
  ],
  [
    'token 500',
    { kind: 'token', ref: 'r', host: 'h', realmHost: 'auth.h', status: 500, errorCodes: [], auth: CREDS },
    'registry_unavailable',
    /auth\.h/,
  ],
  [
    'token 429',
    { kind: 'token', ref: 'r', host: 'h', realmHost: 'auth.h', status: 429, errorCodes: [], auth: ANON },
    'rate_limited',
  ],
  [
    'token 200 without token',
    {
      kind: 'token',
      ref: 'r',
      host: 'h',
      realmHost: 'auth.h',
      status: 200,
      errorCodes: [],
      auth: ANON,
      noToken: true,
    },
    'unknown_error',
    /without a token/,
  ],
];

describe('classifyObservation', () => {
  for (const [name, obs, status, message] of cases) {
    it(`${name} → ${status}`, () => {
      const r = classifyObservation(obs);
      expect(r.status).toBe(status);
      if (message) expect(r.message ?? '').toMatch(message);
    });
  }

  it('never says absent for a timeout, a 5xx, a 429 or an HTML page', () => {
    const never: Observation[] = [
      resp({ status: 500, errorCodes: ['MANIFEST_UNKNOWN'] }),
      resp({ status: 503 }),
      resp({ status: 429, errorCodes: ['MANIFEST_UNKNOWN'] }),
      resp({ status: 404, contentType: 'text/html', errorCodes: ['MANIFEST_UNKNOWN'] }),
      resp({ status: 200, contentType: 'text/html' }),
      resp({ status: 401, errorCodes: ['MANIFEST_UNKNOWN'] }),
      { kind: 'network', ref: 'r', host: 'h', code: 'UND_ERR_HEADERS_TIMEOUT', message: '', timedOut: true },
    ];
    for (const o of never) expect(classifyObservation(o).status).not.toBe('absent');
  });

  it('keeps the digest, media type, platforms and status code', () => {
    const r = classifyObservation(
      resp({
        digest: D,
        contentType: 'application/vnd.oci.image.index.v1+json',
        platforms: { available: ['linux/amd64'], missing: ['linux/arm64'] },
      }),
    );
    expect(r).toMatchObject({
      status: 'platform_missing',
      digest: D,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: ['linux/amd64'],
      missingPlatforms: ['linux/arm64'],
      httpStatus: 200,
      host: 'reg.example.com',
    });
  });

  it('every non-available message ends with a period and names the host', () => {
    for (const [, obs] of cases) {
      const r = classifyObservation(obs);
      if (r.status === 'available') continue;
      expect(r.message ?? '', JSON.stringify(obs)).toMatch(/\.$/);
      if (obs.kind !== 'bad_reference') expect(r.message ?? '').toContain(obs.host);
    }
  });
});
