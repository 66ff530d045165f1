/**
 * Compact records of the Kubernetes objects cluster mode needs: only the fields the classifier, owner resolution
 * and drift read, with timestamps as ISO strings. A listed page is turned into these records and dropped, so
 * 10,000+ pods stay in bounded memory. The field names are the API's, so a record is a structural subset of the
 * object and fixtures read like real `kubectl get -o json` output.
 */

/** An `ownerReferences[]` entry. */
export interface OwnerReferenceRecord {
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

/** The probe timings R1 needs. */
export interface ProbeRecord {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

/** A container of a pod spec. */
export interface ContainerSpecRecord {
  name: string;
  image?: string;
  /** `Always` on a sidecar init container (or a per-container rule on a regular one). */
  restartPolicy?: string;
  readinessProbe?: ProbeRecord;
  startupProbe?: ProbeRecord;
}

/** A pod spec (or a controller's pod template spec). */
export interface PodSpecRecord {
  containers: ContainerSpecRecord[];
  initContainers?: ContainerSpecRecord[];
  restartPolicy?: string;
  nodeName?: string;
  serviceAccountName?: string;
  imagePullSecrets?: { name: string }[];
}

/** A `state` or `lastState` of a container status. */
export interface ContainerStateRecord {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    reason?: string;
    message?: string;
    exitCode?: number;
    signal?: number;
    startedAt?: string;
    finishedAt?: string;
  };
}

/** An entry of `containerStatuses` / `initContainerStatuses`. */
export interface ContainerStatusRecord {
  name: string;
  image?: string;
  imageID?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerStateRecord;
  lastState?: ContainerStateRecord;
}

/** A pod condition. */
export interface PodConditionRecord {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** A pod, reduced to what cluster mode reads. */
export interface PodRecord {
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    /**
     * Only the labels owner resolution and rollouts read (`pod-template-hash`, `controller-revision-hash`,
     * `pod-template-generation`, `job-name`).
     */
    labels?: Record<string, string>;
    ownerReferences?: OwnerReferenceRecord[];
  };
  spec: PodSpecRecord;
  status: {
    phase?: string;
    reason?: string;
    message?: string;
    startTime?: string;
    conditions?: PodConditionRecord[];
    containerStatuses?: ContainerStatusRecord[];
    initContainerStatuses?: ContainerStatusRecord[];
  };
}

/** Workload kinds cluster mode lists, in their API spelling. */
export type ControllerKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'Job' | 'ReplicaSet';

/** A controller (or a ReplicaSet/Job used for owner resolution), reduced to what cluster mode reads. */
export interface ControllerRecord {
  kind: ControllerKind;
  namespace: string;
  name: string;
  uid?: string;
  creationTimestamp?: string;
  /** Latest `managedFields[].time` of a spec (non-status) update: when the template last changed. */
  specUpdatedAt?: string;
  labels?: Record<string, string>;
  ownerReferences?: OwnerReferenceRecord[];
  /** `spec.replicas` (Deployment, StatefulSet, ReplicaSet). */
  replicas?: number;
  /** `spec.suspend` (CronJob, Job). */
  suspended?: boolean;
  /** Deployment `spec.progressDeadlineSeconds`. */
  progressDeadlineSeconds?: number;
  /** The pod template's spec (CronJob: `spec.jobTemplate.spec.template.spec`). */
  template: PodSpecRecord;
  /** Job outcome: `status.succeeded` / `status.failed` counts and completion time. */
  job?: { succeeded: number; failed: number; active: number; completionTime?: string };
  /** `metadata.generation`: 1 means the spec never changed since creation. */
  generation?: number;
  /** StatefulSet `status.updateRevision`: the `controller-revision-hash` of pods on the current template. */
  updateRevision?: string;
  /** StatefulSet/DaemonSet `spec.updateStrategy.type` (`RollingUpdate`, `OnDelete`). */
  updateStrategy?: string;
}

const KEPT_LABELS = [
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'job-name',
  'batch.kubernetes.io/job-name',
];

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  // @kubernetes/client-node deserialises date-time fields into Date objects.
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().replace('.000Z', 'Z');
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/**
 * Returns a copy without undefined values, so records stay small and compare cleanly in tests.
 *
 * @remarks
 * It builds a new object instead of `delete`-ing keys: `delete` turns a V8 object into a dictionary-mode
 * object, which made a compact pod take 6 KB of heap instead of about 1.5 KB (measured with bench/pods.ts).
 */
function clean<T extends Obj>(o: T): T {
  const out: Obj = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = typeof v === 'string' ? intern(v) : v;
  }
  return out as T;
}

/** Repeated strings (images, reasons, timestamps, node names) are shared instead of copied per pod. */
const interned = new Map<string, string>();
const INTERN_LIMIT = 200_000;

function intern(s: string): string {
  if (s.length > 256) return s;
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size >= INTERN_LIMIT) interned.clear();
  interned.set(s, s);
  return s;
}

function compactProbe(v: unknown): ProbeRecord | undefined {
  const p = obj(v);
  if (!p) return undefined;
  return clean({
    initialDelaySeconds: num(p.initialDelaySeconds),
    periodSeconds: num(p.periodSeconds),
    timeoutSeconds: num(p.timeoutSeconds),
    failureThreshold: num(p.failureThreshold),
    successThreshold: num(p.successThreshold),
  });
}

function compactContainer(v: unknown): ContainerSpecRecord {
  const c = obj(v) ?? {};
  return clean({
    name: str(c.name) ?? '',
    image: str(c.image),
    restartPolicy: str(c.restartPolicy),
    readinessProbe: compactProbe(c.readinessProbe),
    startupProbe: compactProbe(c.startupProbe),
  });
}

/** Returns the compact form of a pod spec (a pod's `spec` or a template's `spec`). */
export function compactPodSpec(v: unknown): PodSpecRecord {
  const s = obj(v) ?? {};
  const init = arr(s.initContainers).map(compactContainer);
  const secrets = arr(s.imagePullSecrets)
    .map((x) => str(obj(x)?.name))
    .filter((x): x is string => !!x)
    .map((name) => ({ name }));
  return clean({
    containers: arr(s.containers).map(compactContainer),
    initContainers: init.length ? init : undefined,
    restartPolicy: str(s.restartPolicy),
    nodeName: str(s.nodeName),
    serviceAccountName: str(s.serviceAccountName),
    imagePullSecrets: secrets.length ? secrets : undefined,
  });
}

function compactState(v: unknown): ContainerStateRecord | undefined {
  const s = obj(v);
  if (!s) return undefined;
  const w = obj(s.waiting);
  const r = obj(s.running);
  const t = obj(s.terminated);
  return clean({
    waiting: w ? clean({ reason: str(w.reason), message: str(w.message) }) : undefined,
    running: r ? clean({ startedAt: str(r.startedAt) }) : undefined,
    terminated: t
      ? clean({
          reason: str(t.reason),
          message: str(t.message),
          exitCode: num(t.exitCode),
          signal: num(t.signal),
          startedAt: str(t.startedAt),
          finishedAt: str(t.finishedAt),
        })
      : undefined,
  });
}

function compactStatus(v: unknown): ContainerStatusRecord {
  const c = obj(v) ?? {};
  return clean({
    name: str(c.name) ?? '',
    image: str(c.image),
    imageID: str(c.imageID),
    ready: bool(c.ready),
    started: bool(c.started),
    restartCount: num(c.restartCount),
    state: compactState(c.state),
    lastState: compactState(c.lastState),
  });
}

function compactOwners(v: unknown): OwnerReferenceRecord[] | undefined {
  const refs = arr(v)
    .map(obj)
    .filter((o): o is Obj => !!o)
    .map((o) =>
      clean({
        kind: str(o.kind) ?? '',
        name: str(o.name) ?? '',
        uid: str(o.uid),
        controller: bool(o.controller),
      }),
    );
  return refs.length ? refs : undefined;
}

function keptLabels(v: unknown): Record<string, string> | undefined {
  const labels = obj(v);
  if (!labels) return undefined;
  const out: Record<string, string> = {};
  for (const k of KEPT_LABELS) {
    const value = str(labels[k]);
    if (value !== undefined) out[k] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Returns the compact record of a Pod object (raw JSON or a client-node `V1Pod`). */
export function compactPod(v: unknown, defaultNamespace = 'default'): PodRecord {
  const o = obj(v) ?? {};
  const m = obj(o.metadata) ?? {};
  const st = obj(o.status) ?? {};
  const conditions = arr(st.conditions)
    .map(obj)
    .filter((c): c is Obj => !!c)
    .map((c) =>
      clean({
        type: str(c.type) ?? '',
        status: str(c.status) ?? '',
        reason: str(c.reason),
        message: str(c.message),
        lastTransitionTime: str(c.lastTransitionTime),
      }),
    );
  const cs = arr(st.containerStatuses).map(compactStatus);
  const ics = arr(st.initContainerStatuses).map(compactStatus);
  return {
    metadata: clean({
      name: str(m.name) ?? '',
      namespace: str(m.namespace) ?? defaultNamespace,
      uid: str(m.uid),
      creationTimestamp: str(m.creationTimestamp),
      deletionTimestamp: str(m.deletionTimestamp),
      labels: keptLabels(m.labels),
      ownerReferences: compactOwners(m.ownerReferences),
    }),
    spec: compactPodSpec(o.spec),
    status: clean({
      phase: str(st.phase),
      reason: str(st.reason),
      message: str(st.message),
      startTime: str(st.startTime),
      conditions: conditions.length ? conditions : undefined,
      containerStatuses: cs.length ? cs : undefined,
      initContainerStatuses: ics.length ? ics : undefined,
    }),
  };
}

/** Returns the latest `managedFields[].time` of an update that was not to a subresource (status, scale). */
function specUpdatedAt(managedFields: unknown): string | undefined {
  let best: string | undefined;
  let bestMs = -Infinity;
  for (const f of arr(managedFields)) {
    const o = obj(f);
    if (!o || str(o.subresource)) continue;
    const t = str(o.time);
    const ms = t ? Date.parse(t) : Number.NaN;
    if (t && ms > bestMs) {
      best = t;
      bestMs = ms;
    }
  }
  return best;
}

/** The controller kinds, lower-case plural resource name → kind. */
export const CONTROLLER_KINDS: Record<string, ControllerKind> = {
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  cronjobs: 'CronJob',
  jobs: 'Job',
  replicasets: 'ReplicaSet',
};

/** Returns whether a kind is one of the listed controller kinds. */
export function isControllerKind(kind: string): kind is ControllerKind {
  return Object.values(CONTROLLER_KINDS).includes(kind as ControllerKind);
}

/** Returns the compact record of a controller object (raw JSON or a client-node model). */
export function compactController(
  kind: ControllerKind,
  v: unknown,
  defaultNamespace = 'default',
): ControllerRecord {
  const o = obj(v) ?? {};
  const m = obj(o.metadata) ?? {};
  const spec = obj(o.spec) ?? {};
  const templateSpec =
    kind === 'CronJob'
      ? obj(obj(obj(obj(spec.jobTemplate)?.spec)?.template)?.spec)
      : obj(obj(spec.template)?.spec);
  const status = obj(o.status) ?? {};
  return clean({
    kind,
    namespace: str(m.namespace) ?? defaultNamespace,
    name: str(m.name) ?? '',
    uid: str(m.uid),
    creationTimestamp: str(m.creationTimestamp),
    specUpdatedAt: specUpdatedAt(m.managedFields),
    labels: keptLabels(m.labels),
    ownerReferences: compactOwners(m.ownerReferences),
    replicas: num(spec.replicas),
    suspended: bool(spec.suspend),
    progressDeadlineSeconds: num(spec.progressDeadlineSeconds),
    template: compactPodSpec(templateSpec),
    generation: num(m.generation),
    updateRevision: kind === 'StatefulSet' ? str(status.updateRevision) : undefined,
    updateStrategy:
      kind === 'StatefulSet' || kind === 'DaemonSet' ? str(obj(spec.updateStrategy)?.type) : undefined,
    job:
      kind === 'Job'
        ? clean({
            succeeded: num(status.succeeded) ?? 0,
            failed: num(status.failed) ?? 0,
            active: num(status.active) ?? 0,
            completionTime: str(status.completionTime),
          })
        : undefined,
  });
}

/** A probe-related pod event (`Unhealthy`, `Killing`), reduced to what enrichment reads. */
export interface EventRecord {
  namespace: string;
  /** The involved pod's name. */
  pod: string;
  /** Container from `involvedObject.fieldPath` (`spec.containers{app}`), if any. */
  container?: string;
  reason: string;
  message: string;
  /** Last time it happened (`lastTimestamp`, else `eventTime`, else `metadata.creationTimestamp`). */
  time?: string;
  count?: number;
}

/** Returns the compact record of a core/v1 Event about a pod (raw JSON or a client-node model), or null. */
export function compactEvent(v: unknown): EventRecord | null {
  const o = obj(v) ?? {};
  const inv = obj(o.involvedObject) ?? {};
  if (str(inv.kind) !== 'Pod' || !str(inv.name)) return null;
  const container = /^spec\.(?:initContainers|containers|ephemeralContainers)\{(.+)\}$/.exec(
    str(inv.fieldPath) ?? '',
  )?.[1];
  return clean({
    namespace: str(inv.namespace) ?? str(obj(o.metadata)?.namespace) ?? 'default',
    pod: str(inv.name) ?? '',
    container,
    reason: str(o.reason) ?? '',
    message: (str(o.message) ?? '').slice(0, 1024),
    time: str(o.lastTimestamp) ?? str(o.eventTime) ?? str(obj(o.metadata)?.creationTimestamp),
    count: num(o.count),
  });
}
