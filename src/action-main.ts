/** Process entry of the action bundle (`dist/action/index.js`): runs {@link runAction} with the real process. */
import { runAction } from './action.js';

await runAction({ env: process.env, cwd: process.cwd() });
