/**
 * Renders a cluster-mode report as Pushgateway metrics (the metric table lives in `cluster/metrics.ts`).
 * Pure: the clock is a parameter.
 */
import { METRICS, type MetricDefinition } from '../metrics.js';
import type { DriftReport, PodHealth, WorkloadReport } from '../types.js';
import { ExpositionBuilder } from './exposition.js';

/** The parts of a `DriftReport` the renderer reads. */
export type MetricsInput = Pick<DriftReport, 'workloads' | 'pods'> &
  Partial<Pick<DriftReport, 'images' | 'complete' | 'errors'>>;

/** Options of `renderMetrics`. */
export interface RenderMetricsOptions {
  /** Time of the run; becomes `k8s_image_check_last_success_timestamp_seconds`. */
  now: Date;
  /**
   * Include the last-success timestamp. Default true. Callers push only successful runs, so the gauge is
   * only ever written by a success.
   */
  lastSuccess?: boolean;
}

/**
 * Returns the registry host of an image reference the way `distribution/reference` decides it: the first
 * path component when it contains `.` or `:` or is `localhost`, else `docker.io`.
 */
export function registryHostOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  if (first === 'localhost' || first.includes('.') || first.includes(':')) return first.toLowerCase();
  return 'docker.io';
}

function workloadLabels(w: Pick<WorkloadReport, 'namespace' | 'kind' | 'name'>) {
  return { namespace: w.namespace, workload_kind: w.kind, workload: w.name };
}

function podLabels(p: PodHealth) {
  return { namespace: p.namespace, pod: p.pod, workload_kind: p.owner.kind, workload: p.owner.name };
}

function addWorkload(b: ExpositionBuilder, w: WorkloadReport): void {
  const wl = workloadLabels(w);
  b.add(METRICS.workloadStatus, { ...wl, severity: w.severity }, 1);
  for (const i of w.images) {
    b.add(
      METRICS.imageStatus,
      { ...wl, container: i.container, image: i.image, source: i.source, status: i.status },
      1,
    );
  }
  for (const d of w.drift) {
    b.add(METRICS.driftStatus, { ...wl, container: d.container, status: d.status }, 1);
    if (d.tagMoved) b.add(METRICS.tagMoved, { ...wl, container: d.container }, 1);
    for (const f of d.tagFindings ?? [])
      b.add(METRICS.mutableTag, { ...wl, container: d.container, rule: f.rule }, 1);
  }
}

function addPod(b: ExpositionBuilder, p: PodHealth): void {
  const pl = podLabels(p);
  b.add(METRICS.podHealth, { ...pl, class: p.class, severity: p.severity }, 1);
  if (p.phase) b.add(METRICS.podPhase, { ...pl, phase: p.phase }, 1);
  for (const c of p.containers) {
    const cl = { ...pl, container: c.name };
    b.add(METRICS.containerRestarts, cl, c.restartCount);
    b.add(METRICS.containerReady, cl, c.ready ? 1 : 0);
    if (c.state === 'waiting' && c.waitingReason)
      b.add(METRICS.containerWaitingReason, { ...cl, reason: c.waitingReason }, 1);
    if (c.lastTerminatedReason)
      b.add(METRICS.containerLastTerminatedReason, { ...cl, reason: c.lastTerminatedReason }, 1);
    if (c.lastTerminatedExitCode !== null)
      b.add(METRICS.containerLastTerminatedExitCode, cl, c.lastTerminatedExitCode);
  }
}

/** Counts distinct images per (registry host, status), from the report's image list or the workloads'. */
function imageCounts(input: MetricsInput): Map<string, { registry: string; status: string; count: number }> {
  const statusByImage = new Map<string, string>();
  if (input.images) for (const i of input.images) statusByImage.set(i.image, i.check.status);
  else
    for (const w of input.workloads)
      for (const i of w.images) if (!statusByImage.has(i.image)) statusByImage.set(i.image, i.status);
  const counts = new Map<string, { registry: string; status: string; count: number }>();
  for (const [image, status] of statusByImage) {
    const registry = registryHostOf(image);
    const key = `${registry} ${status}`;
    const entry = counts.get(key) ?? { registry, status, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return counts;
}

/**
 * Returns the report as text exposition format for one Pushgateway group (one cluster): image availability
 * per workload container, drift and live mutable tags per container, pod health per class, container
 * restarts and readiness, unhealthy pods per workload and class, whether the run saw everything (and which
 * lists failed), and the last-success timestamp. Labels
 * are bounded (no messages); `cluster` and `job` are not in the body, they come from the push URL.
 */
export function renderMetrics(input: MetricsInput, options: RenderMetricsOptions): string {
  const b = new ExpositionBuilder(Object.values(METRICS) as MetricDefinition[]);
  for (const { registry, status, count } of imageCounts(input).values())
    b.add(METRICS.images, { registry, status }, count);
  for (const w of input.workloads) addWorkload(b, w);
  const unhealthy = new Map<string, { labels: Record<string, string>; pods: Set<string> }>();
  for (const p of input.pods) {
    addPod(b, p);
    if (p.status !== 'unhealthy') continue;
    const labels = {
      namespace: p.namespace,
      workload_kind: p.owner.kind,
      workload: p.owner.name,
      class: p.class,
    };
    const key = JSON.stringify(labels);
    const entry = unhealthy.get(key) ?? { labels, pods: new Set<string>() };
    entry.pods.add(p.pod);
    unhealthy.set(key, entry);
  }
  for (const { labels, pods } of unhealthy.values()) b.add(METRICS.workloadUnhealthyPods, labels, pods.size);
  if (input.complete !== undefined) b.add(METRICS.runComplete, {}, input.complete ? 1 : 0);
  for (const e of input.errors ?? [])
    b.add(METRICS.listErrors, { resource: e.kind, namespace: e.namespace ?? '' }, 1);
  if (options.lastSuccess ?? true) b.add(METRICS.lastSuccess, {}, options.now.getTime() / 1000);
  return b.render();
}
