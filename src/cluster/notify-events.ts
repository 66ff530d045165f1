/**
 * Notices of cluster mode, the decision half (pure): the state of the previous run + this run's report →
 * the events to send (`crashed`, `recovered`, `released`) and the state to keep for the next run.
 *
 * The events follow the payloads of the akkeris apps-watcher where a field carries over (`action`, `key`,
 * `code`, `description`, `restarts`, `crashed_at`, `released_at`, `slug.image`), plus this tool's fields
 * (cluster, namespace, kind, name, container, class, issue, git agreement). The schema is in README "Notices".
 *
 * Rules:
 * - No previous state (the first run, or the state could not be read): record, send nothing. So turning the
 *   feature on never floods the endpoints with a `released` per workload.
 * - `crashed` once per (workload, code) while it persists; `recovered` once when a workload that had crash
 *   codes has none. A workload this run could not see (a failed list, see `isVisible`) keeps its previous
 *   state and gets no event: nothing may be resolved from what was not seen.
 * - `released` when a container's template image changed, or when the template is the same but its pods run
 *   a digest never seen under it (a tag that was pushed again). Digests count only for pods whose image is
 *   the template's, so a rolling update gives one `released`, not one per run while pods are replaced.
 */

import { sameImage } from './drift.js';
import { parseImageId } from './live.js';
import type { DriftReport, DriftStatus, PodHealth, WorkloadReport } from './types.js';
import { isVisible } from './visibility.js';

/** Version of the event payloads (changes only when a field changes meaning or disappears). */
export const NOTIFY_SCHEMA_VERSION = 1;

/** The longest pod message repeated in an event. */
const MAX_DESCRIPTION = 1000;

/** One workload's identity in the state. */
export interface WorkloadId {
  namespace: string;
  kind: string;
  name: string;
}

/** What the next run needs to know about this one. */
export interface NotifyState {
  /** Per workload key: crash code → first seen (unix seconds). */
  crashes: Map<string, { id: WorkloadId; codes: Map<string, number> }>;
  /** Per `key/container`: the template image and the digests its pods ran. */
  images: Map<string, { id: WorkloadId; container: string; template: string; digests: string[] }>;
}

interface EventBase {
  schemaVersion: typeof NOTIFY_SCHEMA_VERSION;
  /** `namespace/kind/name`: the workload, as the apps-watcher's `key` names an app. */
  key: string;
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
}

/** A workload newly crashing with an akkeris code. */
export interface CrashedEvent extends EventBase {
  action: 'crashed';
  code: string;
  /** The pod-health class behind the code (e.g. `CrashLoopBackOff`). */
  class: string;
  description: string;
  restarts: number;
  /** When this tool first saw the problem (ISO 8601). */
  crashed_at: string;
  container: string | null;
  image: string | null;
  pod: string;
  /** The managed issue of the workload, when there is one. */
  issue: { number: number | null; url: string | null } | null;
}

/** A workload that had crash codes and has none now. */
export interface RecoveredEvent extends EventBase {
  action: 'recovered';
  /** The codes it had (sorted); `code` is the first. */
  code: string;
  codes: string[];
  crashed_at: string;
  recovered_at: string;
  issue: { number: number | null; url: string | null } | null;
}

/** A new image live on a workload's container. */
export interface ReleasedEvent extends EventBase {
  action: 'released';
  container: string;
  released_at: string;
  /** What changed: the template's image, or the digest its tag runs. */
  change: 'image' | 'digest';
  slug: { image: string; digests: string[] };
  previous: { image: string; digests: string[] } | null;
  /** Whether git agrees with the new live image (drift status: `in_sync`, `drifted`, …). */
  git: DriftStatus;
}

export type NotifyEvent = CrashedEvent | RecoveredEvent | ReleasedEvent;

/** Inputs of {@link planNotifications}. */
export interface PlanNotifyOptions {
  /** The previous run's state, or null when there is none (first run): nothing is sent. */
  previous: NotifyState | null;
  report: Pick<DriftReport, 'cluster' | 'workloads' | 'pods' | 'errors'>;
  /** Time of this run. */
  now: Date;
  /** Issue links per workload key, when issues are managed. */
  issues?: ReadonlyMap<string, { number: number | null; url: string | null }>;
}

/** Returns the `key` of a workload: `namespace/kind/name` (none of the three may contain `/`). */
export function notifyKey(id: WorkloadId): string {
  return `${id.namespace}/${id.kind}/${id.name}`;
}

/** Returns an empty state. */
export function emptyNotifyState(): NotifyState {
  return { crashes: new Map(), images: new Map() };
}

function podsOf(w: WorkloadId, pods: readonly PodHealth[]): PodHealth[] {
  return pods.filter(
    (p) => p.namespace === w.namespace && p.owner.kind === w.kind && p.owner.name === w.name,
  );
}

/** The crash-like pods of a workload by code: pods with an akkeris code whose finding is a problem. */
function crashPods(pods: readonly PodHealth[]): Map<string, PodHealth> {
  const out = new Map<string, PodHealth>();
  for (const p of pods) {
    if (!p.akkerisCode || (p.severity !== 'critical' && p.severity !== 'warning')) continue;
    const seen = out.get(p.akkerisCode);
    // The pod that restarted most stands for the code (then by name, so the choice is stable).
    if (!seen || p.restarts > seen.restarts || (p.restarts === seen.restarts && p.pod < seen.pod))
      out.set(p.akkerisCode, p);
  }
  return out;
}

function base(cluster: string, id: WorkloadId): EventBase {
  return { schemaVersion: NOTIFY_SCHEMA_VERSION, key: notifyKey(id), cluster, ...pick(id) };
}

function pick(id: WorkloadId): WorkloadId {
  return { namespace: id.namespace, kind: id.kind, name: id.name };
}

function crashedEvent(opts: PlanNotifyOptions, id: WorkloadId, pod: PodHealth, since: number): CrashedEvent {
  const container = pod.containers.find((c) => c.name === pod.container) ?? null;
  return {
    ...base(opts.report.cluster, id),
    action: 'crashed',
    code: pod.akkerisCode ?? 'H0',
    class: pod.class,
    description: (pod.message ?? pod.display).slice(0, MAX_DESCRIPTION),
    restarts: pod.restarts,
    crashed_at: new Date(since * 1000).toISOString(),
    container: pod.container,
    image: container?.image ?? null,
    pod: pod.pod,
    issue: opts.issues?.get(notifyKey(id)) ?? null,
  };
}

/** Crash and recovery events of one visible workload; updates `next`. */
function crashEvents(opts: PlanNotifyOptions, w: WorkloadReport, next: NotifyState): NotifyEvent[] {
  const key = notifyKey(w);
  const nowS = Math.floor(opts.now.getTime() / 1000);
  const before = opts.previous?.crashes.get(key)?.codes ?? new Map<string, number>();
  const current = crashPods(podsOf(w, opts.report.pods));
  const events: NotifyEvent[] = [];
  const codes = new Map<string, number>();
  for (const [code, pod] of [...current].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const since = before.get(code) ?? nowS;
    codes.set(code, since);
    if (opts.previous && !before.has(code)) events.push(crashedEvent(opts, w, pod, since));
  }
  if (codes.size > 0) next.crashes.set(key, { id: pick(w), codes });
  else if (opts.previous && before.size > 0) {
    const had = [...before.keys()].sort();
    events.push({
      ...base(opts.report.cluster, w),
      action: 'recovered',
      code: had[0]!,
      codes: had,
      crashed_at: new Date(Math.min(...before.values()) * 1000).toISOString(),
      recovered_at: opts.now.toISOString(),
      issue: opts.issues?.get(key) ?? null,
    });
  }
  return events;
}

/** Digests the pods of a workload run for one container, counting only pods on the template's image. */
function templateDigests(pods: readonly PodHealth[], container: string, template: string): string[] {
  const digests = new Set<string>();
  for (const p of pods)
    for (const c of p.containers) {
      if (c.name !== container || !c.image || !sameImage(c.image, template)) continue;
      const d = parseImageId(c.imageId ?? undefined)?.digest;
      if (d) digests.add(d);
    }
  return [...digests].sort();
}

/**
 * The template image of each container: from the drift comparison, else (a workload git does not describe,
 * with `report-not-in-git` off) from the live image checks of the template.
 */
function templatesOf(w: WorkloadReport): { container: string; live: string; status: DriftStatus }[] {
  const out = w.drift.flatMap((d) =>
    d.live ? [{ container: d.container, live: d.live, status: d.status }] : [],
  );
  for (const i of w.images)
    if (i.source === 'template' && !out.some((o) => o.container === i.container))
      out.push({ container: i.container, live: i.image, status: 'not_in_git' });
  return out;
}

/** Release events of one visible workload; updates `next`. */
function releaseEvents(opts: PlanNotifyOptions, w: WorkloadReport, next: NotifyState): NotifyEvent[] {
  const key = notifyKey(w);
  const pods = podsOf(w, opts.report.pods);
  const events: NotifyEvent[] = [];
  for (const d of templatesOf(w)) {
    const slot = `${key}/${d.container}`;
    const digests = templateDigests(pods, d.container, d.live);
    const before = opts.previous?.images.get(slot);
    const changedImage = before !== undefined && !sameImage(before.template, d.live);
    const newDigest =
      before !== undefined &&
      !changedImage &&
      before.digests.length > 0 &&
      digests.some((x) => !before.digests.includes(x));
    // Pods that are gone (scaled to zero) say nothing new: keep what the template ran before.
    const kept = !changedImage && digests.length === 0 && before ? before.digests : digests;
    next.images.set(slot, { id: pick(w), container: d.container, template: d.live, digests: kept });
    // A workload that appeared since the previous run is released too; on the first run nothing is.
    if (!opts.previous || !(changedImage || newDigest || before === undefined)) continue;
    events.push({
      ...base(opts.report.cluster, w),
      action: 'released',
      container: d.container,
      released_at: opts.now.toISOString(),
      change: newDigest ? 'digest' : 'image',
      slug: { image: d.live, digests },
      previous: before ? { image: before.template, digests: before.digests } : null,
      git: d.status,
    });
  }
  return events;
}

/** Copies the previous state of workloads this run could not see, so a failed list resolves nothing. */
function carryUnseen(opts: PlanNotifyOptions, next: NotifyState): void {
  const unseen = (id: WorkloadId) => !isVisible(opts.report.errors, id.namespace, id.kind);
  for (const [k, v] of opts.previous?.crashes ?? [])
    if (unseen(v.id) && !next.crashes.has(k)) next.crashes.set(k, v);
  for (const [k, v] of opts.previous?.images ?? [])
    if (unseen(v.id) && !next.images.has(k)) next.images.set(k, v);
}

/**
 * Returns the events of this run (sorted by key, crashes first) and the state to record. With no previous
 * state the events are empty and the state is recorded.
 */
export function planNotifications(opts: PlanNotifyOptions): { events: NotifyEvent[]; next: NotifyState } {
  const next = emptyNotifyState();
  const events: NotifyEvent[] = [];
  const visible = opts.report.workloads.filter(
    (w) => w.live && isVisible(opts.report.errors, w.namespace, w.kind),
  );
  for (const w of [...visible].sort((a, b) => (notifyKey(a) < notifyKey(b) ? -1 : 1))) {
    events.push(...crashEvents(opts, w, next), ...releaseEvents(opts, w, next));
  }
  carryUnseen(opts, next);
  return { events, next };
}
