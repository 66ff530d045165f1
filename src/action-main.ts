/** Process entry of the action bundle (`dist/action/index.js`): runs {@link runAction} with the real process. */
import { runAction } from './action.js';

await runAction({
  env: process.env,
  cwd: process.cwd(),
  // Cluster mode loads the Kubernetes client only when it is used, so PR mode starts fast.
  modes: { cluster: async (io) => (await import('./action-cluster.js')).runClusterAction(io) },
});
