/**
 * Skia's restart-rate rule (docs/pod-health.md#table, row R2, the rate rule): with a stored previous snapshot of restart
 * counts, a ready container that restarted at least `minIncrease` times since then is `HighRestartCount`.
 * The caller keeps the snapshot (issue marker or Pushgateway) and passes it only when it is at most an hour old.
 * Pure.
 */
import { severityRank } from './health-finding.js';
import type { PodHealth } from './types.js';

/** Skia `TooManyPodRestarts` rate: 2 restarts within an hour. */
export const DEFAULT_RESTART_RATE = 2;

/** Returns the key of a container's previous restart count: `namespace/pod/container`. */
export function restartKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

/** Returns the previous-run snapshot of restart counts for a list of pods (what to store for the next run). */
export function restartSnapshot(pods: readonly PodHealth[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of pods)
    for (const c of p.containers) out.set(restartKey(p.namespace, p.pod, c.name), c.restartCount);
  return out;
}

/**
 * Returns the pods with the rate rule applied: a pod whose result is below warning and that has a running, ready
 * container whose restart count grew by `minIncrease` or more since `previous` becomes `HighRestartCount` (R2).
 */
export function applyRestartRate(
  pods: readonly PodHealth[],
  previous: ReadonlyMap<string, number>,
  minIncrease = DEFAULT_RESTART_RATE,
): PodHealth[] {
  return pods.map((p) => {
    if (severityRank(p.severity) >= severityRank('warning') || p.status === 'transitional') return p;
    for (const c of p.containers) {
      const before = previous.get(restartKey(p.namespace, p.pod, c.name));
      if (before === undefined || c.state !== 'running' || !c.ready) continue;
      const grew = c.restartCount - before;
      if (grew < minIncrease) continue;
      return {
        ...p,
        status: 'unhealthy',
        class: 'HighRestartCount',
        severity: 'warning',
        rule: 'R2',
        container: c.name,
        init: c.init,
        reason: c.lastTerminatedReason,
        exitCode: c.lastTerminatedExitCode,
        akkerisCode: null,
        message: `Container ${c.name} restarted ${grew} times since the previous run (${before} → ${c.restartCount}; threshold ${minIncrease} per hour).`,
      };
    }
    return p;
  });
}
