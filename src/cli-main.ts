#!/usr/bin/env node
/** Process entry of the CLI bundle: runs {@link main} with the real process streams. */
import { main } from './cli.js';

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
