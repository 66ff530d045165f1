import { type DiscoverOptions, discoverFiles } from './discover.js';
import { type ExtractOptions, extractFiles } from './extract.js';
import { createRootedReader } from './read.js';
import type { ExtractResult, SkippedFile } from './types.js';

/** Options for a whole manifest scan: discovery plus extraction. */
export interface ScanManifestsOptions extends DiscoverOptions, ExtractOptions {
  /** Files read and parsed at once. Default 16. */
  concurrency?: number;
  /** Parse worker threads (0 or 1: parse in this thread). Default: one per core but one, from 8 MB of manifests on 3+ cores. */
  workers?: number;
}

/**
 * Discovers, reads and extracts every manifest under `options.root`: the whole manifest stage in
 * one call. Discovery's skipped files (too large, symlinks out of the root) are merged with the
 * extraction's (templates, unreadable files), sorted by path. Throws `DiscoveryError` for bad paths.
 */
export async function scanManifests(options: ScanManifestsOptions): Promise<ExtractResult> {
  const { files, skipped } = await discoverFiles(options);
  const read = createRootedReader({ root: options.root, maxFileSize: options.maxFileSize });
  const result = await extractFiles(files, (f) => read(f.absPath), options);
  result.skipped = mergeSkipped(skipped, result.skipped);
  return result;
}

function mergeSkipped(a: readonly SkippedFile[], b: readonly SkippedFile[]): SkippedFile[] {
  return [...a, ...b].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0));
}
