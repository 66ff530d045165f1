/**
 * Per-workload aggregation (docs/pod-health.md#workloads, #issues): one `WorkloadReport` per (cluster, namespace, kind, name)
 * with every health class, drift entry and image check, its maximum severity and a fingerprint that changes only
 * when something an issue reader cares about changes. Pure.
 */
import { createHash } from 'node:crypto';
import type { CheckStatus } from '../registry/types.js';
import { isAtLeast } from '../severity.js';
import { workloadKey } from './live.js';
import { controllerOf } from './owners.js';
import { maxSeverity, severityRank } from './pod-health.js';
import type { ControllerRecord, PodRecord } from './records.js';
import type {
  DriftEntry,
  DriftStatus,
  HealthSeverity,
  PodHealth,
  WorkloadClassSummary,
  WorkloadImageCheck,
  WorkloadReport,
} from './types.js';

/** Severity of a drift status. */
export const DRIFT_SEVERITY: Record<DriftStatus, HealthSeverity> = {
  in_sync: 'none',
  drifted: 'warning',
  missing_in_cluster: 'warning',
  rollout_stuck: 'warning',
  not_in_git: 'info',
};

/** Severity of a live image's registry check: a missing image is the outage this tool exists for. */
export const CHECK_SEVERITY: Record<CheckStatus, HealthSeverity> = {
  available: 'none',
  not_checked: 'none',
  skipped: 'none',
  absent: 'critical',
  platform_missing: 'critical',
  bad_image_format: 'critical',
  authentication_failure: 'warning',
  authorization_failure: 'warning',
  rate_limited: 'info',
  registry_unavailable: 'info',
  unknown_error: 'info',
};

/** Returns the severity of one drift entry, including a moved tag and dirty/mutable live tags. */
export function driftSeverity(e: DriftEntry): HealthSeverity {
  let s = DRIFT_SEVERITY[e.status];
  if (e.tagMoved) s = maxSeverity(s, 'warning');
  for (const t of e.tagFindings ?? []) s = maxSeverity(s, t.rule === 'dirty-tag' ? 'warning' : 'info');
  return s;
}

/**
 * Returns the health list with Failed pods of Jobs that later succeeded downgraded to `info`: the Job's own
 * status decides (docs/pod-health.md#jobs), so a retried Job or a CronJob whose next run succeeded is not an issue.
 */
export function settleJobFailures(
  health: readonly PodHealth[],
  pods: readonly PodRecord[],
  controllers: readonly ControllerRecord[],
): PodHealth[] {
  const jobs = new Map(
    controllers.filter((c) => c.kind === 'Job').map((j) => [`${j.namespace}/${j.name}`, j]),
  );
  const podJob = new Map<string, ControllerRecord>();
  for (const p of pods) {
    const ref = controllerOf(p.metadata.ownerReferences);
    const job = ref?.kind === 'Job' ? jobs.get(`${p.metadata.namespace}/${ref.name}`) : undefined;
    if (job) podJob.set(`${p.metadata.namespace}/${p.metadata.name}`, job);
  }
  const laterSuccess = (job: ControllerRecord): boolean => {
    if ((job.job?.succeeded ?? 0) > 0) return true;
    const cron = controllerOf(job.ownerReferences);
    if (cron?.kind !== 'CronJob') return false;
    const created = Date.parse(job.creationTimestamp ?? '');
    return [...jobs.values()].some(
      (j) =>
        j !== job &&
        j.namespace === job.namespace &&
        controllerOf(j.ownerReferences)?.name === cron.name &&
        (j.job?.succeeded ?? 0) > 0 &&
        Date.parse(j.creationTimestamp ?? '') > created,
    );
  };
  return health.map((h) => {
    if (h.class !== 'Failed' || h.severity !== 'warning') return h;
    const job = podJob.get(`${h.namespace}/${h.pod}`);
    if (!job || !laterSuccess(job)) return h;
    return {
      ...h,
      severity: 'info',
      status: 'ok',
      akkerisCode: null,
      message: `${h.message ?? 'Pod failed.'} (Job ${job.name} or a later run of it succeeded.)`,
    };
  });
}

/** Waiting reasons the kubelet alternates between for one condition (docs/pod-health.md#principles, 4). */
const ALTERNATING_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff']);

/**
 * Returns the reason as the fingerprint and the class grouping see it: `ErrImagePull` and
 * `ImagePullBackOff` are one condition that the kubelet alternates between, so both read `ImagePullBackOff`
 * (otherwise the issue body would churn on every run). Other reasons are returned as they are.
 */
export function normalReason(reason: string | null): string | null {
  return reason !== null && ALTERNATING_PULL_REASONS.has(reason) ? 'ImagePullBackOff' : reason;
}

/** Returns the fingerprint of a workload's findings (hex sha256): no pod names, restart counts or timestamps. */
export function fingerprintOf(
  classes: readonly WorkloadClassSummary[],
  drift: readonly DriftEntry[],
  images: readonly WorkloadImageCheck[],
  severity: HealthSeverity,
  owner: string,
): string {
  const items = new Set<string>();
  for (const c of classes) {
    if (severityRank(c.severity) < severityRank('warning')) continue;
    items.add(JSON.stringify(['pod', owner, c.class, c.container, normalReason(c.reason), c.exitCode]));
  }
  for (const d of drift) {
    if (severityRank(driftSeverity(d)) < severityRank('warning')) continue;
    const tags = (d.tagFindings ?? []).map((t) => t.rule).sort();
    items.add(JSON.stringify(['drift', d.container, d.status, d.desired, d.live, d.tagMoved === true, tags]));
  }
  for (const i of images) {
    if (severityRank(CHECK_SEVERITY[i.status]) < severityRank('warning')) continue;
    items.add(JSON.stringify(['image', i.container, i.image, i.status]));
  }
  return createHash('sha256')
    .update(JSON.stringify([...[...items].sort(), severity]))
    .digest('hex');
}

/** The inputs of {@link aggregateWorkloads}. */
export interface AggregateInput {
  cluster: string;
  pods: readonly PodHealth[];
  drift: readonly DriftEntry[];
  /** Image checks per workload key (`namespace/kind/name`). */
  images?: ReadonlyMap<string, WorkloadImageCheck[]>;
  /** Live workloads (so healthy ones with no pods still get a report). */
  live?: readonly { namespace: string; kind: string; name: string }[];
  /** Warnings per workload key (unreadable pull secrets). */
  warnings?: ReadonlyMap<string, string[]>;
}

function emptyReport(
  cluster: string,
  namespace: string,
  kind: string,
  name: string,
  live: boolean,
): WorkloadReport {
  return {
    cluster,
    namespace,
    kind,
    name,
    live,
    pods: { total: 0, ok: 0, transitional: 0, unhealthy: 0, byClass: {}, restarts: 0 },
    classes: [],
    drift: [],
    images: [],
    severity: 'none',
    unhealthy: false,
    fingerprint: '',
    warnings: [],
  };
}

/** Counts a pod in its workload's report and files its finding under one class row (same class, container, reason, exit code). */
function addPod(r: WorkloadReport, p: PodHealth, classMap: Map<string, WorkloadClassSummary>): void {
  r.pods.total++;
  r.pods[p.status]++;
  r.pods.byClass[p.class] = (r.pods.byClass[p.class] ?? 0) + 1;
  r.pods.restarts += p.restarts;
  r.severity = maxSeverity(r.severity, p.severity);
  if (p.class === 'Healthy' || p.class === 'Completed') return;
  const ck = JSON.stringify([
    workloadKey(p.namespace, p.owner.kind, p.owner.name),
    p.class,
    p.severity,
    p.container,
    p.init,
    normalReason(p.reason),
    p.exitCode,
  ]);
  let c = classMap.get(ck);
  if (!c) {
    c = {
      class: p.class,
      severity: p.severity,
      container: p.container,
      init: p.init,
      reason: normalReason(p.reason),
      exitCode: p.exitCode,
      pods: [],
      message: p.message,
    };
    classMap.set(ck, c);
    r.classes.push(c);
  }
  c.pods.push(p.pod);
  if (p.probe && !c.probe) {
    c.probe = p.probe;
    if (p.probeMessage) c.probeMessage = p.probeMessage;
  }
}

/** Sorts a report's class rows (worst first) and derives `unhealthy` and the fingerprint. */
function settleReport(r: WorkloadReport): void {
  for (const c of r.classes) c.pods.sort();
  r.classes.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (a.class < b.class ? -1 : a.class > b.class ? 1 : 0),
  );
  r.unhealthy = isAtLeast(r.severity, 'warning');
  r.fingerprint = fingerprintOf(r.classes, r.drift, r.images, r.severity, `${r.kind}/${r.name}`);
}

/** Returns one report per workload (live, with pods, or only in git), sorted by namespace, kind, name. */
export function aggregateWorkloads(input: AggregateInput): WorkloadReport[] {
  const reports = new Map<string, WorkloadReport>();
  const get = (ns: string, kind: string, name: string, live: boolean) => {
    const key = workloadKey(ns, kind, name);
    let r = reports.get(key);
    if (!r) {
      r = emptyReport(input.cluster, ns, kind, name, live);
      reports.set(key, r);
    }
    if (live) r.live = true;
    return r;
  };
  for (const w of input.live ?? []) get(w.namespace, w.kind, w.name, true);
  const classMap = new Map<string, WorkloadClassSummary>();
  for (const p of input.pods) addPod(get(p.namespace, p.owner.kind, p.owner.name, true), p, classMap);
  for (const d of input.drift) {
    const r = get(d.namespace, d.kind, d.name, d.status !== 'missing_in_cluster');
    r.drift.push(d);
    r.severity = maxSeverity(r.severity, driftSeverity(d));
  }
  for (const [key, checks] of input.images ?? []) {
    const r = reports.get(key);
    if (!r) continue;
    r.images.push(...checks);
    for (const c of checks) r.severity = maxSeverity(r.severity, CHECK_SEVERITY[c.status]);
  }
  for (const [key, warnings] of input.warnings ?? []) reports.get(key)?.warnings.push(...warnings);
  for (const r of reports.values()) settleReport(r);
  return [...reports.values()].sort((a, b) => {
    const ka = `${a.namespace}\u0000${a.kind}\u0000${a.name}`;
    const kb = `${b.namespace}\u0000${b.kind}\u0000${b.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
