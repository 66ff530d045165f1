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
 * It prints wall time, CPU time (user + system of this process), files/s and docs/s for both, and
 * the ratios of the medians. The target (≤ 1.5) is checked on CPU time, the scanner's own cost;
 * wall time on a shared machine also measures the neighbours. `--check` exits 1 over the target.
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

  /** Wall seconds and CPU seconds (user + system, this process) of one run. */
  const time = async (fn: () => Promise<number>): Promise<[number, number, number]> => {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const n = await fn();
    const cpu = process.cpuUsage(cpu0);
    return [(performance.now() - start) / 1000, (cpu.user + cpu.system) / 1e6, n];
  };

  await bare();
  await scan();
  const bareWall: number[] = [];
  const bareCpu: number[] = [];
  const scanWall: number[] = [];
  const scanCpu: number[] = [];
  let images = 0;
  for (let i = 0; i < Number(values.runs); i++) {
    const [bw, bc] = await time(bare);
    bareWall.push(bw);
    bareCpu.push(bc);
    const [sw, sc, n] = await time(scan);
    scanWall.push(sw);
    scanCpu.push(sc);
    images = n;
  }
  const median = (xs: number[]): number =>
    [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const rate = (n: number, secs: number): string =>
    Math.round(n / secs)
      .toString()
      .padStart(6);
  const row = (label: string, wall: number, cpu: number): string =>
    `${label.padEnd(42)} wall ${wall.toFixed(2).padStart(6)} s  cpu ${cpu.toFixed(2).padStart(6)} s  ` +
    `${rate(gen.files, wall)} files/s  ${rate(gen.documents, wall)} docs/s`;
  console.log(row('bare: read + yaml.parseAllDocuments', median(bareWall), median(bareCpu)));
  console.log(row('scan: discover + read + parse + extract', median(scanWall), median(scanCpu)));
  const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(', ');
  console.log(`images found: ${images}; wall runs: bare ${fmt(bareWall)} / scan ${fmt(scanWall)}`);
  // CPU time is the scanner's own cost; wall time on a shared machine also measures the neighbours.
  const cpuRatio = median(scanCpu) / median(bareCpu);
  const wallRatio = median(scanWall) / median(bareWall);
  const verdict = cpuRatio <= TARGET_RATIO ? 'OK' : 'OVER TARGET';
  console.log(
    `ratio scan/bare: cpu ${cpuRatio.toFixed(2)}, wall ${wallRatio.toFixed(2)} (target ≤ ${TARGET_RATIO} on cpu) ${verdict}`,
  );
  if (values.check && cpuRatio > TARGET_RATIO) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
