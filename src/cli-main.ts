#!/usr/bin/env node
/** Process entry of the CLI bundle: runs {@link main} with the real process streams. */
import { main } from './cli.js';

// A reader that stops early (`| head`, `| jq` failing) closes the pipe: that is not an error of ours,
// and must not turn into a stack trace or an exit code that means "findings".
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
