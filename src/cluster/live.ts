/**
 * The live state of a cluster, grouped by top-level workload: each controller's pod template (what it would
 * run) and its pods (what really runs: `spec.containers[].image` requested, `status.containerStatuses[].imageID`
 * pulled). Pure: works on compact records from `kube.ts` or from dump files.
 */
import type { ContainerType, ImageUse } from '../manifests/types.js';
import { buildOwnerIndex, controllerOf, ownerOfController, ownerOfPod } from './owners.js';
import type { ControllerRecord, PodRecord, PodSpecRecord } from './records.js';

/** A container of a live workload's template. */
export interface LiveContainer {
  name: string;
  image: string;
  containerType: ContainerType;
}

/** One top-level workload as the cluster has it. */
export interface LiveWorkload {
  kind: string;
  namespace: string;
  name: string;
  /** The controller object, or null for a bare Pod or an owner kind that is not listed (e.g. an Argo Rollout). */
  controller: ControllerRecord | null;
  /** The template's containers (for a bare Pod: its own spec). Empty when the controller is not listed. */
  containers: LiveContainer[];
  /** Pod-spec facts for pull secrets (template or bare pod). */
  spec: PodSpecRecord | null;
  pods: PodRecord[];
  /**
   * When the current template started rolling out, from reliable timestamps only (newest matching ReplicaSet,
   * the last spec update in managedFields, the oldest pod of the current revision, or the creation of a
   * controller whose generation is 1); null when unknown (then nothing is called stuck).
   */
  rolloutStart: string | null;
  /**
   * Pods known to be on an old revision (StatefulSet `controller-revision-hash` ≠ `status.updateRevision`,
   * DaemonSet `pod-template-generation` ≠ `metadata.generation`); absent when the revisions are unknown.
   */
  oldPods?: ReadonlySet<string>;
  /** `updateStrategy.type: OnDelete`: pods are replaced only when someone deletes them, never stuck. */
  manualUpdate?: boolean;
  /** `replicas: 0` or a suspended CronJob/Job. */
  idle: boolean;
}

/** Kinds whose pods are expected to run the controller's current template (rollout_stuck applies). */
export const ROLLING_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
]);

/** Returns `namespace/kind/name`, the key of a workload. */
export function workloadKey(namespace: string, kind: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

/** Returns the pseudo file name that live image uses carry: `cluster://<namespace>/<kind>/<name>`. */
export function clusterLocation(namespace: string, kind: string, name: string): string {
  return `cluster://${namespace}/${kind}/${name}`;
}

/** Returns the containers of a pod spec, init containers first. */
export function specContainers(spec: PodSpecRecord): LiveContainer[] {
  const out: LiveContainer[] = [];
  for (const c of spec.initContainers ?? [])
    if (c.image) out.push({ name: c.name, image: c.image, containerType: 'initContainer' });
  for (const c of spec.containers)
    if (c.image) out.push({ name: c.name, image: c.image, containerType: 'container' });
  return out;
}

function imagesOf(spec: PodSpecRecord): string {
  return specContainers(spec)
    .map((c) => `${c.name}=${c.image}`)
    .sort()
    .join(',');
}

/** Whether a pod runs the controller's current revision; null when either side does not say. */
function isCurrentRevision(c: ControllerRecord, pod: PodRecord): boolean | null {
  const labels = pod.metadata.labels ?? {};
  if (c.kind === 'StatefulSet' && c.updateRevision) {
    const hash = labels['controller-revision-hash'];
    return hash ? hash === c.updateRevision : null;
  }
  if (c.kind === 'DaemonSet' && c.generation !== undefined) {
    const gen = labels['pod-template-generation'];
    return gen ? gen === String(c.generation) : null;
  }
  return null;
}

/**
 * Old pods and a reliable rollout start of a StatefulSet/DaemonSet from its pods' revision labels: the
 * oldest pod on the current revision was created after the rollout began, so it is a safe (late) start.
 */
function revisionFacts(
  c: ControllerRecord,
  pods: readonly PodRecord[],
): { oldPods?: Set<string>; firstCurrent: string | null } {
  const oldPods = new Set<string>();
  let known = pods.length > 0;
  let firstCurrent: string | null = null;
  for (const pod of pods) {
    const current = isCurrentRevision(c, pod);
    if (current === null) {
      known = false;
      continue;
    }
    if (!current) oldPods.add(pod.metadata.name);
    else if (
      pod.metadata.creationTimestamp &&
      (!firstCurrent || Date.parse(pod.metadata.creationTimestamp) < Date.parse(firstCurrent))
    )
      firstCurrent = pod.metadata.creationTimestamp;
  }
  return known ? { oldPods, firstCurrent } : { firstCurrent };
}

/** The controller's own creation time is a rollout start only when its spec never changed (generation 1). */
function createdUnchanged(c: ControllerRecord): string | null {
  return c.generation === 1 ? (c.creationTimestamp ?? null) : null;
}

function rolloutStartOf(c: ControllerRecord, all: readonly ControllerRecord[]): string | null {
  if (c.kind === 'Deployment') {
    const want = imagesOf(c.template);
    let best: string | null = null;
    for (const rs of all) {
      if (rs.kind !== 'ReplicaSet' || rs.namespace !== c.namespace) continue;
      const up = controllerOf(rs.ownerReferences);
      if (up?.kind !== 'Deployment' || up.name !== c.name || imagesOf(rs.template) !== want) continue;
      if (rs.creationTimestamp && (!best || Date.parse(rs.creationTimestamp) > Date.parse(best)))
        best = rs.creationTimestamp;
    }
    if (best) return best;
  }
  // managedFields are missing from `kubectl get -o json` dumps: then only a never-changed spec dates it.
  return c.specUpdatedAt ?? createdUnchanged(c);
}

/**
 * Groups controllers and pods into top-level workloads (docs/pod-health.md#workloads): Deployments (their ReplicaSets'
 * pods), StatefulSets, DaemonSets, CronJobs (their Jobs' pods), Jobs and ReplicaSets without an owner, and
 * bare Pods. Sorted by namespace, kind, name.
 */
export function buildLiveWorkloads(
  pods: readonly PodRecord[],
  controllers: readonly ControllerRecord[],
): LiveWorkload[] {
  const index = buildOwnerIndex(controllers);
  const byKey = new Map<string, LiveWorkload>();
  for (const c of controllers) {
    const top = ownerOfController(c);
    if (top.kind !== c.kind || top.name !== c.name) continue; // a ReplicaSet of a Deployment, a Job of a CronJob
    byKey.set(workloadKey(c.namespace, c.kind, c.name), {
      kind: c.kind,
      namespace: c.namespace,
      name: c.name,
      controller: c,
      containers: specContainers(c.template),
      spec: c.template,
      pods: [],
      rolloutStart: rolloutStartOf(c, controllers),
      idle: c.replicas === 0 || c.suspended === true,
    });
  }
  for (const pod of pods) {
    const owner = ownerOfPod(pod, index);
    const ns = pod.metadata.namespace;
    const key = workloadKey(ns, owner.kind, owner.name);
    let w = byKey.get(key);
    if (!w) {
      const bare = owner.kind === 'Pod';
      w = {
        kind: owner.kind,
        namespace: ns,
        name: owner.name,
        controller: null,
        containers: bare ? specContainers(pod.spec) : [],
        spec: bare ? pod.spec : null,
        pods: [],
        rolloutStart: bare ? (pod.metadata.creationTimestamp ?? null) : null,
        idle: false,
      };
      byKey.set(key, w);
    }
    w.pods.push(pod);
  }
  for (const w of byKey.values()) {
    const c = w.controller;
    if (!c || (c.kind !== 'StatefulSet' && c.kind !== 'DaemonSet')) continue;
    if (c.updateStrategy === 'OnDelete') w.manualUpdate = true;
    const facts = revisionFacts(c, w.pods);
    if (facts.oldPods) w.oldPods = facts.oldPods;
    if (!c.specUpdatedAt && !createdUnchanged(c)) w.rolloutStart = facts.firstCurrent;
  }
  return [...byKey.values()].sort((a, b) => {
    const ka = `${a.namespace}\u0000${a.kind}\u0000${a.name}`;
    const kb = `${b.namespace}\u0000${b.kind}\u0000${b.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Returns the live workloads' template images as `ImageUse`s (origin `cluster`, line 0: no file position). */
export function liveUses(workloads: readonly LiveWorkload[]): ImageUse[] {
  const uses: ImageUse[] = [];
  for (const w of workloads) {
    for (const c of w.containers) {
      uses.push({
        raw: c.image,
        file: clusterLocation(w.namespace, w.kind, w.name),
        line: 0,
        column: 0,
        docIndex: 0,
        kind: w.kind,
        apiVersion: null,
        namespace: w.namespace,
        name: w.name,
        container: c.name,
        containerType: c.containerType,
        origin: 'cluster',
      });
    }
  }
  return uses;
}

const REPO_DIGEST = /^(?:docker-pullable:\/\/)?([^@]+)@(sha256:[a-f0-9]{64})$/;

/**
 * Returns the repository and manifest digest in a container status `imageID`
 * (`docker.io/library/nginx@sha256:…`, `docker-pullable://nginx@sha256:…`), or null for a bare image ID
 * (`sha256:…` of a locally loaded image), which names no registry manifest.
 */
export function parseImageId(imageId: string | undefined): { repository: string; digest: string } | null {
  if (!imageId) return null;
  const m = REPO_DIGEST.exec(imageId);
  return m ? { repository: m[1]!, digest: m[2]! } : null;
}

/** What the pods of a workload really run for one container. */
export interface RunningImages {
  /** Distinct `spec.containers[].image` of the pods (what the kubelet was asked for). */
  specImages: string[];
  /** Distinct `status.containerStatuses[].image`. */
  statusImages: string[];
  /** Distinct raw imageIDs. */
  imageIds: string[];
  /** Distinct manifest digests from the imageIDs. */
  digests: string[];
  /** Pods (not being deleted, not finished) whose spec image differs from `template`, per spec image. */
  podsBySpecImage: Map<string, string[]>;
  /** Digests the pods run, per spec image (sorted): only pods on the template's image say what the tag ran. */
  digestsBySpecImage: Map<string, string[]>;
}

/** Returns what the workload's live pods run for one container. Deleted and finished pods are left out. */
export function runningImages(w: LiveWorkload, container: string): RunningImages {
  const specImages = new Set<string>();
  const statusImages = new Set<string>();
  const imageIds = new Set<string>();
  const digests = new Set<string>();
  const podsBySpecImage = new Map<string, string[]>();
  const digestsBySpecImage = new Map<string, string[]>();
  for (const pod of w.pods) {
    const phase = pod.status.phase;
    if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed') continue;
    const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
      (c) => c.name === container,
    );
    if (spec?.image) {
      specImages.add(spec.image);
      const list = podsBySpecImage.get(spec.image) ?? [];
      list.push(pod.metadata.name);
      podsBySpecImage.set(spec.image, list);
    }
    const st = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])].find(
      (s) => s.name === container,
    );
    if (st?.image) statusImages.add(st.image);
    if (st?.imageID) {
      imageIds.add(st.imageID);
      const parsed = parseImageId(st.imageID);
      if (parsed) {
        digests.add(parsed.digest);
        if (spec?.image) {
          const list = digestsBySpecImage.get(spec.image) ?? [];
          if (!list.includes(parsed.digest)) list.push(parsed.digest);
          digestsBySpecImage.set(spec.image, list.sort());
        }
      }
    }
  }
  return {
    specImages: [...specImages].sort(),
    statusImages: [...statusImages].sort(),
    imageIds: [...imageIds].sort(),
    digests: [...digests].sort(),
    podsBySpecImage,
    digestsBySpecImage,
  };
}
