/**
 * `k8s-image-check drift`: compare the live cluster (or `--pods-file`/`--objects-file` dumps) with the manifests
 * at `--manifests`, classify pod health and print a `DriftReport` (`--format json|text`).
 *
 * Exit status: 0 nothing at or above `--fail-on`; 1 a workload at or above it (critical ≡ error, info ≡ notice); 2 usage
 * error or the cluster could not be seen (nothing was judged).
 *
 * Publishing: issues and metrics as configured for a live cluster; for dumps only with an explicit `--issues`
 * / `--pushgateway-url` (`publishingConfig`). `--dry-run` prints the issue plan to stderr.
 */
import { DumpError } from '../cluster/dump.js';
import { KubeAccessError } from '../cluster/kube.js';
import { renderDriftJson, renderDriftText } from '../cluster/render.js';
import type { DriftReport, HealthSeverity } from '../cluster/types.js';
import { CHECK_SEVERITY } from '../cluster/workloads.js';
import type { LoadedConfig } from '../config/load.js';
import { writeOutputFile } from '../config/output-file.js';
import { ConfigError, originOf, type SettingOrigins } from '../config/resolve.js';
import type { Config } from '../config/schema.js';
import type { PublishResult } from '../engine/cluster-publish.js';
import { type ClusterModeDeps, runClusterMode } from '../engine/drift.js';
import type { EngineLogger } from '../engine/scan.js';
import { redact } from '../secrets.js';
import { anyFailsAt, isAtLeast, isFailOn } from '../severity.js';
import { logLines, plain } from '../untrusted.js';
import { createCliLogger, quietable } from './cli-logger.js';

/** Streams and environment the command runs with (the CLI's own `CliIo`). */
export interface DriftCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Adapters of the command (the CLI passes the real ones; tests their own). */
export interface DriftCommandDeps {
  /** Desired image uses under `config.manifests` (the PR-mode scanner). */
  scanManifests: ClusterModeDeps['scanManifests'];
  loadConfig: (args: string[]) => Promise<LoadedConfig>;
  /** Registry checker factory; default `createRegistryChecker`. */
  createChecker?: ClusterModeDeps['createChecker'];
  /** Wall clock in ms (the report's generatedAt). */
  clock?: () => number;
  /**
   * Issues and metrics after a run that could see the cluster (the CLI passes `publishClusterReport`). It
   * receives the configuration after the dump rule of `publishingConfig`; what it returns is used for the
   * `--dry-run` plan.
   */
  publish?: (
    report: DriftReport,
    config: Config,
    logger: EngineLogger,
  ) => Promise<Pick<PublishResult, 'issueSummary'> | undefined>;
}

/**
 * Returns the configuration publishing may use. A run on dumps (`--pods-file`/`--objects-file`) is a
 * classification, not a scheduled check: it manages issues only with an explicit `--issues` on the command
 * line, and pushes metrics only with an explicit `--pushgateway-url`, so a shell with `GITHUB_TOKEN` and
 * `GITHUB_REPOSITORY` set never opens "offline: …" issues by accident. A live run uses the configuration as is.
 */
export function publishingConfig(config: Config, origins: SettingOrigins, logger: EngineLogger): Config {
  if (config.podsFile === null && config.objectsFile === null) return config;
  // The resolved config says which source set each value: no second reading of argv.
  const issues = config.issues && originOf(origins, 'issues').source === 'flag';
  const push = config.pushgatewayUrl !== null && originOf(origins, 'pushgatewayUrl').source === 'flag';
  if (config.issues && !issues)
    logger.debug(
      'Issues are not managed for dump input (--pods-file/--objects-file) unless --issues is given on the command line.',
    );
  if (config.pushgatewayUrl !== null && !push)
    logger.debug(
      'Metrics are not pushed for dump input (--pods-file/--objects-file) unless --pushgateway-url is given on the command line.',
    );
  return { ...config, issues, pushgatewayUrl: push ? config.pushgatewayUrl : null };
}

/**
 * Returns whether a report should fail the run at `failOn`: a workload at or above it on the scale of
 * `severity.ts` (`critical` ≡ `error`, `warning`, `info` ≡ `notice`; `never` fails nothing).
 */
export function driftShouldFail(report: DriftReport, failOn: string): boolean {
  // The config enum admits only fail-on words; an unknown value (a caller's bug) falls back to warning.
  const level = isFailOn(failOn) ? failOn : 'warning';
  return anyFailsAt(
    report.workloads.map((w) => w.severity),
    level,
  );
}

/**
 * Returns the first line of the issue plan: how many workloads need an issue, pod health (pods, live images)
 * counted apart from drift (a workload only in git, or running another image than git says).
 */
export function issuePlanCounts(report: DriftReport): string {
  const needing = report.workloads.filter((w) => w.unhealthy);
  const bad = (s: HealthSeverity) => isAtLeast(s, 'warning');
  const health = needing.filter(
    (w) => w.classes.some((c) => bad(c.severity)) || w.images.some((i) => bad(CHECK_SEVERITY[i.status])),
  ).length;
  return `${needing.length} workload(s) need an issue: ${health} for pod health or live images, ${needing.length - health} for drift only.`;
}

/** Runs `drift` with the given arguments and returns the exit code. */
export async function runDriftCommand(
  args: string[],
  io: DriftCommandIo,
  deps: DriftCommandDeps,
): Promise<number> {
  const loaded = await deps.loadConfig(args);
  const { config, root } = loaded;
  if (config.format === 'sarif' || config.format === 'github' || config.format === 'junit')
    throw new ConfigError(`--format ${config.format} is only available for scan; drift prints text or json.`);
  // Secret settings (the kubeconfig text included), kubeconfig tokens and registry credentials join the
  // run's secret registry as they are read; everything printed or written is redacted through it.
  const logger = quietable(createCliLogger(io.env, io.stderr), config.quiet);
  for (const w of loaded.warnings) logger.warning(w);
  try {
    const report = await runClusterMode(config, {
      root,
      env: io.env,
      logger,
      scanManifests: deps.scanManifests,
      ...(deps.createChecker ? { createChecker: deps.createChecker } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
    for (const message of new Set(report.errors.map((e) => e.message))) logger.warning(message);
    await writeDriftReports(report, loaded, io);
    const published = await deps.publish?.(report, publishingConfig(config, loaded.origins, logger), logger);
    if (config.dryRun) io.stderr.write(dryRunNote(report, published?.issueSummary));
    return driftShouldFail(report, config.failOn) ? 1 : 0;
  } catch (err: unknown) {
    if (err instanceof KubeAccessError || err instanceof DumpError) {
      io.stderr.write(
        `k8s-image-check drift: ${logLines(plain(redact(err.message)))}\nNothing was judged: no issue or metric may change.\n`,
      );
      return 2;
    }
    throw err;
  }
}

/** Prints (or writes with `--output`) the report in its format, then the `--json-file` copy. */
async function writeDriftReports(
  report: DriftReport,
  loaded: LoadedConfig,
  io: DriftCommandIo,
): Promise<void> {
  const { config, root } = loaded;
  const text = redact(config.format === 'json' ? renderDriftJson(report) : renderDriftText(report));
  const place = (setting: string, given: string) => ({
    setting,
    given,
    base: root,
    roots: loaded.outputRoots,
  });
  if (config.output) await writeOutputFile(place('--output', config.output), text);
  const shown = driftStdoutText(report, config, text);
  if (shown) io.stdout.write(logLines(shown));
  if (config.jsonFile)
    await writeOutputFile(place('--json-file', config.jsonFile), redact(renderDriftJson(report)));
}

/** --summary: the totals line (and the incomplete warning); --quiet: nothing, the exit code tells. */
function driftStdoutText(
  report: DriftReport,
  config: { quiet: boolean; summaryOnly: boolean; output: string | null },
  text: string,
): string {
  if (config.quiet) return '';
  if (config.summaryOnly) {
    const summary = renderDriftText(report)
      .split('\n')
      .slice(0, report.complete ? 1 : 2);
    return `${redact(summary.join('\n'))}\n`;
  }
  return config.output ? '' : text;
}

/** What `--dry-run` prints to stderr: the issue plan, or why there is none. */
function dryRunNote(report: DriftReport, issueSummary: string | undefined): string {
  const plan = issueSummary ? redact(issueSummary) : '';
  return plan
    ? logLines(`dry-run: nothing was written. The issue plan: ${issuePlanCounts(report)}\n\n${plan}\n`)
    : 'dry-run: nothing was written; no issue plan (issues are off, or no GITHUB_TOKEN and GITHUB_REPOSITORY).\n';
}
