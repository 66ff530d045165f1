/**
 * kubectl's STATUS and RESTARTS columns, ported from `printPod` in kubernetes
 * `pkg/printers/internalversion/printers.go` (1.29–1.36 logic, restartable init containers included).
 */
import type { ContainerSpecRecord, PodRecord } from './records.js';

/** `node.NodeUnreachablePodReason`: the node controller sets it on pods of a lost node. */
const NODE_LOST = 'NodeLost';

function isSidecar(spec: ContainerSpecRecord | undefined): boolean {
  return spec?.restartPolicy === 'Always';
}

function conditionTrue(pod: PodRecord, type: string): boolean {
  return (pod.status.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Returns kubectl's STATUS column and RESTARTS sum for a pod. */
export function kubectlStatus(pod: PodRecord): { display: string; restarts: number } {
  const phase = pod.status.phase ?? '';
  let reason = pod.status.reason || phase;
  for (const c of pod.status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
  const initCount = pod.spec.initContainers?.length ?? 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let initializing = false;
  const initStatuses = pod.status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const sidecar = isSidecar(initSpecs.get(c.name));
    restarts += c.restartCount ?? 0;
    if (sidecar) sidecarRestarts += c.restartCount ?? 0;
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (sidecar && c.started === true) continue;
    if (t) {
      if (!t.reason) reason = t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode ?? 0}`;
      else reason = `Init:${t.reason}`;
    } else if (w?.reason && w.reason !== 'PodInitializing') {
      reason = `Init:${w.reason}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    let hasRunning = false;
    const statuses = pod.status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const terminal = phase === 'Succeeded' || phase === 'Failed';
  if (pod.metadata.deletionTimestamp && pod.status.reason === NODE_LOST) reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';
  return { display: reason, restarts };
}
