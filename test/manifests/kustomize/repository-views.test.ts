import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/manifests/extract.js';
import { renderRepositoryViews } from '../../../src/manifests/kustomize/repository-views.js';
import { combineWithViews } from '../../../src/manifests/kustomize/views.js';
import type { ManifestFile } from '../../../src/manifests/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures');

function listFiles(dir: string): ManifestFile[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      (e) => e.isFile() && /(kustomize|helm)/.test(path.relative(dir, e.parentPath).split(path.sep)[0] ?? ''),
    )
    .map((e) => {
      const abs = path.join(e.parentPath, e.name);
      return { path: path.relative(dir, abs).split(path.sep).join('/'), absPath: abs, size: 0 };
    });
}

describe('renderRepositoryViews (what the engine calls)', () => {
  it('renders kustomizations, charts and GitOps pointers of fixtures/ natively, and combines without repeats', async () => {
    const files = listFiles(root);
    const read = (p: string) => readFile(p, 'utf8');
    const r = await renderRepositoryViews(root, {
      files,
      read,
      extract: extractFile,
      render: 'none',
      helmValues: [],
      pathEnv: '',
    });
    expect(r.views.map((v) => v.dir)).toEqual([
      'kustomize/base',
      'kustomize/overlays/cycle-a',
      'kustomize/overlays/cycle-b',
      'kustomize/overlays/patched',
      'kustomize/overlays/production',
      'kustomize/overlays/remote',
      'kustomize/overlays/staging',
    ]);
    const origins = new Map<string, number>();
    for (const u of r.uses)
      origins.set(u.origin ?? 'manifest', (origins.get(u.origin ?? 'manifest') ?? 0) + 1);
    // 4 base + 4 staging + 4 production + 3 patched + 4 remote view uses; 4 chart uses; 2 GitOps values uses.
    expect(Object.fromEntries(origins)).toEqual({ kustomize: 19, 'helm-values': 6 });
    expect(r.skipped.map((s) => `${s.file}:${s.line}`)).toEqual([
      'kustomize/overlays/remote/kustomization.yaml:5',
      'kustomize/overlays/remote/kustomization.yaml:7',
      'helm/shop/templates/deployment.yaml:19',
      'helm/gitops/application.yaml:1',
      'helm/gitops/helmrelease.yaml:1',
      // The second HelmRelease points at ./helm/shop, a chart of this repository: scanned, not skipped.
    ]);
    for (const s of r.skipped) expect(s.file).not.toContain(':');
    expect(r.notes).toEqual([]);

    // Raw scan plus views: unchanged base lines once, each rewritten overlay image once per base container.
    const raw = [];
    for (const f of files) raw.push(...extractFile(f, await read(f.absPath)).uses);
    const combined = combineWithViews(raw, [{ uses: r.uses }]);
    const baseProxy = combined.filter((u) => u.file === 'kustomize/base/deployment.yaml' && u.line === 21);
    expect(baseProxy.map((u) => u.origin ?? 'manifest')).toEqual(['manifest']);
    expect(combined.length).toBe(raw.length + 9 + 6);
  });

  it('render: helm without helm on the PATH: a warning note and the values reading, like render: kustomize', async () => {
    const r = await renderRepositoryViews(root, {
      files: listFiles(root),
      read: (p: string) => readFile(p, 'utf8'),
      extract: extractFile,
      render: 'helm',
      helmValues: [],
      pathEnv: '',
    });
    expect(r.errors.filter((e) => e.file.endsWith('Chart.yaml'))).toEqual([]);
    expect(r.notes).toEqual([
      'render: helm is set but helm is not on the PATH; images were read from values.yaml (chart shop). Install helm on the runner (e.g. azure/setup-helm).',
    ]);
    expect(r.uses.filter((u) => u.origin === 'helm-values' && u.view === 'helm/shop').length).toBeGreaterThan(
      0,
    );
  });
});
