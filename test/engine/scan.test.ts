import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/resolve.js';
import type { Config } from '../../src/config/schema.js';
import { analyzeUses, runScan, uniqueTargets } from '../../src/engine/scan.js';
import type { ImageUse } from '../../src/manifests/types.js';
import type { RegistryCheck } from '../../src/registry/types.js';
import { shouldFail } from '../../src/report/findings.js';
import { filterReportToChangedFiles } from '../../src/report/only-changed.js';

const root = join(import.meta.dirname, '../../fixtures/examples/shop');
const quiet = { debug() {}, info() {}, warning() {} };

function config(over: Partial<Config> = {}): Config {
  return { ...defaultConfig(), render: 'none', ...over };
}

function use(raw: string, over: Partial<ImageUse> = {}): ImageUse {
  return {
    raw,
    file: 'a.yaml',
    line: 1,
    column: 1,
    docIndex: 0,
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    namespace: 'ns',
    name: 'app',
    container: 'c',
    containerType: 'container',
    ...over,
  };
}

describe('scan engine (offline)', () => {
  it('finds every image of the example with its position and the tag findings', async () => {
    const report = await runScan(config({ offline: true }), { root, logger: quiet });
    expect(report.files.scanned).toBe(3);
    const refs = report.images.map((i) => i.ref);
    // sorted by normalized reference (the raw text for invalid ones)
    expect(refs).toEqual([
      'nginx:latest',
      'redis',
      'ghcr.io/example/shop-cart:main',
      'ghcr.io/example/shop-frontend:1.4.2',
      'ghcr.io/example/shop-migrate:1.4.2-dirty',
      'ghcr.io/example/shop-report@sha256:4b7ea3e51ab8a9f5dd4e1b3a5f1e1e1f0d5c0f3a1c3f1e5b7d9c2a4e6f8b0d1c',
      'ghcr.io/Example/Shop-Upload:1.0',
    ]);
    expect(report.images.find((i) => i.ref === 'redis')!.normalized).toBe('docker.io/library/redis');
    const dirty = report.images.find((i) => i.ref.endsWith('-dirty'))!;
    expect(dirty.uses).toEqual([
      {
        file: 'k8s/frontend.yaml',
        line: 17,
        column: 18,
        document: 0,
        kind: 'Deployment',
        namespace: 'shop',
        name: 'frontend',
        container: 'migrate',
        containerType: 'initContainer',
      },
    ]);
    expect(dirty.check.status).toBe('not_checked');
    const byRule = report.findings.map((f) => `${f.rule}@${f.file}:${f.line}`);
    expect(byRule).toEqual([
      'invalid-reference@jobs/report.yaml:17',
      'mutable-tag@k8s/cart.yaml:16',
      'dirty-tag@k8s/frontend.yaml:17',
      'latest-tag@k8s/frontend.yaml:22',
    ]);
    expect(report.summary.findings).toEqual({ error: 2, warning: 2, notice: 0 });
    expect(shouldFail(report.findings, 'error')).toBe(true);
  });

  it('applies severity overrides, off rules and the ignore list', async () => {
    const report = await runScan(
      config({
        offline: true,
        rules: { 'dirty-tag': 'warning', 'latest-tag': 'off' },
        ignore: ['shop-cart'],
      }),
      { root, logger: quiet },
    );
    const rules = report.findings.map((f) => `${f.rule}:${f.severity}`);
    expect(rules).toEqual(['invalid-reference:error', 'dirty-tag:warning']);
    const cart = report.images.find((i) => i.ref.includes('shop-cart'))!;
    expect(cart.check).toMatchObject({ status: 'skipped', reason: 'ignored by pattern shop-cart' });
  });

  it('does not ask the registry for an image ignored inline, but does for the same image used elsewhere', async () => {
    const seen: string[] = [];
    const checkImages = async (targets: { key: string }[]) => {
      seen.push(...targets.map((t) => t.key));
      return new Map(targets.map((t) => [t.key, { status: 'available' } as RegistryCheck]));
    };
    const analyzed = analyzeUses(
      [
        use('nginx:1.27', { suppress: ['*'] }),
        use('busybox:1.36', { suppress: ['*'] }),
        use('busybox:1.36', { line: 9 }),
      ],
      [],
      defaultConfig(),
    );
    await checkImages(uniqueTargets(analyzed));
    expect(seen).toEqual(['docker.io/library/busybox:1.36']);
    expect(analyzed[0]).toMatchObject({
      kind: 'ignored',
      ignoredBy: 'an inline "# k8s-image-check: ignore" comment',
    });
  });

  it('restricts findings to changed files but still checks every image once', async () => {
    const seen: string[] = [];
    const full = await runScan(config(), {
      root,
      logger: quiet,
      checkImages: async (targets) => {
        seen.push(...targets.map((t) => t.key));
        return new Map(
          targets.map((t) => [t.key, { status: 'absent', message: 'gone' } satisfies RegistryCheck]),
        );
      },
    });
    // The production only-changed path: the whole run's report, filtered afterwards.
    const report = filterReportToChangedFiles(full, ['k8s/cart.yaml']);
    expect(seen).toHaveLength(6);
    expect(new Set(full.findings.map((f) => f.file)).size).toBeGreaterThan(1);
    expect(new Set(report.findings.map((f) => f.file))).toEqual(new Set(['k8s/cart.yaml']));
    // redis is suppressed only for missing-tag; its absence is still reported
    expect(report.findings.filter((f) => f.rule === 'image-absent').map((f) => f.image)).toEqual([
      'ghcr.io/example/shop-cart:main',
      'redis',
    ]);
  });
});

describe('analyzeUses', () => {
  it('turns unusable image fields into invalid-reference findings without a registry check', async () => {
    const analyzed = analyzeUses(
      [
        use('', { invalid: 'image is empty: Kubernetes requires an image for every container' }),
        use('42', { invalid: 'image must be a string, not a number (kubectl rejects 42)', line: 4 }),
      ],
      [],
      defaultConfig(),
    );
    expect(uniqueTargets(analyzed)).toEqual([]);
    const { buildReport } = await import('../../src/report/findings.js');
    const report = buildReport({
      version: 't',
      uses: analyzed,
      extract: { skipped: [], errors: [], scanned: 1 },
      checks: new Map(),
      rules: {},
    });
    expect(report.findings.map((f) => f.message)).toEqual([
      'Image "" in Deployment ns/app, container "c": image is empty: Kubernetes requires an image for every container.',
      'Image "42" in Deployment ns/app, container "c": image must be a string, not a number (kubectl rejects 42).',
    ]);
    expect(report.images.map((i) => i.check.status)).toEqual(['bad_image_format', 'bad_image_format']);
  });

  it('deduplicates checks by what the kubelet pulls', () => {
    const analyzed = analyzeUses(
      [
        use('nginx'),
        use('docker.io/library/nginx:latest'),
        use('nginx:1.27@sha256:' + 'a'.repeat(64)),
        use('bad ref'),
      ],
      [],
      defaultConfig(),
    );
    expect(uniqueTargets(analyzed).map((t) => t.key)).toEqual([
      `docker.io/library/nginx:latest`,
      `docker.io/library/nginx@sha256:${'a'.repeat(64)}`,
    ]);
    expect(analyzed[3]).toMatchObject({ kind: 'invalid', parseError: 'invalid reference format' });
  });
});
