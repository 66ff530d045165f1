/**
 * Owner resolution (docs/pod-health.md#workloads): Pod → ReplicaSet → Deployment, Pod → Job → CronJob, StatefulSet and
 * DaemonSet as themselves, no owner → a bare Pod. Issues are keyed on the top owner, never the ReplicaSet, whose
 * name changes on every rollout.
 */
import type { ControllerRecord, OwnerReferenceRecord, PodRecord } from './records.js';
import type { OwnerRef } from './types.js';

/** ReplicaSets and Jobs by `namespace/name`, to follow their own ownerReferences. */
export interface OwnerIndex {
  replicaSets: Map<string, ControllerRecord>;
  jobs: Map<string, ControllerRecord>;
}

/** Returns an index of the ReplicaSets and Jobs among the given controllers. */
export function buildOwnerIndex(controllers: Iterable<ControllerRecord>): OwnerIndex {
  const index: OwnerIndex = { replicaSets: new Map(), jobs: new Map() };
  for (const c of controllers) {
    if (c.kind === 'ReplicaSet') index.replicaSets.set(`${c.namespace}/${c.name}`, c);
    else if (c.kind === 'Job') index.jobs.set(`${c.namespace}/${c.name}`, c);
  }
  return index;
}

/** Returns the controlling owner reference (`controller: true`), else the first one. */
export function controllerOf(
  refs: readonly OwnerReferenceRecord[] | undefined,
): OwnerReferenceRecord | undefined {
  if (!refs?.length) return undefined;
  return refs.find((r) => r.controller) ?? refs[0];
}

/** CronJob-made Jobs are named `<cronjob>-<scheduled time in minutes since the epoch>` (8+ digits today). */
const CRONJOB_SUFFIX = /-\d{8,}$/;

/** Returns the Deployment name behind a ReplicaSet name, by stripping `-<pod-template-hash>`, or null. */
export function deploymentFromReplicaSetName(
  rsName: string,
  podTemplateHash: string | undefined,
): string | null {
  if (podTemplateHash && rsName.endsWith(`-${podTemplateHash}`))
    return rsName.slice(0, -(podTemplateHash.length + 1)) || null;
  return null;
}

/** Returns the CronJob name behind a Job name, by stripping the numeric `-<minutes>` suffix, or null. */
export function cronJobFromJobName(jobName: string): string | null {
  return CRONJOB_SUFFIX.test(jobName) ? jobName.replace(CRONJOB_SUFFIX, '') || null : null;
}

function topOfReplicaSet(ns: string, rsName: string, pod: PodRecord | null, index?: OwnerIndex): OwnerRef {
  const rs = index?.replicaSets.get(`${ns}/${rsName}`);
  if (rs) {
    const up = controllerOf(rs.ownerReferences);
    return up ? { kind: up.kind, name: up.name } : { kind: 'ReplicaSet', name: rsName };
  }
  const hash = pod?.metadata.labels?.['pod-template-hash'] ?? rsHashFromName(rsName);
  const deployment = deploymentFromReplicaSetName(rsName, hash);
  return deployment ? { kind: 'Deployment', name: deployment } : { kind: 'ReplicaSet', name: rsName };
}

/** Without the pod's label, a ReplicaSet made by a Deployment still ends in `-<hash>` of 5–10 safe characters. */
function rsHashFromName(rsName: string): string | undefined {
  return /-([bcdfghjklmnpqrstvwxz2456789]{5,10})$/.exec(rsName)?.[1];
}

function topOfJob(ns: string, jobName: string, index?: OwnerIndex): OwnerRef {
  const job = index?.jobs.get(`${ns}/${jobName}`);
  if (job) {
    const up = controllerOf(job.ownerReferences);
    return up ? { kind: up.kind, name: up.name } : { kind: 'Job', name: jobName };
  }
  const cron = cronJobFromJobName(jobName);
  return cron ? { kind: 'CronJob', name: cron } : { kind: 'Job', name: jobName };
}

/**
 * Returns the top-level owner of a pod. With an index the ReplicaSet's and Job's own ownerReferences decide;
 * without one (a pods-only dump) the names are stripped as the controllers build them.
 */
export function ownerOfPod(pod: PodRecord, index?: OwnerIndex): OwnerRef {
  const ns = pod.metadata.namespace;
  const ref = controllerOf(pod.metadata.ownerReferences);
  // Static (mirror) pods are "owned" by their Node: each is its own workload.
  if (!ref || ref.kind === 'Node') return { kind: 'Pod', name: pod.metadata.name };
  if (ref.kind === 'ReplicaSet') return topOfReplicaSet(ns, ref.name, pod, index);
  if (ref.kind === 'Job') return topOfJob(ns, ref.name, index);
  return { kind: ref.kind, name: ref.name };
}

/** Returns the top-level owner of a controller (a ReplicaSet → its Deployment, a Job → its CronJob, else itself). */
export function ownerOfController(c: ControllerRecord): OwnerRef {
  if (c.kind === 'ReplicaSet') {
    const up = controllerOf(c.ownerReferences);
    return up ? { kind: up.kind, name: up.name } : { kind: 'ReplicaSet', name: c.name };
  }
  if (c.kind === 'Job') {
    const up = controllerOf(c.ownerReferences);
    if (up) return { kind: up.kind, name: up.name };
    return { kind: 'Job', name: c.name };
  }
  return { kind: c.kind, name: c.name };
}
