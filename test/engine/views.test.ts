import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/resolve.js';
import { runScan } from '../../src/engine/scan.js';

const root = join(import.meta.dirname, '../../fixtures/kustomize');
const quiet = { debug() {}, info() {}, warning() {} };

describe('scan with rendered kustomize views', () => {
  it('lists what every overlay deploys, and checks each image once', async () => {
    const checked: string[] = [];
    const report = await runScan(
      {
        ...defaultConfig(),
        render: 'auto',
        paths: ['base', 'overlays/staging', 'overlays/production', 'components'],
      },
      {
        root,
        logger: quiet,
        pathEnv: '',
        checkImages: async (targets) => {
          checked.push(...targets.map((t) => t.key));
          return new Map(targets.map((t) => [t.key, { status: 'available' as const }]));
        },
      },
    );
    expect(new Set(checked).size).toBe(checked.length);
    const views = report.views ?? [];
    expect(views.map((v) => `${v.kind}:${v.dir}`)).toEqual([
      'kustomize:base',
      'kustomize:overlays/production',
      'kustomize:overlays/staging',
    ]);
    const prod = views.find((v) => v.dir === 'overlays/production')!;
    const web = prod.images.filter((i) => i.name === 'stg-web-prod');
    expect(web.map((i) => i.ref)).toContain(
      'registry.example.com/team/web-prod@sha256:3b2f9c6a8e1d4f7a0c5b9e2d8f1a4c7e0b3d6f9a2c5e8b1d4f7a0c3e6b9d2f5a',
    );
    expect(
      web.every((i) => i.namespace === 'production' && i.file === 'overlays/production/kustomization.yaml'),
    ).toBe(true);
    const staging = views.find((v) => v.dir === 'overlays/staging')!;
    expect(staging.images.find((i) => i.container !== null && i.ref.includes('team/web'))?.ref).toBe(
      'registry.example.com/team/web:1.1.0-rc1',
    );
    // Unchanged base images appear in each view, at the base line, but once in `images`.
    expect(staging.images.some((i) => i.ref === 'busybox:1.36' && i.file === 'base/cronjob.yaml')).toBe(true);
    const busybox = report.images.filter((i) => i.ref === 'busybox:1.36');
    expect(busybox).toHaveLength(1);
    expect(Object.keys(report).at(-1)).toBe('summary');
  });

  it('has no views section with render: none', async () => {
    const report = await runScan(
      { ...defaultConfig(), render: 'none', offline: true },
      { root, logger: quiet },
    );
    expect(report.views).toBeUndefined();
  });
});
