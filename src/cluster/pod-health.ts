/**
 * The pod-health classifier of `shared/docs/pod-health.md` (E.2 evaluation order, E.3 table, E.4 record).
 * Pure: a pod and `now` in, a `PodHealth` out. Every grace period is measured from timestamps in the object.
 */
import { ownerOfPod } from './owners.js';
import { kubectlStatus } from './pod-display.js';
import type { ContainerSpecRecord, ContainerStatusRecord, PodRecord, ProbeRecord } from './records.js';
import type {
  ContainerHealth,
  HealthSeverity,
  OwnerRef,
  PodHealth,
  PodHealthClass,
  PodHealthRule,
  PodHealthThresholds,
} from './types.js';

/** The default thresholds of pod-health.md E.2, in seconds. */
export const DEFAULT_POD_HEALTH_THRESHOLDS: Readonly<PodHealthThresholds> = Object.freeze({
  waitingGrace: 120,
  unschedulableGrace: 300,
  stuckGrace: 1800,
  notReadyGrace: 300,
  recentWindow: 3600,
  highRestartThreshold: 20,
});

const SEVERITY_RANK: Record<HealthSeverity, number> = { critical: 3, warning: 2, info: 1, none: 0 };

/** Returns the rank of a severity (critical 3 … none 0), for sorting and max. */
export function severityRank(s: HealthSeverity): number {
  return SEVERITY_RANK[s];
}

/** Returns the higher of two severities. */
export function maxSeverity(a: HealthSeverity, b: HealthSeverity): HealthSeverity {
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

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

const PULL_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'ImageInspectError',
  'RegistryUnavailable',
  'SignatureValidationFailed',
]);
const CREATE_REASONS = new Set([
  'CreateContainerError',
  'PreStartHookError',
  'PreCreateHookError',
  'PostStartHookError',
]);
const CREATING_REASONS = new Set(['ContainerCreating', 'PodInitializing']);
const START_ERROR_REASONS = new Set(['StartError', 'ContainerCannotRun']);

interface Finding {
  rule: PodHealthRule;
  class: PodHealthClass;
  severity: HealthSeverity;
  /** Inside a grace period: the finding may still heal by itself. */
  transitional: boolean;
  container: string | null;
  init: boolean;
  reason: string | null;
  exitCode: number | null;
  message: string | null;
}

interface ContainerContext {
  init: boolean;
  /** A regular container or a sidecar (C4 applies); false for a classic init container. */
  regular: boolean;
  /** The effective restart policy of this container. */
  restartPolicy: string;
  /** The first incomplete (classic) init container. */
  currentInit: boolean;
  spec: ContainerSpecRecord | undefined;
}

interface Clock {
  nowMs: number;
  t: PodHealthThresholds;
}

/** Seconds from an ISO timestamp to now, or null when the timestamp is missing or invalid. */
function since(iso: string | undefined, clock: Clock): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : (clock.nowMs - ms) / 1000;
}

/** `ageSeconds ≥ grace`, treating an unknown age as past the grace (the pod has no usable timestamp). */
function pastGrace(age: number | null, grace: number): boolean {
  return age === null || age >= grace;
}

function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function join(...parts: (string | undefined | null | false)[]): string {
  return parts
    .map((p) => (p ? p.trim() : ''))
    .filter(Boolean)
    .join(' ');
}

function times(n: number): string {
  return n === 1 ? '1 time' : `${n} times`;
}

/** Skia's `pod_max_ready_time_s`: initialDelay + (failure + success) × (period + timeout), API defaults 3/1/10/1. */
export function maxReadySeconds(spec: ContainerSpecRecord | undefined): number {
  const probeTime = (p: ProbeRecord | undefined): number =>
    p
      ? (p.initialDelaySeconds ?? 0) +
        ((p.failureThreshold ?? 3) + (p.successThreshold ?? 1)) *
          ((p.periodSeconds ?? 10) + (p.timeoutSeconds ?? 1))
      : 0;
  return probeTime(spec?.readinessProbe) + probeTime(spec?.startupProbe);
}

function graceFinding(
  base: Omit<Finding, 'severity' | 'transitional'>,
  severity: HealthSeverity,
  past: boolean,
): Finding {
  return { ...base, severity: past ? severity : 'none', transitional: !past };
}

function evaluateContainer(
  pod: PodRecord,
  cs: ContainerStatusRecord,
  ctx: ContainerContext,
  clock: Clock,
): Finding[] {
  const { t } = clock;
  const w = cs.state?.waiting;
  const run = cs.state?.running;
  const term = cs.state?.terminated;
  const last = cs.lastState?.terminated;
  const backoff = w?.reason === 'CrashLoopBackOff' || w?.reason === 'RunContainerError';
  const cause = backoff ? last : term;
  const base = { container: cs.name, init: ctx.init };
  const restarts = cs.restartCount ?? 0;
  const causeText = cause
    ? `last exit code ${cause.exitCode ?? '?'}${cause.reason ? ` (${cause.reason})` : ''}` +
      `${cause.finishedAt ? ` at ${cause.finishedAt}` : ''}${cause.message?.trim() ? `: ${cause.message.trim()}` : ''}`
    : null;
  const crash = (rule: PodHealthRule, cls: PodHealthClass, what: string, reason?: string): Finding => ({
    ...base,
    rule,
    class: cls,
    severity: 'critical',
    transitional: false,
    reason: cause?.reason ?? reason ?? w?.reason ?? null,
    exitCode: cause?.exitCode ?? null,
    message: join(
      `Container ${cs.name} ${what};`,
      causeText ? `${causeText};` : null,
      `restarted ${times(restarts)}.`,
    ),
  });

  // U (container level): the runtime lost the container (node restart, eviction race).
  if (term?.reason === 'ContainerStatusUnknown' || (backoff && last?.reason === 'ContainerStatusUnknown')) {
    const st = term ?? last;
    return [
      {
        ...base,
        rule: 'U',
        class: 'Unknown',
        severity: 'warning',
        transitional: false,
        reason: 'ContainerStatusUnknown',
        exitCode: st?.exitCode ?? null,
        message: join(`Container ${cs.name}: the runtime lost its state.`, st?.message),
      },
    ];
  }
  if (cause?.reason === 'OOMKilled')
    return [crash('C1', 'OOMKilled', 'was OOM-killed (memory limit reached)')];
  if (
    w?.reason === 'RunContainerError' ||
    START_ERROR_REASONS.has(cause?.reason ?? '') ||
    cause?.exitCode === 126 ||
    cause?.exitCode === 127
  ) {
    return [
      crash(
        'C3',
        'StartError',
        'cannot start (bad command, entrypoint or permissions)',
        w?.reason ?? undefined,
      ),
    ];
  }
  if (ctx.regular && ctx.restartPolicy === 'Always' && cause && cause.exitCode === 0 && (backoff || term)) {
    return [
      crash('C4', 'ExitedPrematurely', 'exits with code 0 but the pod restarts it (restartPolicy Always)'),
    ];
  }
  if (
    w?.reason === 'CrashLoopBackOff' ||
    (term && (term.exitCode ?? 0) !== 0 && ctx.restartPolicy !== 'Never')
  ) {
    const sigkill =
      cause?.exitCode === 137
        ? ' (exit 137 is SIGKILL: an OOM kill the runtime missed, or a liveness-probe kill)'
        : '';
    return [crash('C5', 'CrashLoopBackOff', `is crash-looping${sigkill}`, 'CrashLoopBackOff')];
  }

  const startAge = since(pod.status.startTime, clock);
  if (w?.reason) {
    const msg = join(`Container ${cs.name} is waiting: ${w.reason}`, w.message && `- ${w.message}`);
    const wb = { ...base, reason: w.reason, exitCode: null, message: msg };
    if (PULL_REASONS.has(w.reason))
      return [
        graceFinding(
          { ...wb, rule: 'W1', class: 'ImagePullBackOff' },
          'critical',
          pastGrace(startAge, t.waitingGrace),
        ),
      ];
    if (w.reason === 'InvalidImageName')
      return [{ ...wb, rule: 'W2', class: 'InvalidImageName', severity: 'critical', transitional: false }];
    if (w.reason === 'CreateContainerConfigError')
      return [
        graceFinding(
          { ...wb, rule: 'W3', class: 'CreateContainerConfigError' },
          'critical',
          pastGrace(startAge, t.waitingGrace),
        ),
      ];
    if (CREATE_REASONS.has(w.reason))
      return [
        graceFinding(
          { ...wb, rule: 'W4', class: 'CreateContainerError' },
          'critical',
          pastGrace(startAge, t.waitingGrace),
        ),
      ];
    if (CREATING_REASONS.has(w.reason))
      return [
        graceFinding(
          { ...wb, rule: 'W5', class: 'StuckPending' },
          'warning',
          pastGrace(startAge, t.stuckGrace),
        ),
      ];
    return [
      graceFinding({ ...wb, rule: 'W6', class: 'Waiting' }, 'warning', pastGrace(startAge, t.waitingGrace)),
    ];
  }
  if (ctx.currentInit && run) {
    const past = pastGrace(startAge, t.stuckGrace);
    const msg = `Init container ${cs.name} has been running since ${run.startedAt ?? '?'}; the pod is still initializing.`;
    return [
      graceFinding(
        {
          ...base,
          rule: 'W5',
          class: 'StuckPending',
          reason: 'PodInitializing',
          exitCode: null,
          message: msg,
        },
        'warning',
        past,
      ),
    ];
  }
  if (!run) return [];

  const out: Finding[] = [];
  const lastAge = since(last?.finishedAt, clock);
  const recentLast = lastAge !== null && lastAge <= t.recentWindow;
  const c2 = last?.reason === 'OOMKilled' && recentLast;
  if (c2) {
    out.push({
      ...base,
      rule: 'C2',
      class: 'OOMKilled',
      severity: 'warning',
      transitional: false,
      reason: 'OOMKilled',
      exitCode: last?.exitCode ?? null,
      message: `Container ${cs.name} was OOM-killed at ${last?.finishedAt} and is running again; restarted ${times(restarts)}.`,
    });
  }
  if (cs.ready === false) {
    const age = since(run.startedAt, clock);
    const limit = Math.max(t.notReadyGrace, maxReadySeconds(ctx.spec));
    const past = age === null || age > limit;
    const probe = cs.started === false ? 'startup probe' : 'readiness probe';
    out.push(
      graceFinding(
        {
          ...base,
          rule: 'R1',
          class: 'NotReady',
          reason: 'ContainersNotReady',
          exitCode: null,
          message: `Container ${cs.name} has been running ${age === null ? '' : `for ${fmtDuration(age)} `}without becoming ready (${probe} failing; see the pod's events).`,
        },
        'warning',
        past,
      ),
    );
  }
  const r2 = cs.ready === true && restarts >= t.highRestartThreshold;
  if (r2) {
    out.push({
      ...base,
      rule: 'R2',
      class: 'HighRestartCount',
      severity: 'warning',
      transitional: false,
      reason: last?.reason ?? null,
      exitCode: last?.exitCode ?? null,
      message: `Container ${cs.name} has restarted ${restarts} times (threshold ${t.highRestartThreshold}).`,
    });
  }
  if (!c2 && !r2 && recentLast) {
    out.push({
      ...base,
      rule: 'R3',
      class: 'RecentRestart',
      severity: 'info',
      transitional: false,
      reason: last?.reason ?? null,
      exitCode: last?.exitCode ?? null,
      message: `Container ${cs.name} restarted at ${last?.finishedAt} (${causeOf(last)}) and is running again.`,
    });
  }
  return out;
}

function causeOf(t: { reason?: string; exitCode?: number } | undefined): string {
  return `exit code ${t?.exitCode ?? '?'}${t?.reason ? `, ${t.reason}` : ''}`;
}

function podFinding(
  rule: PodHealthRule,
  cls: PodHealthClass,
  severity: HealthSeverity,
  transitional: boolean,
  reason: string | null,
  message: string | null,
): Finding {
  return {
    rule,
    class: cls,
    severity,
    transitional,
    container: null,
    init: false,
    reason,
    exitCode: null,
    message,
  };
}

function condition(pod: PodRecord, type: string) {
  return (pod.status.conditions ?? []).find((c) => c.type === type);
}

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

/** Container rules in E.2 order: sidecars and the first incomplete init container, then regular containers. */
function evaluateContainers(pod: PodRecord, clock: Clock): Finding[] {
  const findings: Finding[] = [];
  const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  const specs = new Map(pod.spec.containers.map((c) => [c.name, c]));
  const podPolicy = pod.spec.restartPolicy ?? 'Always';
  const initialized = condition(pod, 'Initialized')?.status === 'True';
  let initializing = false;
  for (const cs of pod.status.initContainerStatuses ?? []) {
    const spec = initSpecs.get(cs.name);
    if (spec?.restartPolicy === 'Always') {
      findings.push(
        ...evaluateContainer(
          pod,
          cs,
          { init: true, regular: true, restartPolicy: 'Always', currentInit: false, spec },
          clock,
        ),
      );
      continue;
    }
    if (initialized || cs.state?.terminated?.exitCode === 0) continue;
    // Init containers restart on failure unless the pod's policy is Never.
    const restartPolicy = podPolicy === 'Never' ? 'Never' : 'OnFailure';
    findings.push(
      ...evaluateContainer(
        pod,
        cs,
        { init: true, regular: false, restartPolicy, currentInit: true, spec },
        clock,
      ),
    );
    initializing = true;
    break;
  }
  if (initializing) return findings;
  const statuses = pod.status.containerStatuses ?? [];
  for (const cs of statuses) {
    const spec = specs.get(cs.name);
    const restartPolicy = spec?.restartPolicy ?? podPolicy;
    findings.push(
      ...evaluateContainer(
        pod,
        cs,
        { init: false, regular: true, restartPolicy, currentInit: false, spec },
        clock,
      ),
    );
  }
  if (statuses.length === 0 && (pod.status.initContainerStatuses ?? []).length === 0) {
    // Scheduled but the kubelet never reported a container: treat like ContainerCreating (W5).
    const startAge = since(
      pod.status.startTime ??
        condition(pod, 'PodScheduled')?.lastTransitionTime ??
        pod.metadata.creationTimestamp,
      clock,
    );
    const past = pastGrace(startAge, clock.t.stuckGrace);
    findings.push(
      graceFinding(
        {
          rule: 'W5',
          class: 'StuckPending',
          container: null,
          init: false,
          reason: pod.status.reason ?? null,
          exitCode: null,
          message: 'No container status has been reported for this pod yet.',
        },
        'warning',
        past,
      ),
    );
  }
  return findings;
}

function containerHealth(pod: PodRecord): ContainerHealth[] {
  const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  const specs = new Map(pod.spec.containers.map((c) => [c.name, c]));
  const one = (cs: ContainerStatusRecord, init: boolean): ContainerHealth => {
    const spec = init ? initSpecs.get(cs.name) : specs.get(cs.name);
    const s = cs.state;
    const term = s?.terminated ?? cs.lastState?.terminated;
    return {
      name: cs.name,
      init,
      sidecar: init && spec?.restartPolicy === 'Always',
      image: cs.image ?? spec?.image ?? null,
      imageId: cs.imageID || null,
      ready: cs.ready === true,
      restartCount: cs.restartCount ?? 0,
      state: s?.waiting ? 'waiting' : s?.running ? 'running' : s?.terminated ? 'terminated' : 'unknown',
      waitingReason: s?.waiting?.reason ?? null,
      lastTerminatedReason: term?.reason ?? null,
      lastTerminatedExitCode: term?.exitCode ?? null,
    };
  };
  return [
    ...(pod.status.initContainerStatuses ?? []).map((cs) => one(cs, true)),
    ...(pod.status.containerStatuses ?? []).map((cs) => one(cs, false)),
  ];
}

/** Returns the `now` in milliseconds of a Date, a number or an ISO string. */
export function toMillis(now: Date | number | string): number {
  if (typeof now === 'number') return now;
  if (typeof now === 'string') return Date.parse(now);
  return now.getTime();
}

/**
 * Returns the health of one pod as of `now` (pod-health.md E.2–E.4). The owner defaults to what the pod alone
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
  for (const f of findings) if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best.severity]) best = f;
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
