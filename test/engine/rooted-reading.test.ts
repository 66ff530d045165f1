/**
 * Hostile trees through the whole manifest stage: the native kustomize build, Helm reading and discovery
 * read only regular files under the root, and say what they refused; the run goes on.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/resolve.js';
import { collectUses } from '../../src/engine/scan.js';
import { runCli } from '../helpers/run-cli.js';

const quiet = { debug() {}, info() {}, warning() {} };

const deployment = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;

let base: string;
let root: string;

async function tree(files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'kic-rooted-'));
  root = path.join(base, 'repo');
  await mkdir(root);
  // Outside the root: a directory an overlay must never read from.
  await mkdir(path.join(base, 'secret'));
  await writeFile(path.join(base, 'secret/deploy.yaml'), deployment('outside/leak:1'));
  await writeFile(path.join(base, 'secret/kustomization.yaml'), 'resources:\n  - deploy.yaml\n');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function collect(paths: string[] = ['.'], over: Partial<ReturnType<typeof defaultConfig>> = {}) {
  return collectUses(
    { ...defaultConfig(), render: 'auto', paths, ...over },
    { root, logger: quiet, pathEnv: '' },
  );
}

describe('the native kustomize build reads only regular files under the root', () => {
  it('refuses a resource symlinked to /etc/hostname and a base symlinked to a directory outside, naming both', async () => {
    await tree({
      'k/kustomization.yaml': 'resources:\n  - host.yaml\n  - ext\n  - ok.yaml\n',
      'k/ok.yaml': deployment('nginx:1.27'),
    });
    await symlink('/etc/hostname', path.join(root, 'k/host.yaml'));
    await symlink(path.join(base, 'secret'), path.join(root, 'k/ext'));
    const { uses, extract, views } = await collect();
    expect(uses.map((u) => u.raw)).not.toContain('outside/leak:1');
    // The overlay still deploys what it could read.
    expect(views.find((v) => v.dir === 'k')?.uses.map((u) => u.raw)).toEqual(['nginx:1.27']);
    const messages = extract.errors.map((e) => `${e.file}:${e.line} ${e.message}`);
    expect(messages).toContain(
      'k/kustomization.yaml:2 k/kustomization.yaml:2: kustomization at k/ refers to host.yaml, which resolves outside the repository root (a symlink or `..`); only files under the root are read.',
    );
    expect(
      messages.some((m) => m.includes('refers to ext, which resolves outside the repository root')),
    ).toBe(true);
  });

  it('refuses a patch file symlinked out of the root, and a /dev/zero resource without reading it', async () => {
    await tree({
      'k/kustomization.yaml': 'resources:\n  - ok.yaml\n  - zero.yaml\npatches:\n  - path: patch.yaml\n',
      'k/ok.yaml': deployment('nginx:1.27'),
    });
    await writeFile(path.join(base, 'patch.yaml'), deployment('evil/patched:1'));
    await symlink(path.join(base, 'patch.yaml'), path.join(root, 'k/patch.yaml'));
    await symlink('/dev/zero', path.join(root, 'k/zero.yaml'));
    const started = Date.now();
    const { uses, extract, views } = await collect();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(views.find((v) => v.dir === 'k')?.uses.map((u) => u.raw)).toEqual(['nginx:1.27']);
    expect(uses.map((u) => u.raw)).not.toContain('evil/patched:1');
    const messages = extract.errors.map((e) => e.message);
    expect(
      messages.some((m) => m.includes('refers to patch.yaml, which resolves outside the repository root')),
    ).toBe(true);
    expect(
      messages.some((m) => m.includes('refers to zero.yaml, which resolves outside the repository root')),
    ).toBe(true);
  }, 20_000);

  it('refuses a FIFO resource inside the root without blocking', async () => {
    await tree({
      'k/kustomization.yaml': 'resources:\n  - pipe.yaml\n  - ok.yaml\n',
      'k/ok.yaml': deployment('nginx:1.27'),
    });
    execFileSync('mkfifo', [path.join(root, 'k/pipe.yaml')]);
    const { uses, extract } = await collect();
    expect(uses.some((u) => u.raw === 'nginx:1.27')).toBe(true);
    expect(extract.errors.map((e) => e.message)).toContain(
      'k/kustomization.yaml:2: kustomization at k/ refers to pipe.yaml, which is a FIFO (named pipe), not a regular file; only regular files are read.',
    );
    // Discovery skips the FIFO with the same reason instead of opening it.
    expect(extract.skipped).toContainEqual({
      file: 'k/pipe.yaml',
      reason: 'is a FIFO (named pipe), not a regular file; only regular files are read',
    });
  }, 20_000);

  it('does not run the kustomize binary on a tree with a refused reference', async () => {
    await tree({
      'k/kustomization.yaml': 'resources:\n  - host.yaml\n  - ok.yaml\n',
      'k/ok.yaml': deployment('nginx:1.27'),
      'bin/kustomize': '#!/bin/sh\necho ran > "$(dirname "$0")/ran"\nexit 1\n',
    });
    await chmod(path.join(root, 'bin/kustomize'), 0o755);
    await symlink('/etc/hostname', path.join(root, 'k/host.yaml'));
    const r = await collectUses(
      { ...defaultConfig(), render: 'kustomize', paths: ['k'] },
      { root, logger: quiet, pathEnv: path.join(root, 'bin') },
    );
    expect(r.extract.skipped.map((s) => s.reason).join('\n')).toContain(
      'not rendered with kustomize build: the tree refers to files that were not read (outside the repository root',
    );
    expect(execFileSync('ls', [path.join(root, 'bin')]).toString()).not.toContain('ran');
  });

  it('does not run the kustomize binary when a generator file (which only kustomize reads) links to /dev/zero', async () => {
    await tree({
      'k/kustomization.yaml':
        'resources:\n  - ok.yaml\nconfigMapGenerator:\n  - name: cfg\n    files:\n      - zero\n',
      'k/ok.yaml': deployment('nginx:1.27'),
      'bin/kustomize': '#!/bin/sh\necho ran > "$(dirname "$0")/ran"\nexit 1\n',
    });
    await chmod(path.join(root, 'bin/kustomize'), 0o755);
    await symlink('/dev/zero', path.join(root, 'k/zero'));
    const r = await collectUses(
      { ...defaultConfig(), render: 'kustomize', paths: ['k'] },
      { root, logger: quiet, pathEnv: path.join(root, 'bin') },
    );
    expect(r.extract.skipped.map((s) => s.reason)).toContain(
      'not rendered with kustomize build: k/zero is a symlink that leads outside the repository root, and kustomize would read it; showing the native rendering.',
    );
    expect(execFileSync('ls', [path.join(root, 'bin')]).toString()).not.toContain('ran');
    expect(r.views.find((v) => v.dir === 'k')?.uses.map((u) => u.raw)).toEqual(['nginx:1.27']);
  }, 20_000);

  it('still runs the kustomize binary on a clean tree', async () => {
    await tree({
      'k/kustomization.yaml': 'resources:\n  - ok.yaml\n',
      'k/ok.yaml': deployment('nginx:1.27'),
      'bin/kustomize': '#!/bin/sh\necho ran > "$(dirname "$0")/ran"\nexit 1\n',
    });
    await chmod(path.join(root, 'bin/kustomize'), 0o755);
    await collectUses(
      { ...defaultConfig(), render: 'kustomize', paths: ['k'] },
      { root, logger: quiet, pathEnv: path.join(root, 'bin') },
    );
    expect(execFileSync('ls', [path.join(root, 'bin')]).toString()).toContain('ran');
  });
});

describe('Helm reading reads only regular files under the root', () => {
  const chart = {
    'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
    'c/values.yaml': 'image:\n  repository: nginx\n  tag: "1.27"\n',
    'c/templates/deploy.yaml': deployment('"{{ .Values.image.repository }}:{{ .Values.image.tag }}"'),
  };

  it('refuses a values file symlinked to /etc/hostname (helm-values setting), names it, and keeps the chart', async () => {
    await tree(chart);
    await symlink('/etc/hostname', path.join(root, 'c/prod.yaml'));
    const { uses, extract } = await collect(['.'], { helmValues: ['c/prod.yaml'] });
    expect(uses.filter((u) => u.origin === 'helm-values').map((u) => u.raw)).toEqual(['nginx:1.27']);
    expect(extract.errors).toContainEqual({
      file: 'c/prod.yaml',
      line: 1,
      column: 1,
      message:
        'values file c/prod.yaml for chart c resolves outside the repository root (a symlink or `..`); only files under the root are read; it was not used.',
    });
  });

  it('refuses a chart values.yaml that is a symlink to /dev/zero, without reading it', async () => {
    const { 'c/values.yaml': _values, ...rest } = chart;
    await tree(rest);
    await symlink('/dev/zero', path.join(root, 'c/values.yaml'));
    const { extract } = await collect();
    expect(extract.errors.map((e) => e.message)).toContain(
      'values file c/values.yaml for chart c resolves outside the repository root (a symlink or `..`); only files under the root are read; it was not used.',
    );
  }, 20_000);

  it('does not run helm template on a chart with a file symlinked out of the root', async () => {
    await tree({ ...chart, 'bin/helm': '#!/bin/sh\necho ran > "$(dirname "$0")/ran"\nexit 1\n' });
    await chmod(path.join(root, 'bin/helm'), 0o755);
    await mkdir(path.join(root, 'c/files'));
    await symlink('/etc/hostname', path.join(root, 'c/files/host'));
    const r = await collectUses(
      { ...defaultConfig(), render: 'helm', paths: ['c'] },
      { root, logger: quiet, pathEnv: path.join(root, 'bin') },
    );
    expect(r.extract.skipped.map((s) => s.reason)).toContain(
      'not rendered with helm template: c/files/host is a symlink that leads outside the repository root, and helm would read it; chart c is reported from its values instead (best effort).',
    );
    expect(execFileSync('ls', [path.join(root, 'bin')]).toString()).not.toContain('ran');
    expect(r.uses.map((u) => u.raw)).toContain('nginx:1.27');
  });
});

describe('discovery and extraction of hostile files', () => {
  it('reports binary, invalid UTF-8 and BOM-less UTF-16 files clearly; decodes UTF-16 with a BOM and CR-only files', async () => {
    await tree({ 'ok.yaml': deployment('nginx:1.27') });
    await writeFile(path.join(root, 'bin.yaml'), Buffer.from([0x7b, 0x7b, 0x25, 0x00, 0x01, 0xff, 0x00]));
    await writeFile(path.join(root, 'latin1.yaml'), Buffer.from('a: 1\nname: caf\xe9\n', 'latin1'));
    await writeFile(path.join(root, 'nobom.yaml'), Buffer.from(deployment('x:1'), 'utf16le'));
    await writeFile(
      path.join(root, 'wide.yaml'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(deployment('redis:7'), 'utf16le')]),
    );
    await writeFile(path.join(root, 'mac.yaml'), deployment('alpine:3').replaceAll('\n', '\r'));
    const { uses, extract } = await collect(['.'], { render: 'none' });
    expect(uses.map((u) => `${u.file}:${u.line}:${u.column} ${u.raw}`)).toEqual([
      'mac.yaml:10:18 alpine:3',
      'ok.yaml:10:18 nginx:1.27',
      'wide.yaml:10:18 redis:7',
    ]);
    expect(extract.skipped).toContainEqual({
      file: 'bin.yaml',
      reason:
        'binary file (it contains NUL bytes), skipped: it is not a manifest; exclude it if it is meant to be there',
    });
    expect(extract.errors).toContainEqual({
      file: 'latin1.yaml',
      line: 2,
      column: 10,
      message: 'not valid UTF-8 at byte 15 (line 2, column 10); kubectl rejects it: save the file as UTF-8',
    });
    expect(extract.errors.find((e) => e.file === 'nobom.yaml')?.message).toContain(
      'UTF-16 LE without a byte-order mark, which is not supported',
    );
  });
});

describe('a named path that is not a regular file or directory', () => {
  it('is an error naming it (exit 2), never a hang, for a FIFO on the command line', async () => {
    await tree({ 'ok.yaml': deployment('nginx:1.27') });
    execFileSync('mkfifo', [path.join(root, 'pipe.yaml')]);
    const r = await runCli(['scan', 'pipe.yaml', '--offline'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'path pipe.yaml is a FIFO (named pipe), not a regular file or directory; only regular files and directories are scanned',
    );
    // Scanning the directory instead skips the FIFO with a reason and goes on.
    const dir = await runCli(['scan', '.', '--offline', '--format', 'json'], { cwd: root });
    expect(JSON.parse(dir.stdout).images.map((i: { ref: string }) => i.ref)).toEqual(['nginx:1.27']);
  }, 20_000);
});
