/**
 * The HTTP client's last line of defence: a request whose URL names a link-local / metadata address in any
 * spelling is refused before a dispatcher (and so a connection) exists for it.
 */
import type { Dispatcher, Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { checkKey as key, parseReference } from '../../src/image/reference.js';
import { checkImages } from '../../src/registry/check.js';
import { RegistryHttpClient, RegistryNetworkError } from '../../src/registry/client.js';

/** A dispatcher factory that records each origin and fails every request without touching the network. */
function recordingFactory(origins: string[]) {
  return (origin: string, _options: Pool.Options): Dispatcher => {
    origins.push(origin);
    return {
      request: async () => {
        throw Object.assign(new Error('no network in this test'), { code: 'ENETUNREACH' });
      },
      destroy: async () => undefined,
    } as unknown as Dispatcher;
  };
}

function client(origins: string[], allowLinkLocal = false): RegistryHttpClient {
  return new RegistryHttpClient({
    timeoutMs: 1000,
    retries: 2,
    retryAfterCapMs: 10,
    backoffBaseMs: 1,
    connections: 1,
    allowLinkLocal,
    random: () => 0,
    sleep: async () => undefined,
    now: () => 0,
    dispatcherFactory: recordingFactory(origins),
  });
}

const SPELLINGS = [
  'http://0251.0376.0251.0376:80/v2/',
  'http://2852039166:80/v2/',
  'http://0xa9fea9fe:80/v2/',
  'https://169.254.169.254/latest/meta-data',
  'http://[::ffff:a9fe:a9fe]/v2/',
  'http://[fd00:ec2::254]/v2/',
];

describe('RegistryHttpClient refuses link-local URLs', () => {
  it('in every spelling, without creating a dispatcher', async () => {
    const origins: string[] = [];
    const c = client(origins);
    for (const u of SPELLINGS) {
      const err = await c.request({ method: 'GET', url: new URL(u) }).catch((e: unknown) => e);
      expect(err, u).toBeInstanceOf(RegistryNetworkError);
      expect((err as RegistryNetworkError).refused, u).toBe(true);
      expect((err as RegistryNetworkError).message, u).toMatch(/link-local or cloud-metadata/);
    }
    await c.close();
    expect(origins).toEqual([]);
  });

  it('allowLinkLocal lets the request reach the dispatcher', async () => {
    const origins: string[] = [];
    const c = client(origins, true);
    await c
      .request({ method: 'GET', url: new URL('http://0xa9fea9fe/v2/'), retry: false })
      .catch(() => undefined);
    await c.close();
    expect(origins).toEqual(['http://169.254.169.254']);
  });
});

describe('checkImages with non-canonical metadata spellings', () => {
  it('skips each image naming allow-link-local, and never builds a dispatcher', async () => {
    const origins: string[] = [];
    const refs = [
      '0251.0376.0251.0376:80/x/y:1',
      '2852039166:80/x/y:1',
      '0xa9fea9fe:80/x/y:1',
      '[::ffff:a9fe:a9fe]/x/y:1',
    ].map((raw) => {
      const parsed = parseReference(raw);
      if (!parsed.ok) throw new Error(`${raw}: ${parsed.error}`);
      return parsed.ref;
    });
    const results = await checkImages(
      refs.map((r) => ({ key: key(r), ref: r })),
      { credentials: async () => [], retries: 0, dispatcherFactory: recordingFactory(origins) },
    );
    for (const r of refs) {
      const check = results.get(key(r));
      expect(check?.status, r.registry).toBe('skipped');
      expect(check?.reason, r.registry).toMatch(/allow-link-local/);
    }
    expect(origins).toEqual([]);
  });
});

describe('RegistryHttpClient and servers that send a body with a HEAD answer', () => {
  it('falls back to closing connections after each HEAD, and every request still succeeds', async () => {
    const { createServer } = await import('node:net');
    const body = '{"schemaVersion":2}';
    // A broken server: answers HEAD with Content-Length, then writes the body anyway 5 ms later.
    const server = createServer((socket) => {
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString('latin1');
        for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
          const head = buffered.slice(0, end);
          buffered = buffered.slice(end + 4);
          const method = head.split(' ')[0];
          socket.write(
            `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nDocker-Content-Digest: sha256:${'a'.repeat(64)}\r\n\r\n`,
          );
          if (method === 'HEAD') setTimeout(() => socket.writable && socket.write(body), 1);
          else socket.write(body);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // The race (a late HEAD body read as the next response) does not hit every round: three rounds on
    // fresh clients make the test fail reliably without the fallback.
    try {
      for (let round = 0; round < 3; round++) {
        const c = new RegistryHttpClient({
          timeoutMs: 2000,
          retries: 2,
          retryAfterCapMs: 10,
          backoffBaseMs: 1,
          connections: 4,
          allowLinkLocal: false,
          random: () => 0,
          sleep: async () => undefined,
          now: () => 0,
        });
        try {
          const results = await Promise.all(
            Array.from({ length: 16 }, (_, i) =>
              c.request({
                method: i % 2 ? 'GET' : 'HEAD',
                url: new URL(`http://127.0.0.1:${port}/v2/a/manifests/t${i}`),
              }),
            ),
          );
          expect(results.map((r) => r.status)).toEqual(Array(16).fill(200));
          expect(results.filter((_, i) => i % 2).map((r) => r.body.toString())).toEqual(Array(8).fill(body));
        } finally {
          await c.close();
        }
      }
    } finally {
      server.close();
    }
  });
});
