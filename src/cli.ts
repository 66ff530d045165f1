#!/usr/bin/env node
/**
 * CLI entry: `k8s-image-check scan|drift|ref`. argv → config → engine → stdout → exit code
 * (0 clean, 1 findings at or above --fail-on, 2 usage or internal error).
 */
import { writeFile } from 'node:fs/promises';
import { createCliLogger } from './commands/cli-logger.js';
import { runDriftCommand } from './commands/drift.js';
import { runRefCommand } from './commands/ref.js';
import { type LoadedConfig, loadCliConfig } from './config/load.js';
import { ConfigError } from './config/resolve.js';
import { OPTIONS, type OptionMode } from './config/schema.js';
import { type IssueTarget, publishClusterReport } from './engine/cluster-publish.js';
import { createRegistryChecker } from './engine/registry.js';
import { type EngineLogger, runScan, scanDesiredUses } from './engine/scan.js';
import { createOctokit } from './github/octokit.js';
import { DiscoveryError } from './manifests/discover.js';
import { createRedactor } from './redact.js';
import { renderAnnotations } from './report/annotations.js';
import { shouldFail } from './report/findings.js';
import { renderJson } from './report/json.js';
import type { Report } from './report/model.js';
import { renderSarif } from './report/sarif.js';
import { renderText } from './report/text.js';
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
  ref [REF...]     Explain image references (reads stdin when no REF is given).

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
  lines.push('  -h, --help', '  --version', '');
  return lines.join('\n');
}

/**
 * The repository for cluster-mode issues from the CLI: `GITHUB_TOKEN` and `GITHUB_REPOSITORY` (owner/repo),
 * with `GITHUB_API_URL` for GitHub Enterprise. Null when either is missing.
 */
export function cliIssueTarget(
  env: Record<string, string | undefined>,
  logger: EngineLogger,
): IssueTarget | null {
  const token = env.GITHUB_TOKEN;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token || !owner || !repo) return null;
  const octokit = createOctokit({
    token,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    log: { debug: logger.debug, info: logger.info, warn: logger.warning },
  });
  return { octokit, owner, repo };
}

/** Renders a report in the chosen format. */
export function renderReport(report: Report, format: string, color: boolean): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'github':
      return renderAnnotations(report);
    default:
      return renderText(report, { color });
  }
}

async function scanCommand(argv: string[], io: CliIo): Promise<number> {
  const loaded: LoadedConfig & { extras: { help: boolean; version: boolean } } = await loadCliConfig(
    argv,
    'scan',
    io.env,
    io.cwd,
  );
  if (loaded.extras.help) {
    io.stdout.write(commandHelp('scan'));
    return 0;
  }
  const { config, root } = loaded;
  const redact = createRedactor(loaded.secrets);
  const logger = createCliLogger(io.env, io.stderr, redact);
  const checker = config.offline
    ? null
    : createRegistryChecker(config, { env: io.env, logger, onSecret: (s) => redact.add(s) });
  for (const s of checker?.secrets ?? []) redact.add(s);
  const report = await runScan(config, {
    pathEnv: io.env.PATH,
    root,
    logger,
    ...(checker ? { checkImages: checker.checkImages } : {}),
  });
  const format = config.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
  const color = !config.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const text = redact(renderReport(report, format, color));
  if (config.output) await writeFile(config.output, text);
  // `github` is the tool's own workflow commands; every other format passes the log filter.
  else io.stdout.write(format === 'github' ? text : logLines(text));
  if (config.jsonFile) await writeFile(config.jsonFile, redact(renderJson(report)));
  if (config.sarifFile) await writeFile(config.sarifFile, redact(renderSarif(report)));
  return shouldFail(report.findings, config.failOn) ? 1 : 0;
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
    if (err instanceof ConfigError || err instanceof DiscoveryError) {
      io.stderr.write(logLines(`k8s-image-check: ${plainLines(err.message)}\n`));
      return 2;
    }
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr.write(
      logLines(
        `k8s-image-check: internal error: ${plainLines(msg)}\nPlease report this with the command you ran.\n`,
      ),
    );
    return 2;
  }
}
