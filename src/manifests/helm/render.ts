import { errorMessage } from '../../errors.js';
import type { ExecFn } from '../kustomize/binary.js';
import type { ExtractFn } from '../kustomize/resources.js';
import type { ImageUse, ManifestFile, ParseProblem } from '../types.js';
import type { ChartInfo } from './chart.js';
import type { TemplateImage } from './template-images.js';
import { templateUse } from './values-images.js';

/** Arguments of `helm template` for a chart: offline (no `--dependency-update`, no `--validate`). */
function helmTemplateArgs(chart: ChartInfo, valuesFiles: string[]): string[] {
  const args = ['template', chart.name, chart.absDir];
  for (const v of valuesFiles) args.push('--values', v);
  return args;
}

/**
 * Returns, for each line of `helm template` output, the template it came from (`# Source: chart/templates/x.yaml`
 * → `<chart dir>/templates/x.yaml`), or null before the first marker.
 */
function sourceByLine(output: string, chart: ChartInfo): (string | null)[] {
  const prefix = chart.dir === '.' ? '' : `${chart.dir}/`;
  let current: string | null = null;
  return output.split('\n').map((line) => {
    const m = /^# Source: [^/]+\/(.+?)\s*$/.exec(line);
    if (m) current = `${prefix}${m[1]}`;
    return current;
  });
}

/**
 * Maps images from `helm template` output back to source: to the values entry that set them when a template
 * line of the same file evaluates to the same image, otherwise to the template line that wrote them (when
 * the file has one such line per container name), otherwise to `Chart.yaml`.
 */
function mapHelmRendered(
  rendered: ImageUse[],
  output: string,
  chart: ChartInfo,
  templateImages: Map<string, TemplateImage[]>,
): ImageUse[] {
  const sources = sourceByLine(output, chart);
  return rendered.map((r) => {
    const template = sources[r.line - 1] ?? null;
    const candidates = template ? (templateImages.get(template) ?? []) : [];
    const same = candidates.find((t) => t.image === r.raw) ?? null;
    const byContainer = candidates.filter((t) => t.container !== null && t.container === r.container);
    const match =
      same ??
      (byContainer.length === 1 ? byContainer[0] : candidates.length === 1 ? candidates[0] : undefined);
    const base = { ...r, origin: 'helm-render' as const, view: chart.dir, docIndex: r.docIndex };
    if (match && template) {
      const located = templateUse(chart, template, match);
      const related = (located.related ?? []).map((l, i) =>
        i === 0 ? { ...l, message: `rendered by helm template from \`image: ${match.written}\`` } : l,
      );
      if (match.image !== r.raw) {
        related.push({
          file: template,
          line: match.line,
          column: match.column,
          message: `helm renders ${r.raw}; the values-based reading gave ${match.image ?? 'nothing'}.`,
        });
      }
      // When the values reading disagrees, the template line is the honest location.
      const at = match.image === r.raw ? located : { file: template, line: match.line, column: match.column };
      return { ...base, file: at.file, line: at.line, column: at.column, related };
    }
    return {
      ...base,
      file: template ?? chart.chartFile,
      line: 1,
      column: 1,
      related: [
        {
          file: chart.chartFile,
          line: 1,
          column: 1,
          message: `rendered by helm template for chart ${chart.name}${template ? ` from ${template}` : ''}; no source line found for this image.`,
        },
      ],
    };
  });
}

/** Renders a chart with helm and returns its images mapped to source, or the reason it could not. */
export async function renderChartWithHelm(
  chart: ChartInfo,
  opts: {
    helm: string;
    exec: ExecFn;
    extract: ExtractFn;
    valuesFiles: string[];
    templateImages: Map<string, TemplateImage[]>;
    timeoutMs?: number;
  },
): Promise<{ ok: true; uses: ImageUse[]; errors: ParseProblem[] } | { ok: false; reason: string }> {
  let result: Awaited<ReturnType<ExecFn>>;
  try {
    result = await opts.exec(opts.helm, helmTemplateArgs(chart, opts.valuesFiles), {
      timeoutMs: opts.timeoutMs,
    });
  } catch (e: unknown) {
    return { ok: false, reason: `helm could not run (${errorMessage(e)})` };
  }
  if (result.code !== 0) {
    const line = result.stderr.split('\n').find((l) => l.trim()) ?? 'no error output';
    return { ok: false, reason: `helm template failed (${line.trim().slice(0, 300)})` };
  }
  const virtual: ManifestFile = {
    path: `${chart.dir === '.' ? '' : `${chart.dir}/`}(helm template)`,
    absPath: chart.absDir,
    size: Buffer.byteLength(result.stdout),
  };
  const { uses, errors } = opts.extract(virtual, result.stdout);
  return { ok: true, uses: mapHelmRendered(uses, result.stdout, chart, opts.templateImages), errors };
}
