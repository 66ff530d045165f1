/** Process entry of the action bundle (`dist/action/index.js`): runs {@link runAction} with the real process. */
import { runAction } from './action.js';

await runAction({
  env: process.env,
  cwd: process.cwd(),
  // Cluster mode (and the Kubernetes client) is a separate chunk loaded only when used: PR mode starts fast.
  modes: { cluster: async (io) => (await import('./action-cluster.js')).runClusterAction(io) },
});
