/**
 * GitHub Action entry (PR mode): inputs → config → scan → reports (JSON/SARIF files, check run or
 * workflow-command annotations, job summary, outputs) → fail per `fail-on`. Only this file and `cli.ts`
 * import `@actions/core`; every decision lives in the pure modules it calls.
 */
import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { loadActionConfig } from './config/load.js';
import { actionOutputRoots, writeOutputFile } from './config/output-file.js';
import { STATUS_OUTPUTS, statusOutputName } from './config/outputs.js';
import { ConfigError } from './config/resolve.js';
import type { Config } from './config/schema.js';
import { createRegistryChecker } from './engine/registry.js';
import { type CheckImagesFn, type EngineLogger, runScan } from './engine/scan.js';
import { listChangedFiles } from './github/changed-files.js';
import { type RunContext, readPullRequestContext } from './github/context.js';
import { createOctokit, type GitHubClient, proxyFromEnv } from './github/octokit.js';
import { CredentialsError } from './registry/credentials/index.js';
import type { RegistryCheck } from './registry/types.js';
import { renderAnnotation } from './report/annotations.js';
import { BaselineError } from './report/baseline.js';
import { MAX_OUTPUT_CHARS, planCheckRun, publishCheckRun } from './report/check-run.js';
import { shouldFail } from './report/findings.js';
import { renderJson } from './report/json.js';
import type { Finding, Report, Severity } from './report/model.js';
import { filterReportToChangedFiles } from './report/only-changed.js';
import { renderSarif, sarifCapMessage, sarifOmittedCount } from './report/sarif.js';
import { renderSummary } from './report/summary.js';
import { renderText } from './report/text.js';
import { describeError, redact, setSecretSink } from './secrets.js';
import { logLines, markdownCode, plainLines } from './untrusted.js';

/**
 * Workflow-command annotations shown per step and level: "10 warning, 10 error and 10 notice annotations
 * per step" (actions/toolkit docs/problem-matchers.md, Limitations); the rest are silently dropped.
 */
export const MAX_WORKFLOW_ANNOTATIONS_PER_LEVEL = 10;

/** Everything the action reads from its process, injectable for tests. */
export interface ActionIo {
  env: Record<string, string | undefined>;
  /** Working directory when `GITHUB_WORKSPACE` is unset. */
  cwd: string;
  /** Extra mode handlers (cluster mode is wired by its own module). */
  modes?: Partial<Record<Config['mode'], (io: ActionIo) => Promise<void>>>;
  /** Sets the exit code of a run that could not do its work; default `process.exitCode`. */
  setExitCode?: (code: number) => void;
}

/**
 * Exit code of a run that could not do its work (a configuration or internal error). 1 is kept for
 * "findings at or above fail-on", so a crash never reads as findings.
 */
export const EXIT_ERROR = 2;

/**
 * The action's one writer of plain log lines: every text is redacted through the run's secret registry and
 * passes `logLines` (src/untrusted.ts), so no line of it can be a workflow command the tool did not write,
 * whatever a file name or a registry answer held.
 */
export function logInfo(text: string): void {
  core.info(logLines(redact(text)));
}

/** A warning annotation: `core.warning` escapes `%`, CR and LF; `plainLines` escapes the other controls. */
export function logWarning(text: string): void {
  core.warning(plainLines(redact(text)));
}

/** Fails the step with `text` (an error annotation, escaped like {@link logWarning}). */
export function logFailure(text: string): void {
  core.setFailed(plainLines(redact(text)));
}

/**
 * Writes lines the tool means as workflow commands (built by `workflowCommand`, which escapes every value),
 * unfiltered but redacted. The only raw writer besides @actions/core's own commands.
 */
export function writeCommands(lines: readonly string[]): void {
  for (const line of lines) core.info(redact(line));
}

/**
 * Returns the logger of both modes: the runner's log, every line redacted and escaped by the writers above,
 * with debug lines only when step debugging is on.
 */
export function actionLogger(): EngineLogger {
  const debugEnabled = core.isDebug();
  return {
    debug: (m) => {
      if (debugEnabled) core.debug(plainLines(redact(m)));
    },
    info: logInfo,
    warning: logWarning,
    debugEnabled,
  };
}

/**
 * Ends a run that could not do its work: one redacted line as an error annotation (the stack only in the
 * debug log) and exit code {@link EXIT_ERROR}, never 1.
 */
export function failRun(io: Pick<ActionIo, 'setExitCode'>, err: unknown): void {
  const message =
    err instanceof ConfigError || err instanceof BaselineError || err instanceof CredentialsError
      ? describeError(err)
      : `k8s-image-check failed: internal error: ${describeError(err)}. Please report this with the workflow run.`;
  core.error(plainLines(message));
  if (core.isDebug() && err instanceof Error && err.stack) core.debug(plainLines(redact(err.stack)));
  (io.setExitCode ?? ((code: number) => (process.exitCode = code)))(EXIT_ERROR);
}

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

export async function readEventPayload(env: Record<string, string | undefined>): Promise<unknown> {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    return JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as unknown;
  } catch (err: unknown) {
    logWarning(
      `Cannot read the event payload at GITHUB_EVENT_PATH (${err instanceof Error ? err.message : String(err)}); reporting on GITHUB_SHA without pull request details.`,
    );
    return {};
  }
}

export function readContext(env: Record<string, string | undefined>, payload: unknown): RunContext | null {
  try {
    return readPullRequestContext(env, payload);
  } catch (err: unknown) {
    logInfo(`${err instanceof Error ? err.message : String(err)} No check run will be created.`);
    return null;
  }
}

/** Runs the action (PR mode, or a mode handler from `io.modes`); failures end in `core.setFailed`. */
export async function runAction(io: ActionIo): Promise<void> {
  // Every secret the run learns (inputs, docker config, helpers, tokens) is masked for the runner too.
  setSecretSink(core.setSecret);
  try {
    const root = io.env.GITHUB_WORKSPACE || io.cwd;
    const loaded = await loadActionConfig(io.env, root);
    for (const w of loaded.warnings) core.warning(redact(w));
    const { config } = loaded;
    if (config.mode !== 'pr') {
      const handler = io.modes?.[config.mode];
      if (!handler)
        throw new ConfigError(`input 'mode': ${config.mode} mode is not available in this build.`);
      await handler(io);
      return;
    }
    await runPrMode(io, config, root);
  } catch (err: unknown) {
    failRun(io, err);
  }
}

async function runPrMode(io: ActionIo, config: Config, root: string): Promise<void> {
  const ctx = readContext(io.env, await readEventPayload(io.env));
  const token = config.githubToken ?? io.env.GITHUB_TOKEN ?? null;
  const octokit: GitHubClient | null =
    ctx && token
      ? createOctokit({
          token,
          baseUrl: ctx.apiUrl,
          proxy: proxyFromEnv(io.env),
          log: { debug: (m) => core.debug(plainLines(m)), info: logInfo, warn: logWarning },
        })
      : null;

  const logger = actionLogger();
  // Credentials join the run's secret registry (and the runner's mask) as the checker reads them.
  const checker = config.offline ? null : createRegistryChecker(config, { env: io.env, logger });

  // Fork and Dependabot PRs get no secrets: a registry that wants credentials was not judged.
  const restricted = ctx?.restrictedReason ?? null;
  let checkImages: CheckImagesFn | undefined = checker?.checkImages;
  if (checker && restricted) {
    checkImages = async (targets) => {
      const results = await checker.checkImages(targets);
      return new Map([...results].map(([k, v]) => [k, skipForRestrictedRun(v, restricted)]));
    };
  }

  const changed = await changedFilesFor(config, ctx, octokit);
  let report = await runScan(config, {
    pathEnv: io.env.PATH,
    root,
    logger,
    ...(checkImages ? { checkImages } : {}),
  });
  if (changed) report = filterReportToChangedFiles(report, changed);

  // Files first: the summary and the check run point at them.
  // Inside the workspace or RUNNER_TEMP only, never through a link out of them (output-file.ts).
  const roots = actionOutputRoots(root, io.env);
  const jsonFile = config.jsonFile
    ? await writeOutputFile(
        { setting: 'json-file', given: config.jsonFile, base: root, roots },
        redact(renderJson(report)),
      )
    : null;
  const sarifFile = config.sarifFile
    ? await writeOutputFile(
        { setting: 'sarif-file', given: config.sarifFile, base: root, roots },
        redact(renderSarif(report)),
      )
    : null;
  if (sarifFile && sarifOmittedCount(report)) core.warning(sarifCapMessage(sarifOmittedCount(report)));
  const filesNote = [
    jsonFile && `JSON report: ${markdownCode(config.jsonFile ?? '')}`,
    sarifFile && `SARIF: ${markdownCode(config.sarifFile ?? '')}`,
  ]
    .filter(Boolean)
    .join(' · ');

  logInfo(redact(renderText(report, { color: false })));

  const links = {
    serverUrl: ctx?.serverUrl ?? io.env.GITHUB_SERVER_URL ?? 'https://github.com',
    owner: ctx?.owner ?? '',
    repo: ctx?.repo ?? '',
    headSha: ctx?.headSha || 'HEAD',
  };
  const reportFiles = { json: config.jsonFile, sarif: config.sarifFile };
  const { checkRunUrl, fallbackNote } = await publishFindings(report, config, ctx, octokit, {
    summary: () => renderSummary(report, { ...links, reportFiles, maxBytes: MAX_OUTPUT_CHARS - 1024 }),
    text: filesNote,
    noToken: ctx !== null && !token,
  });

  await writeJobSummary(
    io.env,
    redact(renderSummary(report, { ...links, checkRunUrl, fallbackNote, reportFiles })),
  );

  const conclusion = shouldFail(report.findings, config.failOn) ? 'failure' : 'success';
  for (const [name, value] of Object.entries(reportOutputs(report))) core.setOutput(name, value);
  core.setOutput('json-file', config.jsonFile ?? '');
  core.setOutput('sarif-file', config.sarifFile ?? '');
  core.setOutput('conclusion', conclusion);
  core.setOutput('check-run-url', checkRunUrl ?? '');
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
  ctx: RunContext | null,
  octokit: GitHubClient | null,
  extra: { summary: () => string; text: string; noToken: boolean },
): Promise<{ checkRunUrl: string | null; fallbackNote: string | null }> {
  let fallbackReason: string | null = extra.noToken
    ? "no GitHub token (input 'github-token' is empty), so no check run was created."
    : null;
  if (octokit && ctx?.headSha) {
    const plan = planCheckRun(report, {
      failOn: config.failOn,
      summary: extra.summary(),
      ...(extra.text ? { text: extra.text } : {}),
    });
    try {
      const res = await publishCheckRun(octokit, plan, {
        owner: ctx.owner,
        repo: ctx.repo,
        headSha: ctx.headSha,
        name: config.checkName,
        detailsUrl: ctx.runUrl,
      });
      if (res.published) {
        logInfo(
          `Check run "${config.checkName}" on ${ctx.headSha}: ${res.annotations} annotation(s) ${res.htmlUrl ?? ''}`,
        );
        if (res.incomplete) logWarning(redact(res.incomplete));
        return { checkRunUrl: res.htmlUrl, fallbackNote: null };
      }
      fallbackReason = res.reason;
    } catch (err: unknown) {
      fallbackReason = err instanceof Error ? err.message : String(err);
    }
  }
  const { lines, hidden } = fallbackAnnotationLines(report.findings);
  writeCommands(lines.map(redact));
  if (!fallbackReason) return { checkRunUrl: null, fallbackNote: null };
  const limit = `Only the first ${MAX_WORKFLOW_ANNOTATIONS_PER_LEVEL} annotations of each level show on the pull request page`;
  const fallbackNote = `Findings are reported as workflow annotations instead of a check run: ${fallbackReason} ${limit}${
    hidden > 0 ? `; ${hidden} more finding(s) are in this summary and the log.` : '.'
  }`;
  // The one log line that says why (not a warning annotation: it would take one of the 10 slots).
  logInfo(redact(fallbackNote));
  return { checkRunUrl: null, fallbackNote };
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
      `only-changed: cannot list the files of pull request #${ctx.number} (${err instanceof Error ? err.message : String(err)}); reporting every file.`,
    );
    return null;
  }
}

async function writeJobSummary(env: Record<string, string | undefined>, markdown: string): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (err: unknown) {
    logWarning(`Cannot write the job summary: ${err instanceof Error ? err.message : String(err)}.`);
  }
}
