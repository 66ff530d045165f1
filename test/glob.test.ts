import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileGlob, globToRe2 } from '../src/glob.js';

const paths = [
  'a.yaml',
  'k8s/a.yaml',
  'k8s/base/b.yml',
  'k8s/.hidden/c.yaml',
  '.k8s/d.json',
  'vendor/x/y.yaml',
  'charts/app/templates/deploy.yaml',
  'x.json',
  'a[1].yaml',
];

describe('compileGlob (linear-time path globs)', () => {
  it.each([
    '**/*.yaml',
    'k8s/**',
    'k8s/*.yaml',
    'k8s/**/*.{yaml,yml}',
    '*.json',
    'vendor',
    'charts/*/templates/**',
    '**/b.yml',
    'k8s/?.yaml',
    'k8s/[ab].yaml',
    '**',
  ])('agrees with picomatch (dot: true) on %s', (glob) => {
    const pm = picomatch(glob, { dot: true });
    const ours = compileGlob(glob);
    for (const p of paths) expect(ours(p), `${glob} vs ${p}`).toBe(pm(p));
  });

  it('matches a glob without a slash against the basename when asked, as picomatch basename does', () => {
    const ours = compileGlob('*.yml', { basename: true });
    const pm = picomatch('*.yml', { dot: true, basename: true });
    for (const p of paths) expect(ours(p), p).toBe(pm(p));
  });

  it('takes linear time on globs that make picomatch backtrack for hours', () => {
    const name = `m/${'a'.repeat(5000)}.yaml`;
    const started = Date.now();
    for (const glob of ['m/@(+(a)+(a))+b', `m/${'*a'.repeat(30)}*b`, '**/**/**/**/**/**/x'])
      expect(compileGlob(glob)(name)).toBe(false);
    // Generous bound that cannot flake: the backtracking engine needs hours on the first glob.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('negates a class with ! as shells do', () => {
    expect(compileGlob('k8s/[!a].yaml')('k8s/a.yaml')).toBe(false);
    expect(compileGlob('k8s/[!a].yaml')('k8s/b.yaml')).toBe(true);
  });

  it('treats extglob syntax and stray brackets literally', () => {
    expect(compileGlob('a[1.yaml')('a[1.yaml')).toBe(true);
    expect(compileGlob('@(a).yaml')('@(a).yaml')).toBe(true);
    expect(globToRe2('a{b,c')).toBe('^a(?:b|c)$');
  });
});

describe('hostile globs from the repository (review finding)', () => {
  it('an exclude glob in the config file and a baseline file glob cannot hang a scan', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runCli } = await import('./helpers/run-cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'kic-glob-'));
    mkdirSync(join(dir, 'm'));
    writeFileSync(
      join(dir, 'm', `${'a'.repeat(34)}.yaml`),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: 127.0.0.1:1/x:latest\n',
    );
    writeFileSync(join(dir, '.k8s-image-check.yaml'), 'exclude: ["@(+(a)+(a))+b"]\n');
    writeFileSync(
      join(dir, '.k8s-image-check-baseline.yaml'),
      'accepted:\n  - rule: latest-tag\n    image: 127.0.0.1:1/x:latest\n    file: "m/@(+(a)+(a))+b"\n',
    );
    const started = Date.now();
    const run = await runCli(['scan', '.', '--offline'], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stdout).toContain('[latest-tag]'); // neither glob matches the file: the finding stays
  });
});
