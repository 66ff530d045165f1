#!/usr/bin/env node
/**
 * CLI entry: `k8s-image-check scan|drift|ref`. argv → config → engine → stdout → exit code
 * (0 clean, 1 findings at or above --fail-on, 2 usage or internal error).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { runCheckCommand } from './commands/check.js';
import { createCliLogger } from './commands/cli-logger.js';
import { runDriftCommand } from './commands/drift.js';
import { runInitCommand } from './commands/init.js';
import { runRefCommand } from './commands/ref.js';
import { type LoadedConfig, loadCliConfig } from './config/load.js';
import { writeOutputFile } from './config/output-file.js';
import { ConfigError } from './config/resolve.js';
import { OPTIONS, type OptionMode } from './config/schema.js';
import { baselinePath, readBaselineFile } from './engine/baseline.js';
import { type IssueTarget, publishClusterReport } from './engine/cluster-publish.js';
import { createRegistryChecker } from './engine/registry.js';
import { type EngineLogger, runScan, scanDesiredUses } from './engine/scan.js';
import { githubClient } from './github/octokit.js';
import { DiscoveryError } from './manifests/discover.js';
import { renderAnnotations } from './report/annotations.js';
import { BaselineError, DEFAULT_BASELINE_FILE, parseBaseline, renderBaseline } from './report/baseline.js';
import { shouldFail } from './report/findings.js';
import { renderJson } from './report/json.js';
import { renderJunit } from './report/junit.js';
import type { FailOn, Report } from './report/model.js';
import { renderSarif, sarifCapMessage, sarifOmittedCount } from './report/sarif.js';
import { renderText } from './report/text.js';
import { describeError, redact } from './secrets.js';
import { logLines, plain, plainLines } from './untrusted.js';
import { VERSION } from './version.js';

/** Streams and environment the CLI runs with (injectable for tests). */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

const USAGE = `Usage: k8s-image-check <command> [options]

Commands:
  scan [PATH...]   Find every container image in Kubernetes manifests, check tags and registries.
  drift            Compare a live cluster with the manifests; classify pod health.
  check [IMAGE...] Ask the registries about images directly: status, digest, media type, platforms.
  ref [REF...]     Explain image references (reads stdin when no REF is given).
  init [PATH]      Write a commented .k8s-image-check.yaml with every key and its default.
  baseline [PATH...] Accept the current findings: write them to the baseline file.

Run "k8s-image-check <command> --help" for the options of a command, "k8s-image-check --version" for the version.
`;

/** Returns the help text of a command, generated from the option schema. */
export function commandHelp(command: 'scan' | 'drift'): string {
  const mode: OptionMode = command === 'scan' ? 'scan' : 'cluster';
  const lines = [
    command === 'scan'
      ? 'Usage: k8s-image-check scan [PATH...] [options]\n\nScan manifests under PATH (default: .) and check every image.'
      : 'Usage: k8s-image-check drift [options]\n\nCompare the live cluster with --manifests and classify pod health.',
    '',
    'Options:',
  ];
  for (const o of OPTIONS) {
    if (!o.flag || o.actionOnly || !o.modes.includes(mode)) continue;
    const arg = o.type === 'boolean' ? '' : o.type === 'enum' ? ` <${o.values?.join('|')}>` : ' <value>';
    let def = '';
    if (o.type === 'boolean') def = o.default === true ? ` (default: on; --no-${o.flag} to turn off)` : '';
    else if (Array.isArray(o.default)) def = o.default.length ? ` (default: ${o.default.join(',')})` : '';
    else if (o.default !== null && typeof o.default !== 'object') def = ` (default: ${String(o.default)})`;
    lines.push(`  --${o.flag}${arg}${def}`);
    lines.push(`      ${o.description.replace(/`/g, '')}`);
  }
  lines.push(
    '  --trust-config',
    '      Honour every key of the config file, including those that widen what the run may reach (hosts, TLS, credentials, output paths); without it they are ignored with a warning, as in the action. Use it only for a file you wrote.',
    '  -h, --help',
    '  --version',
    '',
  );
  return lines.join('\n');
}

/**
 * The repository for cluster-mode issues from the CLI: `GITHUB_TOKEN` and `GITHUB_REPOSITORY` (owner/repo),
 * with `GITHUB_API_URL` for GitHub Enterprise and the usual proxy variables. Null when either is missing.
 */
export function cliIssueTarget(
  env: Record<string, string | undefined>,
  logger: EngineLogger,
): IssueTarget | null {
  const token = env.GITHUB_TOKEN;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token || !owner || !repo) return null;
  return { octokit: githubClient({ token, env, logger }), owner, repo };
}

/** Renders a report in the chosen format. */
export function renderReport(
  report: Report,
  format: string,
  options: { color: boolean; failOn: FailOn; now: Date },
): string {
  switch (format) {
    case 'junit':
      return renderJunit(report, { failOn: options.failOn, now: options.now });
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'github':
      return renderAnnotations(report);
    default:
      return renderText(report, { color: options.color });
  }
}

async function scanCommand(argv: string[], io: CliIo, mode: 'scan' | 'baseline' = 'scan'): Promise<number> {
  const loaded: LoadedConfig & { extras: { help: boolean; version: boolean } } = await loadCliConfig(
    argv,
    'scan',
    io.env,
    io.cwd,
  );
  if (loaded.extras.help) {
    io.stdout.write(mode === 'baseline' ? BASELINE_USAGE : commandHelp('scan'));
    return 0;
  }
  const { config, root } = loaded;
  // Secret settings, credentials and tokens join the run's secret registry as they are read.
  const logger = createCliLogger(io.env, io.stderr);
  for (const w of loaded.warnings) logger.warning(w);
  const checker = config.offline ? null : createRegistryChecker(config, { env: io.env, logger });
  // The baseline command reads the old baseline itself (a named file may not exist yet).
  const report = await runScan(mode === 'baseline' ? { ...config, baseline: null } : config, {
    pathEnv: io.env.PATH,
    root,
    logger,
    ...(checker ? { checkImages: checker.checkImages } : {}),
  });
  if (mode === 'baseline') return writeBaselineCommand(report, root, config.baseline, io);
  const format = config.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
  const color = !config.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const text = redact(renderReport(report, format, { color, failOn: config.failOn, now: new Date() }));
  const place = (setting: string, given: string) => ({
    setting,
    given,
    base: io.cwd,
    roots: loaded.outputRoots,
  });
  if (config.output) await writeOutputFile(place('--output', config.output), text);
  // `github` is the tool's own workflow commands; every other format passes the log filter.
  else io.stdout.write(format === 'github' ? text : logLines(text));
  if (config.jsonFile)
    await writeOutputFile(place('--json-file', config.jsonFile), redact(renderJson(report)));
  if (config.sarifFile) {
    await writeOutputFile(place('--sarif-file', config.sarifFile), redact(renderSarif(report)));
    const omitted = sarifOmittedCount(report);
    if (omitted) logger.warning(sarifCapMessage(omitted));
  }
  return shouldFail(report.findings, config.failOn) ? 1 : 0;
}

async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  // Secret settings and credentials join the run's secret registry as they are read (commands/check.ts).
  const logger = createCliLogger(io.env, io.stderr);
  return runCheckCommand(argv, {
    ...io,
    redact,
    createChecker: (config) => createRegistryChecker(config, { env: io.env, logger, listPlatforms: true }),
  });
}

const BASELINE_USAGE = `Usage: k8s-image-check baseline [PATH...] [scan options]

Scan like "scan" and write every finding as an accepted entry to the baseline file (--baseline, default
${DEFAULT_BASELINE_FILE} at the repository root), keeping the reason and expiry of entries that still
match. Review the diff before committing: later scans report these findings as suppressed.
`;

async function writeBaselineCommand(
  report: Report,
  root: string,
  name: string | null,
  io: CliIo,
): Promise<number> {
  const previous = await readBaselineFile(root, name, { missingOk: true });
  const entries = previous ? parseBaseline(previous.text, previous.file) : [];
  const text = renderBaseline(report, entries);
  const { file, path } = baselinePath(root, name);
  const handle = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o644,
  );
  await handle.writeFile(text);
  await handle.close();
  const count = (text.match(/^ {2}- rule:/gm) ?? []).length;
  io.stdout.write(`Wrote ${file}: ${count} accepted finding(s). Review the diff, then commit it.\n`);
  return 0;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'scan':
        return await scanCommand(rest, io);
      case 'drift':
        if (rest.includes('--help') || rest.includes('-h')) {
          io.stdout.write(commandHelp('drift'));
          return 0;
        }
        return await runDriftCommand(rest, io, {
          scanManifests: (config, root, logger) => scanDesiredUses(config, root, logger, io.env.PATH),
          loadConfig: (args: string[]) => loadCliConfig(args, 'cluster', io.env, io.cwd),
          publish: (report, config, logger) =>
            publishClusterReport(report, config, {
              logger,
              // No client at all when issues are off (e.g. dump input without an explicit --issues).
              github: config.issues ? cliIssueTarget(io.env, logger) : null,
              now: new Date(),
            }),
        });
      case 'check':
        return await checkCommand(rest, io);
      case 'baseline':
        return await scanCommand(rest, io, 'baseline');
      case 'init':
        return await runInitCommand(rest, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd });
      case 'ref':
        return await runRefCommand(rest, {
          stdin: io.stdin,
          stdout: io.stdout,
          stderr: io.stderr,
          isTTY: (io.stdin as { isTTY?: boolean }).isTTY === true,
        });
      case '--version':
      case 'version':
        io.stdout.write(`${VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(logLines(`k8s-image-check: unknown command "${plain(command)}".\n\n${USAGE}`));
        return 2;
    }
  } catch (err) {
    return reportError(err, io);
  }
}

/** Exit code of a usage, configuration or internal error (1 means findings). */
export const EXIT_ERROR = 2;

/** Whether debug output is on (`K8S_IMAGE_CHECK_DEBUG=1` or the runner's `RUNNER_DEBUG=1`). */
export function debugEnabled(env: Record<string, string | undefined>): boolean {
  return env.K8S_IMAGE_CHECK_DEBUG === '1' || env.RUNNER_DEBUG === '1';
}

/**
 * Writes one redacted line for an error that ended a command (the stack only with debug on) and returns
 * {@link EXIT_ERROR}: a crash must never exit 1, which means "findings".
 */
export function reportError(err: unknown, io: Pick<CliIo, 'stderr' | 'env'>): number {
  const debug = debugEnabled(io.env);
  if (err instanceof ConfigError || err instanceof DiscoveryError || err instanceof BaselineError) {
    io.stderr.write(logLines(`k8s-image-check: ${plainLines(describeError(err))}\n`));
    return EXIT_ERROR;
  }
  io.stderr.write(
    logLines(
      `k8s-image-check: internal error: ${plainLines(describeError(err, debug))}\nPlease report this with the command you ran${debug ? '' : ' (K8S_IMAGE_CHECK_DEBUG=1 shows the stack trace)'}.\n`,
    ),
  );
  return EXIT_ERROR;
}
