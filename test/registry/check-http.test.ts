/**
 * HTTP behaviour of the checker against small fakes on 127.0.0.1: retries, Retry-After, resets, hangs,
 * captive portals, HEAD quirks, redirects without Authorization, auth flows and policy.
 */
import type { lookup as dnsLookup } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkKey, parseReference } from '../../src/image/reference.js';
import { checkImages, type RegistryCheckOptions } from '../../src/registry/check.js';
import type { RegistryCredential } from '../../src/registry/credentials/types.js';
import { MANIFEST_ACCEPT } from '../../src/registry/probe.js';
import type { RegistryCheck } from '../../src/registry/types.js';
import {
  json,
  key,
  MANIFEST_BODY,
  manifest,
  manifestUnknown,
  OCI_INDEX,
  OCI_MANIFEST,
  ref,
  sha256,
  unauthorized,
  useFakes,
} from './fakes.js';

const fake = useFakes();

interface Run {
  result: RegistryCheck;
  all: Map<string, RegistryCheck>;
  sleeps: number[];
  logs: string[];
}

async function check(
  registry: string,
  repository: string,
  tag: string | null,
  options: Partial<RegistryCheckOptions> = {},
  digest: string | null = null,
): Promise<Run> {
  const r = ref(registry, repository, tag, digest);
  const sleeps: number[] = [];
  const logs: string[] = [];
  const all = await checkImages([{ key: key(r), ref: r }], {
    credentials: async () => [],
    backoffBaseMs: 5,
    timeoutMs: 5000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: { debug: (m) => logs.push(m), warning: (m) => logs.push(m) },
    ...options,
  });
  return { result: all.get(key(r)) as RegistryCheck, all, sleeps, logs };
}

const manifestPath = (repo: string, reference: string) => `/v2/${repo}/manifests/${reference}`;

describe('manifest HEAD', () => {
  it('sends the full Accept list as one header and reads the digest', async () => {
    const f = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const run = await check(f.host, 'team/app', 'v1');
    expect(run.result).toMatchObject({
      status: 'available',
      digest: sha256(MANIFEST_BODY),
      mediaType: OCI_MANIFEST,
      httpStatus: 200,
    });
    const heads = f.seen.filter((s) => s.method === 'HEAD');
    expect(heads).toHaveLength(1);
    expect(heads[0]?.path).toBe(manifestPath('team/app', 'v1'));
    expect(heads[0]?.headers.accept).toBe(MANIFEST_ACCEPT);
    for (const t of [
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'application/vnd.docker.distribution.manifest.v1+json',
    ]) {
      expect(MANIFEST_ACCEPT.split(', ')).toContain(t);
    }
  });

  it('tag@digest requests the digest', async () => {
    const digest = sha256(MANIFEST_BODY);
    const f = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const run = await check(f.host, 'app', 'v1', {}, digest);
    expect(run.result.status).toBe('available');
    expect(f.seen.map((s) => s.path)).toEqual([manifestPath('app', digest)]);
  });

  it('falls back to GET when HEAD answers 405', async () => {
    const f = await fake((req, res) => {
      if (req.method === 'HEAD') return json(res, 405, { errors: [{ code: 'UNSUPPORTED' }] });
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const run = await check(f.host, 'app', 'v1');
    expect(run.result).toMatchObject({ status: 'available', digest: sha256(MANIFEST_BODY) });
    expect(f.seen.map((s) => s.method)).toEqual(['HEAD', 'GET']);
  });

  it('falls back to GET when a 200 HEAD has no digest, and hashes the body', async () => {
    const f = await fake((req, res) =>
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST, { digestHeader: false }),
    );
    const run = await check(f.host, 'app', 'v1');
    expect(run.result).toMatchObject({ status: 'available', digest: sha256(MANIFEST_BODY) });
    expect(f.seen.map((s) => s.method)).toEqual(['HEAD', 'GET']);
  });

  it('404 MANIFEST_UNKNOWN (learned by GET) from a registry is absent', async () => {
    const f = await fake((req, res) =>
      req.path === '/v2/' ? json(res, 200, {}) : json(res, 404, manifestUnknown),
    );
    const run = await check(f.host, 'app', 'nope');
    expect(run.result.status).toBe('absent');
    expect(run.result.message).toContain(f.host);
    expect(f.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `HEAD ${manifestPath('app', 'nope')}`,
      `GET ${manifestPath('app', 'nope')}`,
      'GET /v2/',
    ]);
  });

  it('checks each key once however many targets share it', async () => {
    const f = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const r = ref(f.host, 'app', 'v1');
    const all = await checkImages(
      [
        { key: key(r), ref: r },
        { key: key(r), ref: r },
        { key: key(r), ref: r },
      ],
      { credentials: async () => [], backoffBaseMs: 5 },
    );
    expect(all.size).toBe(1);
    expect(f.seen.filter((s) => s.method === 'HEAD')).toHaveLength(1);
  });
});

describe('retries', () => {
  it('429 with Retry-After then 200: waits what the server asks', async () => {
    let n = 0;
    const f = await fake((req, res) => {
      if (n++ === 0) return json(res, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'retry-after': '2' });
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const run = await check(f.host, 'app', 'v1');
    expect(run.result.status).toBe('available');
    expect(run.sleeps).toEqual([2000]);
  });

  it('a Retry-After past the cap ends the check at once as rate_limited, saying when to come back', async () => {
    let n = 0;
    const f = await fake((req, res) => {
      if (n++ === 0) return json(res, 429, {}, { 'retry-after': '86400' });
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const now = Date.parse('2026-01-01T00:00:00Z');
    const run = await check(f.host, 'app', 'v1', { retryAfterCapMs: 1234, now: () => now });
    expect(run.sleeps).toEqual([]);
    expect(f.seen).toHaveLength(1);
    expect(run.result.status).toBe('rate_limited');
    expect(run.result.message).toContain(
      'asked to wait 86400 s (Retry-After), longer than the 1 s this check waits; run again after 2026-01-02T00:00:00Z',
    );
  });

  it('429 after all retries is rate_limited, never absent', async () => {
    const f = await fake((_req, res) =>
      json(res, 429, {}, { 'retry-after': '1', 'ratelimit-remaining': '0;w=21600' }),
    );
    const run = await check(f.host, 'app', 'v1', { retries: 2 });
    expect(run.result.status).toBe('rate_limited');
    expect(run.result.message).toMatch(/ratelimit-remaining 0;w=21600/);
    expect(f.seen.filter((s) => s.method === 'HEAD')).toHaveLength(3);
  });

  it('503 then 200 is available after one backoff', async () => {
    let n = 0;
    const f = await fake((req, res) => {
      if (n++ === 0) return json(res, 503, {});
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const run = await check(f.host, 'app', 'v1');
    expect(run.result.status).toBe('available');
    expect(run.sleeps).toEqual([5]);
  });

  it('persistent 503 is registry_unavailable naming the host', async () => {
    const f = await fake((_req, res) => json(res, 503, {}));
    const run = await check(f.host, 'app', 'v1', { retries: 3 });
    expect(run.result.status).toBe('registry_unavailable');
    expect(run.result.message).toContain(`${f.host} answered 503`);
    expect(run.sleeps).toEqual([5, 10, 20]);
  });

  it('a connection reset is retried', async () => {
    let n = 0;
    const f = await fake((req, res, raw) => {
      if (n++ === 0) {
        raw.socket.destroy();
        return;
      }
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const run = await check(f.host, 'app', 'v1', { plainHttpRegistries: [] });
    expect(run.result.status).toBe('available');
  });

  it('resets every time: registry_unavailable, not absent', async () => {
    const f = await fake((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const run = await check(f.host, 'app', 'v1', { retries: 1, plainHttpRegistries: [f.host] });
    expect(run.result.status).toBe('registry_unavailable');
    expect(run.result.message).toContain(f.host);
  });

  it('a hanging server times out: registry_unavailable', async () => {
    const f = await fake(() => new Promise<void>(() => undefined));
    const run = await check(f.host, 'app', 'v1', {
      retries: 1,
      timeoutMs: 300,
      plainHttpRegistries: [f.host],
    });
    expect(run.result.status).toBe('registry_unavailable');
    expect(run.result.message).toMatch(/did not answer/);
    // A host that never answered is not asked again within the check: one deadline, not retries + 1.
    expect(f.seen.length).toBe(1);
  });

  it('a timeout at a host that has answered before is retried', async () => {
    let n = 0;
    const f = await fake((req, res) => {
      if (n++ === 1) return new Promise<void>(() => undefined);
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const r1 = ref(f.host, 'app', 'v1');
    const r2 = ref(f.host, 'app', 'v2');
    const all = await checkImages(
      [r1, r2].map((r) => ({ key: key(r), ref: r })),
      {
        credentials: async () => [],
        concurrency: 1,
        timeoutMs: 300,
        retries: 1,
        backoffBaseMs: 1,
        plainHttpRegistries: [f.host],
      },
    );
    expect([...all.values()].map((c) => c.status)).toEqual(['available', 'available']);
    expect(f.seen).toHaveLength(3);
  });
});

describe('not a registry', () => {
  const portal = '<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>';
  it('an HTML captive portal answering 200 everywhere', async () => {
    const f = await fake((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : portal);
    });
    const run = await check(f.host, 'app', 'v1');
    expect(run.result.status).toBe('registry_unavailable');
    expect(run.result.message).toMatch(/not a registry/);
  });

  it('a web server answering 404 text on /v2/ and the manifest', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
    const run = await check(f.host, 'app', 'v1');
    expect(run.result.status).toBe('registry_unavailable');
    expect(f.seen.some((s) => s.path === '/v2/')).toBe(true);
  });

  it('a registry answering 404 without a code is unknown_error, not absent', async () => {
    const f = await fake((req, res) => {
      if (req.path === '/v2/') return json(res, 200, {});
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
    const run = await check(f.host, 'app', 'v1');
    expect(run.result.status).toBe('unknown_error');
    expect(run.result.bodyExcerpt).toBe('404 page not found');
  });
});

describe('auth', () => {
  const USER = 'reader';
  const PASS = 's3cret-PASSWORD-42';
  const basic = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
  const credential: RegistryCredential = { username: USER, password: PASS, source: 'test input' };

  it('Basic: anonymous is authentication_failure saying why; right credentials are available', async () => {
    const f = await fake((req, res) => {
      if (req.headers.authorization !== basic)
        return json(res, 401, unauthorized, { 'www-authenticate': 'Basic realm="test"' });
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const anon = await check(f.host, 'app', 'v1');
    expect(anon.result.status).toBe('authentication_failure');
    expect(anon.result.message).toMatch(/cannot tell a missing or private repository.*add credentials for/);
    const ok = await check(f.host, 'app', 'v1', { credentials: async () => [credential] });
    expect(ok.result).toMatchObject({ status: 'available', authenticated: true });
  });

  it('Basic: wrong credentials are authentication_failure; the next credential is tried', async () => {
    const f = await fake((req, res) => {
      if (req.headers.authorization !== basic)
        return json(res, 401, unauthorized, { 'www-authenticate': 'Basic realm="test"' });
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const wrong: RegistryCredential = { username: USER, password: 'nope-wrong-1', source: 'pull secret a' };
    const bad = await check(f.host, 'app', 'v1', { credentials: async () => [wrong] });
    expect(bad.result.status).toBe('authentication_failure');
    expect(bad.result.message).toMatch(/rejected the credentials from pull secret a/);
    const second = await check(f.host, 'app', 'v1', { credentials: async () => [wrong, credential] });
    expect(second.result.status).toBe('available');
  });

  it('Bearer: one token per repository scope, reused; access_token preferred', async () => {
    const tokenRequests: string[] = [];
    const tokens = await fake((req, res) => {
      tokenRequests.push(req.path);
      json(res, 200, { token: 'plain-token-value', access_token: 'access-token-value', expires_in: 300 });
    });
    const f = await fake((req, res) => {
      if (req.headers.authorization !== 'Bearer access-token-value') {
        return json(res, 401, unauthorized, {
          'www-authenticate': `Bearer realm="${tokens.url}/token",service="svc",scope="repository:app:pull"`,
        });
      }
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const refs = ['v1', 'v2', 'v3', 'v4'].map((t) => ref(f.host, 'app', t));
    const all = await checkImages(
      refs.map((r) => ({ key: key(r), ref: r })),
      { credentials: async () => [], concurrency: 1, backoffBaseMs: 5 },
    );
    expect([...all.values()].map((c) => c.status)).toEqual([
      'available',
      'available',
      'available',
      'available',
    ]);
    expect(tokenRequests).toEqual(['/token?service=svc&scope=repository%3Aapp%3Apull']);
    // first HEAD is challenged; later ones carry the token up front
    expect(f.seen.filter((s) => !s.headers.authorization).length).toBe(1);
  });

  it('Bearer: expires_in is honoured through the injected clock', async () => {
    let now = 1_000_000;
    let issued = 0;
    const tokens = await fake((_req, res) => {
      issued++;
      json(res, 200, { token: `t${issued}` });
    });
    const f = await fake((req, res) => {
      if (!req.headers.authorization?.startsWith('Bearer t')) {
        return json(res, 401, unauthorized, {
          'www-authenticate': `Bearer realm="${tokens.url}/token",service="svc"`,
        });
      }
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const r1 = ref(f.host, 'app', 'v1');
    const r2 = ref(f.host, 'app', 'v2');
    const r3 = ref(f.host, 'app', 'v3');
    const seq = [r1, r2, r3];
    const all = await checkImages(
      seq.map((r) => ({ key: key(r), ref: r })),
      {
        credentials: async () => [],
        concurrency: 1,
        now: () => {
          now += 30_000; // each clock read advances 30 s: a 60 s default token goes stale quickly
          return now;
        },
      },
    );
    expect([...all.values()].every((c) => c.status === 'available')).toBe(true);
    expect(issued).toBeGreaterThan(1);
  });

  it('Bearer: a token the registry calls invalid_token is replaced once', async () => {
    let issued = 0;
    const tokens = await fake((_req, res) => {
      issued++;
      json(res, 200, { token: `tok-${issued}` });
    });
    const f = await fake((req, res) => {
      const auth = req.headers.authorization;
      const base = `Bearer realm="${tokens.url}/token",service="svc",scope="repository:app:pull"`;
      if (!auth) return json(res, 401, unauthorized, { 'www-authenticate': base });
      if (auth !== 'Bearer tok-2')
        return json(res, 401, unauthorized, { 'www-authenticate': `${base},error="invalid_token"` });
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const run = await check(f.host, 'app', 'v1');
    expect(run.result.status).toBe('available');
    expect(issued).toBe(2);
  });

  it('Bearer with credentials: insufficient_scope is authorization_failure', async () => {
    const tokens = await fake((req, res) => {
      expect(req.headers.authorization).toBe(basic);
      json(res, 200, { token: 'scoped-token-xyz' });
    });
    const challenge = (err?: string) =>
      `Bearer realm="${tokens.url}/token",service="svc",scope="repository:private/secret:pull"${err ? `,error="${err}"` : ''}`;
    const f = await fake((req, res) => {
      json(res, 401, unauthorized, {
        'www-authenticate': challenge(req.headers.authorization ? 'insufficient_scope' : undefined),
      });
    });
    const run = await check(f.host, 'private/secret', 'v1', { credentials: async () => [credential] });
    expect(run.result.status).toBe('authorization_failure');
    expect(run.result.message).toMatch(/insufficient_scope/);
  });

  it('Bearer anonymous: token server 401 is authentication_failure; registry 404 after anonymous token is absent', async () => {
    const tokens = await fake((req, res) => {
      if (req.path.includes('private')) return json(res, 401, unauthorized);
      json(res, 200, { token: 'anon-token' });
    });
    const f = await fake((req, res) => {
      if (!req.headers.authorization) {
        const repo = req.path.split('/')[2];
        return json(res, 401, unauthorized, {
          'www-authenticate': `Bearer realm="${tokens.url}/token",service="svc",scope="repository:${repo}:pull"`,
        });
      }
      json(res, 404, manifestUnknown);
    });
    const priv = await check(f.host, 'private', 'v1');
    expect(priv.result.status).toBe('authentication_failure');
    expect(priv.result.message).toMatch(/token server .* refused an anonymous token/);
    const pub = await check(f.host, 'public', 'v1');
    expect(pub.result.status).toBe('absent');
  });

  it('identity token: OAuth2 POST refresh_token, falling back to GET on 404', async () => {
    const seenTokenCalls: { method: string; body: string; auth?: string }[] = [];
    let oauth = true;
    const tokens = await fake((req, res) => {
      seenTokenCalls.push({ method: req.method, body: req.body, auth: req.headers.authorization });
      if (req.method === 'POST' && !oauth) return json(res, 404, {});
      json(res, 200, { access_token: 'oauth-access' });
    });
    const f = await fake((req, res) => {
      if (req.headers.authorization !== 'Bearer oauth-access') {
        return json(res, 401, unauthorized, {
          'www-authenticate': `Bearer realm="${tokens.url}/token",service="svc"`,
        });
      }
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const idCred: RegistryCredential = {
      identityToken: 'refresh-identity-token-123',
      source: 'docker config',
    };
    const run = await check(f.host, 'app', 'v1', { credentials: async () => [idCred] });
    expect(run.result.status).toBe('available');
    expect(seenTokenCalls[0]?.method).toBe('POST');
    const form = new URLSearchParams(seenTokenCalls[0]?.body);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe('refresh-identity-token-123');
    expect(form.get('service')).toBe('svc');
    expect(form.get('scope')).toBe('repository:app:pull');
    expect(form.get('client_id')).toBeTruthy();
    oauth = false;
    seenTokenCalls.length = 0;
    const again = await check(f.host, 'app', 'v1', { credentials: async () => [idCred] });
    expect(again.result.status).toBe('available');
    expect(seenTokenCalls.map((c) => c.method)).toEqual(['POST', 'GET']);
  });

  it('registry token is sent as is', async () => {
    const f = await fake((req, res) => {
      if (req.headers.authorization !== 'Bearer direct-registry-token') {
        return json(res, 401, unauthorized, {
          'www-authenticate': 'Bearer realm="http://127.0.0.1:1/never",service="svc"',
        });
      }
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const run = await check(f.host, 'app', 'v1', {
      credentials: async () => [{ registryToken: 'direct-registry-token', source: 'x' }],
    });
    expect(run.result.status).toBe('available');
  });

  it('a metadata realm is refused before any credential is sent', async () => {
    const f = await fake((_req, res) =>
      json(res, 401, unauthorized, {
        'www-authenticate': 'Bearer realm="http://169.254.169.254/latest/meta-data",service="svc"',
      }),
    );
    const run = await check(f.host, 'app', 'v1', { credentials: async () => [credential] });
    expect(run.result.status).toBe('skipped');
    expect(run.result.reason).toMatch(/allow-link-local/);
  });
});

describe('redirects', () => {
  it('a blob redirect to another origin never carries Authorization', async () => {
    const USER = 'u';
    const PASS = 'redirect-secret-pass';
    const basic = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
    const config = JSON.stringify({ os: 'linux', architecture: 'arm64' });
    const storage = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(config);
    });
    const f = await fake((req, res) => {
      if (req.headers.authorization !== basic)
        return json(res, 401, unauthorized, { 'www-authenticate': 'Basic realm="r"' });
      if (req.path.includes('/blobs/')) {
        res.writeHead(307, { location: `${storage.url}/bucket/blob?sig=abc` });
        res.end();
        return;
      }
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const run = await check(f.host, 'app', 'v1', {
      credentials: async () => [{ username: USER, password: PASS, source: 's' }],
      platforms: ['linux/amd64'],
    });
    expect(run.result).toMatchObject({
      status: 'platform_missing',
      platforms: ['linux/arm64'],
      missingPlatforms: ['linux/amd64'],
    });
    expect(storage.seen).toHaveLength(1);
    expect(storage.seen[0]?.path).toBe('/bucket/blob?sig=abc');
    expect(storage.seen[0]?.headers.authorization).toBeUndefined();
    expect(f.seen.some((s) => s.path.includes('/blobs/') && s.headers.authorization === basic)).toBe(true);
  });

  it('a redirect to a metadata address is refused', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    const run = await check(f.host, 'app', 'v1');
    expect(run.result.status).toBe('skipped');
  });
});

describe('platforms', () => {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      {
        mediaType: OCI_MANIFEST,
        digest: `sha256:${'1'.repeat(64)}`,
        size: 1,
        platform: { os: 'linux', architecture: 'amd64' },
      },
      {
        mediaType: OCI_MANIFEST,
        digest: `sha256:${'2'.repeat(64)}`,
        size: 1,
        platform: { os: 'unknown', architecture: 'unknown' },
      },
    ],
  });
  it('an index lacking arm64 is platform_missing naming what is there', async () => {
    const f = await fake((req, res) => manifest(req, res, index, OCI_INDEX));
    const run = await check(f.host, 'app', 'v1', { platforms: ['linux/amd64', 'linux/arm64'] });
    expect(run.result).toMatchObject({
      status: 'platform_missing',
      platforms: ['linux/amd64'],
      missingPlatforms: ['linux/arm64'],
    });
    expect(run.result.message).toMatch(/lacks linux\/arm64; it has linux\/amd64/);
    // HEAD, then one GET of the index by digest
    expect(f.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `HEAD ${manifestPath('app', 'v1')}`,
      `GET ${manifestPath('app', sha256(index))}`,
    ]);
  });
  it('an index with every platform is available', async () => {
    const f = await fake((req, res) => manifest(req, res, index, OCI_INDEX));
    const run = await check(f.host, 'app', 'v1', { platforms: ['linux/amd64'] });
    expect(run.result).toMatchObject({ status: 'available', platforms: ['linux/amd64'] });
  });
});

describe('plain HTTP on loopback', () => {
  it('falls back from HTTPS to HTTP for 127.0.0.1 and remembers it', async () => {
    const f = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const r1 = ref(f.host, 'app', 'v1');
    const r2 = ref(f.host, 'app', 'v2');
    const logs: string[] = [];
    const all = await checkImages(
      [r1, r2].map((r) => ({ key: key(r), ref: r })),
      {
        credentials: async () => [],
        concurrency: 1,
        logger: { debug: (m) => logs.push(m), warning: (m) => logs.push(m) },
      },
    );
    expect([...all.values()].map((c) => c.status)).toEqual(['available', 'available']);
    expect(logs.filter((m) => m.includes('does not speak TLS'))).toHaveLength(1);
  });

  it('a non-loopback plain registry is not silently downgraded', async () => {
    const lookup = ((
      _h: string,
      _o: unknown,
      cb: (e: null, a: { address: string; family: number }[]) => void,
    ) => cb(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as typeof dnsLookup;
    const f = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const run = await check(`registry.example.test:${f.port}`, 'app', 'v1', { lookup, retries: 0 });
    expect(run.result.status).toBe('registry_unavailable');
    expect(run.result.message).toMatch(/TLS|plain-http-registries/);
    const plain = await check(`registry.example.test:${f.port}`, 'app', 'v1', {
      lookup,
      plainHttpRegistries: [`registry.example.test:${f.port}`],
    });
    expect(plain.result.status).toBe('available');
  });
});

describe('policy', () => {
  it('allowed-registries skips others without contacting them', async () => {
    const f = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const run = await check(f.host, 'app', 'v1', { allowedRegistries: ['ghcr.io'] });
    expect(run.result.status).toBe('skipped');
    expect(run.result.reason).toMatch(/not in allowed-registries/);
    expect(f.seen).toHaveLength(0);
  });

  it('a link-local literal is skipped without a connection', async () => {
    const run = await check('169.254.169.254', 'latest/meta-data', 'v1');
    expect(run.result.status).toBe('skipped');
    expect(run.result.reason).toMatch(/allow-link-local/);
  });

  it('a host name resolving to a metadata address is refused at connect time', async () => {
    const lookup = ((
      _h: string,
      opts: unknown,
      cb: (e: null, a: { address: string; family: number }[]) => void,
    ) => {
      void opts;
      cb(null, [{ address: '169.254.169.254', family: 4 }]);
    }) as unknown as typeof dnsLookup;
    const run = await check('metadata.internal', 'app', 'v1', { lookup, retries: 0 });
    expect(run.result.status).toBe('skipped');
    expect(run.result.reason).toMatch(/metadata\.internal \(169\.254\.169\.254\).*allow-link-local/);
  });

  it('a mirror is tried first; on its failure the upstream answers', async () => {
    const upstream = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const mirror = await fake((_req, res) => json(res, 404, manifestUnknown));
    const run = await check(upstream.host, 'app', 'v1', { mirrors: { [upstream.host]: mirror.host } });
    expect(run.result.status).toBe('available');
    expect(mirror.seen[0]?.path).toBe(`${manifestPath('app', 'v1')}?ns=${encodeURIComponent(upstream.host)}`);
    expect(upstream.seen.length).toBeGreaterThan(0);
  });

  it('a mirror that has the image answers alone', async () => {
    const upstream = await fake((_req, res) => json(res, 500, {}));
    const mirror = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const run = await check(upstream.host, 'app', 'v1', { mirrors: { [upstream.host]: mirror.host } });
    expect(run.result.status).toBe('available');
    expect(upstream.seen).toHaveLength(0);
  });

  it('a Docker Hub alias with a single-component path asks for library/<name> (as checkKey folds it)', async () => {
    const mirror = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    const parsed = parseReference('registry-1.docker.io/nginx:1.27');
    if (!parsed.ok) throw new Error(parsed.error);
    const all = await checkImages([{ key: checkKey(parsed.ref), ref: parsed.ref }], {
      credentials: async () => [],
      mirrors: { 'docker.io': mirror.host },
    });
    expect(all.get('docker.io/library/nginx:1.27')?.status).toBe('available');
    expect(mirror.seen[0]?.path).toBe(`${manifestPath('library/nginx', '1.27')}?ns=docker.io`);
  });

  it('configuration errors name the setting as the user writes it', async () => {
    await expect(check('127.0.0.1:1', 'app', 'v1', { caFiles: ['/nonexistent/ca.pem'] })).rejects.toThrow(
      'cannot read CA file /nonexistent/ca.pem (ENOENT); fix the ca-files setting (--ca-file).',
    );
    await expect(check('127.0.0.1:1', 'app', 'v1', { platforms: ['linux'] })).rejects.toThrow(
      'fix the platforms setting (--platform).',
    );
  });

  it('bad references never reach the network', async () => {
    const f = await fake((req, res) => manifest(req, res, MANIFEST_BODY, OCI_MANIFEST));
    for (const [repo, tag, digest] of [
      ['App', 'v1', null],
      ['app', 'v1', 'md5:d41d8cd98f00b204e9800998ecf8427e'],
      ['app', null, 'sha256:abc'],
    ] as const) {
      const run = await check(f.host, repo, tag, {}, digest);
      expect(run.result.status).toBe('bad_image_format');
    }
    expect(f.seen).toHaveLength(0);
  });
});
