/**
 * Container rules of the pod-health table (docs/pod-health.md#evaluation-order and #table, rows U, C1–C5, W1–W6, R1–R3):
 * sidecars and the first incomplete init container, then regular containers in API order. Pure.
 */
import {
  type Clock,
  condition,
  type Finding,
  fmtDuration,
  graceFinding,
  join,
  pastGrace,
  since,
  times,
} from './health-finding.js';
import type { ContainerSpecRecord, ContainerStatusRecord, PodRecord, ProbeRecord } from './records.js';
import type { ContainerHealth, PodHealthClass, PodHealthRule } from './types.js';

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

/** Container rules in the order of docs/pod-health.md#evaluation-order: sidecars and the first incomplete init container, then regular containers. */
export function evaluateContainers(pod: PodRecord, clock: Clock): Finding[] {
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

/** Returns the per-container facts metrics need (state, readiness, restarts, last termination). */
export function containerHealth(pod: PodRecord): ContainerHealth[] {
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
