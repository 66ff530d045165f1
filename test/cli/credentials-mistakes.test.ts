/** Credentials the user named but the tool cannot use stop the run (exit 2), naming the setting and entry. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const deploy =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: 127.0.0.1:9/team/web:1.0\n';

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kic-creds-'));
  writeFileSync(join(dir, 'web.yaml'), deploy);
  return dir;
}

describe('credentials mistakes', () => {
  it.each([
    [
      'malformed JSON',
      '{"127.0.0.1:9": {"username": "u", "password": "pw-secret-1"',
      'is neither valid JSON nor YAML',
    ],
    [
      'an unknown key',
      '{"127.0.0.1:9": {"user": "u", "passwd": "pw-secret-1"}}',
      'has an unknown key "user" (did you mean "username"?)',
    ],
    ['a string entry', '{"127.0.0.1:9": "pw-secret-1"}', 'is a string'],
  ])(
    '%s in K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS: exit 2, no registry contacted, no secret printed',
    async (_n, value, message) => {
      const run = await runCli(['scan', '.', '--timeout', '1', '--retries', '0'], {
        cwd: repo(),
        env: { K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS: value },
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS');
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toContain('internal error');
      expect(`${run.stdout}${run.stderr}`).not.toContain('pw-secret-1');
      expect(run.stdout).toBe('');
    },
  );

  it('a broken docker config named with --docker-config: exit 2 naming the file', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'config.json'), '{"auths": ');
    const run = await runCli(['scan', 'web.yaml', '--docker-config', join(dir, 'config.json')], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`docker-config ${join(dir, 'config.json')} is not valid JSON`);
  });

  it('a broken default docker config is a warning, and the run goes on', async () => {
    const dir = repo();
    const home = mkdtempSync(join(tmpdir(), 'kic-home-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'config.json'), '{"auths": ');
    const run = await runCli(['scan', 'web.yaml', '--timeout', '1', '--retries', '0'], {
      cwd: dir,
      env: { HOME: home },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('is not valid JSON');
    expect(run.stdout).toContain('registry-unavailable');
  });
});
