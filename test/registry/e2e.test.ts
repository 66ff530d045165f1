/**
 * End to end against real `docker-registry` processes on 127.0.0.1 (test/helpers/registry.ts): every
 * check class, plain HTTP, HTTPS with a test CA, htpasswd Basic and Bearer token auth, injected faults,
 * and a scan of all output for the test credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImages, type RegistryCheckOptions } from '../../src/registry/check.js';
import type { RegistryCredential } from '../../src/registry/credentials/types.js';
import type { RegistryCheck } from '../../src/registry/types.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import {
  type PushedIndex,
  type PushedManifest,
  pushDigestOnly,
  pushDockerList,
  pushDockerSchema2,
  pushOciIndex,
  pushOciManifest,
} from '../helpers/images.js';
import { type RegistryHandle, startRegistry } from '../helpers/registry.js';
import { key, ref } from './fakes.js';

/** Everything the checker said in this file: messages, log lines, whole results. */
const captured: string[] = [];
/** Every secret the tests handed out. */
const secrets: string[] = [];

const READER_PASS = 'reader-Pa55-e2e-7f3a';
const OTHER_PASS = 'other-Pa55-e2e-91bc';
secrets.push(READER_PASS, OTHER_PASS);

function creds(map: Record<string, RegistryCredential[]>): RegistryCheckOptions['credentials'] {
  return async (host) => map[host] ?? [];
}

async function run(
  items: { registry: string; repository: string; tag: string | null; digest?: string | null }[],
  options: Partial<RegistryCheckOptions> = {},
): Promise<RegistryCheck[]> {
  const refs = items.map((i) => ref(i.registry, i.repository, i.tag, i.digest ?? null));
  const results = await checkImages(
    refs.map((r) => ({ key: key(r), ref: r })),
    {
      credentials: async () => [],
      backoffBaseMs: 5,
      timeoutMs: 5000,
      sleep: async () => undefined,
      logger: { debug: (m) => captured.push(m), warning: (m) => captured.push(m) },
      ...options,
    },
  );
  const out = refs.map((r) => results.get(key(r)) as RegistryCheck);
  captured.push(JSON.stringify(out));
  return out;
}

const one = async (
  registry: string,
  repository: string,
  tag: string | null,
  options: Partial<RegistryCheckOptions> = {},
  digest: string | null = null,
) => (await run([{ registry, repository, tag, digest }], options))[0] as RegistryCheck;

describe('plain registry', () => {
  let reg: RegistryHandle;
  let oci: PushedManifest;
  let index: PushedIndex;
  let amd64Only: PushedIndex;
  let schema2: PushedManifest;
  let list: PushedIndex;
  let byDigest: PushedManifest;

  beforeAll(async () => {
    reg = await startRegistry();
    secrets.push(reg.pushAuth.password);
    oci = await pushOciManifest(reg, 'e2e/oci', 'v1');
    index = await pushOciIndex(reg, 'e2e/multi', 'v1', undefined, { attestation: true });
    amd64Only = await pushOciIndex(reg, 'e2e/amd64only', 'v1', [{ os: 'linux', arch: 'amd64' }], {
      attestation: true,
    });
    schema2 = await pushDockerSchema2(reg, 'e2e/schema2', 'v1');
    list = await pushDockerList(reg, 'e2e/list', 'v1');
    byDigest = await pushDigestOnly(reg, 'e2e/bydigest');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('every kind of manifest is available with its pushed digest', async () => {
    const r = await run([
      { registry: reg.host, repository: 'e2e/oci', tag: 'v1' },
      { registry: reg.host, repository: 'e2e/multi', tag: 'v1' },
      { registry: reg.host, repository: 'e2e/schema2', tag: 'v1' },
      { registry: reg.host, repository: 'e2e/list', tag: 'v1' },
      { registry: reg.host, repository: 'e2e/bydigest', tag: null, digest: byDigest.digest },
      { registry: reg.host, repository: 'e2e/oci', tag: 'ignored-tag', digest: oci.digest },
    ]);
    expect(r.map((c) => [c.status, c.digest, c.mediaType])).toEqual([
      ['available', oci.digest, oci.mediaType],
      ['available', index.digest, index.mediaType],
      ['available', schema2.digest, schema2.mediaType],
      ['available', list.digest, list.mediaType],
      ['available', byDigest.digest, byDigest.mediaType],
      ['available', oci.digest, oci.mediaType],
    ]);
  });

  it('a missing tag, a missing repository and a digest from another repository are absent', async () => {
    const r = await run([
      { registry: reg.host, repository: 'e2e/oci', tag: 'nope' },
      { registry: reg.host, repository: 'does/not/exist', tag: 'v1' },
      { registry: reg.host, repository: 'e2e/schema2', tag: null, digest: oci.digest },
    ]);
    expect(r.map((c) => c.status)).toEqual(['absent', 'absent', 'absent']);
    expect(r[0]?.message).toContain(reg.host);
  });

  it('platforms: indexes and lists are checked per entry, single manifests by their config', async () => {
    const platforms = ['linux/amd64', 'linux/arm64'];
    const r = await run(
      [
        { registry: reg.host, repository: 'e2e/multi', tag: 'v1' },
        { registry: reg.host, repository: 'e2e/list', tag: 'v1' },
        { registry: reg.host, repository: 'e2e/amd64only', tag: 'v1' },
        { registry: reg.host, repository: 'e2e/oci', tag: 'v1' },
      ],
      { platforms },
    );
    expect(r.map((c) => [c.status, c.platforms, c.missingPlatforms])).toEqual([
      ['available', ['linux/amd64', 'linux/arm64'], undefined],
      ['available', ['linux/amd64', 'linux/arm64'], undefined],
      ['platform_missing', ['linux/amd64'], ['linux/arm64']],
      ['platform_missing', ['linux/amd64'], ['linux/arm64']],
    ]);
    expect(amd64Only.attestation).toBeDefined();
    expect(r[2]?.message).toMatch(/lacks linux\/arm64; it has linux\/amd64/);
  });

  it('bad references never reach the registry', async () => {
    const r = await run([
      { registry: reg.host, repository: 'E2E/OCI', tag: 'v1' },
      { registry: reg.host, repository: 'e2e/oci', tag: null, digest: 'sha256:abc' },
    ]);
    expect(r.map((c) => c.status)).toEqual(['bad_image_format', 'bad_image_format']);
  });

  it('faults from a proxy: retries recover, persistent ones are classified, never absent', async () => {
    const proxy = await startFaultProxy({
      upstream: reg.url,
      rules: [
        { path: /\/e2e\/oci\/manifests\/v1$/, times: 2, action: { type: 'status', status: 503 } },
        { path: /\/e2e\/multi\/manifests\/v1$/, times: 1, action: { type: 'rate-limit', retryAfter: '1' } },
        {
          path: /\/e2e\/schema2\/manifests\/v1$/,
          action: { type: 'rewrite', dropHeaders: ['docker-content-digest'] },
          method: 'HEAD',
        },
        { path: /\/e2e\/list\/manifests\/v1$/, action: { type: 'rate-limit', retryAfter: '1' } },
        { path: /\/portal\//, action: { type: 'html' } },
        { path: /\/reset\//, action: { type: 'reset' } },
        { path: /\/down\//, action: { type: 'status', status: 502 } },
      ],
    });
    try {
      const r = await run(
        [
          { registry: proxy.host, repository: 'e2e/oci', tag: 'v1' },
          { registry: proxy.host, repository: 'e2e/multi', tag: 'v1' },
          { registry: proxy.host, repository: 'e2e/schema2', tag: 'v1' },
          { registry: proxy.host, repository: 'e2e/list', tag: 'v1' },
          { registry: proxy.host, repository: 'portal/app', tag: 'v1' },
          { registry: proxy.host, repository: 'reset/app', tag: 'v1' },
          { registry: proxy.host, repository: 'down/app', tag: 'v1' },
        ],
        { retries: 2, plainHttpRegistries: [proxy.host] },
      );
      expect(r.map((c) => c.status)).toEqual([
        'available',
        'available',
        'available',
        'rate_limited',
        'registry_unavailable',
        'registry_unavailable',
        'registry_unavailable',
      ]);
      expect(r[2]?.digest).toBe(schema2.digest);
      expect(r[6]?.message).toContain(proxy.host);
    } finally {
      await proxy.stop();
    }
  });

  it('a hanging registry times out as registry_unavailable', async () => {
    const proxy = await startFaultProxy({
      upstream: reg.url,
      rules: [{ path: /manifests/, action: { type: 'hang' } }],
    });
    try {
      const c = await one(proxy.host, 'e2e/oci', 'v1', {
        retries: 0,
        timeoutMs: 300,
        plainHttpRegistries: [proxy.host],
      });
      expect(c.status).toBe('registry_unavailable');
      expect(c.message).toMatch(/did not answer after 300 ms/);
    } finally {
      await proxy.stop();
    }
  });
});

describe('HTTPS registry with a test CA', () => {
  let reg: RegistryHandle;
  let pushed: PushedManifest;
  beforeAll(async () => {
    reg = await startRegistry({ tls: true });
    secrets.push(reg.pushAuth.password);
    pushed = await pushOciManifest(reg, 'e2e/tls', 'v1');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('is available with caFiles, unavailable (TLS, not absent) without, available when insecure', async () => {
    const withCa = await one(reg.host, 'e2e/tls', 'v1', { caFiles: [reg.caFile as string] });
    expect(withCa).toMatchObject({ status: 'available', digest: pushed.digest });
    const withCaMissing = await one(reg.host, 'e2e/tls', 'nope', { caFiles: [reg.caFile as string] });
    expect(withCaMissing.status).toBe('absent');
    const noCa = await one(reg.host, 'e2e/tls', 'v1', { retries: 0 });
    expect(noCa.status).toBe('registry_unavailable');
    expect(noCa.message).toMatch(
      /TLS to 127\.0\.0\.1:\d+ failed.*the ca-files setting \(--ca-file\).*insecure-registries \(--insecure-registry\).*plain-http-registries \(--plain-http-registry\)/,
    );
    const insecure = await one(reg.host, 'e2e/tls', 'v1', { insecureRegistries: [reg.host] });
    expect(insecure).toMatchObject({ status: 'available', digest: pushed.digest });
  });

  it('an unreadable CA file is a configuration error', async () => {
    await expect(one(reg.host, 'e2e/tls', 'v1', { caFiles: ['/nonexistent/ca.pem'] })).rejects.toThrow(
      /cannot read CA file \/nonexistent\/ca\.pem \(ENOENT\); fix the ca-files setting \(--ca-file\)\./,
    );
  });
});

describe('Basic auth registry', () => {
  let reg: RegistryHandle;
  let pushed: PushedManifest;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'basic', users: { reader: READER_PASS } });
    secrets.push(reg.pushAuth.password);
    pushed = await pushOciManifest(reg, 'e2e/basic', 'v1');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('right credentials: available and absent; wrong: authentication_failure; none: authentication_failure saying why', async () => {
    const good = creds({ [reg.host]: [{ username: 'reader', password: READER_PASS, source: 'e2e input' }] });
    const r = await run(
      [
        { registry: reg.host, repository: 'e2e/basic', tag: 'v1' },
        { registry: reg.host, repository: 'e2e/basic', tag: 'nope' },
      ],
      { credentials: good },
    );
    expect(r.map((c) => [c.status, c.authenticated])).toEqual([
      ['available', true],
      ['absent', true],
    ]);
    expect(r[0]?.digest).toBe(pushed.digest);
    const wrong = await one(reg.host, 'e2e/basic', 'v1', {
      credentials: creds({
        [reg.host]: [{ username: 'reader', password: 'definitely-wrong-9', source: 'e2e wrong' }],
      }),
    });
    secrets.push('definitely-wrong-9');
    expect(wrong.status).toBe('authentication_failure');
    expect(wrong.message).toMatch(/rejected the credentials from e2e wrong/);
    const anon = await one(reg.host, 'e2e/basic', 'v1');
    expect(anon.status).toBe('authentication_failure');
    expect(anon.message).toMatch(
      /an anonymous client cannot tell a missing or private repository.*add credentials for 127\.0\.0\.1/,
    );
  });
});

describe('Bearer token registry', () => {
  let reg: RegistryHandle;
  let pushed: PushedManifest;
  beforeAll(async () => {
    reg = await startRegistry({
      auth: 'token',
      users: { reader: READER_PASS, other: OTHER_PASS },
      tokenAcl: { users: { reader: ['e2e/*'], other: ['elsewhere/*'] }, anonymous: ['public/*'] },
    });
    secrets.push(reg.pushAuth.password);
    pushed = await pushOciManifest(reg, 'e2e/token', 'v1');
    for (const t of ['v2', 'v3', 'v4'])
      await pushOciManifest(reg, 'e2e/token', t, {}, { annotations: { t } });
    await pushOciManifest(reg, 'public/open', 'v1');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('reader: available for every tag with one token for both repositories; a missing tag or repository is absent', async () => {
    const ts = reg.tokenServer!;
    ts.reset();
    const reader = creds({
      [reg.host]: [{ username: 'reader', password: READER_PASS, source: 'e2e input' }],
    });
    const r = await run(
      ['v1', 'v2', 'v3', 'v4', 'nope']
        .map((tag) => ({ registry: reg.host, repository: 'e2e/token', tag }))
        .concat([{ registry: reg.host, repository: 'e2e/missing', tag: 'v1' }]),
      { credentials: reader, concurrency: 1 },
    );
    expect(r.map((c) => c.status)).toEqual([
      'available',
      'available',
      'available',
      'available',
      'absent',
      'absent',
    ]);
    expect(r[0]?.digest).toBe(pushed.digest);
    const issued = ts.requests.filter((q) => q.status === 200).map((q) => q.scopes.join(' '));
    // One token request with several `scope` parameters serves both repositories (one round trip).
    expect(issued).toEqual(['repository:e2e/token:pull repository:e2e/missing:pull']);
    expect(ts.requests.every((q) => q.username === 'reader')).toBe(true);
  });

  it('a batched token that lacks one repository falls back to one scope per request, with the same answers', async () => {
    const ts = reg.tokenServer!;
    ts.reset();
    const other = creds({
      [reg.host]: [{ username: 'other', password: OTHER_PASS, source: 'e2e other' }],
    });
    const r = await run(
      [
        { registry: reg.host, repository: 'e2e/token', tag: 'v1' },
        { registry: reg.host, repository: 'elsewhere/app', tag: 'v1' },
      ],
      { credentials: other, concurrency: 1 },
    );
    expect(r.map((c) => c.status)).toEqual(['authorization_failure', 'absent']);
    expect(ts.requests.filter((q) => q.status === 200).map((q) => q.scopes.join(' '))).toEqual([
      'repository:e2e/token:pull repository:elsewhere/app:pull',
      'repository:e2e/token:pull',
      'repository:elsewhere/app:pull',
    ]);
  });

  it('other user: insufficient_scope is authorization_failure', async () => {
    const c = await one(reg.host, 'e2e/token', 'v1', {
      credentials: creds({ [reg.host]: [{ username: 'other', password: OTHER_PASS, source: 'e2e other' }] }),
    });
    expect(c.status).toBe('authorization_failure');
    expect(c.message).toMatch(/insufficient_scope/);
  });

  it('wrong password at the token server: authentication_failure', async () => {
    const c = await one(reg.host, 'e2e/token', 'v1', {
      credentials: creds({
        [reg.host]: [{ username: 'reader', password: 'wrong-token-pass-5', source: 'e2e wrong' }],
      }),
    });
    secrets.push('wrong-token-pass-5');
    expect(c.status).toBe('authentication_failure');
    expect(c.message).toMatch(
      /token server 127\.0\.0\.1:\d+ of 127\.0\.0\.1:\d+ rejected the credentials from e2e wrong/,
    );
  });

  it('anonymous: public repository available, private one authentication_failure', async () => {
    const r = await run([
      { registry: reg.host, repository: 'public/open', tag: 'v1' },
      { registry: reg.host, repository: 'public/missing', tag: 'v1' },
      { registry: reg.host, repository: 'e2e/token', tag: 'v1' },
    ]);
    expect(r.map((c) => [c.status, c.authenticated])).toEqual([
      ['available', false],
      ['absent', false],
      ['authentication_failure', false],
    ]);
    expect(r[2]?.message).toMatch(/cannot tell a missing or private repository/);
  });

  it('identity token (OAuth2 refresh_token POST) works', async () => {
    const refresh = reg.tokenServer!.issueRefreshToken('reader');
    secrets.push(refresh);
    reg.tokenServer!.reset();
    const c = await one(reg.host, 'e2e/token', 'v1', {
      credentials: creds({ [reg.host]: [{ identityToken: refresh, source: 'e2e identity' }] }),
    });
    expect(c).toMatchObject({ status: 'available', digest: pushed.digest, authenticated: true });
    expect(reg.tokenServer!.requests.map((q) => [q.method, q.grantType])).toEqual([
      ['POST', 'refresh_token'],
    ]);
  });

  it('an access_token-only answer without expires_in is accepted', async () => {
    reg.tokenServer!.misbehave({ accessTokenOnly: true, omitExpiresIn: true });
    try {
      const c = await one(reg.host, 'e2e/token', 'v2', {
        credentials: creds({
          [reg.host]: [{ username: 'reader', password: READER_PASS, source: 'e2e input' }],
        }),
      });
      expect(c.status).toBe('available');
    } finally {
      reg.tokenServer!.reset();
    }
  });
});

describe('output never contains a credential', () => {
  it('scans every message, log line and result of this file', () => {
    expect(captured.length).toBeGreaterThan(20);
    const text = captured.join('\n');
    for (const s of secrets) {
      expect(text).not.toContain(s);
      expect(text).not.toContain(Buffer.from(s).toString('base64'));
      expect(text).not.toContain(Buffer.from(`reader:${s}`).toString('base64'));
    }
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });
});
