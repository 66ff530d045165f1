/**
 * The data model of cluster mode (`k8s-image-check drift`, `mode: cluster`): pod health, drift between git and
 * the live cluster, per-workload aggregation and the report that issues, metrics and renderers consume.
 *
 * Wire values: JSON keys camelCase, status values snake_case, pod-health classes as in
 * docs/pod-health.md#table (PascalCase, as Kubernetes spells its reasons). Never rename them.
 */
import type { CheckStatus, RegistryCheck } from '../registry/types.js';
import type { HealthSeverity } from '../severity.js';

/** Pod-level result of the classifier (docs/pod-health.md#evaluation-order). */
export type PodHealthStatus = 'ok' | 'transitional' | 'unhealthy';

/** Severity of a pod-health finding or a workload: owned, with its order, by `severity.ts`. */
export type { HealthSeverity } from '../severity.js';

/** Every class of the pod-health table (docs/pod-health.md#table). */
export type PodHealthClass =
  | 'Terminating'
  | 'Completed'
  | 'Evicted'
  | 'Failed'
  | 'Unknown'
  | 'SchedulingGated'
  | 'Unschedulable'
  | 'OOMKilled'
  | 'StartError'
  | 'ExitedPrematurely'
  | 'CrashLoopBackOff'
  | 'ImagePullBackOff'
  | 'InvalidImageName'
  | 'CreateContainerConfigError'
  | 'CreateContainerError'
  | 'StuckPending'
  | 'Waiting'
  | 'NotReady'
  | 'HighRestartCount'
  | 'RecentRestart'
  | 'Healthy';

/** The row of the docs/pod-health.md#table that decided a pod's class (for tests, debugging and the issue body). */
export type PodHealthRule =
  | 'T1'
  | 'T2'
  | 'S'
  | 'E'
  | 'F'
  | 'U'
  | 'G'
  | 'P'
  | 'C1'
  | 'C2'
  | 'C3'
  | 'C4'
  | 'C5'
  | 'W1'
  | 'W2'
  | 'W3'
  | 'W4'
  | 'W5'
  | 'W6'
  | 'R1'
  | 'R2'
  | 'R3'
  | 'OK';

/** Grace periods and thresholds of the classifier, in seconds (docs/pod-health.md#thresholds; defaults in `pod-health.ts`). */
export interface PodHealthThresholds {
  /** Grace for image pull / config / create errors, from `status.startTime`. Default 120. */
  waitingGrace: number;
  /** Grace for `PodScheduled=False`, from the condition's `lastTransitionTime`. Default 300. */
  unschedulableGrace: number;
  /** Grace for stuck Terminating / ContainerCreating / initializing. Default 1800. */
  stuckGrace: number;
  /** Minimum grace for a running container that never became ready. Default 300. */
  notReadyGrace: number;
  /** Window for "recent" OOM kills, restarts and evictions. Default 3600. */
  recentWindow: number;
  /** Lifetime restarts at or above which a ready container is `HighRestartCount`. Default 20. */
  highRestartThreshold: number;
}

/** A workload that owns pods, resolved to the top of its ownership chain (docs/pod-health.md#workloads). */
export interface OwnerRef {
  /** `Deployment`, `StatefulSet`, `DaemonSet`, `CronJob`, `Job`, `ReplicaSet` (no Deployment), or `Pod` (bare). */
  kind: string;
  name: string;
}

/** Per-container facts a metrics exporter needs (docs/pod-health.md#metrics); bounded values only. */
export interface ContainerHealth {
  name: string;
  init: boolean;
  /** Init container with `restartPolicy: Always`. */
  sidecar: boolean;
  image: string | null;
  /** `status.containerStatuses[].imageID` as reported (may be empty or a `docker-pullable://` form). */
  imageId: string | null;
  ready: boolean;
  restartCount: number;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  waitingReason: string | null;
  /** `lastState.terminated.reason` (or `state.terminated.reason` when terminated now). */
  lastTerminatedReason: string | null;
  lastTerminatedExitCode: number | null;
}

/** Which probe failed, from events (optional enrichment). */
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** The classification of one pod (docs/pod-health.md#record). */
export interface PodHealth {
  namespace: string;
  pod: string;
  /** Top-level owner (Deployment rather than ReplicaSet, CronJob rather than Job). */
  owner: OwnerRef;
  status: PodHealthStatus;
  class: PodHealthClass;
  severity: HealthSeverity;
  /** Container of the finding, or null for pod-level classes. */
  container: string | null;
  init: boolean;
  /** Most specific Kubernetes reason (the cause reason for crash classes), or null. */
  reason: string | null;
  exitCode: number | null;
  /** kubectl RESTARTS column. */
  restarts: number;
  /** Human-readable detail (Kubernetes' message plus our context); for issue bodies, never metric labels. */
  message: string | null;
  /** kubectl STATUS column. */
  display: string;
  akkerisCode: string | null;
  /** `status.phase` (`Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`). */
  phase: string;
  /** The docs/pod-health.md#table row that decided the class. */
  rule: PodHealthRule;
  /** Node the pod is bound to, when known. */
  node: string | null;
  containers: ContainerHealth[];
  /** The probe whose failure events explain a CrashLoopBackOff or NotReady (only when events were readable). */
  probe?: ProbeKind;
  /** The newest such event's message (`Liveness probe failed: HTTP probe failed with statuscode: 500`). */
  probeMessage?: string;
}

/** Drift status of one (kind, namespace, name, container). Wire values. */
export type DriftStatus = 'in_sync' | 'drifted' | 'missing_in_cluster' | 'not_in_git' | 'rollout_stuck';

/** A tag-policy hit on an image running live (same rule ids as PR mode, e.g. `latest-tag`, `dirty-tag`). */
export interface LiveTagFinding {
  rule: string;
  message: string;
}

/** The comparison of git and the cluster for one container of one workload. */
export interface DriftEntry {
  kind: string;
  namespace: string;
  name: string;
  container: string;
  /** Image as written in git (raw), or null for `not_in_git`. */
  desired: string | null;
  /** Image of the live controller's pod template, or null for `missing_in_cluster`. */
  live: string | null;
  status: DriftStatus;
  /** Manifest file of the desired image, or null for `not_in_git`. */
  file: string | null;
  line: number | null;
  /** Distinct images (as reported by `containerStatuses[].image`) the workload's pods really run. */
  podImages: string[];
  /** Distinct `sha256:…` digests taken from the pods' `imageID`s. */
  liveDigests: string[];
  /** Distinct raw `imageID`s of the pods. */
  imageIds: string[];
  /** True when the registry says the live tag now points to another digest than the pods run. */
  tagMoved?: boolean;
  /** The digest the registry gave for the live tag, when asked. */
  registryDigest?: string;
  /** Tag-policy hits (dirty or mutable tags) on the live image. */
  tagFindings?: LiveTagFinding[];
  /** One sentence: what differs and what to do. */
  message: string;
}

/** Where a live image to check came from. */
export type LiveImageSource = 'template' | 'pod';

/** A registry check of one image that a workload runs or would run. */
export interface WorkloadImageCheck {
  container: string;
  /** The reference that was checked: the template image, or `repo@sha256:…` from a pod's imageID. */
  image: string;
  source: LiveImageSource;
  status: CheckStatus;
  message?: string;
  digest?: string;
}

/**
 * One health class seen in a workload's pods (one row of the issue body): the finding fields of its pods
 * (class, severity, container, init, reason, exit code) as `PodHealth` has them.
 */
export interface WorkloadClassSummary
  extends Pick<PodHealth, 'class' | 'severity' | 'container' | 'init' | 'reason' | 'exitCode'> {
  /** Pod names with this (class, container, reason, exitCode), sorted. */
  pods: string[];
  /** One example message. */
  message: string | null;
  /** The failing probe, when events told (an issue-body detail; not part of the fingerprint). */
  probe?: ProbeKind;
  probeMessage?: string;
}

/** Everything cluster mode knows about one top-level workload: the identity of a GitHub issue. */
export interface WorkloadReport {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  /** False when the workload is only in git (`missing_in_cluster`). */
  live: boolean;
  pods: {
    total: number;
    /** Pods per status. */
    ok: number;
    transitional: number;
    unhealthy: number;
    /** Pod count per class. */
    byClass: Partial<Record<PodHealthClass, number>>;
    /** Sum of kubectl RESTARTS over pods. */
    restarts: number;
  };
  /** Non-healthy classes, sorted by severity then class. */
  classes: WorkloadClassSummary[];
  drift: DriftEntry[];
  images: WorkloadImageCheck[];
  /** Max over pods, drift and image checks. */
  severity: HealthSeverity;
  /** True when an issue should exist: severity critical or warning. */
  unhealthy: boolean;
  /**
   * Stable hash (hex sha256) of the sorted set of (owner, class, container, reason, exitCode), drift
   * (container, status, desired, live) and image check (container, image, status), plus the max severity.
   * Excludes restart counts, pod names and timestamps (docs/pod-health.md#workloads).
   */
  fingerprint: string;
  /** Warnings that concern only this workload (e.g. an unreadable pull secret). */
  warnings: string[];
}

/** A live image with its check result, deduplicated over the cluster. */
export interface LiveImageReport {
  image: string;
  normalized: string | null;
  source: LiveImageSource;
  check: RegistryCheck;
  /** `namespace/kind/name/container` of every user. */
  users: string[];
  /**
   * With `use-pull-secrets`, when users pulling with different secrets got different statuses: each check
   * with its users (`check` is then the problem one). Absent when every user got the same status.
   */
  byCredentials?: { check: RegistryCheck; users: string[] }[];
}

/** A list or read that failed: an RBAC denial (the run goes on) or another API error. */
export interface ClusterError {
  /** Resource kind as listed, e.g. `pods`, `deployments`, `secrets`. */
  kind: string;
  /** Namespace when the failure was namespaced; absent for cluster-scope lists. */
  namespace?: string;
  /** What happened, where, and what to do (e.g. the RBAC rule to add). */
  message: string;
  /** HTTP status when there was one (403 for RBAC). */
  httpStatus?: number;
  /** The permission that was missing, e.g. `list pods in namespace x`. */
  permission?: string;
}

/** The result of one cluster-mode run (`k8s-image-check drift --format json`, schemaVersion 1). */
export interface DriftReport {
  schemaVersion: 1;
  cluster: string;
  /** When the report was made (ISO 8601). */
  generatedAt: string;
  /** The `now` grace periods were evaluated at (ISO 8601). */
  now: string;
  drift: DriftEntry[];
  pods: PodHealth[];
  workloads: WorkloadReport[];
  images?: LiveImageReport[];
  /** Notes that do not make the run incomplete (e.g. events could not be read for probe details). */
  warnings?: string[];
  /** Why drift was not compared (no workload kind listed, no workload in git); absent when it was. */
  driftNotCompared?: string;
  /** Partial failures; namespaces/kinds named here were not seen, so nothing about them may be resolved. */
  errors: ClusterError[];
  /**
   * True when every list succeeded. Consumers must not close issues for a workload whose namespace/kind
   * appears in `errors` (see `isVisible(errors, namespace, kind)` in `visibility.ts`).
   */
  complete: boolean;
}
