/**
 * Manifest-scan benchmark: today's parse path, the fast path (one thread and N worker threads)
 * and js-yaml's bare `loadAll`, side by side in one process, on a generated repository and on
 * the real-world corpus.
 *
 * Run (Node 24 strips the TypeScript types natively; the hook below maps our `.js` import
 * specifiers to the `.ts` sources, so no build is needed):
 *
 *   node_modules/.bin/node bench/scan.ts [--files 5000] [--docs 11] [--runs 2] [--corpus ../shared/corpus]
 *
 * Rows, each timed `--runs` times after one warm-up, alternating so that load from neighbours on a
 * shared machine hits every row alike (the median is shown):
 * - js-yaml: read every file + `jsyaml.loadAll(text)`: a bare parse without positions (the floor);
 * - today:   the production manifest stage (`collectUses` of src/engine/scan.ts, rendering off)
 *            parsing with the `yaml` library only (`libraryOnly`), one thread;
 * - fast x1: the same stage with the fast path, in this thread (`workers: 0`);
 * - fast xN: the same stage with the fast path and one worker thread per core.
 * Every row scans the same files; the fast rows must give exactly today's result (checked).
 * It prints wall and CPU seconds (CPU: all threads of this process), MB/s, the ratios vs today
 * and vs js-yaml, the speed-up from workers, and the peak RSS of a child process that runs only
 * the default scan (`--rss-child`), next to the input's size.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';

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
const { collectUses } = await import('../src/engine/scan.js');
const { defaultConfig } = await import('../src/config/resolve.js');
const { discoverFiles } = await import('../src/manifests/discover.js');
const jsyaml = await import('js-yaml');

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    docs: { type: 'string', default: '11' },
    runs: { type: 'string', default: '2' },
    corpus: { type: 'string', default: '../shared/corpus' },
    'rss-child': { type: 'string' },
  },
});

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  debugEnabled: false,
};

/**
 * The production manifest stage (`collectUses` of src/engine/scan.ts: discover, read, extract), with
 * rendering off so that every row parses the same files and no kustomize/helm binary is timed.
 */
async function scanManifests(opts: {
  root: string;
  workers?: number;
  libraryOnly?: boolean;
}): Promise<unknown> {
  const { root, ...parse } = opts;
  const collected = await collectUses(
    { ...defaultConfig(), render: 'none' },
    { root, logger: silent, parse },
  );
  return collected.extract;
}

if (values['rss-child'] !== undefined) {
  // Child mode: one default scan, then the peak RSS (kB) of this process (all threads).
  const result = (await scanManifests({ root: values['rss-child'] })) as { uses: unknown[] };
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, uses: result.uses.length }));
  process.exit(0);
}

type Row = { label: string; run: () => Promise<unknown> };
interface Timing {
  wall: number[];
  cpu: number[];
  result: unknown;
}

/** Wall and CPU seconds of one run (CPU: user + system of all threads of this process). */
async function time(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number; result: unknown }> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6, result };
}

const median = (xs: number[]): number =>
  [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function bench(name: string, root: string, bytes: number): Promise<void> {
  const { files } = await discoverFiles({ root });
  const workers = availableParallelism();
  const loadAll = async (): Promise<number> => {
    let docs = 0;
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < files.length) {
        const text = await readFile(files[next++]!.absPath, 'utf8');
        try {
          jsyaml.loadAll(text, (doc) => {
            if (doc !== undefined) docs++;
          });
        } catch {
          // A file js-yaml rejects still cost its parse time.
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, reader));
    return docs;
  };
  const rows: Row[] = [
    { label: 'js-yaml loadAll (read + bare parse)', run: loadAll },
    {
      label: 'today: yaml library, 1 thread',
      run: () => scanManifests({ root, workers: 0, libraryOnly: true }),
    },
    { label: 'fast path, 1 thread', run: () => scanManifests({ root, workers: 0 }) },
    { label: `fast path, ${workers} worker threads`, run: () => scanManifests({ root, workers }) },
  ];
  const timings: Timing[] = rows.map(() => ({ wall: [], cpu: [], result: undefined }));
  for (const row of rows) await row.run();
  for (let i = 0; i < Number(values.runs); i++) {
    for (const [r, row] of rows.entries()) {
      const t = await time(row.run);
      timings[r]!.wall.push(t.wall);
      timings[r]!.cpu.push(t.cpu);
      timings[r]!.result = t.result;
    }
  }
  const [js, today, fast1, fastN] = timings as [Timing, Timing, Timing, Timing];
  const identical =
    isDeepStrictEqual(fast1.result, today.result) && isDeepStrictEqual(fastN.result, today.result);
  console.log(`\n${name}: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB`);
  rows.forEach((row, r) => {
    const t = timings[r]!;
    const wall = median(t.wall);
    console.log(
      `  ${row.label.padEnd(38)} wall ${wall.toFixed(2).padStart(6)} s  cpu ${median(t.cpu).toFixed(2).padStart(6)} s  ` +
        `${(bytes / 1e6 / wall).toFixed(1).padStart(5)} MB/s   runs ${t.wall.map((w) => w.toFixed(2)).join(', ')}`,
    );
  });
  const w = (t: Timing): number => median(t.wall);
  console.log(`  identical results (fast x1, fast x${workers} vs today): ${identical ? 'yes' : 'NO'}`);
  console.log(
    `  speed-up vs today: ${(w(today) / w(fast1)).toFixed(1)}x on 1 thread, ${(w(today) / w(fastN)).toFixed(1)}x with workers`,
  );
  console.log(
    `  fast path / js-yaml loadAll: ${(w(fast1) / w(js)).toFixed(2)} on 1 thread (target <= 2), ${(w(fastN) / w(js)).toFixed(2)} with workers`,
  );
  console.log(`  speed-up from ${workers} workers vs 1 thread: ${(w(fast1) / w(fastN)).toFixed(2)}x`);
  if (!identical) process.exitCode = 1;
}

/** Peak RSS of a child process that runs only the default scan of `root`. */
function childRss(root: string, bytes: number): void {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [script, '--rss-child', root], { encoding: 'utf8' });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    const { maxRssKb } = JSON.parse(line) as { maxRssKb: number };
    const mb = maxRssKb / 1024;
    console.log(
      `  peak RSS of a default scan (child process): ${mb.toFixed(0)} MB for ${(bytes / 1e6).toFixed(1)} MB of input (${((mb * 1024 * 1024) / bytes).toFixed(2)}x; target < 2x)`,
    );
  } catch {
    console.log(`  peak RSS: the child failed: ${child.stderr.slice(0, 500)}`);
  }
}

const root = await mkdtemp(path.join(tmpdir(), 'kic-bench-'));
try {
  const gen = await generateRepo(root, { files: Number(values.files), docsPerFile: Number(values.docs) });
  console.log(
    `generated ${gen.files} files, ${gen.documents} documents (${root}); load: ${availableParallelism()} cores`,
  );
  await bench('benchmark repository', root, gen.bytes);
  childRss(root, gen.bytes);
  const corpus = path.resolve(values.corpus);
  if (existsSync(corpus)) {
    const { files } = await discoverFiles({ root: corpus });
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    await bench(`corpus ${corpus}`, corpus, bytes);
    childRss(corpus, bytes);
  } else console.log(`\ncorpus ${corpus} not found: skipped`);
} finally {
  await rm(root, { recursive: true, force: true });
}
