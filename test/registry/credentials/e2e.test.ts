/**
 * The credential chain end to end against real registries: docker config `auths`, `identitytoken`
 * (OAuth2 refresh-token grant at the token server), a credential helper process, and a pull secret with a
 * path-scoped key, each feeding `checkImages`. Asserts which credentials reached the token server and
 * that none appears in any result.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKey, parseReference } from '../../../src/image/reference.js';
import { checkImages } from '../../../src/registry/check.js';
import { createCredentialResolver } from '../../../src/registry/credentials/index.js';
import type { RegistryCheck } from '../../../src/registry/types.js';
import { pushOciManifest } from '../../helpers/images.js';
import { type RegistryHandle, startRegistry } from '../../helpers/registry.js';
import { findLeakedSecrets } from '../../helpers/secret-scan.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function targets(refs: string[]) {
  return refs.map((raw) => {
    const parsed = parseReference(raw);
    if (!parsed.ok) throw new Error(parsed.error);
    return { key: checkKey(parsed.ref), ref: parsed.ref };
  });
}

async function check(
  refs: string[],
  resolve: ReturnType<typeof createCredentialResolver>['resolve'],
): Promise<RegistryCheck[]> {
  const results = await checkImages(targets(refs), { credentials: resolve, retries: 0, timeoutMs: 10_000 });
  return targets(refs).map((t) => results.get(t.key)!);
}

let dir: string;
let basic: RegistryHandle;
let token: RegistryHandle;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kic-creds-e2e-'));
  [basic, token] = await Promise.all([
    startRegistry({ auth: 'basic', users: { reader: 'basic-reader-pw' } }),
    startRegistry({
      auth: 'token',
      users: { reader: 'token-reader-pw', helperuser: 'helper-pw' },
      tokenAcl: { users: { reader: ['team/*'], helperuser: ['*'] } },
    }),
  ]);
  await Promise.all([
    pushOciManifest(basic, 'team/app', 'v1'),
    pushOciManifest(token, 'team/app', 'v1'),
    pushOciManifest(token, 'other/app', 'v1'),
  ]);
});
afterAll(async () => {
  await Promise.all([basic?.stop(), token?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('credentials feed the checker', () => {
  it('uses docker config auths for a Basic registry, and fails cleanly without them', async () => {
    const configDir = join(dir, 'basic');
    await mkdir(configDir, { recursive: true });
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ auths: { [basic.host]: { auth: b64('reader:basic-reader-pw') } } }),
    );
    const withConfig = createCredentialResolver({ env: { DOCKER_CONFIG: configDir } });
    const anonymous = createCredentialResolver({ env: {} });
    const ref = `${basic.host}/team/app:v1`;
    expect(await check([ref], withConfig.resolve)).toMatchObject([
      { status: 'available', authenticated: true },
    ]);
    expect(await check([ref], anonymous.resolve)).toMatchObject([{ status: 'authentication_failure' }]);
  });

  it('exchanges a docker config identitytoken at the token server (refresh_token grant)', async () => {
    const ts = token.tokenServer!;
    ts.reset();
    const refresh = ts.issueRefreshToken('reader');
    const configDir = join(dir, 'identity');
    await mkdir(configDir, { recursive: true });
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ auths: { [token.host]: { identitytoken: refresh } } }),
    );
    const r = createCredentialResolver({ env: {}, dockerConfigPath: configDir });
    const results = await check([`${token.host}/team/app:v1`], r.resolve);
    expect(results).toMatchObject([{ status: 'available' }]);
    const granted = ts.requests.filter((q) => q.status === 200 && q.granted && q.granted.length > 0);
    expect(granted.map((q) => [q.method, q.grantType, q.subject])).toEqual([
      ['POST', 'refresh_token', 'reader'],
    ]);
    expect(
      findLeakedSecrets([JSON.stringify(results)], [{ label: 'refresh token', value: refresh }]),
    ).toEqual([]);
  });

  it('runs a docker credential helper process and uses what it returns', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-e2e');
    await writeFile(
      helper,
      '#!/bin/sh\nread -r server\necho "$server" >> "$HELPER_LOG"\n' +
        'printf \'{"ServerURL":"%s","Username":"helperuser","Secret":"%s"}\\n\' "$server" "$HELPER_SECRET"\n',
    );
    await chmod(helper, 0o755);
    const configDir = join(dir, 'helper');
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ credHelpers: { [token.host]: 'e2e' } }));
    const log = join(dir, 'helper.log');
    const r = createCredentialResolver({
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        DOCKER_CONFIG: configDir,
        HELPER_LOG: log,
        HELPER_SECRET: 'helper-pw',
      },
    });
    const results = await check([`${token.host}/other/app:v1`, `${token.host}/team/app:v1`], r.resolve);
    expect(results.map((c) => c.status)).toEqual(['available', 'available']);
    expect(r.secrets).toContain('helper-pw');
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([token.host]); // once per server
  });

  it('matches pull secrets by path prefix; other repositories stay anonymous', async () => {
    const ts = token.tokenServer!;
    ts.reset();
    const secret = {
      name: 'regcred',
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': b64(
          JSON.stringify({
            auths: { [`${token.host}/team`]: { username: 'reader', password: 'token-reader-pw' } },
          }),
        ),
      },
    };
    const r = createCredentialResolver({ env: {}, pullSecrets: [secret] });
    const results = await check([`${token.host}/team/app:v1`, `${token.host}/other/app:v1`], r.resolve);
    expect(results.map((c) => c.status)).toEqual(['available', 'authentication_failure']);
    const withCreds = ts.requests.filter((q) => q.credentialsSent).map((q) => q.scopes.join(' '));
    expect(withCreds.every((s) => s.includes('team/app'))).toBe(true);
    expect(ts.requests.some((q) => !q.credentialsSent && q.scopes.some((s) => s.includes('other/app')))).toBe(
      true,
    );
    expect(
      findLeakedSecrets(
        [JSON.stringify(results)],
        [{ label: 'reader password', value: 'token-reader-pw', username: 'reader' }],
      ),
    ).toEqual([]);
  });
});
