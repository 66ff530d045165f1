/**
 * A fault-injecting HTTP front for a real registry, on 127.0.0.1. Requests pass through to the upstream
 * unless a rule matches (method + path regex, for a bounded number of times): then it answers 429 with
 * `Retry-After`, 503 N times, resets the connection, hangs, serves an HTML captive-portal page, redirects
 * to another origin, or delays. Every request is recorded with its headers and what happened to it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Agent, type Dispatcher, request } from 'undici';

/** What a matching rule does. */
export type FaultAction =
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { type: 'rate-limit'; retryAfter?: string; status?: number }
  | { type: 'reset' }
  | { type: 'hang' }
  | { type: 'html'; status?: number; body?: string }
  | { type: 'redirect'; location: string; status?: number }
  | { type: 'delay'; ms: number }
  /** Pass through but rewrite the upstream answer's status/headers (e.g. drop Docker-Content-Digest). */
  | { type: 'rewrite'; status?: number; dropHeaders?: string[]; setHeaders?: Record<string, string> };

/** A fault rule. Rules are tried in order; the first matching one with remaining uses applies. */
export interface FaultRule {
  /** Tested against the path with query (`/v2/x/manifests/v1`). */
  path: RegExp;
  /** Method to match (default any). */
  method?: string;
  /** How many requests it applies to (default unlimited). Decremented on use. */
  times?: number;
  action: FaultAction;
}

/** A request seen by the proxy. */
export interface ProxiedRequest {
  method: string;
  /** Path with query. */
  path: string;
  headers: IncomingMessage['headers'];
  /** The action type applied, or `pass`. */
  outcome: string;
  /** Status sent to the client (0 for reset/hang). */
  status: number;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`). */
  url: string;
  /** `127.0.0.1:PORT` (use in image references). */
  host: string;
  port: number;
  requests: ProxiedRequest[];
  addRule(rule: FaultRule): void;
  /** Replace all rules. */
  setRules(rules: FaultRule[]): void;
  stop(): Promise<void>;
}

const CAPTIVE_PORTAL = `<!DOCTYPE html>
<html><head><title>Sign in to the network</title></head>
<body><h1>Welcome to Guest Wi-Fi</h1><form action="/login"><input name="code"><button>Connect</button></form></body></html>
`;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

/**
 * Start a fault proxy in front of `upstream` (e.g. a RegistryHandle's `url`; pass its `dispatcher` for HTTPS).
 * `rewriteHost` (default true) replaces the upstream host in `Location` headers with the proxy's own.
 */
export async function startFaultProxy(options: {
  upstream: string;
  dispatcher?: Dispatcher;
  rules?: FaultRule[];
  rewriteHost?: boolean;
  /** Serve HTTPS with this certificate (e.g. `generateServerCert` output signed by a registry's CA). */
  tls?: { certPem: string; keyPem: string };
}): Promise<FaultProxy> {
  let rules: FaultRule[] = [...(options.rules ?? [])];
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const upstream = new URL(options.upstream);
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 5000 });
  const ownDispatcher = !options.dispatcher;
  let selfUrl = '';

  const pick = (method: string, path: string): FaultRule | undefined => {
    for (const r of rules) {
      if (r.method && r.method.toUpperCase() !== method) continue;
      if (r.times !== undefined && r.times <= 0) continue;
      if (!r.path.test(path)) continue;
      if (r.times !== undefined) r.times--;
      return r;
    }
    return undefined;
  };

  const pass = async (
    req: IncomingMessage,
    res: ServerResponse,
    record: ProxiedRequest,
    rewrite?: Extract<FaultAction, { type: 'rewrite' }>,
  ): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    }
    const method = (req.method ?? 'GET') as Dispatcher.HttpMethod;
    const up = await request(new URL(record.path, upstream), {
      method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      dispatcher,
    });
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(up.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      if (k === 'location' && options.rewriteHost !== false && typeof v === 'string') {
        out[k] = v.replace(upstream.origin, selfUrl);
      } else out[k] = v;
    }
    let status = up.statusCode;
    if (rewrite) {
      for (const h of rewrite.dropHeaders ?? []) delete out[h.toLowerCase()];
      for (const [k, v] of Object.entries(rewrite.setHeaders ?? {})) out[k.toLowerCase()] = v;
      status = rewrite.status ?? status;
    }
    record.status = status;
    res.writeHead(status, out);
    if (method === 'HEAD') {
      await up.body.dump();
      res.end();
      return;
    }
    for await (const chunk of up.body) res.write(chunk);
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const record: ProxiedRequest = { method, path, headers: req.headers, outcome: 'pass', status: 0 };
    requests.push(record);
    const rule = pick(method, path);
    const action = rule?.action;
    if (!action) return pass(req, res, record);
    record.outcome = action.type;
    const answer = (status: number, headers: Record<string, string>, body: string) => {
      record.status = status;
      res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(method === 'HEAD' ? undefined : body);
    };
    switch (action.type) {
      case 'status':
        return answer(action.status, action.headers ?? {}, action.body ?? '');
      case 'rate-limit':
        return answer(
          action.status ?? 429,
          { 'retry-after': action.retryAfter ?? '1', 'content-type': 'application/json' },
          JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'too many requests' }] }),
        );
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'hang':
        return; // keep the socket open; stop() destroys it
      case 'html':
        return answer(
          action.status ?? 200,
          { 'content-type': 'text/html; charset=utf-8' },
          action.body ?? CAPTIVE_PORTAL,
        );
      case 'redirect':
        return answer(action.status ?? 307, { location: action.location }, '');
      case 'delay':
        await new Promise((r) => setTimeout(r, action.ms));
        return pass(req, res, record);
      case 'rewrite':
        return pass(req, res, record, action);
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, listener)
    : createServer(listener);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  selfUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url: selfUrl,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    addRule(rule) {
      rules.push(rule);
    },
    setRules(next) {
      rules = [...next];
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDispatcher) await (dispatcher as Agent).close().catch(() => undefined);
    },
  };
}
