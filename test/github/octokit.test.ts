import { afterEach, describe, expect, it } from 'vitest';
import { createOctokit, isPermissionDenied, proxyFromEnv } from '../../src/github/octokit.js';
import { registerSecret } from '../../src/secrets.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';

describe('createOctokit', () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });

  it('talks to a GitHub Enterprise style base URL (path prefix kept, trailing slash dropped)', async () => {
    gh = await startFakeGitHub();
    gh.server.route('GET', '/api/v3/repos/:owner/:repo/issues', (req) => ({
      body: [{ number: 1, path: req.path }],
    }));
    const octokit = createOctokit({ token: 'ghs_x', baseUrl: `${gh.url}/api/v3/` });
    const res = await octokit.rest.issues.listForRepo({ owner: 'a', repo: 'b' });
    expect(res.data).toEqual([{ number: 1, path: '/api/v3/repos/a/b/issues' }]);
    expect(gh.server.requests[0]!.headers.authorization).toBe('token ghs_x');
    expect(gh.server.requests[0]!.headers['user-agent']).toMatch(/^k8s-image-check/);
  });

  it('redacts every body field it sends: registered secrets and token-looking values, in nested fields too', async () => {
    gh = await startFakeGitHub();
    registerSecret('octokit-body-secret-1');
    const octokit = createOctokit({ token: 'ghs_bodytoken123', baseUrl: gh.url, unspacedWrites: true });
    await octokit.rest.checks.create({
      owner: 'o',
      repo: 'r',
      name: 'n',
      head_sha: 'a'.repeat(40),
      output: {
        title: 'registry said octokit-body-secret-1',
        summary: 'echo: Authorization: Basic dXNlcjpodW50ZXIy and ghs_bodytoken123',
        annotations: [
          {
            path: 'a.yaml',
            start_line: 1,
            end_line: 1,
            annotation_level: 'failure',
            message: `b64 ${Buffer.from('octokit-body-secret-1').toString('base64')}`,
          },
        ],
      },
    });
    const sent = JSON.stringify(gh.server.requests.map((r) => r.body));
    expect(sent).toContain('registry said ***');
    expect(sent).not.toContain('octokit-body-secret-1');
    expect(sent).not.toContain(Buffer.from('octokit-body-secret-1').toString('base64'));
    expect(sent).not.toContain('dXNlcjpodW50ZXIy');
    expect(sent).not.toContain('ghs_bodytoken123');
    // Routing and auth are untouched.
    expect(gh.server.requests[0]!.path).toBe('/repos/o/r/check-runs');
    expect(gh.server.requests[0]!.headers.authorization).toBe('token ghs_bodytoken123');
  });

  it('retries a secondary rate limit a bounded number of times, then gives up with a log line', async () => {
    gh = await startFakeGitHub();
    let calls = 0;
    gh.server.route('POST', '/repos/:owner/:repo/labels', () => {
      calls++;
      return {
        status: 403,
        headers: { 'retry-after': '1' },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          status: '403',
        },
      };
    });
    const warnings: string[] = [];
    const octokit = createOctokit({
      token: 't',
      baseUrl: gh.url,
      retryAfterBaseMs: 1,
      maxRateLimitRetries: 2,
      unspacedWrites: true,
      log: { warn: (m) => warnings.push(m) },
    });
    const err = await octokit.rest.issues
      .createLabel({ owner: 'o', repo: 'r', name: 'x' })
      .catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(isPermissionDenied(err)).toBe(false);
    expect(warnings).toEqual([
      expect.stringMatching(/secondary rate limit on POST .*giving up after 2 retries/),
    ]);
  });

  it('does not wait for a primary rate limit that resets too late', async () => {
    gh = await startFakeGitHub();
    let calls = 0;
    gh.server.route('GET', '/repos/:owner/:repo/issues', () => {
      calls++;
      return {
        status: 403,
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        },
        body: { message: 'API rate limit exceeded for installation ID 1.', status: '403' },
      };
    });
    const warnings: string[] = [];
    const octokit = createOctokit({ token: 't', baseUrl: gh.url, log: { warn: (m) => warnings.push(m) } });
    await expect(octokit.rest.issues.listForRepo({ owner: 'o', repo: 'r' })).rejects.toThrow(
      /rate limit exceeded/,
    );
    expect(calls).toBe(1);
    expect(warnings[0]).toMatch(/rate limit on GET .*longer than the 120s we wait/);
  });

  it('classifies "Resource not accessible by integration" as permission denied', async () => {
    gh = await startFakeGitHub({ readOnlyToken: true });
    const octokit = createOctokit({ token: 't', baseUrl: gh.url });
    const err = await octokit.rest.issues
      .create({ owner: 'o', repo: 'r', title: 'x' })
      .catch((e: unknown) => e);
    expect(isPermissionDenied(err)).toBe(true);
    expect(String((err as Error).message)).toContain('Resource not accessible by integration');
  });
});

describe('proxy support', () => {
  let proxy: FakeGitHub | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('reads proxy variables in either case and ignores an environment without them', () => {
    expect(proxyFromEnv({})).toBeNull();
    expect(proxyFromEnv({ https_proxy: 'http://proxy:3128', NO_PROXY: 'localhost' })).toEqual({
      httpsProxy: 'http://proxy:3128',
      noProxy: 'localhost',
    });
    expect(proxyFromEnv({ HTTP_PROXY: 'http://p:1' })).toEqual({ httpProxy: 'http://p:1' });
  });

  it('sends requests through the proxy (absolute-form request line for an http API URL)', async () => {
    // The fake acts as the proxy: the API host below is never resolved, only the proxy is contacted.
    proxy = await startFakeGitHub({ prFiles: ['a.yaml'] });
    const octokit = createOctokit({
      token: 't',
      baseUrl: 'http://ghe.example.test/api/v3',
      proxy: { httpProxy: proxy.url },
    });
    proxy.server.route('GET', '/api/v3/repos/:owner/:repo/pulls/:number/files', (req) => ({
      body: [{ filename: 'via-proxy.yaml', host: req.headers.host }],
    }));
    const res = await octokit.rest.pulls.listFiles({ owner: 'o', repo: 'r', pull_number: 1 });
    expect(res.data).toEqual([{ filename: 'via-proxy.yaml', host: 'ghe.example.test' }]);
    expect(proxy.server.requests[0]!.headers.authorization).toBe('token t');
  });
});
