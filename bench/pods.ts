/**
 * Listing 10,000 pods: our paginated lister (`limit` + `continue`, each page turned into compact records)
 * next to one unpaginated request parsed in one piece, as `kubectl get pods -A -o json` and older checkers do.
 * The last row reads the same pods from a file, as `--pods-file` does (src/cluster/dump.ts).
 * Every approach runs in its own child process, so its peak RSS (`process.resourceUsage().maxRSS`) is clean.
 *
 * Run: node_modules/.bin/node bench/pods.ts [pods=10000] [pageSize=500] [repeats=3] [heapLimitMb=128]
 * (Node 24 strips the types itself; a resolve hook maps the sources' `.js` imports to `.ts`.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Node's type stripping does not rewrite `.js` to `.ts`: try the `.ts` twin of a relative import that fails.
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (err) {
      if (specifier.startsWith('.') && specifier.endsWith('.js'))
        return next(`${specifier.slice(0, -3)}.ts`, context);
      throw err;
    }
  },
});

type Mode =
  | 'baseline'
  | 'paginated'
  | 'raw-paginated'
  | 'client-unpaginated'
  | 'raw-unpaginated'
  | 'dump-file';

interface ChildResult {
  mode: Mode;
  pods: number;
  requests: number;
  ms: number;
  maxRssMb: number;
  /** Heap still used after a full GC at the end (retained data). */
  heapUsedMb: number;
  heapBeforeGcMb: number;
}

const src = (path: string) => new URL(`../${path}`, import.meta.url).href;

/** GET a path with the kubeconfig's TLS and credentials; resolves with the body text. */
async function get(kc: import('@kubernetes/client-node').KubeConfig, path: string): Promise<string> {
  const opts: import('node:https').RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const server = kc.getCurrentCluster()!.server;
  return new Promise<string>((resolve, reject) => {
    const req = request(`${server}${path}`, { ...opts, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function child(
  mode: Mode,
  kubeconfig: string,
  pageSize: number,
  kubeconfigPath: string,
): Promise<ChildResult> {
  const kube = (await import(src('src/cluster/kube.ts'))) as typeof import('../src/cluster/kube.js');
  const records = (await import(src('src/cluster/records.ts'))) as typeof import('../src/cluster/records.js');
  const kc = kube.loadKubeConfig({ kubeconfigText: kubeconfig });
  const start = performance.now();
  let pods = 0;
  let requests = 0;
  if (mode === 'paginated' || mode === 'client-unpaginated') {
    const snap = await kube.snapshotCluster(kc, {
      resources: ['pods'],
      pageSize: mode === 'paginated' ? pageSize : 0,
    });
    pods = snap.pods.length;
    requests = snap.pages;
  } else if (mode === 'raw-paginated') {
    // For comparison only: the same pages without client-node's model deserialisation.
    const kept: unknown[] = [];
    let token: string | undefined;
    do {
      const query = `limit=${pageSize}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const page = JSON.parse(await get(kc, `/api/v1/pods?${query}`)) as {
        items: unknown[];
        metadata: { continue?: string };
      };
      requests++;
      for (const item of page.items) kept.push(records.compactPod(item));
      token = page.metadata.continue;
    } while (token);
    pods = kept.length;
  } else if (mode === 'dump-file') {
    // Offline mode: `--pods-file` with the same pods as one `kubectl get pods -A -o json` file.
    const dump = (await import(src('src/cluster/dump.ts'))) as typeof import('../src/cluster/dump.js');
    const parsed = await dump.readDumpFile(join(dirname(kubeconfigPath), 'pods.json'));
    pods = parsed.pods.length;
    (globalThis as { keep?: unknown }).keep = parsed;
  } else if (mode === 'raw-unpaginated') {
    // What kubectl does: one GET, the whole body in memory, one JSON.parse.
    const body = await get(kc, '/api/v1/pods');
    const list = JSON.parse(body) as { items: unknown[] };
    pods = list.items.length;
    requests = 1;
    // Keep the parsed list alive until measured, as a checker holding the whole list would.
    (globalThis as { keep?: unknown }).keep = list;
  }
  const ms = performance.now() - start;
  const peakHeap = process.memoryUsage().heapUsed;
  // Retained after a full GC: what the lister really keeps (compact records vs the whole parsed list).
  (globalThis as { gc?: () => void }).gc?.();
  return {
    mode,
    pods,
    requests,
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 1024 / 1024,
    heapBeforeGcMb: peakHeap / 1024 / 1024,
  };
}

async function parent(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000);
  const pageSize = Number(process.argv[3] ?? 500);
  const repeats = Number(process.argv[4] ?? 3);
  const heapLimit = Number(process.argv[5] ?? 128);
  const { generatePods, startFakeKube } = (await import(
    src('test/helpers/fake-kube.ts')
  )) as typeof import('../test/helpers/fake-kube.js');
  const pods = generatePods(count);
  const podList = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: pods });
  const bytes = Buffer.byteLength(podList);
  const fake = await startFakeKube({ objects: { pods } });
  const dir = mkdtempSync(join(tmpdir(), 'bench-pods-'));
  const configFile = join(dir, 'kubeconfig');
  writeFileSync(configFile, fake.kubeconfig('cert'));
  writeFileSync(join(dir, 'pods.json'), podList);
  console.log(
    `${count} pods (${(bytes / 1024 / 1024).toFixed(1)} MB as one PodList JSON), page size ${pageSize}, ${repeats} run(s) each, node ${process.version}`,
  );
  console.log(
    `mode                 pods  requests  time ms (median)  peak RSS MB (max)  heap MB before GC  retained MB after GC  with --max-old-space-size=${heapLimit}`,
  );
  try {
    for (const mode of [
      'baseline',
      'paginated',
      'raw-paginated',
      'client-unpaginated',
      'raw-unpaginated',
      'dump-file',
    ] as Mode[]) {
      const runs: ChildResult[] = [];
      for (let i = 0; i < repeats; i++) {
        // The fake server runs in this process, so children run asynchronously; each has its own clean RSS.
        runs.push(await runChild(mode, configFile, pageSize));
      }
      const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
      const rss = Math.max(...runs.map((r) => r.maxRssMb));
      const before = Math.max(...runs.map((r) => r.heapBeforeGcMb));
      const retained = Math.max(...runs.map((r) => r.heapUsedMb));
      const limited = await runChild(mode, configFile, pageSize, heapLimit).then(
        (r) => `ok (peak RSS ${r.maxRssMb.toFixed(0)} MB)`,
        () => 'out of memory',
      );
      const r = runs[0]!;
      console.log(
        `${mode.padEnd(20)} ${String(r.pods).padStart(5)} ${String(r.requests).padStart(9)} ${ms.toFixed(0).padStart(17)} ${rss.toFixed(1).padStart(18)} ${before.toFixed(1).padStart(18)} ${retained.toFixed(1).padStart(21)}  ${limited}`,
      );
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one child asynchronously (the fake server in this process must keep answering). */
function runChild(
  mode: Mode,
  configFile: string,
  pageSize: number,
  heapLimitMb?: number,
): Promise<ChildResult> {
  const flags = ['--expose-gc', ...(heapLimitMb ? [`--max-old-space-size=${heapLimitMb}`] : [])];
  return new Promise<ChildResult>((resolve, reject) => {
    execFile(
      process.execPath,
      [...flags, new URL(import.meta.url).pathname, '--child', mode, configFile, String(pageSize)],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${mode} child failed: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout) as ChildResult);
      },
    );
  });
}

if (process.argv[2] === '--child') {
  const [, , , mode, configFile, pageSize] = process.argv;
  const { readFileSync } = await import('node:fs');
  const result = await child(mode as Mode, readFileSync(configFile!, 'utf8'), Number(pageSize), configFile!);
  process.stdout.write(JSON.stringify(result));
} else {
  await parent();
}
