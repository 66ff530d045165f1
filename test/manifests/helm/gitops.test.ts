import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectGitOpsPointers } from '../../../src/manifests/helm/gitops.js';
import type { ImageUse } from '../../../src/manifests/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../fixtures/helm/gitops');
const corpus = path.resolve(here, '../../../../shared/corpus');

const load = async (dir: string, rel: string) => {
  const abs = path.join(dir, rel);
  return { file: { path: rel, absPath: abs, size: 0 }, text: await readFile(abs, 'utf8') };
};
const brief = (u: ImageUse) =>
  `${u.kind} ${u.namespace}/${u.name} ${u.container} → ${u.raw} @ ${u.file}:${u.line}`;

describe('detectGitOpsPointers', () => {
  it('skips a HelmRelease chart from a HelmRepository and reports images with explicit tags from spec.values', async () => {
    const { file, text } = await load(fixtures, 'helmrelease.yaml');
    const r = detectGitOpsPointers(file, text, { localCharts: ['helm/shop'] });
    expect(r.skipped).toEqual([
      {
        file: 'helmrelease.yaml',
        line: 1,
        reason:
          'Flux HelmRelease shop/cache installs chart redis from HelmRepository bitnami; Flux fetches and renders it in the cluster, so its images are not checked here (images in spec.values are reported; vendor the chart or scan its repository to check them).',
      },
    ]);
    // The exporter has no tag (the chart's default applies), so it is not guessed; the local chart is not skipped.
    expect(r.uses.map(brief)).toEqual([
      'HelmRelease shop/cache null → docker.io/bitnami/redis:7.2.4-debian-12-r9 @ helmrelease.yaml:19',
    ]);
    expect(r.uses[0]?.origin).toBe('helm-values');
    expect(r.uses[0]?.docIndex).toBe(0);
  });

  it('skips a HelmRelease whose local chart path is not one of the scanned charts', async () => {
    const { file, text } = await load(fixtures, 'helmrelease.yaml');
    const r = detectGitOpsPointers(file, text);
    expect(r.skipped.map((s) => `${s.file}:${s.line}`)).toEqual([
      'helmrelease.yaml:1',
      'helmrelease.yaml:24',
    ]);
    expect(r.skipped.map((s) => s.file)).toEqual(['helmrelease.yaml', 'helmrelease.yaml']);
    expect(r.skipped[1]?.reason).toContain('installs chart ./helm/shop from GitRepository platform');
  });

  it('skips an Argo CD Application with a chart, reads helm.valuesObject, and ignores a plain path source', async () => {
    const { file, text } = await load(fixtures, 'application.yaml');
    const r = detectGitOpsPointers(file, text);
    expect(r.skipped).toEqual([
      {
        file: 'application.yaml',
        line: 1,
        reason:
          'Argo CD Application argocd/ingress installs chart ingress-nginx 4.10.0 from https://kubernetes.github.io/ingress-nginx; Argo CD fetches and renders it, so its images are not checked here (images in helm.valuesObject are reported).',
      },
    ]);
    expect(r.uses.map(brief)).toEqual([
      'Application argocd/ingress null → registry.k8s.io/ingress-nginx/controller:v1.10.0 @ application.yaml:18',
    ]);
  });

  it('does not describe a HelmRelease patch (no chart name, no chartRef) as a release, but reads its values', () => {
    const text = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: podinfo, namespace: podinfo}',
      'spec:',
      '  chart:',
      '    spec:',
      '      version: ">=1.0.0"',
      '  values:',
      '    image: ghcr.io/stefanprodan/podinfo:6.5.0',
      '',
    ].join('\n');
    const r = detectGitOpsPointers({ path: 'podinfo-values.yaml', absPath: '/p.yaml', size: 0 }, text);
    expect(r.skipped).toEqual([]);
    expect(r.uses.map(brief)).toEqual([
      'HelmRelease podinfo/podinfo null → ghcr.io/stefanprodan/podinfo:6.5.0 @ podinfo-values.yaml:9',
    ]);
  });

  it('ignores files that are neither', () => {
    const r = detectGitOpsPointers({ path: 'a.yaml', absPath: '/a.yaml', size: 0 }, 'kind: Deployment\n');
    expect(r).toEqual({ skipped: [], uses: [] });
  });

  it.skipIf(!existsSync(corpus))(
    'flux2-kustomize-helm-example: podinfo release values and chartRef releases',
    async () => {
      const dir = path.join(corpus, 'fluxcd__flux2-kustomize-helm-example');
      const release = await load(dir, 'apps/base/podinfo/release.yaml');
      const r = detectGitOpsPointers(release.file, release.text);
      expect(r.skipped.map((s) => s.reason)).toEqual([
        'Flux HelmRelease podinfo/podinfo installs chart podinfo from HelmRepository podinfo; Flux fetches and renders it in the cluster, so its images are not checked here (images in spec.values are reported; vendor the chart or scan its repository to check them).',
      ]);
      expect(r.uses.map(brief)).toEqual([
        'HelmRelease podinfo/podinfo null → public.ecr.aws/docker/library/redis:8.6.2 @ apps/base/podinfo/release.yaml:27',
      ]);
      for (const patch of ['apps/production/podinfo-values.yaml', 'apps/staging/podinfo-values.yaml']) {
        const p = await load(dir, patch);
        expect(detectGitOpsPointers(p.file, p.text).skipped).toEqual([]);
      }
      const certManager = await load(dir, 'infrastructure/controllers/cert-manager.yaml');
      const c = detectGitOpsPointers(certManager.file, certManager.text);
      expect(c.skipped.map((s) => s.reason)).toEqual([
        expect.stringMatching(
          /^Flux HelmRelease cert-manager\/cert-manager installs the chart of OCIRepository cert-manager; /,
        ),
      ]);
    },
  );
});
