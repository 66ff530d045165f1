/**
 * Issue 9, registry side: hostile or dead registries cost bounded time, and the false-`absent` edge cases.
 * Misbehaving servers are small local fakes on 127.0.0.1 (raw sockets where HTTP servers cannot misbehave
 * enough); a real `docker-registry` answers where a registry is needed. Time bounds are generous (they
 * cannot flake on a loaded machine) yet far below what the unbounded behaviour took.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkImages, type RegistryCheckOptions } from '../../src/registry/check.js';
import type { RegistryCheck } from '../../src/registry/types.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { pushOciManifest } from '../helpers/images.js';
import { freePort, type RegistryHandle, startRegistry } from '../helpers/registry.js';
import { json, key, manifestUnknown, ref, useFakes } from './fakes.js';

const fake = useFakes();

/** Raw TCP servers of this file, closed after each test. */
const rawServers: { server: Server; sockets: Set<Socket> }[] = [];
afterEach(async () => {
  await Promise.all(
    rawServers.splice(0).map(
      ({ server, sockets }) =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A raw TCP server on 127.0.0.1 that runs `onRequest` once per connection after the first bytes. */
async function rawServer(onRequest: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => onRequest(socket));
  });
  rawServers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `127.0.0.1:${address.port}`;
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function drip(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(text[i % text.length] as string);
    i++;
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

async function checkAll(
  refs: ReturnType<typeof ref>[],
  options: Partial<RegistryCheckOptions> = {},
): Promise<{ results: RegistryCheck[]; ms: number }> {
  const start = performance.now();
  const all = await checkImages(
    refs.map((r) => ({ key: key(r), ref: r })),
    { credentials: async () => [], ...options },
  );
  return { results: refs.map((r) => all.get(key(r)) as RegistryCheck), ms: performance.now() - start };
}

describe('one deadline per request', () => {
  it('a registry dripping its headers is cut at --timeout 1 --retries 0', async () => {
    const host = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nx-drip: ');
      drip(s, 'a', 50);
    });
    const { results, ms } = await checkAll([ref(host, 'app', 'v1')], {
      timeoutMs: 1000,
      retries: 0,
      plainHttpRegistries: [host],
    });
    expect(results[0]).toMatchObject({ status: 'registry_unavailable' });
    expect(results[0]?.message).toMatch(/did not answer after 1000 ms/);
    expect(ms).toBeLessThan(10_000);
  });

  it('a registry dripping its body is cut at its deadline, with retries bounded too', async () => {
    const host = await rawServer((s) => {
      // HEAD and GET alike: headers at once, then a body that never ends, one byte at a time.
      s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      drip(s, '1\r\n{\r\n', 30);
    });
    const once = await checkAll([ref(host, 'app', 'v1')], {
      timeoutMs: 1000,
      retries: 0,
      plainHttpRegistries: [host],
    });
    expect(once.results[0]?.status).toBe('registry_unavailable');
    expect(once.results[0]?.message).toMatch(/did not answer after 1000 ms/);
    expect(once.ms).toBeLessThan(10_000);
    const retried = await checkAll([ref(host, 'app', 'v1')], {
      timeoutMs: 1000,
      retries: 2,
      backoffBaseMs: 10,
      plainHttpRegistries: [host],
    });
    expect(retried.results[0]?.status).toBe('registry_unavailable');
    expect(retried.ms).toBeLessThan(20_000);
  });
});

describe('dead hosts', () => {
  it('96 closed ports and 32 black holes with 2 images each: about one timeout in all, none absent', async () => {
    const closed: string[] = [];
    for (let i = 0; i < 96; i++) closed.push(`127.0.0.1:${await freePort()}`);
    const silent: string[] = [];
    for (let i = 0; i < 32; i++) silent.push(await rawServer(() => undefined));
    const hosts = [...closed, ...silent];
    const refs = hosts.flatMap((h) => [ref(h, 'app', 'v1'), ref(h, 'app', 'v2')]);
    const { results, ms } = await checkAll(refs, {
      timeoutMs: 2000,
      plainHttpRegistries: hosts,
      backoffBaseMs: 100,
    });
    expect(results.map((r) => r.status)).toEqual(Array(refs.length).fill('registry_unavailable'));
    // Serially with the default retries this is 32 × 2 × 4 timeouts; in parallel, one per host wave.
    expect(ms).toBeLessThan(15_000);
    const second = results.filter((_, i) => i % 2 === 1 && i >= 2 * 96);
    for (const r of second)
      expect(r.message).toMatch(/was not checked: .* could not be reached by an earlier check/);
  });
});

describe('Retry-After past the cap', () => {
  let reg: RegistryHandle;
  beforeAll(async () => {
    reg = await startRegistry();
    await pushOciManifest(reg, 'team/app', 'v1');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('ends the wait at once as rate_limited, saying when to run again', async () => {
    const proxy = await startFaultProxy({
      upstream: reg.url,
      rules: [{ path: /\/manifests\//, action: { type: 'rate-limit', retryAfter: '3600' } }],
    });
    try {
      const refs = [ref(proxy.host, 'team/app', 'v1'), ref(proxy.host, 'team/app', 'v2')];
      const { results, ms } = await checkAll(refs, { plainHttpRegistries: [proxy.host] });
      expect(results.map((r) => r.status)).toEqual(['rate_limited', 'rate_limited']);
      expect(results.map((r) => r.message).join('\n')).toMatch(
        /asked to wait 3600 s \(Retry-After\), longer than the 60 s this check waits; run again after \d{4}-\d\d-\d\dT/,
      );
      expect(proxy.requests.filter((r) => r.outcome === 'rate-limit')).toHaveLength(1);
      expect(ms).toBeLessThan(5000);
    } finally {
      await proxy.stop();
    }
  });

  it('max-duration turns what is left into registry_unavailable with a message, never absent', async () => {
    const hanging = await rawServer(() => undefined);
    const refs = [
      ref(reg.host, 'team/app', 'v1'),
      ...Array.from({ length: 6 }, (_, i) => ref(hanging, 'app', `v${i}`)),
    ];
    const { results, ms } = await checkAll(refs, {
      timeoutMs: 30_000,
      maxDurationMs: 2000,
      plainHttpRegistries: [reg.host, hanging],
    });
    expect(results[0]?.status).toBe('available');
    for (const r of results.slice(1)) {
      expect(r.status).toBe('registry_unavailable');
      expect(r.message).toMatch(
        new RegExp(
          `^${hanging.replace(/\./g, '\\.')}/app:v\\d was not checked at ${hanging.replace(/\./g, '\\.')}: max-duration of 2 s was reached before this check finished; raise max-duration \\(--max-duration, 0 = no limit\\)`,
        ),
      );
    }
    expect(ms).toBeLessThan(10_000);
  });

  it('a missing tag on the real registry is absent (the control for the cases below)', async () => {
    const { results } = await checkAll([ref(reg.host, 'team/app', 'nope')], {
      plainHttpRegistries: [reg.host],
    });
    expect(results[0]?.status).toBe('absent');
  });

  it('404 MANIFEST_UNKNOWN from another origin after a redirect is not absent', async () => {
    const other = await fake((req, res) =>
      req.path === '/v2/' ? json(res, 200, {}) : json(res, 404, manifestUnknown),
    );
    const proxy = await startFaultProxy({
      upstream: reg.url,
      rules: [
        { path: /\/manifests\//, action: { type: 'redirect', location: `${other.url}/v2/x/manifests/v1` } },
      ],
    });
    try {
      const { results } = await checkAll([ref(proxy.host, 'team/app', 'v1')], {
        plainHttpRegistries: [proxy.host, other.host],
      });
      expect(results[0]?.status).toBe('unknown_error');
      expect(results[0]?.message).toContain(
        `${proxy.host} redirected the check of ${proxy.host}/team/app:v1 to ${other.host}, which answered 404 MANIFEST_UNKNOWN`,
      );
    } finally {
      await proxy.stop();
    }
  });
});

describe('not a registry', () => {
  it('a host whose /v2/ answers 404 too: its 404 MANIFEST_UNKNOWN is not absent', async () => {
    const f = await fake((_req, res) => json(res, 404, manifestUnknown));
    const { results } = await checkAll([ref(f.host, 'app', 'v1')], { plainHttpRegistries: [f.host] });
    expect(results[0]?.status).toBe('registry_unavailable');
    expect(results[0]?.message).toMatch(/is not a registry: \/v2\/ does not answer like a registry/);
    expect(f.seen.some((s) => s.path === '/v2/')).toBe(true);
  });
});

describe("Alibaba Cloud's metadata address", () => {
  /** Every origin the checker opened a connection pool for (nothing may be opened to the metadata address). */
  function recordingDispatchers(): { origins: string[]; factory: RegistryCheckOptions['dispatcherFactory'] } {
    const origins: string[] = [];
    return {
      origins,
      factory: (origin, options) => {
        origins.push(origin);
        return new Pool(origin, options);
      },
    };
  }

  it('is refused as written, through DNS and through a redirect, without a connection', async () => {
    const d = recordingDispatchers();
    const lookup = ((
      _h: string,
      _o: unknown,
      cb: (e: null, a: { address: string; family: number }[]) => void,
    ) => cb(null, [{ address: '100.100.100.200', family: 4 }])) as unknown as RegistryCheckOptions['lookup'];
    const redirecting = await fake((_req, res) => {
      res.writeHead(307, { location: 'http://100.100.100.200/latest/meta-data/' });
      res.end();
    });
    const literal = await checkAll([ref('100.100.100.200', 'latest/meta-data', 'v1')], {
      dispatcherFactory: d.factory,
    });
    expect(literal.results[0]).toMatchObject({ status: 'skipped' });
    expect(literal.results[0]?.reason).toMatch(
      /^100\.100\.100\.200 is a link-local or cloud-metadata address/,
    );
    const viaDns = await checkAll([ref('metadata.example.test', 'app', 'v1')], {
      dispatcherFactory: d.factory,
      lookup,
      retries: 0,
    });
    expect(viaDns.results[0]?.status).toBe('skipped');
    expect(viaDns.results[0]?.reason).toMatch(
      /metadata\.example\.test \(100\.100\.100\.200\).*allow-link-local/,
    );
    const viaRedirect = await checkAll([ref(redirecting.host, 'app', 'v1')], {
      dispatcherFactory: d.factory,
      plainHttpRegistries: [redirecting.host],
    });
    expect(viaRedirect.results[0]?.status).toBe('skipped');
    expect(viaRedirect.results[0]?.reason).toMatch(/^100\.100\.100\.200 is a link-local or cloud-metadata/);
    expect(d.origins.filter((o) => o.includes('100.100.100.200'))).toEqual([]);
  });
});

describe('max-duration during a wait', () => {
  it('a Retry-After wait within the cap ends when max-duration passes', async () => {
    const f = await fake((_req, res) => json(res, 503, {}, { 'retry-after': '30' }));
    const { results, ms } = await checkAll([ref(f.host, 'app', 'v1')], {
      maxDurationMs: 1000,
      plainHttpRegistries: [f.host],
    });
    expect(results[0]?.status).toBe('registry_unavailable');
    expect(results[0]?.message).toMatch(/was not checked at .*: max-duration of 1 s was reached/);
    expect(f.seen).toHaveLength(1);
    expect(ms).toBeLessThan(10_000);
  });
});
