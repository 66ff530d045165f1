import type { ImageUse, RelatedLocation, SkippedFile } from '../types.js';
import type { ChartInfo } from './chart.js';
import { conventionImages } from './conventions.js';
import { findTemplateImages, type TemplateImage } from './template-images.js';
import type { PositionedValue, ValueLocation } from './values.js';

/** The chart's templates as text, keyed by repo-relative path. */
export type TemplateTexts = Map<string, string>;

/** Added to every values-derived use: what it is and how to get the exact answer. */
const VALUES_NOTE =
  'derived from chart values without running helm; set render: helm for the rendered result';

/**
 * Returns the images a chart would deploy, read without helm: each `image:` line of its templates evaluated
 * against the merged values (when simple enough), then images that values name by convention and no template
 * line used. Every use has `origin: 'helm-values'`.
 */
export function chartValuesImages(
  chart: ChartInfo,
  values: PositionedValue,
  templates: TemplateTexts,
): { uses: ImageUse[]; skipped: SkippedFile[]; templateImages: Map<string, TemplateImage[]> } {
  const uses: ImageUse[] = [];
  const skipped: SkippedFile[] = [];
  const used = new Set<string>();
  const templateImages = new Map<string, TemplateImage[]>();
  const ctx = { values, chart };
  for (const [file, text] of templates) {
    const found = findTemplateImages(text, ctx);
    templateImages.set(file, found);
    // Templates without any action are plain manifests, which the raw scan already reports; they are
    // still read so that rendered images can be mapped to their lines.
    if (!text.includes('{{')) continue;
    for (const t of found) {
      for (const p of t.valuesPaths) addPrefixes(used, p);
      if (!t.rendered) continue;
      if (t.image === null) {
        if (t.written.includes('{{')) {
          skipped.push({
            file,
            line: t.line,
            reason: `image \`${t.written}\` of chart ${chart.name} is built by template logic this check does not evaluate; set render: helm to check the rendered image.`,
          });
        }
        continue;
      }
      uses.push(templateUse(chart, file, t));
    }
  }
  for (const c of conventionImages(values, chart, used)) {
    const related: RelatedLocation[] = c.related.map((r) => ({ ...r.at, message: r.message }));
    related.push({
      file: chart.chartFile,
      line: 1,
      column: 1,
      message: `\`${c.path}\` of chart ${chart.name} names an image by the values convention; ${VALUES_NOTE}`,
    });
    uses.push({
      raw: c.image,
      ...c.decidedAt,
      docIndex: 0,
      kind: 'HelmChart',
      apiVersion: null,
      namespace: null,
      name: chart.name,
      container: c.path,
      containerType: 'container',
      origin: 'helm-values',
      view: chart.dir,
      related,
    });
  }
  return { uses, skipped, templateImages };
}

function addPrefixes(set: Set<string>, dotted: string): void {
  const parts = dotted.split('.');
  for (let i = 1; i <= parts.length; i++) set.add(parts.slice(0, i).join('.'));
}

/** The use for one evaluated template line: at the last values entry (or Chart.yaml field) it read. */
export function templateUse(chart: ChartInfo, file: string, t: TemplateImage): ImageUse {
  const sources = t.parts.filter((p) => p.from !== null);
  const decisive = sources[sources.length - 1];
  const at: ValueLocation = decisive?.from ?? { file, line: t.line, column: t.column };
  const related: RelatedLocation[] = [
    {
      file,
      line: t.line,
      column: t.column,
      message: `template line \`image: ${t.written}\` gives ${t.image ?? '?'}; ${VALUES_NOTE}`,
    },
  ];
  for (const p of sources.slice(0, -1)) {
    if (p.from) related.push({ ...p.from, message: `${p.expr} = ${p.text}` });
  }
  if (decisive?.defaulted && decisive.emptyFrom) {
    related.push({
      ...decisive.emptyFrom,
      message: `empty in values, so the template's default applies: ${decisive.expr} = ${decisive.text}`,
    });
  }
  return {
    raw: t.image ?? '',
    ...at,
    docIndex: 0,
    kind: t.kind ?? 'HelmChart',
    apiVersion: null,
    namespace: null,
    name: chart.name,
    // A `HelmChart` use's container is a values key (the convention uses above); a template without a kind
    // names no workload, so its container name is not kept.
    container: t.kind === null ? null : t.container,
    containerType: t.containerType,
    origin: 'helm-values',
    view: chart.dir,
    related,
  };
}
