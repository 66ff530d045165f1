/**
 * Cluster mode: the only place its stages meet. desired uses (from the manifest scanner) + a live snapshot
 * (API server or dump files) → drift, pod health, live image checks → per-workload reports (`DriftReport`).
 * Adapters come in through `deps`, so tests and the CLI/action supply their own.
 */

import { resolve as resolvePath } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  COMPARABLE_KINDS,
  computeDrift,
  DEFAULT_LIVE_TAG_RULES,
  type EntryPointUses,
  judgeEntryPoints,
} from '../cluster/drift.js';
import { DUMP_RESOURCES, DumpError, type ParsedDump, readDumpFile } from '../cluster/dump.js';
import {
  type KubeAccess,
  kubeconfigSecrets,
  type ListScope,
  listProbeEvents,
  loadKubeConfig,
  type PullSecretData,
  type PullSecretRequest,
  type PullSecretsResult,
  readPullSecrets,
  snapshotCluster,
} from '../cluster/kube.js';
import { buildLiveWorkloads, workloadKey } from '../cluster/live.js';
import { liveImageTargets, type Target } from '../cluster/live-images.js';
import { buildOwnerIndex, ownerOfPod } from '../cluster/owners.js';
import { classifyPod, toMillis } from '../cluster/pod-health.js';
import { applyProbeEvents } from '../cluster/probe-events.js';
import { gatewaySettings, readPreviousRestarts } from '../cluster/publish/pushgateway.js';
import { groupByPullSecrets, type ImageOutcome, mergeImageOutcomes } from '../cluster/pull-secret-groups.js';
import type { ControllerRecord, EventRecord, PodRecord } from '../cluster/records.js';
import { DUMP_CLUSTER_NAME } from '../cluster/render.js';
import { applyRestartRate } from '../cluster/restart-rate.js';
import type {
  ClusterError,
  DriftReport,
  LiveImageReport,
  PodHealthThresholds,
  WorkloadImageCheck,
} from '../cluster/types.js';
import { resourceOfKind } from '../cluster/visibility.js';
import { aggregateWorkloads, settleJobFailures } from '../cluster/workloads.js';
import type { Config } from '../config/schema.js';
import { compileDirtyPatterns, type TagPolicyOptions } from '../image/tag-policy.js';
import type { ImageUse, ParseProblem } from '../manifests/types.js';
import type { RegistryCheck } from '../registry/types.js';
import { RULES_BY_ID } from '../report/rules.js';
import { registerSecret } from '../secrets.js';
import { createRegistryChecker } from './registry.js';
import type { CheckImagesFn, EngineLogger } from './scan.js';

/** What the live side of a run saw. */
export interface LiveSnapshot {
  pods: PodRecord[];
  controllers: ControllerRecord[];
  errors: ClusterError[];
  complete: boolean;
  /** For dumps: the newest timestamp inside, the default `now`. */
  newest?: string | null;
  /** Server URL or file names, for messages. */
  source: string;
  /** Probe-failure events for optional enrichment. */
  events?: EventRecord[];
  /** Notes that do not make the run incomplete. */
  warnings?: string[];
}

/** Options of a cluster-mode run (see {@link driftOptionsFromConfig} for the config keys). */
export interface DriftRunOptions {
  /** Cluster name in reports, issues and metrics. */
  cluster: string;
  defaultNamespace: string;
  /** Only these namespaces (empty: all). */
  namespaces: readonly string[];
  excludeNamespaces: readonly string[];
  reportNotInGit: boolean;
  /** Seconds before pods still on an old image are `rollout_stuck`. */
  rolloutGrace: number;
  checkLiveImages: boolean;
  /** Also check templates of workloads with `replicas: 0` and suspended CronJobs/Jobs. */
  includeScaledToZero: boolean;
  thresholds: PodHealthThresholds;
  /** Evaluate grace periods at this time (ISO); default: the dump's newest timestamp, else the clock. */
  now: string | null;
  /** Tag policy applied to live images (dirty/mutable tags running live). */
  tagPolicy?: TagPolicyOptions & { rules?: readonly string[] };
  /** Read workloads' `imagePullSecrets` (and their service accounts') for the registry checks. */
  usePullSecrets?: boolean;
  /**
   * Restart counts of the previous run (`restartSnapshot`), at most an hour old: enables Skia's rate rule
   * (R2: 2+ restarts since then). Omitted → the single-snapshot rules only.
   */
  previousRestarts?: ReadonlyMap<string, number>;
}

/** Adapters of a run. */
export interface DriftDeps {
  /** Desired image uses from the manifests (the same scanner as PR mode). */
  desired: readonly ImageUse[];
  /** The entry points the desired uses come from: collisions and "another environment" are said, not guessed. */
  entryPoints?: readonly EntryPointUses[];
  /** Lists the cluster (or reads dumps); throws when nothing can be seen. */
  loadLive: () => Promise<LiveSnapshot>;
  /** Registry checker for live images; omitted → no image checks. */
  checkImages?: CheckImagesFn;
  /** With `usePullSecrets`: reads the secrets (RBAC failures become per-workload warnings). */
  readPullSecrets?: (requests: PullSecretRequest[]) => Promise<PullSecretsResult>;
  /**
   * With `usePullSecrets`: builds a checker for one workload secret set (replaces `checkImages`). Called once
   * per distinct set, with `[]` for workloads that have none; the action's own credentials are the node's.
   */
  makeChecker?: (pullSecrets: PullSecretData[]) => CheckImagesFn;
  /** Wall clock in ms (generatedAt, default now). */
  clock?: () => number;
}

/** Returns the run options a `Config` describes. */
export function driftOptionsFromConfig(config: Config, clusterName: string): DriftRunOptions {
  // Live tag rules follow the rules table (defaults) and the config's overrides; `off` drops one.
  const rules = DEFAULT_LIVE_TAG_RULES.filter(
    (rule) => (config.rules[rule] ?? RULES_BY_ID.get(rule)?.defaultSeverity ?? 'off') !== 'off',
  );
  return {
    cluster: clusterName,
    defaultNamespace: config.defaultNamespace,
    namespaces: config.namespaces,
    excludeNamespaces: config.excludeNamespaces,
    reportNotInGit: config.reportNotInGit,
    rolloutGrace: config.rolloutGrace,
    checkLiveImages: config.checkLiveImages && !config.offline,
    includeScaledToZero: config.includeScaledToZero,
    thresholds: {
      waitingGrace: config.waitingGrace,
      unschedulableGrace: config.unschedulableGrace,
      stuckGrace: config.stuckGrace,
      notReadyGrace: config.notReadyGrace,
      recentWindow: config.recentWindow,
      highRestartThreshold: config.highRestartThreshold,
    },
    now: config.now,
    usePullSecrets: config.usePullSecrets,
    tagPolicy: {
      dirtyPatterns: compileDirtyPatterns(config.dirtyPatterns),
      mutableTags: config.mutableTags,
      rules,
    },
  };
}

/** Returns a loader that lists the cluster through the API server (a loaded KubeConfig or where to load one). */
export function liveFromKube(access: KubeAccess | KubeConfig, scope: ListScope): () => Promise<LiveSnapshot> {
  return async () => {
    const kc = access instanceof KubeConfig ? access : loadKubeConfig(access);
    const snap = await snapshotCluster(kc, scope);
    const probes = await listProbeEvents(kc, scope);
    const warnings = [...(snap.warnings ?? []), ...(probes.warnings ?? [])];
    return { ...snap, source: snap.server, events: probes.events, warnings };
  };
}

/**
 * Reads the dump files, refusing what would count twice or be misread: the same file as both, a pods dump as
 * `--objects-file`, controllers in `--pods-file`. Pods in an objects dump next to a pods dump are left out.
 */
async function readDumps(files: {
  podsFile: string | null;
  objectsFile: string | null;
}): Promise<ParsedDump[]> {
  const { podsFile, objectsFile } = files;
  if (podsFile && objectsFile && resolvePath(podsFile) === resolvePath(objectsFile))
    throw new DumpError(
      `--pods-file and --objects-file are the same file (${podsFile}); pass kubectl get pods -A -o json as --pods-file and kubectl get ${DUMP_RESOURCES} -A -o json as --objects-file.`,
    );
  const pods = podsFile ? await readDumpFile(podsFile) : null;
  const objects = objectsFile ? await readDumpFile(objectsFile) : null;
  if (pods && pods.controllers.length > 0)
    throw new DumpError(
      `--pods-file ${podsFile} holds ${pods.controllers.length} controller(s) (${[...new Set(pods.controllers.map((c) => c.kind))].join(', ')}), not only pods; pass controllers as --objects-file (kubectl get ${DUMP_RESOURCES} -A -o json) and only pods as --pods-file.`,
    );
  if (objects && objects.controllers.length === 0 && objects.pods.length > 0)
    throw new DumpError(
      `--objects-file ${objectsFile} holds only pods; pass it as --pods-file, and the controllers (kubectl get ${DUMP_RESOURCES} -A -o json) as --objects-file.`,
    );
  if (pods && objects && objects.pods.length > 0) {
    objects.warnings.push(
      `--objects-file ${objectsFile} also holds ${objects.pods.length} pod(s); the pods of --pods-file ${podsFile} are used, not these (they would count twice).`,
    );
    objects.pods = [];
  }
  return [pods, objects].filter((d): d is ParsedDump => d !== null);
}

/**
 * Returns a loader that reads `--pods-file` and/or `--objects-file`. A missing half is recorded as an error
 * (`complete: false`), so nothing about what it would have shown is resolved.
 */
export function liveFromFiles(files: {
  podsFile: string | null;
  objectsFile: string | null;
}): () => Promise<LiveSnapshot> {
  return async () => {
    const snapshot: LiveSnapshot = {
      pods: [],
      controllers: [],
      errors: [],
      complete: true,
      newest: null,
      source: '',
    };
    const newest: string[] = [];
    const dumps = await readDumps(files);
    for (const dump of dumps) {
      snapshot.pods.push(...dump.pods);
      snapshot.controllers.push(...dump.controllers);
      snapshot.events = [...(snapshot.events ?? []), ...dump.events];
      if (dump.newest) newest.push(dump.newest);
      if (dump.warnings.length) snapshot.warnings = [...(snapshot.warnings ?? []), ...dump.warnings];
    }
    snapshot.source = [files.podsFile, files.objectsFile].filter(Boolean).join(' and ');
    snapshot.newest = newest.sort().at(-1) ?? null;
    if (!files.objectsFile) {
      // One error per resource (visibility is per kind) sharing one message, which is printed once.
      const resources = ['deployments', 'statefulsets', 'daemonsets', 'cronjobs', 'jobs', 'replicasets'];
      const message = `No --objects-file: ${resources.join(', ')} were not seen; drift is not compared.`;
      for (const resource of resources) snapshot.errors.push({ kind: resource, message });
    }
    if (!files.podsFile)
      snapshot.errors.push({
        kind: 'pods',
        message: 'No --pods-file: pods were not seen; pod health is not classified.',
      });
    snapshot.complete = snapshot.errors.length === 0;
    return snapshot;
  };
}

function inScope(ns: string, options: Pick<DriftRunOptions, 'namespaces' | 'excludeNamespaces'>): boolean {
  return (
    (options.namespaces.length === 0 || options.namespaces.includes(ns)) &&
    !options.excludeNamespaces.includes(ns)
  );
}

const CONTROLLER_RESOURCES = ['deployments', 'statefulsets', 'daemonsets', 'cronjobs', 'jobs', 'replicasets'];

/**
 * Returns why drift was not compared (no controller kind was listed anywhere, or git describes no workload),
 * or null when it was: the headline then says so instead of "0 with drift".
 */
export function driftNotCompared(
  errors: readonly ClusterError[],
  desired: readonly ImageUse[],
): string | null {
  const unlisted = CONTROLLER_RESOURCES.filter((r) =>
    errors.some((e) => e.kind === r && e.namespace === undefined),
  );
  if (unlisted.length === CONTROLLER_RESOURCES.length)
    return 'the workloads (deployments, statefulsets, …) were not listed';
  if (!desired.some((u) => COMPARABLE_KINDS.has(u.kind) && u.name && u.container))
    return 'the manifests describe no workload (check `manifests`)';
  return null;
}

/** Runs cluster mode once and returns the report. Throws (changing nothing) when the cluster cannot be seen. */
export async function runDrift(options: DriftRunOptions, deps: DriftDeps): Promise<DriftReport> {
  const clock = deps.clock ?? Date.now;
  const live = await deps.loadLive();
  const pods = live.pods.filter((p) => inScope(p.metadata.namespace, options));
  const controllers = live.controllers.filter((c) => inScope(c.namespace, options));
  const now = runNow(options.now ?? live.newest ?? new Date(clock()).toISOString());
  const workloads = buildLiveWorkloads(pods, controllers);
  const checked = await checkLiveImages(options, deps, workloads);
  const { drift, warnings } = compareWithGit({ options, deps, live, workloads, now, checked });
  const health = classifyPods({ options, live, pods, controllers, now });
  const { imagesByWorkload, images } = imageRows(checked);
  const notCompared = driftNotCompared(live.errors, deps.desired);
  const reports = aggregateWorkloads({
    cluster: options.cluster,
    pods: health,
    drift,
    images: imagesByWorkload,
    live: workloads,
    warnings: checked.pullWarnings,
  });
  return {
    schemaVersion: 1,
    cluster: options.cluster,
    generatedAt: new Date(clock()).toISOString(),
    now: new Date(now).toISOString(),
    drift,
    pods: health,
    workloads: reports,
    ...(options.checkLiveImages && (checked.grouped || deps.checkImages) ? { images } : {}),
    ...(warnings.length ? { warnings } : {}),
    ...(notCompared ? { driftNotCompared: notCompared } : {}),
    errors: live.errors,
    complete: live.complete,
  };
}

/** The run's `now` in ms; a `--now` that is not a time is a usage error. */
function runNow(nowIso: string): number {
  const now = toMillis(nowIso);
  if (Number.isNaN(now))
    throw new Error(
      `--now ${JSON.stringify(nowIso)} is not a time; use ISO 8601, e.g. 2026-03-10T12:00:00Z.`,
    );
  return now;
}

type LiveWorkload = ReturnType<typeof buildLiveWorkloads>[number];
type CheckGroups = Map<string, { id: string; checks: ReadonlyMap<string, RegistryCheck> }>;

/** The registry checks of the live images: per workload, per distinct image, and per pull-secret group. */
interface LiveImageChecks {
  /** Workload key → its containers' images. */
  perWorkload: Map<string, { container: string; target: Target }[]>;
  /** Every distinct image the cluster runs or would run. */
  targets: Map<string, Target>;
  /** The checks of the single checker (no pull-secret groups). */
  checks: Map<string, RegistryCheck>;
  /** With pull secrets: workload key → its secret set's id and checks. */
  groupOf: CheckGroups | null;
  pullWarnings: Map<string, string[]>;
  /** Checked per pull-secret group. */
  grouped: boolean;
}

/** Registry checks of every image the cluster runs or would run, deduplicated. */
async function checkLiveImages(
  options: DriftRunOptions,
  deps: DriftDeps,
  workloads: readonly LiveWorkload[],
): Promise<LiveImageChecks> {
  const perWorkload = new Map<string, { container: string; target: Target }[]>();
  const targets = new Map<string, Target>();
  if (options.checkLiveImages && (deps.checkImages || deps.makeChecker)) {
    for (const w of workloads) {
      const list = liveImageTargets(w, options.includeScaledToZero);
      perWorkload.set(workloadKey(w.namespace, w.kind, w.name), list);
      for (const { target } of list) if (!targets.has(target.key)) targets.set(target.key, target);
    }
  }
  const out: LiveImageChecks = {
    perWorkload,
    targets,
    checks: new Map(),
    groupOf: null,
    pullWarnings: new Map(),
    grouped: false,
  };
  const { readPullSecrets, makeChecker } = deps;
  if (
    options.checkLiveImages &&
    options.usePullSecrets &&
    readPullSecrets &&
    makeChecker &&
    targets.size > 0
  ) {
    const pulled = await readPullSecrets(pullSecretRequests(workloads, perWorkload));
    out.grouped = true;
    out.pullWarnings = pulled.warnings;
    out.groupOf = await checkPerSecretSet(makeChecker, groupByPullSecrets(perWorkload, pulled.byWorkload));
  } else if (targets.size > 0 && deps.checkImages) {
    out.checks = await deps.checkImages(
      [...targets.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map(({ key, ref }) => ({ key, ref })),
    );
  }
  return out;
}

/** The pull-secret facts of every workload with images to check (its pod spec and service account). */
function pullSecretRequests(
  workloads: readonly LiveWorkload[],
  perWorkload: LiveImageChecks['perWorkload'],
): PullSecretRequest[] {
  const requests: PullSecretRequest[] = [];
  for (const w of workloads) {
    const key = workloadKey(w.namespace, w.kind, w.name);
    // A workload whose controller was not listed: its pods carry the same pull-secret facts.
    const spec = w.spec ?? w.pods[0]?.spec;
    if (!spec || !perWorkload.get(key)?.length) continue;
    requests.push({
      key,
      namespace: w.namespace,
      secretNames: (spec.imagePullSecrets ?? []).map((s) => s.name),
      serviceAccount: spec.serviceAccountName ?? 'default',
    });
  }
  return requests;
}

/**
 * With pull secrets, as the kubelet: each workload's images are checked with its own secrets (pod spec +
 * service account) and the node's (the action's own credentials), never another workload's. One checker
 * and one check per (secret set, image): workloads sharing a set share its checks.
 */
async function checkPerSecretSet(
  makeChecker: NonNullable<DriftDeps['makeChecker']>,
  groups: ReturnType<typeof groupByPullSecrets>,
): Promise<CheckGroups> {
  const groupOf: CheckGroups = new Map();
  // Sequential: each checker has its own concurrency limits, so parallel groups would multiply them.
  for (const group of groups) {
    const result = await makeChecker(group.secrets)(group.targets.map(({ key, ref }) => ({ key, ref })));
    for (const w of group.workloads) groupOf.set(w, { id: group.id, checks: result });
  }
  return groupOf;
}

/** Drift between git and the live workloads, judged against the entry points when there are several. */
function compareWithGit(o: {
  options: DriftRunOptions;
  deps: DriftDeps;
  live: LiveSnapshot;
  workloads: readonly LiveWorkload[];
  now: number;
  checked: LiveImageChecks;
}): { drift: ReturnType<typeof computeDrift>; warnings: string[] } {
  const { options, live, checked } = o;
  const groupOf = checked.groupOf;
  // A desired workload is only "missing" when its kind was listed in its namespace without error.
  const seen = (ns: string, kind: string) =>
    inScope(ns, options) &&
    !live.errors.some(
      (e) => e.kind === resourceOfKind(kind) && (e.namespace === undefined || e.namespace === ns),
    );
  const computed = computeDrift(o.deps.desired, [...o.workloads], {
    defaultNamespace: options.defaultNamespace,
    rolloutGrace: options.rolloutGrace,
    now: o.now,
    reportNotInGit: options.reportNotInGit,
    isSeen: seen,
    checks: checked.checks,
    ...(groupOf ? { checksFor: (key: string) => groupOf.get(key)?.checks } : {}),
    ...(options.tagPolicy ? { tagPolicy: options.tagPolicy } : {}),
  });
  const judged = o.deps.entryPoints
    ? judgeEntryPoints(computed, o.deps.entryPoints, options.defaultNamespace)
    : { drift: computed, warnings: [] };
  return { drift: judged.drift, warnings: [...judged.warnings, ...(live.warnings ?? [])] };
}

/** Pod health: the table, Job failures settled, the restart rate and probe events applied; sorted by pod. */
function classifyPods(o: {
  options: DriftRunOptions;
  live: LiveSnapshot;
  pods: readonly PodRecord[];
  controllers: readonly ControllerRecord[];
  now: number;
}) {
  const { options, now } = o;
  const index = buildOwnerIndex([...o.controllers]);
  const settled = settleJobFailures(
    o.pods.map((p) => classifyPod(p, now, options.thresholds, ownerOfPod(p, index))),
    [...o.pods],
    [...o.controllers],
  );
  const byName = (x: { namespace: string; pod: string }) => `${x.namespace}\u0000${x.pod}`;
  const rated = options.previousRestarts ? applyRestartRate(settled, options.previousRestarts) : settled;
  return applyProbeEvents(rated, o.live.events ?? [], now, options.thresholds.recentWindow).sort((a, b) =>
    byName(a) < byName(b) ? -1 : byName(a) > byName(b) ? 1 : 0,
  );
}

/** The image rows of each workload, and one report per image merging what each secret set saw. */
function imageRows(checked: LiveImageChecks): {
  imagesByWorkload: Map<string, WorkloadImageCheck[]>;
  images: LiveImageReport[];
} {
  const imagesByWorkload = new Map<string, WorkloadImageCheck[]>();
  // Per image: the users of each secret set's check (one set without pull secrets).
  const outcomes = new Map<string, Map<string, ImageOutcome>>();
  for (const [key, list] of checked.perWorkload) {
    const own = checked.groupOf?.get(key)?.checks ?? checked.checks;
    const set = checked.groupOf?.get(key)?.id ?? '';
    imagesByWorkload.set(
      key,
      list.map(({ container, target }) => {
        const check = own.get(target.key) ?? { status: 'not_checked' as const };
        const bySet = outcomes.get(target.key) ?? new Map<string, ImageOutcome>();
        const outcome = bySet.get(set) ?? { check, users: [] };
        if (!outcome.users.includes(`${key}/${container}`)) outcome.users.push(`${key}/${container}`);
        bySet.set(set, outcome);
        outcomes.set(target.key, bySet);
        return imageRow(container, target, check);
      }),
    );
  }
  const images: LiveImageReport[] = [...checked.targets.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((t) => {
      const sets = [...(outcomes.get(t.key)?.values() ?? [])];
      return {
        image: t.key,
        normalized: t.ref.normalized,
        source: t.source,
        ...mergeImageOutcomes(sets),
        users: [...new Set(sets.flatMap((o) => o.users))].sort(),
      };
    });
  return { imagesByWorkload, images };
}

function imageRow(
  container: string,
  target: Target,
  check: Pick<RegistryCheck, 'status' | 'message' | 'digest'>,
) {
  const row: WorkloadImageCheck = {
    container,
    image: target.key,
    source: target.source,
    status: check.status,
  };
  if (check.message) row.message = check.message;
  if (check.digest) row.digest = check.digest;
  return row;
}

/** Adapters of {@link runClusterMode}: what differs between the CLI and the action. */
export interface ClusterModeDeps {
  /** Repository root (manifest paths in reports are relative to it). */
  root: string;
  env: Record<string, string | undefined>;
  logger: EngineLogger;
  /** Desired image uses under `config.manifests` (the PR-mode scanner). */
  scanManifests: (
    config: Config,
    root: string,
    logger: EngineLogger,
  ) => Promise<
    ImageUse[] | { uses: ImageUse[]; errors: ParseProblem[]; entryPoints?: readonly EntryPointUses[] }
  >;
  /** Registry checker factory; default `createRegistryChecker`. */
  createChecker?: (
    config: Config,
    logger: EngineLogger,
    pullSecrets?: PullSecretData[],
  ) => { checkImages: CheckImagesFn; secrets: string[] };
  /** Wall clock in ms (generatedAt, default now). */
  clock?: () => number;
  /** Called with every secret the run learns (registry credentials from pull secrets), to mask it at once. */
  onSecrets?: (secrets: string[]) => void;
  /**
   * Restart counts of the previous run (at most an hour old), for the R2 rate rule. Without them, a live run
   * with a Pushgateway reads them back from the group it will replace (`readPreviousRestarts`).
   */
  previousRestarts?: ReadonlyMap<string, number>;
  /** Fetch for the Pushgateway read-back (tests). */
  fetch?: typeof fetch;
}

/**
 * Runs cluster mode from a `Config`: the kubeconfig (text, file, context, or the default/in-cluster one) or
 * `podsFile`/`objectsFile` dumps, the manifests, optional live image checks with pull secrets. Throws
 * `KubeAccessError` or `DumpError` when the cluster cannot be seen: the run must fail and change nothing.
 */
export async function runClusterMode(config: Config, deps: ClusterModeDeps): Promise<DriftReport> {
  const source = liveSource(config, deps);
  const { desired, entryPoints, manifestErrors } = desiredOf(
    await deps.scanManifests(config, deps.root, deps.logger),
  );
  const options = driftOptionsFromConfig(config, source.clusterName);
  if (manifestErrors.length > 0 && options.reportNotInGit) {
    // A workload whose manifest could not be read is unknown, not "not in git".
    options.reportNotInGit = false;
    deps.logger.warning(
      `${manifestErrors.length} manifest problem(s): not_in_git is not reported this run, since the broken files may describe those workloads.`,
    );
  }
  const previous =
    deps.previousRestarts ?? (source.kc ? await previousRestartsOf(config, source.clusterName, deps) : null);
  if (previous) options.previousRestarts = previous;
  const makeChecker = checkerFactory(config, deps);
  const cluster = source.kc;
  const pull =
    options.checkLiveImages && options.usePullSecrets && cluster
      ? { readPullSecrets: (r: PullSecretRequest[]) => readPullSecrets(cluster, r), makeChecker }
      : {};
  const checkImages = options.checkLiveImages && !('makeChecker' in pull) ? makeChecker() : undefined;
  const report = await runDrift(options, {
    desired,
    ...(entryPoints ? { entryPoints } : {}),
    loadLive: source.loadLive,
    ...(checkImages ? { checkImages } : {}),
    ...pull,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  // Manifest problems do not make the cluster listing incomplete, but must be seen in every output.
  return manifestErrors.length ? { ...report, errors: [...manifestErrors, ...report.errors] } : report;
}

/** Where the live side comes from: dump files (no kubeconfig) or the API server of the loaded kubeconfig. */
function liveSource(
  config: Config,
  deps: Pick<ClusterModeDeps, 'env'>,
): { loadLive: () => Promise<LiveSnapshot>; kc: KubeConfig | null; clusterName: string } {
  if (config.podsFile !== null || config.objectsFile !== null) {
    const loadLive = liveFromFiles({ podsFile: config.podsFile, objectsFile: config.objectsFile });
    return { loadLive, kc: null, clusterName: config.clusterName ?? DUMP_CLUSTER_NAME };
  }
  const kc = loadKubeConfig({
    ...(config.kubeconfigData ? { kubeconfigText: config.kubeconfigData } : {}),
    ...(config.kubeconfig ? { kubeconfigPath: config.kubeconfig } : {}),
    ...(config.context ? { context: config.context } : {}),
    env: deps.env,
  });
  // The kubeconfig's tokens and keys join the run's registry before any request can echo them.
  registerSecret(...kubeconfigSecrets(kc));
  const loadLive = liveFromKube(kc, {
    namespaces: config.namespaces,
    excludeNamespaces: config.excludeNamespaces,
  });
  return { loadLive, kc, clusterName: config.clusterName ?? (kc.getCurrentContext() || 'default') };
}

/** The desired state a manifest scan returned, its parse problems as cluster errors. */
function desiredOf(scanned: Awaited<ReturnType<ClusterModeDeps['scanManifests']>>) {
  if (Array.isArray(scanned)) return { desired: scanned, entryPoints: undefined, manifestErrors: [] };
  const manifestErrors: ClusterError[] = scanned.errors.map((e) => ({
    kind: 'manifest',
    message: `${e.file}:${e.line}:${e.column}: ${e.message} The workloads of this file are missing from the desired state: fix the manifest.`,
  }));
  return { desired: scanned.uses, entryPoints: scanned.entryPoints, manifestErrors };
}

/** A live run with a Pushgateway: the restart counts of the previous push (for the rate rule), or null. */
async function previousRestartsOf(
  config: Config,
  cluster: string,
  deps: ClusterModeDeps,
): Promise<ReadonlyMap<string, number> | null> {
  if (!config.pushgatewayUrl) return null;
  const previous = await readPreviousRestarts({
    ...gatewaySettings({ ...config, pushgatewayUrl: config.pushgatewayUrl }, deps.fetch),
    cluster,
    now: new Date((deps.clock ?? Date.now)()),
  });
  if (!previous.ok) {
    deps.logger.debug(`No restart-rate rule this run: ${previous.message}.`);
    return null;
  }
  deps.logger.debug(
    `Restart counts of the previous run (pushed ${previous.pushedAt.toISOString()}) enable the restart-rate rule.`,
  );
  return previous.restarts;
}

/** Returns a registry-checker factory (one per pull-secret set); their shared warnings are said once. */
function checkerFactory(
  config: Config,
  deps: ClusterModeDeps,
): (pullSecrets?: PullSecretData[]) => CheckImagesFn {
  // With pull secrets there is one checker per secret set: say each of their shared warnings (an unreadable
  // pull-secrets-file, a docker config) once.
  const warned = new Set<string>();
  const logger: EngineLogger = {
    debug: (message: string) => deps.logger.debug(message),
    info: (message: string) => deps.logger.info(message),
    warning: (message: string) => {
      if (warned.has(message)) return;
      warned.add(message);
      deps.logger.warning(message);
    },
  };
  return (pullSecrets?: PullSecretData[]): CheckImagesFn => {
    const checker = deps.createChecker
      ? deps.createChecker(config, logger, pullSecrets)
      : createRegistryChecker(config, { env: deps.env, logger, ...(pullSecrets ? { pullSecrets } : {}) });
    deps.onSecrets?.(checker.secrets);
    return checker.checkImages;
  };
}
