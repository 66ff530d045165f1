/**
 * Docker credential helpers (docker/docker-credential-helpers protocol): run `docker-credential-<name> get`,
 * write the server URL on stdin, read `{"ServerURL","Username","Secret"}` from stdout. A username of
 * `<token>` means the secret is an identity token. "credentials not found" means no credential.
 */
import { spawn } from 'node:child_process';
import { redact } from '../../secrets.js';

/** What a helper returned; `undefined` when it has no credential for the server. */
export type HelperCredential = { username: string; secret: string } | undefined;

/** Runs a helper by suffix (`ecr-login` → `docker-credential-ecr-login`). Injectable for tests. */
export type CredentialHelperRunner = (helper: string, serverUrl: string) => Promise<HelperCredential>;

/** An error from a helper, with a message that never contains the secret. */
export class CredentialHelperError extends Error {
  override name = 'CredentialHelperError';
}

/** Username helpers use to mark an identity token (docker/cli `native_store.go` `tokenUsername`). */
export const HELPER_TOKEN_USERNAME = '<token>';

const NOT_FOUND = /credentials not found/i;

/** Most bytes read from a helper's stdout or stderr; a helper writing more is stopped (1 MiB). */
export const MAX_HELPER_OUTPUT_BYTES = 1024 * 1024;

/** Longest stderr excerpt quoted in a message (characters, after redaction). */
const MAX_STDERR_EXCERPT = 200;

/** One line of stderr, redacted and bounded: never stdout, which may hold the secret. */
function stderrExcerpt(stderr: string): string {
  const line =
    redact(stderr)
      .trim()
      .split(/\r\n|\r|\n/)[0]
      ?.trim() ?? '';
  return line.length > MAX_STDERR_EXCERPT ? `${line.slice(0, MAX_STDERR_EXCERPT)}…` : line;
}

/** Interpret a helper's exit code and output (pure, so it can be tested without a process). */
export function interpretHelperOutput(
  helper: string,
  exitCode: number | null,
  stdout: string,
  stderr: string,
): HelperCredential {
  const program = `docker-credential-${helper}`;
  if (exitCode !== 0) {
    if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) return undefined;
    // Helpers print their error on stdout, but a broken one may print the credential there: stdout is never
    // quoted, only a redacted line of stderr.
    const line = stderrExcerpt(stderr);
    throw new CredentialHelperError(
      `${program} get failed (exit ${exitCode ?? 'signal'})${line ? `: ${line}` : ''}; its standard output is not shown (it may hold the secret): run "${program} get" by hand to see it`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new CredentialHelperError(`${program} get printed something that is not JSON`);
  }
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const username = typeof o.Username === 'string' ? o.Username : '';
  const secret = typeof o.Secret === 'string' ? o.Secret : '';
  if (secret === '') return undefined;
  return { username, secret };
}

/** Collects a stream's bytes up to a limit; `onOverflow` is called once when the limit is passed. */
function boundedCollector(limit: number, onOverflow: () => void) {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflowed = false;
  return {
    push(chunk: Buffer) {
      if (overflowed) return;
      size += chunk.length;
      if (size > limit) {
        overflowed = true;
        chunks.length = 0;
        onOverflow();
        return;
      }
      chunks.push(chunk);
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/** Options of {@link createProcessHelperRunner}. */
export interface ProcessHelperOptions {
  /** Longest wait for an answer (ms). Default 30 s. */
  timeoutMs?: number;
  /** Most bytes read per stream. Default {@link MAX_HELPER_OUTPUT_BYTES}. */
  maxOutputBytes?: number;
}

/**
 * The default runner: spawns `docker-credential-<helper> get` with `env` (PATH decides which program
 * runs), a timeout, bounded output, and the server URL on stdin.
 */
export function createProcessHelperRunner(
  env: Record<string, string | undefined>,
  options: ProcessHelperOptions | number = {},
): CredentialHelperRunner {
  const o = typeof options === 'number' ? { timeoutMs: options } : options;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxBytes = o.maxOutputBytes ?? MAX_HELPER_OUTPUT_BYTES;
  return (helper, serverUrl) =>
    new Promise<HelperCredential>((resolve, reject) => {
      const program = `docker-credential-${helper}`;
      const cleanEnv: Record<string, string> = {};
      for (const [k, v] of Object.entries(env)) if (v !== undefined) cleanEnv[k] = v;
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const fail = (message: string) => {
        child.kill('SIGKILL');
        settle(() => reject(new CredentialHelperError(message)));
      };
      const child = spawn(program, ['get'], { env: cleanEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      const timer = setTimeout(
        () => fail(`${program} get did not answer within ${timeoutMs / 1000} s`),
        timeoutMs,
      );
      const overflow = (stream: string) => () =>
        fail(
          `credential helper ${program} wrote more than ${maxBytes} bytes to ${stream}; it was stopped and its output ignored`,
        );
      const stdout = boundedCollector(maxBytes, overflow('stdout'));
      const stderr = boundedCollector(maxBytes, overflow('stderr'));
      child.stdout.on('data', (c: Buffer) => stdout.push(c));
      child.stderr.on('data', (c: Buffer) => stderr.push(c));
      child.stdin.on('error', () => undefined); // the helper may exit before reading
      child.on('error', (err: NodeJS.ErrnoException) => {
        settle(() =>
          reject(
            new CredentialHelperError(
              err.code === 'ENOENT'
                ? `${program} is not installed (not found on PATH)`
                : `${program} could not be started: ${err.code ?? 'error'}`,
            ),
          ),
        );
      });
      child.on('close', (code) => {
        settle(() => {
          try {
            resolve(interpretHelperOutput(helper, code, stdout.text(), stderr.text()));
          } catch (err: unknown) {
            reject(err);
          }
        });
      });
      child.stdin.end(serverUrl);
    });
}
