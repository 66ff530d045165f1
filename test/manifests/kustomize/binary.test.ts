import { readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/manifests/extract.js';
import {
  type ExecFn,
  execCommand,
  findKustomizeBinary,
  firstErrorLine,
} from '../../../src/manifests/kustomize/binary.js';
import { renderKustomizations } from '../../../src/manifests/kustomize/views.js';
import type { ImageUse, ManifestFile } from '../../../src/manifests/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/kustomize');

function listFiles(dir: string): ManifestFile[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const abs = path.join(e.parentPath, e.name);
      return { path: path.relative(dir, abs).split(path.sep).join('/'), absPath: abs, size: 0 };
    });
}

const brief = (u: ImageUse) => `${u.name} ${u.container} → ${u.raw} @ ${u.file}:${u.line}`;

describe('findKustomizeBinary', () => {
  it('prefers a standalone kustomize, then kubectl kustomize, else null', async () => {
    const has = (names: string[]) => async (p: string) => names.includes(p);
    expect(await findKustomizeBinary('/a:/b', has(['/b/kustomize', '/a/kubectl']))).toEqual({
      command: '/b/kustomize',
      args: ['build'],
      label: 'kustomize build',
    });
    expect(await findKustomizeBinary('/a:/b', has(['/b/kubectl']))).toEqual({
      command: '/b/kubectl',
      args: ['kustomize'],
      label: 'kubectl kustomize',
    });
    expect(await findKustomizeBinary('/a:/b', has([]))).toBeNull();
    expect(await findKustomizeBinary(undefined, has(['/kubectl']))).toBeNull();
  });

  it('firstErrorLine picks the error line and skips deprecation warnings', () => {
    expect(firstErrorLine("# Warning: 'bases' is deprecated.\nError: accumulating resources: boom\n")).toBe(
      'Error: accumulating resources: boom',
    );
    expect(firstErrorLine('')).toBe('no error output');
  });
});

describe('renderKustomizations with a binary (fake exec)', () => {
  const fakeBinary = { command: '/fake/kustomize', args: ['build'], label: 'kustomize build' };

  it('uses the rendered images, mapped to the native source lines by (kind, namespace, name, container)', async () => {
    const calls: string[][] = [];
    const exec: ExecFn = async (command, args) => {
      calls.push([command, ...args]);
      const dir = args[args.length - 1] ?? '';
      if (!dir.endsWith(path.join('overlays', 'staging')))
        return { code: 1, stdout: '', stderr: 'Error: not faked' };
      // What kustomize prints, but with a proxy image the native renderer does not know about.
      return {
        code: 0,
        stderr: '',
        stdout: [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          '  name: stg-web',
          '  namespace: staging',
          'spec:',
          '  template:',
          '    spec:',
          '      containers:',
          '      - image: registry.example.com/team/web:1.1.0-rc1',
          '        name: app',
          '      - image: nginx:1.26',
          '        name: proxy',
          '      - image: envoyproxy/envoy:v1.30.1',
          '        name: envoy',
          '',
        ].join('\n'),
      };
    };
    const { views } = await renderKustomizations(root, {
      files: listFiles(root),
      read: (p) => readFile(p, 'utf8'),
      extract: extractFile,
      binary: fakeBinary,
      exec,
    });
    const staging = views.find((v) => v.dir === 'overlays/staging');
    expect(staging?.uses.map(brief)).toEqual([
      'stg-web app → registry.example.com/team/web:1.1.0-rc1 @ overlays/staging/kustomization.yaml:9',
      'stg-web proxy → nginx:1.26 @ base/deployment.yaml:21',
      'stg-web envoy → envoyproxy/envoy:v1.30.1 @ overlays/staging/kustomization.yaml:1',
    ]);
    expect(staging?.uses[1]?.related?.[0]?.message).toBe(
      'kustomize build renders nginx:1.26 here, the native renderer nginx:1.25; the kustomize build result is reported.',
    );
    // No network for remote bases: the remote overlay is never passed to the binary.
    expect(calls.some((c) => c.at(-1)?.endsWith(path.join('overlays', 'remote')))).toBe(false);
    const remote = views.find((v) => v.dir === 'overlays/remote');
    expect(remote?.skipped.at(-1)?.reason).toBe(
      'not rendered with kustomize build: the tree has remote bases (or references missing locally, which kustomize tries as URLs) that it would fetch over the network; showing the native rendering.',
    );
    // A failing build keeps the native result and says why.
    const base = views.find((v) => v.dir === 'base');
    expect(base?.uses).toHaveLength(4);
    expect(base?.skipped.at(-1)?.reason).toBe(
      'kustomize build base failed (Error: not faked); showing the native rendering.',
    );
  });

  it('runs a real executable through execCommand (a tiny script standing in for kustomize)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kic-fake-kustomize-'));
    try {
      const script = path.join(dir, 'kustomize');
      await writeFile(
        script,
        '#!/bin/sh\n[ "$1" = build ] || exit 3\nprintf "apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: p\\nspec:\\n  containers:\\n  - name: c\\n    image: from-script:1\\n"\n',
      );
      await chmod(script, 0o755);
      const binary = await findKustomizeBinary(dir);
      expect(binary?.command).toBe(script);
      const result = await execCommand(script, ['build', root]);
      expect(result.code).toBe(0);
      expect(extractFile({ path: 'x', absPath: 'x', size: 0 }, result.stdout).uses[0]?.raw).toBe(
        'from-script:1',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const realBinary = await findKustomizeBinary(process.env.PATH);

describe.skipIf(!realBinary)(
  `renderKustomizations with ${realBinary?.label ?? 'kustomize (not on PATH: skipped)'}`,
  () => {
    it('renders the fixture overlays with the real binary and keeps native source lines', async () => {
      const { views } = await renderKustomizations(root, {
        files: listFiles(root),
        read: (p) => readFile(p, 'utf8'),
        extract: extractFile,
        binary: realBinary,
      });
      const production = views.find((v) => v.dir === 'overlays/production');
      expect(production?.uses.map(brief).sort()).toEqual([
        'stg-report-prod report → mirror.example.com/library/busybox:1.36.1 @ components/busybox-mirror/kustomization.yaml:6',
        'stg-web-prod app → registry.example.com/team/web-prod@sha256:3b2f9c6a8e1d4f7a0c5b9e2d8f1a4c7e0b3d6f9a2c5e8b1d4f7a0c3e6b9d2f5a @ overlays/production/kustomization.yaml:13',
        'stg-web-prod migrate → registry.example.com/team/web-prod@sha256:3b2f9c6a8e1d4f7a0c5b9e2d8f1a4c7e0b3d6f9a2c5e8b1d4f7a0c3e6b9d2f5a @ overlays/production/kustomization.yaml:13',
        'stg-web-prod proxy → nginx:1.27.0 @ overlays/production/kustomization.yaml:15',
      ]);
      // Every rendered image found its native source line (none fell back to the kustomization file's line 1).
      expect(views.flatMap((v) => v.uses).filter((u) => u.line === 1)).toEqual([]);
      const cycle = views.find((v) => v.dir === 'overlays/cycle-a');
      expect(cycle?.skipped.at(-1)?.reason).toMatch(
        /^kubectl kustomize overlays\/cycle-a failed \(|^kustomize build overlays\/cycle-a failed \(/,
      );
    });
  },
);
