/** `k8s-image-check check` against a real docker-registry (Basic auth) on 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PushedIndex, pushOciIndex, pushOciManifest } from '../helpers/images.js';
import { type RegistryHandle, startRegistry } from '../helpers/registry.js';
import { runCli } from '../helpers/run-cli.js';
import { findLeakedSecrets } from '../helpers/secret-scan.js';

let reg: RegistryHandle;
let index: PushedIndex;
const password = 'check-reader-pw-3141';
let env: Record<string, string>;

beforeAll(async () => {
  reg = await startRegistry({ auth: 'basic', users: { reader: password } });
  index = await pushOciIndex(reg, 'team/web', 'v1', [
    { os: 'linux', arch: 'amd64' },
    { os: 'linux', arch: 'arm64' },
  ]);
  await pushOciManifest(reg, 'team/api', 'v2');
  env = {
    K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS: JSON.stringify({ [reg.host]: { username: 'reader', password } }),
  };
});
afterAll(async () => {
  await reg?.stop();
});

describe('check IMAGE...', () => {
  it('prints status, digest, media type and platforms; exit 0 when all exist', async () => {
    const run = await runCli(['check', `${reg.host}/team/web:v1`, `${reg.host}/team/api:v2`], {
      cwd: '/',
      env,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${reg.host}/team/web:v1  available`);
    expect(run.stdout).toContain(`digest ${index.digest}`);
    expect(run.stdout).toContain('media type application/vnd.oci.image.index.v1+json');
    expect(run.stdout).toContain('platforms linux/amd64, linux/arm64');
    expect(run.stdout).toContain(`${reg.host}/team/api:v2  available`);
  });

  it('exit 1 for an absent tag or an invalid reference; JSON output; secrets never printed', async () => {
    const run = await runCli(
      ['check', `${reg.host}/team/web:gone`, 'Bad/Upper:1', `${reg.host}/team/web:v1`, '--format', 'json'],
      { cwd: '/', env },
    );
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout) as {
      input: string;
      status: string;
      rule: string | null;
      digest: string | null;
    }[];
    expect(results.map((r) => [r.input, r.status, r.rule])).toEqual([
      [`${reg.host}/team/web:gone`, 'absent', 'image-absent'],
      ['Bad/Upper:1', 'invalid_reference', 'invalid-reference'],
      [`${reg.host}/team/web:v1`, 'available', null],
    ]);
    expect(results[2]!.digest).toBe(index.digest);
    expect(findLeakedSecrets([run.stdout, run.stderr], [{ label: 'password', value: password }])).toEqual([]);
  });

  it('without credentials says authentication_failure (never absent) and exits 0 at the default fail-on', async () => {
    const run = await runCli(['check', `${reg.host}/team/web:gone`], { cwd: '/', env: {} });
    expect(run.stdout).toContain('authentication_failure');
    expect(run.stdout).not.toContain('absent');
    expect(run.code).toBe(0);
    expect(
      (await runCli(['check', `${reg.host}/team/web:gone`, '--fail-on', 'warning'], { cwd: '/', env: {} }))
        .code,
    ).toBe(1);
  });

  it('checks required platforms like scan (--platform)', async () => {
    const run = await runCli(['check', `${reg.host}/team/web:v1`, '--platform', 'linux/s390x'], {
      cwd: '/',
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('platform_missing');
    expect(run.stdout).toContain('missing linux/s390x');
  });

  it('reads references from stdin (one per line, # comments and blank lines skipped)', async () => {
    const run = await runCli(['check'], {
      cwd: '/',
      env,
      stdin: `# images to check\n${reg.host}/team/api:v2\n\n${reg.host}/team/web:v1\n`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout.match(/ {2}available/g)).toHaveLength(2);
  });

  it('shows registry and input text on one line, without terminal escapes', async () => {
    const run = await runCli(['check', 'bad\u001b]8;;http://x\u0007\nname'], { cwd: '/', env });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(run.stdout.split('\n')[0]).toContain('invalid_reference');
  });

  it('says what is wrong with no image or a scan-only format', async () => {
    expect((await runCli(['check'], { cwd: '/', env, stdin: '' })).code).toBe(2);
    const sarif = await runCli(['check', 'nginx', '--format', 'sarif'], { cwd: '/', env });
    expect(sarif.code).toBe(2);
    expect(sarif.stderr).toContain('not available for check');
  });
});
