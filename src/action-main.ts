/** Process entry of the action bundle (`dist/action/index.js`): runs {@link runAction} with the real process. */
import * as core from '@actions/core';
import { runAction } from './action.js';
import { EXIT_ERROR, failRun } from './action-io.js';

// Last resort: an error escaping every handler (a stream callback, a rejected promise nobody awaited) is one
// redacted error line and exit code 2, never Node's stack trace and exit 1 (which means "findings").
const crash = (err: unknown) => {
  try {
    failRun({ setExitCode: () => undefined }, err);
  } catch {
    core.error('k8s-image-check failed: internal error.');
  }
  process.exit(EXIT_ERROR);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

await runAction({
  env: process.env,
  cwd: process.cwd(),
  // Cluster mode (and the Kubernetes client) is a separate chunk loaded only when used: PR mode starts fast.
  modes: { cluster: async (io, run) => (await import('./action-cluster.js')).runClusterAction(io, run) },
});
