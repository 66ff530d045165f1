/**
 * Where notices keep "since the previous run": three gauge families in the cluster's own Pushgateway group,
 * pushed with the run's metrics and read back at the start of the next run (`GET /api/v1/metrics`). No local
 * disk: a scheduled runner has none that lasts. Labels are bounded (names, codes and images of the cluster,
 * never pod text); the families are only pushed when `notify-urls` is set.
 */

import type { MetricDefinition } from './metrics.js';
import { emptyNotifyState, type NotifyState, notifyKey, type WorkloadId } from './notify-events.js';
import { ExpositionBuilder } from './publish/exposition.js';

const WORKLOAD = ['namespace', 'workload_kind', 'workload'] as const;

/** The state families (not in the metrics table: they are this feature's memory, not for dashboards). */
export const NOTIFY_STATE_METRICS = {
  marker: {
    name: 'k8s_image_check_notify_state',
    help: 'Notices state is recorded in this group (value: state version); its absence means a first run.',
    labels: [],
    value: '1',
  },
  crash: {
    name: 'k8s_image_check_notify_crash_since_seconds',
    help: 'A crash code a workload had in the last run, and when this tool first saw it.',
    labels: [...WORKLOAD, 'code'],
    value: 'unix seconds',
  },
  image: {
    name: 'k8s_image_check_notify_live_image',
    help: 'The template image of a workload container in the last run; one series per digest its pods ran.',
    labels: [...WORKLOAD, 'container', 'image', 'digest'],
    value: '1',
  },
} satisfies Record<string, MetricDefinition>;

/** Renders the state as text exposition, to append to the group's body. */
export function renderNotifyState(state: NotifyState): string {
  const m = NOTIFY_STATE_METRICS;
  const b = new ExpositionBuilder([m.marker, m.crash, m.image]);
  b.add(m.marker, {}, 1);
  const wl = (id: WorkloadId) => ({ namespace: id.namespace, workload_kind: id.kind, workload: id.name });
  for (const { id, codes } of state.crashes.values())
    for (const [code, since] of codes) b.add(m.crash, { ...wl(id), code }, since);
  for (const i of state.images.values()) {
    const labels = { ...wl(i.id), container: i.container, image: i.template };
    if (i.digests.length === 0) b.add(m.image, { ...labels, digest: '' }, 1);
    for (const digest of i.digests) b.add(m.image, { ...labels, digest }, 1);
  }
  return b.render();
}

interface Family {
  metrics?: { labels?: Record<string, string>; value?: string }[];
}

function idOf(l: Record<string, string>): WorkloadId | null {
  return l.namespace && l.workload_kind && l.workload
    ? { namespace: l.namespace, kind: l.workload_kind, name: l.workload }
    : null;
}

/**
 * Returns the state a group holds (one group of `GET /api/v1/metrics`, its families by name), or null when
 * it holds none (a first run, or a group pushed without notices).
 */
export function notifyStateFromGroup(group: Readonly<Record<string, unknown>>): NotifyState | null {
  const m = NOTIFY_STATE_METRICS;
  if (!group[m.marker.name]) return null;
  const state = emptyNotifyState();
  for (const s of (group[m.crash.name] as Family | undefined)?.metrics ?? []) {
    const l = s.labels ?? {};
    const id = idOf(l);
    const since = Number(s.value);
    if (!id || !l.code || !Number.isFinite(since)) continue;
    const key = notifyKey(id);
    const entry = state.crashes.get(key) ?? { id, codes: new Map<string, number>() };
    entry.codes.set(l.code, since);
    state.crashes.set(key, entry);
  }
  for (const s of (group[m.image.name] as Family | undefined)?.metrics ?? []) {
    const l = s.labels ?? {};
    const id = idOf(l);
    if (!id || !l.container || !l.image) continue;
    const slot = `${notifyKey(id)}/${l.container}`;
    const entry = state.images.get(slot) ?? { id, container: l.container, template: l.image, digests: [] };
    if (l.digest && !entry.digests.includes(l.digest)) entry.digests.push(l.digest);
    entry.digests.sort();
    state.images.set(slot, entry);
  }
  return state;
}
