/**
 * A TCP proxy on 127.0.0.1 that delays every chunk by a fixed one-way latency in each direction, keeping
 * byte order: a loopback stand-in for a registry far away (bench/registry.ts --rtt). A new connection pays
 * one round trip before its first byte is forwarded, as a TCP handshake would.
 */
import { connect, createServer, type Socket } from 'node:net';

/** A running delay proxy. */
export interface DelayProxy {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Connections accepted so far. */
  connections: number;
  stop(): Promise<void>;
}

/** Forwards `from` to `to`, each chunk `delayMs` after it arrived (and never before the previous one). */
function pipeDelayed(from: Socket, to: Socket, delayMs: number, startAt: number): void {
  let last = startAt;
  from.on('data', (chunk: Buffer) => {
    const at = Math.max(performance.now() + delayMs, last);
    last = at;
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, at - performance.now());
  });
  from.on('end', () => {
    setTimeout(() => to.end(), Math.max(0, last - performance.now()));
  });
}

/** Starts a delay proxy to `upstream` (`host:port`) with `oneWayMs` of latency per direction. */
export async function startDelayProxy(options: { upstream: string; oneWayMs: number }): Promise<DelayProxy> {
  const [upHost, upPort] = options.upstream.split(':') as [string, string];
  const sockets = new Set<Socket>();
  const proxy: DelayProxy = { host: '', connections: 0, stop: async () => undefined };
  const server = createServer((client) => {
    proxy.connections++;
    const upstream = connect(Number(upPort), upHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // The handshake: nothing is forwarded before one round trip has passed.
    const ready = performance.now() + 2 * options.oneWayMs;
    pipeDelayed(client, upstream, options.oneWayMs, ready);
    pipeDelayed(upstream, client, options.oneWayMs, ready);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('delay proxy: no port');
  proxy.host = `127.0.0.1:${address.port}`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
