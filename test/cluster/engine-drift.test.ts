import { describe, expect, it } from 'vitest';
import { DEFAULT_POD_HEALTH_THRESHOLDS } from '../../src/cluster/pod-health.js';
import { type DriftRunOptions, liveFromFiles, runDrift } from '../../src/engine/drift.js';
import type { ImageReference } from '../../src/image/types.js';
import type { ImageUse } from '../../src/manifests/types.js';
import type { RegistryCheck } from '../../src/registry/types.js';

const FILES = {
  podsFile: 'fixtures/cluster/dump/pods.json',
  objectsFile: 'fixtures/cluster/dump/objects.json',
};
const OPTIONS: DriftRunOptions = {
  cluster: 'prod',
  defaultNamespace: 'shop',
  namespaces: [],
  excludeNamespaces: [],
  reportNotInGit: false,
  rolloutGrace: 900,
  checkLiveImages: true,
  includeScaledToZero: true,
  thresholds: { ...DEFAULT_POD_HEALTH_THRESHOLDS },
  now: '2026-03-10T12:00:00Z',
};

function use(kind: string, namespace: string, name: string, container: string, raw: string): ImageUse {
  return {
    raw,
    file: 'm.yaml',
    line: 1,
    column: 1,
    docIndex: 0,
    kind,
    apiVersion: null,
    namespace,
    name,
    container,
    containerType: 'container',
  };
}

/** A fake registry: records targets, answers `absent` for the given keys and `available` (digest B) otherwise. */
function fakeRegistry(absent: string[] = []) {
  const asked: string[][] = [];
  const checkImages = async (targets: { key: string; ref: ImageReference }[]) => {
    asked.push(targets.map((t) => t.key));
    return new Map<string, RegistryCheck>(
      targets.map((t) => [
        t.key,
        absent.includes(t.key)
          ? { status: 'absent', message: `${t.key} is not in its registry` }
          : { status: 'available', digest: `sha256:${'b'.repeat(64)}` },
      ]),
    );
  };
  return { asked, checkImages };
}

describe('runDrift', () => {
  it('checks every live image once: templates (scaled-to-zero included) and pod digests', async () => {
    const reg = fakeRegistry();
    const report = await runDrift(OPTIONS, {
      desired: [],
      loadLive: liveFromFiles(FILES),
      checkImages: reg.checkImages,
    });
    expect(reg.asked).toHaveLength(1);
    const keys = reg.asked[0]!;
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('registry.example.com/shop/payments:5.0.0'); // replicas: 0
    expect(keys).toContain('registry.example.com/shop/admin:0.9.1-dirty');
    expect(keys.some((k) => /^registry\.example\.com\/shop\/web@sha256:/.test(k))).toBe(true); // a pod's imageID
    expect(report.images?.find((i) => i.image === 'docker.io/library/postgres:16.2')?.users).toEqual([
      'shop/StatefulSet/db/postgres',
    ]);
  });

  it('leaves idle workloads out when includeScaledToZero is off', async () => {
    const reg = fakeRegistry();
    await runDrift(
      { ...OPTIONS, includeScaledToZero: false },
      { desired: [], loadLive: liveFromFiles(FILES), checkImages: reg.checkImages },
    );
    expect(reg.asked[0]).not.toContain('registry.example.com/shop/payments:5.0.0');
  });

  it('makes a workload whose image is gone from the registry critical, with the check in its report', async () => {
    const reg = fakeRegistry(['docker.io/library/postgres:16.2']);
    const report = await runDrift(OPTIONS, {
      desired: [],
      loadLive: liveFromFiles(FILES),
      checkImages: reg.checkImages,
    });
    const db = report.workloads.find((w) => w.name === 'db')!;
    expect(db.severity).toBe('critical');
    expect(db.images).toContainEqual({
      container: 'postgres',
      image: 'docker.io/library/postgres:16.2',
      source: 'template',
      status: 'absent',
      message: 'docker.io/library/postgres:16.2 is not in its registry',
    });
  });

  it('reports a moved tag when the registry digest differs from what pods run', async () => {
    const reg = fakeRegistry();
    const desired = [use('Deployment', 'shop', 'web', 'web', 'registry.example.com/shop/web:2.3.1')];
    const report = await runDrift(OPTIONS, {
      desired,
      loadLive: liveFromFiles(FILES),
      checkImages: reg.checkImages,
    });
    const web = report.drift.find((d) => d.name === 'web')!;
    expect([web.status, web.tagMoved]).toEqual(['in_sync', true]);
    expect(report.workloads.find((w) => w.name === 'web')!.drift[0]!.tagMoved).toBe(true);
  });

  it('never calls a workload missing in a namespace it could not list', async () => {
    const desired = [
      use('Deployment', 'shop', 'notifications', 'n', 'n:1'),
      use('Deployment', 'ops', 'other', 'o', 'o:1'),
    ];
    const base = liveFromFiles(FILES);
    const loadLive = async () => {
      const live = await base();
      return {
        ...live,
        complete: false,
        errors: [{ kind: 'deployments', namespace: 'shop', message: 'Forbidden', httpStatus: 403 }],
      };
    };
    const report = await runDrift({ ...OPTIONS, checkLiveImages: false }, { desired, loadLive });
    expect(report.drift.filter((d) => d.status === 'missing_in_cluster').map((d) => d.name)).toEqual([
      'other',
    ]);
    expect(report.complete).toBe(false);
    expect(report.images).toBeUndefined();
  });

  it('keeps to the namespace scope and evaluates grace at --now', async () => {
    const report = await runDrift(
      { ...OPTIONS, namespaces: ['ops'], checkLiveImages: false },
      { desired: [], loadLive: liveFromFiles(FILES) },
    );
    expect(new Set(report.pods.map((p) => p.namespace))).toEqual(new Set(['ops']));
    const at = (now: string) =>
      runDrift(
        { ...OPTIONS, namespaces: ['shop'], now, checkLiveImages: false },
        { desired: [], loadLive: liveFromFiles(FILES) },
      );
    // search-7c9d8b6f5-v7b2m has been unschedulable since 11:40; the grace is 300 s.
    const status = async (now: string) =>
      (await at(now)).pods.find((p) => p.pod === 'search-7c9d8b6f5-v7b2m')!.status;
    expect(await status('2026-03-10T11:42:00Z')).toBe('transitional');
    expect(await status('2026-03-10T11:45:00Z')).toBe('unhealthy');
  });

  it('rejects an unparseable --now', async () => {
    await expect(
      runDrift({ ...OPTIONS, now: 'yesterday' }, { desired: [], loadLive: liveFromFiles(FILES) }),
    ).rejects.toThrow(/--now "yesterday" is not a time/);
  });
});
