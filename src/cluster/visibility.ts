import type { ClusterError } from './types.js';

/** Lower-case plural resource name of a workload kind (`Deployment` → `deployments`). */
export function resourceOfKind(kind: string): string {
  return `${kind.toLowerCase()}s`;
}

/**
 * Returns whether a run saw a workload's namespace fully: false when listing its kind or its pods (or a
 * cluster-wide list of them) failed. A consumer must never resolve or close anything it could not see.
 */
export function isVisible(errors: readonly ClusterError[], namespace: string, kind: string): boolean {
  const resources = new Set(['pods', resourceOfKind(kind)]);
  if (kind === 'Deployment') resources.add('replicasets');
  if (kind === 'CronJob') resources.add('jobs');
  return !errors.some(
    (e) => resources.has(e.kind) && (e.namespace === undefined || e.namespace === namespace),
  );
}
