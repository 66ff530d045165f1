/**
 * The pod-health classifier of docs/pod-health.md (#evaluation-order, #table, #record).
 * Pure: a pod and `now` in, a `PodHealth` out. Every grace period is measured from timestamps in the object.
 * Pod-level rules (T, S, E/F, U, G/P) live here; container rules in `container-rules.ts`.
 */
import { containerHealth, evaluateContainers } from './container-rules.js';
import {
  type Clock,
  condition,
  type Finding,
  fmtDuration,
  join,
  pastGrace,
  podFinding,
  severityRank,
  since,
} from './health-finding.js';
import { ownerOfPod } from './owners.js';
import { kubectlStatus } from './pod-display.js';
import type { PodRecord } from './records.js';
import type { HealthSeverity, OwnerRef, PodHealth, PodHealthClass, PodHealthThresholds } from './types.js';

export { maxReadySeconds } from './container-rules.js';
export { maxSeverity, severityRank } from './health-finding.js';

/** The default thresholds of docs/pod-health.md#thresholds, in seconds. */
export const DEFAULT_POD_HEALTH_THRESHOLDS: Readonly<PodHealthThresholds> = Object.freeze({
  waitingGrace: 120,
  unschedulableGrace: 300,
  stuckGrace: 1800,
  notReadyGrace: 300,
  recentWindow: 3600,
  highRestartThreshold: 20,
});

const AKKERIS: Partial<Record<PodHealthClass, string>> = {
  Unschedulable: 'H98',
  OOMKilled: 'R14',
  StartError: 'H9',
  ExitedPrematurely: 'H8',
  CrashLoopBackOff: 'H10',
  ImagePullBackOff: 'H99',
  InvalidImageName: 'H99',
  CreateContainerConfigError: 'H0',
  CreateContainerError: 'H0',
  NotReady: 'H20',
};

/** Pod-level rules T, S, F/E, U, G/P; null when the containers decide. */
function evaluatePod(pod: PodRecord, clock: Clock): Finding | null {
  const { t } = clock;
  const phase = pod.status.phase ?? '';
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const del = pod.metadata.deletionTimestamp;
  if (del) {
    const age = since(del, clock);
    if (!terminal && age !== null && age > t.stuckGrace)
      return podFinding(
        'T2',
        'Terminating',
        'warning',
        false,
        null,
        `Pod has been terminating since ${del} (${fmtDuration(age)}): a finalizer or an unreachable node holds it; check metadata.finalizers and the node.`,
      );
    return podFinding('T1', 'Terminating', 'none', true, null, null);
  }
  if (phase === 'Succeeded') return podFinding('S', 'Completed', 'none', false, null, null);
  if (phase === 'Failed') return failedPod(pod, clock);
  if (phase === 'Unknown')
    return podFinding(
      'U',
      'Unknown',
      'warning',
      false,
      pod.status.reason ?? null,
      pod.status.message ?? 'The pod phase is Unknown: its node stopped reporting.',
    );
  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.status === 'False') {
    if (scheduled.reason === 'SchedulingGated')
      return podFinding('G', 'SchedulingGated', 'none', true, 'SchedulingGated', scheduled.message ?? null);
    const age = since(scheduled.lastTransitionTime ?? pod.metadata.creationTimestamp, clock);
    const past = pastGrace(age, t.unschedulableGrace);
    return podFinding(
      'P',
      'Unschedulable',
      past ? 'warning' : 'none',
      !past,
      scheduled.reason ?? 'Unschedulable',
      scheduled.message ?? null,
    );
  }
  return null;
}

function failedPod(pod: PodRecord, clock: Clock): Finding {
  const { t } = clock;
  const disruption = condition(pod, 'DisruptionTarget');
  const byKubelet = disruption?.status === 'True' && disruption.reason === 'TerminationByKubelet';
  if (pod.status.reason === 'Evicted' || byKubelet) {
    const at = disruption?.lastTransitionTime ?? condition(pod, 'Ready')?.lastTransitionTime;
    const age = since(at, clock);
    const old = age !== null && age > t.recentWindow;
    const message = pod.status.message ?? disruption?.message ?? null;
    return podFinding(
      'E',
      'Evicted',
      old ? 'info' : 'warning',
      false,
      pod.status.reason ?? disruption?.reason ?? 'Evicted',
      old ? join(message, `(evicted ${fmtDuration(age)} ago, outside the recent window)`) : message,
    );
  }
  const statuses = [
    ...(pod.status.initContainerStatuses ?? []).map((s) => ({ s, init: true })),
    ...(pod.status.containerStatuses ?? []).map((s) => ({ s, init: false })),
  ];
  const failed = statuses.find(({ s }) => {
    const code = s.state?.terminated?.exitCode;
    return code !== undefined && code !== 0;
  });
  let finished: number | null = null;
  for (const { s } of statuses) {
    const ms = Date.parse(s.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(ms)) finished = Math.max(finished ?? ms, ms);
  }
  const age = finished === null ? null : (clock.nowMs - finished) / 1000;
  const old = age !== null && age > t.recentWindow;
  const severity: HealthSeverity = old ? 'info' : 'warning';
  if (failed) {
    const term = failed.s.state?.terminated;
    return {
      rule: 'F',
      class: 'Failed',
      severity,
      transitional: false,
      container: failed.s.name,
      init: failed.init,
      reason: term?.reason ?? null,
      exitCode: term?.exitCode ?? null,
      message: join(
        `${failed.init ? 'Init container' : 'Container'} ${failed.s.name} failed with exit code ${term?.exitCode}${term?.reason ? ` (${term.reason})` : ''}${term?.finishedAt ? ` at ${term.finishedAt}` : ''}.`,
        term?.message,
        pod.status.message,
      ),
    };
  }
  return podFinding('F', 'Failed', severity, false, pod.status.reason ?? null, pod.status.message ?? null);
}

/** Returns the `now` in milliseconds of a Date, a number or an ISO string. */
export function toMillis(now: Date | number | string): number {
  if (typeof now === 'number') return now;
  if (typeof now === 'string') return Date.parse(now);
  return now.getTime();
}

/**
 * Returns the health of one pod as of `now` (docs/pod-health.md#evaluation-order to #record). The owner defaults to what the pod alone
 * tells (`ownerOfPod` without an index).
 */
export function classifyPod(
  pod: PodRecord,
  now: Date | number | string,
  thresholds: Partial<PodHealthThresholds> = {},
  owner: OwnerRef = ownerOfPod(pod),
): PodHealth {
  const clock: Clock = { nowMs: toMillis(now), t: { ...DEFAULT_POD_HEALTH_THRESHOLDS, ...thresholds } };
  const podLevel = evaluatePod(pod, clock);
  const findings = podLevel ? [podLevel] : evaluateContainers(pod, clock);
  let best: Finding | null = null;
  for (const f of findings) if (!best || severityRank(f.severity) > severityRank(best.severity)) best = f;
  const { display, restarts } = kubectlStatus(pod);
  const result: Finding = best ?? {
    rule: 'OK',
    class: 'Healthy',
    severity: 'none',
    transitional: false,
    container: null,
    init: false,
    reason: null,
    exitCode: null,
    message: null,
  };
  const unhealthy = result.severity === 'critical' || result.severity === 'warning';
  return {
    namespace: pod.metadata.namespace,
    pod: pod.metadata.name,
    owner,
    status: unhealthy ? 'unhealthy' : result.transitional ? 'transitional' : 'ok',
    class: result.class,
    severity: result.severity,
    container: result.container,
    init: result.init,
    reason: result.reason,
    exitCode: result.exitCode,
    restarts,
    message: result.message,
    display,
    akkerisCode: result.severity === 'info' ? null : (AKKERIS[result.class] ?? null),
    phase: pod.status.phase ?? 'Unknown',
    rule: result.rule,
    node: pod.spec.nodeName ?? null,
    containers: containerHealth(pod),
  };
}
