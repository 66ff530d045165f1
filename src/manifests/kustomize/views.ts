import path from 'node:path';
import type { ImageUse } from '../types.js';
import { isKustomizationFile, KustomizeBuilder, type KustomizeOptions, type KustomizeView } from './build.js';
import { toViewUses } from './resources.js';

/**
 * Renders every kustomization (`kind: Kustomization`, not `Component`) among the discovered files natively
 * and returns one view per directory: the images that overlay deploys, sorted by directory.
 *
 * @remarks Components are not views of their own: they only mean something inside the kustomization that
 * includes them. Use {@link renderKustomizationDir} to build a single directory (components included).
 */
export async function renderKustomizations(
  root: string,
  opts: KustomizeOptions,
): Promise<{ views: KustomizeView[] }> {
  const builder = new KustomizeBuilder(root, opts);
  const dirs = [
    ...new Set(opts.files.filter((f) => isKustomizationFile(f.path)).map((f) => path.dirname(f.absPath))),
  ].sort();
  const views: KustomizeView[] = [];
  for (const absDir of dirs) {
    const loaded = await builder.loadKustomization(absDir);
    if (loaded === null) continue; // e.g. a Flux Kustomization object in a file named kustomization.yaml
    if (!('error' in loaded) && loaded.k.kind === 'Component') continue;
    views.push(await renderWith(builder, absDir));
  }
  return { views };
}

/** Renders one kustomization or component directory natively (repo-relative paths in the result). */
export async function renderKustomizationDir(
  root: string,
  absDir: string,
  opts: KustomizeOptions,
): Promise<KustomizeView> {
  return renderWith(new KustomizeBuilder(root, opts), absDir);
}

async function renderWith(builder: KustomizeBuilder, absDir: string): Promise<KustomizeView> {
  const loaded = await builder.loadKustomization(absDir);
  const dir = builder.rel(absDir);
  const kustomizationFile = loaded && !('error' in loaded) ? loaded.file.path : `${dir}/kustomization.yaml`;
  const built = await builder.build(absDir);
  return {
    dir,
    kustomizationFile,
    uses: toViewUses(built.resources, dir),
    skipped: dedupeSkipped(built.skipped),
    errors: built.errors,
  };
}

function dedupeSkipped<T extends { file: string; reason: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((s) => {
    const key = `${s.file}\n${s.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Returns the raw uses plus the view uses that are not already among them (same file, line, column and
 * image), so an unchanged base image is reported once while each overlay's rewritten image is reported at
 * its overlay line.
 *
 * @remarks Registry checks are deduplicated later by normalized reference; this only keeps findings from
 * repeating the same line.
 */
export function combineWithViews(raw: ImageUse[], views: { uses: ImageUse[] }[]): ImageUse[] {
  const key = (u: ImageUse) => `${u.file}\n${u.line}\n${u.column}\n${u.raw}`;
  const seen = new Set(raw.map(key));
  const out = [...raw];
  for (const v of views) {
    for (const u of v.uses) {
      const k = key(u);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(u);
    }
  }
  return out;
}
