/** The CLI's logger: messages to stderr, redacted; debug lines only with K8S_IMAGE_CHECK_DEBUG=1 or RUNNER_DEBUG=1. */
import type { EngineLogger } from '../engine/scan.js';

/** Returns the logger every CLI command uses. */
export function createCliLogger(
  env: Record<string, string | undefined>,
  stderr: NodeJS.WritableStream,
  redact: (s: string) => string,
): EngineLogger {
  const debug = env.K8S_IMAGE_CHECK_DEBUG === '1' || env.RUNNER_DEBUG === '1';
  return {
    debugEnabled: debug,
    debug: (m) => {
      if (debug) stderr.write(`debug: ${redact(m)}\n`);
    },
    info: (m) => stderr.write(`${redact(m)}\n`),
    warning: (m) => stderr.write(`warning: ${redact(m)}\n`),
  };
}

/** --quiet: the engine's progress and warnings are dropped (errors still end the run); debug stays as asked. */
export function quietable(logger: EngineLogger, quiet: boolean): EngineLogger {
  if (!quiet) return logger;
  return { ...logger, info: () => {}, warning: () => {} };
}
