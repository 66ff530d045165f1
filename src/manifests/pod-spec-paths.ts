import type { ContainerType } from './types.js';

/**
 * Where container images live, per kind, as data (adding a CRD that carries pod specs is one row).
 *
 * Path syntax: dot-separated mapping keys; `[]` after a key means "each item of that sequence".
 * - `podSpecs`: paths to PodSpec mappings; their `containers`, `initContainers` and
 *   `ephemeralContainers` lists are read.
 * - `containers`: paths to container mappings themselves (a path ending in `[]` yields each item),
 *   for objects that embed containers outside a PodSpec (Argo Workflow templates, Tekton steps).
 * - `images`: paths to a scalar image field of an operator-managed workload (the operator runs it
 *   as the named container), e.g. prometheus-operator's `Prometheus.spec.image`.
 *
 * A row with no paths marks kinds that never carry pod specs: the generic fallback is not tried.
 * Kinds that match no row get the generic fallback (see `workloads.ts`).
 */
export interface KindRule {
  kinds: readonly string[];
  /** API groups (the part of `apiVersion` before `/`, '' for core). Omitted: any group. */
  groups?: readonly string[];
  podSpecs?: readonly string[];
  containers?: readonly ContainerPath[];
  images?: readonly ImagePath[];
}

/** A path to container mappings and the container type they count as. */
export interface ContainerPath {
  path: string;
  type: ContainerType;
  /** Name the controller gives the container when the manifest has none (Argo's `main`). */
  defaultName?: string;
}

/** A path to a scalar image field and the container name the operator gives it. */
export interface ImagePath {
  path: string;
  container: string;
}

const ARGO = ['argoproj.io'];
const KNATIVE = ['serving.knative.dev'];
const PROMETHEUS_OPERATOR = ['monitoring.coreos.com'];
const TEKTON = ['tekton.dev'];

/** Argo Workflows: each template may hold a container, a script, init containers, sidecars, or a container set. */
const workflowTemplates = (prefix: string): ContainerPath[] => [
  { path: `${prefix}[].container`, type: 'container', defaultName: 'main' },
  { path: `${prefix}[].script`, type: 'container', defaultName: 'main' },
  { path: `${prefix}[].containerSet.containers[]`, type: 'container' },
  { path: `${prefix}[].sidecars[]`, type: 'container' },
  { path: `${prefix}[].initContainers[]`, type: 'initContainer' },
];

/** The kinds table, first match wins (group-specific rows before any-group rows of the same kind). */
export const KIND_RULES: readonly KindRule[] = [
  // Knative, before the core kinds that share these names.
  { kinds: ['Service', 'Configuration'], groups: KNATIVE, podSpecs: ['spec.template.spec'] },
  { kinds: ['Revision'], groups: KNATIVE, podSpecs: ['spec'] },
  // Argo Rollouts.
  { kinds: ['Rollout'], groups: ARGO, podSpecs: ['spec.template.spec'] },
  { kinds: ['Experiment'], groups: ARGO, podSpecs: ['spec.templates[].template.spec'] },
  {
    kinds: ['AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun'],
    groups: ARGO,
    podSpecs: ['spec.metrics[].provider.job.spec.template.spec'],
  },
  // Argo Workflows.
  {
    kinds: ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'],
    groups: ARGO,
    containers: workflowTemplates('spec.templates'),
  },
  { kinds: ['CronWorkflow'], groups: ARGO, containers: workflowTemplates('spec.workflowSpec.templates') },
  // KEDA.
  { kinds: ['ScaledJob'], groups: ['keda.sh'], podSpecs: ['spec.jobTemplate.spec.template.spec'] },
  // Tekton.
  {
    kinds: ['Task', 'ClusterTask'],
    groups: TEKTON,
    containers: [
      { path: 'spec.steps[]', type: 'container' },
      { path: 'spec.sidecars[]', type: 'container' },
    ],
  },
  {
    kinds: ['TaskRun'],
    groups: TEKTON,
    containers: [
      { path: 'spec.taskSpec.steps[]', type: 'container' },
      { path: 'spec.taskSpec.sidecars[]', type: 'container' },
    ],
  },
  // prometheus-operator: the operator runs `spec.image` as its main container; `spec.containers`
  // adds or patches containers (entries without `image` are patches and yield nothing).
  {
    kinds: ['Prometheus', 'PrometheusAgent'],
    groups: PROMETHEUS_OPERATOR,
    images: [
      { path: 'spec.image', container: 'prometheus' },
      { path: 'spec.thanos.image', container: 'thanos-sidecar' },
    ],
    podSpecs: ['spec'],
  },
  {
    kinds: ['Alertmanager'],
    groups: PROMETHEUS_OPERATOR,
    images: [{ path: 'spec.image', container: 'alertmanager' }],
    podSpecs: ['spec'],
  },
  {
    kinds: ['ThanosRuler'],
    groups: PROMETHEUS_OPERATOR,
    images: [{ path: 'spec.image', container: 'thanos-ruler' }],
    podSpecs: ['spec'],
  },
  // Kubernetes workloads.
  { kinds: ['Pod'], podSpecs: ['spec'] },
  {
    kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'],
    podSpecs: ['spec.template.spec'],
  },
  { kinds: ['CronJob'], podSpecs: ['spec.jobTemplate.spec.template.spec'] },
  { kinds: ['PodTemplate'], podSpecs: ['template.spec'] },
  // Kinds that never carry pod specs: skip the generic search (a CRD's schema has `image`
  // properties and `template`/`spec` keys that must not be mistaken for workloads).
  { kinds: ['CustomResourceDefinition'] },
  {
    kinds: [
      'Service',
      'ConfigMap',
      'Secret',
      'ServiceAccount',
      'Namespace',
      'Endpoints',
      'PersistentVolume',
      'PersistentVolumeClaim',
      'LimitRange',
      'ResourceQuota',
      'Event',
    ],
    groups: [''],
  },
];

/** The pod-spec lists of a PodSpec and the container type of each. */
export const POD_SPEC_CONTAINER_LISTS: ReadonlyArray<readonly [string, ContainerType]> = [
  ['containers', 'container'],
  ['initContainers', 'initContainer'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

/** One parsed path step: a mapping key, and whether to fan out over the sequence found there. */
export interface PathStep {
  key: string;
  each: boolean;
}

/** Splits `spec.templates[].template.spec` into steps. */
export function parsePath(path: string): PathStep[] {
  return path
    .split('.')
    .map((part) =>
      part.endsWith('[]') ? { key: part.slice(0, -2), each: true } : { key: part, each: false },
    );
}

/** The API group of an `apiVersion` ('' for the core group `v1`). */
export function apiGroup(apiVersion: string | null): string {
  if (apiVersion === null) return '';
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** The first rule for this kind and apiVersion, or undefined (generic fallback applies). */
export function findKindRule(kind: string, apiVersion: string | null): KindRule | undefined {
  const group = apiGroup(apiVersion);
  return KIND_RULES.find(
    (r) => r.kinds.includes(kind) && (r.groups === undefined || r.groups.includes(group)),
  );
}
