/**
 * The metrics cluster mode pushes to a Prometheus Pushgateway, as data: one table read by the renderer
 * (`cluster/publish/pushgateway.ts`), the alert-rules test and the README's metrics table, so they cannot drift apart.
 *
 * Every metric is a gauge (the Pushgateway rejects a name whose TYPE differs from what another group pushed,
 * so a type never changes). Labels are bounded: names, enums and images of the cluster, never free text
 * (docs/pod-health.md#principles, 8). The grouping labels `job` and `cluster` come from the push URL.
 */
import { CHECK_STATUSES, type CheckStatus } from '../registry/types.js';
import type { DriftStatus, HealthSeverity, PodHealthClass } from './types.js';

/** One metric family: its name, help text, labels (in output order) and what a sample's value means. */
export interface MetricDefinition {
  name: string;
  help: string;
  labels: readonly string[];
  /** What the value is, for the README table. */
  value: string;
}

/** Labels identifying a workload in every per-workload series. */
export const WORKLOAD_LABELS = ['namespace', 'workload_kind', 'workload'] as const;
const POD_LABELS = ['namespace', 'pod', 'workload_kind', 'workload'] as const;
const CONTAINER_LABELS = ['namespace', 'pod', 'container', 'workload_kind', 'workload'] as const;

/** The metric table, in output order. Names never change once released (dashboards and alerts use them). */
export const METRICS = {
  imageStatus: {
    name: 'k8s_image_check_image_status',
    help: 'Registry check of an image a workload runs or would run; 1 for the current status.',
    labels: [...WORKLOAD_LABELS, 'container', 'image', 'source', 'status'],
    value: '1',
  },
  images: {
    name: 'k8s_image_check_images',
    help: 'Distinct live images per registry host and registry check status.',
    labels: ['registry', 'status'],
    value: 'count',
  },
  driftStatus: {
    name: 'k8s_image_check_drift_status',
    help: 'Drift between git and the cluster per container; 1 for the current status.',
    labels: [...WORKLOAD_LABELS, 'container', 'status'],
    value: '1',
  },
  tagMoved: {
    name: 'k8s_image_check_tag_moved',
    help: 'The live tag now points to another digest than the pods run.',
    labels: [...WORKLOAD_LABELS, 'container'],
    value: '1',
  },
  mutableTag: {
    name: 'k8s_image_check_mutable_tag',
    help: 'A dirty or mutable tag runs live; rule is the tag-policy rule id.',
    labels: [...WORKLOAD_LABELS, 'container', 'rule'],
    value: '1',
  },
  workloadStatus: {
    name: 'k8s_image_check_workload_status',
    help: 'Maximum severity over a workload pods, drift and image checks; 1 for the current severity.',
    labels: [...WORKLOAD_LABELS, 'severity'],
    value: '1',
  },
  podHealth: {
    name: 'k8s_pod_health',
    help: 'Pod health class (pod-health table); 1 for the current class.',
    labels: [...POD_LABELS, 'class', 'severity'],
    value: '1',
  },
  podPhase: {
    name: 'k8s_pod_status_phase',
    help: 'Pod phase; 1 for the current phase.',
    labels: [...POD_LABELS, 'phase'],
    value: '1',
  },
  containerRestarts: {
    name: 'k8s_pod_container_restarts',
    help: 'Container restartCount as the kubelet reports it (a gauge: it resets when the pod is replaced).',
    labels: CONTAINER_LABELS,
    value: 'restartCount',
  },
  containerReady: {
    name: 'k8s_pod_container_ready',
    help: 'Container readiness: 1 ready, 0 not ready.',
    labels: CONTAINER_LABELS,
    value: '0/1',
  },
  containerWaitingReason: {
    name: 'k8s_pod_container_waiting_reason',
    help: 'Container is waiting with this Kubernetes reason.',
    labels: [...CONTAINER_LABELS, 'reason'],
    value: '1',
  },
  containerLastTerminatedReason: {
    name: 'k8s_pod_container_last_terminated_reason',
    help: 'Reason of the container last termination.',
    labels: [...CONTAINER_LABELS, 'reason'],
    value: '1',
  },
  containerLastTerminatedExitCode: {
    name: 'k8s_pod_container_last_terminated_exitcode',
    help: 'Exit code of the container last termination.',
    labels: CONTAINER_LABELS,
    value: 'exit code',
  },
  workloadUnhealthyPods: {
    name: 'k8s_workload_unhealthy_pods',
    help: 'Unhealthy pods of a workload per pod-health class.',
    labels: [...WORKLOAD_LABELS, 'class'],
    value: 'count',
  },
  runComplete: {
    name: 'k8s_image_check_run_complete',
    help: 'Whether the last pushed run could list everything (1) or some lists failed, e.g. RBAC (0).',
    labels: [],
    value: '0/1',
  },
  listErrors: {
    name: 'k8s_image_check_list_errors',
    help: 'A list of the last pushed run failed for this resource (and namespace; empty when cluster-wide).',
    labels: ['resource', 'namespace'],
    value: '1',
  },
  lastSuccess: {
    name: 'k8s_image_check_last_success_timestamp_seconds',
    help: 'Unix time of the last complete cluster-mode run (pushed only by runs that listed everything; partial runs leave it out).',
    labels: [],
    value: 'seconds',
  },
} as const satisfies Record<string, MetricDefinition>;

/** Metrics the Pushgateway adds itself to every group (usable in alert rules, never rendered by us). */
export const PUSHGATEWAY_METRICS = ['push_time_seconds', 'push_failure_time_seconds'] as const;

/** Labels every pushed series gets from the push URL (grouping key) or the scrape. */
export const GROUPING_LABELS = ['job', 'cluster', 'instance'] as const;

/** Every registry check status, as a runtime list (alert regexes are checked against it). */
export { CHECK_STATUSES };

/** Every drift status, as a runtime list. */
export const DRIFT_STATUSES = [
  'in_sync',
  'drifted',
  'missing_in_cluster',
  'not_in_git',
  'rollout_stuck',
] as const satisfies readonly DriftStatus[];

/** Every severity, as a runtime list. */
export const SEVERITIES = [
  'critical',
  'warning',
  'info',
  'none',
] as const satisfies readonly HealthSeverity[];

/** Every pod-health class, as a runtime list. */
export const POD_HEALTH_CLASSES = [
  'Terminating',
  'Completed',
  'Evicted',
  'Failed',
  'Unknown',
  'SchedulingGated',
  'Unschedulable',
  'OOMKilled',
  'StartError',
  'ExitedPrematurely',
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'StuckPending',
  'Waiting',
  'NotReady',
  'HighRestartCount',
  'RecentRestart',
  'Healthy',
] as const satisfies readonly PodHealthClass[];

// Compile-time exhaustiveness: each list above must name every member of its union.
type Missing<All, Listed> = Exclude<All, Listed>;
const exhaustive: [
  Missing<CheckStatus, (typeof CHECK_STATUSES)[number]>,
  Missing<DriftStatus, (typeof DRIFT_STATUSES)[number]>,
  Missing<HealthSeverity, (typeof SEVERITIES)[number]>,
  Missing<PodHealthClass, (typeof POD_HEALTH_CLASSES)[number]>,
] = [] as unknown as [never, never, never, never];
void exhaustive;

/** Allowed values of enum-valued labels, per label name (used to validate alert-rule matchers). */
export const LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  class: POD_HEALTH_CLASSES,
  severity: SEVERITIES,
  phase: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'],
  source: ['template', 'pod'],
};

/** Allowed `status` values per metric name (the label means something different in each). */
export const STATUS_VALUES: Readonly<Record<string, readonly string[]>> = {
  [METRICS.imageStatus.name]: CHECK_STATUSES,
  [METRICS.images.name]: CHECK_STATUSES,
  [METRICS.driftStatus.name]: DRIFT_STATUSES,
};

/** Renders the metric table as Markdown (for the README). */
export function renderMetricsTable(): string {
  const rows = Object.values(METRICS).map(
    (m: MetricDefinition) =>
      `| \`${m.name}\` | ${m.labels.map((l) => `\`${l}\``).join(', ') || '—'} | ${m.value} | ${m.help} |`,
  );
  return ['| Metric | Labels | Value | Meaning |', '|---|---|---|---|', ...rows, ''].join('\n');
}
