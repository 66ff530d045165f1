/**
 * Tiny raw HTTP fakes on 127.0.0.1 for registry client behaviour that a real registry will not produce on
 * demand (resets, hangs, portals, odd HEAD handling). Each request is recorded with its headers.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';
import type { ImageReference } from '../../src/image/types.js';

export interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: Seen, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface Fake {
  host: string;
  url: string;
  port: number;
  seen: Seen[];
  handler: Handler;
  close(): Promise<void>;
}

/** Starts a plain-HTTP fake whose `handler` can be swapped per test. */
export async function startFake(handler: Handler): Promise<Fake> {
  const sockets = new Set<Socket>();
  const seen: Seen[] = [];
  const fake: Fake = { host: '', url: '', port: 0, seen, handler, close: async () => undefined };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s: Seen = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    seen.push(s);
    try {
      await fake.handler(s, res, req);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  fake.port = port;
  fake.host = `127.0.0.1:${port}`;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return fake;
}

/** Sends a JSON answer. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Sends a manifest (body on GET, headers only on HEAD), with or without the digest header. */
export function manifest(
  req: Seen,
  res: ServerResponse,
  body: string,
  mediaType: string,
  opts: { digestHeader?: boolean } = {},
): void {
  const digest = sha256(body);
  const headers: Record<string, string | number> = {
    'content-type': mediaType,
    'content-length': Buffer.byteLength(body),
  };
  if (opts.digestHeader !== false) headers['docker-content-digest'] = digest;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function sha256(body: string | Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

export const manifestUnknown = { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] };
export const unauthorized = { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] };

/** Builds an ImageReference for a host/repo and tag or digest (what the image module would parse). */
export function ref(
  registry: string,
  repository: string,
  tag: string | null,
  digest: string | null = null,
): ImageReference {
  const normalized = `${registry}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { raw: normalized, registry, repository, tag, digest, normalized };
}

/** The key the image module's `checkKey` would produce. */
export function key(r: ImageReference): string {
  return r.digest
    ? `${r.registry}/${r.repository}@${r.digest}`
    : `${r.registry}/${r.repository}:${r.tag ?? 'latest'}`;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** A minimal OCI image manifest body, as the fakes serve it. */
export const MANIFEST_BODY = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: `sha256:${'c'.repeat(64)}`,
    size: 2,
  },
  layers: [],
});

/** Returns a `fake(handler)` starter whose servers are all closed after each test of the calling file. */
export function useFakes(): (handler: Handler) => Promise<Fake> {
  const fakes: Fake[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });
  return async (handler) => {
    const f = await startFake(handler);
    fakes.push(f);
    return f;
  };
}
