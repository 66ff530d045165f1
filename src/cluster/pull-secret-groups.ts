/**
 * Groups live image targets by the pull secrets that apply to their workload, as the kubelet resolves them:
 * a pod pulls with its own `imagePullSecrets`, its service account's, and the node's credentials, never
 * another workload's secrets. Each distinct secret set is checked once with its own checker; workloads that
 * share a set share its checks. Pure.
 */
import { createHash } from 'node:crypto';
import type { RegistryCheck } from '../registry/types.js';
import type { PullSecretData } from './kube.js';
import type { Target } from './live-images.js';
import type { LiveImageReport } from './types.js';

/** Workloads that pull with the same credentials, and every image they run or would run (deduplicated). */
export interface PullSecretGroup {
  /** Stable id of the secret set (hex sha256 over the secrets' type and data; never the secrets themselves). */
  id: string;
  /** The secrets of the set (the first workload's copies when several namespaces hold identical ones). */
  secrets: PullSecretData[];
  /** Workload keys (`namespace/kind/name`), in input order. */
  workloads: string[];
  /** Targets to check with this set, deduplicated by check key, sorted by key. */
  targets: Target[];
}

/**
 * Returns the identity of a set of pull secrets: identical content (type and data, in any order, under any
 * name or namespace) means identical credentials, so the same registry answers.
 */
export function secretSetId(secrets: readonly PullSecretData[]): string {
  const canonical = [
    ...new Set(
      secrets.map((s) =>
        JSON.stringify([s.type, Object.entries(s.data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]),
      ),
    ),
  ].sort();
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * Returns one group per distinct secret set over the workloads with targets, in order of first use. A workload
 * missing from `secretsByWorkload` (none applied, or none could be read) pulls with the node's credentials only.
 */
export function groupByPullSecrets(
  targetsByWorkload: ReadonlyMap<string, readonly { target: Target }[]>,
  secretsByWorkload: ReadonlyMap<string, readonly PullSecretData[]>,
): PullSecretGroup[] {
  const groups = new Map<string, { group: PullSecretGroup; targets: Map<string, Target> }>();
  for (const [workload, list] of targetsByWorkload) {
    if (list.length === 0) continue;
    const secrets = secretsByWorkload.get(workload) ?? [];
    const id = secretSetId(secrets);
    let entry = groups.get(id);
    if (!entry) {
      entry = { group: { id, secrets: [...secrets], workloads: [], targets: [] }, targets: new Map() };
      groups.set(id, entry);
    }
    entry.group.workloads.push(workload);
    for (const { target } of list) if (!entry.targets.has(target.key)) entry.targets.set(target.key, target);
  }
  return [...groups.values()].map(({ group, targets }) => ({
    ...group,
    targets: [...targets.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  }));
}

/** One image's checks as several credential sets saw it: each check with the workload containers that got it. */
export interface ImageOutcome {
  check: RegistryCheck;
  users: string[];
}

/**
 * Returns the image-level check when several secret sets checked one image: a problem any set hit wins over
 * `available` (a workload would fail to pull), else the first set's; ties go to the first set. Also returns
 * the per-set outcomes when their statuses differ (for `LiveImageReport.byCredentials`), else none.
 */
export function mergeImageOutcomes(
  outcomes: readonly ImageOutcome[],
): Pick<LiveImageReport, 'check'> & { byCredentials?: ImageOutcome[] } {
  const first = outcomes[0];
  if (!first) return { check: { status: 'not_checked' } };
  const problem = outcomes.find((o) => o.check.status !== 'available' && o.check.status !== 'not_checked');
  const check = problem?.check ?? outcomes.find((o) => o.check.status === 'available')?.check ?? first.check;
  const statuses = new Set(outcomes.map((o) => o.check.status));
  if (statuses.size <= 1) return { check };
  return {
    check,
    byCredentials: outcomes.map((o) => ({ check: o.check, users: [...o.users].sort() })),
  };
}
