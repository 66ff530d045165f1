import { isMap, isSeq, type YAMLMap } from 'yaml';
import { parseYamlStream } from '../../yaml.js';
import { scalarString } from '../kustomize/kustomization.js';
import type { ImageUse, ManifestFile, SkippedFile } from '../types.js';
import { conventionImages } from './conventions.js';
import { positionedFromNode } from './values.js';

/** What GitOps objects that install charts contribute: skip reasons, and images named in their inline values. */
export interface GitOpsPointers {
  skipped: SkippedFile[];
  /** Images named by convention in `spec.values` / `helm.valuesObject`, with `origin: 'helm-values'`. */
  uses: ImageUse[];
}

/** Options of {@link detectGitOpsPointers}. */
export interface GitOpsOptions {
  /**
   * Repo-relative chart directories in this repository. A HelmRelease or Application whose chart is a path
   * naming one of them is not skipped: that chart is scanned as a chart.
   */
  localCharts?: string[];
}

/**
 * Finds Flux `HelmRelease` and Argo CD `Application`/`ApplicationSet` objects that install Helm charts and returns
 * a skip reason for each chart that lives outside this repository (fetched and rendered in the cluster), plus
 * the images their inline values name.
 */
export function detectGitOpsPointers(
  file: ManifestFile,
  text: string,
  opts: GitOpsOptions = {},
): GitOpsPointers {
  const out: GitOpsPointers = { skipped: [], uses: [] };
  if (!text.includes('HelmRelease') && !text.includes('argoproj.io')) return out;
  const { documents, lineCounter } = parseYamlStream(text);
  const local = new Set((opts.localCharts ?? []).map(normalizeDir));
  let docIndex = -1;
  for (const doc of documents) {
    docIndex++;
    const root = doc.contents;
    if (doc.errors.length > 0 || !isMap(root)) continue;
    const apiVersion = scalarString(root.get('apiVersion', true)) ?? '';
    const kind = scalarString(root.get('kind', true)) ?? '';
    const metadata = root.get('metadata', true);
    const name = isMap(metadata) ? scalarString(metadata.get('name', true)) : null;
    const namespace = isMap(metadata) ? scalarString(metadata.get('namespace', true)) : null;
    const line = lineCounter.linePos(root.range?.[0] ?? 0).line;
    const id = `${namespace ? `${namespace}/` : ''}${name ?? '(unnamed)'}`;
    const spec = root.get('spec', true);
    if (!isMap(spec)) continue;
    const pushValues = (valuesNode: unknown, label: string) => {
      if (!isMap(valuesNode)) return;
      const values = positionedFromNode(valuesNode, file.path, lineCounter);
      // No chart metadata here: an empty tag means "the chart's default", which is unknown, so only images
      // with an explicit tag or digest (or a full image string) are reported.
      for (const c of conventionImages(
        values,
        { appVersion: '', appVersionAt: { file: file.path, line, column: 1 } },
        new Set(),
      )) {
        if (!/[:@]/.test(c.image.slice(c.image.lastIndexOf('/') + 1))) continue;
        out.uses.push({
          raw: c.image,
          ...c.decidedAt,
          docIndex,
          kind,
          apiVersion,
          namespace,
          name,
          // Values name no container: the release (kind and name) identifies the use.
          container: null,
          containerType: 'container',
          origin: 'helm-values',
          related: [
            ...c.related.map((r) => ({ ...r.at, message: r.message })),
            {
              file: file.path,
              line,
              column: 1,
              message: `\`${c.path}\` in ${label} of ${kind} ${id} names an image by the values convention; derived from values, the chart itself is not rendered`,
            },
          ],
        });
      }
    };
    if (kind === 'HelmRelease' && apiVersion.startsWith('helm.toolkit.fluxcd.io')) {
      const reason = helmReleaseReason(spec, id, local);
      if (reason) out.skipped.push({ file: file.path, line, reason });
      pushValues(spec.get('values', true), 'spec.values');
      continue;
    }
    if ((kind === 'Application' || kind === 'ApplicationSet') && apiVersion.startsWith('argoproj.io')) {
      const appSpec = kind === 'ApplicationSet' ? specOfTemplate(spec) : spec;
      if (!appSpec) continue;
      const sources = [appSpec.get('source', true), ...seqItems(appSpec.get('sources', true))].filter(isMap);
      for (const source of sources) {
        const reason = argoSourceReason(source, kind, id, local);
        if (reason) out.skipped.push({ file: file.path, line, reason });
        const helm = source.get('helm', true);
        if (isMap(helm)) pushValues(helm.get('valuesObject', true), 'helm.valuesObject');
      }
    }
  }
  return out;
}

function helmReleaseReason(spec: YAMLMap, id: string, local: Set<string>): string | null {
  const chartRef = spec.get('chartRef', true);
  if (isMap(chartRef)) {
    const refKind = scalarString(chartRef.get('kind', true)) ?? 'source';
    const refName = scalarString(chartRef.get('name', true)) ?? '?';
    return `Flux HelmRelease ${id} installs the chart of ${refKind} ${refName}; Flux fetches and renders it in the cluster, so its images are not checked here (images in spec.values are reported).`;
  }
  const chartSpec = spec.getIn(['chart', 'spec'], true);
  if (!isMap(chartSpec)) return null;
  // Without a chart name (nor chartRef) this is a strategic-merge patch of a HelmRelease defined elsewhere
  // (e.g. an overlay setting `chart.spec.version` and values): nothing is installed from it.
  const chart = scalarString(chartSpec.get('chart', true));
  if (chart === null) return null;
  const sourceRef = chartSpec.get('sourceRef', true);
  const sourceKind = isMap(sourceRef) ? (scalarString(sourceRef.get('kind', true)) ?? 'source') : 'source';
  const sourceName = isMap(sourceRef) ? (scalarString(sourceRef.get('name', true)) ?? '?') : '?';
  if (sourceKind === 'GitRepository' && local.has(normalizeDir(chart))) return null;
  return `Flux HelmRelease ${id} installs chart ${chart} from ${sourceKind} ${sourceName}; Flux fetches and renders it in the cluster, so its images are not checked here (images in spec.values are reported; vendor the chart or scan its repository to check them).`;
}

function argoSourceReason(source: YAMLMap, kind: string, id: string, local: Set<string>): string | null {
  const repoURL = scalarString(source.get('repoURL', true)) ?? '?';
  const chart = scalarString(source.get('chart', true));
  if (chart) {
    const version = scalarString(source.get('targetRevision', true));
    return `Argo CD ${kind} ${id} installs chart ${chart}${version ? ` ${version}` : ''} from ${repoURL}; Argo CD fetches and renders it, so its images are not checked here (images in helm.valuesObject are reported).`;
  }
  const path = scalarString(source.get('path', true));
  if (path && isMap(source.get('helm', true)) && !local.has(normalizeDir(path))) {
    return `Argo CD ${kind} ${id} renders the chart at ${path} of ${repoURL} with helm; that chart is not in this repository's scan, so its images are not checked here.`;
  }
  return null;
}

function specOfTemplate(spec: YAMLMap): YAMLMap | null {
  const inner = spec.getIn(['template', 'spec'], true);
  return isMap(inner) ? inner : null;
}

function seqItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

function normalizeDir(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '') || '.';
}
