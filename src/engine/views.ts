/**
 * Rendered views: kustomize overlays and Helm charts (and GitOps chart pointers), turned into image uses
 * at the source lines that decided them.
 */
import type { Config } from '../config/schema.js';
import { extractFile } from '../manifests/extract.js';
import { findCharts } from '../manifests/helm/chart.js';
import { renderRepositoryViews } from '../manifests/kustomize/repository-views.js';
import type { RootedRead } from '../manifests/read.js';
import type {
  ImageUse,
  ManifestFile,
  ParseProblem,
  SkippedFile,
  TemplatedValue,
} from '../manifests/types.js';
import type { EngineLogger } from './scan.js';

/** What rendering added to the raw files. */
export interface RenderedViews {
  uses: ImageUse[];
  templated: TemplatedValue[];
  skipped: SkippedFile[];
  errors: ParseProblem[];
  /** Chart directories whose images were read from values or rendered (repo-relative). */
  chartDirs: string[];
  /** Every view with all of its uses (before combining with the raw files). */
  views: { kind: 'kustomize' | 'helm'; dir: string; uses: ImageUse[] }[];
}

/** Renders kustomizations and charts found among the discovered files. */
export async function renderViews(
  config: Pick<Config, 'render' | 'helmValues'>,
  deps: { root: string; logger: EngineLogger; pathEnv?: string | undefined; read: RootedRead },
  files: readonly ManifestFile[],
): Promise<RenderedViews> {
  const r = await renderRepositoryViews(deps.root, {
    files: [...files],
    read: deps.read,
    extract: extractFile,
    render: config.render,
    helmValues: config.helmValues,
    pathEnv: deps.pathEnv,
  });
  for (const note of r.notes) deps.logger.warning(note);
  const chartDirs = findCharts([...files]).map((c) => c.dir);
  const views: RenderedViews['views'] = r.views.map((v) => ({ kind: 'kustomize', dir: v.dir, uses: v.uses }));
  const byChart = new Map<string, ImageUse[]>();
  for (const u of r.uses) {
    if ((u.origin !== 'helm-values' && u.origin !== 'helm-render') || !u.view) continue;
    const list = byChart.get(u.view);
    if (list) list.push(u);
    else byChart.set(u.view, [u]);
  }
  for (const [dir, uses] of byChart) views.push({ kind: 'helm', dir, uses });
  views.sort((a, b) => a.dir.localeCompare(b.dir) || a.kind.localeCompare(b.kind));
  return { uses: r.uses, templated: [], skipped: r.skipped, errors: r.errors, chartDirs, views };
}
