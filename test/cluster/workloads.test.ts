import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDump } from '../../src/cluster/dump.js';
import { classifyPod } from '../../src/cluster/pod-health.js';
import type { DriftEntry, PodHealth } from '../../src/cluster/types.js';
import { aggregateWorkloads, settleJobFailures } from '../../src/cluster/workloads.js';

const NOW = '2026-03-10T12:00:00Z';
const read = (f: string) => readFileSync(new URL(`../../fixtures/cluster/${f}`, import.meta.url), 'utf8');
const fixture = (name: string) => parseDump(read(`pods/${name}`), name).pods[0]!;
const health = (name: string, patch: Partial<PodHealth> = {}): PodHealth => ({
  ...classifyPod(fixture(name), NOW),
  ...patch,
});

function drift(status: DriftEntry['status'], patch: Partial<DriftEntry> = {}): DriftEntry {
  return {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'worker',
    container: 'worker',
    desired: 'w:2',
    live: 'w:1',
    status,
    file: 'shop.yaml',
    line: 3,
    podImages: [],
    liveDigests: [],
    imageIds: [],
    message: '',
    ...patch,
  };
}

describe('aggregateWorkloads', () => {
  it('groups pods per top owner with class rows, counts and the max severity', () => {
    const [w] = aggregateWorkloads({
      cluster: 'prod',
      pods: [
        health('c1-oomkilled-backoff.json'),
        health('c1-oomkilled-terminated.json'),
        health('c2-oomkilled-recently-running.json'),
      ],
      drift: [],
    });
    expect(w).toMatchObject({
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'worker',
      severity: 'critical',
      unhealthy: true,
      live: true,
    });
    expect(w!.pods).toMatchObject({ total: 3, unhealthy: 3, restarts: 10, byClass: { OOMKilled: 3 } });
    expect(w!.classes.map((c) => [c.class, c.severity, c.pods.length])).toEqual([
      ['OOMKilled', 'critical', 2],
      ['OOMKilled', 'warning', 1],
    ]);
  });

  it('adds git-only workloads (missing_in_cluster) and healthy live ones without pods', () => {
    const reports = aggregateWorkloads({
      cluster: 'prod',
      pods: [],
      drift: [drift('missing_in_cluster', { name: 'notifications', live: null })],
      live: [{ namespace: 'shop', kind: 'Deployment', name: 'payments' }],
    });
    expect(reports.map((r) => [r.name, r.live, r.severity])).toEqual([
      ['notifications', false, 'warning'],
      ['payments', true, 'none'],
    ]);
  });

  it('rates image checks: an absent live image is critical', () => {
    const [w] = aggregateWorkloads({
      cluster: 'prod',
      pods: [health('ok-healthy.json')],
      drift: [],
      images: new Map([
        [
          'shop/Deployment/web',
          [{ container: 'web', image: 'r/web:1', source: 'template' as const, status: 'absent' as const }],
        ],
      ]),
    });
    expect([w!.severity, w!.images[0]!.status]).toEqual(['critical', 'absent']);
  });
});

describe('fingerprint (docs/pod-health.md#workloads)', () => {
  const base = () => [health('c5-crashloop-error.json'), health('ok-healthy.json')];
  const fp = (pods: PodHealth[], d: DriftEntry[] = []) =>
    aggregateWorkloads({ cluster: 'prod', pods, drift: d }).find((w) => w.name === 'worker')!.fingerprint;

  it('ignores restart counts, pod names and messages', () => {
    const [crash, ok] = base();
    const again = { ...crash!, restarts: 99, pod: 'worker-6c5b8d7f9c-zzzzz', message: 'other text' };
    expect(fp([again, ok!])).toBe(fp([crash!, ok!]));
    expect(fp([crash!, ok!])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with the class, the exit code or new drift', () => {
    const [crash, ok] = base();
    const before = fp([crash!, ok!]);
    expect(fp([{ ...crash!, exitCode: 2 }, ok!])).not.toBe(before);
    expect(fp([{ ...crash!, class: 'OOMKilled', reason: 'OOMKilled' }, ok!])).not.toBe(before);
    expect(fp([crash!, ok!], [drift('drifted')])).not.toBe(before);
    expect(fp([crash!, ok!], [drift('in_sync')])).toBe(before);
  });

  it('treats ErrImagePull and ImagePullBackOff as one reason (they alternate, principle 4)', () => {
    const [crash] = base();
    const pull = (reason: string, pod: string): PodHealth => ({
      ...crash!,
      pod,
      class: 'ImagePullBackOff',
      severity: 'critical',
      reason,
      exitCode: null,
    });
    const a = [pull('ErrImagePull', 'worker-1'), pull('ImagePullBackOff', 'worker-2')];
    const b = [pull('ImagePullBackOff', 'worker-1'), pull('ErrImagePull', 'worker-2')];
    expect(fp(a)).toBe(fp(b));
    expect(fp([pull('ErrImagePull', 'worker-1')])).toBe(fp([pull('ImagePullBackOff', 'worker-1')]));
    const [w] = aggregateWorkloads({ cluster: 'prod', pods: a, drift: [] });
    expect(w?.classes.map((c) => [c.class, c.reason, c.pods])).toEqual([
      ['ImagePullBackOff', 'ImagePullBackOff', ['worker-1', 'worker-2']],
    ]);
  });

  it('ignores info-only rows (a recent restart) so healthy churn never updates an issue', () => {
    const [crash] = base();
    const info = { ...health('r3-recent-restart.json'), owner: { kind: 'Deployment', name: 'worker' } };
    expect(fp([crash!, info])).toBe(fp([crash!]));
  });
});

describe('settleJobFailures', () => {
  const objects = parseDump(read('dump/objects.json'), 'objects.json').controllers;

  it('downgrades a Failed pod whose Job later succeeded; keeps one whose Job failed', () => {
    const migrate = fixture('f-failed-job-pod.json');
    const h = classifyPod(migrate, NOW);
    expect(settleJobFailures([h], [migrate], objects)[0]!.severity).toBe('warning');
    const succeeded = objects.map((c) =>
      c.kind === 'Job' && c.name === 'db-migrate' ? { ...c, job: { succeeded: 1, failed: 1, active: 0 } } : c,
    );
    const settled = settleJobFailures([h], [migrate], succeeded)[0]!;
    expect([settled.severity, settled.status]).toEqual(['info', 'ok']);
  });
});

describe('restart rate (R2 with a previous snapshot)', () => {
  it('flags a ready container that restarted twice since the previous run; once is not enough', async () => {
    const { applyRestartRate, restartSnapshot } = await import('../../src/cluster/restart-rate.js');
    const now = health('r3-recent-restart.json'); // 1 restart, RecentRestart (info)
    const previous = restartSnapshot([
      { ...now, containers: now.containers.map((c) => ({ ...c, restartCount: 0 })) },
    ]);
    expect(applyRestartRate([now], previous)[0]!.class).toBe('RecentRestart');
    const later = { ...now, containers: now.containers.map((c) => ({ ...c, restartCount: 2 })) };
    const [rated] = applyRestartRate([later], previous);
    expect([rated!.class, rated!.rule, rated!.severity, rated!.status]).toEqual([
      'HighRestartCount',
      'R2',
      'warning',
      'unhealthy',
    ]);
    expect(rated!.message).toContain('0 → 2');
  });
});
