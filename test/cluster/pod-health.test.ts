import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyPod, DEFAULT_POD_HEALTH_THRESHOLDS, maxReadySeconds } from '../../src/cluster/pod-health.js';
import { compactPod, type PodRecord } from '../../src/cluster/records.js';

/** Every fixture's timestamps are relative to this instant. */
const NOW = '2026-03-10T12:00:00Z';

function fixture(name: string): PodRecord {
  return compactPod(
    JSON.parse(readFileSync(new URL(`../../fixtures/cluster/pods/${name}`, import.meta.url), 'utf8')),
  );
}

/** [file, rule, class, severity, status, display, restarts, container, init, reason, exitCode, owner] */
type Row = [
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  string | null,
  boolean,
  string | null,
  number | null,
  string,
];

const TABLE: Row[] = [
  [
    't1-terminating.json',
    'T1',
    'Terminating',
    'none',
    'transitional',
    'Terminating',
    0,
    null,
    false,
    null,
    null,
    'Deployment/web',
  ],
  [
    't1-deleted-completed-pod.json',
    'T1',
    'Terminating',
    'none',
    'transitional',
    'Completed',
    0,
    null,
    false,
    null,
    null,
    'CronJob/backup',
  ],
  [
    't2-stuck-terminating.json',
    'T2',
    'Terminating',
    'warning',
    'unhealthy',
    'Terminating',
    0,
    null,
    false,
    null,
    null,
    'Deployment/web',
  ],
  [
    's-completed.json',
    'S',
    'Completed',
    'none',
    'ok',
    'Completed',
    0,
    null,
    false,
    null,
    null,
    'CronJob/backup',
  ],
  [
    'e-evicted.json',
    'E',
    'Evicted',
    'warning',
    'unhealthy',
    'ContainerStatusUnknown',
    0,
    null,
    false,
    'Evicted',
    null,
    'Deployment/web',
  ],
  [
    'e-evicted-without-reason.json',
    'E',
    'Evicted',
    'warning',
    'unhealthy',
    'ContainerStatusUnknown',
    0,
    null,
    false,
    'TerminationByKubelet',
    null,
    'Deployment/web',
  ],
  [
    'e-evicted-long-ago.json',
    'E',
    'Evicted',
    'info',
    'ok',
    'ContainerStatusUnknown',
    0,
    null,
    false,
    'Evicted',
    null,
    'Deployment/web',
  ],
  [
    'f-failed-job-pod.json',
    'F',
    'Failed',
    'warning',
    'unhealthy',
    'Error',
    0,
    'migrate',
    false,
    'Error',
    1,
    'Job/db-migrate',
  ],
  [
    'f-failed-node-affinity.json',
    'F',
    'Failed',
    'warning',
    'unhealthy',
    'NodeAffinity',
    0,
    null,
    false,
    'NodeAffinity',
    null,
    'Deployment/payments',
  ],
  [
    'u-phase-unknown.json',
    'U',
    'Unknown',
    'warning',
    'unhealthy',
    'NodeLost',
    0,
    null,
    false,
    'NodeLost',
    null,
    'StatefulSet/cache',
  ],
  [
    'u-container-status-unknown.json',
    'U',
    'Unknown',
    'warning',
    'unhealthy',
    'ContainerStatusUnknown',
    0,
    'web',
    false,
    'ContainerStatusUnknown',
    137,
    'Deployment/web',
  ],
  [
    'g-scheduling-gated.json',
    'G',
    'SchedulingGated',
    'none',
    'transitional',
    'SchedulingGated',
    0,
    null,
    false,
    'SchedulingGated',
    null,
    'Deployment/batch-worker',
  ],
  [
    'p-unschedulable.json',
    'P',
    'Unschedulable',
    'warning',
    'unhealthy',
    'Pending',
    0,
    null,
    false,
    'Unschedulable',
    null,
    'Deployment/search',
  ],
  [
    'p-unschedulable-recent.json',
    'P',
    'Unschedulable',
    'none',
    'transitional',
    'Pending',
    0,
    null,
    false,
    'Unschedulable',
    null,
    'Deployment/search',
  ],
  [
    'c1-oomkilled-backoff.json',
    'C1',
    'OOMKilled',
    'critical',
    'unhealthy',
    'CrashLoopBackOff',
    7,
    'worker',
    false,
    'OOMKilled',
    137,
    'Deployment/worker',
  ],
  [
    'c1-oomkilled-terminated.json',
    'C1',
    'OOMKilled',
    'critical',
    'unhealthy',
    'OOMKilled',
    2,
    'worker',
    false,
    'OOMKilled',
    137,
    'Deployment/worker',
  ],
  [
    'c2-oomkilled-recently-running.json',
    'C2',
    'OOMKilled',
    'warning',
    'unhealthy',
    'Running',
    1,
    'worker',
    false,
    'OOMKilled',
    137,
    'Deployment/worker',
  ],
  [
    'c3-start-error.json',
    'C3',
    'StartError',
    'critical',
    'unhealthy',
    'CrashLoopBackOff',
    4,
    'worker',
    false,
    'StartError',
    128,
    'Deployment/worker',
  ],
  [
    'c3-run-container-error.json',
    'C3',
    'StartError',
    'critical',
    'unhealthy',
    'RunContainerError',
    0,
    'worker',
    false,
    'RunContainerError',
    null,
    'Deployment/worker',
  ],
  [
    'c3-exit-127.json',
    'C3',
    'StartError',
    'critical',
    'unhealthy',
    'CrashLoopBackOff',
    5,
    'worker',
    false,
    'Error',
    127,
    'Deployment/worker',
  ],
  [
    'c4-exited-zero.json',
    'C4',
    'ExitedPrematurely',
    'critical',
    'unhealthy',
    'CrashLoopBackOff',
    9,
    'worker',
    false,
    'Completed',
    0,
    'Deployment/worker',
  ],
  [
    'c5-crashloop-error.json',
    'C5',
    'CrashLoopBackOff',
    'critical',
    'unhealthy',
    'CrashLoopBackOff',
    14,
    'worker',
    false,
    'Error',
    1,
    'Deployment/worker',
  ],
  [
    'c5-crashloop-sigkill.json',
    'C5',
    'CrashLoopBackOff',
    'critical',
    'unhealthy',
    'CrashLoopBackOff',
    6,
    'worker',
    false,
    'Error',
    137,
    'Deployment/worker',
  ],
  [
    'c5-terminated-onfailure.json',
    'C5',
    'CrashLoopBackOff',
    'critical',
    'unhealthy',
    'Error',
    3,
    'reindex',
    false,
    'Error',
    2,
    'Job/reindex',
  ],
  [
    'w1-image-pull-backoff.json',
    'W1',
    'ImagePullBackOff',
    'critical',
    'unhealthy',
    'ImagePullBackOff',
    0,
    'api',
    false,
    'ImagePullBackOff',
    null,
    'Deployment/api',
  ],
  [
    'w1-err-image-pull-recent.json',
    'W1',
    'ImagePullBackOff',
    'none',
    'transitional',
    'ErrImagePull',
    0,
    'api',
    false,
    'ErrImagePull',
    null,
    'Deployment/api',
  ],
  [
    'w2-invalid-image-name.json',
    'W2',
    'InvalidImageName',
    'critical',
    'unhealthy',
    'InvalidImageName',
    0,
    'api',
    false,
    'InvalidImageName',
    null,
    'Deployment/api',
  ],
  [
    'w3-create-container-config-error.json',
    'W3',
    'CreateContainerConfigError',
    'critical',
    'unhealthy',
    'CreateContainerConfigError',
    0,
    'api',
    false,
    'CreateContainerConfigError',
    null,
    'Deployment/api',
  ],
  [
    'w4-create-container-error.json',
    'W4',
    'CreateContainerError',
    'critical',
    'unhealthy',
    'CreateContainerError',
    0,
    'api',
    false,
    'CreateContainerError',
    null,
    'Deployment/api',
  ],
  [
    'w5-container-creating-stuck.json',
    'W5',
    'StuckPending',
    'warning',
    'unhealthy',
    'ContainerCreating',
    0,
    'api',
    false,
    'ContainerCreating',
    null,
    'Deployment/api',
  ],
  [
    'w5-init-running-stuck.json',
    'W5',
    'StuckPending',
    'warning',
    'unhealthy',
    'Init:0/1',
    0,
    'wait-for-db',
    true,
    'PodInitializing',
    null,
    'Deployment/api',
  ],
  [
    'w6-other-waiting-reason.json',
    'W6',
    'Waiting',
    'warning',
    'unhealthy',
    'ImageVolumeMountFailed',
    0,
    'api',
    false,
    'ImageVolumeMountFailed',
    null,
    'Deployment/api',
  ],
  [
    'r1-not-ready.json',
    'R1',
    'NotReady',
    'warning',
    'unhealthy',
    'Running',
    0,
    'api',
    false,
    'ContainersNotReady',
    null,
    'Deployment/api',
  ],
  [
    'r1-not-ready-recent.json',
    'R1',
    'NotReady',
    'none',
    'transitional',
    'Running',
    0,
    'api',
    false,
    'ContainersNotReady',
    null,
    'Deployment/api',
  ],
  [
    'r2-high-restarts.json',
    'R2',
    'HighRestartCount',
    'warning',
    'unhealthy',
    'Running',
    42,
    'api',
    false,
    'Error',
    1,
    'Deployment/api',
  ],
  [
    'r3-recent-restart.json',
    'R3',
    'RecentRestart',
    'info',
    'ok',
    'Running',
    1,
    'api',
    false,
    'Error',
    1,
    'Deployment/api',
  ],
  [
    'init-crashloop.json',
    'C5',
    'CrashLoopBackOff',
    'critical',
    'unhealthy',
    'Init:CrashLoopBackOff',
    6,
    'migrate',
    true,
    'Error',
    1,
    'Deployment/api',
  ],
  [
    'sidecar-crashloop.json',
    'C5',
    'CrashLoopBackOff',
    'critical',
    'unhealthy',
    'Init:CrashLoopBackOff',
    11,
    'log-shipper',
    true,
    'Error',
    1,
    'Deployment/api',
  ],
  [
    'multi-container-crash-and-recent-restart.json',
    'C5',
    'CrashLoopBackOff',
    'critical',
    'unhealthy',
    'CrashLoopBackOff',
    9,
    'metrics',
    false,
    'Error',
    1,
    'Deployment/api',
  ],
  ['ok-healthy.json', 'OK', 'Healthy', 'none', 'ok', 'Running', 0, null, false, null, null, 'Deployment/web'],
  [
    'ok-daemonset-pod.json',
    'OK',
    'Healthy',
    'none',
    'ok',
    'Running',
    0,
    null,
    false,
    null,
    null,
    'DaemonSet/node-exporter',
  ],
  [
    'ok-statefulset-pod.json',
    'OK',
    'Healthy',
    'none',
    'ok',
    'Running',
    0,
    null,
    false,
    null,
    null,
    'StatefulSet/db',
  ],
  [
    'ok-bare-pod.json',
    'OK',
    'Healthy',
    'none',
    'ok',
    'Running',
    0,
    null,
    false,
    null,
    null,
    'Pod/debug-shell',
  ],
  [
    'ok-static-pod.json',
    'OK',
    'Healthy',
    'none',
    'ok',
    'Running',
    0,
    null,
    false,
    null,
    null,
    'Pod/kube-apiserver-node-a',
  ],
];

describe('classifyPod: one fixture per row of the pod-health table', () => {
  it.each(TABLE)(
    '%s → %s %s',
    (file, rule, cls, severity, status, display, restarts, container, init, reason, exitCode, owner) => {
      const h = classifyPod(fixture(file), NOW);
      expect({
        rule: h.rule,
        class: h.class,
        severity: h.severity,
        status: h.status,
        display: h.display,
        restarts: h.restarts,
        container: h.container,
        init: h.init,
        reason: h.reason,
        exitCode: h.exitCode,
        owner: `${h.owner.kind}/${h.owner.name}`,
      }).toEqual({
        rule,
        class: cls,
        severity,
        status,
        display,
        restarts,
        container,
        init,
        reason,
        exitCode,
        owner,
      });
    },
  );

  it('covers every rule of the table', () => {
    const rules = new Set(TABLE.map((r) => r[1]));
    for (const r of [
      'T1',
      'T2',
      'S',
      'E',
      'F',
      'U',
      'G',
      'P',
      'C1',
      'C2',
      'C3',
      'C4',
      'C5',
      'W1',
      'W2',
      'W3',
      'W4',
      'W5',
      'W6',
      'R1',
      'R2',
      'R3',
      'OK',
    ])
      expect(rules.has(r), r).toBe(true);
  });
});

describe('classifyPod: grace periods and thresholds', () => {
  const at = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

  it('W1 turns critical exactly at waitingGrace from status.startTime', () => {
    const pod = fixture('w1-err-image-pull-recent.json'); // startTime = NOW - 30s
    const start = pod.status.startTime!;
    expect(classifyPod(pod, at(start, 119)).status).toBe('transitional');
    expect(classifyPod(pod, at(start, 120)).severity).toBe('critical');
  });

  it('P waits unschedulableGrace from PodScheduled.lastTransitionTime; the grace is configurable', () => {
    const pod = fixture('p-unschedulable-recent.json'); // 60 s ago
    expect(classifyPod(pod, NOW).status).toBe('transitional');
    expect(classifyPod(pod, NOW, { unschedulableGrace: 60 }).status).toBe('unhealthy');
  });

  it('T2 needs more than stuckGrace since deletionTimestamp and a non-terminal phase', () => {
    const pod = fixture('t2-stuck-terminating.json'); // deleted 2 h ago
    expect(classifyPod(pod, NOW, { stuckGrace: 7200 }).rule).toBe('T1');
    expect(classifyPod(pod, NOW, { stuckGrace: 7199 }).rule).toBe('T2');
    expect(classifyPod(fixture('t1-deleted-completed-pod.json'), NOW, { stuckGrace: 1 }).rule).toBe('T1');
  });

  it('T1 suppresses every other rule (a crash-looping pod being deleted)', () => {
    const pod = fixture('c5-crashloop-error.json');
    pod.metadata.deletionTimestamp = at(NOW, 10);
    expect(classifyPod(pod, NOW)).toMatchObject({ rule: 'T1', class: 'Terminating', status: 'transitional' });
  });

  it('R1 waits max(notReadyGrace, probe time); a long readiness probe extends it', () => {
    const pod = fixture('r1-not-ready.json'); // running for 1200 s
    expect(classifyPod(pod, NOW, { notReadyGrace: 1200 }).status).toBe('transitional');
    expect(classifyPod(pod, NOW, { notReadyGrace: 1199 }).status).toBe('unhealthy');
    pod.spec.containers[0]!.readinessProbe = { initialDelaySeconds: 1500 };
    expect(classifyPod(pod, NOW).status).toBe('transitional');
  });

  it('Skia pod_max_ready_time_s uses the API defaults 3/1/10/1', () => {
    expect(maxReadySeconds({ name: 'x', readinessProbe: {} })).toBe(44);
    expect(maxReadySeconds({ name: 'x' })).toBe(0);
  });

  it('R2 follows highRestartThreshold; below it a recent restart is R3, an old one is healthy', () => {
    const pod = fixture('r2-high-restarts.json'); // 42 restarts, last 3 h ago
    expect(classifyPod(pod, NOW, { highRestartThreshold: 43 }).rule).toBe('OK');
    expect(classifyPod(pod, NOW, { highRestartThreshold: 43, recentWindow: 4 * 3600 }).rule).toBe('R3');
  });

  it('C2 expires after recentWindow', () => {
    const pod = fixture('c2-oomkilled-recently-running.json'); // OOM 601 s ago
    expect(classifyPod(pod, NOW, { recentWindow: 600 }).rule).toBe('OK');
  });

  it('a Failed pod that finished outside recentWindow no longer counts (info)', () => {
    const pod = fixture('f-failed-job-pod.json'); // finished 300 s ago
    expect(classifyPod(pod, NOW, { recentWindow: 299 })).toMatchObject({
      class: 'Failed',
      severity: 'info',
      status: 'ok',
    });
  });

  it('uses the documented defaults', () => {
    expect(DEFAULT_POD_HEALTH_THRESHOLDS).toEqual({
      waitingGrace: 120,
      unschedulableGrace: 300,
      stuckGrace: 1800,
      notReadyGrace: 300,
      recentWindow: 3600,
      highRestartThreshold: 20,
    });
  });
});

describe('classifyPod: container rules in detail', () => {
  it('an init container that exited 0 is skipped; the next incomplete one is the only one evaluated', () => {
    const pod = fixture('init-crashloop.json');
    pod.spec.initContainers!.unshift({ name: 'copy-config', image: 'busybox:1.36' });
    pod.status.initContainerStatuses!.unshift({
      name: 'copy-config',
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    const h = classifyPod(pod, NOW);
    expect([h.container, h.init, h.display]).toEqual(['migrate', true, 'Init:CrashLoopBackOff']);
  });

  it('exit 0 of a classic init container is success, never ExitedPrematurely', () => {
    const pod = fixture('init-crashloop.json');
    const st = pod.status.initContainerStatuses![0]!;
    st.lastState = { terminated: { exitCode: 0, reason: 'Completed' } };
    expect(classifyPod(pod, NOW).class).toBe('CrashLoopBackOff');
  });

  it('exit 0 under restartPolicy OnFailure is a normal completion', () => {
    const pod = fixture('c5-terminated-onfailure.json');
    pod.status.containerStatuses![0]!.state = { terminated: { exitCode: 0, reason: 'Completed' } };
    expect(classifyPod(pod, NOW).class).not.toBe('ExitedPrematurely');
    expect(classifyPod(pod, NOW).severity).not.toBe('critical');
  });

  it('a non-zero exit under restartPolicy Never is not a crash loop', () => {
    const pod = fixture('c5-terminated-onfailure.json');
    pod.spec.restartPolicy = 'Never';
    expect(classifyPod(pod, NOW).class).not.toBe('CrashLoopBackOff');
  });

  it('ContainerStatusUnknown in lastState while in back-off is Unknown, not a crash', () => {
    const pod = fixture('c5-crashloop-sigkill.json');
    pod.status.containerStatuses![0]!.lastState = {
      terminated: { exitCode: 137, reason: 'ContainerStatusUnknown' },
    };
    expect(classifyPod(pod, NOW)).toMatchObject({ class: 'Unknown', severity: 'warning' });
  });

  it('exit 137 with reason Error stays CrashLoopBackOff and says SIGKILL in the message', () => {
    const h = classifyPod(fixture('c5-crashloop-sigkill.json'), NOW);
    expect(h.class).toBe('CrashLoopBackOff');
    expect(h.message).toContain('SIGKILL');
  });

  it('the most severe container wins; ties go to API order', () => {
    const pod = fixture('multi-container-crash-and-recent-restart.json');
    expect(classifyPod(pod, NOW).container).toBe('metrics');
    // Make both containers crash: the first in API order wins.
    pod.status.containerStatuses![0]!.state = { waiting: { reason: 'CrashLoopBackOff' } };
    expect(classifyPod(pod, NOW).container).toBe('api');
  });

  it('keeps per-container facts for metrics', () => {
    const h = classifyPod(fixture('sidecar-crashloop.json'), NOW);
    expect(h.containers.map((c) => [c.name, c.init, c.sidecar, c.state, c.restartCount, c.ready])).toEqual([
      ['log-shipper', true, true, 'waiting', 11, false],
      ['api', false, false, 'running', 0, true],
    ]);
    expect(h.containers[0]!.lastTerminatedReason).toBe('Error');
  });

  it('akkerisCode follows docs/pod-health.md#table and is null for info', () => {
    expect(classifyPod(fixture('w1-image-pull-backoff.json'), NOW).akkerisCode).toBe('H99');
    expect(classifyPod(fixture('p-unschedulable.json'), NOW).akkerisCode).toBe('H98');
    expect(classifyPod(fixture('r3-recent-restart.json'), NOW).akkerisCode).toBeNull();
  });

  it('carries the Kubernetes message (registry error, missing secret)', () => {
    expect(classifyPod(fixture('w1-image-pull-backoff.json'), NOW).message).toContain('not found');
    expect(classifyPod(fixture('w3-create-container-config-error.json'), NOW).message).toContain(
      'secret "api-db-credentials" not found',
    );
  });
});
