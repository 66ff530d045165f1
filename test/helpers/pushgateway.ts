/**
 * Starts the real Pushgateway (`/usr/bin/prometheus-pushgateway`, Debian package) on 127.0.0.1 and a free
 * port, memory-only (no persistence file), optionally behind Basic auth (`--web.config.file` with a bcrypt
 * hash made by bcryptjs). Every path, `/-/ready` included, then needs the credentials.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';

/** Where Debian installs the Pushgateway. */
export const PUSHGATEWAY_BIN = '/usr/bin/prometheus-pushgateway';

/** True when the binary is installed (tests skip with a reason otherwise). */
export const hasPushgateway = existsSync(PUSHGATEWAY_BIN);

/** A running gateway. */
export interface Pushgateway {
  url: string;
  port: number;
  /** Basic auth header value when started with `auth`, for reading back. */
  authorization?: string;
  /** `GET /api/v1/metrics` parsed. */
  readMetrics(): Promise<PushgatewayGroup[]>;
  /** Everything the process wrote to stderr so far (its log). */
  log(): string;
  stop(): Promise<void>;
}

/** One group of `GET /api/v1/metrics`. */
export interface PushgatewayGroup {
  labels: Record<string, string>;
  last_push_successful: boolean;
  [metric: string]: unknown;
}

/** One family inside a group, as `/api/v1/metrics` shows it. */
export interface PushgatewayFamily {
  type: string;
  help: string;
  metrics: { labels: Record<string, string>; value: string }[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(
  url: string,
  headers: Record<string, string>,
  proc: ChildProcess,
  log: () => string,
) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`pushgateway exited with ${proc.exitCode}: ${log()}`);
    try {
      const r = await fetch(`${url}/-/ready`, { headers });
      await r.text();
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pushgateway at ${url} did not become ready: ${log()}`);
}

/** Starts a gateway; pass `auth` to require Basic auth. Retries on another port if the chosen one was taken. */
export async function startPushgateway(
  options: { auth?: { username: string; password: string } } = {},
): Promise<Pushgateway> {
  const dir = await mkdtemp(join(tmpdir(), 'pushgateway-'));
  const args: string[] = ['--persistence.file=', '--log.level=warn'];
  const headers: Record<string, string> = {};
  let authorization: string | undefined;
  if (options.auth) {
    // Cost 4 (the minimum) keeps each request fast; the gateway checks bcrypt on every request.
    const hash = bcrypt.hashSync(options.auth.password, 4);
    const config = join(dir, 'web.yml');
    await writeFile(
      config,
      `basic_auth_users:\n  ${JSON.stringify(options.auth.username)}: ${JSON.stringify(hash)}\n`,
    );
    args.push(`--web.config.file=${config}`);
    authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
    headers.authorization = authorization;
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let stderr = '';
    const proc = spawn(PUSHGATEWAY_BIN, [...args, `--web.listen-address=127.0.0.1:${port}`], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const log = () => stderr;
    try {
      await waitReady(url, headers, proc, log);
    } catch (err) {
      lastError = err;
      proc.kill('SIGKILL');
      continue;
    }
    const exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
    return {
      url,
      port,
      authorization,
      log,
      async readMetrics() {
        const r = await fetch(`${url}/api/v1/metrics`, { headers });
        const json = (await r.json()) as { status: string; data: PushgatewayGroup[] };
        if (json.status !== 'success')
          throw new Error(`unexpected /api/v1/metrics answer: ${JSON.stringify(json)}`);
        return json.data;
      },
      async stop() {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('pushgateway did not start');
}
