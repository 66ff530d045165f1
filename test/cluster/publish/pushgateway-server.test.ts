/**
 * Pushes to the real Pushgateway (Debian's prometheus-pushgateway) on 127.0.0.1 and reads the result back
 * through `/api/v1/metrics`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from '../../../src/cluster/publish/metrics-text.js';
import { pushMetrics, pushReportMetrics } from '../../../src/cluster/publish/pushgateway.js';
import {
  hasPushgateway,
  type Pushgateway,
  type PushgatewayFamily,
  type PushgatewayGroup,
  startPushgateway,
} from '../../helpers/pushgateway.js';
import { crashingPod, drift, imageCheck, pod, workload } from './issues-fixtures.js';

const JOB = 'k8s-image-check';
const now = new Date('2026-11-26T12:00:00Z');

function family(group: PushgatewayGroup | undefined, name: string): PushgatewayFamily | undefined {
  return group?.[name] as PushgatewayFamily | undefined;
}

function groupOf(groups: PushgatewayGroup[], cluster: string): PushgatewayGroup | undefined {
  return groups.find((g) => g.labels.job === JOB && g.labels.cluster === cluster);
}

describe.skipIf(!hasPushgateway)('Pushgateway (real, plain)', () => {
  let gw: Pushgateway;
  beforeAll(async () => {
    gw = await startPushgateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('stores a pushed report with its labels and values', async () => {
    const crash = crashingPod();
    const report = {
      workloads: [
        workload({
          pods: [crash],
          drift: [drift({ status: 'drifted', live: 'ghcr.io/acme/cart:1.4.1' })],
          images: [imageCheck({ status: 'absent' })],
        }),
      ],
      pods: [crash],
    };
    const result = await pushMetrics({
      url: gw.url,
      job: JOB,
      groupingKey: { cluster: 'prod' },
      body: renderMetrics(report, { now }),
    });
    expect(result).toEqual({ ok: true, status: 200, target: `${gw.url}/metrics/job/${JOB}/cluster/prod` });

    const group = groupOf(await gw.readMetrics(), 'prod');
    expect(group?.last_push_successful).toBe(true);
    const image = family(group, 'k8s_image_check_image_status');
    expect(image?.type).toBe('GAUGE');
    expect(image?.metrics).toEqual([
      {
        labels: {
          cluster: 'prod',
          job: JOB,
          instance: '',
          namespace: 'shop',
          workload_kind: 'Deployment',
          workload: 'cart',
          container: 'app',
          image: 'ghcr.io/acme/cart:1.4.2',
          source: 'template',
          status: 'absent',
        },
        value: '1',
      },
    ]);
    const restarts = family(group, 'k8s_pod_container_restarts');
    expect(restarts?.metrics.map((m) => [m.labels.pod, m.labels.container, m.value])).toEqual([
      ['cart-7d9f8b6c5d-x2x4p', 'app', '5'],
    ]);
    expect(family(group, 'k8s_pod_health')?.metrics[0]?.labels).toMatchObject({
      class: 'CrashLoopBackOff',
      severity: 'critical',
    });
    expect(family(group, 'k8s_image_check_drift_status')?.metrics[0]?.labels.status).toBe('drifted');
    expect(Number(family(group, 'k8s_image_check_last_success_timestamp_seconds')?.metrics[0]?.value)).toBe(
      now.getTime() / 1000,
    );
  });

  it('replaces the whole group on the next PUT: vanished series are gone', async () => {
    const first = [crashingPod(), pod({ pod: 'cart-other' })];
    await pushMetrics({
      url: gw.url,
      job: JOB,
      groupingKey: { cluster: 'replace' },
      body: renderMetrics({ workloads: [workload({ pods: first })], pods: first }, { now }),
    });
    let group = groupOf(await gw.readMetrics(), 'replace');
    expect(
      family(group, 'k8s_pod_health')
        ?.metrics.map((m) => m.labels.pod)
        .sort(),
    ).toEqual(['cart-7d9f8b6c5d-x2x4p', 'cart-other']);
    expect(family(group, 'k8s_workload_unhealthy_pods')?.metrics).toHaveLength(1);

    const second = [pod({ pod: 'cart-other' })];
    const r = await pushMetrics({
      url: gw.url,
      job: JOB,
      groupingKey: { cluster: 'replace' },
      body: renderMetrics({ workloads: [workload({ pods: second })], pods: second }, { now }),
    });
    expect(r.ok).toBe(true);
    group = groupOf(await gw.readMetrics(), 'replace');
    expect(family(group, 'k8s_pod_health')?.metrics.map((m) => m.labels.pod)).toEqual(['cart-other']);
    expect(family(group, 'k8s_workload_unhealthy_pods')).toBeUndefined();
    // The other group is untouched.
    expect(family(groupOf(await gw.readMetrics(), 'prod'), 'k8s_pod_health')?.metrics).toHaveLength(1);
  });

  it('sends cluster names with "/" (and empty ones) through @base64', async () => {
    const body = renderMetrics({ workloads: [], pods: [] }, { now });
    const slash = await pushMetrics({ url: gw.url, job: JOB, groupingKey: { cluster: 'eu-west/1' }, body });
    expect(slash.ok && slash.target.endsWith('/cluster@base64/ZXUtd2VzdC8x')).toBe(true);
    const spaced = await pushMetrics({ url: gw.url, job: JOB, groupingKey: { cluster: 'a b"c' }, body });
    expect(spaced.ok).toBe(true);
    const groups = await gw.readMetrics();
    expect(groupOf(groups, 'eu-west/1')?.labels).toEqual({ job: JOB, cluster: 'eu-west/1' });
    expect(groupOf(groups, 'a b"c')).toBeDefined();
  });

  it('reports a 400 on a bad body with the gateway message, without throwing', async () => {
    const result = await pushMetrics({
      url: gw.url,
      job: JOB,
      groupingKey: { cluster: 'bad' },
      body: 'this is not valid\n',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.message).toContain(
      `Pushgateway 127.0.0.1:${gw.port} rejected the metrics for job "${JOB}", cluster "bad"`,
    );
    expect(result.message).toContain('text format parsing error in line 1');
    expect(groupOf(await gw.readMetrics(), 'bad')).toBeUndefined();
  });

  it('reports a type conflict with another group as a 400 naming the metric', async () => {
    const result = await pushMetrics({
      url: gw.url,
      job: 'other-job',
      body: '# TYPE k8s_pod_health counter\nk8s_pod_health{pod="x"} 1\n',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.message).toContain('k8s_pod_health');
    expect(result.message).toContain('delete that group');
  });

  it('pushes a partial run as its cluster group with run_complete 0 and the failed lists', async () => {
    const crash = crashingPod();
    const result = await pushReportMetrics(
      {
        cluster: 'eu/partial',
        workloads: [workload({ pods: [crash] })],
        pods: [crash],
        complete: false,
        errors: [{ kind: 'pods', namespace: 'payments', message: 'pods is forbidden', httpStatus: 403 }],
      },
      { url: gw.url, job: JOB, now },
    );
    expect(result).toMatchObject({
      ok: true,
      target: `${gw.url}/metrics/job/${JOB}/cluster@base64/ZXUvcGFydGlhbA`,
    });
    const group = groupOf(await gw.readMetrics(), 'eu/partial');
    expect(family(group, 'k8s_image_check_run_complete')?.metrics.map((m) => m.value)).toEqual(['0']);
    expect(
      family(group, 'k8s_image_check_list_errors')?.metrics.map((m) => [
        m.labels.resource,
        m.labels.namespace,
      ]),
    ).toEqual([['pods', 'payments']]);
    // Not a success: the last-success gauge is not refreshed by a partial run.
    expect(family(group, 'k8s_image_check_last_success_timestamp_seconds')).toBeUndefined();
  });

  it('a namespace-scoped run gets its own group and leaves the whole-cluster group in place', async () => {
    const crash = crashingPod();
    const whole = {
      cluster: 'scoped',
      workloads: [workload({ pods: [crash] })],
      pods: [crash],
      complete: true,
      errors: [],
    };
    expect((await pushReportMetrics(whole, { url: gw.url, job: JOB, now })).ok).toBe(true);
    const mon = {
      cluster: 'scoped',
      workloads: [workload({ namespace: 'monitoring', name: 'prometheus' })],
      pods: [],
      complete: true,
      errors: [],
    };
    const scoped = await pushReportMetrics(mon, {
      url: gw.url,
      job: JOB,
      now,
      scope: { namespaces: ['monitoring'], excludeNamespaces: [] },
    });
    expect(scoped).toMatchObject({
      ok: true,
      target: `${gw.url}/metrics/job/${JOB}/cluster/scoped/scope/monitoring`,
    });
    const groups = (await gw.readMetrics()).filter(
      (g) => g.labels.job === JOB && g.labels.cluster === 'scoped',
    );
    expect(groups.map((g) => g.labels.scope ?? '').sort()).toEqual(['', 'monitoring']);
    const cluster = groups.find((g) => !g.labels.scope);
    expect(family(cluster, 'k8s_pod_health')?.metrics.map((m) => m.labels.namespace)).toEqual(['shop']);
  });

  it('deletes a group (for a cluster that was removed)', async () => {
    await pushMetrics({
      url: gw.url,
      job: JOB,
      groupingKey: { cluster: 'gone' },
      body: renderMetrics({ workloads: [], pods: [] }, { now }),
    });
    expect(groupOf(await gw.readMetrics(), 'gone')).toBeDefined();
    const del = await pushMetrics({
      url: gw.url,
      job: JOB,
      groupingKey: { cluster: 'gone' },
      body: '',
      method: 'DELETE',
    });
    expect(del).toMatchObject({ ok: true, status: 202 });
    expect(groupOf(await gw.readMetrics(), 'gone')).toBeUndefined();
  });
});

describe.skipIf(!hasPushgateway)('Pushgateway (real, basic auth)', () => {
  const auth = { username: 'pgwuser', password: 'pgw-Secret-42' };
  let gw: Pushgateway;
  beforeAll(async () => {
    gw = await startPushgateway({ auth });
  });
  afterAll(async () => {
    await gw?.stop();
  });
  const body = renderMetrics({ workloads: [], pods: [] }, { now });

  it('answers 401 without credentials, with a message that says what to set', async () => {
    const r = await pushMetrics({ url: gw.url, job: JOB, groupingKey: { cluster: 'prod' }, body });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(401);
    expect(r.message).toContain('set pushgateway-username and pushgateway-password');
  });

  it('answers 401 for wrong credentials without repeating them', async () => {
    const r = await pushMetrics({
      url: gw.url,
      job: JOB,
      groupingKey: { cluster: 'prod' },
      body,
      username: auth.username,
      password: 'wrong-pass',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(401);
    expect(r.message).toContain('refused the credentials');
    expect(r.message).not.toContain('wrong-pass');
  });

  it('accepts the push with credentials', async () => {
    const r = await pushMetrics({ url: gw.url, job: JOB, groupingKey: { cluster: 'prod' }, body, ...auth });
    expect(r).toMatchObject({ ok: true, status: 200 });
    const group = groupOf(await gw.readMetrics(), 'prod');
    expect(Number(family(group, 'k8s_image_check_last_success_timestamp_seconds')?.metrics[0]?.value)).toBe(
      now.getTime() / 1000,
    );
  });
});
