/**
 * The one place a GitHub REST client is built: `@octokit/rest` with the throttling and retry plugins, pointed
 * at github.com or a GitHub Enterprise Server API URL.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import { redactDeep, registerSecret } from '../secrets.js';

/** The public GitHub API; GitHub Enterprise Server runners set `GITHUB_API_URL` to `https://HOST/api/v3`. */
export const GITHUB_DOTCOM_API_URL = 'https://api.github.com';

/** How many times one request is retried after a primary or secondary rate limit before giving up. */
export const DEFAULT_MAX_RATE_LIMIT_RETRIES = 2;

/**
 * Longest wait (seconds) we accept before retrying after a rate limit. A primary limit can reset up to an
 * hour later; a CI step should fail fast with a clear message instead of hanging.
 */
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 120;

/**
 * Logger for the client: rate-limit retries go to `info`, giving up to `warn`, and Octokit's own request
 * log to `debug` (e.g. `core.debug`/`core.info`/`core.warning` in the action).
 */
export interface GitHubLog {
  debug: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export interface CreateOctokitOptions {
  /** Token (`github-token` input). Never logged. */
  token: string;
  /** API base URL, from `GITHUB_API_URL` (default {@link GITHUB_DOTCOM_API_URL}). */
  baseUrl?: string | undefined;
  log?: Partial<GitHubLog>;
  /** Retries per request after a rate limit (default {@link DEFAULT_MAX_RATE_LIMIT_RETRIES}). */
  maxRateLimitRetries?: number;
  /** Longest `retry-after` honoured, in seconds (default {@link DEFAULT_MAX_RETRY_AFTER_SECONDS}). */
  maxRetryAfterSeconds?: number;
  /** Retries for 5xx and other retryable errors (`@octokit/plugin-retry`, default 3). */
  retries?: number;
  /**
   * Milliseconds per second of `retry-after` and per backoff unit (default 1000). Tests set it low so a
   * `retry-after: 1` does not slow them down.
   */
  retryAfterBaseMs?: number;
  userAgent?: string;
  /** Send requests through a proxy (see {@link proxyFromEnv}); none by default. */
  proxy?: ProxySettings | null;
  /**
   * For tests only: send writes without the throttling plugin's spacing (≥1 s between writes, ≥3 s between
   * content-creating ones such as issues and comments, as GitHub's best practices ask).
   */
  unspacedWrites?: boolean;
}

/** Proxy URLs as the usual environment variables give them. */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/**
 * Return the proxy settings in `env` (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, either case), or null when
 * no proxy is set. Self-hosted runners behind a proxy set these; `@actions/github` honours them too.
 */
export function proxyFromEnv(env: Record<string, string | undefined>): ProxySettings | null {
  const get = (name: string) => env[name] || env[name.toLowerCase()] || undefined;
  const httpsProxy = get('HTTPS_PROXY');
  const httpProxy = get('HTTP_PROXY');
  const noProxy = get('NO_PROXY');
  if (!httpsProxy && !httpProxy) return null;
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}

const ClientWithPlugins = Octokit.plugin(throttling, retry);

/** A REST client with throttling and retries; methods as `@octokit/rest` (`checks.create`, `paginate`, ...). */
export type GitHubClient = InstanceType<typeof ClientWithPlugins>;

const noop = () => {};

/** A stand-in for a Bottleneck group that runs jobs at once (the plugin only calls `key(id).schedule`). */
const immediateGroup = {
  key: () => ({ schedule: <T>(_options: unknown, job: () => T) => Promise.resolve().then(job) }),
};

/**
 * Returns the throttling plugin's handler for one kind of limit: retry a bounded number of times, never after a
 * wait longer than `maxAfter` seconds, and log each decision.
 */
function rateLimitHandler(kind: string, o: { log: GitHubLog; maxRetries: number; maxAfter: number }) {
  return (
    retryAfter: number,
    options: { method?: string; url?: string },
    _octokit: unknown,
    retryCount: number,
  ): boolean => {
    const where = `${options.method ?? 'GET'} ${options.url ?? ''}`;
    if (retryCount >= o.maxRetries) {
      o.log.warn(`GitHub API ${kind} on ${where}: giving up after ${retryCount} retries.`);
      return false;
    }
    if (retryAfter > o.maxAfter) {
      o.log.warn(
        `GitHub API ${kind} on ${where}: it resets in ${retryAfter}s, longer than the ${o.maxAfter}s we wait; giving up.`,
      );
      return false;
    }
    o.log.info(
      `GitHub API ${kind} on ${where}: retrying in ${retryAfter}s (retry ${retryCount + 1} of ${o.maxRetries}).`,
    );
    return true;
  };
}

/** Octokit's `request` option that sends every request through the proxy (none without one). */
function proxyRequestOption(proxy: ProxySettings | null | undefined): { request?: { fetch: unknown } } {
  if (!proxy) return {};
  const dispatcher = new EnvHttpProxyAgent(proxy);
  return {
    request: {
      // undici's fetch with a proxy dispatcher; Octokit only needs the WHATWG fetch signature.
      fetch: ((url: string, init: Record<string, unknown>) =>
        undiciFetch(url, { ...init, dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown,
    },
  };
}

/**
 * Return an Octokit with `@octokit/plugin-throttling` (requests queued, ≥1 s between writes) and
 * `@octokit/plugin-retry`; rate-limited requests are retried a bounded number of times, each retry logged.
 */
export function createOctokit(opts: CreateOctokitOptions): GitHubClient {
  const log: GitHubLog = {
    debug: opts.log?.debug ?? noop,
    info: opts.log?.info ?? noop,
    warn: opts.log?.warn ?? noop,
    error: opts.log?.error ?? noop,
  };
  const limits = {
    log,
    maxRetries: opts.maxRateLimitRetries ?? DEFAULT_MAX_RATE_LIMIT_RETRIES,
    maxAfter: opts.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS,
  };
  const baseMs = opts.retryAfterBaseMs ?? 1000;
  registerSecret(opts.token);
  const client = new ClientWithPlugins({
    ...proxyRequestOption(opts.proxy),
    auth: opts.token,
    baseUrl: (opts.baseUrl || GITHUB_DOTCOM_API_URL).replace(/\/+$/, ''),
    userAgent: opts.userAgent ?? 'k8s-image-check',
    // Octokit's own log (request-log plugin: one line per request, `error` for every failed one, even a
    // 403 we handle) goes to debug; only our rate-limit messages above reach `info`/`warn`.
    log: { debug: log.debug, info: log.debug, warn: log.debug, error: log.debug },
    throttle: {
      id: 'k8s-image-check',
      retryAfterBaseValue: baseMs,
      onRateLimit: rateLimitHandler('rate limit', limits),
      onSecondaryRateLimit: rateLimitHandler('secondary rate limit', limits),
      // The plugin types these as Bottleneck groups; it only ever calls `key(id).schedule(options, job)`.
      ...(opts.unspacedWrites ? ({ write: immediateGroup, notifications: immediateGroup } as object) : {}),
    },
    retry: { retries: opts.retries ?? 3, retryAfterBaseValue: baseMs },
  });
  client.hook.before('request', redactRequestFields);
  return client;
}

/** The logger a mode passes to {@link githubClient}: its own redacting logger (EngineLogger's shape). */
export interface GitHubClientLogger {
  debug: (message: string) => void;
  info: (message: string) => void;
  warning: (message: string) => void;
}

/**
 * The GitHub client every mode uses (PR mode, cluster mode, the CLI's issue target): `token`, the API URL
 * from `GITHUB_API_URL` (github.com by default), the proxy from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`, and the
 * run's redacting logger. One place, so no mode can forget the proxy again.
 */
export function githubClient(o: {
  token: string;
  env: Record<string, string | undefined>;
  logger: GitHubClientLogger;
}): GitHubClient {
  return createOctokit({
    token: o.token,
    baseUrl: o.env.GITHUB_API_URL || GITHUB_DOTCOM_API_URL,
    proxy: proxyFromEnv(o.env),
    log: { debug: o.logger.debug, info: o.logger.info, warn: o.logger.warning },
  });
}

/** Request options Octokit uses to route and send a request; every other field becomes the body or query. */
const ROUTING_FIELDS = new Set(['method', 'url', 'baseUrl', 'headers', 'request', 'mediaType']);

/**
 * Redacts, in place, every field of a request that becomes its body or query (check-run output and
 * annotations, issue titles, bodies and comments), so no text the tool sends to GitHub can carry a
 * registered secret or a token-looking value, whichever module built it.
 */
export function redactRequestFields(options: Record<string, unknown>): void {
  for (const key of Object.keys(options)) {
    if (ROUTING_FIELDS.has(key)) continue;
    options[key] = redactDeep(options[key]);
  }
}

/** A request failure's HTTP status and message, narrowed from `unknown` (Octokit throws `RequestError`). */
export function describeRequestError(err: unknown): { status: number | null; message: string } {
  if (typeof err === 'object' && err !== null) {
    const e = err as { status?: unknown; message?: unknown };
    return {
      status: typeof e.status === 'number' ? e.status : null,
      message: typeof e.message === 'string' ? e.message : String(err),
    };
  }
  return { status: null, message: String(err) };
}

/**
 * True when GitHub refused a write because the token may not do it: a fork or Dependabot pull request, or a
 * workflow without `checks: write` ("Resource not accessible by integration", 403; some paths answer 404).
 */
export function isPermissionDenied(err: unknown): boolean {
  const { status, message } = describeRequestError(err);
  if (status === 403) return !/rate limit/i.test(message);
  return status === 404 && /not accessible|not found/i.test(message);
}

/** Error codes (Node, undici) that mean the request never got an HTTP answer. */
const NETWORK_CODE =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_\w+|(?:\w+_)?CERT_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/;

/**
 * When a GitHub API request failed without an HTTP answer (connection refused, unknown host, timeout, TLS):
 * the API host and the error code. Null for a real answer (401, 403, 404, …), which is a permission or
 * token matter instead. Octokit wraps such failures as a `RequestError` with status 500 and the fetch
 * error as `cause`.
 */
export function gitHubNetworkFailure(err: unknown): { host: string; code: string } | null {
  let code: string | null = null;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const x = e as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && NETWORK_CODE.test(x.code)) code = x.code;
    else if (x.name === 'AbortError' || x.name === 'TimeoutError') code = 'timeout';
    if (code) break;
    e = x.cause;
  }
  if (!code) return null;
  const url = (err as { request?: { url?: unknown } }).request?.url;
  let host = 'the GitHub API';
  try {
    if (typeof url === 'string') host = new URL(url).host;
  } catch {
    // Not a URL: keep the generic name.
  }
  return { host, code };
}

/** "could not reach the GitHub API at api.github.com (ECONNREFUSED); check …" */
export function describeNetworkFailure(failure: { host: string; code: string }): string {
  return `could not reach the GitHub API at ${failure.host} (${failure.code}); check the runner's network connectivity, GITHUB_API_URL (for GitHub Enterprise) and any HTTPS proxy`;
}
