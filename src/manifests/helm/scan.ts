import path from 'node:path';
import { extractFile } from '../extract.js';
import { type ExecFn, execCommand, findOnPath } from '../kustomize/binary.js';
import type { ExtractFn } from '../kustomize/resources.js';
import { FileRefusedError, findUnsafeEntry, refusedSentence } from '../read.js';
import type { ImageUse, ManifestFile, ParseProblem, SkippedFile } from '../types.js';
import { type ChartInfo, findCharts, readChartMetadata } from './chart.js';
import { renderChartWithHelm } from './render.js';
import { mergeValues, type PositionedValue, parseValues } from './values.js';
import { chartValuesImages, type TemplateTexts } from './values-images.js';

/** How charts are turned into images: `helm` renders, `none` reads values, `auto` renders when helm exists. */
export type HelmRenderMode = 'auto' | 'none' | 'helm';

/** Inputs of {@link scanHelmCharts}. */
export interface HelmScanOptions {
  /** Discovered files; every `Chart.yaml` among them is a chart. */
  files: ManifestFile[];
  /** Reads a file by absolute path. */
  read: (absPath: string) => Promise<string>;
  render: HelmRenderMode;
  /**
   * Extra values files, repo-relative. A file inside a chart directory applies to that chart only; a file
   * outside every chart applies to every chart. Applied after the chart's own `values.yaml`, in order.
   */
  valuesFiles: string[];
  /** Runs helm (tests pass a fake). Default: `child_process.spawn`. */
  exec?: ExecFn;
  /** PATH to look for `helm` on (the caller passes `process.env.PATH`; this module reads no environment). */
  pathEnv?: string;
  /** The helm executable, when already known (skips the PATH lookup). */
  helmPath?: string | null;
  /** Manifest extractor for rendered output. Default: `extractFile`. */
  extract?: ExtractFn;
}

/** Images of every chart, plus what was skipped and why. */
export interface HelmScanResult {
  uses: ImageUse[];
  skipped: SkippedFile[];
  errors: ParseProblem[];
  /** Sentences for the log (e.g. `render: helm` without helm on the PATH), not problems of any file. */
  notes: string[];
}

/**
 * Finds Helm charts (`Chart.yaml`) among the discovered files and returns the images each deploys: rendered
 * with `helm template` (origin `helm-render`) when rendering is on and helm is available, otherwise read from
 * values and templates (origin `helm-values`).
 */
export async function scanHelmCharts(root: string, opts: HelmScanOptions): Promise<HelmScanResult> {
  const result: HelmScanResult = { uses: [], skipped: [], errors: [], notes: [] };
  const charts = findCharts(opts.files);
  if (charts.length === 0) return result;
  const scan: HelmScan = { root, opts, result, chartDirs: charts.map((c) => c.dir) };
  // Phase 1: values and the values-based reading of every chart, parents before their subcharts (path order).
  const loaded: LoadedChart[] = [];
  for (const partial of charts) {
    const chart = await loadChart(scan, partial, loaded);
    if (chart) loaded.push(chart);
  }
  // Phase 2: render top-level charts (their output includes their subcharts), else report the values reading.
  let helm: string | null = null;
  if (opts.render !== 'none') helm = opts.helmPath ?? (await findOnPath('helm', opts.pathEnv));
  const renderedDirs = new Set<string>();
  /** Top-level charts read from values because `render: helm` found no helm. */
  const unrendered: string[] = [];
  for (const c of loaded) {
    if (c.parent && renderedDirs.has(topLevel(c).chart.dir)) continue;
    if (helm && !c.parent && (await renderTopLevel(scan, { c, loaded, helm }))) {
      renderedDirs.add(c.chart.dir);
      continue;
    }
    if (opts.render === 'helm' && !helm && !c.parent) unrendered.push(c.chart.name);
    result.uses.push(...c.fromValues.uses);
    result.skipped.push(...c.fromValues.skipped);
  }
  // Like `render: kustomize` without a binary: a warning and the fallback, not a problem in Chart.yaml.
  if (unrendered.length > 0) {
    result.notes.push(
      `render: helm is set but helm is not on the PATH; images were read from values.yaml (chart${unrendered.length > 1 ? 's' : ''} ${unrendered.join(', ')}). Install helm on the runner (e.g. azure/setup-helm).`,
    );
  }
  return result;
}

/** What every step of one {@link scanHelmCharts} call shares; problems are pushed onto `result`. */
interface HelmScan {
  root: string;
  opts: HelmScanOptions;
  result: HelmScanResult;
  chartDirs: string[];
}

type PartialChart = ReturnType<typeof findCharts>[number];

/** Phase 1 for one chart: its metadata, values (own, extra, the parent's), templates; null if unreadable. */
async function loadChart(
  scan: HelmScan,
  partial: PartialChart,
  loaded: LoadedChart[],
): Promise<LoadedChart | null> {
  const chartRead = await readOrRefusal(scan.opts.read, path.join(scan.root, partial.chartFile));
  if ('refused' in chartRead) {
    const message = `${refusedSentence(partial.chartFile, chartRead.refused)}; the chart was not read.`;
    scan.result.errors.push({ file: partial.chartFile, line: 1, column: 1, message });
  }
  if (!('text' in chartRead)) return null;
  const chart: ChartInfo = { ...partial, ...readChartMetadata(partial.chartFile, chartRead.text) };
  const parent = parentChart(chart.dir, loaded);
  const valuesPaths = usableValuesPaths(scan, chart, parent !== null);
  const own = await loadValues(scan, chart, valuesPaths);
  const values = parent
    ? mergeValues(own.values, subchartValues(parent.values, path.posix.basename(chart.dir), chart.name))
    : own.values;
  const templates = await readTemplates(scan, chart);
  // helm reads the whole chart directory itself (following symlinks): only run it on a clean tree.
  const unsafe =
    own.refused || templates.refused
      ? 'a file of the chart was refused'
      : await findUnsafeEntry(chart.absDir, scan.root);
  const fromValues = chartValuesImages(chart, values, templates.texts);
  return { chart, parent, values, valuesPaths, fromValues, unsafe };
}

/** The chart's extra values files inside the repository; one outside it is reported and left out. */
function usableValuesPaths(scan: HelmScan, chart: ChartInfo, isSubchart: boolean): string[] {
  const isOutside = (v: string) => v === '..' || v.startsWith('../') || path.isAbsolute(v);
  const allValues = valuesFilesFor(chart, scan.opts.valuesFiles, scan.chartDirs, isSubchart);
  for (const v of allValues.filter(isOutside)) {
    scan.result.errors.push({
      file: chart.chartFile,
      line: 1,
      column: 1,
      message: `values file ${v} is outside the repository and is not used for chart ${chart.name}; list values files relative to the repository root.`,
    });
  }
  return allValues.filter((v) => !isOutside(v));
}

/** The chart's `values.yaml` merged with its extra values files, in order; `refused` when one was refused. */
async function loadValues(
  scan: HelmScan,
  chart: ChartInfo,
  valuesPaths: string[],
): Promise<{ values: PositionedValue; refused: boolean }> {
  let values: PositionedValue = {
    kind: 'map',
    entries: new Map(),
    at: { file: chart.chartFile, line: 1, column: 1 },
  };
  let refused = false;
  const ownValues = chart.dir === '.' ? 'values.yaml' : `${chart.dir}/values.yaml`;
  const problem = (file: string, message: string) =>
    scan.result.errors.push({ file, line: 1, column: 1, message });
  for (const rel of [ownValues, ...valuesPaths.filter((v) => v !== ownValues)]) {
    const read = await readOrRefusal(scan.opts.read, path.join(scan.root, rel));
    if ('refused' in read) {
      refused = true;
      problem(
        rel,
        `${refusedSentence(`values file ${rel} for chart ${chart.name}`, read.refused)}; it was not used.`,
      );
      continue;
    }
    if (!('text' in read)) {
      // A chart may have no values.yaml.
      if (rel !== ownValues)
        problem(
          rel,
          `values file ${rel} for chart ${chart.name} could not be read; fix the helm values file list.`,
        );
      continue;
    }
    const parsed = parseValues(rel, read.text);
    scan.result.errors.push(...parsed.errors);
    values = mergeValues(values, parsed.values);
  }
  return { values, refused };
}

/** The chart's template texts; a refused template is skipped with a notice and marks the chart refused. */
async function readTemplates(
  scan: HelmScan,
  chart: ChartInfo,
): Promise<{ texts: TemplateTexts; refused: boolean }> {
  const texts: TemplateTexts = new Map();
  let refused = false;
  for (const t of chart.templates) {
    const read = await readOrRefusal(scan.opts.read, t.absPath);
    if ('text' in read) texts.set(t.path, read.text);
    else if ('refused' in read) {
      refused = true;
      scan.result.skipped.push({ file: t.path, reason: refusedSentence('template', read.refused) });
    }
  }
  return { texts, refused };
}

/**
 * Phase 2 for a top-level chart when helm is there: renders it with its subcharts and returns true, or
 * records why it was not rendered (a refused or unsafe file, a failed render) and returns false.
 */
async function renderTopLevel(
  scan: HelmScan,
  at: { c: LoadedChart; loaded: LoadedChart[]; helm: string },
): Promise<boolean> {
  const { c, loaded } = at;
  const { chart, fromValues } = c;
  const subcharts = loaded.filter((d) => d.parent && topLevel(d) === c);
  const unsafe = c.unsafe ?? subcharts.find((d) => d.unsafe)?.unsafe ?? null;
  if (unsafe !== null) {
    scan.result.skipped.push({
      file: chart.chartFile,
      reason: `not rendered with helm template: ${unsafe}, and helm would read it; chart ${chart.name} is reported from its values instead (best effort).`,
    });
    return false;
  }
  const templateImages = new Map(fromValues.templateImages);
  for (const d of subcharts) for (const [k, v] of d.fromValues.templateImages) templateImages.set(k, v);
  const rendered = await renderChartWithHelm(chart, {
    helm: at.helm,
    exec: scan.opts.exec ?? execCommand,
    extract: scan.opts.extract ?? extractFile,
    valuesFiles: c.valuesPaths.map((v) => path.join(scan.root, v)),
    templateImages,
  });
  if (rendered.ok) {
    scan.result.uses.push(...rendered.uses);
    scan.result.errors.push(...rendered.errors);
    return true;
  }
  scan.result.skipped.push({
    file: chart.chartFile,
    reason: `${rendered.reason}; chart ${chart.name} is reported from its values instead (best effort).`,
  });
  return false;
}

interface LoadedChart {
  chart: ChartInfo;
  /** The chart this one is vendored in (`<parent>/charts/<name>/`), or null. */
  parent: LoadedChart | null;
  values: PositionedValue;
  valuesPaths: string[];
  fromValues: ReturnType<typeof chartValuesImages>;
  /** Why helm must not run on this chart (a file it would read is outside the root or special), or null. */
  unsafe: string | null;
}

function parentChart(dir: string, loaded: LoadedChart[]): LoadedChart | null {
  const candidates = loaded.filter((l) =>
    dir.startsWith(`${l.chart.dir === '.' ? '' : `${l.chart.dir}/`}charts/`),
  );
  return candidates.sort((a, b) => b.chart.dir.length - a.chart.dir.length)[0] ?? null;
}

function topLevel(c: LoadedChart): LoadedChart {
  return c.parent ? topLevel(c.parent) : c;
}

/** What a parent passes down to a vendored subchart: its `<subchart>:` values and `global`, as helm does. */
function subchartValues(parentValues: PositionedValue, dirName: string, chartName: string): PositionedValue {
  const empty: PositionedValue = { kind: 'map', entries: new Map(), at: parentValues.at };
  if (parentValues.kind !== 'map') return empty;
  const own = parentValues.entries.get(chartName) ?? parentValues.entries.get(dirName);
  let out: PositionedValue = own?.kind === 'map' ? own : empty;
  const global = parentValues.entries.get('global');
  if (global?.kind === 'map') {
    const withGlobal: PositionedValue = {
      kind: 'map',
      entries: new Map([['global', global]]),
      at: parentValues.at,
    };
    out = mergeValues(withGlobal, out);
  }
  return out;
}

/**
 * Values files for one chart: those inside its directory, plus (for a top-level chart) those outside every
 * chart directory.
 */
export function valuesFilesFor(
  chart: { dir: string },
  valuesFiles: string[],
  chartDirs: string[],
  isSubchart = false,
): string[] {
  const inside = (file: string, dir: string) => dir === '.' || file.startsWith(`${dir}/`);
  const norm = valuesFiles.map((v) => path.posix.normalize(v.replace(/^\.\//, '')));
  return norm.filter((v) => {
    // The deepest chart directory containing the file owns it.
    const owners = chartDirs.filter((d) => d !== '.' && inside(v, d)).sort((a, b) => b.length - a.length);
    const owner = owners[0];
    // Files outside every chart reach a subchart only through its parent's `<subchart>:` values.
    return owner === undefined ? !isSubchart : owner === chart.dir;
  });
}

/** A file's text, or null when it does not exist, or why the rooted reader refused it. */
async function readOrRefusal(
  read: (p: string) => Promise<string>,
  abs: string,
): Promise<{ text: string } | { missing: true } | { refused: string }> {
  try {
    return { text: await read(abs) };
  } catch (err: unknown) {
    if (!(err instanceof FileRefusedError) || err.refusal.kind === 'missing') return { missing: true };
    return { refused: err.refusal.reason };
  }
}
