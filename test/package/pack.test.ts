/**
 * The npm package: `npm pack` gives a tarball whose `k8s-image-check` bin installs into an empty prefix
 * (`npm install -g --prefix`, offline: the bundle needs no dependency) and scans a fixture on Node 24 and on
 * Node 22. CI installs Node 22 from the npm registry into .tmp/node22 (.ci/run); elsewhere that half is
 * skipped visibly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const node24 = process.execPath;
const node22 = join(repo, '.tmp/node22/node_modules/.bin/node');
const haveNode22 = existsSync(node22);
const fixture = join(repo, 'fixtures/examples/shop');

let prefix = '';
let files: string[] = [];

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'kic-pack-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: repo, encoding: 'utf8' }),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path);
  prefix = join(out, 'prefix');
  execFileSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--offline',
      '--no-audit',
      '--no-fund',
      join(out, packed[0]!.filename),
    ],
    { cwd: out, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}, 120_000);

function runInstalled(node: string, args: string[]) {
  // The bin's `#!/usr/bin/env node` finds the Node under test first on PATH.
  return spawnSync(join(prefix, 'bin', 'k8s-image-check'), args, {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: { PATH: `${dirname(node)}:/usr/bin:/bin`, HOME: tmpdir() },
  });
}

describe('npm package', () => {
  it('holds the CLI bundle, package.json and README, and no sources or tests', () => {
    expect(files).toContain('dist/cli/index.js');
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files.filter((f) => /^(src|test|fixtures|bench|dist\/action)\//.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
    // Installing needs nothing from the registry: the bundle carries its libraries.
    expect(manifest.dependencies).toBeUndefined();
  });

  it.each([
    ['24', node24, true],
    ['22', node22, haveNode22],
  ])('installs and scans a fixture on Node %s', (_v, node, present) => {
    if (!present) {
      if (process.env.CI) expect.fail('Node 22 is missing in .tmp/node22; .ci/run installs it');
      return;
    }
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(version).toMatch(new RegExp(`^v${_v}\\.`));
    const run = runInstalled(node, ['scan', fixture, '--offline', '--format', 'json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { images: { ref: string }[]; files: { scanned: number } };
    expect(report.files.scanned).toBeGreaterThan(0);
    expect(report.images.length).toBeGreaterThan(0);
    expect([0, 1]).toContain(run.status);
    const v = runInstalled(node, ['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version);
  });

  it('refuses Node 20 with a clear message and exit 2', () => {
    const system = '/usr/bin/node';
    const version = spawnSync(system, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    if (!/^v(1\d|20|21)\./.test(version)) return; // no old Node on this machine
    const run = runInstalled(system, ['scan', fixture, '--offline']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('needs Node.js 22.19 or newer');
  });
});
