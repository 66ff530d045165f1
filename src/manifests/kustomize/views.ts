import path from 'node:path';
import type { ImageUse } from '../types.js';
import { type ExecFn, type KustomizeBinary, renderViewWithBinary } from './binary.js';
import { isKustomizationFile, KustomizeBuilder, type KustomizeOptions, type KustomizeView } from './build.js';
import { toViewUses } from './resources.js';

/** Options of {@link renderKustomizations}: the native inputs plus an optional kustomize binary. */
export interface RenderKustomizationsOptions extends KustomizeOptions {
  /** When set (`render: kustomize`), each view is rendered by this binary and mapped back to source lines. */
  binary?: KustomizeBinary | null;
  exec?: ExecFn;
}

/**
 * Renders every kustomization (`kind: Kustomization`, not `Component`) among the discovered files natively
 * and returns one view per directory: the images that overlay deploys, sorted by directory.
 *
 * With `binary` set, each view is rendered by kustomize itself and its images are mapped back to the
 * native result's source lines; a view that the binary cannot build keeps the native result with a note.
 *
 * @remarks Components are not views of their own: they only mean something inside the kustomization that
 * includes them. Use {@link renderKustomizationDir} to build a single directory (components included).
 */
export async function renderKustomizations(
  root: string,
  opts: RenderKustomizationsOptions,
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
    const native = await renderWith(builder, absDir);
    views.push(
      opts.binary
        ? await renderViewWithBinary(native, absDir, {
            binary: opts.binary,
            exec: opts.exec,
            root,
            extract: opts.extract,
          })
        : native,
    );
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
    remote: built.hasRemote,
    ...(built.hasRefused ? { refused: true } : {}),
    dirs: [...new Set(built.dirs ?? [])],
  };
}

function dedupeSkipped<T extends { file: string; line?: number; reason: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((s) => {
    const key = `${s.file}:${s.line ?? 0}\n${s.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Returns the raw uses plus the view uses that are not already among them (same file, line, column, image
 * and base line), so an unchanged base image is reported once while each overlay's rewritten image is
 * reported at its overlay line, once per base container it rewrites.
 *
 * @remarks Registry checks are deduplicated later by normalized reference; this only keeps findings from
 * repeating the same line.
 */
export function combineWithViews(raw: ImageUse[], views: { uses: ImageUse[] }[]): ImageUse[] {
  // An overlay line can rewrite several containers: its first related location (the base manifest line)
  // keeps them apart, while the same base line seen raw and through an unchanged view collapses.
  const key = (u: ImageUse) => {
    const base = u.related?.[0];
    const elsewhere =
      base && (base.file !== u.file || base.line !== u.line)
        ? `${base.file}:${base.line}:${base.column}`
        : '';
    return [u.file, u.line, u.column, u.raw, elsewhere].join('\n');
  };
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
