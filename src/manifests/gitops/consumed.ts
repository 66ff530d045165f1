/**
 * Entry points, not ingredients: which kustomizations and files of a set are consumed by a kustomization
 * (as `resources`, `bases`, `components`, patches or transformers) and so are not deployed on their own.
 */
import path from 'node:path';
import { isKustomizationFile } from '../kustomize/build.js';
import {
  KUSTOMIZATION_FILE_NAMES,
  type Kustomization,
  parseKustomization,
} from '../kustomize/kustomization.js';
import { isRemoteTarget } from '../kustomize/remote.js';

/** What the kustomizations of a set consume (absolute paths). */
export interface Consumption {
  /** Kustomization directories used by another kustomization. */
  dirs: Set<string>;
  /** Files used by a kustomization (resources, patches, transformers, and every kustomization file). */
  files: Set<string>;
}

/** Reads a kustomization directory (null when it has none or it does not parse). */
async function loadKustomizationAt(
  absDir: string,
  read: (abs: string) => Promise<string | null>,
): Promise<{ file: string; k: Kustomization } | null> {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const abs = path.join(absDir, name);
    const text = await read(abs);
    if (text === null) continue;
    const parsed = parseKustomization(abs, text);
    return parsed.ok ? { file: abs, k: parsed.kustomization } : null;
  }
  return null;
}

/**
 * Walks every kustomization directory of the set (and what they reach) and returns what is consumed.
 * `inside` bounds the walk to the repository root.
 */
export async function findConsumed(
  kustomizationDirs: readonly string[],
  read: (abs: string) => Promise<string | null>,
  inside: (abs: string) => boolean,
): Promise<Consumption> {
  const out: Consumption = { dirs: new Set(), files: new Set() };
  const visited = new Set<string>();
  const walk = async (absDir: string): Promise<void> => {
    if (visited.has(absDir) || visited.size > 10_000) return;
    visited.add(absDir);
    const loaded = await loadKustomizationAt(absDir, read);
    if (!loaded) return;
    out.files.add(loaded.file);
    const { k } = loaded;
    const refs = [...k.resources, ...k.bases, ...k.components].map((e) => e.value);
    for (const ref of refs) {
      if (isRemoteTarget(ref)) continue;
      const abs = path.resolve(absDir, ref);
      if (!inside(abs)) continue;
      if ((await read(abs)) !== null) out.files.add(abs);
      else {
        out.dirs.add(abs);
        await walk(abs);
      }
    }
    for (const p of k.patches) if (p.path) out.files.add(path.resolve(absDir, p.path));
    for (const t of k.transformers) out.files.add(path.resolve(absDir, t.value));
  };
  for (const dir of kustomizationDirs) await walk(dir);
  return out;
}

/** Returns the distinct directories of the kustomization files among repo-relative paths. */
export function kustomizationDirsOf(files: readonly { path: string; absPath: string }[]): string[] {
  return [
    ...new Set(files.filter((f) => isKustomizationFile(f.path)).map((f) => path.dirname(f.absPath))),
  ].sort();
}
