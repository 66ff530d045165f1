/**
 * PR/scan mode: the only place the stages meet. discover → extract (+ kustomize/helm views) → parse
 * references → dedupe → registry checks → findings → report. Adapters come in through `deps` so that
 * tests and the CLI/action can supply their own.
 */
import type { Config } from '../config/schema.js';
import { checkKey, parseReference } from '../image/reference.js';
import { compileDirtyPatterns, evaluateTagPolicy } from '../image/tag-policy.js';
import type { ImageReference } from '../image/types.js';
import { discoverFiles, NO_MATCH_REASON } from '../manifests/discover.js';
import { extractFiles } from '../manifests/extract.js';
import { combineWithViews } from '../manifests/kustomize/views.js';
import { createRootedReader } from '../manifests/read.js';
import { stdinManifest } from '../manifests/stdin.js';
import { HELM_TEMPLATE_REASON } from '../manifests/templated.js';
import type { ExtractResult, ImageUse, TemplatedValue } from '../manifests/types.js';
import type { RegistryCheck } from '../registry/types.js';
import type { AnalyzedUse } from '../report/findings.js';
import { buildReport } from '../report/findings.js';
import type { Report, ReportView } from '../report/model.js';
import { compileSafePattern } from '../safe-regex.js';
import { VERSION } from '../version.js';
import { withBaseline } from './baseline.js';
import { type DesiredState, scanDesiredState } from './desired.js';
import { type RenderedViews, renderViews } from './views.js';

/** Messages the engine emits while it works (the CLI prints them to stderr, the action to the log). */
export interface EngineLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** False when debug output is off, so hot paths need not build debug text. Default: on. */
  debugEnabled?: boolean;
}

/** A registry checker: unique targets in, one result per key out. */
export type CheckImagesFn = (
  targets: { key: string; ref: ImageReference }[],
) => Promise<Map<string, RegistryCheck>>;

export interface ScanDeps {
  /** Repository root; paths in reports are relative to it. */
  root: string;
  logger: EngineLogger;
  /** Registry checker; omitted or `offline` → every image is `not_checked`. */
  checkImages?: CheckImagesFn;
  /** PATH searched for kustomize/kubectl/helm (the caller passes `process.env.PATH`). */
  pathEnv?: string | undefined;
  /** The clock, for baseline expiry (default: now). */
  now?: Date;
  /** Manifests piped in (`scan -`): scanned instead of discovering files, reported as `<stdin>`. */
  stdin?: Uint8Array;
  /**
   * How manifests are parsed; production leaves it unset (the fast path, with worker threads on big
   * repositories). The benchmark and the worker tests set it to compare the modes on this same path.
   */
  parse?: { workers?: number; libraryOnly?: boolean };
}

/** Everything the manifest stage found, before references are analysed. */
export interface CollectedUses {
  extract: ExtractResult;
  uses: ImageUse[];
  templated: TemplatedValue[];
  /** Rendered views with all their uses (kustomize overlays, Helm charts). */
  views: RenderedViews['views'];
}

/** Discovers and extracts every image use under the configured paths, including rendered views. */
export async function collectUses(
  config: Pick<Config, 'paths' | 'exclude' | 'maxFileSize' | 'render' | 'helmValues'>,
  deps: Pick<ScanDeps, 'root' | 'logger' | 'pathEnv' | 'stdin' | 'parse'>,
): Promise<CollectedUses> {
  if (deps.stdin) {
    // Already rendered (kustomize build, helm template): one stream of documents, no views to build.
    const piped = stdinManifest(deps.stdin);
    const extract = await extractFiles([piped.file], piped.read);
    return { extract, uses: [...extract.uses], templated: [...extract.templated], views: [] };
  }
  const discovered = await discoverFiles({
    root: deps.root,
    paths: config.paths,
    exclude: config.exclude,
    maxFileSize: config.maxFileSize,
  });
  for (const s of discovered.skipped) {
    // A path or glob the user named that matched nothing is probably a mistake: say so out loud.
    if (s.reason === NO_MATCH_REASON) deps.logger.warning(`${s.file}: ${s.reason}.`);
    else deps.logger.debug(`skipped ${s.file}: ${s.reason}`);
  }
  // Only regular files under the root, within max-file-size, decoded or refused with a reason.
  const read = createRootedReader({ root: deps.root, maxFileSize: config.maxFileSize });
  const extract = await extractFiles(discovered.files, (f) => read(f.absPath), deps.parse ?? {});
  extract.skipped.push(...discovered.skipped);
  let uses = [...extract.uses];
  const templated = [...extract.templated];
  let views: RenderedViews['views'] = [];
  if (config.render !== 'none') {
    const rendered = await renderViews(config, { ...deps, pathEnv: deps.pathEnv, read }, discovered.files);
    // Overlays repeat their bases: combine so that each line is reported once.
    uses = combineWithViews(uses, [rendered]);
    templated.push(...rendered.templated);
    extract.errors.push(...rendered.errors);
    const chartDirs = rendered.chartDirs.map((d) => (d === '.' || d === '' ? '' : `${d}/`));
    for (const s of extract.skipped) {
      if (s.reason === HELM_TEMPLATE_REASON && chartDirs.some((d) => s.file.startsWith(d)))
        s.reason = 'Helm template; the chart is checked through its values or helm template (render setting)';
    }
    extract.skipped.push(...rendered.skipped);
    views = rendered.views;
  }
  return { extract, uses, templated, views };
}

/**
 * Returns the desired state of cluster mode: what the entry points under `manifests` (kustomizations nobody
 * consumes, plain files, and the paths Flux/Argo CD objects there deploy) apply, one use per identity of
 * each entry point (never folded into a base's, see `scanDesiredState`).
 */
export async function scanDesiredUses(
  config: Config,
  root: string,
  logger: EngineLogger,
  pathEnv?: string | undefined,
  repoUrls?: readonly string[],
): Promise<DesiredState> {
  return scanDesiredState({ ...config, ...(repoUrls ? { repoUrls } : {}) }, root, logger, pathEnv);
}

/** Parses, ignores and applies tag policy to every use (pure). */
export function analyzeUses(
  uses: readonly ImageUse[],
  templated: readonly TemplatedValue[],
  config: Pick<Config, 'ignore' | 'dirtyPatterns' | 'mutableTags'>,
): AnalyzedUse[] {
  const ignore = config.ignore.map((p) => compileSafePattern(p));
  const dirtyPatterns = compileDirtyPatterns(config.dirtyPatterns);
  const out: AnalyzedUse[] = [];
  for (const use of uses) {
    if (use.invalid) {
      out.push({ kind: 'invalid', use, ref: null, parseError: use.invalid, invalidField: true });
      continue;
    }
    const parsed = parseReference(use.raw);
    if (!parsed.ok) {
      out.push({ kind: 'invalid', use, ref: null, parseError: parsed.error });
      continue;
    }
    const ref = parsed.ref;
    const pattern = ignore.find((re) => re.test(ref.normalized));
    // An inline `# k8s-image-check: ignore` (all rules) also means: do not ask the registry.
    const ignoredBy = pattern
      ? `pattern ${pattern.source}`
      : use.suppress?.includes('*')
        ? 'an inline "# k8s-image-check: ignore" comment'
        : null;
    if (ignoredBy) {
      out.push({ kind: 'ignored', use, ref, ignoredBy });
      continue;
    }
    out.push({
      kind: 'checked',
      use,
      ref,
      checkKey: checkKey(ref),
      tagViolations: evaluateTagPolicy(ref, { dirtyPatterns, mutableTags: config.mutableTags }),
    });
  }
  for (const t of templated) out.push({ kind: 'templated', use: t.use, ref: null, templated: t.reason });
  return out;
}

/** Returns the unique registry-check targets of analysed uses (one per check key). */
export function uniqueTargets(analyzed: readonly AnalyzedUse[]): { key: string; ref: ImageReference }[] {
  const targets = new Map<string, ImageReference>();
  for (const a of analyzed)
    if (a.kind === 'checked' && !targets.has(a.checkKey)) targets.set(a.checkKey, a.ref);
  return [...targets.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, ref]) => ({ key, ref }));
}

/** Runs a full scan and returns the report. */
export async function runScan(config: Config, deps: ScanDeps): Promise<Report> {
  const collected = await collectUses(config, deps);
  const analyzed = analyzeUses(collected.uses, collected.templated, config);
  const targets = uniqueTargets(analyzed);
  let checks = new Map<string, RegistryCheck>();
  if (!config.offline && deps.checkImages && targets.length > 0) {
    deps.logger.info(`Checking ${targets.length} unique image(s) in their registries…`);
    checks = await deps.checkImages(targets);
  }
  const report = buildReport({
    version: VERSION,
    uses: analyzed,
    extract: collected.extract,
    checks,
    rules: config.rules,
    views: reportViews(collected.views),
  });
  return withBaseline(report, deps.root, config.baseline, deps.now ?? new Date());
}

/** Returns what each rendered view deploys, sorted, with normalized references. */
function reportViews(views: RenderedViews['views']): ReportView[] {
  return views.map((v) => ({
    kind: v.kind,
    dir: v.dir,
    images: v.uses
      .map((u) => {
        const parsed = parseReference(u.raw);
        return {
          ref: u.raw,
          normalized: parsed.ok ? parsed.ref.normalized : null,
          kind: u.kind,
          namespace: u.namespace,
          name: u.name,
          container: u.container,
          file: u.file,
          line: u.line,
        };
      })
      .sort(
        (a, b) =>
          (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
          a.kind.localeCompare(b.kind) ||
          (a.name ?? '').localeCompare(b.name ?? '') ||
          (a.container ?? '').localeCompare(b.container ?? '') ||
          a.ref.localeCompare(b.ref),
      ),
  }));
}
