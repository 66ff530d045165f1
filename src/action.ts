/**
 * GitHub Action dispatcher: loads the configuration once (inputs and the config file), logs its warnings and
 * runs the mode it names: PR mode (src/action-pr.ts) or cluster mode (src/action-cluster.ts, wired by the
 * process entry as a lazily loaded chunk). Failures end in one error annotation and exit code 2.
 */
import * as core from '@actions/core';
import { type ActionIo, failRun } from './action-io.js';
import { runPrMode } from './action-pr.js';
import { loadActionConfig } from './config/load.js';
import { ConfigError } from './config/resolve.js';
import { redact, setSecretSink } from './secrets.js';

export type { ActionIo } from './action-io.js';

/** Runs the action (PR mode, or a mode handler from `io.modes`); failures end in `core.setFailed`. */
export async function runAction(io: ActionIo): Promise<void> {
  // Every secret the run learns (inputs, docker config, helpers, tokens) is masked for the runner too.
  setSecretSink(core.setSecret);
  try {
    const root = io.env.GITHUB_WORKSPACE || io.cwd;
    const { config, warnings } = await loadActionConfig(io.env, root);
    for (const w of warnings) core.warning(redact(w));
    const mode = config.mode === 'pr' ? runPrMode : io.modes?.[config.mode];
    if (!mode) throw new ConfigError(`input 'mode': ${config.mode} mode is not available in this build.`);
    await mode(io, { config, root });
  } catch (err: unknown) {
    failRun(io, err);
  }
}
