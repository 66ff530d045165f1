/**
 * The CLI's logger: messages to stderr, redacted, each line through `logLines` (the runner reads stderr for
 * workflow commands too); debug lines only with K8S_IMAGE_CHECK_DEBUG=1 or RUNNER_DEBUG=1.
 */
import type { EngineLogger } from '../engine/scan.js';
import { redact as redactSecrets } from '../secrets.js';
import { logLines } from '../untrusted.js';

/** Whether debug output is on (`K8S_IMAGE_CHECK_DEBUG=1` or the runner's `RUNNER_DEBUG=1`). */
export function debugEnabled(env: Record<string, string | undefined>): boolean {
  return env.K8S_IMAGE_CHECK_DEBUG === '1' || env.RUNNER_DEBUG === '1';
}

/** Returns the logger every CLI command uses. */
export function createCliLogger(
  env: Record<string, string | undefined>,
  stderr: NodeJS.WritableStream,
  redact: (s: string) => string = redactSecrets,
): EngineLogger {
  const debug = debugEnabled(env);
  return {
    debugEnabled: debug,
    debug: (m) => {
      if (debug) stderr.write(logLines(`debug: ${redact(m)}\n`));
    },
    info: (m) => stderr.write(logLines(`${redact(m)}\n`)),
    warning: (m) => stderr.write(logLines(`warning: ${redact(m)}\n`)),
  };
}

/** --quiet: the engine's progress and warnings are dropped (errors still end the run); debug stays as asked. */
export function quietable(logger: EngineLogger, quiet: boolean): EngineLogger {
  if (!quiet) return logger;
  return { ...logger, info: () => {}, warning: () => {} };
}
