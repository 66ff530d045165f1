/**
 * Probe enrichment from events (docs/pod-health.md#probe-events): a recent `Unhealthy`
 * (`Liveness probe failed: …`) or `Killing` (`… failed liveness probe, will be restarted`) event refines a
 * CrashLoopBackOff or NotReady pod with `probe` and the probe's message. Events expire after about an hour, so
 * this never changes a class or a severity. Pure.
 */
import type { EventRecord } from './records.js';
import type { PodHealth, PodHealthClass, ProbeKind } from './types.js';

/** Classes a probe failure can explain. */
const REFINED: ReadonlySet<PodHealthClass> = new Set([
  'CrashLoopBackOff',
  'NotReady',
  'HighRestartCount',
  'RecentRestart',
]);

/** Returns which probe an event is about, or null when it is not a probe failure. */
export function probeOfEvent(e: Pick<EventRecord, 'reason' | 'message'>): ProbeKind | null {
  if (e.reason === 'Unhealthy') {
    const m = /^(Liveness|Readiness|Startup) probe (?:failed|errored)/.exec(e.message);
    return m ? (m[1]!.toLowerCase() as ProbeKind) : null;
  }
  if (e.reason === 'Killing') {
    const m = /failed (liveness|startup) probe/.exec(e.message);
    return m ? (m[1] as ProbeKind) : null;
  }
  return null;
}

/**
 * Returns the pods with `probe` and `probeMessage` set from the newest matching event within `windowSeconds`
 * before `now`. A NotReady pod only takes a readiness or startup probe; a crash loop a liveness or startup one.
 */
export function applyProbeEvents(
  pods: readonly PodHealth[],
  events: readonly EventRecord[],
  nowMs: number,
  windowSeconds: number,
): PodHealth[] {
  const byPod = new Map<string, EventRecord[]>();
  for (const e of events) {
    const t = Date.parse(e.time ?? '');
    if (Number.isNaN(t) || nowMs - t > windowSeconds * 1000) continue;
    if (!probeOfEvent(e)) continue;
    const key = `${e.namespace}/${e.pod}`;
    const list = byPod.get(key) ?? [];
    list.push(e);
    byPod.set(key, list);
  }
  return pods.map((p) => {
    if (!REFINED.has(p.class)) return p;
    const candidates = (byPod.get(`${p.namespace}/${p.pod}`) ?? [])
      .filter((e) => !e.container || !p.container || e.container === p.container)
      .filter((e) => {
        const probe = probeOfEvent(e);
        return p.class === 'NotReady' ? probe !== 'liveness' : probe !== 'readiness';
      })
      .sort((a, b) => Date.parse(b.time ?? '') - Date.parse(a.time ?? ''));
    const e = candidates.find((c) => c.reason === 'Unhealthy') ?? candidates[0];
    if (!e) return p;
    return { ...p, probe: probeOfEvent(e)!, probeMessage: e.message };
  });
}
