import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialHelperError,
  createProcessHelperRunner,
  interpretHelperOutput,
} from '../../../src/registry/credentials/helper.js';

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
      'docker-credential-testhelper get failed (exit 3): error getting credentials - err: exit status 1, out: keychain locked',
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
      'docker-credential-h get failed (exit 2): boom',
    );
  });
});
