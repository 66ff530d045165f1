/**
 * Every mode's GitHub client goes through the one factory (`githubClient`), so every mode honours
 * `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY`: cluster mode in the action and the CLI's issue target (`drift --issues`)
 * talk to GitHub through a forward proxy on 127.0.0.1. The API URL points at a closed loopback port, so a client
 * that bypassed the proxy would fail instead of reaching the fake.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAction } from '../../src/action.js';
import { runClusterAction } from '../../src/action-cluster.js';
import { cliIssueTarget } from '../../src/cli.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';
import { type HttpProxy, startHttpProxy } from '../helpers/http-proxy.js';
import { runCli } from '../helpers/run-cli.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TOKEN = 'ghs_proxyTestToken0000';

let gh: FakeGitHub | undefined;
let proxy: HttpProxy | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await proxy?.close();
  await gh?.close();
  gh = proxy = undefined;
});

/** A loopback port nothing listens on (opened, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function start(): Promise<{ apiUrl: string }> {
  gh = await startFakeGitHub({ labels: [{ name: 'k8s-image-check', color: '0e8a16' }] });
  proxy = await startHttpProxy(gh.url);
  return { apiUrl: `http://127.0.0.1:${await closedPort()}` };
}

const quiet = { debug: () => {}, info: () => {}, warning: () => {} };

describe('the CLI issue target', () => {
  it('sends its requests through HTTP_PROXY', async () => {
    const { apiUrl } = await start();
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: apiUrl };
    const target = cliIssueTarget({ ...env, HTTP_PROXY: proxy!.url }, quiet);
    const res = await target!.octokit.rest.issues.listForRepo({ owner: 'acme', repo: 'shop' });
    expect(res.status).toBe(200);
    expect(proxy!.requests.map((r) => r.url)).toEqual([`${apiUrl}/repos/acme/shop/issues`]);
    expect(proxy!.requests[0]!.authorization).toBe(`token ${TOKEN}`);
  });

  it('goes direct to a host NO_PROXY names', async () => {
    await start();
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: gh!.url };
    const target = cliIssueTarget({ ...env, HTTP_PROXY: proxy!.url, NO_PROXY: '127.0.0.1' }, quiet);
    await target!.octokit.rest.issues.listForRepo({ owner: 'acme', repo: 'shop' });
    expect(proxy!.requests).toEqual([]);
    expect(gh!.server.requests.length).toBe(1);
  });

  it('drift --issues on dumps plans its issues through the proxy', async () => {
    const { apiUrl } = await start();
    const { code, stderr } = await runCli(
      [
        'drift',
        ...['--pods-file', 'fixtures/cluster/dump/pods.json'],
        ...['--objects-file', 'fixtures/cluster/dump/objects.json'],
        ...['--manifests', 'fixtures/cluster/manifests', '--default-namespace', 'shop'],
        ...['--offline', '--format', 'json', '--issues', '--dry-run', '--fail-on', 'never'],
      ],
      {
        cwd: ROOT,
        env: {
          GITHUB_TOKEN: TOKEN,
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_API_URL: apiUrl,
          HTTPS_PROXY: '',
          HTTP_PROXY: proxy!.url,
        },
      },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('dry-run: nothing was written. The issue plan:');
    expect(proxy!.requests.length).toBeGreaterThan(0);
    expect(proxy!.requests.every((r) => r.url.startsWith(`${apiUrl}/repos/acme/shop/`))).toBe(true);
    expect(gh!.server.requests.length).toBe(proxy!.requests.length);
  });
});

describe('the action in cluster mode', () => {
  it('manages its issues through HTTPS_PROXY', async () => {
    const { apiUrl } = await start();
    // The runner's log goes to stdout; keep the test output quiet.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let exitCode: number | null = null;
    await runAction({
      env: {
        GITHUB_WORKSPACE: ROOT,
        GITHUB_REPOSITORY: 'acme/ops',
        GITHUB_EVENT_NAME: 'schedule',
        GITHUB_SHA: 'a'.repeat(40),
        GITHUB_API_URL: apiUrl,
        // Octokit sees an http URL: HTTPS_PROXY alone would not apply, so both are set, as runners do.
        HTTPS_PROXY: proxy!.url,
        HTTP_PROXY: proxy!.url,
        'INPUT_GITHUB-TOKEN': TOKEN,
        INPUT_MODE: 'cluster',
        'INPUT_PODS-FILE': 'fixtures/cluster/dump/pods.json',
        'INPUT_OBJECTS-FILE': 'fixtures/cluster/dump/objects.json',
        INPUT_MANIFESTS: 'fixtures/cluster/manifests',
        'INPUT_DEFAULT-NAMESPACE': 'shop',
        INPUT_OFFLINE: 'true',
        'INPUT_DRY-RUN': 'true',
        'INPUT_FAIL-ON': 'never',
      },
      cwd: ROOT,
      modes: { cluster: runClusterAction },
      setExitCode: (c) => {
        exitCode = c;
      },
    });
    expect(exitCode).toBeNull();
    expect(proxy!.requests.length).toBeGreaterThan(0);
    expect(proxy!.requests.every((r) => r.url.startsWith(`${apiUrl}/repos/acme/ops/`))).toBe(true);
    expect(proxy!.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
  });
});
