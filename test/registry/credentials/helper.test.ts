import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialHelperError,
  createProcessHelperRunner,
  interpretHelperOutput,
  MAX_HELPER_OUTPUT_BYTES,
} from '../../../src/registry/credentials/helper.js';
import { registerSecret } from '../../../src/secrets.js';

const LEAKED = 'leaked-helper-secret-77';
const FAKE = join(import.meta.dirname, '../../../fixtures/credentials/docker-credential-testhelper');

describe('credential helper protocol (real process on a temp PATH)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kic-helper-'));
    await copyFile(FAKE, join(dir, 'docker-credential-testhelper'));
    await chmod(join(dir, 'docker-credential-testhelper'), 0o755);
    await writeFile(join(dir, 'docker-credential-slow'), '#!/bin/sh\nexec sleep 5\n');
    await chmod(join(dir, 'docker-credential-slow'), 0o755);
    env = { PATH: `${dir}:/usr/bin:/bin`, HELPER_LOG: join(dir, 'log') };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the server URL on stdin and reads Username/Secret', async () => {
    const run = createProcessHelperRunner(env);
    expect(await run('testhelper', 'helped.example.com')).toEqual({
      username: 'helperuser',
      secret: 'helper-secret-1',
    });
    expect(await run('testhelper', 'tokenhelped.example.com')).toEqual({
      username: '<token>',
      secret: 'helper-identity-token',
    });
    expect(await run('testhelper', 'https://index.docker.io/v1/')).toEqual({
      username: 'hubhelper',
      secret: 'hub-helper-secret',
    });
    const log = await readFile(join(dir, 'log'), 'utf8');
    expect(log.trim().split('\n')).toEqual([
      'docker-credential-testhelper get helped.example.com',
      'docker-credential-testhelper get tokenhelped.example.com',
      'docker-credential-testhelper get https://index.docker.io/v1/',
    ]);
  });

  it('treats "credentials not found" as no credential and other failures as errors', async () => {
    const run = createProcessHelperRunner(env);
    expect(await run('testhelper', 'unknown.example.com')).toBeUndefined();
    await expect(run('testhelper', 'broken.example.com')).rejects.toThrow(
      'docker-credential-testhelper get failed (exit 3); its standard output is not shown (it may hold the secret): run "docker-credential-testhelper get" by hand to see it',
    );
    await expect(run('testhelper', 'garbage.example.com')).rejects.toThrow(
      'docker-credential-testhelper get printed something that is not JSON',
    );
    await expect(run('missing', 'x')).rejects.toThrow(
      'docker-credential-missing is not installed (not found on PATH)',
    );
    await expect(createProcessHelperRunner(env, 200)('slow', 'x')).rejects.toThrow(
      'docker-credential-slow get did not answer within 0.2 s',
    );
  });
});

describe('hostile credential helpers', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kic-hostile-helper-'));
    await writeFile(
      join(dir, 'docker-credential-leaky'),
      `#!/bin/sh\nread -r s\nprintf '{"ServerURL":"%s","Username":"u","Secret":"${LEAKED}"}\\n' "$s"\necho "keychain locked for ${LEAKED}" >&2\nexit 1\n`,
    );
    await writeFile(join(dir, 'docker-credential-flood'), '#!/bin/sh\nexec yes SecretSecretSecret\n');
    await writeFile(join(dir, 'docker-credential-errflood'), '#!/bin/sh\nexec yes oops >&2\n');
    for (const n of ['leaky', 'flood', 'errflood']) await chmod(join(dir, `docker-credential-${n}`), 0o755);
    env = { PATH: `${dir}:/usr/bin:/bin` };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('never quotes stdout of a failing helper, and redacts what it quotes of stderr', async () => {
    registerSecret(LEAKED);
    const err = await createProcessHelperRunner(env)('leaky', 'r.example').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialHelperError);
    const message = (err as Error).message;
    expect(message).toContain('docker-credential-leaky get failed (exit 1): keychain locked for ***');
    expect(message).not.toContain(LEAKED);
    expect(message).not.toContain('Secret');
  });

  it('stops a helper that floods stdout or stderr, with a message naming it and the limit', async () => {
    const run = createProcessHelperRunner(env, { maxOutputBytes: 64 * 1024 });
    await expect(run('flood', 'r.example')).rejects.toThrow(
      'credential helper docker-credential-flood wrote more than 65536 bytes to stdout; it was stopped and its output ignored',
    );
    await expect(run('errflood', 'r.example')).rejects.toThrow(
      'credential helper docker-credential-errflood wrote more than 65536 bytes to stderr',
    );
    // The default limit (1 MiB) also holds against an endless writer.
    await expect(createProcessHelperRunner(env)('flood', 'r.example')).rejects.toThrow(
      `wrote more than ${MAX_HELPER_OUTPUT_BYTES} bytes`,
    );
  });
});

describe('interpretHelperOutput', () => {
  it('maps exit codes and output', () => {
    expect(interpretHelperOutput('h', 0, '{"ServerURL":"s","Username":"u","Secret":"p"}', '')).toEqual({
      username: 'u',
      secret: 'p',
    });
    expect(interpretHelperOutput('h', 0, '{"ServerURL":"s","Username":"","Secret":""}', '')).toBeUndefined();
    expect(interpretHelperOutput('h', 1, 'credentials not found in native keychain\n', '')).toBeUndefined();
    expect(() => interpretHelperOutput('h', 2, '', 'boom\nmore')).toThrow(CredentialHelperError);
    expect(() => interpretHelperOutput('h', 2, '', 'boom\nmore')).toThrow(
      'docker-credential-h get failed (exit 2): boom;',
    );
    // A helper that exits non-zero with its answer on stdout: the secret is not in the message.
    expect(() => interpretHelperOutput('h', 1, '{"Username":"u","Secret":"s3cr3t-value"}', '')).toThrow(
      /^docker-credential-h get failed \(exit 1\); its standard output is not shown/,
    );
  });
});
