/** Shared pieces of the fake GitHub API: fixtures, error bodies and REST pagination in the real shapes. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FakeReply, RecordedRequest } from './fake-server.js';

const fixturesDir = fileURLToPath(new URL('../../fixtures/github/', import.meta.url));

/** A response body recorded from the REST docs (`fixtures/github/<name>`), parsed fresh each time. */
export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fixturesDir + name, 'utf8')) as Record<string, unknown>;

/** Wraps a route handler with the fake's cross-cutting behaviour (rate limit, read-only token, headers). */
export type Wrap = (
  docs: string,
  handler: (req: RecordedRequest) => FakeReply,
) => (req: RecordedRequest) => FakeReply;

export const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD';

export function error(
  status: number,
  message: string,
  documentationUrl: string,
  extra: object = {},
): FakeReply {
  return {
    status,
    body: { message, ...extra, documentation_url: documentationUrl, status: String(status) },
  };
}

export function validationFailed(documentationUrl: string, message: string): FakeReply {
  return error(422, `Invalid request.\n\n${message}`, documentationUrl);
}

/** Paginate like the REST API: `per_page` (default 30, max 100), `page` (1-based), RFC 8288 `Link` header. */
export function paginate<T>(
  req: RecordedRequest,
  baseUrl: string,
  items: T[],
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(req.query);
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${baseUrl}${req.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}
