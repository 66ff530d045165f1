/**
 * An issue-API failure without an HTTP answer is a network matter (name the host; check connectivity,
 * GITHUB_API_URL, proxy), never blamed on permissions; 401/403/404 answers are. The metrics sentence
 * follows the Pushgateway settings.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeGitHubError } from '../../src/cluster/publish/issues-publish.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { issuesFailureMessage } from '../../src/engine/cluster-publish.js';
import { createOctokit, gitHubNetworkFailure } from '../../src/github/octokit.js';

let closedPort = 0;
let server: Server;
let serverUrl = '';

beforeAll(async () => {
  // A port that was just free: nothing listens there, so connecting is refused.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  // Answers like GitHub does for a token without issues permission.
  server = createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ message: 'Resource not accessible by integration', status: '403' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

async function failureFrom(baseUrl: string): Promise<unknown> {
  const octokit = createOctokit({ token: 'ghs_test', baseUrl, retries: 0, retryAfterBaseMs: 1 });
  try {
    await octokit.rest.issues.listForRepo({ owner: 'acme', repo: 'shop' });
  } catch (err) {
    return err;
  }
  throw new Error('the request unexpectedly succeeded');
}

const noPush = { ...defaultConfig(), pushgatewayUrl: null, dryRun: false };

describe('GitHub API failures are told apart', () => {
  it('connection refused names the host and says to check connectivity, not permissions', async () => {
    const err = await failureFrom(`http://127.0.0.1:${closedPort}`);
    expect(gitHubNetworkFailure(err)).toEqual({ host: `127.0.0.1:${closedPort}`, code: 'ECONNREFUSED' });
    const msg = issuesFailureMessage(err, { owner: 'acme', repo: 'shop' }, noPush);
    expect(msg).toContain(`could not reach the GitHub API at 127.0.0.1:${closedPort} (ECONNREFUSED)`);
    expect(msg).toContain('GITHUB_API_URL');
    expect(msg).not.toMatch(/permission/i);
    expect(msg).not.toContain('Metrics');
    const described = describeGitHubError(err, 'listing issues', { owner: 'acme', repo: 'shop' });
    expect(described).toContain('could not reach the GitHub API');
    expect(described).not.toMatch(/permission/i);
  });

  it('an unknown host is a network failure too', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND ghe.example.invalid'), {
      status: 500,
      request: { url: 'https://ghe.example.invalid/api/v3/repos/acme/shop/issues' },
      cause: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }),
    });
    expect(gitHubNetworkFailure(err)).toEqual({ host: 'ghe.example.invalid', code: 'ENOTFOUND' });
  });

  it('a 403 answer is a permission matter, and the metrics sentence follows the Pushgateway setting', async () => {
    const err = await failureFrom(serverUrl);
    expect(gitHubNetworkFailure(err)).toBeNull();
    const g = { owner: 'acme', repo: 'shop' };
    const none = issuesFailureMessage(err, g, noPush);
    expect(none).toContain('permissions: issues: write');
    expect(none).not.toContain('Metrics');
    const pushed = issuesFailureMessage(err, g, { ...noPush, pushgatewayUrl: 'http://127.0.0.1:9091' });
    expect(pushed).toContain('Metrics are still pushed.');
    const dry = issuesFailureMessage(err, g, {
      ...noPush,
      pushgatewayUrl: 'http://127.0.0.1:9091',
      dryRun: true,
    });
    expect(dry).toContain('Metrics are not pushed either (dry-run).');
    expect(describeGitHubError(err, 'listing issues', { owner: 'acme', repo: 'shop' })).toContain(
      '"issues: write" permission',
    );
  });
});
