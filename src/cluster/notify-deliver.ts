/**
 * Notices, the I/O half: POST each event to every `notify-urls` endpoint.
 *
 * - Per endpoint the events go in order, one at a time; endpoints are served in parallel (bounded), so a
 *   slow or failing endpoint never holds up the others, and never fails the run (a warning instead).
 * - Retries with exponential backoff on 5xx, 429 and network errors (a `Retry-After` is honoured up to a
 *   cap); a 4xx is the endpoint saying no, and is not retried. After an endpoint gave up, its remaining
 *   events are not tried (bounded time), and the warning says how many it missed.
 * - Messages name the host only: a webhook URL's path, query and userinfo are its credentials (Slack's
 *   `/services/T…/B…/secret`), so they are masked (`notifySecretParts`) and never printed. Userinfo is sent as
 *   Basic auth to that host only; redirects are not followed (they would carry the body elsewhere).
 * - Link-local and cloud-metadata addresses are refused (`isRefusedAddress`, also for what a name resolves
 *   to), unless `allow-link-local` is on.
 */
import { lookup as dnsLookup } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';
import type { NotifyFormat } from '../config/schema.js';
import type { EngineLogger } from '../engine/scan.js';
import { guardedLookup } from '../registry/client.js';
import { isRefusedAddress } from '../registry/policy.js';
import { VERSION } from '../version.js';
import type { NotifyEvent } from './notify-events.js';
import { noticeBody } from './notify-format.js';

/** Defaults of one delivery. */
export const NOTIFY_DEFAULTS = {
  timeoutMs: 10_000,
  retries: 3,
  backoffMs: 1000,
  /** The longest `Retry-After` waited for; a longer one gives up on the endpoint for this run. */
  maxRetryAfterMs: 30_000,
  /** Endpoints served at once. */
  concurrency: 4,
  /**
   * Time one endpoint may take per run, in ms: a burst (a base image bump releases every workload at once)
   * against a rate-limited endpoint (Slack: about one message a second) must not hold the run for minutes.
   */
  budgetMs: 120_000,
} as const;

/** Options of {@link deliverNotices}. */
export interface DeliverOptions {
  urls: readonly string[];
  format: NotifyFormat;
  logger: EngineLogger;
  allowLinkLocal?: boolean;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  maxRetryAfterMs?: number;
  concurrency?: number;
  budgetMs?: number;
  /** Sleep between attempts (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** DNS lookup (tests); default `dns.lookup`, guarded against link-local answers. */
  lookup?: typeof dnsLookup;
}

/** What one endpoint got. */
export interface EndpointResult {
  /** `host[:port]` of the endpoint, or `notify-urls entry N` when it is not a URL. */
  host: string;
  sent: number;
  failed: number;
  error?: string;
}

/** One parsed endpoint: where to POST (no userinfo) and the Basic auth it carried. */
interface Endpoint {
  host: string;
  url: URL;
  authorization?: string;
}

/**
 * Returns the parts of a notify URL that are secret, for masking: the whole URL, its path and query, each
 * query value, and the userinfo. Hosts are not secret (messages name them).
 */
export function notifySecretParts(raw: string): string[] {
  const parts = [raw.trim()];
  try {
    const u = new URL(raw.trim());
    if (u.username) parts.push(u.username, decodeURIComponent(u.username));
    if (u.password) parts.push(u.password, decodeURIComponent(u.password));
    if (u.pathname.length > 1) parts.push(`${u.pathname}${u.search}`, u.pathname);
    if (u.search) parts.push(u.search);
    for (const value of u.searchParams.values()) if (value.length >= 4) parts.push(value);
    // Path segments that look like tokens (long, or mixing letters and digits), e.g. Slack's three ids.
    for (const seg of u.pathname.split('/'))
      if (seg.length >= 16 || (seg.length >= 8 && /\d/.test(seg) && /[a-z]/i.test(seg))) parts.push(seg);
  } catch {
    // Not a URL: the whole value is masked.
  }
  return [...new Set(parts.filter((p) => p.length >= 4))];
}

/** Parses one endpoint, or returns why it is skipped (naming the entry, never its text). */
export function parseEndpoint(
  raw: string,
  index: number,
  allowLinkLocal: boolean,
): Endpoint | { host: string; error: string } {
  const entry = `notify-urls entry ${index + 1}`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { host: entry, error: `${entry} is not a URL; write it as https://host/path.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { host: entry, error: `${entry} is not an http(s) URL; only http and https are posted to.` };
  const host = url.host;
  if (!allowLinkLocal && isRefusedAddress(url.hostname))
    return {
      host,
      error: `Notices to ${host} are refused: it is a link-local or cloud-metadata address (set allow-link-local to allow it).`,
    };
  const out: Endpoint = { host, url };
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    out.authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return out;
}

/** Milliseconds a `Retry-After` asks for (seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const s = value.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

type Attempt = { ok: true } | { ok: false; retry: boolean; why: string; waitMs?: number };

async function postOnce(
  ep: Endpoint,
  body: string,
  event: string,
  o: Required<Pick<DeliverOptions, 'timeoutMs'>> & { agent: Agent },
): Promise<Attempt> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `k8s-image-check/${VERSION}`,
    'x-k8s-image-check-event': event,
  };
  if (ep.authorization) headers.authorization = ep.authorization;
  try {
    const res = await undiciFetch(ep.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      dispatcher: o.agent,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const retry = res.status === 429 || res.status >= 500;
    const wait = retryAfterMs(res.headers.get('retry-after'));
    return { ok: false, retry, why: `HTTP ${res.status}`, ...(wait !== null ? { waitMs: wait } : {}) };
  } catch (err: unknown) {
    return { ok: false, retry: true, why: networkWhy(err, o.timeoutMs) };
  }
}

/** A network failure in words that hold no URL: the error code, or "no answer within …". */
function networkWhy(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e?.cause?.code;
  if (code === 'ERR_LINK_LOCAL_REFUSED') return 'its name resolves to a link-local or cloud-metadata address';
  return code ? `network error ${code}` : 'network error';
}

/** Posts one event with retries; returns null when delivered, else why not. */
async function post(ep: Endpoint, e: NotifyEvent, o: ResolvedOptions): Promise<string | null> {
  const body = noticeBody(e, o.format);
  let last = '';
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    const r = await postOnce(ep, body, e.action, o);
    if (r.ok) return null;
    last = r.why;
    if (!r.retry) return `${r.why} (not retried: the endpoint refused the notice)`;
    if (attempt === o.retries) break;
    if (r.waitMs !== undefined && r.waitMs > o.maxRetryAfterMs)
      return `${r.why} with Retry-After longer than ${o.maxRetryAfterMs / 1000} s`;
    await o.sleep(r.waitMs ?? o.backoffMs * 2 ** attempt);
  }
  return `${last} after ${o.retries + 1} attempts`;
}

type ResolvedOptions = Required<Omit<DeliverOptions, 'lookup' | 'urls' | 'logger'>> & { agent: Agent };

async function serveEndpoint(
  ep: Endpoint,
  events: readonly NotifyEvent[],
  o: ResolvedOptions,
): Promise<EndpointResult> {
  const result: EndpointResult = { host: ep.host, sent: 0, failed: 0 };
  const deadline = Date.now() + o.budgetMs;
  for (const e of events) {
    const why =
      Date.now() > deadline
        ? `its time budget of ${o.budgetMs / 1000} s for this run ran out`
        : await post(ep, e, o);
    if (why === null) {
      result.sent++;
      continue;
    }
    result.failed = events.length - result.sent;
    result.error = `Notices to ${ep.host} failed: ${why}; ${result.failed} of ${events.length} notice(s) were not delivered to it this run (the other endpoints are not affected).`;
    break;
  }
  return result;
}

/** Posts every event to every endpoint; never throws. Each failed endpoint is one warning naming its host. */
export async function deliverNotices(
  events: readonly NotifyEvent[],
  options: DeliverOptions,
): Promise<EndpointResult[]> {
  if (events.length === 0 || options.urls.length === 0) return [];
  const allowLinkLocal = options.allowLinkLocal ?? false;
  const lookup = allowLinkLocal ? undefined : guardedLookup(options.lookup ?? dnsLookup);
  const timeoutMs = options.timeoutMs ?? NOTIFY_DEFAULTS.timeoutMs;
  const agent = new Agent({ connect: { timeout: timeoutMs, ...(lookup ? { lookup } : {}) } });
  const o: ResolvedOptions = {
    format: options.format,
    allowLinkLocal,
    timeoutMs,
    retries: options.retries ?? NOTIFY_DEFAULTS.retries,
    backoffMs: options.backoffMs ?? NOTIFY_DEFAULTS.backoffMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? NOTIFY_DEFAULTS.maxRetryAfterMs,
    concurrency: Math.max(1, options.concurrency ?? NOTIFY_DEFAULTS.concurrency),
    budgetMs: options.budgetMs ?? NOTIFY_DEFAULTS.budgetMs,
    sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    agent,
  };
  // Results in the order of the URLs, whatever order the endpoints finish in.
  const endpoints = options.urls.map((raw, i) => parseEndpoint(raw, i, allowLinkLocal));
  const results: EndpointResult[] = new Array(endpoints.length);
  let next = 0;
  const work = async () => {
    for (let i = next++; i < endpoints.length; i = next++) {
      const ep = endpoints[i]!;
      const r =
        'error' in ep
          ? { host: ep.host, sent: 0, failed: events.length, error: ep.error }
          : await serveEndpoint(ep, events, o);
      if (r.error) options.logger.warning(r.error);
      results[i] = r;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.concurrency, endpoints.length) }, work));
  } finally {
    await agent.close();
  }
  return results;
}
