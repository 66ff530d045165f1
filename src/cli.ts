#!/usr/bin/env node
import { runCheckCommand } from './commands/check.js';
import { createCliLogger, debugEnabled } from './commands/cli-logger.js';
import { runDriftCommand } from './commands/drift.js';
import { runInitCommand } from './commands/init.js';
import { runRefCommand } from './commands/ref.js';
import { runScanCommand } from './commands/scan.js';
import { loadCliConfig } from './config/load.js';
import { ConfigError } from './config/resolve.js';
import { OPTIONS, type OptionMode } from './config/schema.js';
import { type IssueTarget, publishClusterReport } from './engine/cluster-publish.js';
import { createRegistryChecker } from './engine/registry.js';
import { type EngineLogger, scanDesiredUses } from './engine/scan.js';
import { githubClient } from './github/octokit.js';
import { DiscoveryError } from './manifests/discover.js';
/**
 * CLI dispatcher: `k8s-image-check scan|baseline|drift|check|init|ref`, each command a sibling module under
 * src/commands/ (`scan` is PR mode on the command line, `drift` is cluster mode). argv → config → engine →
 * stdout → exit code (0 clean, 1 findings at or above --fail-on, 2 usage or internal error).
 */
import { StdinError } from './manifests/stdin.js';
import { CredentialsError } from './registry/credentials/index.js';
import { BaselineError } from './report/baseline.js';
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
                   "scan -" reads manifests from stdin (kustomize build … | k8s-image-check scan -).
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
      ? 'Usage: k8s-image-check scan [PATH...] [options]\n\nScan manifests under PATH (default: .) and check every image. PATH "-" reads manifests from stdin.'
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

async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  // Secret settings and credentials join the run's secret registry as they are read (commands/check.ts).
  const logger = createCliLogger(io.env, io.stderr);
  return runCheckCommand(argv, {
    ...io,
    redact,
    createChecker: (config) => createRegistryChecker(config, { env: io.env, logger, listPlatforms: true }),
  });
}

type Command = (args: string[], io: CliIo) => Promise<number>;

/** The CLI's commands, each a sibling module under src/commands/. */
const COMMANDS: Record<string, Command> = {
  scan: (args, io) => runScanCommand(args, io, { command: 'scan', help: () => commandHelp('scan') }),
  baseline: (args, io) => runScanCommand(args, io, { command: 'baseline', help: () => commandHelp('scan') }),
  drift: driftCommand,
  check: checkCommand,
  init: (args, io) => runInitCommand(args, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd }),
  ref: (args, io) =>
    runRefCommand(args, {
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      isTTY: (io.stdin as { isTTY?: boolean }).isTTY === true,
    }),
};

/** `drift` (cluster mode on the command line) with the real scanner, config loader and publisher. */
async function driftCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(commandHelp('drift'));
    return 0;
  }
  return runDriftCommand(args, io, {
    scanManifests: (config, root, logger) => scanDesiredUses(config, root, logger, io.env.PATH),
    loadConfig: (a: string[]) => loadCliConfig(a, 'cluster', io.env, io.cwd),
    publish: (report, config, logger) =>
      publishClusterReport(report, config, {
        logger,
        // No client at all when issues are off (e.g. dump input without an explicit --issues).
        github: config.issues ? cliIssueTarget(io.env, logger) : null,
        now: new Date(),
      }),
  });
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const run = command === undefined ? undefined : COMMANDS[command];
  try {
    if (run && Object.hasOwn(COMMANDS, command!)) return await run(rest, io);
  } catch (err) {
    return reportError(err, io);
  }
  switch (command) {
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
}

/** Exit code of a usage, configuration or internal error (1 means findings). */
export const EXIT_ERROR = 2;

/**
 * Writes one redacted line for an error that ended a command (the stack only with debug on) and returns
 * {@link EXIT_ERROR}: a crash must never exit 1, which means "findings".
 */
export function reportError(err: unknown, io: Pick<CliIo, 'stderr' | 'env'>): number {
  const debug = debugEnabled(io.env);
  if (
    err instanceof ConfigError ||
    err instanceof DiscoveryError ||
    err instanceof BaselineError ||
    err instanceof StdinError ||
    err instanceof CredentialsError
  ) {
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
