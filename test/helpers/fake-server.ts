/**
 * A small recording HTTP(S) server for fakes of APIs that cannot run here (GitHub, Kubernetes).
 * Routes are matched by method and a path pattern (`/repos/:owner/:repo/check-runs`); every request is
 * recorded with its parsed body. A request that matches no route is answered 404 and recorded in
 * `unmatched`, so a test can assert that nothing unexpected was asked.
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
  close(): Promise<void>;
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

/** Start a fake on 127.0.0.1 with an ephemeral port; pass `tls` for HTTPS (and client-cert options). */
export async function startFakeServer(
  options: { routes?: Route[]; tls?: HttpsOptions } = {},
): Promise<FakeServer> {
  const routes: Route[] = [...(options.routes ?? [])];
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
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Not Found (no fake route)', path: base.path }));
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  };
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
