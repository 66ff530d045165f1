/** The fake GitHub API answers the Issues API in the real shapes, so issue-lifecycle tests can rely on it. */
import { afterEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/octokit.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';

describe('fake GitHub Issues API', () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });

  it('lists issues by state and labels with pagination, newest first', async () => {
    gh = await startFakeGitHub({
      issues: Array.from({ length: 45 }, (_, i) => ({
        title: `drift ${i}`,
        labels: i % 3 === 0 ? ['k8s-image-check', 'drift'] : ['k8s-image-check'],
        state: i % 5 === 0 ? ('closed' as const) : ('open' as const),
        createdAt: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T00:00:${String(i).padStart(2, '0')}Z`,
      })),
    });
    const octokit = createOctokit({ token: 't', baseUrl: gh.url, unspacedWrites: true });
    const open = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner: 'o',
      repo: 'r',
      labels: 'k8s-image-check',
      per_page: 10,
    });
    expect(open).toHaveLength(36);
    expect(open.every((i) => i.state === 'open')).toBe(true);
    expect(open.map((i) => i.created_at)).toEqual([...open.map((i) => i.created_at)].sort().reverse());
    const drift = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner: 'o',
      repo: 'r',
      labels: 'k8s-image-check,drift',
      state: 'all',
    });
    expect(drift).toHaveLength(15);
    expect(drift[0]!.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual([
      'k8s-image-check',
      'drift',
    ]);
    expect(gh.server.requests.filter((r) => r.query.get('per_page') === '10')).toHaveLength(4);
  });

  it('creates, comments on, relabels and closes an issue, keeping state', async () => {
    gh = await startFakeGitHub({ issues: [{ number: 7, title: 'old' }] });
    const octokit = createOctokit({ token: 't', baseUrl: gh.url, unspacedWrites: true });
    const created = await octokit.rest.issues.create({
      owner: 'o',
      repo: 'r',
      title: 'Image drift in prod',
      body: '<!-- k8s-image-check:drift -->',
      labels: ['k8s-image-check'],
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      number: 8,
      state: 'open',
      title: 'Image drift in prod',
      html_url: 'https://github.com/o/r/issues/8',
    });
    const comment = await octokit.rest.issues.createComment({
      owner: 'o',
      repo: 'r',
      issue_number: 8,
      body: 'still drifting',
    });
    expect(comment.data.body).toBe('still drifting');
    await octokit.rest.issues.addLabels({ owner: 'o', repo: 'r', issue_number: 8, labels: ['drift'] });
    const closed = await octokit.rest.issues.update({
      owner: 'o',
      repo: 'r',
      issue_number: 8,
      state: 'closed',
      state_reason: 'completed',
    });
    expect(closed.data).toMatchObject({ state: 'closed', state_reason: 'completed', comments: 1 });
    expect(gh.state.issues.find((i) => i.number === 8)).toMatchObject({
      labels: ['k8s-image-check', 'drift'],
      state: 'closed',
    });
  });

  it('creates labels, gets them, and answers 422 already_exists and 404 like the API', async () => {
    gh = await startFakeGitHub({ labels: [{ name: 'k8s-image-check' }] });
    const octokit = createOctokit({ token: 't', baseUrl: gh.url, unspacedWrites: true });
    const dup = await octokit.rest.issues
      .createLabel({ owner: 'o', repo: 'r', name: 'k8s-image-check' })
      .catch((e: unknown) => e);
    expect((dup as { status: number }).status).toBe(422);
    expect((dup as { response: { data: unknown } }).response.data).toMatchObject({
      errors: [{ code: 'already_exists' }],
    });
    const missing = await octokit.rest.issues
      .getLabel({ owner: 'o', repo: 'r', name: 'drift' })
      .catch((e: unknown) => e);
    expect((missing as { status: number }).status).toBe(404);
    await octokit.rest.issues.createLabel({ owner: 'o', repo: 'r', name: 'drift', color: 'd73a4a' });
    expect((await octokit.rest.issues.getLabel({ owner: 'o', repo: 'r', name: 'drift' })).data).toMatchObject(
      { name: 'drift', color: 'd73a4a' },
    );
  });

  it('rejects more than 50 annotations per check-run request, as GitHub does', async () => {
    gh = await startFakeGitHub();
    const octokit = createOctokit({ token: 't', baseUrl: gh.url, unspacedWrites: true });
    const annotation = {
      path: 'a.yaml',
      start_line: 1,
      end_line: 1,
      annotation_level: 'warning' as const,
      message: 'm',
    };
    const err = await octokit.rest.checks
      .create({
        owner: 'o',
        repo: 'r',
        name: 'c',
        head_sha: 'abc',
        output: { title: 't', summary: 's', annotations: Array(51).fill(annotation) },
      })
      .catch((e: unknown) => e);
    expect((err as { status: number }).status).toBe(422);
    expect(gh.state.checkRuns).toHaveLength(0);
  });
});
