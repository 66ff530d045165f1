/**
 * Notices of cluster mode, the run's side: read the previous state from the Pushgateway group, plan the
 * events, hand the new state to the push, then (only when the push recorded it) send the events.
 *
 * Why only after a recorded push: the state is what makes an event "new". If it could not be recorded, the
 * next run compares with the same old state and finds the same events again, so sending now would send them
 * twice. Held-back events go out with the next run that records its state (if they still hold).
 * Delivery is at most once per endpoint: an endpoint that failed does not get the event again next run.
 */
import type { Config } from '../config/schema.js';
import type { EngineLogger } from '../engine/scan.js';
import { deliverNotices, type EndpointResult } from './notify-deliver.js';
import { type NotifyEvent, notifyKey, planNotifications } from './notify-events.js';
import { notifyStateFromGroup, renderNotifyState } from './notify-state.js';
import type { IssueResult } from './publish/issues-publish.js';
import { gatewaySettings, readGatewayGroup } from './publish/pushgateway.js';
import type { DriftReport } from './types.js';

/** Events planned for this run and the state to push with the metrics. */
export interface PreparedNotices {
  events: NotifyEvent[];
  /** Text exposition of the new state, for `pushReportMetrics({ extraBody })`. */
  stateBody: string;
  /** False on a first run (or when the previous state could not be read): nothing is sent. */
  hadPrevious: boolean;
}

/** What notices did this run. */
export interface NoticesResult {
  events: NotifyEvent[];
  endpoints: EndpointResult[];
  /** Why nothing was sent, when nothing was. */
  held?: string;
}

/** Issue links per workload key from what issue management did this run. */
function issueLinks(results: readonly IssueResult[], blobUrl: string | null) {
  const links = new Map<string, { number: number | null; url: string | null }>();
  const base = blobUrl?.replace(/\/blob\/.*$/, '') ?? null;
  for (const r of results) {
    if (r.number === null && r.url === null) continue;
    const url = r.url ?? (base && r.number !== null ? `${base}/issues/${r.number}` : null);
    links.set(notifyKey(r.action.target), { number: r.number, url });
  }
  return links;
}

/**
 * Reads the previous state and plans this run's notices; null when `notify-urls` is empty or there is no
 * Pushgateway to keep the state in (a warning says so).
 */
export async function prepareNotices(
  report: DriftReport,
  config: Config,
  deps: {
    logger: EngineLogger;
    now: Date;
    issues: readonly IssueResult[];
    blobUrl?: string | null;
    fetch?: typeof fetch;
  },
): Promise<PreparedNotices | null> {
  if (config.notifyUrls.length === 0) return null;
  if (!config.pushgatewayUrl) {
    deps.logger.warning(
      'notify-urls is set but pushgateway-url is not: notices need the previous run, which is kept in the Pushgateway group. No notice was sent; set pushgateway-url.',
    );
    return null;
  }
  const read = await readGatewayGroup({
    ...gatewaySettings({ ...config, pushgatewayUrl: config.pushgatewayUrl }, deps.fetch),
    cluster: report.cluster,
  });
  const previous = read.ok && read.group ? notifyStateFromGroup(read.group) : null;
  if (!read.ok)
    deps.logger.warning(
      `Notices: the previous state could not be read (${read.message}); this run records the state and sends nothing.`,
    );
  else if (!previous)
    deps.logger.info(
      'Notices: no previous state in the Pushgateway group (first run): this run records the state and sends nothing.',
    );
  const { events, next } = planNotifications({
    previous,
    report,
    now: deps.now,
    issues: issueLinks(deps.issues, deps.blobUrl ?? null),
  });
  return { events, stateBody: renderNotifyState(next), hadPrevious: previous !== null };
}

/**
 * Sends the planned events (or prints them with `dry-run`); `recorded` says whether the push stored the new
 * state. Never throws; failures are warnings naming the host.
 */
export async function sendNotices(
  prepared: PreparedNotices,
  config: Config,
  deps: { logger: EngineLogger; recorded: boolean },
): Promise<NoticesResult> {
  const { events } = prepared;
  const hosts = [...new Set(config.notifyUrls.map(hostOf))].join(', ');
  if (config.dryRun) {
    for (const e of events) deps.logger.info(`dry-run: notice for ${hosts}: ${JSON.stringify(e)}`);
    deps.logger.info(`dry-run: ${events.length} notice(s) were not sent.`);
    return { events, endpoints: [], held: 'dry-run' };
  }
  if (events.length === 0) return { events, endpoints: [] };
  if (!deps.recorded) {
    deps.logger.warning(
      `Notices: ${events.length} event(s) held back because the state could not be pushed to the Pushgateway; they are sent by the next run that records it.`,
    );
    return { events, endpoints: [], held: 'state not recorded' };
  }
  const endpoints = await deliverNotices(events, {
    urls: config.notifyUrls,
    format: config.notifyFormat,
    logger: deps.logger,
    allowLinkLocal: config.allowLinkLocal,
  });
  const ok = endpoints.filter((r) => !r.error).length;
  deps.logger.info(`Notices: ${events.length} event(s) sent to ${ok} of ${endpoints.length} endpoint(s).`);
  return { events, endpoints };
}

function hostOf(raw: string): string {
  try {
    return new URL(raw.trim()).host;
  } catch {
    return '(not a URL)';
  }
}
