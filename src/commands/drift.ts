/**
 * `k8s-image-check drift`: compare the live cluster (or `--pods-file`/`--objects-file` dumps) with the manifests
 * at `--manifests`, classify pod health and print a `DriftReport` (`--format json|text`).
 *
 * Exit status: 0 nothing at or above `--fail-on`; 1 a workload at or above it (critical = error); 2 usage
 * error or the cluster could not be seen (nothing was judged).
 */
import { writeFile } from 'node:fs/promises';
import { DumpError } from '../cluster/dump.js';
import { KubeAccessError, type PullSecretData } from '../cluster/kube.js';
import { severityRank } from '../cluster/pod-health.js';
import { renderDriftJson, renderDriftText } from '../cluster/render.js';
import type { DriftReport, HealthSeverity } from '../cluster/types.js';
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { runClusterMode } from '../engine/drift.js';
import type { CheckImagesFn, EngineLogger } from '../engine/scan.js';
import type { ImageUse } from '../manifests/types.js';
import { createRedactor } from '../redact.js';

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
  scanManifests: (config: Config, root: string, logger: EngineLogger) => Promise<ImageUse[]>;
  loadConfig: (args: string[]) => Promise<LoadedConfig>;
  /** Registry checker factory; default `createRegistryChecker`. */
  createChecker?: (
    config: Config,
    logger: EngineLogger,
    pullSecrets?: PullSecretData[],
  ) => { checkImages: CheckImagesFn; secrets: string[] };
  /** Wall clock in ms (the report's generatedAt). */
  clock?: () => number;
  /** Issues and metrics after a run that could see the cluster (the CLI passes `publishClusterReport`). */
  publish?: (report: DriftReport, config: Config, logger: EngineLogger) => Promise<void>;
}

const FAIL_LEVEL: Record<string, HealthSeverity | null> = {
  error: 'critical',
  warning: 'warning',
  notice: 'info',
  never: null,
};

/** Returns whether a report should fail the run at `failOn` (`error` = critical workloads, `warning`, `notice`). */
export function driftShouldFail(report: DriftReport, failOn: string): boolean {
  // `never` maps to null (never fail); an unknown value falls back to warning.
  const level = failOn in FAIL_LEVEL ? FAIL_LEVEL[failOn] : 'warning';
  if (!level) return false;
  return report.workloads.some((w) => severityRank(w.severity) >= severityRank(level));
}

function makeLogger(io: DriftCommandIo, redact: (s: string) => string): EngineLogger {
  const debug = io.env.K8S_IMAGE_CHECK_DEBUG === '1' || io.env.RUNNER_DEBUG === '1';
  return {
    debug: (m) => {
      if (debug) io.stderr.write(`debug: ${redact(m)}\n`);
    },
    info: (m) => io.stderr.write(`${redact(m)}\n`),
    warning: (m) => io.stderr.write(`warning: ${redact(m)}\n`),
  };
}

/** Runs `drift` with the given arguments and returns the exit code. */
export async function runDriftCommand(
  args: string[],
  io: DriftCommandIo,
  deps: DriftCommandDeps,
): Promise<number> {
  const loaded = await deps.loadConfig(args);
  const { config, root } = loaded;
  const secrets = [...loaded.secrets, ...(config.kubeconfigData ? [config.kubeconfigData] : [])];
  let redact = createRedactor(secrets);
  const logger = makeLogger(io, (s) => redact(s));
  try {
    const report = await runClusterMode(config, {
      root,
      env: io.env,
      logger,
      scanManifests: deps.scanManifests,
      ...(deps.createChecker ? { createChecker: deps.createChecker } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      onSecrets: (more) => {
        secrets.push(...more);
        redact = createRedactor(secrets);
      },
    });
    for (const e of report.errors) logger.warning(e.message);
    const text = redact(config.format === 'json' ? renderDriftJson(report) : renderDriftText(report));
    if (config.output) await writeFile(config.output, text);
    else io.stdout.write(text);
    if (config.jsonFile) await writeFile(config.jsonFile, redact(renderDriftJson(report)));
    await deps.publish?.(report, config, logger);
    return driftShouldFail(report, config.failOn) ? 1 : 0;
  } catch (err: unknown) {
    if (err instanceof KubeAccessError || err instanceof DumpError) {
      io.stderr.write(
        `k8s-image-check drift: ${redact(err.message)}\nNothing was judged: no issue or metric may change.\n`,
      );
      return 2;
    }
    throw err;
  }
}
