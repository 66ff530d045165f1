/**
 * Registry check throughput, side by side in one run against one local registry (issue 3):
 *   (a) `checkImages` over every ref (default settings: 32 overall, 8 per registry);
 *   (b) a sequential `skopeo inspect --raw` loop;
 *   (c) the same with `xargs -P 8`;
 *   (d) raw HEAD capacity: a tight loop of manifest HEADs over one undici keep-alive pool, 8 in flight
 *       (undici's defaults: a new connection per HEAD); (e) the same with connections kept across HEADs.
 * (a) lists the registry in plainHttpRegistries; a variant relying on the loopback https→http fallback
 * is timed as well. Targets: (a) ≥ 20x faster than (b), ≥ 3x faster than (c), and at least half of (d)'s rate.
 *
 * Run (as root on a machine with docker-registry and skopeo, see .ci/run):
 *   node_modules/.bin/node bench/registry.ts [--tags 500] [--repos 10] [--runs 5] [--concurrency 8]
 *                                            [--checker-concurrency N] [--skip-skopeo] [--diagnose]
 *   node_modules/.bin/node bench/registry.ts --rtt 50 [--tags 1000] [--repos 100] [--runs 3]
 *     the latency mode (bench/registry-rtt.ts): token auth behind a delay proxy, ratio to the
 *     latency-bound limit.
 * `--checker-concurrency` sets the checker's perRegistryConcurrency (default: the checker's default, 8).
 * Node 24 strips the types itself (add --experimental-transform-types if a source file ever uses
 * TS-only syntax such as parameter properties); a resolve hook below maps the sources' `.js` imports to `.ts`.
 * `--diagnose` also prints which requests the checker sent (through a pass-through proxy).
 * Besides wall time, every row shows the CPU burnt per ref by the client (this process and its children)
 * and by the registry: on a shared machine wall times swing with load, CPU per ref does not. The last
 * line turns that into an idle-machine estimate of the speed-up over sequential skopeo.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import type * as ReferenceModule from '../src/image/reference.js';
import type * as CheckModule from '../src/registry/check.js';
import type * as DelayModule from '../test/helpers/delay-proxy.js';
import type * as FaultProxyModule from '../test/helpers/fault-proxy.js';
import type * as ImagesModule from '../test/helpers/images.js';
import type * as RegistryModule from '../test/helpers/registry.js';
import type * as RttModule from './registry-rtt.js';

// Node's type stripping does not rewrite `./x.js` to `./x.ts`: do it for files that exist as .ts.
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
      const ts = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(ts))) return nextResolve(ts.href, context);
    }
    return nextResolve(specifier, context);
  },
});
const load = async <T>(path: string): Promise<T> => (await import(new URL(path, import.meta.url).href)) as T;
const { checkKey, parseReference } = await load<typeof ReferenceModule>('../src/image/reference.ts');
const { checkImages } = await load<typeof CheckModule>('../src/registry/check.ts');
const { pushOciManifest, MediaTypes } = await load<typeof ImagesModule>('../test/helpers/images.ts');
const { startRegistry } = await load<typeof RegistryModule>('../test/helpers/registry.ts');
const { startFaultProxy } = await load<typeof FaultProxyModule>('../test/helpers/fault-proxy.ts');

const { values: args } = parseArgs({
  options: {
    tags: { type: 'string' },
    repos: { type: 'string' },
    runs: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'checker-concurrency': { type: 'string' },
    'skip-skopeo': { type: 'boolean', default: false },
    diagnose: { type: 'boolean', default: false },
    rtt: { type: 'string' },
  },
});
const TAGS = Number(args.tags ?? (args.rtt === undefined ? 500 : 1000));
const REPOS = Number(args.repos ?? (args.rtt === undefined ? 10 : 100));
const RUNS = Number(args.runs ?? (args.rtt === undefined ? 5 : 3));
const PAR = Number(args.concurrency);
const CHECKER_PAR =
  args['checker-concurrency'] === undefined ? undefined : Number(args['checker-concurrency']);

const ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerList,
  MediaTypes.dockerManifest,
].join(', ');

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Wall time and CPU time (this process and its children; the registry process) of one measurement. */
interface Sample {
  ms: number;
  clientCpuMs: number;
  registryCpuMs: number;
}

const medianSample = (xs: Sample[]): Sample =>
  [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)]!;

function sh(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', script], { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${script.slice(0, 80)}… failed: ${stderr.slice(0, 500)}`));
      else resolve(stdout);
    });
  });
}

if (args.rtt !== undefined) {
  const { runRttBench } = await load<typeof RttModule>('./registry-rtt.ts');
  await runRttBench(
    {
      reference: { checkKey, parseReference } as typeof ReferenceModule,
      check: { checkImages } as typeof CheckModule,
      delay: await load<typeof DelayModule>('../test/helpers/delay-proxy.ts'),
      images: await load<typeof ImagesModule>('../test/helpers/images.ts'),
      registry: await load<typeof RegistryModule>('../test/helpers/registry.ts'),
    },
    {
      rttMs: Number(args.rtt),
      tags: TAGS,
      repos: REPOS,
      runs: RUNS,
      ...(CHECKER_PAR === undefined ? {} : { perRegistry: CHECKER_PAR }),
    },
  );
} else await throughputBench();

async function throughputBench(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'kic-bench-'));
  const reg = await startRegistry();
  try {
    console.log(
      `registry ${reg.url}; ${TAGS} tags in ${REPOS} repositories; ${cpus().length} CPUs, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );

    // Push: distinct manifests (an annotation per tag) over the same two blobs.
    const refs = Array.from({ length: TAGS }, (_, i) => ({ repo: `bench/app${i % REPOS}`, tag: `v${i}` }));
    const t0 = performance.now();
    await pool(refs, 8, async (r) => {
      await pushOciManifest(reg, r.repo, r.tag, {}, { annotations: { 'bench.index': r.tag } });
    });
    console.log(`pushed ${TAGS} manifests in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const full = refs.map((r) => `${reg.host}/${r.repo}:${r.tag}`);
    const targets = full.map((raw) => {
      const parsed = parseReference(raw);
      if (!parsed.ok) throw new Error(`bench ref ${raw}: ${parsed.error}`);
      return { key: checkKey(parsed.ref), ref: parsed.ref };
    });

    // Every measurement records wall time and the CPU burnt by this process, its children (skopeo) and
    // the registry: on a shared machine the wall time swings with load, the CPU per ref does not.
    const ticks = (pid: number | 'self'): number[] => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat
        .slice(stat.lastIndexOf(')') + 2)
        .split(' ')
        .slice(11, 15)
        .map(Number); // utime stime cutime cstime
    };
    const measure = async (fn: () => Promise<void>): Promise<Sample> => {
      const self = ticks('self');
      const registry = ticks(reg.pid);
      const start = performance.now();
      await fn();
      const ms = performance.now() - start;
      const [u, s, cu, cs] = ticks('self').map((t, i) => t - self[i]!) as [number, number, number, number];
      const [ru, rs] = ticks(reg.pid).map((t, i) => t - registry[i]!) as [number, number];
      return { ms, clientCpuMs: (u + s + cu + cs) * 10, registryCpuMs: (ru + rs) * 10 };
    };

    // (d) raw HEAD capacity over one keep-alive pool with PAR connections.
    const headPool = new Pool(reg.url, { connections: PAR, keepAliveTimeout: 30_000 });
    const rawPass = (keepAlive = false) =>
      measure(() =>
        pool(refs, PAR, async (r) => {
          const res = await headPool.request({
            method: 'HEAD',
            path: `/v2/${r.repo}/manifests/${r.tag}`,
            headers: { accept: ACCEPT },
            ...(keepAlive ? { reset: false } : {}),
          });
          await res.body.dump();
          if (res.statusCode !== 200) throw new Error(`HEAD ${r.repo}:${r.tag} answered ${res.statusCode}`);
        }),
      );

    // (a) the checker with default limits. The registry is listed in plainHttpRegistries (steady state);
    // a variant relies on the loopback https→http fallback and counts refs that did not come out
    // `available` (the fallback must not misclassify concurrent first requests).
    const plainHttp = { plainHttpRegistries: [reg.host] };
    let fallbackBad = 0;
    const checkerPass = (extra: Partial<CheckModule.RegistryCheckOptions>) =>
      measure(async () => {
        const results = await checkImages(targets, {
          credentials: async () => [],
          ...(CHECKER_PAR === undefined ? {} : { perRegistryConcurrency: CHECKER_PAR }),
          ...extra,
        });
        if (results.size !== TAGS) throw new Error(`checker: ${results.size} results for ${TAGS} refs`);
        const bad = [...results.values()].filter((c) => c.status !== 'available');
        if (bad.length > 0 && extra === plainHttp)
          throw new Error(`checker: not available: ${JSON.stringify(bad[0])}`);
        fallbackBad += bad.length;
      });

    if (args.diagnose) {
      // Which requests the checker sends, seen by a pass-through proxy.
      const proxy = await startFaultProxy({ upstream: reg.url });
      const viaProxy = targets.map((t) => {
        const parsed = parseReference(t.ref.raw.replace(reg.host, proxy.host));
        if (!parsed.ok) throw new Error(parsed.error);
        return { key: checkKey(parsed.ref), ref: parsed.ref };
      });
      await checkImages(viaProxy, { credentials: async () => [], plainHttpRegistries: [proxy.host] });
      const kinds = new Map<string, number>();
      for (const r of proxy.requests) {
        const kind = `${r.method} ${r.path.replace(/\/v2\/.+\/manifests\/.*/, '/v2/<repo>/manifests/<ref>')}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      console.log(`checker requests for ${TAGS} refs:`, Object.fromEntries(kinds));
      await proxy.stop();
    }

    await rawPass(); // warm the registry's caches and the pool
    await checkerPass(plainHttp);
    const rawRuns: Sample[] = [];
    const checkerRuns: Sample[] = [];
    const fallbackRuns: Sample[] = [];
    const keepAliveRuns: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      checkerRuns.push(await checkerPass(plainHttp));
      rawRuns.push(await rawPass());
      fallbackRuns.push(await checkerPass({}));
      keepAliveRuns.push(await rawPass(true));
    }
    await headPool.close();

    // (b)/(c) skopeo, kept inside the work dir (skopeo writes its blob-info cache and temp files where --tmpdir, --policy and --registries.d say).
    let seq: Sample | undefined;
    let par: Sample | undefined;
    if (!args['skip-skopeo']) {
      await mkdir(join(work, 'registries.d'), { recursive: true });
      await mkdir(join(work, 'tmp'), { recursive: true });
      await writeFile(
        join(work, 'policy.json'),
        JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }),
      );
      await writeFile(join(work, 'auth.json'), '{"auths":{}}');
      await writeFile(join(work, 'registries.conf'), '');
      await writeFile(join(work, 'refs.txt'), `${full.join('\n')}\n`);
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: work,
        TMPDIR: join(work, 'tmp'),
        XDG_DATA_HOME: join(work, 'xdg-data'),
        _CONTAINERS_ROOTLESS_UID: '65534',
        REGISTRY_AUTH_FILE: join(work, 'auth.json'),
        CONTAINERS_REGISTRIES_CONF: join(work, 'registries.conf'),
      };
      const skopeo = `skopeo --policy ${work}/policy.json --registries.d ${work}/registries.d --tmpdir ${work}/tmp inspect --raw --tls-verify=false`;
      seq = await measure(async () => {
        const out = await sh(
          `n=0; while read -r ref; do ${skopeo} "docker://$ref" > /dev/null || exit 1; n=$((n+1)); done < ${work}/refs.txt; echo $n`,
          env,
        );
        if (Number(out.trim()) !== TAGS) throw new Error(`sequential skopeo inspected ${out.trim()} refs`);
      });
      par = await measure(async () => {
        const out = await sh(
          `xargs -P ${PAR} -I{} ${skopeo} docker://{} < ${work}/refs.txt | grep -o schemaVersion | wc -l`,
          env,
        );
        if (Number(out.trim()) !== TAGS) throw new Error(`parallel skopeo printed ${out.trim()} manifests`);
      });
    }

    const checker = medianSample(checkerRuns);
    const raw = medianSample(rawRuns);
    const row = (name: string, x: Sample | undefined) =>
      x === undefined
        ? `${name.padEnd(42)} ${'skipped'.padStart(9)}`
        : [
            name.padEnd(42),
            `${(x.ms / 1000).toFixed(3)}s`.padStart(9),
            `${((TAGS / x.ms) * 1000).toFixed(0)}/s`.padStart(8),
            `${(x.ms / checker.ms).toFixed(2)}x`.padStart(8),
            `${(x.clientCpuMs / TAGS).toFixed(2)}`.padStart(9),
            `${(x.registryCpuMs / TAGS).toFixed(2)}`.padStart(9),
          ].join(' ');
    console.log(
      `\n${'method'.padEnd(42)} ${'time'.padStart(9)} ${'refs/s'.padStart(8)} ${'vs (a)'.padStart(8)} ${'client'.padStart(9)} ${'registry'.padStart(9)}`,
    );
    console.log(`${''.padEnd(69)} CPU ms per ref`);
    console.log(
      row(
        `(a) checkImages${CHECKER_PAR === undefined ? '' : ` (${CHECKER_PAR}/registry)`}, median of ${RUNS}`,
        checker,
      ),
    );
    console.log(row('    checkImages, loopback https→http', medianSample(fallbackRuns)));
    console.log(row('(b) skopeo inspect, sequential', seq));
    console.log(row(`(c) skopeo inspect, xargs -P ${PAR}`, par));
    console.log(row(`(d) raw HEAD, ${PAR} in flight, median of ${RUNS}`, raw));
    console.log(row(`(e) raw HEAD, keep-alive, ${PAR} in flight`, medianSample(keepAliveRuns)));
    if (fallbackBad > 0) {
      console.log(
        `!! https→http fallback variant: ${fallbackBad} of ${RUNS * TAGS} checks were not "available"`,
      );
    }
    const ms = (xs: Sample[]) => xs.map((x) => x.ms.toFixed(0)).join(' ');
    console.log(
      `runs (ms): checker ${ms(checkerRuns)}; raw HEAD ${ms(rawRuns)}; fallback ${ms(fallbackRuns)}; keep-alive HEAD ${ms(keepAliveRuns)}`,
    );

    const verdict = (label: string, value: number | undefined, target: number) =>
      value === undefined
        ? `${label}: skipped`
        : `${label}: ${value.toFixed(2)} (target ≥ ${target}) ${value >= target ? 'PASS' : 'MISS'}`;
    console.log(`\n${verdict('speed-up vs sequential skopeo', seq && seq.ms / checker.ms, 20)}`);
    console.log(verdict(`speed-up vs skopeo xargs -P ${PAR}`, par && par.ms / checker.ms, 3));
    console.log(verdict('fraction of raw HEAD capacity', raw.ms / checker.ms, 0.5));
    const cpu = (x: Sample) => x.clientCpuMs + x.registryCpuMs;
    if (seq) {
      // Sequential skopeo is latency-bound (one process at a time), the checker is CPU-bound across all
      // cores: with the machine to itself the speed-up tends to cpu(skopeo) / (cpu(checker) / cores).
      const cores = cpus().length;
      console.log(
        `CPU per ref (client + registry): skopeo ${(cpu(seq) / TAGS).toFixed(2)} ms, checker ${(cpu(checker) / TAGS).toFixed(2)} ms; ` +
          `idle-machine estimate of the speed-up vs sequential skopeo on ${cores} cores: ${((cpu(seq) / cpu(checker)) * cores).toFixed(1)}x; ` +
          `raw HEAD vs sequential skopeo now: ${(seq.ms / raw.ms).toFixed(1)}x (the ceiling for any client under this load)`,
      );
    }
  } finally {
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}
