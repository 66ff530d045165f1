import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanHelmCharts } from '../../../src/manifests/helm/scan.js';
import type { ImageUse, ManifestFile } from '../../../src/manifests/types.js';

/** The values path (no helm) on the real charts of the shared corpus, read in place. */
const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');

function listFiles(dir: string): ManifestFile[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const abs = path.join(e.parentPath, e.name);
      return { path: path.relative(dir, abs).split(path.sep).join('/'), absPath: abs, size: 0 };
    });
}

const scan = (repo: string, valuesFiles: string[] = []) => {
  const root = path.join(corpus, repo);
  return scanHelmCharts(root, {
    files: listFiles(root),
    read: (p) => readFile(p, 'utf8'),
    render: 'none',
    valuesFiles,
  });
};
const brief = (u: ImageUse) => `${u.kind} ${u.container} → ${u.raw} @ ${u.file}:${u.line}`;

describe.skipIf(!existsSync(corpus))('helm values path on the corpus charts', () => {
  it('stefanprodan/podinfo charts/podinfo: image.repository + image.tag, test pods, redis switched off', async () => {
    const r = await scan('stefanprodan__podinfo');
    expect(r.uses.map(brief)).toEqual([
      'Deployment podinfo → ghcr.io/stefanprodan/podinfo:6.14.1 @ charts/podinfo/values.yaml:11',
      'Job job → ghcr.io/stefanprodan/podinfo:6.14.1 @ charts/podinfo/values.yaml:11',
      'Pod grpc-health-probe → stefanprodan/grpc_health_probe:v0.3.0 @ charts/podinfo/templates/tests/grpc.yaml:17',
      'Pod tools → giantswarm/tiny-tools @ charts/podinfo/templates/tests/jwt.yaml:17',
      'Pod curl → curlimages/curl:7.69.0 @ charts/podinfo/templates/tests/service.yaml:17',
    ]);
    expect(r.uses.every((u) => u.origin === 'helm-values' && u.view === 'charts/podinfo')).toBe(true);
    expect(r.errors).toEqual([]);
  });

  it('stefanprodan/podinfo with values-prod.yaml: redis is switched on and its tag line decides', async () => {
    const r = await scan('stefanprodan__podinfo', ['charts/podinfo/values-prod.yaml']);
    expect(r.uses.map(brief)).toContain(
      'Deployment redis → redis:8.8.0 @ charts/podinfo/values-prod.yaml:99',
    );
    expect(r.uses.map(brief)).toContain(
      'Deployment podinfo → ghcr.io/stefanprodan/podinfo:6.14.1 @ charts/podinfo/values-prod.yaml:11',
    );
  });

  it('GoogleCloudPlatform/microservices-demo helm-chart: shared repository prefix, tag defaulting to appVersion', async () => {
    const r = await scan('GoogleCloudPlatform__microservices-demo');
    const services = [
      'adservice',
      'cartservice',
      'checkoutservice',
      'currencyservice',
      'emailservice',
      'frontend',
      'loadgenerator',
      'paymentservice',
      'productcatalogservice',
      'recommendationservice',
      'shippingservice',
    ];
    const prefix = 'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo';
    const fromAppVersion = r.uses.filter((u) => u.file === 'helm-chart/Chart.yaml');
    expect(fromAppVersion.map((u) => u.raw).sort()).toEqual(services.map((s) => `${prefix}/${s}:v0.10.6`));
    // appVersion is on line 38 of Chart.yaml; the empty `images.tag` (values.yaml:22) is a related location.
    expect(new Set(fromAppVersion.map((u) => u.line))).toEqual(new Set([38]));
    expect(fromAppVersion[0]?.related?.map((l) => `${l.file}:${l.line}`)).toContain(
      'helm-chart/values.yaml:22',
    );
    expect(r.uses.filter((u) => u.file !== 'helm-chart/Chart.yaml').map(brief)).toEqual([
      'Deployment redis → redis:alpine@sha256:8096655e437712b07503796fb64d81359256cfcff0ab29d95a7da72863786efb @ helm-chart/templates/cartservice.yaml:255',
      'Deployment null → busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d @ helm-chart/templates/loadgenerator.yaml:95',
    ]);
    // opentelemetryCollector.create is false: the collector's images are not deployed with default values.
    expect(r.uses.some((u) => u.raw.includes('opentelemetry-collector'))).toBe(false);
  });

  it('argoproj/argo-rollouts examples/helm-blue-green: a numeric tag prints as helm prints it', async () => {
    const r = await scan('argoproj__argo-rollouts');
    expect(r.uses.map(brief)).toEqual([
      'Rollout helm-guestbook → gcr.io/heptio-images/ks-guestbook-demo:0.1 @ examples/helm-blue-green/values.yaml:9',
    ]);
  });
});
