/**
 * Real registry processes for tests: runs `/usr/bin/docker-registry serve <config.yml>` (the CNCF
 * distribution registry, Debian package `docker-registry`) on 127.0.0.1 with its own temp dir, plain or
 * HTTPS (test CA), with no auth, htpasswd Basic auth, or Bearer token auth backed by {@link startTokenServer}.
 * Every process is killed on `stop()` and when the test process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { Agent, request } from 'undici';
import { generateSigningCert, generateTls, type TlsFiles } from './certs.js';
import { startTokenServer, type TokenAcl, type TokenServerHandle } from './token-server.js';

/** Path of the registry binary (override with `REGISTRY_BIN`). */
export const REGISTRY_BIN = process.env.REGISTRY_BIN ?? '/usr/bin/docker-registry';

/** Options of {@link startRegistry}. */
export interface StartRegistryOptions {
  /** Default `none`. */
  auth?: 'none' | 'basic' | 'token';
  /** Serve HTTPS with a certificate from a CA generated for this registry. */
  tls?: boolean;
  /**
   * Accounts (username -> password) for Basic auth or the token server. An account `admin` with a random
   * password is always added (unless given) and may push everywhere: `pushAuth` holds it.
   */
  users?: Record<string, string>;
  /** Token auth only: which repositories each user (and anonymous) may pull. Default: every user pulls all. */
  tokenAcl?: TokenAcl;
  /** Token auth: `auth.token.service` (default `test-registry`). */
  service?: string;
  /** Token auth: `auth.token.issuer` (default `test-token-issuer`). */
  issuer?: string;
  /** Basic auth realm (default `test-basic-realm`). */
  realm?: string;
  /**
   * Token auth: the realm the registry's challenge names, given the token server's own `<url>/token`
   * (default: that realm). Lets a proxy (e.g. a delay proxy) sit in front of the token server.
   */
  tokenRealm?: (ownRealm: string) => string | Promise<string>;
}

/** A running registry. */
export interface RegistryHandle {
  /** `127.0.0.1:PORT`, as it appears in image references. */
  host: string;
  port: number;
  /** `http://127.0.0.1:PORT` or `https://…`. */
  url: string;
  auth: 'none' | 'basic' | 'token';
  tls: boolean;
  /** The test CA (HTTPS only): file path and PEM. */
  caFile?: string;
  caPem?: string;
  tlsFiles?: TlsFiles;
  /** All accounts, including `admin`. */
  users: Record<string, string>;
  /** Credentials that may push to any repository (the `admin` account). */
  pushAuth: { username: string; password: string };
  tokenServer?: TokenServerHandle;
  /** An undici dispatcher that trusts the test CA (plain keep-alive agent for HTTP). Closed on stop. */
  dispatcher: Agent;
  /** The registry's temp dir (config, storage, certs). Removed on stop. */
  dir: string;
  /** Process id of the registry (e.g. to read its CPU time from /proc). */
  pid: number;
  /** Last lines of the registry's stderr (for diagnostics). */
  logs(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of live) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  // A worker stopped by a signal emits no 'exit': kill the registries, then let the signal do its work.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Find a free TCP port on 127.0.0.1 by binding port 0 and closing it again. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function yamlString(value: string): string {
  return JSON.stringify(value);
}

function registryConfig(o: {
  dir: string;
  port: number;
  tls?: TlsFiles;
  auth: 'none' | 'basic' | 'token';
  realm: string;
  token?: { realm: string; service: string; issuer: string; bundle: string };
}): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${yamlString(join(o.dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    '  cache:',
    '    blobdescriptor: inmemory',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${o.port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
  ];
  if (o.tls) {
    lines.push(
      '  tls:',
      `    certificate: ${yamlString(o.tls.server.certFile)}`,
      `    key: ${yamlString(o.tls.server.keyFile)}`,
    );
  }
  if (o.auth === 'basic') {
    lines.push(
      'auth:',
      '  htpasswd:',
      `    realm: ${yamlString(o.realm)}`,
      `    path: ${yamlString(join(o.dir, 'htpasswd'))}`,
    );
  } else if (o.auth === 'token' && o.token) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${yamlString(o.token.realm)}`,
      `    service: ${yamlString(o.token.service)}`,
      `    issuer: ${yamlString(o.token.issuer)}`,
      `    rootcertbundle: ${yamlString(o.token.bundle)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitReady(
  url: string,
  dispatcher: Agent,
  child: ChildProcess,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`registry exited (${child.exitCode ?? child.signalCode}) before answering: ${logs()}`);
    }
    try {
      const res = await request(`${url}/v2/`, { dispatcher, headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.dump();
      if (res.statusCode === 200 || res.statusCode === 401) return;
      lastError = `status ${res.statusCode}`;
    } catch (err: unknown) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`registry at ${url} did not answer /v2/ within 15 s (${lastError}): ${logs()}`);
}

/**
 * Start a registry on a free 127.0.0.1 port and wait until `/v2/` answers. Retries with another port
 * when the chosen one was taken meanwhile.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RegistryHandle> {
  if (!existsSync(REGISTRY_BIN)) {
    throw new Error(`${REGISTRY_BIN} not found: install the Debian package docker-registry (see .ci/run)`);
  }
  installExitHook();
  const auth = options.auth ?? 'none';
  const dir = await mkdtemp(join(tmpdir(), 'kic-registry-'));
  const users: Record<string, string> = {
    admin: `admin-${randomBytes(8).toString('hex')}`,
    ...(options.users ?? {}),
  };
  const pushAuth = { username: 'admin', password: users.admin! };
  let tokenServer: TokenServerHandle | undefined;
  try {
    const tlsFiles = options.tls ? await generateTls(join(dir, 'certs')) : undefined;
    const dispatcher = new Agent({
      keepAliveTimeout: 10_000,
      connect: tlsFiles ? { ca: tlsFiles.caPem } : {},
    });
    if (auth === 'basic') {
      const lines = Object.entries(users).map(([u, p]) => `${u}:${bcrypt.hashSync(p, 4)}`);
      await writeFile(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    }
    let token: { realm: string; service: string; issuer: string; bundle: string } | undefined;
    if (auth === 'token') {
      const signer = await generateSigningCert(join(dir, 'token'));
      const acl: TokenAcl = { ...(options.tokenAcl ?? {}) };
      acl.pushers = [...new Set([...(acl.pushers ?? []), 'admin'])];
      tokenServer = await startTokenServer({
        service: options.service ?? 'test-registry',
        issuer: options.issuer ?? 'test-token-issuer',
        signer,
        users,
        acl,
      });
      const bundle = join(dir, 'token', 'bundle.pem');
      await writeFile(bundle, signer.certPem);
      const realm = options.tokenRealm ? await options.tokenRealm(tokenServer.realm) : tokenServer.realm;
      token = { realm, service: tokenServer.service, issuer: tokenServer.issuer, bundle };
    }
    await mkdir(join(dir, 'data'), { recursive: true });

    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const config = join(dir, 'config.yml');
      await writeFile(
        config,
        registryConfig({ dir, port, tls: tlsFiles, auth, realm: options.realm ?? 'test-basic-realm', token }),
      );
      const child = spawn(REGISTRY_BIN, ['serve', config], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      });
      live.add(child);
      let output = '';
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-8000);
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.once('exit', () => live.delete(child));
      const url = `${tlsFiles ? 'https' : 'http'}://127.0.0.1:${port}`;
      try {
        await waitReady(url, dispatcher, child, () => output);
      } catch (err: unknown) {
        child.kill('SIGKILL');
        await exited;
        if (attempt < 4 && /address already in use/.test(output)) continue;
        throw err;
      }
      const tokenServerRef = tokenServer;
      return {
        host: `127.0.0.1:${port}`,
        port,
        url,
        auth,
        tls: Boolean(tlsFiles),
        caFile: tlsFiles?.caFile,
        caPem: tlsFiles?.caPem,
        tlsFiles,
        users,
        pushAuth,
        tokenServer,
        dispatcher,
        dir,
        pid: child.pid ?? 0,
        logs: () => output,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
            await exited;
            clearTimeout(timer);
          }
          await tokenServerRef?.stop();
          await dispatcher.close().catch(() => undefined);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (err) {
    await tokenServer?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
