/** Runs the CLI's `main` in process with captured streams, as the tests of every command need. */
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli.js';

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `k8s-image-check <argv>` with the given stdin text, environment (default none) and working directory. */
export async function runCli(
  argv: string[],
  opts: { cwd: string; stdin?: string; env?: Record<string, string | undefined> },
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main(argv, {
    stdin: Readable.from([opts.stdin ?? '']),
    stdout,
    stderr,
    env: opts.env ?? {},
    cwd: opts.cwd,
  });
  return { code, stdout: out, stderr: err };
}
