import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsError, createCredentialResolver } from '../../../src/registry/credentials/index.js';
import type { PullSecret } from '../../../src/registry/credentials/pull-secrets.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/credentials');
const b64 = (s: string) => Buffer.from(s).toString('base64');

let dir: string;
let env: Record<string, string>;
let pullSecrets: PullSecret[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kic-creds-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  for (const name of ['testhelper', 'desktop']) {
    await copyFile(join(FIXTURES, 'docker-credential-testhelper'), join(bin, `docker-credential-${name}`));
    await chmod(join(bin, `docker-credential-${name}`), 0o755);
  }
  await mkdir(join(dir, 'home', '.docker'), { recursive: true });
  await copyFile(join(FIXTURES, 'docker-config.json'), join(dir, 'home', '.docker', 'config.json'));
  env = { PATH: `${bin}:/usr/bin:/bin`, HOME: join(dir, 'home'), HELPER_LOG: join(dir, 'helper.log') };
  pullSecrets = [
    {
      name: 'regcred',
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': (await readFile(join(FIXTURES, 'pull-secret-dockerconfigjson.json'))).toString(
          'base64',
        ),
      },
    },
  ];
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const users = (creds: { username?: string; identityToken?: string; registryToken?: string }[]) =>
  creds.map(
    (c) => c.username ?? (c.identityToken ? `identity:${c.identityToken}` : `registry:${c.registryToken}`),
  );

describe('createCredentialResolver', () => {
  it('orders explicit input, docker config, pull secrets, and drops duplicates', async () => {
    const { resolve, warnings } = createCredentialResolver({
      explicit: JSON.stringify({
        'quay.io': { username: 'explicit', password: 'e' },
        'docker.io': { username: 'hubuser', password: 'hubpass' }, // same as the docker config: deduplicated
      }),
      env,
      pullSecrets,
    });
    expect(users(await resolve('quay.io', 'team/app'))).toEqual(['explicit', 'teamuser', 'quayuser']);
    const hub = await resolve('docker.io', 'library/nginx');
    expect(users(hub)).toEqual(['hubuser', 'hub-from-secret']);
    expect(hub[0]?.source).toBe('registry-credentials (entry "docker.io")');
    expect(users(await resolve('index.docker.io', 'library/nginx'))).toEqual(['hubuser', 'hub-from-secret']);
    expect(users(await resolve('build.corp.example.com', 'x'))).toEqual(['corpuser']);
    expect(users(await resolve('ghcr.io', 'o/r'))).toEqual(['ghuser']);
    expect(users(await resolve('oauth.example.com', 'x'))).toEqual(['identity:refresh-abc']);
    expect(users(await resolve('bearer.example.com', 'x'))).toEqual(['registry:bearer-xyz']);
    // The kubelet ignores identitytoken in pull secrets; no other source knows this host.
    expect(await resolve('token.example.com', 'x')).toEqual([]);
    expect(warnings.some((w) => w.includes('"broken.example.com"'))).toBe(true);
  });

  it('runs credHelpers and credsStore helpers lazily, once per server, and masks what they return', async () => {
    const seen: string[] = [];
    const log = join(dir, 'lazy.log');
    const told: string[] = [];
    const r = createCredentialResolver({
      env: { ...env, HELPER_LOG: log },
      onSecret: (s) => seen.push(s),
      onWarning: (w) => told.push(w),
    });
    expect(told).toEqual(r.warnings); // the read-time warnings, reported during creation
    expect(told).toHaveLength(1);
    expect(r.secrets).not.toContain('helper-secret-1');
    const helped = await r.resolve('helped.example.com', 'a/b');
    expect(helped).toEqual([
      {
        username: 'helperuser',
        password: 'helper-secret-1',
        source: `docker config ${join(env.HOME!, '.docker', 'config.json')} (docker-credential-testhelper)`,
      },
    ]);
    await r.resolve('helped.example.com', 'c/d');
    expect(r.secrets).toEqual(expect.arrayContaining(['helper-secret-1', b64('helper-secret-1')]));
    expect(seen).toContain('helper-secret-1');
    // An empty auths entry with credsStore: the store answers.
    expect(users(await r.resolve('desktop.example.com', 'x'))).toEqual(['desktopuser']);
    // Inline auths win over credsStore, which is then not run.
    expect(users(await r.resolve('ghcr.io', 'x'))).toEqual(['ghuser']);
    // credsStore without credentials for the host: nothing, no warning.
    expect(await r.resolve('nothing.example.com', 'x')).toEqual([]);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      'docker-credential-testhelper get helped.example.com',
      'docker-credential-desktop get desktop.example.com',
      'docker-credential-desktop get nothing.example.com',
    ]);
    // ecr-login is not installed: a warning naming the helper, then anonymous.
    expect(await r.resolve('ecr.example.com', 'x')).toEqual([]);
    expect(r.warnings.at(-1)).toBe(
      `docker config ${join(env.HOME!, '.docker', 'config.json')}: credential helper "ecr-login" for ecr.example.com failed: docker-credential-ecr-login is not installed (not found on PATH). Continuing without its credentials.`,
    );
    expect(told).toEqual(r.warnings);
  });

  it('maps the helper <token> username to an identity token and uses the injected runner', async () => {
    const calls: string[] = [];
    const r = createCredentialResolver({
      env: { HOME: '/nonexistent' },
      dockerConfigPath: join(FIXTURES, 'docker-config.json'),
      runHelper: async (helper, url) => {
        calls.push(`${helper} ${url}`);
        return { username: '<token>', secret: 'idt' };
      },
    });
    expect(await r.resolve('helped.example.com', 'x')).toMatchObject([{ identityToken: 'idt' }]);
    expect(calls).toEqual(['testhelper helped.example.com']);
  });

  it('finds the docker config through DOCKER_CONFIG, an explicit path or a directory', async () => {
    const alt = join(dir, 'alt');
    await mkdir(alt, { recursive: true });
    await writeFile(
      join(alt, 'config.json'),
      JSON.stringify({ auths: { 'alt.io': { auth: b64('altuser:altpass') } } }),
    );
    const viaEnv = createCredentialResolver({ env: { ...env, DOCKER_CONFIG: alt } });
    expect(users(await viaEnv.resolve('alt.io', 'x'))).toEqual(['altuser']);
    expect(await viaEnv.resolve('ghcr.io', 'x')).toEqual([]); // HOME's config is not read
    const viaDir = createCredentialResolver({ env: {}, dockerConfigPath: alt });
    expect(users(await viaDir.resolve('alt.io', 'x'))).toEqual(['altuser']);
    const inline = createCredentialResolver({
      env: {
        DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'alt.io': { username: 'inline', password: 'i' } } }),
      },
      dockerConfigPath: alt,
    });
    expect(users(await inline.resolve('alt.io', 'x'))).toEqual(['inline', 'altuser']);
  });

  it('stops on an explicit docker config path that is missing or broken, but not on a missing default', async () => {
    expect(createCredentialResolver({ env: { HOME: join(dir, 'nohome') } }).warnings).toEqual([]);
    const missing = join(dir, 'missing.json');
    expect(() => createCredentialResolver({ env: {}, dockerConfigPath: missing })).toThrow(CredentialsError);
    expect(() => createCredentialResolver({ env: {}, dockerConfigPath: missing })).toThrow(
      `docker config ${missing} could not be read (ENOENT); its credentials are not used. Check the docker config path (docker-config / --docker-config, DOCKER_CONFIG).`,
    );
    const broken = join(dir, 'broken-config.json');
    await writeFile(broken, '{"auths": {"r.io": {"auth": "c2VjcmV0LXB3"}}');
    expect(() => createCredentialResolver({ env: {}, dockerConfigPath: broken })).toThrow(
      `docker-config ${broken} is not valid JSON`,
    );
  });

  it('stops on explicit credentials that cannot be used, naming the entry and never the secret', () => {
    let message = '';
    try {
      createCredentialResolver({
        explicit: 'bad.io: {auth: "aHVudGVyMg=="}\nok.io: {username: u, passwd: hunter3}',
        env,
      });
    } catch (err) {
      expect(err).toBeInstanceOf(CredentialsError);
      message = (err as Error).message;
    }
    expect(message).toContain('entry "bad.io": "auth" does not decode to "username:password".');
    expect(message).toContain('entry "ok.io" has an unknown key "passwd" (did you mean "password"?)');
    expect(message).not.toContain('hunter');
    expect(message).not.toContain('aHVudGVyMg');
  });

  it('collects every secret and never puts one in a warning or source', async () => {
    const r = createCredentialResolver({
      explicit: 'good.io: {auth: "aHVudGVyOmh1bnRlcjI="}\nok.io: {username: u, password: hunter3}',
      env,
      pullSecrets,
    });
    const all = [
      ...(await r.resolve('ok.io', 'x')),
      ...(await r.resolve('quay.io', 'team/x')),
      ...(await r.resolve('docker.io', 'library/x')),
    ];
    const visible = JSON.stringify([r.warnings, all.map((c) => c.source)]);
    for (const secret of r.secrets) expect(visible).not.toContain(secret);
    expect(r.secrets).toEqual(
      expect.arrayContaining([
        'hunter3',
        b64('hunter3'),
        b64('u:hunter3'),
        'aHVudGVyOmh1bnRlcjI=',
        'quaypass',
        'hubpass',
      ]),
    );
  });
});
