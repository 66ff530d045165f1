/**
 * Manifest-scan benchmark: the scanner's cost next to the bare YAML parse.
 *
 * Run (Node 24 strips the TypeScript types natively; the hook below maps our `.js` import
 * specifiers to the `.ts` sources, so no build is needed):
 *
 *   node_modules/.bin/node --experimental-strip-types bench/scan.ts [--files 5000] [--docs 11] [--runs 3] [--check]
 *
 * It generates a synthetic repository in a temp dir (default 5,000 files, ~54,000 documents),
 * then times, alternately and `--runs` times each after one warm-up:
 * - bare:  read every file + `yaml.parseAllDocuments(text)` (the floor any YAML scanner pays);
 * - scan:  `scanManifests` = discover (walk, .gitignore, stat) + read + parse with positions
 *          + extract every image with line/column.
 * It prints files/s and docs/s for both and the ratio of the medians (target ≤ 1.5).
 * `--check` exits 1 when the ratio is over the target.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err: unknown) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw err;
    }
  },
});

const { generateRepo } = await import('./gen-repo.js');
const { scanManifests } = await import('../src/manifests/scan.js');
const { discoverFiles } = await import('../src/manifests/discover.js');
const { parseAllDocuments } = await import('yaml');

const TARGET_RATIO = 1.5;

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    docs: { type: 'string', default: '11' },
    runs: { type: 'string', default: '3' },
    check: { type: 'boolean', default: false },
  },
});

const root = await mkdtemp(path.join(tmpdir(), 'kic-bench-'));
try {
  const t0 = performance.now();
  const gen = await generateRepo(root, { files: Number(values.files), docsPerFile: Number(values.docs) });
  console.log(
    `generated ${gen.files} files, ${gen.documents} documents, ${(gen.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s (${root})`,
  );
  // The bare baseline reads the same files (listed once, outside the timing).
  const { files } = await discoverFiles({ root });

  const bare = async (): Promise<number> => {
    let docs = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const file = files[next++]!;
        const text = await readFile(file.absPath, 'utf8');
        docs += parseAllDocuments(text).length;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return docs;
  };
  const scan = async (): Promise<number> => {
    const result = await scanManifests({ root });
    if (result.errors.length > 0 || result.scanned !== gen.files) throw new Error('unexpected scan result');
    return result.uses.length;
  };

  const time = async (fn: () => Promise<number>): Promise<[number, number]> => {
    const start = performance.now();
    const n = await fn();
    return [(performance.now() - start) / 1000, n];
  };

  await bare();
  await scan();
  const bareTimes: number[] = [];
  const scanTimes: number[] = [];
  let images = 0;
  for (let i = 0; i < Number(values.runs); i++) {
    bareTimes.push((await time(bare))[0]);
    const [s, n] = await time(scan);
    scanTimes.push(s);
    images = n;
  }
  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const b = median(bareTimes);
  const s = median(scanTimes);
  const row = (label: string, secs: number): string =>
    `${label.padEnd(44)} ${secs.toFixed(2).padStart(6)} s  ${Math.round(gen.files / secs)
      .toString()
      .padStart(6)} files/s  ${Math.round(gen.documents / secs)
      .toString()
      .padStart(7)} docs/s`;
  console.log(row('bare: read + yaml.parseAllDocuments', b));
  console.log(row('scan: discover + read + parse + extract', s));
  console.log(
    `images found: ${images}; runs: bare ${bareTimes.map((x) => x.toFixed(2)).join(', ')} / scan ${scanTimes.map((x) => x.toFixed(2)).join(', ')}`,
  );
  const ratio = s / b;
  console.log(
    `ratio scan/bare: ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? 'OK' : 'OVER TARGET'}`,
  );
  if (values.check && ratio > TARGET_RATIO) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
