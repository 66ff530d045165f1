import path from 'node:path';
import type { ManifestFile } from '../types.js';
import { lookupValue, type PositionedValue, parseValues, scalarText, type ValueLocation } from './values.js';

/** A Helm chart found in the repository. */
export interface ChartInfo {
  /** Repo-relative chart directory. */
  dir: string;
  absDir: string;
  /** Repo-relative path of `Chart.yaml`. */
  chartFile: string;
  name: string;
  version: string;
  appVersion: string;
  /** Where `appVersion` is written (or the top of `Chart.yaml` when it is not). */
  appVersionAt: ValueLocation;
  /** Discovered template files (`templates/**` `.yaml`/`.yml`) of this chart, not of its subcharts. */
  templates: ManifestFile[];
  /** The chart's own `values.yaml`, when discovered. */
  valuesFile: ManifestFile | null;
}

/** Returns true when a repo-relative path is a chart's `Chart.yaml`. */
function isChartFile(p: string): boolean {
  return path.posix.basename(p) === 'Chart.yaml';
}

/** Groups the discovered files into charts: each `Chart.yaml` directory with its templates and values. */
export function findCharts(
  files: ManifestFile[],
): Omit<ChartInfo, 'name' | 'version' | 'appVersion' | 'appVersionAt'>[] {
  const chartFiles = files.filter((f) => isChartFile(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  const dirs = chartFiles.map((f) => path.posix.dirname(f.path));
  return chartFiles.map((f) => {
    const dir = path.posix.dirname(f.path);
    const prefix = dir === '.' ? '' : `${dir}/`;
    // A file belongs to the deepest chart directory that contains it (subcharts live in charts/<name>/).
    const owns = (p: string) =>
      p.startsWith(prefix) && !dirs.some((d) => d !== dir && d.startsWith(prefix) && p.startsWith(`${d}/`));
    return {
      dir,
      absDir: path.dirname(f.absPath),
      chartFile: f.path,
      templates: files
        .filter((t) => owns(t.path) && t.path.startsWith(`${prefix}templates/`) && /\.ya?ml$/.test(t.path))
        .sort((a, b) => a.path.localeCompare(b.path)),
      valuesFile: files.find((v) => v.path === `${prefix}values.yaml`) ?? null,
    };
  });
}

/** Reads name, version and appVersion (with its position) from a `Chart.yaml` text. */
export function readChartMetadata(
  chartFile: string,
  text: string,
): { name: string; version: string; appVersion: string; appVersionAt: ValueLocation } {
  const { values } = parseValues(chartFile, text);
  const field = (key: string): PositionedValue | undefined => lookupValue(values, [key]);
  const appVersion = field('appVersion');
  return {
    name: scalarText(field('name')) || path.posix.basename(path.posix.dirname(chartFile)),
    version: scalarText(field('version')),
    appVersion: scalarText(appVersion),
    appVersionAt: appVersion?.at ?? { file: chartFile, line: 1, column: 1 },
  };
}
