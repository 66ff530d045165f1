import { describe, expect, it } from 'vitest';
import { referenceProblem } from '../../src/registry/check.js';
import { RegistryHttpClient } from '../../src/registry/client.js';
import { errorCodes } from '../../src/registry/probe.js';
import { excerpt, MAX_EXCERPT_CHARS, redact } from '../../src/registry/redact.js';
import { credentialIdentity, parseTokenResponse, TokenCache } from '../../src/registry/token.js';
import { json, ref, useFakes } from './fakes.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseTokenResponse', () => {
  const cases: [string, string, { token: string; expiresAt: number } | undefined][] = [
    ['token only, default 60 s', '{"token":"t"}', { token: 't', expiresAt: NOW + 60_000 }],
    [
      'access_token only (ACR)',
      '{"access_token":"a","expires_in":300}',
      { token: 'a', expiresAt: NOW + 300_000 },
    ],
    [
      'both: access_token preferred',
      '{"token":"t","access_token":"a"}',
      { token: 'a', expiresAt: NOW + 60_000 },
    ],
    [
      'empty access_token falls back to token',
      '{"token":"t","access_token":""}',
      { token: 't', expiresAt: NOW + 60_000 },
    ],
    [
      'issued_at in the past counts from then',
      '{"token":"t","expires_in":120,"issued_at":"2025-12-31T23:59:00Z"}',
      { token: 't', expiresAt: NOW + 60_000 },
    ],
    [
      'issued_at far off (skewed clock) is ignored',
      '{"token":"t","expires_in":120,"issued_at":"2020-01-01T00:00:00Z"}',
      { token: 't', expiresAt: NOW + 120_000 },
    ],
    [
      'expires_in 0 means the default',
      '{"token":"t","expires_in":0}',
      { token: 't', expiresAt: NOW + 60_000 },
    ],
    ['no token', '{"expires_in":60}', undefined],
    ['both empty', '{"token":"","access_token":""}', undefined],
    ['not JSON', '<html>', undefined],
    ['JSON null', 'null', undefined],
  ];
  for (const [name, body, want] of cases) it(name, () => expect(parseTokenResponse(body, NOW)).toEqual(want));
});

describe('credentialIdentity', () => {
  it('is stable, distinguishes secrets and never contains them', () => {
    const a = credentialIdentity({ username: 'u', password: 'p1-secret', source: 's' });
    expect(a).toBe(credentialIdentity({ username: 'u', password: 'p1-secret', source: 'other source' }));
    expect(a).not.toBe(credentialIdentity({ username: 'u', password: 'p2-secret', source: 's' }));
    expect(a).not.toContain('p1-secret');
    expect(credentialIdentity(undefined)).toBe('anonymous');
  });
});

describe('redact', () => {
  it('removes known secrets in plain, base64 and URL-encoded form', () => {
    const s = 'pa ss/w:rd';
    const text = `x ${s} y ${Buffer.from(s).toString('base64')} z ${encodeURIComponent(s)}`;
    expect(redact(text, [s])).toBe('x *** y *** z ***');
  });
  it('removes JWTs, Authorization values and token fields', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJyZWFkZXIifQ.c2lnbmF0dXJl';
    expect(redact(`token ${jwt} end`)).toBe('token *** end');
    expect(redact('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe('Authorization: ***');
    expect(redact('{"token":"abc","access_token":"def","other":"keep"}')).toBe(
      '{"token":"***","access_token":"***","other":"keep"}',
    );
  });
  it('excerpt is bounded and collapses whitespace', () => {
    const e = excerpt(`a\n\n b ${'x'.repeat(1000)}`);
    expect(e.startsWith('a b x')).toBe(true);
    expect(e.length).toBe(MAX_EXCERPT_CHARS + 1);
  });
});

describe('errorCodes', () => {
  it('reads distribution error bodies', () => {
    expect(
      errorCodes(
        '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"nope"}}]}',
      ),
    ).toEqual(['MANIFEST_UNKNOWN']);
    expect(errorCodes('{"errors":[{"code":"denied"},{"code":"UNAUTHORIZED"}]}')).toEqual([
      'DENIED',
      'UNAUTHORIZED',
    ]);
    expect(errorCodes('404 page not found')).toEqual([]);
    expect(errorCodes('{"message":"toomanyrequests"}')).toEqual([]);
    expect(errorCodes('{broken')).toEqual([]);
  });
});

describe('referenceProblem', () => {
  const D = `sha256:${'a'.repeat(64)}`;
  const cases: [ReturnType<typeof ref>, RegExp | undefined][] = [
    [ref('ghcr.io', 'org/app', 'v1.2.3'), undefined],
    [ref('ghcr.io', 'org/app', null, D), undefined],
    [ref('ghcr.io', 'org/app', 'v1', `sha512:${'b'.repeat(128)}`), undefined],
    [ref('ghcr.io', 'Org/App', 'v1'), /not a valid repository name/],
    [ref('ghcr.io', 'org//app', 'v1'), /not a valid repository name/],
    [ref('ghcr.io', 'org/app', '-bad'), /not a valid tag/],
    [ref('ghcr.io', 'org/app', 'x'.repeat(129)), /not a valid tag/],
    [
      ref('ghcr.io', 'org/app', null, 'md5:d41d8cd98f00b204e9800998ecf8427e'),
      /algorithm "md5" is not supported/,
    ],
    [ref('ghcr.io', 'org/app', null, 'sha256:abc'), /not 64 lower-case hex/],
    [ref('ghcr.io', 'org/app', null, `sha256:${'A'.repeat(64)}`), /not 64 lower-case hex/],
    [ref('ghcr.io', 'org/app', null, 'sha256'), /malformed/],
  ];
  for (const [r, want] of cases) {
    it(`${r.normalized.slice(0, 60)}`, () => {
      const p = referenceProblem(r);
      if (want) expect(p).toMatch(want);
      else expect(p).toBeUndefined();
    });
  }
});

describe('TokenCache batching', () => {
  const fake = useFakes();
  const client = () =>
    new RegistryHttpClient({
      timeoutMs: 5000,
      retries: 0,
      retryAfterCapMs: 10,
      backoffBaseMs: 1,
      connections: 4,
      allowLinkLocal: false,
      random: () => 0.5,
      sleep: async () => undefined,
      now: () => NOW,
    });

  it('one request for several scopes serves them all from the cache', async () => {
    const f = await fake((req, res) => json(res, 200, { token: `t-${req.path.length}`, expires_in: 300 }));
    const http = client();
    const cache = new TokenCache(
      http,
      () => NOW,
      false,
      () => undefined,
    );
    const challenge = { scheme: 'bearer' as const, realm: `${f.url}/token`, service: 'svc' };
    const base = { challenge, registryProtocol: 'http:' as const };
    const first = await cache.get({
      ...base,
      scope: 'repository:a:pull',
      alsoScopes: () => ['repository:b:pull', 'repository:c:pull'],
    });
    const b = await cache.get({ ...base, scope: 'repository:b:pull' });
    const c = await cache.get({ ...base, scope: 'repository:c:pull' });
    await http.close();
    expect(first).toMatchObject({ ok: true, batched: true });
    expect(b).toEqual(first);
    expect(c).toEqual(first);
    expect(f.seen).toHaveLength(1);
    expect(new URL(f.seen[0]?.path ?? '', f.url).searchParams.getAll('scope')).toEqual([
      'repository:a:pull',
      'repository:b:pull',
      'repository:c:pull',
    ]);
  });

  it('a failed batch proves nothing about the other scopes: each then asks alone', async () => {
    const f = await fake((req, res) => {
      const scopes = new URL(req.path, f.url).searchParams.getAll('scope');
      if (scopes.length > 1) return json(res, 400, { errors: [{ code: 'DENIED' }] });
      json(res, 200, { token: `t-${scopes[0]}` });
    });
    const http = client();
    const cache = new TokenCache(
      http,
      () => NOW,
      false,
      () => undefined,
    );
    const challenge = { scheme: 'bearer' as const, realm: `${f.url}/token`, service: 'svc' };
    const base = { challenge, registryProtocol: 'http:' as const };
    const [a, b] = await Promise.all([
      cache.get({ ...base, scope: 'repository:a:pull', alsoScopes: () => ['repository:b:pull'] }),
      cache.get({ ...base, scope: 'repository:b:pull' }),
    ]);
    await http.close();
    expect(a).toMatchObject({ ok: false, kind: 'http' });
    expect(b).toEqual({ ok: true, token: 't-repository:b:pull', credentialsSent: false, batched: false });
    expect(f.seen).toHaveLength(2);
  });
});
