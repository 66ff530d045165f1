import path from 'node:path';
import { plain } from '../../untrusted.js';
import { findCharts } from '../helm/chart.js';
import { detectGitOpsPointers } from '../helm/gitops.js';
import { scanHelmCharts } from '../helm/scan.js';
import type { ImageUse, ManifestFile, ParseProblem, SkippedFile } from '../types.js';
import type { ExecFn } from './binary.js';
import type { KustomizeView } from './build.js';
import { planRendering, type RenderSetting } from './render-plan.js';
import type { ExtractFn } from './resources.js';
import { renderKustomizations } from './views.js';

/** Inputs of {@link renderRepositoryViews}. */
export interface RepositoryViewsOptions {
  /** Discovered files (kustomizations, charts and GitOps objects are found among them). */
  files: ManifestFile[];
  /** Reads a file by absolute path. */
  read: (absPath: string) => Promise<string>;
  /** The manifest extractor (`extractFile`). */
  extract: ExtractFn;
  render: RenderSetting;
  /** Extra helm values files, repo-relative (see `scanHelmCharts`). */
  helmValues: string[];
  /** PATH searched for kustomize, kubectl and helm (the caller passes `process.env.PATH`). */
  pathEnv: string | undefined;
  exec?: ExecFn;
}

/** Everything rendering adds to the raw scan. */
export interface RepositoryViews {
  /** One per kustomization directory: what that overlay deploys. */
  views: KustomizeView[];
  /** Kustomize view uses, chart uses and GitOps values uses, to combine with the raw uses (`combineWithViews`). */
  uses: ImageUse[];
  skipped: SkippedFile[];
  errors: ParseProblem[];
  /** Renderer notes for the log (e.g. `render: kustomize` without a binary). */
  notes: string[];
}

/**
 * Renders kustomizations, Helm charts and GitOps chart pointers of a repository according to the `render`
 * setting, returning image uses located at the lines that decided them.
 */
export async function renderRepositoryViews(
  root: string,
  opts: RepositoryViewsOptions,
): Promise<RepositoryViews> {
  const plan = await planRendering(opts.render, opts.pathEnv);
  const { views } = await renderKustomizations(root, {
    files: opts.files,
    read: opts.read,
    extract: opts.extract,
    binary: plan.kustomize,
    exec: opts.exec,
  });
  const charts = await scanHelmCharts(root, {
    files: opts.files,
    read: opts.read,
    render: plan.helm,
    valuesFiles: opts.helmValues,
    helmPath: plan.helmPath,
    pathEnv: opts.pathEnv,
    exec: opts.exec,
    extract: opts.extract,
  });
  const localCharts = findCharts(opts.files).map((c) => c.dir);
  const uses: ImageUse[] = [...views.flatMap((v) => v.uses), ...charts.uses];
  const skipped: SkippedFile[] = [...views.flatMap((v) => v.skipped), ...charts.skipped];
  const errors: ParseProblem[] = [...views.flatMap((v) => v.errors), ...charts.errors];
  for (const file of opts.files) {
    if (!/\.(ya?ml|json)$/i.test(file.path) || path.posix.basename(file.path) === 'Chart.yaml') continue;
    let text: string;
    try {
      text = await opts.read(file.absPath);
    } catch {
      continue; // discovery already reported unreadable files
    }
    const pointers = detectGitOpsPointers(file, text, { localCharts });
    uses.push(...pointers.uses);
    skipped.push(...pointers.skipped);
  }
  // Messages quote manifest text (paths, values, template lines): keep each on one line.
  for (const s of skipped) s.reason = plain(s.reason);
  for (const e of errors) e.message = plain(e.message);
  for (const u of uses) for (const r of u.related ?? []) r.message = plain(r.message);
  return {
    views,
    uses,
    skipped: dedupe(skipped, (s) => `${s.file}:${s.line ?? 0}\n${s.reason}`),
    errors: dedupe(errors, (e) => `${e.file}:${e.line}:${e.column}\n${e.message}`),
    notes: [...plan.notes, ...charts.notes].map(plain),
  };
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
