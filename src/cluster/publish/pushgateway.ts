/**
 * Publishing metrics to a Prometheus Pushgateway: one `PUT /metrics/job/<job>/<label>/<value>…` per group
 * (per cluster), so series that vanished since the last run disappear atomically (docs/pod-health.md#metrics).
 * Failures are results, never exceptions: the message names the gateway host and says what to do.
 */
import { Buffer } from 'node:buffer';
import type { Config } from '../../config/schema.js';
import { errorMessage } from '../../errors.js';
import { redact, registerCredential } from '../../secrets.js';
import type { DriftReport } from '../types.js';
import { renderMetrics } from './metrics-text.js';

/** Content type of the text exposition format; the gateway also accepts a missing or form content type. */
export const TEXT_FORMAT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Default timeout of one push, in milliseconds. */
export const DEFAULT_PUSH_TIMEOUT_MS = 30_000;

/** The longest excerpt of a gateway error body we repeat in a message. */
const MAX_BODY_EXCERPT = 500;

/** Path segments that are sent as they are; anything else goes through `@base64`. */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Options of `pushMetrics`. */
export interface PushMetricsOptions {
  /** Base URL of the gateway, e.g. `http://pushgateway:9091` (a path prefix is kept). */
  url: string;
  /** The `job` grouping label, e.g. `k8s-image-check`. */
  job: string;
  /** Further grouping labels, e.g. `{ cluster: 'prod' }`; sent in the path, in this order. */
  groupingKey?: Readonly<Record<string, string>>;
  /** Text exposition body (from `renderMetrics`); ignored for DELETE. */
  body: string;
  /** `PUT` (default) replaces the group; `POST` replaces same-named families; `DELETE` removes the group. */
  method?: 'PUT' | 'POST' | 'DELETE';
  /** Basic auth; credentials in the URL's userinfo are used when these are absent. */
  username?: string;
  password?: string;
  /** Extra headers (e.g. for a proxy in front of the gateway). */
  headers?: Readonly<Record<string, string>>;
  /** Default `DEFAULT_PUSH_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Fetch implementation (undici's or the global one, the default). */
  fetch?: typeof fetch;
}

/** The outcome of one push. `target` is the URL without credentials. */
export type PushResult =
  | { ok: true; status: number; target: string }
  | { ok: false; status: number | null; target: string; message: string };

/** URL-safe base64 without padding; an empty value is `=` as the gateway requires. */
function base64Segment(value: string): string {
  if (value === '') return '=';
  return Buffer.from(value, 'utf8').toString('base64url');
}

/**
 * Returns the path of a group: `/metrics/job/<job>{/<name>/<value>}`. A value that is empty or holds any
 * character outside `[A-Za-z0-9._~-]` (notably `/`, which no percent-encoding can carry) is sent as
 * `<name>@base64/<url-safe base64>`, e.g. `cluster@base64/ZXUtd2VzdC8x` for `eu-west/1`.
 */
export function groupingPath(job: string, groupingKey: Readonly<Record<string, string>> = {}): string {
  const segments = ['metrics'];
  for (const [name, value] of [['job', job] as const, ...Object.entries(groupingKey)]) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw new Error(`grouping label name ${JSON.stringify(name)} is invalid: use letters, digits and _.`);
    }
    if (PLAIN_SEGMENT.test(value)) segments.push(name, value);
    else segments.push(`${name}@base64`, base64Segment(value));
  }
  return `/${segments.join('/')}`;
}

/** Splits a gateway URL into a credential-free base and the userinfo it held. */
function parseGatewayUrl(raw: string): { base: URL; username?: string; password?: string } {
  const base = new URL(raw);
  const username = base.username ? decodeURIComponent(base.username) : undefined;
  const password = base.password ? decodeURIComponent(base.password) : undefined;
  // Userinfo credentials join the run's registry like the pushgateway-password setting.
  registerCredential({ username, secret: password });
  base.username = '';
  base.password = '';
  base.search = '';
  base.hash = '';
  return { base, username, password };
}

function describeFailure(
  status: number,
  bodyText: string,
  host: string,
  group: string,
  authSent: boolean,
): string {
  // A gateway (or a proxy in front of it) may echo the request's Authorization header: redact, then cut.
  const excerpt = redact(bodyText.trim().slice(0, MAX_BODY_EXCERPT * 4)).slice(0, MAX_BODY_EXCERPT);
  const said = excerpt ? `: ${excerpt}` : '';
  if (status === 400) {
    return (
      `Pushgateway ${host} rejected the metrics for ${group} (400${said}). Nothing was stored for this group. ` +
      'If the message says a metric "is not a GAUGE" (or another type), another group pushed that name with a ' +
      'different TYPE: delete that group on the gateway; otherwise report this as a bug of k8s-image-check.'
    );
  }
  if (status === 401 || status === 403) {
    return authSent
      ? `Pushgateway ${host} refused the credentials for ${group} (${status}): check pushgateway-username and pushgateway-password.`
      : `Pushgateway ${host} requires authentication for ${group} (${status}): set pushgateway-username and pushgateway-password (sent as Basic auth).`;
  }
  if (status === 404 || status === 405) {
    return `Pushgateway ${host} has no push API at this path (${status}) for ${group}: pushgateway-url must be the gateway's base URL, e.g. http://pushgateway:9091.`;
  }
  return `Pushgateway ${host} answered ${status} for ${group}${said}; the previous metrics of the group stay in place. Retry later or check the gateway's logs.`;
}

/**
 * Pushes one group and returns what happened; never throws for HTTP or network failures. The caller
 * must not call this for a failed run: the gateway then keeps the previous (last good) group.
 */
export async function pushMetrics(options: PushMetricsOptions): Promise<PushResult> {
  const { base, username: urlUser, password: urlPassword } = parseGatewayUrl(options.url);
  const path = groupingPath(options.job, options.groupingKey);
  const target = new URL(base.pathname.replace(/\/+$/, '') + path, base).toString();
  const host = base.host;
  const group = `job "${options.job}"${Object.entries(options.groupingKey ?? {})
    .map(([k, v]) => `, ${k} "${v}"`)
    .join('')}`;
  const method = options.method ?? 'PUT';
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const username = options.username ?? urlUser;
  const password = options.password ?? urlPassword;
  registerCredential({ username, secret: password });
  const authSent = username !== undefined || password !== undefined;
  if (authSent) {
    headers.authorization = `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`, 'utf8').toString('base64')}`;
  }
  if (method !== 'DELETE') headers['content-type'] = TEXT_FORMAT_CONTENT_TYPE;
  const doFetch = options.fetch ?? globalThis.fetch;
  try {
    const response = await doFetch(target, {
      method,
      headers,
      body: method === 'DELETE' ? undefined : options.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS),
      redirect: 'error',
    });
    const text = await response.text();
    if (response.ok) return { ok: true, status: response.status, target };
    return {
      ok: false,
      status: response.status,
      target,
      message: describeFailure(response.status, text, host, group, authSent),
    };
  } catch (err: unknown) {
    const cause =
      err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const what = timedOut
      ? `did not answer within ${options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS} ms`
      : `could not be reached (${redact(cause)})`;
    return {
      ok: false,
      status: null,
      target,
      message: `Pushgateway ${host} ${what} for ${group}: check pushgateway-url and that the gateway is reachable from the runner.`,
    };
  }
}

/** Options of `pushReportMetrics`: those of `pushMetrics` without the body and grouping key. */
export type PushReportOptions = Omit<PushMetricsOptions, 'body' | 'groupingKey' | 'method'> & {
  /** Time of the run (the last-success timestamp). */
  now: Date;
  /** Namespaces the run was limited to (`namespaces` / `exclude-namespaces`); empty or absent: whole cluster. */
  scope?: { namespaces: readonly string[]; excludeNamespaces: readonly string[] };
  /** More families to push in the same group (text exposition; e.g. the notices state). */
  extraBody?: string;
};

/**
 * Returns the `scope` grouping label value of a namespace-limited run, or null for a whole-cluster run: the
 * sorted included namespaces, then the sorted excluded ones prefixed with `!`, joined by `,` (e.g.
 * `monitoring,shop` or `!kube-system`). A scoped run gets its own group, so its `PUT` never replaces the
 * whole-cluster group or another scope's.
 */
export function scopeLabel(
  scope: { namespaces: readonly string[]; excludeNamespaces: readonly string[] } | undefined,
): string | null {
  if (!scope) return null;
  const include = [...new Set(scope.namespaces)].sort();
  const exclude = [...new Set(scope.excludeNamespaces)].sort().map((n) => `!${n}`);
  const parts = [...include, ...exclude];
  return parts.length ? parts.join(',') : null;
}

/** Returns the grouping key of a report's group: `{cluster}`, plus `{scope}` for a namespace-limited run. */
export function reportGroupingKey(
  cluster: string,
  scope?: { namespaces: readonly string[]; excludeNamespaces: readonly string[] },
): Record<string, string> {
  const value = scopeLabel(scope);
  return value === null ? { cluster } : { cluster, scope: value };
}

/**
 * Renders a cluster-mode report and `PUT`s it as the group `{job, cluster: report.cluster}` (plus `scope`
 * for a namespace-limited run, see `scopeLabel`). Call it only when the run could list the cluster (a total
 * listing failure pushes nothing, so the gateway keeps the last good group and `K8sImageCheckStale` fires).
 * A partial run is pushed with `k8s_image_check_run_complete 0`, its `k8s_image_check_list_errors` and
 * without `k8s_image_check_last_success_timestamp_seconds` (it is not a success), so what it could not see
 * is visible rather than silently resolved.
 */
export async function pushReportMetrics(
  report: Pick<DriftReport, 'cluster' | 'workloads' | 'pods' | 'images' | 'complete' | 'errors'>,
  options: PushReportOptions,
): Promise<PushResult> {
  const { now, scope, extraBody, ...push } = options;
  return pushMetrics({
    ...push,
    groupingKey: reportGroupingKey(report.cluster, scope),
    body: renderMetrics(report, { now, lastSuccess: report.complete }) + (extraBody ?? ''),
  });
}

/** The gateway settings of a run, as `pushReportMetrics`, `readPreviousRestarts` and `readGatewayGroup` take them. */
export interface GatewaySettings {
  url: string;
  job: string;
  scope: { namespaces: readonly string[]; excludeNamespaces: readonly string[] };
  username?: string;
  password?: string;
  fetch?: typeof fetch;
}

/** Returns the gateway settings a configuration with a `pushgateway-url` describes. */
export function gatewaySettings(
  config: Pick<
    Config,
    'pushgatewayJob' | 'namespaces' | 'excludeNamespaces' | 'pushgatewayUsername' | 'pushgatewayPassword'
  > & { pushgatewayUrl: string },
  fetchImpl?: typeof fetch,
): GatewaySettings {
  return {
    url: config.pushgatewayUrl,
    job: config.pushgatewayJob,
    scope: { namespaces: config.namespaces, excludeNamespaces: config.excludeNamespaces },
    ...(config.pushgatewayUsername ? { username: config.pushgatewayUsername } : {}),
    ...(config.pushgatewayPassword ? { password: config.pushgatewayPassword } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
}

/** Options of `readPreviousRestarts`. */
export interface ReadPreviousOptions {
  /** Base URL of the gateway (credentials in the userinfo are used as Basic auth). */
  url: string;
  job: string;
  cluster: string;
  scope?: { namespaces: readonly string[]; excludeNamespaces: readonly string[] };
  username?: string;
  password?: string;
  now: Date;
  /** Oldest previous push that still counts, in seconds. Default 3600 (the R2 rule is "per hour"). */
  maxAgeSeconds?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The previous run's restart counts as the gateway holds them, or why there are none. */
export type PreviousRestarts =
  | { ok: true; restarts: Map<string, number>; pushedAt: Date }
  | { ok: false; message: string };

interface GatewayFamily {
  metrics?: { labels?: Record<string, string>; value?: string }[];
}

/** Returns the group with exactly these grouping labels (besides `instance`) in a `/api/v1/metrics` data list. */
export function findGroup(
  data: readonly unknown[],
  group: Readonly<Record<string, string>>,
): Record<string, unknown> | undefined {
  const wanted = Object.entries(group);
  return data.find((g) => {
    const labels = (g as { labels?: Record<string, string> } | null)?.labels ?? {};
    const extra = Object.keys(labels).filter((k) => k !== 'instance' && !(k in group));
    return extra.length === 0 && wanted.every(([k, v]) => labels[k] === v);
  }) as Record<string, unknown> | undefined;
}

/**
 * Returns the restart counts of the group `{job, cluster[, scope]}` from a `GET /api/v1/metrics` answer,
 * keyed `namespace/pod/container` (`restartKey`), when the group's last push is at most `maxAgeSeconds` old.
 * Pure: the parsing half of `readPreviousRestarts`.
 */
export function previousRestartsFromApi(
  answer: unknown,
  group: Readonly<Record<string, string>>,
  now: Date,
  maxAgeSeconds = 3600,
): PreviousRestarts {
  const data = (answer as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return { ok: false, message: 'the gateway answer has no data list' };
  const found = findGroup(data, group) as Record<string, GatewayFamily> | undefined;
  if (!found) return { ok: false, message: 'no previous push for this group' };
  const pushed = Number(found.push_time_seconds?.metrics?.[0]?.value);
  if (!Number.isFinite(pushed) || pushed <= 0) return { ok: false, message: 'the previous push has no time' };
  const age = now.getTime() / 1000 - pushed;
  if (age > maxAgeSeconds || age < 0)
    return { ok: false, message: `the previous push is ${Math.round(age)} s old (limit ${maxAgeSeconds} s)` };
  const restarts = new Map<string, number>();
  for (const m of found.k8s_pod_container_restarts?.metrics ?? []) {
    const l = m.labels ?? {};
    const value = Number(m.value);
    if (l.namespace && l.pod && l.container && Number.isFinite(value))
      restarts.set(`${l.namespace}/${l.pod}/${l.container}`, value);
  }
  return { ok: true, restarts, pushedAt: new Date(pushed * 1000) };
}

/**
 * Reads the previous run's restart counts back from the gateway (`GET /api/v1/metrics`), for the R2 restart
 * rate rule: the group this run will replace holds them. Never throws; a failure is a result with a message
 * (the run then goes on without the rate rule).
 */
export async function readPreviousRestarts(options: ReadPreviousOptions): Promise<PreviousRestarts> {
  const read = await readGatewayApi(options);
  if (!read.ok) return read;
  const group = { job: options.job, ...reportGroupingKey(options.cluster, options.scope) };
  return previousRestartsFromApi(read.answer, group, options.now, options.maxAgeSeconds);
}

/** The previous push of a report's group as `/api/v1/metrics` shows it (families by name), or null. */
export type GatewayGroup =
  | { ok: true; group: Record<string, unknown> | null }
  | { ok: false; message: string };

/** Reads the group `{job, cluster[, scope]}` back from the gateway; never throws. */
export async function readGatewayGroup(
  options: Omit<ReadPreviousOptions, 'now' | 'maxAgeSeconds'>,
): Promise<GatewayGroup> {
  const read = await readGatewayApi(options);
  if (!read.ok) return read;
  const data = (read.answer as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return { ok: false, message: 'the gateway answer has no data list' };
  const group = { job: options.job, ...reportGroupingKey(options.cluster, options.scope) };
  return { ok: true, group: findGroup(data, group) ?? null };
}

/** `GET /api/v1/metrics` with the gateway's credentials; never throws. */
async function readGatewayApi(
  options: Pick<ReadPreviousOptions, 'url' | 'username' | 'password' | 'timeoutMs' | 'fetch'>,
): Promise<{ ok: true; answer: unknown } | { ok: false; message: string }> {
  const { base, username: urlUser, password: urlPassword } = parseGatewayUrl(options.url);
  const target = new URL(`${base.pathname.replace(/\/+$/, '')}/api/v1/metrics`, base).toString();
  const username = options.username ?? urlUser;
  const password = options.password ?? urlPassword;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (username !== undefined || password !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`, 'utf8').toString('base64')}`;
  try {
    const response = await (options.fetch ?? globalThis.fetch)(target, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS),
      redirect: 'error',
    });
    if (!response.ok) {
      await response.body?.cancel();
      return {
        ok: false,
        message: `Pushgateway ${base.host} answered ${response.status} to GET /api/v1/metrics`,
      };
    }
    return { ok: true, answer: await response.json() };
  } catch (err: unknown) {
    const why = errorMessage(err);
    return { ok: false, message: `Pushgateway ${base.host} could not be read (${redact(why)})` };
  }
}
