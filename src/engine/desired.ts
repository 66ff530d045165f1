/**
 * Cluster mode's desired state: what this cluster's GitOps setup really deploys. One entry per workload
 * identity (kind, namespace, name, container) of every entry point, at the source line that decided its
 * image; entry points are the kustomizations nobody consumes, the plain files no kustomization consumes, and
 * the paths Flux Kustomizations and Argo CD Applications deploy (followed from `manifests`). Nothing is
 * deduplicated across entry points: two overlays of one base are two sets of identities.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { DiscoveryError, discoverFiles } from '../manifests/discover.js';
import { extractFile } from '../manifests/extract.js';
import { findConsumed, kustomizationDirsOf } from '../manifests/gitops/consumed.js';
import { type GitOpsDeployment, mayHoldGitOps, readGitOpsObjects } from '../manifests/gitops/objects.js';
import { findCharts } from '../manifests/helm/chart.js';
import { detectGitOpsPointers } from '../manifests/helm/gitops.js';
import { type KustomizeBinary, renderViewWithBinary } from '../manifests/kustomize/binary.js';
import { KustomizeBuilder } from '../manifests/kustomize/build.js';
import { planRendering } from '../manifests/kustomize/render-plan.js';
import { loadResources, type RenderedResource, toViewUses } from '../manifests/kustomize/resources.js';
import type { ImageUse, ManifestFile, ParseProblem } from '../manifests/types.js';
import { plain } from '../untrusted.js';
import { applyDeploymentTransforms, renderHelmDeployment } from './desired-transforms.js';
import type { EngineLogger } from './scan.js';

/**
 * `extractFile` plus the `${var}` images (Flux postBuild substitutes them after the build): they are kept
 * through the build and dropped from the desired state when nothing filled them.
 */
export function extractForDesired(file: ManifestFile, text: string): ReturnType<typeof extractFile> {
  const r = extractFile(file, text);
  const vars = r.templated.filter((t) => /\$\{[A-Za-z_]/.test(t.use.raw)).map((t) => t.use);
  return vars.length ? { ...r, uses: [...r.uses, ...vars] } : r;
}

/** One thing that is applied to the cluster, with the identities it deploys. */
export interface EntryPoint {
  /** Repo-relative path (directory, file or GitOps object file) that names it in messages. */
  path: string;
  /** How it was found: a kustomization, plain files, a Flux Kustomization, an Argo CD Application, a chart. */
  via: 'kustomize' | 'files' | 'flux' | 'argo' | 'helm';
  /** For GitOps objects: `Flux Kustomization flux-system/apps` and where it is. */
  object?: { id: string; file: string; line: number };
  uses: ImageUse[];
}

/** The desired state of a cluster-mode run. */
export interface DesiredState {
  uses: ImageUse[];
  errors: ParseProblem[];
  entryPoints: EntryPoint[];
  notes: string[];
}

/** At most this many GitOps objects are followed (a repository cannot make the run unbounded). */
const MAX_DEPLOYMENTS = 500;

type Settings = Pick<Config, 'manifests' | 'exclude' | 'maxFileSize' | 'helmValues' | 'clusterName'> &
  Partial<Pick<Config, 'render'>> & {
    /** URLs of this repository (e.g. from GITHUB_SERVER_URL/GITHUB_REPOSITORY): Argo CD sources of others are left out. */
    repoUrls?: readonly string[];
  };

/** Reads the desired state under `config.manifests`, following the GitOps objects found there. */
export async function scanDesiredState(
  config: Settings,
  root: string,
  logger: EngineLogger,
  pathEnv?: string | undefined,
): Promise<DesiredState> {
  const state: DesiredState = { uses: [], errors: [], entryPoints: [], notes: [] };
  const absRoot = path.resolve(root);
  const reader = cachedReader();
  const discover = async (paths: string[]) => {
    const found = await discoverFiles({
      root: absRoot,
      paths,
      exclude: config.exclude,
      maxFileSize: config.maxFileSize,
    });
    for (const s of found.skipped) logger.debug(`skipped ${s.file}: ${s.reason}`);
    return found.files;
  };
  const files = new Map<string, ManifestFile>();
  for (const f of await discover(config.manifests)) files.set(f.absPath, f);
  const deployments = await followGitOps({ config, files, reader, discover, state });
  const all = [...files.values()];
  const inside = (abs: string) => {
    const r = path.relative(absRoot, abs);
    return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
  };
  const read = (abs: string) => reader.read(abs);
  const builder = new KustomizeBuilder(absRoot, {
    files: all,
    read: (p) => reader.strict(p),
    extract: extractForDesired,
  });
  const covered = new Set<string>();
  for (const d of deployments) {
    const entry = await deployedByObject(d, { absRoot, all, builder, read, inside, covered, config, state });
    if (entry) state.entryPoints.push(entry);
  }
  // `render: kustomize`: the kustomizations `manifests` names are rendered by the binary (mapped back to lines).
  const plan = config.render === 'kustomize' ? await planRendering('kustomize', pathEnv) : null;
  state.notes.push(...(plan?.notes ?? []));
  const binary = plan?.kustomize ?? null;
  await addStandaloneEntries({ absRoot, all, builder, read, inside, covered, config, state, binary });
  for (const e of state.entryPoints) {
    const unfilled = e.uses.filter((u) => /\$\{[A-Za-z_]/.test(u.raw));
    for (const u of unfilled)
      logger.debug(
        `${u.file}:${u.line}: ${u.raw} is not filled by any postBuild.substitute; left out of the desired state.`,
      );
    if (unfilled.length) e.uses = e.uses.filter((u) => !unfilled.includes(u));
  }
  state.uses = state.entryPoints.flatMap((e) => e.uses);
  // Notes and problems quote repository text (paths, names, values): one line each.
  state.notes = [...new Set(state.notes.map(plain))];
  for (const e of state.errors) e.message = plain(e.message);
  for (const n of state.notes) logger.warning(n);
  return state;
}

interface Reader {
  read(abs: string): Promise<string | null>;
  strict(abs: string): Promise<string>;
}

function cachedReader(): Reader {
  const cache = new Map<string, Promise<string | null>>();
  const read = (abs: string) => {
    let p = cache.get(abs);
    if (!p) {
      p = readFile(abs, 'utf8').then(
        (t) => t,
        () => null,
      );
      cache.set(abs, p);
    }
    return p;
  };
  return {
    read,
    strict: async (abs) => {
      const t = await read(abs);
      if (t === null) throw new Error(`cannot read ${abs}`);
      return t;
    },
  };
}

/** Finds the GitOps objects among the files and follows their paths (adding their files), breadth first. */
async function followGitOps(ctx: {
  config: Settings;
  files: Map<string, ManifestFile>;
  reader: Reader;
  discover: (paths: string[]) => Promise<ManifestFile[]>;
  state: DesiredState;
}): Promise<GitOpsDeployment[]> {
  const out: GitOpsDeployment[] = [];
  const queue = [...ctx.files.values()];
  const seenFiles = new Set<string>();
  const seenPaths = new Set<string>();
  const failedPaths = new Set<string>();
  while (queue.length > 0 && out.length < MAX_DEPLOYMENTS) {
    const file = queue.shift()!;
    if (seenFiles.has(file.absPath) || !/\.(ya?ml|json)$/i.test(file.path)) continue;
    seenFiles.add(file.absPath);
    const text = await ctx.reader.read(file.absPath);
    if (text === null || !mayHoldGitOps(text)) continue;
    const objects = readGitOpsObjects(file.path, text, ctx.config.repoUrls ?? []);
    ctx.state.errors.push(...objects.problems);
    ctx.state.notes.push(...objects.notes);
    for (const d of objects.deployments) {
      if (otherCluster(d, ctx.config.clusterName)) {
        ctx.state.notes.push(
          `${d.file}:${d.line}: ${d.id} deploys to cluster ${d.destination?.name}, not ${ctx.config.clusterName}; it is left out of the desired state.`,
        );
        continue;
      }
      if (failedPaths.has(d.path)) continue;
      out.push(d);
      if (seenPaths.has(d.path)) continue;
      seenPaths.add(d.path);
      let found: ManifestFile[];
      try {
        found = await ctx.discover([d.path]);
      } catch (err: unknown) {
        // A path the repository does not have (another repository's, or a typo): that object only.
        if (!(err instanceof DiscoveryError)) throw err;
        ctx.state.errors.push({
          file: d.file,
          line: d.line,
          column: 1,
          message: `${d.file}:${d.line}: ${d.id} deploys ${d.path}, which is not in this repository; fix the path, or leave that object out of manifests.`,
        });
        failedPaths.add(d.path);
        out.pop();
        continue;
      }
      for (const f of found) {
        if (ctx.files.has(f.absPath)) continue;
        ctx.files.set(f.absPath, f);
        queue.push(f);
      }
    }
  }
  if (out.length >= MAX_DEPLOYMENTS)
    ctx.state.notes.push(`More than ${MAX_DEPLOYMENTS} GitOps objects: the rest are not followed.`);
  return out;
}

/** With `cluster-name` set, an Argo CD destination that names another cluster is not this cluster's. */
function otherCluster(d: GitOpsDeployment, clusterName: string | null): boolean {
  return (
    d.tool === 'argo' &&
    clusterName !== null &&
    d.destination?.name != null &&
    d.destination.name !== clusterName
  );
}

interface BuildContext {
  absRoot: string;
  all: ManifestFile[];
  builder: KustomizeBuilder;
  read: (abs: string) => Promise<string | null>;
  inside: (abs: string) => boolean;
  /** Absolute paths (files and kustomization dirs) already deployed through a GitOps object. */
  covered: Set<string>;
  config: Settings;
  state: DesiredState;
  binary?: KustomizeBinary | null;
}

const relOf = (absRoot: string, abs: string) => path.relative(absRoot, abs).split(path.sep).join('/') || '.';

/** Builds what one GitOps object deploys: its path (a kustomization, a chart or plain files) plus its transforms. */
async function deployedByObject(d: GitOpsDeployment, ctx: BuildContext): Promise<EntryPoint | null> {
  const absDir = path.join(ctx.absRoot, d.path);
  const object = { id: d.id, file: d.file, line: d.line };
  const chart = chartDirsOf(ctx).includes(d.path);
  if (chart || d.helm) {
    const uses = await renderHelmDeployment(d, {
      root: ctx.absRoot,
      files: ctx.all,
      read: ctx.read,
      state: ctx.state,
    });
    markCovered(
      ctx,
      ctx.all.filter((f) => f.path.startsWith(`${d.path}/`)).map((f) => f.absPath),
    );
    return { path: d.path, via: d.tool, object, uses };
  }
  const resources = await resourcesUnder(absDir, d.recurse || d.tool === 'flux', ctx);
  if (resources === null) {
    ctx.state.errors.push({
      file: d.file,
      line: d.line,
      column: 1,
      message: `${d.file}:${d.line}: ${d.id} deploys ${d.path}, which has no manifests in this repository; fix the path.`,
    });
    return null;
  }
  applyDeploymentTransforms(resources, d, ctx.state);
  return { path: d.path, via: d.tool, object, uses: toViewUses(resources, d.path) };
}

const chartDirCache = new WeakMap<ManifestFile[], string[]>();

/** The chart directories of the set, found once (there may be hundreds of GitOps objects). */
function chartDirsOf(ctx: BuildContext): string[] {
  let dirs = chartDirCache.get(ctx.all);
  if (!dirs) {
    dirs = findCharts(ctx.all).map((c) => c.dir);
    chartDirCache.set(ctx.all, dirs);
  }
  return dirs;
}

function markCovered(ctx: BuildContext, paths: string[]): void {
  for (const p of paths) ctx.covered.add(p);
}

/**
 * The resources a directory deploys: its kustomization when it has one, else (as Flux generates one) every
 * kustomization and plain file below it that no kustomization there consumes. Null when there is nothing.
 */
async function resourcesUnder(
  absDir: string,
  recurse: boolean,
  ctx: BuildContext,
): Promise<RenderedResource[] | null> {
  const below = ctx.all.filter((f) => {
    const r = path.relative(absDir, f.absPath);
    return !r.startsWith('..') && !path.isAbsolute(r) && (recurse || !r.includes(path.sep));
  });
  const dirs = kustomizationDirsOf(below);
  const own = dirs.includes(absDir) ? [absDir] : dirs;
  const consumed = await findConsumed(own, ctx.read, ctx.inside);
  const tops = own.filter((d) => !consumed.dirs.has(d));
  const resources: RenderedResource[] = [];
  for (const dir of tops) {
    const built = await ctx.builder.build(dir);
    resources.push(...built.resources);
    ctx.state.errors.push(...built.errors);
  }
  markCovered(ctx, [...tops, ...consumed.dirs, ...consumed.files]);
  if (!own.includes(absDir) || own.length === 0) {
    for (const f of below) {
      if (consumed.files.has(f.absPath) || tops.some((t) => isUnder(f.absPath, t))) continue;
      const text = await ctx.read(f.absPath);
      if (text === null || mayHoldGitOps(text)) continue;
      const loaded = loadResources(f, text, extractForDesired);
      resources.push(...loaded.resources);
      ctx.state.errors.push(...loaded.errors);
      ctx.covered.add(f.absPath);
    }
  }
  return resources.length === 0 && below.length === 0 ? null : resources;
}

function isUnder(abs: string, dir: string): boolean {
  const r = path.relative(dir, abs);
  return r !== '' && !r.startsWith('..') && !path.isAbsolute(r);
}

/**
 * The entry points `manifests` names itself: kustomizations no other kustomization consumes, plain files no
 * kustomization consumes (one entry per directory), charts rendered with `helm-values`, and the images named
 * in HelmRelease/Application values. What a GitOps object already deploys is not repeated.
 */
async function addStandaloneEntries(ctx: BuildContext): Promise<void> {
  const dirs = kustomizationDirsOf(ctx.all).filter((d) => !ctx.covered.has(d));
  const consumed = await findConsumed(dirs, ctx.read, ctx.inside);
  for (const dir of dirs) {
    if (consumed.dirs.has(dir)) continue;
    const loaded = await ctx.builder.loadKustomization(dir);
    if (loaded === null || ('k' in loaded && loaded.k.kind === 'Component')) continue;
    const built = await ctx.builder.build(dir);
    const rel = relOf(ctx.absRoot, dir);
    let uses = toViewUses(built.resources, rel);
    let errors = built.errors;
    if (ctx.binary && loaded && 'file' in loaded) {
      const native = {
        dir: rel,
        kustomizationFile: loaded.file.path,
        uses,
        skipped: built.skipped,
        errors,
        remote: built.hasRemote,
      };
      const view = await renderViewWithBinary(native, dir, { binary: ctx.binary, extract: extractFile });
      uses = view.uses;
      errors = view.errors;
      for (const s of view.skipped.slice(built.skipped.length))
        ctx.state.notes.push(`${s.file}: ${s.reason}`);
    }
    ctx.state.errors.push(...errors);
    ctx.state.entryPoints.push({ path: rel, via: 'kustomize', uses });
  }
  const chartDirs = chartDirsOf(ctx);
  const inChart = (p: string) => chartDirs.some((c) => c === '.' || p.startsWith(`${c}/`));
  const byDir = new Map<string, ImageUse[]>();
  for (const f of ctx.all) {
    if (ctx.covered.has(f.absPath) || consumed.files.has(f.absPath) || inChart(f.path)) continue;
    if (!/\.(ya?ml|json)$/i.test(f.path)) continue;
    const text = await ctx.read(f.absPath);
    if (text === null) continue;
    const extracted = extractFile(f, text);
    ctx.state.errors.push(...extracted.errors);
    const pointers = detectGitOpsPointers(f, text, { localCharts: chartDirs });
    const uses = [...extracted.uses, ...pointers.uses];
    if (uses.length === 0) continue;
    const dir = path.posix.dirname(f.path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), ...uses]);
  }
  for (const [dir, uses] of [...byDir].sort(([a], [b]) => a.localeCompare(b)))
    ctx.state.entryPoints.push({ path: dir, via: 'files', uses });
  if (ctx.config.helmValues.length > 0) {
    const uses = await renderHelmDeployment(null, {
      root: ctx.absRoot,
      files: ctx.all,
      read: ctx.read,
      state: ctx.state,
      valuesFiles: ctx.config.helmValues,
    });
    for (const c of chartDirs) {
      const own = uses.filter((u) => u.view === c);
      if (own.length) ctx.state.entryPoints.push({ path: c, via: 'helm', uses: own });
    }
  }
}
