/**
 * Rendered views: kustomize overlays and Helm charts, turned into image uses at the source lines that
 * decided them. TODO(#6): wire the kustomize and helm modules.
 */
import type { Config } from '../config/schema.js';
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
}

/** Renders kustomizations and charts found among the discovered files. */
export async function renderViews(
  _config: Pick<Config, 'render' | 'helmValues'>,
  _deps: { root: string; logger: EngineLogger },
  _files: readonly ManifestFile[],
): Promise<RenderedViews> {
  return { uses: [], templated: [], skipped: [], errors: [] };
}
