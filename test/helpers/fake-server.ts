/**
 * A small recording HTTP(S) server for fakes of APIs that cannot run here (GitHub, Kubernetes).
 * Routes are matched by method and a path pattern (`/repos/:owner/:repo/check-runs`); every request is
 * recorded with its parsed body.
 *
 * Fails loudly by default: a request that matches no route is recorded in `unmatched` and answered
 * 501 with a body naming it, and `verify()` / `close()` throw an error listing every such request, so
 * the test (or the `afterEach`/`afterAll` that closes the fake) fails instead of the code under test
 * quietly treating a missing route as "not found". A fake started inside a test is also verified when
 * that test finishes (`onTestFinished`), closed or not. A suite that legitimately sends requests the fake
 * does not serve opts out with `allowUnmatched: true` (or `server.allowUnmatched()`), and says why.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
  params: Record<string, string>;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

export type RouteHandler = (req: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface Route {
  method: string;
  /** Path pattern with `:name` segments; a trailing `*` matches the rest. */
  path: string;
  handler: RouteHandler;
}

export interface FakeServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  unmatched: RecordedRequest[];
  /** Add routes; later routes win over earlier ones for the same pattern. */
  route(method: string, path: string, handler: RouteHandler): void;
  /** Opt out of failing on unmatched requests (they are still recorded and answered 501). */
  allowUnmatched(): void;
  /** Throws an error naming every unmatched request, unless the fake opted out. */
  verify(): void;
  /** Stops the server, then {@link FakeServer.verify}. */
  close(): Promise<void>;
}

/** Options of {@link startFakeServer}. */
export interface FakeServerOptions {
  routes?: Route[];
  tls?: HttpsOptions;
  /** Do not fail on requests no route serves (default false: they fail `verify()` and `close()`). */
  allowUnmatched?: boolean;
  /** Names the fake in error messages (`fake GitHub`, `fake Kubernetes`). */
  name?: string;
}

/** The error `verify()` throws: one line per unmatched request. */
export function unmatchedError(name: string, unmatched: RecordedRequest[]): Error {
  const lines = unmatched.map((r) => {
    const q = r.query.toString();
    return `  ${r.method} ${r.path}${q ? `?${q}` : ''}`;
  });
  return new Error(
    `${name} received ${unmatched.length} request(s) it has no route for (answered 501):\n${lines.join('\n')}\n` +
      'Add a route to the fake, or pass allowUnmatched: true if the test expects such requests.',
  );
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = path.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg === '*') {
      params['*'] = s.slice(i).join('/');
      return params;
    }
    const value = s[i];
    if (value === undefined) return null;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(value);
    else if (seg !== value) return null;
  }
  return p.length === s.length ? params : null;
}

/**
 * Inside a vitest test, verifies the fake when the test finishes, so a fake that is never closed (or closed
 * only in `afterAll`) still fails the test that sent the unexpected request. Outside a test (in `beforeAll`,
 * or in a benchmark) this does nothing and `close()` verifies. vitest is imported only under vitest.
 */
async function failTestOnUnmatched(verify: () => void): Promise<void> {
  if (!process.env.VITEST) return;
  const { onTestFinished } = await import('vitest');
  try {
    onTestFinished(verify);
  } catch {
    // Not inside a running test (a beforeAll hook): close() verifies.
  }
}

/** Start a fake on 127.0.0.1 with an ephemeral port; pass `tls` for HTTPS (and client-cert options). */
export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const routes: Route[] = [...(options.routes ?? [])];
  const name = options.name ?? 'fake server';
  let allowUnmatched = options.allowUnmatched === true;
  const requests: RecordedRequest[] = [];
  const unmatched: RecordedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown = rawBody;
    if (rawBody && /json/.test(String(req.headers['content-type'] ?? ''))) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const base: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      params: {},
    };
    for (let i = routes.length - 1; i >= 0; i--) {
      const r = routes[i]!;
      if (r.method !== base.method && r.method !== '*') continue;
      const params = matchPath(r.path, base.path);
      if (!params) continue;
      const recorded = { ...base, params };
      requests.push(recorded);
      let reply: FakeReply;
      try {
        reply = await r.handler(recorded);
      } catch (err) {
        reply = { status: 500, body: { message: String(err) } };
      }
      const headers: Record<string, string | string[]> = { ...(reply.headers ?? {}) };
      let payload = '';
      if (reply.body !== undefined) {
        if (typeof reply.body === 'string') payload = reply.body;
        else {
          payload = JSON.stringify(reply.body);
          if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
            headers['content-type'] = 'application/json; charset=utf-8';
        }
      }
      res.writeHead(reply.status ?? 200, headers);
      res.end(payload);
      return;
    }
    unmatched.push(base);
    requests.push(base);
    res.writeHead(501, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        message: `${name} has no route for ${base.method} ${base.path}; the test will fail`,
        method: base.method,
        path: base.path,
      }),
    );
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  };
  // Reported once: the per-test hook and close() may both verify the same fake.
  let reported = false;
  const verify = (): void => {
    if (allowUnmatched || reported || unmatched.length === 0) return;
    reported = true;
    throw unmatchedError(name, unmatched);
  };
  await failTestOnUnmatched(verify);
  const server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    unmatched,
    route(method, path, handler) {
      routes.push({ method, path, handler });
    },
    allowUnmatched() {
      allowUnmatched = true;
    },
    verify,
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
      verify();
    },
  };
}
