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
import type {
  ContainerSpecRecord,
  ContainerStateRecord,
  ContainerStatusRecord,
  PodRecord,
  ProbeRecord,
} from './records.js';
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
  pod: PodRecord;
  clock: Clock;
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

/** What one container's rules look at: its status, its context and the clock. */
interface ContainerInput {
  pod: PodRecord;
  cs: ContainerStatusRecord;
  ctx: ContainerContext;
  clock: Clock;
}

/** The states of one container status, named once for every rule. */
interface ContainerStates {
  w: ContainerStateRecord['waiting'];
  run: ContainerStateRecord['running'];
  term: ContainerStateRecord['terminated'];
  last: ContainerStateRecord['terminated'];
  /** Waiting in back-off: the last termination is the cause. */
  backoff: boolean;
  /** The termination that explains the state (the last one in back-off, else the current one). */
  cause: ContainerStateRecord['terminated'];
  base: { container: string; init: boolean };
  restarts: number;
}

function statesOf(cs: ContainerStatusRecord, ctx: ContainerContext): ContainerStates {
  const w = cs.state?.waiting;
  const term = cs.state?.terminated;
  const last = cs.lastState?.terminated;
  const backoff = w?.reason === 'CrashLoopBackOff' || w?.reason === 'RunContainerError';
  return {
    w,
    run: cs.state?.running,
    term,
    last,
    backoff,
    cause: backoff ? last : term,
    base: { container: cs.name, init: ctx.init },
    restarts: cs.restartCount ?? 0,
  };
}

/** The findings of one container, in rule order: lost, crashed, waiting, else the running rules. */
function evaluateContainer(cs: ContainerStatusRecord, ctx: ContainerContext): Finding[] {
  const input: ContainerInput = { pod: ctx.pod, cs, ctx, clock: ctx.clock };
  const s = statesOf(cs, ctx);
  const failed = lostFinding(cs, s) ?? crashFinding(input, s);
  if (failed) return [failed];
  const waiting = waitingFinding(input, s);
  if (waiting) return [waiting];
  return s.run ? runningFindings(input, s) : [];
}

/** U (container level): the runtime lost the container (node restart, eviction race). */
function lostFinding(cs: ContainerStatusRecord, s: ContainerStates): Finding | null {
  if (
    s.term?.reason !== 'ContainerStatusUnknown' &&
    !(s.backoff && s.last?.reason === 'ContainerStatusUnknown')
  )
    return null;
  const st = s.term ?? s.last;
  return {
    ...s.base,
    rule: 'U',
    class: 'Unknown',
    severity: 'warning',
    transitional: false,
    reason: 'ContainerStatusUnknown',
    exitCode: st?.exitCode ?? null,
    message: join(`Container ${cs.name}: the runtime lost its state.`, st?.message),
  };
}

/** C1, C3, C4, C5: the container died (OOM, cannot start, exits 0 under Always, crash loop). */
function crashFinding({ cs, ctx }: ContainerInput, s: ContainerStates): Finding | null {
  const { w, term, cause, backoff } = s;
  const crash = (rule: PodHealthRule, cls: PodHealthClass, what: string, reason?: string) =>
    crashed({ cs, s, rule, cls, what, reason });
  if (cause?.reason === 'OOMKilled') return crash('C1', 'OOMKilled', 'was OOM-killed (memory limit reached)');
  if (
    w?.reason === 'RunContainerError' ||
    START_ERROR_REASONS.has(cause?.reason ?? '') ||
    cause?.exitCode === 126 ||
    cause?.exitCode === 127
  )
    return crash(
      'C3',
      'StartError',
      'cannot start (bad command, entrypoint or permissions)',
      w?.reason ?? undefined,
    );
  if (ctx.regular && ctx.restartPolicy === 'Always' && cause && cause.exitCode === 0 && (backoff || term))
    return crash(
      'C4',
      'ExitedPrematurely',
      'exits with code 0 but the pod restarts it (restartPolicy Always)',
    );
  if (
    w?.reason === 'CrashLoopBackOff' ||
    (term && (term.exitCode ?? 0) !== 0 && ctx.restartPolicy !== 'Never')
  ) {
    const sigkill =
      cause?.exitCode === 137
        ? ' (exit 137 is SIGKILL: an OOM kill the runtime missed, or a liveness-probe kill)'
        : '';
    return crash('C5', 'CrashLoopBackOff', `is crash-looping${sigkill}`, 'CrashLoopBackOff');
  }
  return null;
}

/** A critical crash finding, its message naming the cause (exit code, reason, time, message) and restarts. */
function crashed(o: {
  cs: ContainerStatusRecord;
  s: ContainerStates;
  rule: PodHealthRule;
  cls: PodHealthClass;
  what: string;
  reason: string | undefined;
}): Finding {
  const { cause, w } = o.s;
  const causeText = cause
    ? `last exit code ${cause.exitCode ?? '?'}${cause.reason ? ` (${cause.reason})` : ''}` +
      `${cause.finishedAt ? ` at ${cause.finishedAt}` : ''}${cause.message?.trim() ? `: ${cause.message.trim()}` : ''}`
    : null;
  return {
    ...o.s.base,
    rule: o.rule,
    class: o.cls,
    severity: 'critical',
    transitional: false,
    reason: cause?.reason ?? o.reason ?? w?.reason ?? null,
    exitCode: cause?.exitCode ?? null,
    message: join(
      `Container ${o.cs.name} ${o.what};`,
      causeText ? `${causeText};` : null,
      `restarted ${times(o.s.restarts)}.`,
    ),
  };
}

/** W1–W6 by waiting reason, and W5 for the current init container still running past the stuck grace. */
function waitingFinding({ pod, cs, ctx, clock }: ContainerInput, s: ContainerStates): Finding | null {
  const { t } = clock;
  const startAge = since(pod.status.startTime, clock);
  const { w, run } = s;
  if (w?.reason) {
    const msg = join(`Container ${cs.name} is waiting: ${w.reason}`, w.message && `- ${w.message}`);
    const wb = { ...s.base, reason: w.reason, exitCode: null, message: msg };
    const waiting = (
      rule: PodHealthRule,
      cls: PodHealthClass,
      severity: 'critical' | 'warning',
      grace: number,
    ) => graceFinding({ ...wb, rule, class: cls }, severity, pastGrace(startAge, grace));
    if (PULL_REASONS.has(w.reason)) return waiting('W1', 'ImagePullBackOff', 'critical', t.waitingGrace);
    if (w.reason === 'InvalidImageName')
      return { ...wb, rule: 'W2', class: 'InvalidImageName', severity: 'critical', transitional: false };
    if (w.reason === 'CreateContainerConfigError')
      return waiting('W3', 'CreateContainerConfigError', 'critical', t.waitingGrace);
    if (CREATE_REASONS.has(w.reason))
      return waiting('W4', 'CreateContainerError', 'critical', t.waitingGrace);
    if (CREATING_REASONS.has(w.reason)) return waiting('W5', 'StuckPending', 'warning', t.stuckGrace);
    return waiting('W6', 'Waiting', 'warning', t.waitingGrace);
  }
  if (!ctx.currentInit || !run) return null;
  const msg = `Init container ${cs.name} has been running since ${run.startedAt ?? '?'}; the pod is still initializing.`;
  return graceFinding(
    { ...s.base, rule: 'W5', class: 'StuckPending', reason: 'PodInitializing', exitCode: null, message: msg },
    'warning',
    pastGrace(startAge, t.stuckGrace),
  );
}

/** C2, R1, R2, R3: a running container recently OOM-killed, not ready, restarting often or just restarted. */
function runningFindings({ cs, ctx, clock }: ContainerInput, s: ContainerStates): Finding[] {
  const { t } = clock;
  const { last, base, restarts } = s;
  const out: Finding[] = [];
  const lastAge = since(last?.finishedAt, clock);
  const recentLast = lastAge !== null && lastAge <= t.recentWindow;
  const c2 = last?.reason === 'OOMKilled' && recentLast;
  const restarted = {
    ...base,
    severity: 'warning',
    transitional: false,
    exitCode: last?.exitCode ?? null,
  } as const;
  if (c2)
    out.push({
      ...restarted,
      rule: 'C2',
      class: 'OOMKilled',
      reason: 'OOMKilled',
      message: `Container ${cs.name} was OOM-killed at ${last?.finishedAt} and is running again; restarted ${times(restarts)}.`,
    });
  if (cs.ready === false && s.run) out.push(notReady(cs, s.run, { ctx, clock }));
  const r2 = cs.ready === true && restarts >= t.highRestartThreshold;
  if (r2)
    out.push({
      ...restarted,
      rule: 'R2',
      class: 'HighRestartCount',
      reason: last?.reason ?? null,
      message: `Container ${cs.name} has restarted ${restarts} times (threshold ${t.highRestartThreshold}).`,
    });
  if (!c2 && !r2 && recentLast)
    out.push({
      ...restarted,
      rule: 'R3',
      class: 'RecentRestart',
      severity: 'info',
      reason: last?.reason ?? null,
      message: `Container ${cs.name} restarted at ${last?.finishedAt} (${causeOf(last)}) and is running again.`,
    });
  return out;
}

/** R1: running without becoming ready, past the longer of the not-ready grace and the probes' worst case. */
function notReady(
  cs: ContainerStatusRecord,
  run: NonNullable<ContainerStateRecord['running']>,
  { ctx, clock }: { ctx: ContainerContext; clock: Clock },
): Finding {
  const age = since(run.startedAt, clock);
  const limit = Math.max(clock.t.notReadyGrace, maxReadySeconds(ctx.spec));
  const probe = cs.started === false ? 'startup probe' : 'readiness probe';
  return graceFinding(
    {
      container: cs.name,
      init: ctx.init,
      rule: 'R1',
      class: 'NotReady',
      reason: 'ContainersNotReady',
      exitCode: null,
      message: `Container ${cs.name} has been running ${age === null ? '' : `for ${fmtDuration(age)} `}without becoming ready (${probe} failing; see the pod's events).`,
    },
    'warning',
    age === null || age > limit,
  );
}

function causeOf(t: { reason?: string; exitCode?: number } | undefined): string {
  return `exit code ${t?.exitCode ?? '?'}${t?.reason ? `, ${t.reason}` : ''}`;
}

/** Container rules in the order of docs/pod-health.md#evaluation-order: sidecars and the first incomplete init container, then regular containers. */
export function evaluateContainers(pod: PodRecord, clock: Clock): Finding[] {
  const init = initContainerFindings(pod, clock);
  if (init.initializing) return init.findings;
  const findings = [...init.findings, ...regularContainerFindings(pod, clock)];
  const none = noStatusFinding(pod, clock);
  return none ? [...findings, none] : findings;
}

/**
 * Sidecars (init containers with `restartPolicy: Always`) as regular containers, then the first incomplete
 * classic init container; `initializing` when one was found (regular containers have not started).
 */
function initContainerFindings(pod: PodRecord, clock: Clock): { findings: Finding[]; initializing: boolean } {
  const findings: Finding[] = [];
  const specs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  const podPolicy = pod.spec.restartPolicy ?? 'Always';
  const initialized = condition(pod, 'Initialized')?.status === 'True';
  const base = { pod, clock, init: true };
  for (const cs of pod.status.initContainerStatuses ?? []) {
    const spec = specs.get(cs.name);
    if (spec?.restartPolicy === 'Always') {
      const sidecar = { ...base, regular: true, restartPolicy: 'Always', currentInit: false, spec };
      findings.push(...evaluateContainer(cs, sidecar));
      continue;
    }
    if (initialized || cs.state?.terminated?.exitCode === 0) continue;
    // Init containers restart on failure unless the pod's policy is Never.
    const restartPolicy = podPolicy === 'Never' ? 'Never' : 'OnFailure';
    findings.push(
      ...evaluateContainer(cs, { ...base, regular: false, restartPolicy, currentInit: true, spec }),
    );
    return { findings, initializing: true };
  }
  return { findings, initializing: false };
}

function regularContainerFindings(pod: PodRecord, clock: Clock): Finding[] {
  const specs = new Map(pod.spec.containers.map((c) => [c.name, c]));
  const podPolicy = pod.spec.restartPolicy ?? 'Always';
  return (pod.status.containerStatuses ?? []).flatMap((cs) => {
    const spec = specs.get(cs.name);
    const restartPolicy = spec?.restartPolicy ?? podPolicy;
    return evaluateContainer(cs, {
      pod,
      clock,
      init: false,
      regular: true,
      restartPolicy,
      currentInit: false,
      spec,
    });
  });
}

/** Scheduled but the kubelet never reported a container: treat like ContainerCreating (W5). */
function noStatusFinding(pod: PodRecord, clock: Clock): Finding | null {
  if ((pod.status.containerStatuses ?? []).length > 0 || (pod.status.initContainerStatuses ?? []).length > 0)
    return null;
  const startAge = since(
    pod.status.startTime ??
      condition(pod, 'PodScheduled')?.lastTransitionTime ??
      pod.metadata.creationTimestamp,
    clock,
  );
  return graceFinding(
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
    pastGrace(startAge, clock.t.stuckGrace),
  );
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
