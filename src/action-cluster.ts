/**
 * The action's cluster mode (`mode: cluster`, scheduled workflows): list the cluster, compare it with the
 * manifests of the checked-out default branch, classify pod health, check live images, then manage one issue
 * per unhealthy or drifted workload and push the cluster's metrics group. A run that cannot see the cluster
 * fails and changes nothing.
 */
import * as core from '@actions/core';
import {
  type ActionIo,
  actionLogger,
  logFailure,
  logInfo,
  logWarning,
  readContext,
  readEventPayload,
} from './action.js';
import { DumpError } from './cluster/dump.js';
import { KubeAccessError } from './cluster/kube.js';
import { countWorkloads, renderDriftJson, renderDriftText } from './cluster/render.js';
import type { DriftReport } from './cluster/types.js';
import { driftShouldFail, issuePlanCounts } from './commands/drift.js';
import { loadActionConfig } from './config/load.js';
import { actionOutputRoots, writeOutputFile } from './config/output-file.js';
import { STATUS_OUTPUTS, statusOutputName } from './config/outputs.js';
import { type PublishResult, publishClusterReport } from './engine/cluster-publish.js';
import { runClusterMode } from './engine/drift.js';
import { scanDesiredUses } from './engine/scan.js';
import { createOctokit } from './github/octokit.js';
import { redact } from './secrets.js';
import { markdownCode, markdownFence, plainLines } from './untrusted.js';

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

/** Runs cluster mode inside the action; failures end in `core.setFailed`. */
export async function runClusterAction(io: ActionIo): Promise<void> {
  const root = io.env.GITHUB_WORKSPACE || io.cwd;
  // runAction loaded the same configuration first and logged its warnings.
  const { config } = await loadActionConfig(io.env, root);
  // Secret inputs, kubeconfig tokens and registry credentials join the run's secret registry as they are
  // read (runAction installed core.setSecret as its sink); every channel below is redacted through it.
  const logger = actionLogger();
  let report: DriftReport;
  try {
    report = await runClusterMode(config, {
      root,
      env: io.env,
      logger,
      scanManifests: (c, r, l) => scanDesiredUses(c, r, l, io.env.PATH, repositoryUrls(io.env)),
    });
  } catch (err: unknown) {
    if (err instanceof KubeAccessError || err instanceof DumpError) {
      logFailure(`${err.message} Nothing was judged: no issue was changed and no metric was pushed.`);
      return;
    }
    throw err;
  }
  for (const message of new Set(report.errors.map((e) => e.message))) logWarning(message);
  // Every line of the text is one line already (`plain`); the writer neutralises anything left (`logLines`)
  // and redacts through the run's secret registry (a pull error may quote a credential).
  logInfo(renderDriftText(report));
  if (config.jsonFile)
    await writeOutputFile(
      { setting: 'json-file', given: config.jsonFile, base: root, roots: actionOutputRoots(root, io.env) },
      redact(renderDriftJson(report)),
    );

  const ctx = readContext(io.env, await readEventPayload(io.env));
  const token = config.githubToken ?? io.env.GITHUB_TOKEN ?? null;
  const github =
    ctx && token
      ? {
          octokit: createOctokit({
            token,
            baseUrl: ctx.apiUrl,
            log: { debug: (m) => core.debug(plainLines(m)), info: logInfo, warn: logWarning },
          }),
          owner: ctx.owner,
          repo: ctx.repo,
          runUrl: ctx.runUrl,
          blobUrl: `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/blob/${ctx.headSha}/`,
        }
      : null;
  const published = await publishClusterReport(report, config, { logger, github, now: new Date() });

  if (io.env.GITHUB_STEP_SUMMARY) {
    const text = renderDriftText(report);
    const shown =
      text.length > 600_000
        ? `${text.slice(0, 600_000)}\n… (truncated; the JSON report has everything)`
        : text;
    // Pod messages may hold backticks: the fence is longer than any backtick run, so they cannot close it.
    const fence = markdownFence(shown);
    const md = [
      `## k8s-image-check: cluster ${markdownCode(report.cluster)}`,
      '',
      report.complete
        ? ''
        : '> [!WARNING]\n> Some lists failed (see the log); nothing about what could not be seen was resolved.\n',
      `${fence}text`,
      shown,
      fence,
      '',
      published.issueSummary ? `${issuePlanCounts(report)}\n\n${published.issueSummary}` : '',
    ].join('\n');
    try {
      await core.summary.addRaw(redact(md), true).write();
    } catch (err: unknown) {
      logWarning(`Cannot write the job summary: ${err instanceof Error ? err.message : String(err)}.`);
    }
  }
  const failed = driftShouldFail(report, config.failOn);
  for (const [name, value] of Object.entries(clusterOutputs(report, published))) core.setOutput(name, value);
  core.setOutput('json-file', config.jsonFile ?? '');
  core.setOutput('conclusion', failed ? 'failure' : 'success');
  if (failed)
    logFailure(
      `Workloads at or above fail-on (${config.failOn}) in cluster ${report.cluster}: see the summary and the issues.`,
    );
}
