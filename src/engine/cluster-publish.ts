/**
 * Cluster mode's publishing half, shared by the action and the CLI: one GitHub issue per unhealthy or
 * drifted workload, and the Pushgateway group of the cluster. Only called after the cluster could be
 * listed: a run that saw nothing changes nothing.
 */
import { type NoticesResult, prepareNotices, sendNotices } from '../cluster/notify.js';
import { renderIssueSummary } from '../cluster/publish/issue-summary.js';
import { applyIssuePlan, listManagedIssues, planIssues } from '../cluster/publish/issues.js';
import type { IssueResult } from '../cluster/publish/issues-publish.js';
import { gatewaySettings, type PushResult, pushReportMetrics } from '../cluster/publish/pushgateway.js';
import type { DriftReport } from '../cluster/types.js';
import type { Config } from '../config/schema.js';
import {
  describeNetworkFailure,
  describeRequestError,
  type GitHubClient,
  gitHubNetworkFailure,
} from '../github/octokit.js';
import type { EngineLogger } from './scan.js';

/** Where issues go: a client for the repository, and links for the issue bodies. */
export interface IssueTarget {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  runUrl?: string | null;
  /** Prefix for manifest links, e.g. `https://github.com/o/r/blob/<sha>/`. */
  blobUrl?: string | null;
}

/** What publishing did. */
export interface PublishResult {
  issues: IssueResult[];
  /** Markdown for the job summary (empty when issues were not managed). */
  issueSummary: string;
  push: PushResult | null;
  /** Crash/release notices (`notify-urls`), when configured. */
  notices?: NoticesResult;
}

/** What publishing needs besides the report and the config. */
export interface PublishDeps {
  logger: EngineLogger;
  github: IssueTarget | null;
  now: Date;
  fetch?: typeof fetch;
}

/** Plans and applies issues, then pushes metrics, as the configuration asks. Failures become warnings. */
export async function publishClusterReport(
  report: DriftReport,
  config: Config,
  deps: PublishDeps,
): Promise<PublishResult> {
  const out: PublishResult = { issues: [], issueSummary: '', push: null };
  if (config.issues && deps.github)
    Object.assign(out, await manageIssues(report, config, { ...deps, github: deps.github }));
  else if (config.issues)
    deps.logger.debug(
      'Issues are not managed: no GitHub token and repository (set GITHUB_TOKEN and GITHUB_REPOSITORY).',
    );
  // Notices plan against the state the previous push left, and ride on this push (see cluster/notify.ts).
  const notices = await prepareNotices(report, config, {
    logger: deps.logger,
    now: deps.now,
    issues: out.issues,
    blobUrl: deps.github?.blobUrl ?? null,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  out.push = await pushClusterMetrics(report, config, { ...deps, extraBody: notices?.stateBody });
  if (notices)
    out.notices = await sendNotices(notices, config, {
      logger: deps.logger,
      recorded: out.push?.ok === true,
    });
  return out;
}

/**
 * Why issues could not be managed and what to do: a network failure names the API host (connectivity,
 * GITHUB_API_URL, proxy); only a 401/403/404 answer is a token or permission matter. The last sentence says
 * what still happens to the metrics, which depends on the Pushgateway settings.
 */
export function issuesFailureMessage(
  err: unknown,
  g: { owner: string; repo: string },
  config: Pick<Config, 'pushgatewayUrl' | 'dryRun'>,
): string {
  const where = `${g.owner}/${g.repo}`;
  const metrics = !config.pushgatewayUrl
    ? ''
    : config.dryRun
      ? ' Metrics are not pushed either (dry-run).'
      : ' Metrics are still pushed.';
  const network = gitHubNetworkFailure(err);
  if (network) return `Cannot manage issues in ${where}: ${describeNetworkFailure(network)}.${metrics}`;
  const { status, message } = describeRequestError(err);
  const why = `${status ?? 'error'}: ${message.split('\n')[0]}`;
  if (status === 401)
    return `Cannot manage issues in ${where} (${why}); the token is invalid or expired: check GITHUB_TOKEN or the github-token input, or set issues: false.${metrics}`;
  if (status === 403 || status === 404)
    return `Cannot manage issues in ${where} (${why}); give the workflow "permissions: issues: write" or set issues: false.${metrics}`;
  return `Cannot manage issues in ${where} (${why}); the next run retries.${metrics}`;
}

/** Lists, plans and applies the managed issues; a failure to reach GitHub is a warning, not a crash. */
async function manageIssues(
  report: DriftReport,
  config: Config,
  deps: PublishDeps & { github: IssueTarget },
): Promise<Pick<PublishResult, 'issues' | 'issueSummary'>> {
  const g = deps.github;
  try {
    const existing = await listManagedIssues(g, config.issueLabel);
    const actions = planIssues(existing, report.workloads, {
      cluster: report.cluster,
      label: config.issueLabel,
      resolveRuns: config.resolveRuns,
      maxOpenPerRun: config.maxIssuesPerRun,
      runComplete: report.complete,
      now: deps.now,
      ...(g.runUrl ? { runUrl: g.runUrl } : {}),
      ...(g.blobUrl ? { blobUrl: g.blobUrl } : {}),
      pods: report.pods,
      scope: { namespaces: config.namespaces, excludeNamespaces: config.excludeNamespaces },
      errors: report.errors,
    });
    // The octokit client already spaces writes (throttling plugin), so no extra pause here.
    const applied = await applyIssuePlan(g, actions, { dryRun: config.dryRun, pauseMs: 0 });
    for (const w of applied.warnings) deps.logger.warning(w);
    for (const r of applied.results) if (!r.ok && r.error) deps.logger.warning(r.error);
    return { issues: applied.results, issueSummary: renderIssueSummary(report.cluster, applied.results) };
  } catch (err: unknown) {
    deps.logger.warning(issuesFailureMessage(err, g, config));
    return { issues: [], issueSummary: '' };
  }
}

/** Pushes the report's metrics (and the notices' state) unless there is no gateway or this is a dry run. */
async function pushClusterMetrics(
  report: DriftReport,
  config: Config,
  deps: PublishDeps & { extraBody: string | undefined },
): Promise<PushResult | null> {
  if (!config.pushgatewayUrl) return null;
  if (config.dryRun) {
    deps.logger.info(`dry-run: metrics for cluster ${report.cluster} were not pushed.`);
    return null;
  }
  const push = await pushReportMetrics(report, {
    ...gatewaySettings({ ...config, pushgatewayUrl: config.pushgatewayUrl }, deps.fetch),
    now: deps.now,
    ...(deps.extraBody ? { extraBody: deps.extraBody } : {}),
  });
  if (!push.ok) deps.logger.warning(push.message);
  else deps.logger.info(`Pushed metrics for cluster ${report.cluster} to ${push.target}.`);
  return push;
}
