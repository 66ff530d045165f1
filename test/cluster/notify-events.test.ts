/** The pure half of notices: previous state + report → events and the next state. */
import { describe, expect, it } from 'vitest';
import {
  emptyNotifyState,
  type NotifyState,
  type PlanNotifyOptions,
  planNotifications,
} from '../../src/cluster/notify-events.js';
import { notifyStateFromGroup, renderNotifyState } from '../../src/cluster/notify-state.js';
import type { ClusterError, DriftEntry, PodHealth, WorkloadReport } from '../../src/cluster/types.js';

const T0 = new Date('2026-03-10T12:00:00Z');
const T1 = new Date('2026-03-10T12:30:00Z');
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function pod(name: string, over: Partial<PodHealth> & { image?: string; digest?: string } = {}): PodHealth {
  const { image = 'r.example/api:1', digest = D1, ...rest } = over;
  return {
    namespace: 'shop',
    pod: name,
    owner: { kind: 'Deployment', name: 'api' },
    status: 'ok',
    class: 'Healthy',
    severity: 'none',
    container: 'api',
    init: false,
    reason: null,
    exitCode: null,
    restarts: 0,
    message: null,
    display: 'Running',
    akkerisCode: null,
    phase: 'Running',
    rule: 'OK',
    node: null,
    containers: [
      {
        name: 'api',
        init: false,
        sidecar: false,
        image,
        imageId: `r.example/api@${digest}`,
        ready: true,
        restartCount: 0,
        state: 'running',
        waitingReason: null,
        lastTerminatedReason: null,
        lastTerminatedExitCode: null,
      },
    ],
    ...rest,
  };
}

const crashing = (name: string, code = 'H10', restarts = 3): PodHealth =>
  pod(name, {
    status: 'unhealthy',
    class: code === 'R14' ? 'OOMKilled' : 'CrashLoopBackOff',
    severity: 'critical',
    akkerisCode: code,
    restarts,
    message: `crash ${code}`,
  });

function workload(live: string, status: DriftEntry['status'] = 'in_sync', name = 'api'): WorkloadReport {
  const drift: DriftEntry = {
    kind: 'Deployment',
    namespace: 'shop',
    name,
    container: 'api',
    desired: 'r.example/api:1',
    live,
    status,
    file: 'm.yaml',
    line: 1,
    podImages: [],
    liveDigests: [],
    imageIds: [],
    message: '',
  };
  return {
    cluster: 'prod',
    namespace: 'shop',
    kind: 'Deployment',
    name,
    live: true,
    pods: { total: 1, ok: 1, transitional: 0, unhealthy: 0, byClass: {}, restarts: 0 },
    classes: [],
    drift: [drift],
    images: [],
    severity: 'none',
    unhealthy: false,
    fingerprint: '',
    warnings: [],
  };
}

function plan(
  previous: NotifyState | null,
  pods: PodHealth[],
  opts: { live?: string; errors?: ClusterError[]; now?: Date; workloads?: WorkloadReport[] } = {},
) {
  const o: PlanNotifyOptions = {
    previous,
    now: opts.now ?? T1,
    report: {
      cluster: 'prod',
      workloads: opts.workloads ?? [workload(opts.live ?? 'r.example/api:1')],
      pods,
      errors: opts.errors ?? [],
    },
  };
  return planNotifications(o);
}

/** The state after a run at T0 (what the gateway would hand back). */
function stateAfter(pods: PodHealth[], live = 'r.example/api:1'): NotifyState {
  return plan(null, pods, { live, now: T0 }).next;
}

describe('planNotifications', () => {
  it('the first run records and sends nothing, crashes and images alike', () => {
    const r = plan(null, [crashing('a')]);
    expect(r.events).toEqual([]);
    expect([...r.next.crashes.keys()]).toEqual(['shop/Deployment/api']);
    expect([...r.next.images.values()].map((i) => [i.template, i.digests])).toEqual([
      ['r.example/api:1', [D1]],
    ]);
  });

  it('a new crash: one event per code with the pod that restarted most; first-seen is kept while it persists', () => {
    const r = plan(stateAfter([pod('a')]), [
      crashing('a', 'H10', 2),
      crashing('b', 'H10', 9),
      crashing('c', 'R14'),
    ]);
    expect(r.events.map((e) => e.action === 'crashed' && [e.code, e.pod, e.restarts, e.crashed_at])).toEqual([
      ['H10', 'b', 9, T1.toISOString()],
      ['R14', 'c', 3, T1.toISOString()],
    ]);
    const again = plan(stateAfter([crashing('a')]), [crashing('a')]);
    expect(again.events).toEqual([]);
    expect(again.next.crashes.get('shop/Deployment/api')?.codes.get('H10')).toBe(T0.getTime() / 1000);
  });

  it('another code while still crashing is a crash, not a recovery', () => {
    const r = plan(stateAfter([crashing('a', 'H10')]), [crashing('a', 'R14')]);
    expect(r.events.map((e) => [e.action, 'code' in e ? e.code : null])).toEqual([['crashed', 'R14']]);
  });

  it('recovery: one event with the codes it had and since when', () => {
    const r = plan(stateAfter([crashing('a', 'H10'), crashing('b', 'R14')]), [pod('a')]);
    expect(r.events).toEqual([
      expect.objectContaining({
        action: 'recovered',
        code: 'H10',
        codes: ['H10', 'R14'],
        crashed_at: T0.toISOString(),
        recovered_at: T1.toISOString(),
      }),
    ]);
  });

  it('a workload the run could not see keeps its state and gets no recovery', () => {
    const errors: ClusterError[] = [{ kind: 'pods', namespace: 'shop', message: 'forbidden' }];
    const r = plan(stateAfter([crashing('a')]), [], { errors });
    expect(r.events).toEqual([]);
    expect(r.next.crashes.has('shop/Deployment/api')).toBe(true);
  });

  it('released: a new template image; during the rollout pods on the old image add nothing', () => {
    const before = stateAfter([pod('a')]);
    const r = plan(before, [pod('a')], { live: 'r.example/api:2' });
    expect(r.events).toEqual([
      expect.objectContaining({
        action: 'released',
        change: 'image',
        slug: { image: 'r.example/api:2', digests: [] },
        previous: { image: 'r.example/api:1', digests: [D1] },
        git: 'in_sync',
      }),
    ]);
    // The next run: the pods now run the new image with a new digest; that is the same release.
    const next = plan(r.next, [pod('a', { image: 'r.example/api:2', digest: D2 })], {
      live: 'r.example/api:2',
    });
    expect(next.events).toEqual([]);
  });

  it('released: the same tag on a new digest; scaled to zero keeps the digest it knew', () => {
    const moved = plan(stateAfter([pod('a')]), [pod('a', { digest: D2 })], { live: 'r.example/api:1' });
    expect(moved.events).toEqual([expect.objectContaining({ action: 'released', change: 'digest' })]);
    const idle = plan(stateAfter([pod('a')]), [], { live: 'r.example/api:1' });
    expect(idle.events).toEqual([]);
    expect(idle.next.images.get('shop/Deployment/api/api')?.digests).toEqual([D1]);
  });

  it('a workload new since the previous run is released with no previous image', () => {
    const r = plan(stateAfter([pod('a')]), [pod('a')], {
      workloads: [workload('r.example/api:1'), workload('r.example/web:1', 'drifted', 'web')],
    });
    expect(r.events).toEqual([
      expect.objectContaining({
        action: 'released',
        key: 'shop/Deployment/web',
        previous: null,
        git: 'drifted',
      }),
    ]);
  });
});

describe('state in the Pushgateway group', () => {
  it('survives rendering and reading back (as /api/v1/metrics shows it)', () => {
    const state = stateAfter([crashing('a', 'H10'), crashing('b', 'R14')]);
    const text = renderNotifyState(state);
    // The gateway's JSON: families by name, each sample's labels and value as a string.
    const group: Record<string, { metrics: { labels: Record<string, string>; value: string }[] }> = {};
    for (const line of text.split('\n')) {
      const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) continue;
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]),
      );
      const family = group[m[1]!] ?? { metrics: [] };
      family.metrics.push({ labels, value: m[3]! });
      group[m[1]!] = family;
    }
    const back = notifyStateFromGroup(group);
    expect(back).toEqual(state);
    expect(notifyStateFromGroup({})).toBeNull();
    expect(renderNotifyState(emptyNotifyState())).toContain('k8s_image_check_notify_state 1');
  });
});
