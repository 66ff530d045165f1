/**
 * The registry HTTP adapter: one keep-alive undici Pool per origin, bounded bodies, timeouts, retries with
 * backoff and jitter, `Retry-After`, redirects that never carry `Authorization` across origins, and a
 * connect-time refusal of link-local / cloud-metadata addresses. The only place registry HTTP happens.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { rootCertificates } from 'node:tls';
import { type Dispatcher, Pool } from 'undici';
import { errorMessage } from '../errors.js';
import { isRefusedAddress, linkLocalReason } from './policy.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, rateLimitDelay } from './retry.js';

/** Headers of a response, lower-cased names. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** One registry HTTP request. */
export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Skip TLS verification for this origin. */
  insecure?: boolean;
  /** Largest body kept in memory; the rest is discarded and `truncated` set. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Redirects to follow (Authorization is dropped when the origin changes). Default 5. */
  maxRedirects?: number;
  /** Retry 5xx/429/network errors. Default true. */
  retry?: boolean;
}

/** A response with its (bounded) body read and the socket returned to the pool. */
export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
  truncated: boolean;
  /** The URL that answered (after redirects). */
  url: URL;
  /** Whether the final request carried an `Authorization` header. */
  sentAuthorization: boolean;
  /**
   * Set when a 429/503 asked to wait longer than the cap: the response came back at once instead of a
   * wait nobody would sit through (the check reports `rate_limited` with when to come back).
   */
  retryAfterBeyondCap?: { ms: number; capMs: number; at: number };
}

/** A request that failed below HTTP (DNS, connect, TLS, reset, timeout, refused by policy). */
export class RegistryNetworkError extends Error {
  override readonly name = 'RegistryNetworkError';
  readonly code: string;
  readonly host: string;
  readonly timedOut: boolean;
  readonly refused: boolean;
  /** The timeout that expired, when `timedOut`. */
  readonly timeoutMs?: number;

  constructor(
    message: string,
    code: string,
    host: string,
    timedOut: boolean,
    refused: boolean,
    timeoutMs?: number,
  ) {
    super(message);
    this.code = code;
    this.host = host;
    this.timedOut = timedOut;
    this.refused = refused;
    if (timeoutMs !== undefined) this.timeoutMs = timeoutMs;
  }
}

/** Logger the checker reports progress to; messages never contain credentials. */
export interface RegistryLogger {
  debug(message: string): void;
  warning(message: string): void;
  /**
   * Whether `debug` prints anything; when `false` the checker neither builds nor redacts debug messages
   * (a few per image). Default `true`.
   */
  debugEnabled?: boolean;
}

/** Builds the dispatcher for one origin (tests may wrap or replace it). */
export type DispatcherFactory = (origin: string, options: Pool.Options) => Dispatcher;

/** Options of {@link RegistryHttpClient}. */
export interface HttpClientOptions {
  timeoutMs: number;
  retries: number;
  retryAfterCapMs: number;
  backoffBaseMs: number;
  /** Connections per origin (≥ the per-registry concurrency). */
  connections: number;
  /** Extra CA certificates (PEM); when given they are added to Node's bundled roots. */
  extraCa?: readonly string[];
  allowLinkLocal: boolean;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  logger?: RegistryLogger;
  dispatcherFactory?: DispatcherFactory;
  /** DNS lookup used at connect time (tests); defaults to `dns.lookup`. */
  lookup?: typeof dnsLookup;
  /**
   * The run-wide deadline: when it aborts, requests in flight and backoff waits end at once with a
   * {@link RegistryNetworkError} of code {@link RUN_DEADLINE_CODE} whose message is the signal's reason.
   */
  runSignal?: AbortSignal;
}

const DEFAULT_MAX_BODY = 64 * 1024;
const REFUSED_CODE = 'ERR_LINK_LOCAL_REFUSED';
/** The code of a request cut by the run-wide deadline (`max-duration`). */
export const RUN_DEADLINE_CODE = 'ERR_MAX_DURATION';
/** The code of a request cut by its own deadline (connect + headers + the whole body). */
const DEADLINE_CODE = 'ERR_REQUEST_DEADLINE';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  DEADLINE_CODE,
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
  DEADLINE_CODE,
]);

/** Whether an error means "this port does not speak TLS" (the cue for a loopback plain-HTTP fallback). */
export function isTlsProtocolError(err: unknown): boolean {
  if (!(err instanceof RegistryNetworkError)) return false;
  return (
    /^ERR_SSL_|^EPROTO$|^ECONNRESET$/.test(err.code) ||
    /wrong version number|packet length too long|record/i.test(err.message)
  );
}

/** HTTP client for registry traffic; create one per check run and {@link RegistryHttpClient.close} it. */
/** Retries of one request after an HTTP parse error that a late HEAD body can explain. */
const MAX_REPARSES = 3;

export class RegistryHttpClient {
  private readonly pools = new Map<string, Dispatcher>();
  /**
   * Origins whose connections close after each HEAD (undici's default, for servers that send a body with
   * a HEAD response): an origin lands here after its first HTTP parse error. Every other origin keeps its
   * connections alive across HEADs; a new connection per manifest HEAD costs more client and registry
   * CPU than the request itself.
   */
  private readonly headCloses = new Set<string>();
  private readonly refusedHostnames = new Map<string, boolean>();
  /** Origins that answered at least once (HTTP, any status) in this run. */
  private readonly answered = new Set<string>();
  private readonly ca: string[] | undefined;

  private readonly options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.ca =
      options.extraCa && options.extraCa.length > 0 ? [...rootCertificates, ...options.extraCa] : undefined;
  }

  /** Sends a request with retries and redirects; resolves with the final response or throws {@link RegistryNetworkError}. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    let current = req;
    const maxRedirects = req.maxRedirects ?? 5;
    for (let hop = 0; ; hop++) {
      const res = await this.requestWithRetries(current);
      const location = res.headers.location;
      if (!REDIRECT_STATUSES.has(res.status) || typeof location !== 'string' || hop >= maxRedirects)
        return res;
      const url = current.url;
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') return res;
      if (!this.options.allowLinkLocal && isRefusedAddress(next.hostname)) {
        throw new RegistryNetworkError(linkLocalReason(next.host), REFUSED_CODE, next.host, false, true);
      }
      let headers = current.headers ?? {};
      if (next.origin !== url.origin) {
        const { authorization: _dropped, ...rest } = headers;
        headers = rest;
        this.options.logger?.debug(
          `following redirect from ${url.host} to ${next.host} without Authorization`,
        );
      }
      let { method, body } = current;
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      current = { ...current, url: next, method, body, headers };
    }
  }

  private async requestWithRetries(req: HttpRequest): Promise<HttpResponse> {
    const { retries, backoffBaseMs, retryAfterCapMs, random, now, logger } = this.options;
    const maxAttempts = req.retry === false ? 0 : retries;
    // Parse errors retried on a fresh connection: connections opened before the switch to
    // close-after-HEAD may still hold a late HEAD body, so allow a few.
    let reparses = 0;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await this.once(req);
      } catch (err) {
        const e = toNetworkError(err, req.url.host, this.options.timeoutMs);
        if (reparses < MAX_REPARSES && isHttpParserError(err)) {
          // Likely the body of an earlier HEAD answer read as this response: close after HEADs from now on
          // and send this request once more on a fresh connection.
          if (!this.headCloses.has(req.url.origin)) {
            this.headCloses.add(req.url.origin);
            logger?.debug(
              `${req.url.host}: malformed HTTP response (${e.message}); closing connections after each HEAD`,
            );
          }
          reparses++;
          attempt--;
          continue;
        }
        if (attempt < maxAttempts && this.retryable(e, req.url.origin)) {
          const delay = backoffDelay(attempt, backoffBaseMs, random, retryAfterCapMs);
          logger?.debug(
            `${req.method} ${req.url.host}${req.url.pathname}: ${e.code}, retry ${attempt + 1}/${maxAttempts} in ${delay} ms`,
          );
          await this.wait(delay, req.url.host);
          continue;
        }
        throw e;
      }
      this.answered.add(req.url.origin);
      if (isRetryableStatus(res.status)) {
        // A wait past the cap is not shortened to the cap (the server would refuse again): answer now.
        const retryAfter = parseRetryAfter(headerValue(res.headers, 'retry-after'), now());
        if (
          retryAfter !== undefined &&
          retryAfter > retryAfterCapMs &&
          (res.status === 429 || res.status === 503)
        ) {
          return {
            ...res,
            retryAfterBeyondCap: { ms: retryAfter, capMs: retryAfterCapMs, at: now() + retryAfter },
          };
        }
      }
      if (attempt < maxAttempts && isRetryableStatus(res.status)) {
        const retryAfter = parseRetryAfter(headerValue(res.headers, 'retry-after'), now());
        const delay =
          res.status === 429
            ? rateLimitDelay(retryAfter, attempt, backoffBaseMs, random, retryAfterCapMs)
            : retryAfter !== undefined
              ? Math.min(retryAfter, retryAfterCapMs)
              : backoffDelay(attempt, backoffBaseMs, random, retryAfterCapMs);
        logger?.debug(
          `${req.method} ${req.url.host}${req.url.pathname}: ${res.status}, retry ${attempt + 1}/${maxAttempts} in ${delay} ms`,
        );
        await this.wait(delay, req.url.host);
        continue;
      }
      return res;
    }
  }

  /**
   * Whether a failed attempt is worth repeating. A timeout is repeated only at an origin that has answered
   * before in this run: a host that let a whole deadline pass without ever answering is dead or
   * black-holed, and repeating would multiply the wait by `retries + 1`.
   */
  private retryable(e: RegistryNetworkError, origin: string): boolean {
    if (e.refused || !RETRYABLE_CODES.has(e.code)) return false;
    return !e.timedOut || this.answered.has(origin);
  }

  /** A backoff wait that ends early (with the run-deadline error) when the run-wide deadline passes. */
  private async wait(ms: number, host: string): Promise<void> {
    const signal = this.options.runSignal;
    if (!signal) return this.options.sleep(ms);
    this.throwIfRunOver(host);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.options.sleep(ms), aborted]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
    this.throwIfRunOver(host);
  }

  private throwIfRunOver(host: string): void {
    const signal = this.options.runSignal;
    if (signal?.aborted) throw runDeadlineError(signal, host);
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    // Last line of defence for every request (manifests, blobs, realms, redirects): `url.hostname` is the
    // canonical form Node connects to directly when it is an IP literal, bypassing the guarded lookup.
    if (!this.options.allowLinkLocal && this.refusedHostname(req.url.hostname)) {
      throw new RegistryNetworkError(linkLocalReason(req.url.host), REFUSED_CODE, req.url.host, false, true);
    }
    this.throwIfRunOver(req.url.host);
    const dispatcher = this.pool(req.url, req.insecure === true);
    const headers = req.headers ?? {};
    // One deadline for the whole exchange: undici's headersTimeout/bodyTimeout are idle timeouts that
    // restart with every chunk, so a registry dripping its body would otherwise never time out.
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const run = this.options.runSignal;
    const signal = run ? AbortSignal.any([deadline, run]) : deadline;
    try {
      const res = await dispatcher.request({
        origin: req.url.origin,
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method,
        headers,
        body: req.body,
        signal,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        reset: req.method === 'HEAD' && !this.headCloses.has(req.url.origin) ? false : undefined,
      });
      const max = req.method === 'HEAD' ? 0 : (req.maxBodyBytes ?? DEFAULT_MAX_BODY);
      const { body, truncated } = await readBounded(res.body, max);
      return {
        status: res.statusCode,
        headers: res.headers,
        body,
        truncated,
        url: req.url,
        sentAuthorization: headers.authorization !== undefined,
      };
    } catch (err) {
      if (run?.aborted) throw runDeadlineError(run, req.url.host);
      if (deadline.aborted) {
        throw new RegistryNetworkError(
          `no complete answer within ${this.options.timeoutMs} ms`,
          DEADLINE_CODE,
          req.url.host,
          true,
          false,
          this.options.timeoutMs,
        );
      }
      throw err;
    }
  }

  /** {@link isRefusedAddress}, remembered per hostname (a run asks the same few hosts many times). */
  private refusedHostname(hostname: string): boolean {
    let refused = this.refusedHostnames.get(hostname);
    if (refused === undefined) {
      refused = isRefusedAddress(hostname);
      this.refusedHostnames.set(hostname, refused);
    }
    return refused;
  }

  private pool(url: URL, insecure: boolean): Dispatcher {
    const key = `${url.origin}|${insecure ? 'insecure' : 'verify'}`;
    let pool = this.pools.get(key);
    if (pool) return pool;
    const lookup = this.options.allowLinkLocal ? undefined : guardedLookup(this.options.lookup ?? dnsLookup);
    const connect: Record<string, unknown> = { timeout: this.options.timeoutMs };
    if (lookup) connect.lookup = lookup;
    if (this.ca) connect.ca = this.ca;
    if (insecure) connect.rejectUnauthorized = false;
    const poolOptions: Pool.Options = {
      connections: this.options.connections,
      pipelining: 1,
      allowH2: false,
      keepAliveTimeout: 30_000,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
      connect: connect as Pool.Options['connect'],
    };
    pool = this.options.dispatcherFactory
      ? this.options.dispatcherFactory(url.origin, poolOptions)
      : new Pool(url.origin, poolOptions);
    this.pools.set(key, pool);
    return pool;
  }

  /** Closes every pool (idle keep-alive sockets included). */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}

function runDeadlineError(signal: AbortSignal, host: string): RegistryNetworkError {
  const reason: unknown = signal.reason;
  const message =
    reason instanceof Error
      ? reason.message
      : typeof reason === 'string'
        ? reason
        : 'the run-wide deadline passed';
  return new RegistryNetworkError(message, RUN_DEADLINE_CODE, host, false, false);
}

/** Whether undici failed to parse a response (its `HTTPParserError`, whose `code` may be missing). */
function isHttpParserError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = errorCode(err);
  return err.name === 'HTTPParserError' || code?.startsWith('HPE_') === true;
}

/** Returns the first value of a header (names are lower-case in undici). */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const v = headers[name];
  if (Array.isArray(v)) return v[0];
  return v;
}

async function readBounded(
  body: Dispatcher.ResponseData['body'],
  max: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  if (max === 0) {
    await body.dump().catch(() => undefined);
    return { body: Buffer.alloc(0), truncated: false };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size + buf.length > max) {
      chunks.push(buf.subarray(0, max - size));
      size = max;
      body.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `dns.lookup` that fails with `ERR_LINK_LOCAL_REFUSED` when a name resolves to a refused address. */
export function guardedLookup(base: typeof dnsLookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    base(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '');
        return;
      }
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isRefusedAddress(a.address));
      if (bad) {
        const e = new Error(linkLocalReason(hostname, bad.address)) as NodeJS.ErrnoException;
        e.code = REFUSED_CODE;
        callback(e, '');
        return;
      }
      if (options.all) callback(null, list);
      else callback(null, list[0]?.address ?? '', list[0]?.family ?? 4);
    });
  };
}

/** Normalises anything a request may throw into a {@link RegistryNetworkError} (messages carry no headers). */
function toNetworkError(err: unknown, host: string, timeoutMs: number): RegistryNetworkError {
  if (err instanceof RegistryNetworkError) return err;
  let e: unknown = err;
  if (e instanceof AggregateError && e.errors.length > 0) e = e.errors[0];
  const code = errorCode(e) ?? errorCode((e as { cause?: unknown })?.cause) ?? 'UNKNOWN';
  const rawMessage = errorMessage(e);
  const refused = code === REFUSED_CODE || rawMessage.includes('link-local or cloud-metadata');
  const timedOut = TIMEOUT_CODES.has(code);
  const message = timedOut ? `no answer within ${timeoutMs} ms` : rawMessage;
  return new RegistryNetworkError(
    message,
    refused ? REFUSED_CODE : code,
    host,
    timedOut,
    refused,
    timedOut ? timeoutMs : undefined,
  );
}

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}
