import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESTRICTED_DEPENDABOT, RESTRICTED_FORK, readPullRequestContext } from '../../src/github/context.js';

const event = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/github/${name}`, import.meta.url), 'utf8'));

const MERGE_SHA = 'e5bd3914e2e596debea16f433f57875b5b90bcd6';
const HEAD_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const BASE_SHA = '9049f1265b7d61be4a8904a9a27120d2064dab3b';

const env = (eventName: string, extra: Record<string, string> = {}) => ({
  GITHUB_EVENT_NAME: eventName,
  GITHUB_REPOSITORY: 'acme-shop/shop-deploy',
  GITHUB_SHA: MERGE_SHA,
  GITHUB_REF: 'refs/pull/42/merge',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_RUN_ID: '11223344',
  GITHUB_ACTOR: 'alice-dev',
  ...extra,
});

describe('readPullRequestContext', () => {
  it('uses the PR head SHA, not the merge SHA in GITHUB_SHA, for a same-repo pull_request', () => {
    const ctx = readPullRequestContext(env('pull_request'), event('pull_request.same-repo.json'));
    expect(ctx).toMatchObject({
      owner: 'acme-shop',
      repo: 'shop-deploy',
      headSha: HEAD_SHA,
      baseSha: BASE_SHA,
      number: 42,
      isPullRequest: true,
      isFork: false,
      isDependabot: false,
      restrictedReason: null,
      headRef: 'image-bump',
      baseRef: 'main',
      runUrl: 'https://github.com/acme-shop/shop-deploy/actions/runs/11223344',
    });
    expect(ctx.headSha).not.toBe(MERGE_SHA);
  });

  it('detects a fork PR and marks pull_request runs as restricted', () => {
    const ctx = readPullRequestContext(
      env('pull_request', { GITHUB_ACTOR: 'mallory-contrib' }),
      event('pull_request.fork.json'),
    );
    expect(ctx.isFork).toBe(true);
    expect(ctx.headRepoFullName).toBe('mallory-contrib/shop-deploy');
    expect(ctx.restrictedReason).toBe(RESTRICTED_FORK);
    expect(ctx.headSha).toBe(HEAD_SHA);
    expect(ctx.number).toBe(43);
  });

  it('keeps fork detection but not the restriction on pull_request_target (write token, secrets)', () => {
    const ctx = readPullRequestContext(
      env('pull_request_target', { GITHUB_SHA: BASE_SHA, GITHUB_REF: 'refs/heads/main' }),
      event('pull_request.fork.json'),
    );
    expect(ctx.isFork).toBe(true);
    expect(ctx.restrictedReason).toBeNull();
    // GITHUB_SHA is the base branch's last commit on pull_request_target: still report on the head.
    expect(ctx.headSha).toBe(HEAD_SHA);
  });

  it('treats a Dependabot PR from a branch of the same repository as restricted', () => {
    const ctx = readPullRequestContext(
      env('pull_request', { GITHUB_ACTOR: 'dependabot[bot]' }),
      event('pull_request.dependabot.json'),
    );
    expect(ctx.isFork).toBe(false);
    expect(ctx.isDependabot).toBe(true);
    expect(ctx.restrictedReason).toBe(RESTRICTED_DEPENDABOT);
  });

  it('treats a PR whose fork was deleted (head.repo null) as a fork', () => {
    const payload = event('pull_request.fork.json') as { pull_request: { head: { repo: unknown } } };
    payload.pull_request.head.repo = null;
    const ctx = readPullRequestContext(env('pull_request'), payload);
    expect(ctx.isFork).toBe(true);
    expect(ctx.restrictedReason).toBe(RESTRICTED_FORK);
  });

  it('takes the pushed commit on push and GITHUB_SHA on schedule, with no PR number', () => {
    const push = readPullRequestContext(
      env('push', { GITHUB_SHA: HEAD_SHA, GITHUB_REF: 'refs/heads/main' }),
      event('push.json'),
    );
    expect(push).toMatchObject({
      headSha: HEAD_SHA,
      baseSha: BASE_SHA,
      number: null,
      isPullRequest: false,
      isFork: false,
      headRef: 'main',
    });
    const sched = readPullRequestContext(
      env('schedule', { GITHUB_SHA: 'abc123abc123abc123abc123abc123abc123abcd' }),
      event('schedule.json'),
    );
    expect(sched).toMatchObject({
      headSha: 'abc123abc123abc123abc123abc123abc123abcd',
      number: null,
      restrictedReason: null,
    });
  });

  it('ignores the all-zero SHA of a deleted branch push', () => {
    const ctx = readPullRequestContext(env('push', { GITHUB_SHA: HEAD_SHA }), {
      after: '0000000000000000000000000000000000000000',
      before: BASE_SHA,
    });
    expect(ctx.headSha).toBe(HEAD_SHA);
  });

  it('honours GitHub Enterprise server and API URLs', () => {
    const ctx = readPullRequestContext(
      env('pull_request', {
        GITHUB_SERVER_URL: 'https://ghe.acme.internal/',
        GITHUB_API_URL: 'https://ghe.acme.internal/api/v3/',
      }),
      event('pull_request.same-repo.json'),
    );
    expect(ctx.serverUrl).toBe('https://ghe.acme.internal');
    expect(ctx.apiUrl).toBe('https://ghe.acme.internal/api/v3');
    expect(ctx.runUrl).toBe('https://ghe.acme.internal/acme-shop/shop-deploy/actions/runs/11223344');
  });

  it('fails with a message naming GITHUB_REPOSITORY when the repository is unknown', () => {
    expect(() => readPullRequestContext({}, {})).toThrow(/GITHUB_REPOSITORY/);
  });
});
