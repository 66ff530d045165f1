/**
 * Parsing in worker threads gives the single-threaded result: same uses, templated values,
 * problems and skipped files, in the same order (the corpus and a generated repository).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRepo } from '../../bench/gen-repo.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { collectUses } from '../../src/engine/scan.js';
import { discoverFiles } from '../../src/manifests/discover.js';
import { extractFile, extractFiles } from '../../src/manifests/extract.js';
import { MIN_POOL_BYTES, ParsePool, poolSize } from '../../src/manifests/parse-pool.js';
import type { ExtractResult } from '../../src/manifests/types.js';

const silent = { debug: () => undefined, info: () => undefined, warning: () => undefined };

/** The production manifest stage (collectUses), with rendering off: discovery, reading, extraction. */
async function scanManifests(opts: { root: string; workers?: number }): Promise<ExtractResult> {
  const { root, ...parse } = opts;
  const collected = await collectUses(
    { ...defaultConfig(), render: 'none' },
    { root, logger: silent, parse },
  );
  return collected.extract;
}

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

describe('parse workers', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'kic-pool-'));
    await generateRepo(root, { files: 200, docsPerFile: 11 });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('gives the single-threaded result, in order, for a generated repository', async () => {
    const single = await scanManifests({ root, workers: 0 });
    const pooled = await scanManifests({ root, workers: 3 });
    expect(single.uses.length).toBeGreaterThan(1000);
    expect(pooled).toEqual(single);
  });

  it.skipIf(!existsSync(CORPUS))(
    'gives the single-threaded result for the corpus (../shared/corpus)',
    async () => {
      const { files } = await discoverFiles({ root: CORPUS });
      const read = (f: { absPath: string }): Promise<string> => readFile(f.absPath, 'utf8');
      const single = await extractFiles(files, read, { workers: 0 });
      const pooled = await extractFiles(files, read, { workers: 2 });
      expect(single.uses.length).toBeGreaterThan(250);
      expect(pooled).toEqual(single);
    },
  );

  it('really parses on a worker thread (no silent fallback to this thread)', async () => {
    const pool = new ParsePool(1);
    try {
      const text = 'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n';
      const file = { path: 'a.yaml', absPath: '/a.yaml', size: text.length };
      const result = await pool.extract(file, text, {});
      expect(result).toEqual(extractFile(file, text));
      expect(result.uses.map((u) => u.raw)).toEqual(['nginx:1.27']);
    } finally {
      await pool.close();
    }
  });

  it('uses threads only when there is enough work or when asked', () => {
    expect(poolSize(MIN_POOL_BYTES - 1, undefined, 4)).toBe(0);
    expect(poolSize(MIN_POOL_BYTES, undefined, 4)).toBe(3);
    // Two cores: one worker next to this thread would only add the cost of moving results.
    expect(poolSize(10 * MIN_POOL_BYTES, undefined, 2)).toBe(0);
    expect(poolSize(10 * MIN_POOL_BYTES, 1)).toBe(0);
    expect(poolSize(100, 3)).toBe(3);
  });
});
