/**
 * Drift between git (the desired image uses the manifest scanner found) and the live cluster, per
 * (kind, namespace, name, container). Pure: data and an explicit `now` in, `DriftEntry[]` out.
 */
import { checkKey, parseReference } from '../image/reference.js';
import { evaluateTagPolicy, type TagPolicyOptions } from '../image/tag-policy.js';
import type { ImageUse } from '../manifests/types.js';
import type { RegistryCheck } from '../registry/types.js';
import { type LiveWorkload, ROLLING_KINDS, runningImages, workloadKey } from './live.js';
import type { DriftEntry, LiveTagFinding } from './types.js';

/** Kinds that can be compared with the cluster (what `kube.ts` lists, plus bare Pods). */
export const COMPARABLE_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'ReplicaSet',
  'Pod',
]);

/** Tag-policy rules reported on live images by default (`digest-required` stays a PR-mode rule). */
export const DEFAULT_LIVE_TAG_RULES: readonly string[] = [
  'dirty-tag',
  'latest-tag',
  'missing-tag',
  'mutable-tag',
];

/** Options of {@link computeDrift}. */
export interface DriftOptions {
  /** Namespace of manifests that name none. */
  defaultNamespace: string;
  /** Seconds after a rollout started before pods still on another image are `rollout_stuck`. */
  rolloutGrace: number;
  now: number;
  /** Report live workloads no manifest describes. */
  reportNotInGit: boolean;
  /**
   * Whether the run saw a (namespace, kind) completely. Desired workloads outside what was seen (another
   * namespace, an RBAC denial) are left out instead of being called `missing_in_cluster`. Default: all seen.
   */
  isSeen?: (namespace: string, kind: string) => boolean;
  /** Registry checks of live template images, by `checkKey`; used for "tag moved". */
  checks?: ReadonlyMap<string, RegistryCheck>;
  /**
   * The checks one workload's credentials got (`use-pull-secrets`), by workload key (`namespace/kind/name`);
   * consulted before `checks`, so a workload's "tag moved" comes from its own pull secrets.
   */
  checksFor?: (workloadKey: string) => ReadonlyMap<string, RegistryCheck> | undefined;
  /** Tag policy for live images; omitted → no tag findings. */
  tagPolicy?: TagPolicyOptions & { rules?: readonly string[] };
}

/** Returns the comparison key of an image (`nginx` → `docker.io/library/nginx:latest`), or the raw string if invalid. */
export function normalizeImage(raw: string): string {
  const parsed = parseReference(raw);
  return parsed.ok ? checkKey(parsed.ref) : raw;
}

/** Returns whether two image strings name the same image after normalisation. */
export function sameImage(a: string, b: string): boolean {
  return a === b || normalizeImage(a) === normalizeImage(b);
}

function liveTagFindings(image: string, policy: DriftOptions['tagPolicy']): LiveTagFinding[] | undefined {
  if (!policy) return undefined;
  const parsed = parseReference(image);
  if (!parsed.ok) return undefined;
  const rules = policy.rules ?? DEFAULT_LIVE_TAG_RULES;
  const hits = evaluateTagPolicy(parsed.ref, policy)
    .filter((v) => rules.includes(v.rule))
    .map((v) => ({ rule: v.rule, message: `Live image ${image}: ${v.message}` }));
  return hits.length ? hits : undefined;
}

function fmtSeconds(s: number): string {
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

function desiredKey(use: ImageUse, defaultNamespace: string): string | null {
  if (!use.name || !use.container || use.containerType === 'ephemeralContainer') return null;
  if (!COMPARABLE_KINDS.has(use.kind)) return null;
  return `${workloadKey(use.namespace ?? defaultNamespace, use.kind, use.name)}/${use.container}`;
}

function byPosition(a: ImageUse, b: ImageUse): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

/**
 * Returns one entry per desired or live container: `in_sync`, `drifted`, `missing_in_cluster`,
 * `rollout_stuck` and (with `reportNotInGit`) `not_in_git`, sorted by namespace, kind, name, container.
 *
 * @remarks
 * When the template equals git but pods still run another image after `rolloutGrace`, the entry is
 * `rollout_stuck`; when the template differs from git it is `drifted` (stuck pods are named in the message).
 * Several desired uses for one key (a base and an overlay) count as in sync when any of them matches.
 */
export function computeDrift(
  desired: readonly ImageUse[],
  live: readonly LiveWorkload[],
  options: DriftOptions,
): DriftEntry[] {
  const wanted = new Map<string, ImageUse[]>();
  for (const use of desired) {
    const key = desiredKey(use, options.defaultNamespace);
    if (!key) continue;
    const list = wanted.get(key) ?? [];
    list.push(use);
    wanted.set(key, list);
  }
  for (const list of wanted.values()) list.sort(byPosition);
  const liveByKey = new Map(live.map((w) => [workloadKey(w.namespace, w.kind, w.name), w]));
  const managed = new Set([...wanted.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))));
  const entries: DriftEntry[] = [];
  const done = new Set<string>();

  for (const w of live) {
    const wKey = workloadKey(w.namespace, w.kind, w.name);
    for (const c of w.containers) {
      const key = `${wKey}/${c.name}`;
      done.add(key);
      const uses = wanted.get(key);
      if (!uses) {
        if (options.reportNotInGit && !managed.has(wKey))
          entries.push(
            entry({
              w,
              container: c.name,
              use: null,
              liveImage: c.image,
              base: 'not_in_git',
              options,
              alternatives: null,
            }),
          );
        continue;
      }
      const match = uses.find((u) => sameImage(u.raw, c.image));
      const use = match ?? uses[0]!;
      const base = match ? 'in_sync' : 'drifted';
      entries.push(
        entry({ w, container: c.name, use, liveImage: c.image, base, options, alternatives: uses }),
      );
    }
  }
  for (const [key, uses] of wanted) {
    if (done.has(key)) continue;
    const missing = missingEntry(uses[0]!, options, liveByKey);
    if (missing) entries.push(missing);
  }
  return entries.sort((a, b) => {
    const ka = `${a.namespace}\u0000${a.kind}\u0000${a.name}\u0000${a.container}`;
    const kb = `${b.namespace}\u0000${b.kind}\u0000${b.name}\u0000${b.container}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** A desired container the live side lacks (`missing_in_cluster`), or null when its kind was not seen there. */
function missingEntry(
  use: ImageUse,
  options: DriftOptions,
  liveByKey: ReadonlyMap<string, LiveWorkload>,
): DriftEntry | null {
  const ns = use.namespace ?? options.defaultNamespace;
  if (!(options.isSeen ?? (() => true))(ns, use.kind)) return null;
  const w = liveByKey.get(workloadKey(ns, use.kind, use.name!));
  const where = `${use.file}:${use.line}`;
  return {
    kind: use.kind,
    namespace: ns,
    name: use.name!,
    container: use.container!,
    desired: use.raw,
    live: null,
    status: 'missing_in_cluster',
    file: use.file,
    line: use.line,
    podImages: [],
    liveDigests: [],
    imageIds: [],
    message: w
      ? `Container ${use.container} of ${use.kind} ${ns}/${use.name} is in git (${where}) but not in the live template; apply the manifest.`
      : `${use.kind} ${ns}/${use.name} is in git (${where}) but not in the cluster; apply it, or remove it from git.`,
  };
}

/** What one desired-or-live container entry is made of. */
interface EntryInput {
  w: LiveWorkload;
  container: string;
  use: ImageUse | null;
  liveImage: string;
  base: 'in_sync' | 'drifted' | 'not_in_git';
  options: DriftOptions;
  /** Every desired use for the key (the first is `use`), for the drifted message. */
  alternatives: ImageUse[] | null;
}

function entry(input: EntryInput): DriftEntry {
  const { w, container, use, liveImage, base } = input;
  const run = runningImages(w, container);
  const e: DriftEntry = {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    container,
    desired: use?.raw ?? null,
    live: liveImage,
    status: base,
    file: use?.file ?? null,
    line: use?.line ?? null,
    podImages: run.statusImages,
    liveDigests: run.digests,
    imageIds: run.imageIds,
    message: entryMessage(input),
  };
  const stuck = stuckRollout(input, run);
  if (stuck && base === 'in_sync') e.status = 'rollout_stuck';
  if (stuck) e.message = e.status === 'rollout_stuck' ? stuck : `${e.message} ${stuck}`;
  markTagMoved(e, input, run);
  const tags = liveTagFindings(liveImage, input.options.tagPolicy);
  if (tags) e.tagFindings = tags;
  return e;
}

/** The message of an entry before rollout and tag notes: in sync, drifted (with alternatives) or not in git. */
function entryMessage({ w, use, liveImage, base, alternatives }: EntryInput): string {
  const where = use ? `${use.file}:${use.line}` : '';
  const id = `${w.kind} ${w.namespace}/${w.name}`;
  if (base === 'in_sync') return `${id} runs ${liveImage} as git says (${where}).`;
  if (base === 'not_in_git')
    return `${id} runs ${liveImage} but no manifest describes it; add it to git, or delete it.`;
  const others =
    alternatives && alternatives.length > 1
      ? ` (or ${alternatives
          .slice(1)
          .map((u) => u.raw)
          .join(', ')})`
      : '';
  return `Git has ${use?.raw}${others} (${where}) but the live ${id} template has ${liveImage}; apply the manifest, or update git to what runs.`;
}

/**
 * Pods still on another image than the template past `rolloutGrace` (a rollout that does not finish): the
 * note naming them, or ''. Where the controller says which pods are on an old revision (StatefulSet,
 * DaemonSet), only those count.
 */
function stuckRollout({ w, liveImage, options }: EntryInput, run: ReturnType<typeof runningImages>): string {
  const stale = [...run.podsBySpecImage]
    .filter(([img]) => !sameImage(img, liveImage))
    .map(([img, pods]) => [img, w.oldPods ? pods.filter((p) => w.oldPods?.has(p)) : pods] as const)
    .filter(([, pods]) => pods.length > 0);
  if (!ROLLING_KINDS.has(w.kind) || w.manualUpdate || !stale.length || !w.rolloutStart) return '';
  const age = (options.now - Date.parse(w.rolloutStart)) / 1000;
  if (age <= options.rolloutGrace) return '';
  const pods = stale.flatMap(([, p]) => p).sort();
  const images = stale.map(([img]) => img).join(', ');
  return `Pods ${pods.join(', ')} still run ${images} ${fmtSeconds(age)} after the rollout of ${liveImage} started (grace ${fmtSeconds(options.rolloutGrace)}); check kubectl rollout status ${w.kind.toLowerCase()}/${w.name} -n ${w.namespace}.`;
}

/** "Tag moved": the registry now resolves the template's tag to another digest than pods run. */
function markTagMoved(
  e: DriftEntry,
  { w, liveImage, options }: EntryInput,
  run: ReturnType<typeof runningImages>,
) {
  const parsed = parseReference(liveImage);
  if (!parsed.ok || parsed.ref.digest !== null) return;
  const checks = options.checksFor?.(workloadKey(w.namespace, w.kind, w.name)) ?? options.checks;
  const check = checks?.get(checkKey(parsed.ref));
  if (!check?.digest) return;
  e.registryDigest = check.digest;
  // Only pods whose spec asks for the template's image say what the tag ran: during a rollout the
  // pods still on the old image run another digest for a good reason.
  const current = [
    ...new Set(
      [...run.digestsBySpecImage].filter(([img]) => sameImage(img, liveImage)).flatMap(([, d]) => d),
    ),
  ].sort();
  if (current.length === 0 || current.every((d) => d === check.digest)) return;
  e.tagMoved = true;
  e.message += ` Tag ${liveImage} now points to ${check.digest.slice(0, 19)}… but pods run ${current.map((d) => `${d.slice(0, 19)}…`).join(', ')}: a restart would change what runs; pin a digest.`;
}

/** An entry point of the desired state, as {@link judgeEntryPoints} needs it. */
export interface EntryPointUses {
  path: string;
  uses: readonly ImageUse[];
}

/** What {@link judgeEntryPoints} changed: the drift entries kept, and one sentence per ambiguity. */
export interface EntryPointJudgement {
  drift: DriftEntry[];
  warnings: string[];
}

const HOW_TO_CHOOSE =
  "point `manifests` at this cluster's overlay or its clusters/<name> folder (or set cluster-name for Argo CD destinations)";

/**
 * Says ambiguity instead of guessing: (1) an identity two entry points deploy with different images is named
 * with both paths; (2) an entry point whose every workload is missing from the cluster (while another entry
 * point is there) looks like another environment: one warning instead of a `missing_in_cluster` per
 * container. Pure.
 */
export function judgeEntryPoints(
  drift: readonly DriftEntry[],
  entryPoints: readonly EntryPointUses[],
  defaultNamespace: string,
): EntryPointJudgement {
  const keysOf = entryPoints.map(
    (e) => new Set(e.uses.map((u) => desiredKey(u, defaultNamespace)).filter((k): k is string => k !== null)),
  );
  const warnings = collisionWarnings(entryPoints, defaultNamespace);
  const byKey = new Map(drift.map((d) => [`${workloadKey(d.namespace, d.kind, d.name)}/${d.container}`, d]));
  const absent = keysOf.map(
    (keys) => keys.size > 0 && [...keys].every((k) => byKey.get(k)?.status === 'missing_in_cluster'),
  );
  // Only when something else of the set is in the cluster: an empty cluster is not "another environment".
  if (!absent.some((a, i) => !a && keysOf[i]!.size > 0)) return { drift: [...drift], warnings };
  const dropped = new Set<string>();
  entryPoints.forEach((e, i) => {
    if (!absent[i]) return;
    const keys = [...keysOf[i]!];
    // A key another present entry point also deploys stays a finding of that one.
    const own = keys.filter((k) => keysOf.every((other, j) => j === i || absent[j] || !other.has(k)));
    for (const k of own) dropped.add(k);
    const workloads = new Set(keys.map((k) => k.slice(0, k.lastIndexOf('/')))).size;
    warnings.push(
      `Entry point ${e.path} looks like another environment: none of its ${workloads} workload(s) is in this cluster, so they are not reported as missing_in_cluster; ${HOW_TO_CHOOSE}.`,
    );
  });
  const kept = drift.filter(
    (d) => !dropped.has(`${workloadKey(d.namespace, d.kind, d.name)}/${d.container}`),
  );
  return { drift: kept, warnings };
}

function collisionWarnings(entryPoints: readonly EntryPointUses[], defaultNamespace: string): string[] {
  const seen = new Map<string, { path: string; use: ImageUse }[]>();
  for (const e of entryPoints)
    for (const u of e.uses) {
      const key = desiredKey(u, defaultNamespace);
      if (!key) continue;
      const list = seen.get(key) ?? [];
      if (!list.some((x) => x.path === e.path)) list.push({ path: e.path, use: u });
      seen.set(key, list);
    }
  const out: string[] = [];
  for (const [key, list] of seen) {
    if (list.length < 2 || new Set(list.map((x) => normalizeImage(x.use.raw))).size < 2) continue;
    const which = list.map((x) => `${x.path} (${x.use.raw} at ${x.use.file}:${x.use.line})`).join(' and ');
    out.push(
      `${key} is deployed by ${list.length} entry points with different images: ${which}; ${HOW_TO_CHOOSE}.`,
    );
  }
  return out;
}
