/**
 * Small factories for cluster-mode report objects (the shapes of `src/cluster/types.ts`), shared by the
 * issue, metrics and alert-rule tests. Defaults describe a healthy Deployment `shop/cart` in cluster `prod`.
 */
import { createHash } from 'node:crypto';
import type {
  ContainerHealth,
  DriftEntry,
  HealthSeverity,
  PodHealth,
  WorkloadClassSummary,
  WorkloadImageCheck,
  WorkloadReport,
} from '../../../src/cluster/types.js';

const RANK: Record<HealthSeverity, number> = { none: 0, info: 1, warning: 2, critical: 3 };

/** A container status; healthy and running by default. */
export function container(overrides: Partial<ContainerHealth> = {}): ContainerHealth {
  return {
    name: 'app',
    init: false,
    sidecar: false,
    image: 'ghcr.io/acme/cart:1.4.2',
    imageId: 'ghcr.io/acme/cart@sha256:' + 'a'.repeat(64),
    ready: true,
    restartCount: 0,
    state: 'running',
    waitingReason: null,
    lastTerminatedReason: null,
    lastTerminatedExitCode: null,
    ...overrides,
  };
}

/** A pod-health record; healthy by default. */
export function pod(overrides: Partial<PodHealth> = {}): PodHealth {
  return {
    namespace: 'shop',
    pod: 'cart-7d9f8b6c5d-x2x4p',
    owner: { kind: 'Deployment', name: 'cart' },
    status: 'ok',
    class: 'Healthy',
    severity: 'none',
    container: null,
    init: false,
    reason: null,
    exitCode: null,
    restarts: 0,
    message: null,
    display: 'Running',
    akkerisCode: null,
    phase: 'Running',
    rule: 'OK',
    node: 'node-1',
    containers: [container()],
    ...overrides,
  };
}

/** A crash-looping pod of `shop/cart` (class CrashLoopBackOff, exit 1). */
export function crashingPod(overrides: Partial<PodHealth> = {}): PodHealth {
  return pod({
    status: 'unhealthy',
    class: 'CrashLoopBackOff',
    severity: 'critical',
    container: 'app',
    reason: 'Error',
    exitCode: 1,
    restarts: 5,
    message: 'back-off 5m0s restarting failed container=app pod=cart-7d9f8b6c5d-x2x4p',
    display: 'CrashLoopBackOff',
    rule: 'C5',
    containers: [
      container({
        ready: false,
        restartCount: 5,
        state: 'waiting',
        waitingReason: 'CrashLoopBackOff',
        lastTerminatedReason: 'Error',
        lastTerminatedExitCode: 1,
      }),
    ],
    ...overrides,
  });
}

/** A drift entry for container `app` of `shop/cart`, in sync by default. */
export function drift(overrides: Partial<DriftEntry> = {}): DriftEntry {
  return {
    kind: 'Deployment',
    namespace: 'shop',
    name: 'cart',
    container: 'app',
    desired: 'ghcr.io/acme/cart:1.4.2',
    live: 'ghcr.io/acme/cart:1.4.2',
    status: 'in_sync',
    file: 'k8s/shop/cart.yaml',
    line: 21,
    podImages: ['ghcr.io/acme/cart:1.4.2'],
    liveDigests: ['sha256:' + 'a'.repeat(64)],
    imageIds: ['ghcr.io/acme/cart@sha256:' + 'a'.repeat(64)],
    message: 'in sync',
    ...overrides,
  };
}

/** An image check of container `app`, available by default. */
export function imageCheck(overrides: Partial<WorkloadImageCheck> = {}): WorkloadImageCheck {
  return {
    container: 'app',
    image: 'ghcr.io/acme/cart:1.4.2',
    source: 'template',
    status: 'available',
    ...overrides,
  };
}

/**
 * A workload report built from its pods, drift and images the way the aggregator does: classes from the
 * unhealthy pods, severity as the maximum, and a fingerprint over (class, container, reason, exitCode),
 * drift (container, status, desired, live), images (container, image, status) and the severity.
 */
export function workload(
  parts: {
    cluster?: string;
    namespace?: string;
    kind?: string;
    name?: string;
    pods?: PodHealth[];
    drift?: DriftEntry[];
    images?: WorkloadImageCheck[];
    live?: boolean;
  } = {},
): WorkloadReport {
  const namespace = parts.namespace ?? 'shop';
  const kind = parts.kind ?? 'Deployment';
  const name = parts.name ?? 'cart';
  const pods = (parts.pods ?? [pod()]).map((p) => ({ ...p, namespace, owner: { kind, name } }));
  const driftEntries = (parts.drift ?? [drift()]).map((d) => ({ ...d, namespace, kind, name }));
  const images = parts.images ?? [imageCheck()];
  const classes = new Map<string, WorkloadClassSummary>();
  let severity = 'none' as HealthSeverity;
  const bump = (s: HealthSeverity) => {
    if (RANK[s] > RANK[severity]) severity = s;
  };
  const byClass: WorkloadReport['pods']['byClass'] = {};
  for (const p of pods) {
    byClass[p.class] = (byClass[p.class] ?? 0) + 1;
    if (p.class === 'Healthy' || p.class === 'Completed') continue;
    bump(p.severity);
    const key = [p.class, p.container, p.reason, p.exitCode].join('|');
    const c = classes.get(key) ?? {
      class: p.class,
      severity: p.severity,
      container: p.container,
      init: p.init,
      reason: p.reason,
      exitCode: p.exitCode,
      pods: [],
      message: p.message,
    };
    c.pods.push(p.pod);
    c.pods.sort();
    classes.set(key, c);
  }
  for (const d of driftEntries)
    if (d.status === 'drifted' || d.status === 'missing_in_cluster' || d.status === 'rollout_stuck')
      bump('warning');
  for (const i of images) if (i.status === 'absent' || i.status === 'platform_missing') bump('critical');
  const fp = createHash('sha256')
    .update(
      JSON.stringify([
        [...classes.values()].map((c) => [c.class, c.container, c.reason, c.exitCode]).sort(),
        driftEntries.map((d) => [d.container, d.status, d.desired, d.live]).sort(),
        images.map((i) => [i.container, i.image, i.status]).sort(),
        severity,
      ]),
    )
    .digest('hex');
  return {
    cluster: parts.cluster ?? 'prod',
    namespace,
    kind,
    name,
    live: parts.live ?? true,
    pods: {
      total: pods.length,
      ok: pods.filter((p) => p.status === 'ok').length,
      transitional: pods.filter((p) => p.status === 'transitional').length,
      unhealthy: pods.filter((p) => p.status === 'unhealthy').length,
      byClass,
      restarts: pods.reduce((s, p) => s + p.restarts, 0),
    },
    classes: [...classes.values()],
    drift: driftEntries,
    images,
    severity,
    unhealthy: severity === 'critical' || severity === 'warning',
    fingerprint: fp,
    warnings: [],
  };
}
