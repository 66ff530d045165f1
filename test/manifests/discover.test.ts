import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DiscoveryError,
  discoverFiles,
  NO_MATCH_REASON,
  tooLargeReason,
} from '../../src/manifests/discover.js';

let base: string;
let root: string;

/** Creates files (path → content) under the test root. */
async function tree(files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

async function paths(options: Partial<Parameters<typeof discoverFiles>[0]> = {}): Promise<string[]> {
  const { files } = await discoverFiles({ root, ...options });
  return files.map((f) => f.path);
}

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'kic-discover-'));
  root = path.join(base, 'repo');
  await mkdir(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('discoverFiles', () => {
  it('finds .yaml, .yml and .json files, sorted, repo-relative with /', async () => {
    await tree({
      'b.yaml': 'x',
      'a.yml': 'x',
      'z/c.json': '{}',
      'z/d.YAML': 'x',
      'README.md': 'x',
      'z/e.yaml.bak': 'x',
      'B.yaml': 'x',
    });
    expect(await paths()).toEqual(['B.yaml', 'a.yml', 'b.yaml', 'z/c.json', 'z/d.YAML']);
    const { files } = await discoverFiles({ root });
    expect(files[0]).toEqual({ path: 'B.yaml', absPath: path.join(root, 'B.yaml'), size: 1 });
  });

  it('skips .git and node_modules at any depth', async () => {
    await tree({
      '.git/config.yaml': 'x',
      'node_modules/p/x.yaml': 'x',
      'a/node_modules/y.yaml': 'x',
      'a/k.yaml': 'x',
    });
    expect(await paths()).toEqual(['a/k.yaml']);
  });

  it('honours root and nested .gitignore files, including negation and directory patterns', async () => {
    await tree({
      '.gitignore': 'build/\n*.generated.yaml\n!keep.generated.yaml\n',
      'build/out.yaml': 'x',
      'a.generated.yaml': 'x',
      'keep.generated.yaml': 'x',
      'app/.gitignore': 'local.yaml\n/secret.yaml\n!b.generated.yaml\n',
      'app/local.yaml': 'x',
      'app/secret.yaml': 'x',
      'app/deep/secret.yaml': 'x',
      'app/deep/local.yaml': 'x',
      'app/b.generated.yaml': 'x',
      'other/local.yaml': 'x',
      'app/deploy.yaml': 'x',
    });
    expect(await paths()).toEqual([
      'app/b.generated.yaml',
      'app/deep/secret.yaml',
      'app/deploy.yaml',
      'keep.generated.yaml',
      'other/local.yaml',
    ]);
  });

  it('applies .gitignore files above a directory named in paths', async () => {
    await tree({
      '.gitignore': '*.tmp.yaml\n',
      'k8s/a.yaml': 'x',
      'k8s/b.tmp.yaml': 'x',
      'other/c.yaml': 'x',
    });
    expect(await paths({ paths: ['k8s'] })).toEqual(['k8s/a.yaml']);
  });

  it('takes explicit files, directories and globs; dedupes overlaps', async () => {
    await tree({
      'k8s/a.yaml': 'x',
      'k8s/sub/b.yaml': 'x',
      'k8s/sub/c.json': 'x',
      'other/d.yaml': 'x',
      'manifest.txt': 'x',
    });
    expect(await paths({ paths: ['k8s/**/*.yaml', 'k8s/sub', 'manifest.txt'] })).toEqual([
      'k8s/a.yaml',
      'k8s/sub/b.yaml',
      'k8s/sub/c.json',
      'manifest.txt',
    ]);
    expect(await paths({ paths: ['./other/*.yaml'] })).toEqual(['other/d.yaml']);
    expect(await paths({ paths: ['nothing/**/*.yaml'] })).toEqual([]);
  });

  it('applies exclude globs to files and directories; a glob without / matches names anywhere', async () => {
    await tree({
      'a/x.yaml': 'x',
      'a/test/y.yaml': 'x',
      'b/z.secret.yaml': 'x',
      'vendor/v.yaml': 'x',
      'c.yaml': 'x',
    });
    expect(await paths({ exclude: ['vendor/**', 'test', '*.secret.yaml'] })).toEqual(['a/x.yaml', 'c.yaml']);
    expect(await paths({ exclude: ['vendor/', './a'] })).toEqual(['b/z.secret.yaml', 'c.yaml']);
  });

  it('skips files over maxFileSize with a notice naming the size and the setting', async () => {
    await tree({ 'big.yaml': 'x'.repeat(2000), 'small.yaml': 'x' });
    const { files, skipped } = await discoverFiles({ root, maxFileSize: 1000 });
    expect(files.map((f) => f.path)).toEqual(['small.yaml']);
    expect(skipped).toEqual([{ file: 'big.yaml', reason: tooLargeReason(2000, 1000) }]);
    expect(skipped[0]?.reason).toContain('2000 bytes');
    expect(skipped[0]?.reason).toContain('raise max-file-size (--max-file-size) to scan it');
    expect(skipped[0]?.reason).not.toContain('maxFileSize');
    expect(skipped[0]?.reason).toMatch(
      /^file is 2\.0 KB \(2000 bytes\), over the max-file-size limit of 1\.0 KB \(1000 bytes\);/,
    );
  });

  it('names sizes in the unit that fits', () => {
    expect(tooLargeReason(1019, 10)).toMatch(
      /^file is 1\.0 KB \(1019 bytes\), over the max-file-size limit of 10 bytes;/,
    );
    expect(tooLargeReason(2_500_000, 999_999)).toMatch(
      /^file is 2\.5 MB \(2500000 bytes\), over the max-file-size limit of 1\.0 MB \(999999 bytes\);/,
    );
  });

  it('follows file symlinks inside the root, never out of it, and does not loop on directory links', async () => {
    await tree({ 'real/a.yaml': 'x', 'real/notes.txt': 'x' });
    await writeFile(path.join(base, 'outside.yaml'), 'secret');
    await mkdir(path.join(base, 'outside-dir'));
    await writeFile(path.join(base, 'outside-dir', 'o.yaml'), 'x');
    await symlink(path.join(root, 'real', 'a.yaml'), path.join(root, 'link.yaml'));
    await symlink(path.join(root, 'real', 'notes.txt'), path.join(root, 'notes.yaml'));
    await symlink(path.join(base, 'outside.yaml'), path.join(root, 'escape.yaml'));
    await symlink(path.join(base, 'outside-dir'), path.join(root, 'escape-dir'));
    await symlink(root, path.join(root, 'real', 'loop'));
    await symlink(path.join(root, 'missing.yaml'), path.join(root, 'dangling.yaml'));
    const { files, skipped } = await discoverFiles({ root });
    // link.yaml and real/a.yaml are one file: the first name in sorted order is kept.
    expect(files.map((f) => f.path)).toEqual(['link.yaml', 'notes.yaml']);
    expect(skipped).toEqual([
      { file: 'dangling.yaml', reason: 'broken symlink; not followed' },
      { file: 'escape.yaml', reason: 'symlink points outside the root; not followed' },
    ]);
  });

  it('counts a file reached through a symlink once (first path in sorted order), also when named twice', async () => {
    await tree({ 'c/two.yml': 'x', 'c/three.yml': 'x' });
    await symlink(path.join(root, 'c', 'two.yml'), path.join(root, 'dup.yml'));
    await symlink('two.yml', path.join(root, 'c', 'z-relative.yml'));
    expect(await paths()).toEqual(['c/three.yml', 'c/two.yml']);
    expect(await paths({ paths: ['dup.yml', 'c'] })).toEqual(['c/three.yml', 'c/two.yml']);
    expect(await paths({ paths: ['dup.yml'] })).toEqual(['dup.yml']);
  });

  it('scans a gitignored directory named explicitly (its own .gitignore still applies)', async () => {
    await tree({
      '.gitignore': 'vendor/\n*.tmp.yaml\n',
      'vendor/a.yaml': 'x',
      'vendor/sub/b.yaml': 'x',
      'vendor/.gitignore': 'sub/\n',
      'k8s/c.yaml': 'x',
      'k8s/d.tmp.yaml': 'x',
    });
    expect(await paths()).toEqual(['k8s/c.yaml']);
    const { files, skipped } = await discoverFiles({ root, paths: ['vendor'] });
    expect(files.map((f) => f.path)).toEqual(['vendor/a.yaml']);
    expect(skipped).toEqual([]);
    expect(await paths({ paths: ['vendor/**/*.yaml'] })).toEqual(['vendor/a.yaml']);
    // A directory that is not ignored keeps the rules from above.
    expect(await paths({ paths: ['k8s'] })).toEqual(['k8s/c.yaml']);
  });

  it('reports a path or glob that yields no manifest file, as written', async () => {
    await tree({ 'k8s/a.yaml': 'x', 'docs/readme.md': 'x', 'skip/b.yaml': 'x' });
    const { files, skipped } = await discoverFiles({
      root,
      paths: ['k8s', 'docs', 'nothing/**/*.yaml', 'k8s/*.json', 'skip/b.yaml'],
      exclude: ['skip'],
    });
    expect(files.map((f) => f.path)).toEqual(['k8s/a.yaml']);
    expect(skipped).toEqual([
      { file: 'docs', reason: NO_MATCH_REASON },
      { file: 'k8s/*.json', reason: NO_MATCH_REASON },
      { file: 'nothing/**/*.yaml', reason: NO_MATCH_REASON },
      {
        file: 'skip/b.yaml',
        reason: 'this path matches an exclude glob; remove it from exclude or from paths',
      },
    ]);
  });

  it('rejects a path outside the root or a missing path with a DiscoveryError', async () => {
    await writeFile(path.join(base, 'outside.yaml'), 'x');
    await expect(discoverFiles({ root, paths: ['../outside.yaml'] })).rejects.toThrow(DiscoveryError);
    await expect(discoverFiles({ root, paths: ['../outside.yaml'] })).rejects.toThrow(/outside the root/);
    await expect(discoverFiles({ root, paths: ['nope'] })).rejects.toThrow(/nope does not exist/);
    await symlink(base, path.join(root, 'up'));
    await expect(discoverFiles({ root, paths: ['up'] })).rejects.toThrow(/leads outside the root/);
  });

  it('handles thousands of files in many directories', async () => {
    const files: Record<string, string> = {};
    for (let d = 0; d < 60; d++) for (let f = 0; f < 50; f++) files[`d${d}/s/f${f}.yaml`] = 'x';
    await tree(files);
    const found = await paths();
    expect(found).toHaveLength(3000);
    expect(found).toEqual([...found].sort());
  });
});

describe('discoverFiles and special files', () => {
  it('skips a FIFO named like a manifest, and a symlink to one, with the reason; never opens them', async () => {
    await tree({ 'a.yaml': 'x' });
    execFileSync('mkfifo', [path.join(root, 'pipe.yaml')]);
    await symlink('pipe.yaml', path.join(root, 'link.yaml'));
    const { files, skipped } = await discoverFiles({ root });
    expect(files.map((f) => f.path)).toEqual(['a.yaml']);
    expect(skipped).toEqual([
      {
        file: 'link.yaml',
        reason: 'symlink target is a FIFO (named pipe), not a regular file; only regular files are read',
      },
      {
        file: 'pipe.yaml',
        reason: 'is a FIFO (named pipe), not a regular file; only regular files are read',
      },
    ]);
  }, 20_000);

  it('throws a DiscoveryError naming a FIFO given in paths, instead of blocking on it', async () => {
    execFileSync('mkfifo', [path.join(root, 'pipe.yaml')]);
    await expect(discoverFiles({ root, paths: ['pipe.yaml'] })).rejects.toThrow(
      new DiscoveryError(
        'path pipe.yaml is a FIFO (named pipe), not a regular file or directory; only regular files and directories are scanned (check the paths input, or the PATH arguments of the CLI)',
      ),
    );
  }, 20_000);

  it('does not hang on a .gitignore that is a FIFO or a symlink to /dev/zero', async () => {
    await tree({ 'a.yaml': 'x', 'sub/b.yaml': 'x' });
    execFileSync('mkfifo', [path.join(root, '.gitignore')]);
    await symlink('/dev/zero', path.join(root, 'sub/.gitignore'));
    expect(await paths()).toEqual(['a.yaml', 'sub/b.yaml']);
  }, 20_000);
});
