/**
 * Docker credential helpers (docker/docker-credential-helpers protocol): run `docker-credential-<name> get`,
 * write the server URL on stdin, read `{"ServerURL","Username","Secret"}` from stdout. A username of
 * `<token>` means the secret is an identity token. "credentials not found" means no credential.
 */
import { spawn } from 'node:child_process';

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
    // Helpers print their error message (not secrets) on stdout; keep one bounded line.
    const line = (stdout.trim() || stderr.trim()).split('\n')[0]?.slice(0, 200) ?? '';
    throw new CredentialHelperError(
      `${program} get failed (exit ${exitCode ?? 'signal'})${line ? `: ${line}` : ''}`,
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

/**
 * The default runner: spawns `docker-credential-<helper> get` with `env` (PATH decides which program
 * runs), a timeout, and the server URL on stdin.
 */
export function createProcessHelperRunner(
  env: Record<string, string | undefined>,
  timeoutMs = 30_000,
): CredentialHelperRunner {
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
      const child = spawn(program, ['get'], { env: cleanEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        settle(() =>
          reject(new CredentialHelperError(`${program} get did not answer within ${timeoutMs / 1000} s`)),
        );
      }, timeoutMs);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
      });
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
      });
      child.stdin.on('error', () => undefined); // the helper may exit before reading
      child.on('error', (err: NodeJS.ErrnoException) => {
        settle(() =>
          reject(
            new CredentialHelperError(
              err.code === 'ENOENT'
                ? `${program} is not installed (not found on PATH)`
                : `${program} could not be started: ${err.code ?? err.message}`,
            ),
          ),
        );
      });
      child.on('close', (code) => {
        settle(() => {
          try {
            resolve(interpretHelperOutput(helper, code, stdout, stderr));
          } catch (err: unknown) {
            reject(err);
          }
        });
      });
      child.stdin.end(serverUrl);
    });
}
