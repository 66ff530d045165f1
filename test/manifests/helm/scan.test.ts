import { readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HelmScanOptions, scanHelmCharts, valuesFilesFor } from '../../../src/manifests/helm/scan.js';
import type { ImageUse, ManifestFile } from '../../../src/manifests/types.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/helm');

function listFiles(dir: string): ManifestFile[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const abs = path.join(e.parentPath, e.name);
      return { path: path.relative(dir, abs).split(path.sep).join('/'), absPath: abs, size: 0 };
    });
}

const brief = (u: ImageUse) => `${u.container} → ${u.raw} @ ${u.file}:${u.line}:${u.column} (${u.origin})`;

const base = (over: Partial<HelmScanOptions> = {}): HelmScanOptions => ({
  files: listFiles(fixtures),
  read: (p) => readFile(p, 'utf8'),
  render: 'none',
  valuesFiles: [],
  pathEnv: '',
  ...over,
});

const DIGEST = 'sha256:0b4cf5a4c1e9b1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4';

describe('scanHelmCharts without rendering (values path)', () => {
  it('reads template image lines, if-guards and value conventions, at the line that decides each image', async () => {
    const r = await scanHelmCharts(fixtures, base());
    expect(r.uses.map(brief)).toEqual([
      // Empty tag: `default .Chart.AppVersion` applies, so the Chart.yaml appVersion line decides.
      'api → registry.example.com/shop/api:2.4.0 @ shop/Chart.yaml:5:13 (helm-values)',
      // Used only through a helper: read by the repository/tag/digest convention, decided by the digest.
      `worker.image → ghcr.io/example/worker:1.2.3@${DIGEST} @ shop/values.yaml:16:13 (helm-values)`,
      'sidecarImage → docker.io/library/nginx:1.27 @ shop/values.yaml:22:15 (helm-values)',
      // The vendored subchart gets the parent's `cache:` values: the parent's tag line decides.
      'redis → docker.io/library/redis:7.2.5 @ shop/values.yaml:27:10 (helm-values)',
    ]);
    expect(r.uses[3]?.view).toBe('shop/charts/cache');
    expect(r.uses[3]?.related?.map((l) => `${l.file}:${l.line}`)).toEqual([
      'shop/charts/cache/templates/deployment.yaml:10',
      'shop/charts/cache/values.yaml:2',
    ]);
    const api = r.uses[0];
    expect(api?.kind).toBe('Deployment');
    expect(api?.name).toBe('shop');
    expect(api?.view).toBe('shop');
    expect(api?.related?.map((l) => `${l.file}:${l.line} ${l.message}`)).toEqual([
      'shop/templates/deployment.yaml:16 template line `image: {{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}` gives registry.example.com/shop/api:2.4.0; derived from chart values without running helm; set render: helm for the rendered result',
      'shop/values.yaml:6 .Values.image.repository = registry.example.com/shop/api',
      "shop/values.yaml:7 empty in values, so the template's default applies: .Values.image.tag | default .Chart.AppVersion = 2.4.0",
    ]);
    expect(r.skipped).toEqual([
      {
        file: 'shop/templates/deployment.yaml',
        line: 19,
        reason:
          'image `{{ include "shop.workerImage" . }}` of chart shop is built by template logic this check does not evaluate; set render: helm to check the rendered image.',
      },
    ]);
    expect(r.errors).toEqual([]);
  });

  it('applies extra values files in order: the override line decides, and a switched-on branch appears', async () => {
    const r = await scanHelmCharts(fixtures, base({ valuesFiles: ['shop/values-prod.yaml'] }));
    expect(r.uses.map(brief)).toEqual([
      'api → registry.example.com/shop/api:2.4.1 @ shop/values-prod.yaml:2:8 (helm-values)',
      'metrics → prom/statsd-exporter:v0.26.0 @ shop/values.yaml:20:10 (helm-values)',
      `worker.image → ghcr.io/example/worker:1.2.3@${DIGEST} @ shop/values.yaml:16:13 (helm-values)`,
      'sidecarImage → docker.io/library/nginx:1.27 @ shop/values.yaml:22:15 (helm-values)',
      'redis → docker.io/library/redis:7.2.5 @ shop/values.yaml:27:10 (helm-values)',
    ]);
  });

  it('reports an unreadable values file and still scans', async () => {
    const r = await scanHelmCharts(fixtures, base({ valuesFiles: ['values/missing.yaml'] }));
    expect(r.errors.map((e) => e.message)).toEqual([
      'values file values/missing.yaml for chart shop could not be read; fix the helm values file list.',
    ]);
    expect(r.uses).toHaveLength(4);
  });

  it('refuses values files outside the repository', async () => {
    const r = await scanHelmCharts(
      fixtures,
      base({ valuesFiles: ['../../etc/secret.yaml', '/etc/other.yaml'] }),
    );
    expect(r.errors.map((e) => e.message)).toEqual([
      'values file ../../etc/secret.yaml is outside the repository and is not used for chart shop; list values files relative to the repository root.',
      'values file /etc/other.yaml is outside the repository and is not used for chart shop; list values files relative to the repository root.',
    ]);
    expect(r.uses).toHaveLength(4);
  });

  it('with render: helm and no helm on PATH: a note naming the fix (not a parse problem), then the values reading', async () => {
    const r = await scanHelmCharts(fixtures, base({ render: 'helm' }));
    expect(r.errors).toEqual([]);
    expect(r.notes).toEqual([
      'render: helm is set but helm is not on the PATH; images were read from values.yaml (chart shop). Install helm on the runner (e.g. azure/setup-helm).',
    ]);
    expect(r.uses).toHaveLength(4);
    expect(r.uses.every((u) => u.origin === 'helm-values')).toBe(true);
  });
});

describe('valuesFilesFor', () => {
  it('gives a file inside a chart to that chart only and a file outside every chart to all top-level charts', () => {
    const charts = ['charts/a', 'charts/a/charts/sub', 'charts/b'];
    const files = ['charts/a/values-prod.yaml', 'charts/a/charts/sub/extra.yaml', './env/prod.yaml'];
    expect(valuesFilesFor({ dir: 'charts/a' }, files, charts)).toEqual([
      'charts/a/values-prod.yaml',
      'env/prod.yaml',
    ]);
    expect(valuesFilesFor({ dir: 'charts/a/charts/sub' }, files, charts)).toEqual([
      'charts/a/charts/sub/extra.yaml',
      'env/prod.yaml',
    ]);
    expect(valuesFilesFor({ dir: 'charts/b' }, files, charts)).toEqual(['env/prod.yaml']);
    // A subchart gets outside files only through its parent's values.
    expect(valuesFilesFor({ dir: 'charts/a/charts/sub' }, files, charts, true)).toEqual([
      'charts/a/charts/sub/extra.yaml',
    ]);
  });
});

/**
 * Debian ships no `helm` package (`apt-cache policy helm` is empty here), so the rendering path runs a tiny
 * fake `helm` script from a temporary PATH that records its arguments and prints what `helm template` prints.
 */
describe('scanHelmCharts with rendering (fake helm on a temporary PATH)', () => {
  let bin = '';
  const RENDERED = [
    '---',
    '# Source: shop/templates/deployment.yaml',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: shop-api',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          image: "registry.example.com/shop/api:2.4.1"',
    '          imagePullPolicy: IfNotPresent',
    '        - name: worker',
    `          image: ghcr.io/example/worker:1.2.3@${DIGEST}`,
    '        - name: metrics',
    '          image: prom/statsd-exporter:v0.26.0',
    '---',
    '# Source: shop/charts/cache/templates/deployment.yaml',
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata:',
    '  name: shop-cache',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: redis',
    '          image: "docker.io/library/redis:7.2.5"',
    '',
  ].join('\n');

  beforeAll(async () => {
    bin = await mkdtemp(path.join(os.tmpdir(), 'kic-fake-helm-'));
    const script = [
      '#!/bin/sh',
      `printf '%s\\n' "$@" > "${bin}/args"`,
      '[ "$1" = template ] || { echo "Error: unknown command $1" >&2; exit 1; }',
      `[ -f "${bin}/fail" ] && { echo "Error: found in Chart.yaml, but missing in charts/ directory: redis" >&2; exit 1; }`,
      `cat "${bin}/rendered.yaml"`,
    ].join('\n');
    await writeFile(path.join(bin, 'helm'), `${script}\n`);
    await chmod(path.join(bin, 'helm'), 0o755);
    await writeFile(path.join(bin, 'rendered.yaml'), RENDERED);
  });
  afterAll(async () => {
    if (bin) await rm(bin, { recursive: true, force: true });
  });

  it('render: auto uses helm from PATH, passes the values files, and maps images to values lines', async () => {
    const r = await scanHelmCharts(
      fixtures,
      base({ render: 'auto', pathEnv: bin, valuesFiles: ['shop/values-prod.yaml'] }),
    );
    const args = (await readFile(path.join(bin, 'args'), 'utf8')).trim().split('\n');
    expect(args).toEqual([
      'template',
      'shop',
      path.join(fixtures, 'shop'),
      '--values',
      path.join(fixtures, 'shop/values-prod.yaml'),
    ]);
    expect(r.uses.map(brief)).toEqual([
      'api → registry.example.com/shop/api:2.4.1 @ shop/values-prod.yaml:2:8 (helm-render)',
      // The helper line cannot be evaluated without helm: the rendered image maps to the template line.
      `worker → ghcr.io/example/worker:1.2.3@${DIGEST} @ shop/templates/deployment.yaml:19:18 (helm-render)`,
      'metrics → prom/statsd-exporter:v0.26.0 @ shop/values.yaml:20:10 (helm-render)',
      // Rendered as part of the parent (helm renders vendored subcharts); mapped to the parent's values line.
      'redis → docker.io/library/redis:7.2.5 @ shop/values.yaml:27:10 (helm-render)',
    ]);
    expect(r.uses[0]?.related?.[0]?.message).toBe(
      'rendered by helm template from `image: {{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}`',
    );
    expect(r.skipped).toEqual([]);
  });

  it('render: none never runs helm even when it is on PATH', async () => {
    await rm(path.join(bin, 'args'), { force: true });
    const r = await scanHelmCharts(fixtures, base({ render: 'none', pathEnv: bin }));
    expect(r.uses.every((u) => u.origin === 'helm-values')).toBe(true);
    await expect(readFile(path.join(bin, 'args'), 'utf8')).rejects.toThrow();
  });

  it('falls back to the values reading with the reason when helm template fails', async () => {
    await writeFile(path.join(bin, 'fail'), '');
    try {
      const r = await scanHelmCharts(fixtures, base({ render: 'helm', pathEnv: bin }));
      expect(r.skipped.map((s) => `${s.file} ${s.reason}`)).toContain(
        'shop/Chart.yaml helm template failed (Error: found in Chart.yaml, but missing in charts/ directory: redis); chart shop is reported from its values instead (best effort).',
      );
      expect(r.uses.map((u) => u.origin)).toEqual([
        'helm-values',
        'helm-values',
        'helm-values',
        'helm-values',
      ]);
    } finally {
      await rm(path.join(bin, 'fail'), { force: true });
    }
  });
});
