/**
 * Smoke tests of the real-registry helpers: a registry starts (plain, HTTPS, Basic, token), images pushed
 * over the API are served with the pushed digests, and the fault proxy injects what it is told.
 */

import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libtrustKeyId } from './certs.js';
import { startFaultProxy } from './fault-proxy.js';
import {
  MediaTypes,
  pushDigestOnly,
  pushDockerList,
  pushDockerSchema2,
  pushOciIndex,
  pushOciManifest,
} from './images.js';
import { type RegistryHandle, startRegistry } from './registry.js';
import { findLeakedSecrets } from './secret-scan.js';

const ACCEPT_ALL = [
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerList,
  MediaTypes.dockerManifest,
].join(', ');

async function head(
  reg: { url: string; dispatcher?: Agent },
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; digest?: string; type?: string; challenge?: string }> {
  const res = await request(`${reg.url}${path}`, {
    method: 'HEAD',
    headers: { accept: ACCEPT_ALL, ...headers },
    dispatcher: reg.dispatcher,
  });
  await res.body.dump();
  const h = res.headers;
  return {
    status: res.statusCode,
    digest: h['docker-content-digest'] as string | undefined,
    type: h['content-type'] as string | undefined,
    challenge: h['www-authenticate'] as string | undefined,
  };
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('libtrustKeyId', () => {
  it('formats 12 groups of 4 base32 characters', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(libtrustKeyId(pem.toString())).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
  });
});

describe('findLeakedSecrets', () => {
  it('finds a secret in every encoded form and names only its label', () => {
    const secret = { label: 'reader password', value: 's3cr3t/pass', username: 'reader' };
    const basicHeader = Buffer.from('reader:s3cr3t/pass').toString('base64');
    expect(
      findLeakedSecrets(
        ['clean output', `Authorization: Basic ${basicHeader}`, 'url?p=s3cr3t%2Fpass'],
        [secret],
      ),
    ).toEqual([
      '"reader password" (Basic base64) in output #1',
      '"reader password" (percent-encoded) in output #2',
    ]);
    expect(findLeakedSecrets(['nothing here'], [secret])).toEqual([]);
  });
});

describe('plain registry', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('serves every pushed kind with the pushed digest and media type', async () => {
    const oci = await pushOciManifest(reg, 'smoke/oci', 'v1');
    const idx = await pushOciIndex(reg, 'smoke/multi', 'v1', undefined, { attestation: true });
    const s2 = await pushDockerSchema2(reg, 'smoke/schema2', 'v1');
    const list = await pushDockerList(reg, 'smoke/list', 'v1');
    const byDigest = await pushDigestOnly(reg, 'smoke/bydigest');

    expect(await head(reg, '/v2/smoke/oci/manifests/v1')).toMatchObject({
      status: 200,
      digest: oci.digest,
      type: MediaTypes.ociManifest,
    });
    expect(await head(reg, '/v2/smoke/multi/manifests/v1')).toMatchObject({
      status: 200,
      digest: idx.digest,
      type: MediaTypes.ociIndex,
    });
    expect(idx.children.map((c) => `${c.platform.os}/${c.platform.arch}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(idx.attestation?.digest).toMatch(/^sha256:/);
    const indexJson = JSON.parse(idx.body.toString()) as { manifests: { platform: { os: string } }[] };
    expect(indexJson.manifests.map((m) => m.platform.os)).toEqual(['linux', 'linux', 'unknown']);
    expect(await head(reg, `/v2/smoke/multi/manifests/${idx.children[1]!.digest}`)).toMatchObject({
      status: 200,
    });
    expect(await head(reg, '/v2/smoke/schema2/manifests/v1')).toMatchObject({
      status: 200,
      digest: s2.digest,
      type: MediaTypes.dockerManifest,
    });
    expect(await head(reg, '/v2/smoke/list/manifests/v1')).toMatchObject({
      status: 200,
      digest: list.digest,
      type: MediaTypes.dockerList,
    });
    expect(await head(reg, `/v2/smoke/bydigest/manifests/${byDigest.digest}`)).toMatchObject({
      status: 200,
      digest: byDigest.digest,
    });
    expect(byDigest.tag).toBeUndefined();
    expect((await head(reg, '/v2/smoke/oci/manifests/nope')).status).toBe(404);
    // The registry quirk the checker must handle: OCI content without OCI types in Accept is a 404.
    expect(
      (await head(reg, '/v2/smoke/oci/manifests/v1', { accept: MediaTypes.dockerManifest })).status,
    ).toBe(404);
  });

  it('fault proxy injects faults per path and count, then passes through', async () => {
    await pushOciManifest(reg, 'smoke/faults', 'v1');
    const proxy = await startFaultProxy({
      upstream: reg.url,
      rules: [
        { path: /\/manifests\/v1$/, times: 2, action: { type: 'status', status: 503 } },
        { path: /\/manifests\/limited$/, action: { type: 'rate-limit', retryAfter: '7' } },
        { path: /\/manifests\/portal$/, action: { type: 'html' } },
        {
          path: /\/manifests\/moved$/,
          action: { type: 'redirect', location: 'http://127.0.0.2:1/elsewhere' },
        },
        { path: /\/manifests\/reset$/, action: { type: 'reset' } },
        { path: /\/manifests\/hang$/, action: { type: 'hang' } },
        {
          path: /\/manifests\/nodigest$/,
          action: { type: 'rewrite', dropHeaders: ['docker-content-digest'] },
        },
      ],
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await head(proxy, '/v2/smoke/faults/manifests/v1')).status);
      expect(statuses).toEqual([503, 503, 200]);

      const limited = await request(`${proxy.url}/v2/smoke/faults/manifests/limited`);
      await limited.body.dump();
      expect([limited.statusCode, limited.headers['retry-after']]).toEqual([429, '7']);

      const portal = await request(`${proxy.url}/v2/smoke/faults/manifests/portal`);
      expect(portal.statusCode).toBe(200);
      expect(portal.headers['content-type']).toContain('text/html');
      expect(await portal.body.text()).toContain('<html>');

      const moved = await request(`${proxy.url}/v2/smoke/faults/manifests/moved`);
      await moved.body.dump();
      expect([moved.statusCode, moved.headers.location]).toEqual([307, 'http://127.0.0.2:1/elsewhere']);

      await expect(request(`${proxy.url}/v2/smoke/faults/manifests/reset`)).rejects.toThrow();
      await expect(
        request(`${proxy.url}/v2/smoke/faults/manifests/hang`, { headersTimeout: 300 }),
      ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });

      const noDigest = await head(proxy, '/v2/smoke/faults/manifests/nodigest');
      expect(noDigest.status).toBe(404); // tag does not exist upstream; header dropped either way
      expect(noDigest.digest).toBeUndefined();

      expect(proxy.requests.map((r) => r.outcome)).toEqual([
        'status',
        'status',
        'pass',
        'rate-limit',
        'html',
        'redirect',
        'reset',
        'hang',
        'rewrite',
      ]);
      expect(proxy.requests[0]?.headers.accept).toBe(ACCEPT_ALL);
    } finally {
      await proxy.stop();
    }
  });
});

describe('HTTPS registry', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry({ tls: true });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('needs the test CA', async () => {
    const pushed = await pushOciManifest(reg, 'smoke/tls', 'v1');
    expect(reg.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(reg.caPem).toContain('BEGIN CERTIFICATE');
    expect(await head(reg, '/v2/smoke/tls/manifests/v1')).toMatchObject({
      status: 200,
      digest: pushed.digest,
    });
    const noCa = new Agent({ connect: { ca: [] } });
    try {
      await expect(request(`${reg.url}/v2/`, { dispatcher: noCa })).rejects.toMatchObject({
        code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/),
      });
    } finally {
      await noCa.close();
    }
    const proxy = await startFaultProxy({
      upstream: reg.url,
      dispatcher: reg.dispatcher,
      tls: reg.tlsFiles!.server,
    });
    try {
      expect(proxy.url).toMatch(/^https:/);
      expect(
        await head({ url: proxy.url, dispatcher: reg.dispatcher }, '/v2/smoke/tls/manifests/v1'),
      ).toMatchObject({
        status: 200,
        digest: pushed.digest,
      });
    } finally {
      await proxy.stop();
    }
    const viaLocalhost = await request(reg.url.replace('127.0.0.1', 'localhost') + '/v2/', {
      dispatcher: reg.dispatcher,
    });
    await viaLocalhost.body.dump();
    expect(viaLocalhost.statusCode).toBe(200);
  });
});

describe('Basic auth registry', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'basic', users: { reader: 'reader-pass' } });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('answers 401 without credentials and 200 with them', async () => {
    const pushed = await pushOciManifest(reg, 'smoke/basic', 'v1');
    const anon = await head(reg, '/v2/smoke/basic/manifests/v1');
    expect(anon.status).toBe(401);
    expect(anon.challenge).toBe('Basic realm="test-basic-realm"');
    expect(
      (await head(reg, '/v2/smoke/basic/manifests/v1', { authorization: basic('reader', 'wrong') })).status,
    ).toBe(401);
    expect(
      await head(reg, '/v2/smoke/basic/manifests/v1', { authorization: basic('reader', 'reader-pass') }),
    ).toMatchObject({ status: 200, digest: pushed.digest });
  });
});

describe('token auth registry', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry({
      auth: 'token',
      users: { reader: 'reader-pass', other: 'other-pass' },
      tokenAcl: { users: { reader: ['smoke/*'], other: ['elsewhere/*'] }, anonymous: ['public/*'] },
    });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  async function token(
    query: string,
    authorization?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await request(`${reg.tokenServer!.realm}?${query}`, {
      headers: authorization ? { authorization } : {},
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  }

  it('runs the challenge, token and retry flow with per-user ACLs', async () => {
    const pushed = await pushOciManifest(reg, 'smoke/token', 'v1');
    await pushOciManifest(reg, 'public/open', 'v1');
    const ts = reg.tokenServer!;
    ts.reset();

    const anon = await head(reg, '/v2/smoke/token/manifests/v1');
    expect(anon.status).toBe(401);
    expect(anon.challenge).toBe(
      `Bearer realm="${ts.realm}",service="test-registry",scope="repository:smoke/token:pull"`,
    );

    const scope = 'service=test-registry&scope=repository:smoke/token:pull';
    const good = await token(scope, basic('reader', 'reader-pass'));
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ expires_in: 300 });
    expect(good.body.token).toBe(good.body.access_token);
    expect(
      await head(reg, '/v2/smoke/token/manifests/v1', { authorization: `Bearer ${good.body.token}` }),
    ).toMatchObject({ status: 200, digest: pushed.digest });

    // A user without access gets a token with no access: the registry says insufficient_scope (401, not 403).
    const other = await token(scope, basic('other', 'other-pass'));
    const denied = await head(reg, '/v2/smoke/token/manifests/v1', {
      authorization: `Bearer ${other.body.token}`,
    });
    expect(denied.status).toBe(401);
    expect(denied.challenge).toContain('error="insufficient_scope"');

    expect((await token(scope, basic('reader', 'nope'))).status).toBe(401);

    const anonToken = await token('service=test-registry&scope=repository:public/open:pull');
    expect(
      (await head(reg, '/v2/public/open/manifests/v1', { authorization: `Bearer ${anonToken.body.token}` }))
        .status,
    ).toBe(200);

    expect(ts.requests.map((r) => [r.username ?? '', r.credentialsSent, r.status])).toEqual([
      ['reader', true, 200],
      ['other', true, 200],
      ['reader', true, 401],
      ['', false, 200],
    ]);
    expect(JSON.stringify(ts.requests)).not.toContain('reader-pass');
  });

  it('supports the OAuth2 POST forms, refresh tokens and misbehaviour', async () => {
    const ts = reg.tokenServer!;
    await pushOciManifest(reg, 'smoke/oauth', 'v1');
    const post = async (form: Record<string, string>) => {
      const res = await request(ts.realm, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, string> };
    };
    const pw = await post({
      grant_type: 'password',
      username: 'reader',
      password: 'reader-pass',
      service: 'test-registry',
      scope: 'repository:smoke/oauth:pull',
      client_id: 'k8s-image-check',
    });
    expect(pw.status).toBe(200);
    const refresh = ts.issueRefreshToken('reader');
    const viaRefresh = await post({
      grant_type: 'refresh_token',
      refresh_token: refresh,
      service: 'test-registry',
      scope: 'repository:smoke/oauth:pull',
      client_id: 'k8s-image-check',
    });
    expect(viaRefresh.status).toBe(200);
    expect(
      (
        await head(reg, '/v2/smoke/oauth/manifests/v1', {
          authorization: `Bearer ${viaRefresh.body.access_token}`,
        })
      ).status,
    ).toBe(200);
    expect(
      (await post({ grant_type: 'refresh_token', refresh_token: 'bogus', service: 'test-registry' })).status,
    ).toBe(401);

    ts.misbehave({ accessTokenOnly: true, omitExpiresIn: true, failNext: 1 });
    const failed = await token(
      'service=test-registry&scope=repository:smoke/oauth:pull',
      basic('reader', 'reader-pass'),
    );
    expect(failed.status).toBe(500);
    const odd = await token(
      'service=test-registry&scope=repository:smoke/oauth:pull',
      basic('reader', 'reader-pass'),
    );
    expect(Object.keys(odd.body).sort()).toEqual(['access_token', 'issued_at']);

    ts.misbehave({ accessTokenOnly: false, wrongKey: true });
    const forged = await token(
      'service=test-registry&scope=repository:smoke/oauth:pull',
      basic('reader', 'reader-pass'),
    );
    const rejected = await head(reg, '/v2/smoke/oauth/manifests/v1', {
      authorization: `Bearer ${forged.body.token}`,
    });
    expect(rejected.status).toBe(401);
    expect(rejected.challenge).toContain('error="invalid_token"');
    ts.reset();
  });
});
