/**
 * The action's PR mode (`mode: pr`, pull requests and pushes): config → scan → reports (JSON/SARIF files,
 * check run or workflow-command annotations, job summary, outputs) → fail per `fail-on`. Every decision lives
 * in the pure modules it calls; the process adapters are in action-io.ts.
 */
import * as core from '@actions/core';
import {
  type ActionGitHub,
  type ActionIo,
  type ActionRun,
  actionGitHub,
  actionLogger,
  logFailure,
  logInfo,
  logWarning,
  setOutputs,
  writeCommands,
  writeJobSummary,
} from './action-io.js';
import { actionOutputRoots, writeOutputFile } from './config/output-file.js';
import { STATUS_OUTPUTS, statusOutputName } from './config/outputs.js';
import type { Config } from './config/schema.js';
import { createRegistryChecker } from './engine/registry.js';
import { type CheckImagesFn, type EngineLogger, runScan } from './engine/scan.js';
import { errorMessage } from './errors.js';
import { listChangedFiles } from './github/changed-files.js';
import type { RunContext } from './github/context.js';
import type { GitHubClient } from './github/octokit.js';
import type { RegistryCheck } from './registry/types.js';
import { renderAnnotation } from './report/annotations.js';
import { MAX_OUTPUT_CHARS, planCheckRun, publishCheckRun } from './report/check-run.js';
import { shouldFail } from './report/findings.js';
import { renderJson } from './report/json.js';
import type { Finding, Report, Severity } from './report/model.js';
import { filterReportToChangedFiles } from './report/only-changed.js';
import { renderSarif, sarifCapMessage, sarifOmittedCount } from './report/sarif.js';
import { renderSummary, type SummaryLinks } from './report/summary.js';
import { renderText } from './report/text.js';
import { redact } from './secrets.js';
import { markdownCode } from './untrusted.js';

/**
 * Workflow-command annotations shown per step and level: "10 warning, 10 error and 10 notice annotations
 * per step" (actions/toolkit docs/problem-matchers.md, Limitations); the rest are silently dropped.
 */
export const MAX_WORKFLOW_ANNOTATIONS_PER_LEVEL = 10;

/** Returns the reason and message of a registry check that could not authenticate on a restricted run. */
export function skipForRestrictedRun(check: RegistryCheck, restrictedReason: string): RegistryCheck {
  if (check.status !== 'authentication_failure') return check;
  const reason = `${restrictedReason}: secrets are not available`;
  const host = check.host ? `${check.host} needs credentials, but ` : '';
  return {
    ...check,
    status: 'skipped',
    reason,
    message: `Not checked: ${host}this is a ${reason}. The image is checked on pull requests from branches of this repository and after merge.`,
  };
}

/** Returns the action outputs for a report (counts per severity and per registry-check status). */
export function reportOutputs(report: Report): Record<string, string> {
  const s = report.summary.findings;
  const out: Record<string, string> = {
    errors: String(s.error),
    warnings: String(s.warning),
    notices: String(s.notice),
    images: String(report.images.length),
  };
  for (const status of STATUS_OUTPUTS)
    out[statusOutputName(status)] = String(report.summary.checks[status] ?? 0);
  return out;
}

/**
 * Return the workflow-command lines for the fallback path: the first 10 findings of each level (what the PR
 * page can show) and how many findings got no annotation. The text report in the log has them all.
 */
export function fallbackAnnotationLines(findings: readonly Finding[]): { lines: string[]; hidden: number } {
  const shown: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  const lines: string[] = [];
  for (const f of findings) {
    if (shown[f.severity] >= MAX_WORKFLOW_ANNOTATIONS_PER_LEVEL) continue;
    shown[f.severity]++;
    lines.push(renderAnnotation(f));
  }
  return { lines, hidden: findings.length - lines.length };
}

/** Runs PR mode with the configuration `runAction` loaded. */
export async function runPrMode(io: ActionIo, { config, root }: ActionRun): Promise<void> {
  const logger = actionLogger();
  const github = await actionGitHub(io, config, logger);
  let report = await runScan(config, {
    pathEnv: io.env.PATH,
    root,
    logger,
    ...restrictedChecker(config, io, logger, github.ctx?.restrictedReason ?? null),
  });
  const changed = await changedFilesFor(config, github.ctx, github.octokit);
  if (changed) report = filterReportToChangedFiles(report, changed);

  // Files first: the summary and the check run point at them.
  const filesNote = await writeReportFiles(report, config, root, io.env);
  logInfo(redact(renderText(report, { color: false })));

  const links = summaryLinks(github.ctx, io.env, config);
  const { checkRunUrl, fallbackNote } = await publishFindings(report, config, github, {
    summary: () => renderSummary(report, { ...links, maxBytes: MAX_OUTPUT_CHARS - 1024 }),
    text: filesNote,
  });
  await writeJobSummary(io.env, renderSummary(report, { ...links, checkRunUrl, fallbackNote }));
  finishPrRun(report, config, checkRunUrl);
}

/**
 * The registry checker of the run, or none offline. Fork and Dependabot PRs get no secrets: a registry that
 * wants credentials was not judged (`skipForRestrictedRun`). Credentials join the run's secret registry (and
 * the runner's mask) as the checker reads them.
 */
function restrictedChecker(
  config: Config,
  io: ActionIo,
  logger: EngineLogger,
  restricted: string | null,
): { checkImages?: CheckImagesFn } {
  if (config.offline) return {};
  const checker = createRegistryChecker(config, { env: io.env, logger });
  if (!restricted) return { checkImages: checker.checkImages };
  return {
    checkImages: async (targets) => {
      const results = await checker.checkImages(targets);
      return new Map([...results].map(([k, v]) => [k, skipForRestrictedRun(v, restricted)]));
    },
  };
}

/**
 * Writes the JSON and SARIF files the configuration asks for, inside the workspace or RUNNER_TEMP only, never
 * through a link out of them (output-file.ts); returns the note naming them for the check run.
 */
async function writeReportFiles(
  report: Report,
  config: Config,
  root: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  const roots = actionOutputRoots(root, env);
  const write = (setting: string, given: string, text: string) =>
    writeOutputFile({ setting, given, base: root, roots }, redact(text));
  const jsonFile = config.jsonFile ? await write('json-file', config.jsonFile, renderJson(report)) : null;
  const sarifFile = config.sarifFile
    ? await write('sarif-file', config.sarifFile, renderSarif(report))
    : null;
  if (sarifFile && sarifOmittedCount(report)) core.warning(sarifCapMessage(sarifOmittedCount(report)));
  return [
    jsonFile && `JSON report: ${markdownCode(config.jsonFile ?? '')}`,
    sarifFile && `SARIF: ${markdownCode(config.sarifFile ?? '')}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The links of the summary: the repository at the head commit, and the report files. */
function summaryLinks(
  ctx: RunContext | null,
  env: Record<string, string | undefined>,
  config: Config,
): SummaryLinks {
  return {
    serverUrl: ctx?.serverUrl ?? env.GITHUB_SERVER_URL ?? 'https://github.com',
    owner: ctx?.owner ?? '',
    repo: ctx?.repo ?? '',
    headSha: ctx?.headSha || 'HEAD',
    reportFiles: { json: config.jsonFile, sarif: config.sarifFile },
  };
}

/** Sets the outputs and fails the step when findings reach `fail-on`. */
function finishPrRun(report: Report, config: Config, checkRunUrl: string | null): void {
  const conclusion = shouldFail(report.findings, config.failOn) ? 'failure' : 'success';
  setOutputs({
    ...reportOutputs(report),
    'json-file': config.jsonFile ?? '',
    'sarif-file': config.sarifFile ?? '',
    conclusion,
    'check-run-url': checkRunUrl ?? '',
  });
  if (conclusion === 'failure') {
    const s = report.summary.findings;
    logFailure(
      `k8s-image-check found ${s.error} error(s), ${s.warning} warning(s) and ${s.notice} notice(s); fail-on is '${config.failOn}'. See the ${checkRunUrl ? 'check run and the ' : ''}job summary.`,
    );
  }
}

/**
 * Publish the findings as a check run on the head SHA; when that is impossible (no token, 403 on fork and
 * Dependabot PRs, other errors) emit workflow-command annotations instead and return the note saying why.
 */
async function publishFindings(
  report: Report,
  config: Config,
  github: ActionGitHub,
  extra: { summary: () => string; text: string },
): Promise<{ checkRunUrl: string | null; fallbackNote: string | null }> {
  const { ctx, octokit } = github;
  let fallbackReason: string | null =
    ctx !== null && !github.token
      ? "no GitHub token (input 'github-token' is empty), so no check run was created."
      : null;
  if (octokit && ctx?.headSha) {
    const res = await tryCheckRun(report, config, { ctx, octokit, ...extra });
    if (res.published) return { checkRunUrl: res.url, fallbackNote: null };
    fallbackReason = res.reason;
  }
  return { checkRunUrl: null, fallbackNote: annotateInstead(report, fallbackReason) };
}

/** Creates the check run; returns its URL, or why it could not be created. */
async function tryCheckRun(
  report: Report,
  config: Config,
  o: { ctx: RunContext; octokit: GitHubClient; summary: () => string; text: string },
): Promise<{ published: true; url: string | null } | { published: false; reason: string }> {
  const plan = planCheckRun(report, {
    failOn: config.failOn,
    summary: o.summary(),
    ...(o.text ? { text: o.text } : {}),
  });
  try {
    const res = await publishCheckRun(o.octokit, plan, {
      owner: o.ctx.owner,
      repo: o.ctx.repo,
      headSha: o.ctx.headSha,
      name: config.checkName,
      detailsUrl: o.ctx.runUrl,
    });
    if (!res.published) return { published: false, reason: res.reason };
    logInfo(
      `Check run "${config.checkName}" on ${o.ctx.headSha}: ${res.annotations} annotation(s) ${res.htmlUrl ?? ''}`,
    );
    if (res.incomplete) logWarning(redact(res.incomplete));
    return { published: true, url: res.htmlUrl };
  } catch (err: unknown) {
    return { published: false, reason: errorMessage(err) };
  }
}

/** Emits the fallback annotations; returns the note saying why (null when nothing was tried). */
function annotateInstead(report: Report, fallbackReason: string | null): string | null {
  const { lines, hidden } = fallbackAnnotationLines(report.findings);
  writeCommands(lines.map(redact));
  if (!fallbackReason) return null;
  const limit = `Only the first ${MAX_WORKFLOW_ANNOTATIONS_PER_LEVEL} annotations of each level show on the pull request page`;
  const fallbackNote = `Findings are reported as workflow annotations instead of a check run: ${fallbackReason} ${limit}${
    hidden > 0 ? `; ${hidden} more finding(s) are in this summary and the log.` : '.'
  }`;
  // The one log line that says why (not a warning annotation: it would take one of the 10 slots).
  logInfo(redact(fallbackNote));
  return fallbackNote;
}

async function changedFilesFor(
  config: Config,
  ctx: RunContext | null,
  octokit: GitHubClient | null,
): Promise<string[] | null> {
  if (!config.onlyChanged) return null;
  if (!ctx?.number || !octokit) {
    logInfo("only-changed: not a pull request run (or no token), so every file's findings are reported.");
    return null;
  }
  try {
    const { files, truncated } = await listChangedFiles(octokit, {
      owner: ctx.owner,
      repo: ctx.repo,
      number: ctx.number,
    });
    if (truncated) {
      logInfo(
        `only-changed: pull request #${ctx.number} changes 3000 files or more (the API's limit); reporting every file.`,
      );
      return null;
    }
    logInfo(
      `only-changed: reporting findings in the ${files.length} file(s) pull request #${ctx.number} changes.`,
    );
    return files;
  } catch (err: unknown) {
    logWarning(
      `only-changed: cannot list the files of pull request #${ctx.number} (${errorMessage(err)}); reporting every file.`,
    );
    return null;
  }
}
