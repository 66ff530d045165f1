/**
 * `bench/registry.ts --rtt MS`: registry checks against real latency (issue 12). A real docker-registry
 * with token auth (test/helpers/token-server.ts) sits behind a delay proxy on 127.0.0.1 that adds MS/2 in
 * each direction (MS per round trip), and so does its token server. The checker (default limits) checks
 * `--tags` references (default 1,000) in `--repos` repositories (default 100) with a reader account.
 *
 * The latency-bound limit: every registry request costs one round trip, `perRegistryConcurrency` of them
 * at once, plus one token round trip per repository:
 *   limit = registryRequests × RTT / concurrency + repositories × RTT.
 * The ratio measured / limit is printed; below 1 means tokens were shared across repositories (several
 * `scope` parameters per token request) or overlapped with manifest requests.
 */
import { Pool } from 'undici';
import type * as ReferenceModule from '../src/image/reference.js';
import type * as CheckModule from '../src/registry/check.js';
import type * as DelayModule from '../test/helpers/delay-proxy.js';
import type * as ImagesModule from '../test/helpers/images.js';
import type * as RegistryModule from '../test/helpers/registry.js';

/** Modules loaded by bench/registry.ts (through its `.js` → `.ts` resolve hook). */
export interface RttModules {
  reference: typeof ReferenceModule;
  check: typeof CheckModule;
  delay: typeof DelayModule;
  images: typeof ImagesModule;
  registry: typeof RegistryModule;
}

/** Settings of one latency benchmark. */
export interface RttOptions {
  rttMs: number;
  tags: number;
  repos: number;
  runs: number;
  /** The checker's perRegistryConcurrency; undefined = its default. */
  perRegistry?: number;
}

interface RunResult {
  ms: number;
  registryRequests: number;
  tokenRequests: number;
  connections: number;
}

const median = (xs: RunResult[]): RunResult =>
  [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)]!;

async function push(
  m: RttModules,
  reg: RegistryModule.RegistryHandle,
  refs: { repo: string; tag: string }[],
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < refs.length) {
        const r = refs[next++]!;
        await m.images.pushOciManifest(reg, r.repo, r.tag, {}, { annotations: { 'bench.index': r.tag } });
      }
    }),
  );
}

/** Runs the benchmark and prints its rows; throws when a check is not `available`. */
export async function runRttBench(m: RttModules, o: RttOptions): Promise<void> {
  const oneWayMs = o.rttMs / 2;
  let tokenProxy: DelayModule.DelayProxy | undefined;
  const reg = await m.registry.startRegistry({
    auth: 'token',
    users: { reader: 'reader-bench-pass' },
    tokenAcl: { users: { reader: ['*'] } },
    tokenRealm: async (own) => {
      tokenProxy = await m.delay.startDelayProxy({ upstream: new URL(own).host, oneWayMs });
      return `http://${tokenProxy.host}/token`;
    },
  });
  const regProxy = await m.delay.startDelayProxy({ upstream: reg.host, oneWayMs });
  try {
    const refs = Array.from({ length: o.tags }, (_, i) => ({
      repo: `bench/app${i % o.repos}`,
      tag: `v${i}`,
    }));
    const t0 = performance.now();
    await push(m, reg, refs);
    console.log(
      `pushed ${o.tags} manifests in ${o.repos} repositories in ${((performance.now() - t0) / 1000).toFixed(1)} s; RTT ${o.rttMs} ms (${oneWayMs} ms each way) in front of the registry and its token server`,
    );
    const targets = refs.map((r) => {
      const parsed = m.reference.parseReference(`${regProxy.host}/${r.repo}:${r.tag}`);
      if (!parsed.ok) throw new Error(parsed.error);
      return { key: m.reference.checkKey(parsed.ref), ref: parsed.ref };
    });
    const runs: RunResult[] = [];
    for (let i = 0; i < o.runs; i++) runs.push(await oneRun(m, o, targets, regProxy, tokenProxy!));
    report(o, runs);
  } finally {
    await regProxy.stop();
    await tokenProxy?.stop();
    await reg.stop();
  }
}

async function oneRun(
  m: RttModules,
  o: RttOptions,
  targets: CheckModule.CheckTarget[],
  regProxy: DelayModule.DelayProxy,
  tokenProxy: DelayModule.DelayProxy,
): Promise<RunResult> {
  const counts = new Map<string, number>();
  const connectionsBefore = regProxy.connections + tokenProxy.connections;
  const start = performance.now();
  const results = await m.check.checkImages(targets, {
    credentials: async () => [{ username: 'reader', password: 'reader-bench-pass', source: 'bench' }],
    plainHttpRegistries: [regProxy.host],
    ...(o.perRegistry === undefined ? {} : { perRegistryConcurrency: o.perRegistry }),
    dispatcherFactory: (origin, options) =>
      new Pool(origin, options).compose((dispatch) => (opts, handler) => {
        counts.set(origin, (counts.get(origin) ?? 0) + 1);
        return dispatch(opts, handler);
      }),
  });
  const ms = performance.now() - start;
  const bad = [...results.values()].filter((c) => c.status !== 'available');
  if (bad.length > 0) throw new Error(`${bad.length} checks not available, e.g. ${JSON.stringify(bad[0])}`);
  return {
    ms,
    registryRequests: counts.get(`http://${regProxy.host}`) ?? 0,
    tokenRequests: counts.get(`http://${tokenProxy.host}`) ?? 0,
    connections: regProxy.connections + tokenProxy.connections - connectionsBefore,
  };
}

function report(o: RttOptions, runs: RunResult[]): void {
  const concurrency = o.perRegistry ?? 8;
  const r = median(runs);
  const limitMs = (r.registryRequests * o.rttMs) / concurrency + o.repos * o.rttMs;
  console.log(
    `runs (ms): ${runs.map((x) => x.ms.toFixed(0)).join(' ')}; median ${r.ms.toFixed(0)} ms for ${o.tags} refs`,
  );
  console.log(
    `requests: ${r.registryRequests} registry, ${r.tokenRequests} token (${o.repos} repositories); ${r.connections} TCP connections`,
  );
  console.log(
    `latency-bound limit = ${r.registryRequests} × ${o.rttMs} ms / ${concurrency} + ${o.repos} × ${o.rttMs} ms = ${limitMs.toFixed(0)} ms`,
  );
  console.log(`ratio measured / limit: ${(r.ms / limitMs).toFixed(2)}`);
  const bareMs = (r.registryRequests * o.rttMs) / concurrency;
  console.log(
    `ratio to the bare manifest-request bound (${bareMs.toFixed(0)} ms, no token round trips at all): ${(r.ms / bareMs).toFixed(2)}`,
  );
}
