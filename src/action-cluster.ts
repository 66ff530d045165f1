/**
 * The action's cluster mode (`mode: cluster`, scheduled workflows): list the cluster, compare it with the
 * manifests of the checked-out default branch, classify pod health, check live images, then manage one issue
 * per unhealthy or drifted workload and push the cluster's metrics group. A run that cannot see the cluster
 * fails and changes nothing.
 */
import {
  type ActionIo,
  type ActionRun,
  actionGitHub,
  actionLogger,
  logFailure,
  logInfo,
  logWarning,
  setOutputs,
  writeJobSummary,
} from './action-io.js';
import { DumpError } from './cluster/dump.js';
import { KubeAccessError } from './cluster/kube.js';
import { countWorkloads, renderDriftJson, renderDriftText } from './cluster/render.js';
import type { DriftReport } from './cluster/types.js';
import { driftShouldFail, issuePlanCounts } from './commands/drift.js';
import { actionOutputRoots, writeOutputFile } from './config/output-file.js';
import { STATUS_OUTPUTS, statusOutputName } from './config/outputs.js';
import type { Config } from './config/schema.js';
import { type PublishResult, publishClusterReport } from './engine/cluster-publish.js';
import { runClusterMode } from './engine/drift.js';
import { type EngineLogger, scanDesiredUses } from './engine/scan.js';
import { redact } from './secrets.js';
import { markdownCode, markdownFence } from './untrusted.js';

/** Returns the cluster-mode outputs of a report and what publishing did. */
export function clusterOutputs(report: DriftReport, published: PublishResult | null): Record<string, string> {
  const counts = countWorkloads(report);
  const count = (sev: string) => report.workloads.filter((w) => w.severity === sev).length;
  const out: Record<string, string> = {
    errors: String(count('critical')),
    warnings: String(count('warning')),
    notices: String(count('info')),
    images: String(report.images?.length ?? 0),
    drifted: String(report.drift.filter((d) => d.status !== 'in_sync').length),
    // Pod health and drift apart: a workload only in git is drift, not an unhealthy workload.
    'unhealthy-workloads': String(counts.unhealthy),
    'drifted-workloads': String(counts.drifted),
    'issues-opened': String(
      published?.issues.filter((r) => r.ok && !r.dryRun && r.action.type === 'create').length ?? 0,
    ),
    'issues-closed': String(
      published?.issues.filter((r) => r.ok && !r.dryRun && r.action.type === 'close').length ?? 0,
    ),
  };
  for (const status of STATUS_OUTPUTS)
    out[statusOutputName(status)] = String(
      report.images?.filter((i) => i.check.status === status).length ?? 0,
    );
  return out;
}

/** This repository's URL from the workflow environment, so Argo CD sources of other repositories are left out. */
export function repositoryUrls(env: Record<string, string | undefined>): string[] {
  if (!env.GITHUB_REPOSITORY) return [];
  return [`${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}`];
}

/**
 * Runs cluster mode with the configuration `runAction` loaded (and whose warnings it logged). Secret inputs,
 * kubeconfig tokens and registry credentials join the run's secret registry as they are read (runAction
 * installed core.setSecret as its sink); every channel below is redacted through it.
 */
export async function runClusterAction(io: ActionIo, { config, root }: ActionRun): Promise<void> {
  const logger = actionLogger();
  const report = await judgeCluster(io, { config, root }, logger);
  if (!report) return;
  for (const message of new Set(report.errors.map((e) => e.message))) logWarning(message);
  // Every line of the text is one line already (`plain`); the writer neutralises anything left (`logLines`)
  // and redacts through the run's secret registry (a pull error may quote a credential).
  logInfo(renderDriftText(report));
  if (config.jsonFile)
    await writeOutputFile(
      { setting: 'json-file', given: config.jsonFile, base: root, roots: actionOutputRoots(root, io.env) },
      redact(renderDriftJson(report)),
    );
  const { ctx, octokit } = await actionGitHub(io, config, logger);
  const github =
    ctx && octokit
      ? {
          octokit,
          owner: ctx.owner,
          repo: ctx.repo,
          runUrl: ctx.runUrl,
          blobUrl: `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/blob/${ctx.headSha}/`,
        }
      : null;
  const published = await publishClusterReport(report, config, { logger, github, now: new Date() });
  await writeJobSummary(io.env, clusterSummaryMarkdown(report, published.issueSummary));
  finishClusterRun(report, config, published);
}

/** Lists and judges the cluster; null (the step failed, nothing changed) when it could not be seen. */
async function judgeCluster(io: ActionIo, { config, root }: ActionRun, logger: EngineLogger) {
  try {
    return await runClusterMode(config, {
      root,
      env: io.env,
      logger,
      scanManifests: (c, r, l) => scanDesiredUses(c, r, l, io.env.PATH, repositoryUrls(io.env)),
    });
  } catch (err: unknown) {
    if (err instanceof KubeAccessError || err instanceof DumpError) {
      logFailure(`${err.message} Nothing was judged: no issue was changed and no metric was pushed.`);
      return null;
    }
    throw err;
  }
}

/** The job summary of a cluster run: the text report in a fence, and the issue plan. */
export function clusterSummaryMarkdown(report: DriftReport, issueSummary: string | null | undefined): string {
  const text = renderDriftText(report);
  const shown =
    text.length > 600_000 ? `${text.slice(0, 600_000)}\n… (truncated; the JSON report has everything)` : text;
  // Pod messages may hold backticks: the fence is longer than any backtick run, so they cannot close it.
  const fence = markdownFence(shown);
  return [
    `## k8s-image-check: cluster ${markdownCode(report.cluster)}`,
    '',
    report.complete
      ? ''
      : '> [!WARNING]\n> Some lists failed (see the log); nothing about what could not be seen was resolved.\n',
    `${fence}text`,
    shown,
    fence,
    '',
    issueSummary ? `${issuePlanCounts(report)}\n\n${issueSummary}` : '',
  ].join('\n');
}

/** Sets the outputs and fails the step when a workload reaches `fail-on`. */
function finishClusterRun(report: DriftReport, config: Config, published: PublishResult): void {
  const failed = driftShouldFail(report, config.failOn);
  setOutputs({
    ...clusterOutputs(report, published),
    'json-file': config.jsonFile ?? '',
    conclusion: failed ? 'failure' : 'success',
  });
  if (failed)
    logFailure(
      `Workloads at or above fail-on (${config.failOn}) in cluster ${report.cluster}: see the summary and the issues.`,
    );
}
