/**
 * Cluster mode on the three GitOps layouts (base + overlays, Flux clusters/ + apps/, Argo CD Applications with
 * kustomize and helm sources), each against the fake API server with live objects that (a) match, (b) drift
 * in an image inherited from the base, (c) drift in an image the overlay sets, (d) lack a workload.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterOutputs } from '../../src/action-cluster.js';
import type { DriftEntry, DriftReport } from '../../src/cluster/types.js';
import { type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { runCli } from '../helpers/run-cli.js';
import { type LiveSpec, liveObjects } from './live.js';

const FIXTURES = new URL('../../fixtures/gitops/', import.meta.url).pathname;

let fake: FakeKube;
let dir: string;
let kubeconfig: string;
beforeAll(async () => {
  fake = await startFakeKube({ objects: liveObjects([]) });
  dir = mkdtempSync(join(tmpdir(), 'gitops-layouts-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, fake.kubeconfig('cert'));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Serves `live`, runs `drift` in the layout's repository and returns the report, stderr and the text headline. */
async function driftOf(layout: string, manifests: string[], live: LiveSpec[], extra: string[] = []) {
  for (const [resource, items] of Object.entries(liveObjects(live))) fake.setObjects(resource, items);
  const args = ['drift', '--kubeconfig', kubeconfig, '--offline', '--now', '2026-03-10T12:00:00Z'];
  for (const m of manifests) args.push('--manifests', m);
  args.push('--cluster-name', 'prod', ...extra);
  const cwd = join(FIXTURES, layout);
  const json = await runCli([...args, '--format', 'json'], { cwd });
  const text = await runCli(args, { cwd });
  return {
    report: JSON.parse(json.stdout) as DriftReport,
    stderr: json.stderr,
    headline: text.stdout.split('\n')[0]!,
  };
}

const brief = (d: DriftEntry) =>
  `${d.status} ${d.kind} ${d.namespace}/${d.name}/${d.container} git=${d.desired} live=${d.live} @${d.file}:${d.line}`;

// ---------------------------------------------------------------------------------------------------------
// base + overlays: manifests is the whole folder (base, staging, prod); the cluster is prod.

const PROD: LiveSpec[] = [
  {
    kind: 'Deployment',
    namespace: 'shop-prod',
    name: 'web-prod',
    containers: {
      web: 'registry.example.com/shop/web:1.0.1',
      proxy: 'registry.example.com/shop/proxy:2.0.0',
    },
  },
  {
    kind: 'CronJob',
    namespace: 'shop-prod',
    name: 'report-prod',
    containers: { report: 'registry.example.com/shop/report:v1' },
  },
];

describe('base + overlays (manifests: the folder holding base/, staging/ and prod/)', () => {
  it('(a) matches: every prod identity in sync; staging is said once to look like another environment', async () => {
    const { report, headline } = await driftOf('overlays', ['.'], PROD);
    expect(report.drift.map(brief)).toEqual([
      'in_sync CronJob shop-prod/report-prod/report git=registry.example.com/shop/report:v1 live=registry.example.com/shop/report:v1 @base/cronjob.yaml:14',
      'in_sync Deployment shop-prod/web-prod/proxy git=registry.example.com/shop/proxy:2.0.0 live=registry.example.com/shop/proxy:2.0.0 @base/deployment.yaml:12',
      'in_sync Deployment shop-prod/web-prod/web git=registry.example.com/shop/web:1.0.1 live=registry.example.com/shop/web:1.0.1 @prod/kustomization.yaml:9',
    ]);
    expect(report.warnings).toEqual([
      expect.stringMatching(
        /^Entry point staging looks like another environment: none of its 2 workload\(s\) is in this cluster/,
      ),
    ]);
    expect(headline).toMatch(/2 workload\(s\), 0 pod\(s\); 0 unhealthy workload\(s\), 0 with drift\.$/);
  });

  it('(b) drift in an image inherited from the base is reported at the base line, under the overlay identity', async () => {
    const live = structuredClone(PROD);
    live[1]!.containers.report = 'registry.example.com/shop/report:v0-old';
    const { report, headline } = await driftOf('overlays', ['.'], live);
    const drifted = report.drift.filter((d) => d.status !== 'in_sync').map(brief);
    expect(drifted).toEqual([
      'drifted CronJob shop-prod/report-prod/report git=registry.example.com/shop/report:v1 live=registry.example.com/shop/report:v0-old @base/cronjob.yaml:14',
    ]);
    expect(headline).toMatch(/0 unhealthy workload\(s\), 1 with drift\.$/);
  });

  it('(c) drift in an image the overlay sets points at the overlay line', async () => {
    const live = structuredClone(PROD);
    live[0]!.containers.web = 'registry.example.com/shop/web:1.0.0';
    const { report } = await driftOf('overlays', ['.'], live);
    expect(report.drift.filter((d) => d.status !== 'in_sync').map(brief)).toEqual([
      'drifted Deployment shop-prod/web-prod/web git=registry.example.com/shop/web:1.0.1 live=registry.example.com/shop/web:1.0.0 @prod/kustomization.yaml:9',
    ]);
  });

  it('(d) a missing workload is missing_in_cluster, counted as drift and not as unhealthy', async () => {
    const { report, headline } = await driftOf('overlays', ['.'], [PROD[0]!]);
    expect(report.drift.filter((d) => d.status !== 'in_sync').map(brief)).toEqual([
      'missing_in_cluster CronJob shop-prod/report-prod/report git=registry.example.com/shop/report:v1 live=null @base/cronjob.yaml:14',
    ]);
    expect(headline).toMatch(/0 unhealthy workload\(s\), 1 with drift \(1 missing in the cluster\)\.$/);
    const outputs = clusterOutputs(report, null);
    expect([outputs['unhealthy-workloads'], outputs['drifted-workloads'], outputs.drifted]).toEqual([
      '0',
      '1',
      '1',
    ]);
  });

  it('pointing manifests at the prod overlay gives the same identities and no note', async () => {
    const { report } = await driftOf('overlays', ['prod'], PROD);
    expect(report.drift.map((d) => `${d.status} ${d.namespace}/${d.name}/${d.container}`)).toEqual([
      'in_sync shop-prod/report-prod/report',
      'in_sync shop-prod/web-prod/proxy',
      'in_sync shop-prod/web-prod/web',
    ]);
    expect(report.warnings).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Flux: manifests is clusters/production; its Flux Kustomization deploys ./apps/production into `shop`
// with spec.images (proxy) and postBuild.substitute (report tag).

const FLUX: LiveSpec[] = [
  {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'web',
    containers: {
      web: 'registry.example.com/shop/web:1.0.1',
      proxy: 'registry.example.com/shop/proxy:2.0.1',
    },
  },
  {
    kind: 'CronJob',
    namespace: 'shop',
    name: 'report',
    containers: { report: 'registry.example.com/shop/report:v1' },
  },
];

describe('Flux clusters/ + apps/ (manifests: clusters/production)', () => {
  it('(a) matches, with targetNamespace, spec.images and postBuild.substitute applied', async () => {
    const { report } = await driftOf('flux', ['clusters/production'], FLUX);
    expect(report.drift.map(brief)).toEqual([
      'in_sync CronJob shop/report/report git=registry.example.com/shop/report:v1 live=registry.example.com/shop/report:v1 @clusters/production/apps.yaml:19',
      'in_sync Deployment shop/web/proxy git=registry.example.com/shop/proxy:2.0.1 live=registry.example.com/shop/proxy:2.0.1 @clusters/production/apps.yaml:16',
      'in_sync Deployment shop/web/web git=registry.example.com/shop/web:1.0.1 live=registry.example.com/shop/web:1.0.1 @apps/production/kustomization.yaml:7',
    ]);
  });

  it('(b) drift in an image inherited from apps/base', async () => {
    const live = structuredClone(FLUX);
    live[0]!.containers.web = 'registry.example.com/shop/web:1.0.1';
    live[0]!.containers.proxy = 'registry.example.com/shop/proxy:2.0.0';
    const { report } = await driftOf('flux', ['clusters/production'], live);
    expect(report.drift.filter((d) => d.status !== 'in_sync').map(brief)).toEqual([
      'drifted Deployment shop/web/proxy git=registry.example.com/shop/proxy:2.0.1 live=registry.example.com/shop/proxy:2.0.0 @clusters/production/apps.yaml:16',
    ]);
  });

  it('(c) drift in the image apps/production sets', async () => {
    const live = structuredClone(FLUX);
    live[0]!.containers.web = 'registry.example.com/shop/web:1.1.0-rc1';
    const { report } = await driftOf('flux', ['clusters/production'], live);
    expect(report.drift.filter((d) => d.status !== 'in_sync').map(brief)).toEqual([
      'drifted Deployment shop/web/web git=registry.example.com/shop/web:1.0.1 live=registry.example.com/shop/web:1.1.0-rc1 @apps/production/kustomization.yaml:7',
    ]);
  });

  it('(d) a missing CronJob is missing_in_cluster', async () => {
    const { report, headline } = await driftOf('flux', ['clusters/production'], [FLUX[0]!]);
    expect(report.drift.filter((d) => d.status !== 'in_sync').map(brief)).toEqual([
      'missing_in_cluster CronJob shop/report/report git=registry.example.com/shop/report:v1 live=null @clusters/production/apps.yaml:19',
    ]);
    expect(headline).toMatch(/1 with drift \(1 missing in the cluster\)\.$/);
  });

  it('manifests: . (both clusters) names the collision and how to choose', async () => {
    const { report } = await driftOf('flux', ['.'], FLUX);
    const collisions = (report.warnings ?? []).filter((w) =>
      w.includes('entry points with different images'),
    );
    expect(collisions).toHaveLength(3);
    expect(collisions.find((w) => w.startsWith('shop/Deployment/web/web '))).toBe(
      "shop/Deployment/web/web is deployed by 2 entry points with different images: apps/production (registry.example.com/shop/web:1.0.1 at apps/production/kustomization.yaml:7) and apps/staging (registry.example.com/shop/web:1.1.0-rc1 at apps/staging/kustomization.yaml:7); point `manifests` at this cluster's overlay or its clusters/<name> folder (or set cluster-name for Argo CD destinations).",
    );
    // The identity matching one of the entry points is in sync.
    expect(report.drift.find((d) => d.container === 'web')?.status).toBe('in_sync');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Argo CD: manifests is argocd/ (an ApplicationSet with a list generator for envs/prod and envs/staging, and
// an Application rendering the local chart charts/cache with values files and parameters).

const ARGO: LiveSpec[] = [
  {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'web',
    containers: {
      web: 'registry.example.com/shop/web:1.0.1',
      proxy: 'registry.example.com/shop/proxy:2.0.0',
    },
  },
  {
    kind: 'CronJob',
    namespace: 'shop',
    name: 'report',
    containers: { report: 'registry.example.com/shop/report:v1' },
  },
  {
    kind: 'StatefulSet',
    namespace: 'cache',
    name: 'cache-prod',
    containers: { redis: 'docker.io/library/redis:7.2.6' },
  },
];

describe('Argo CD Applications with kustomize and helm sources (manifests: argocd, cluster-name prod)', () => {
  it('(a) matches; the staging Application (destination staging) is left out', async () => {
    const { report, stderr } = await driftOf('argo', ['argocd'], ARGO);
    expect(report.drift.map(brief)).toEqual([
      'in_sync StatefulSet cache/cache-prod/redis git=docker.io/library/redis:7.2.6 live=docker.io/library/redis:7.2.6 @argocd/cache-prod.yaml:17',
      'in_sync CronJob shop/report/report git=registry.example.com/shop/report:v1 live=registry.example.com/shop/report:v1 @envs/base/cronjob.yaml:14',
      'in_sync Deployment shop/web/proxy git=registry.example.com/shop/proxy:2.0.0 live=registry.example.com/shop/proxy:2.0.0 @envs/base/deployment.yaml:12',
      'in_sync Deployment shop/web/web git=registry.example.com/shop/web:1.0.1 live=registry.example.com/shop/web:1.0.1 @argocd/shop.yaml:26',
    ]);
    expect(stderr).toMatch(
      /Argo CD Application argocd\/shop-staging deploys to cluster staging, not prod; it is left out/,
    );
  });

  it('(b) drift in an image inherited from envs/base', async () => {
    const live = structuredClone(ARGO);
    live[1]!.containers.report = 'registry.example.com/shop/report:v0-old';
    const { report } = await driftOf('argo', ['argocd'], live);
    expect(report.drift.filter((d) => d.status !== 'in_sync').map(brief)).toEqual([
      'drifted CronJob shop/report/report git=registry.example.com/shop/report:v1 live=registry.example.com/shop/report:v0-old @envs/base/cronjob.yaml:14',
    ]);
  });

  it('(c) drift in images the Applications set (kustomize.images, helm parameters)', async () => {
    const live = structuredClone(ARGO);
    live[0]!.containers.web = 'registry.example.com/shop/web:1.0.0';
    live[2]!.containers.redis = 'docker.io/library/redis:7.2.5';
    const { report, headline } = await driftOf('argo', ['argocd'], live);
    expect(report.drift.filter((d) => d.status !== 'in_sync').map(brief)).toEqual([
      'drifted StatefulSet cache/cache-prod/redis git=docker.io/library/redis:7.2.6 live=docker.io/library/redis:7.2.5 @argocd/cache-prod.yaml:17',
      'drifted Deployment shop/web/web git=registry.example.com/shop/web:1.0.1 live=registry.example.com/shop/web:1.0.0 @argocd/shop.yaml:26',
    ]);
    expect(headline).toMatch(/0 unhealthy workload\(s\), 2 with drift\.$/);
  });

  it('(d) a missing CronJob is missing_in_cluster; a whole missing Application is said once instead', async () => {
    const { report } = await driftOf('argo', ['argocd'], [ARGO[0]!, ARGO[2]!]);
    expect(report.drift.filter((d) => d.status !== 'in_sync').map(brief)).toEqual([
      'missing_in_cluster CronJob shop/report/report git=registry.example.com/shop/report:v1 live=null @envs/base/cronjob.yaml:14',
    ]);
    const noCache = await driftOf('argo', ['argocd'], ARGO.slice(0, 2));
    expect(noCache.report.drift.filter((d) => d.status !== 'in_sync')).toEqual([]);
    expect(noCache.report.warnings).toEqual([
      expect.stringMatching(
        /^Entry point charts\/cache looks like another environment: none of its 1 workload\(s\)/,
      ),
    ]);
  });
});
