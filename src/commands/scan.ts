/**
 * `k8s-image-check scan` (PR mode on the command line) and `baseline`: scan the manifests under the paths,
 * check every image, then print the report (or accept its findings into the baseline file).
 *
 * Exit status: 0 nothing at or above `--fail-on`; 1 a finding at or above it; 2 usage or internal error.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { type LoadedConfig, loadCliConfig } from '../config/load.js';
import { writeOutputFile } from '../config/output-file.js';
import { baselinePath, readBaselineFile } from '../engine/baseline.js';
import { createRegistryChecker } from '../engine/registry.js';
import { runScan } from '../engine/scan.js';
import { readStdinBytes, StdinError } from '../manifests/stdin.js';
import { renderAnnotations } from '../report/annotations.js';
import { DEFAULT_BASELINE_FILE, parseBaseline, renderBaseline } from '../report/baseline.js';
import { shouldFail } from '../report/findings.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import type { FailOn, Report } from '../report/model.js';
import { renderSarif, sarifCapMessage, sarifOmittedCount } from '../report/sarif.js';
import { renderText, totalsLines } from '../report/text.js';
import { redact } from '../secrets.js';
import { logLines } from '../untrusted.js';
import { createCliLogger, quietable } from './cli-logger.js';

/** Streams and environment the command runs with (the CLI's own `CliIo`). */
export interface ScanCommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

export const BASELINE_USAGE = `Usage: k8s-image-check baseline [PATH...] [scan options]

Scan like "scan" and write every finding as an accepted entry to the baseline file (--baseline, default
${DEFAULT_BASELINE_FILE} at the repository root), keeping the reason and expiry of entries that still
match. Review the diff before committing: later scans report these findings as suppressed.
`;

/**
 * Whether the text report is coloured: `FORCE_COLOR` decides when set (`0`/`false` off, anything else on; it
 * wins over `NO_COLOR`, as in Node.js), else a non-empty `NO_COLOR` turns colour off, else only a terminal
 * gets colour. A report written with `--output` is a file: never coloured.
 */
export function useColor(o: {
  env: Record<string, string | undefined>;
  isTTY: boolean | undefined;
  toFile: boolean;
}): boolean {
  if (o.toFile) return false;
  const force = o.env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (o.env.NO_COLOR) return false;
  return o.isTTY === true;
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

/** Runs `scan` (or `baseline`, which scans the same way) and returns the exit code. */
export async function runScanCommand(
  argv: string[],
  io: ScanCommandIo,
  o: { command: 'scan' | 'baseline'; help: () => string },
): Promise<number> {
  const loaded = await loadCliConfig(argv, 'scan', io.env, io.cwd);
  if (loaded.extras.help) {
    io.stdout.write(o.command === 'baseline' ? BASELINE_USAGE : o.help());
    return 0;
  }
  const { config, root } = loaded;
  // Secret settings, credentials and tokens join the run's secret registry as they are read.
  const logger = quietable(createCliLogger(io.env, io.stderr), config.quiet);
  for (const w of loaded.warnings) logger.warning(w);
  const checker = config.offline ? null : createRegistryChecker(config, { env: io.env, logger });
  const stdin = await stdinBytes(config, io);
  // The baseline command reads the old baseline itself (a named file may not exist yet).
  const report = await runScan(o.command === 'baseline' ? { ...config, baseline: null } : config, {
    pathEnv: io.env.PATH,
    root,
    logger,
    ...(checker ? { checkImages: checker.checkImages } : {}),
    ...(stdin ? { stdin } : {}),
  });
  if (o.command === 'baseline') return writeBaselineCommand(report, root, config.baseline, io);
  await writeScanReports(report, loaded, io, logger.warning);
  return shouldFail(report.findings, config.failOn) ? 1 : 0;
}

/** Prints (or writes with `--output`) the report in its format, then the `--json-file`/`--sarif-file` copies. */
async function writeScanReports(
  report: Report,
  loaded: LoadedConfig,
  io: ScanCommandIo,
  warn: (message: string) => void,
): Promise<void> {
  const { config } = loaded;
  const format = config.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
  const color = useColor({ env: io.env, isTTY: io.stdout.isTTY, toFile: config.output !== null });
  const text = redact(renderReport(report, format, { color, failOn: config.failOn, now: new Date() }));
  const place = (setting: string, given: string) => ({
    setting,
    given,
    base: io.cwd,
    roots: loaded.outputRoots,
  });
  if (config.output) await writeOutputFile(place('--output', config.output), text);
  const shown = stdoutText(text, report, config, color);
  // `github` is the tool's own workflow commands; every other format passes the log filter.
  if (shown) io.stdout.write(format === 'github' ? shown : logLines(shown));
  if (config.jsonFile)
    await writeOutputFile(place('--json-file', config.jsonFile), redact(renderJson(report)));
  if (config.sarifFile) {
    await writeOutputFile(place('--sarif-file', config.sarifFile), redact(renderSarif(report)));
    const omitted = sarifOmittedCount(report);
    if (omitted) warn(sarifCapMessage(omitted));
  }
}

/** `scan -` reads the manifests from stdin (bounded by max-file-size); null when scanning files. */
async function stdinBytes(
  config: { paths: string[]; maxFileSize: number },
  io: ScanCommandIo,
): Promise<Uint8Array | null> {
  if (!config.paths.includes('-')) return null;
  if (config.paths.length > 1)
    throw new StdinError(
      '"-" reads the manifests from stdin and cannot be combined with other paths; scan them separately.',
    );
  return readStdinBytes(io.stdin, config.maxFileSize);
}

/**
 * What goes to stdout: the report, unless --output took it; only the totals lines with --summary (even
 * with --output, as a short note of the result); nothing with --quiet.
 */
export function stdoutText(
  text: string,
  report: Report,
  config: { quiet: boolean; summaryOnly: boolean; output: string | null },
  color: boolean,
): string {
  if (config.quiet) return '';
  if (config.summaryOnly) return `${totalsLines(report, { color }).join('\n')}\n`;
  return config.output ? '' : text;
}

async function writeBaselineCommand(
  report: Report,
  root: string,
  name: string | null,
  io: ScanCommandIo,
): Promise<number> {
  const previous = await readBaselineFile(root, name, { missingOk: true });
  const entries = previous ? parseBaseline(previous.text, previous.file) : [];
  const text = renderBaseline(report, entries);
  const { file } = baselinePath(root, name);
  // The baseline lives in the repository, which a pull request controls: the real path of its directory must
  // stay under the root (no directory symlink out), and it is written to a new file renamed into place.
  await writeOutputFile({ setting: 'baseline', given: file, base: root, roots: [root] }, text);
  const count = (text.match(/^ {2}- rule:/gm) ?? []).length;
  io.stdout.write(`Wrote ${file}: ${count} accepted finding(s). Review the diff, then commit it.\n`);
  return 0;
}
