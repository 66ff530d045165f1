/** The repository's own config file is read like repository content: no symlink, no special file, bounded. */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFromFile } from '../../src/config/from-file.js';
import { ConfigError } from '../../src/config/resolve.js';

const repo = () => mkdtempSync(join(tmpdir(), 'kic-repo-config-'));

describe('.k8s-image-check.yaml from the repository (review finding)', () => {
  it('refuses a symlink to /dev/zero or to a file outside the repository, without reading it', async () => {
    for (const target of ['/dev/zero', '/etc/hostname']) {
      const dir = repo();
      symlinkSync(target, join(dir, '.k8s-image-check.yaml'));
      await expect(settingsFromFile(dir, null)).rejects.toThrow(ConfigError);
      await expect(settingsFromFile(dir, null)).rejects.toThrow('is a symbolic link');
    }
  });

  it('refuses a file over 1 MB and reads a normal one', async () => {
    const dir = repo();
    writeFileSync(join(dir, '.k8s-image-check.yaml'), `# ${'x'.repeat(1_000_001)}\n`);
    await expect(settingsFromFile(dir, null)).rejects.toThrow('larger than 1000000 bytes');
    const ok = repo();
    writeFileSync(join(ok, '.k8s-image-check.yaml'), 'fail-on: warning\n');
    expect((await settingsFromFile(ok, null)).map((s) => s.spec.input)).toEqual(['fail-on']);
    expect(await settingsFromFile(repo(), null)).toEqual([]);
  });
});
