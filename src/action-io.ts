/**
 * The action's process adapters, shared by both modes (src/action-pr.ts, src/action-cluster.ts): the
 * redacting log writers, the run's exit code, the workflow context and the GitHub client. Only these files
 * and the CLI's import `@actions/core`.
 */
import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { ConfigError } from './config/resolve.js';
import type { Config } from './config/schema.js';
import type { EngineLogger } from './engine/scan.js';
import { errorMessage } from './errors.js';
import { type RunContext, readPullRequestContext } from './github/context.js';
import { type GitHubClient, githubClient } from './github/octokit.js';
import { CredentialsError } from './registry/credentials/index.js';
import { BaselineError } from './report/baseline.js';
import { describeError, redact } from './secrets.js';
import { logLines, plainLines } from './untrusted.js';

/** The configuration a mode runs with, loaded once by `runAction`, and the workspace root. */
export interface ActionRun {
  config: Config;
  root: string;
}

/** A mode of the action: PR mode (src/action-pr.ts) or cluster mode (src/action-cluster.ts). */
export type ActionMode = (io: ActionIo, run: ActionRun) => Promise<void>;

/** Everything the action reads from its process, injectable for tests. */
export interface ActionIo {
  env: Record<string, string | undefined>;
  /** Working directory when `GITHUB_WORKSPACE` is unset. */
  cwd: string;
  /** Extra mode handlers (cluster mode is wired by its own module). */
  modes?: Partial<Record<Config['mode'], ActionMode>>;
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

export async function readEventPayload(env: Record<string, string | undefined>): Promise<unknown> {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    return JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as unknown;
  } catch (err: unknown) {
    logWarning(
      `Cannot read the event payload at GITHUB_EVENT_PATH (${errorMessage(err)}); reporting on GITHUB_SHA without pull request details.`,
    );
    return {};
  }
}

export function readContext(env: Record<string, string | undefined>, payload: unknown): RunContext | null {
  try {
    return readPullRequestContext(env, payload);
  } catch (err: unknown) {
    logInfo(`${errorMessage(err)} No check run will be created.`);
    return null;
  }
}

/** The workflow context and the GitHub client of a run (null without a context or a token). */
export interface ActionGitHub {
  ctx: RunContext | null;
  /** The `github-token` input, else `GITHUB_TOKEN`; null when neither is set. */
  token: string | null;
  octokit: GitHubClient | null;
}

/** Reads the workflow context and builds the run's GitHub client through the one factory (proxy included). */
export async function actionGitHub(
  io: Pick<ActionIo, 'env'>,
  config: Config,
  logger: EngineLogger,
): Promise<ActionGitHub> {
  const ctx = readContext(io.env, await readEventPayload(io.env));
  const token = config.githubToken ?? io.env.GITHUB_TOKEN ?? null;
  const octokit = ctx && token ? githubClient({ token, env: io.env, logger }) : null;
  return { ctx, token, octokit };
}

/** Writes the job summary (when the runner gives a summary file); a failure is a warning, not the run's end. */
export async function writeJobSummary(
  env: Record<string, string | undefined>,
  markdown: string,
): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(redact(markdown), true).write();
  } catch (err: unknown) {
    logWarning(`Cannot write the job summary: ${errorMessage(err)}.`);
  }
}

/** Sets every action output of a run (values as strings, as the runner stores them). */
export function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}
