/**
 * The R2 restart-rate rule gets the previous run's restart counts from the Pushgateway group the run replaces
 * (healthy workloads have no issue whose marker could carry them).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { previousRestartsFromApi, pushMetrics } from '../../src/cluster/publish/pushgateway.js';
import type { DriftReport } from '../../src/cluster/types.js';
import { dumpItems, dumpObjects, type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { hasPushgateway, type Pushgateway, startPushgateway } from '../helpers/pushgateway.js';

/** The parts of a pod object this test reads or changes. */
interface PodJson {
  kind?: string;
  metadata: { name: string };
  status: { containerStatuses: { restartCount: number }[] };
}

const NOW = new Date('2026-11-26T12:00:00Z');
const at = (s: number) => String(NOW.getTime() / 1000 - s);

function answer(groupLabels: Record<string, string>, pushedSecondsAgo: number) {
  return {
    status: 'success',
    data: [
      {
        labels: groupLabels,
        push_time_seconds: {
          metrics: [{ labels: { ...groupLabels, instance: '' }, value: at(pushedSecondsAgo) }],
        },
        k8s_pod_container_restarts: {
          metrics: [
            { labels: { namespace: 'shop', pod: 'p1', container: 'app', instance: '' }, value: '3' },
            { labels: { namespace: 'shop', pod: 'p2', container: 'app', instance: '' }, value: '0' },
          ],
        },
      },
    ],
  };
}

describe('previousRestartsFromApi', () => {
  it('reads the restart counts of exactly this group when the push is recent', () => {
    const r = previousRestartsFromApi(
      answer({ job: 'j', cluster: 'prod' }, 600),
      { job: 'j', cluster: 'prod' },
      NOW,
    );
    expect(r.ok && [...r.restarts]).toEqual([
      ['shop/p1/app', 3],
      ['shop/p2/app', 0],
    ]);
  });

  it('ignores another scope, another cluster and a push older than an hour', () => {
    const scoped = answer({ job: 'j', cluster: 'prod', scope: 'monitoring' }, 60);
    expect(previousRestartsFromApi(scoped, { job: 'j', cluster: 'prod' }, NOW).ok).toBe(false);
    expect(previousRestartsFromApi(scoped, { job: 'j', cluster: 'prod', scope: 'monitoring' }, NOW).ok).toBe(
      true,
    );
    expect(
      previousRestartsFromApi(answer({ job: 'j', cluster: 'dev' }, 60), { job: 'j', cluster: 'prod' }, NOW)
        .ok,
    ).toBe(false);
    const old = previousRestartsFromApi(
      answer({ job: 'j', cluster: 'prod' }, 3601),
      { job: 'j', cluster: 'prod' },
      NOW,
    );
    expect(old).toEqual({ ok: false, message: expect.stringContaining('3601 s old') });
  });
});

describe.skipIf(!hasPushgateway)('drift with a Pushgateway: R2 from the previous push', () => {
  const PODS = dumpItems<PodJson>('pods.json');
  const WORKER = 'web-7d9c6b5f4d-x2k8p';
  let fake: FakeKube;
  let gw: Pushgateway;
  let dir: string;
  let kubeconfig: string;
  beforeAll(async () => {
    const pods = structuredClone(PODS);
    const web = pods.find((p) => p.metadata.name === WORKER)!;
    web.status.containerStatuses[0]!.restartCount = 5;
    fake = await startFakeKube({ objects: dumpObjects({ pods }) });
    gw = await startPushgateway();
    dir = mkdtempSync(join(tmpdir(), 'drift-r2-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeconfig('cert'));
  });
  afterAll(async () => {
    await fake?.close();
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('flags a ready container that restarted 4 times since the previous push as HighRestartCount (R2)', async () => {
    const previous =
      '# TYPE k8s_pod_container_restarts gauge\n' +
      `k8s_pod_container_restarts{namespace="shop",pod="${WORKER}",container="web",workload_kind="Deployment",workload="web"} 1\n`;
    expect(
      (
        await pushMetrics({
          url: gw.url,
          job: 'k8s-image-check',
          groupingKey: { cluster: 'fake' },
          body: previous,
        })
      ).ok,
    ).toBe(true);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    stderr.on('data', () => {});
    await main(
      [
        'drift',
        '--kubeconfig',
        kubeconfig,
        '--manifests',
        'fixtures/cluster/manifests',
        '--default-namespace',
        'shop',
        '--offline',
        '--now',
        '2026-03-10T12:00:00Z',
        '--pushgateway-url',
        gw.url,
        '--format',
        'json',
      ],
      { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: new URL('../..', import.meta.url).pathname },
    );
    const report = JSON.parse(out) as DriftReport;
    const pod = report.pods.find((p) => p.pod === WORKER)!;
    expect([pod.class, pod.rule, pod.container]).toEqual(['HighRestartCount', 'R2', 'web']);
    expect(pod.message).toContain('1 → 5');
    // The run replaced the group: the next run compares with 5.
    const group = (await gw.readMetrics()).find((g) => g.labels.cluster === 'fake');
    const restarts = group?.k8s_pod_container_restarts as {
      metrics: { labels: Record<string, string>; value: string }[];
    };
    expect(restarts.metrics.find((m) => m.labels.pod === WORKER)?.value).toBe('5');
  });
});
