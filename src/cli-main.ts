#!/usr/bin/env node
/**
 * Process entry of the CLI bundle. It checks the Node.js version before anything else loads: the
 * bundled libraries (undici 8, @kubernetes/client-node 2) crash at import time on older runtimes, so
 * the rest of the CLI is a chunk imported only after the check.
 */

/** The oldest Node.js the CLI runs on (undici 8, which the bundle carries, needs 22.19). */
const MIN_NODE = [22, 19] as const;

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
  process.stderr.write(
    `k8s-image-check needs Node.js ${MIN_NODE.join('.')} or newer (22 LTS or 24); this is ${process.version}. ` +
      'Install a current Node.js (or run it through npx in this repository, which uses the node@24 dev dependency).\n',
  );
  process.exit(2);
}

// Last resort: an error escaping every handler (a stream callback, a rejected promise nobody awaited) is one
// redacted line and exit code 2, never Node's stack trace and exit 1 (which means "findings").
const { describeError } = await import('./secrets.js');
const debug = process.env.K8S_IMAGE_CHECK_DEBUG === '1' || process.env.RUNNER_DEBUG === '1';
const crash = (err: unknown) => {
  try {
    process.stderr.write(
      `k8s-image-check: internal error: ${describeError(err, debug)}\nPlease report this with the command you ran.\n`,
    );
  } finally {
    process.exit(2);
  }
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

// A reader that stops early (`| head`, `| jq` failing) closes the pipe: that is not an error of ours,
// and must not turn into a stack trace or an exit code that means "findings".
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const { main } = await import('./cli.js');
const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
