import { afterEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/octokit.js';
import {
  MAX_ANNOTATION_MESSAGE_BYTES,
  MAX_ANNOTATIONS_PER_REQUEST,
  MAX_OUTPUT_CHARS,
  MAX_TITLE_CHARS,
  planCheckRun,
  publishCheckRun,
  toAnnotation,
  truncateBytes,
  truncateChars,
} from '../../src/report/check-run.js';
import type { Finding } from '../../src/report/model.js';
import { sampleReport } from '../github/sample-report.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';

describe('planCheckRun', () => {
  it('splits 237 annotations into batches of at most 50, errors first', () => {
    const report = sampleReport({ absent: 37, latest: 150, templated: 50 });
    const plan = planCheckRun(report, { failOn: 'error' });
    expect(MAX_ANNOTATIONS_PER_REQUEST).toBe(50);
    expect(plan.annotationBatches.map((b) => b.length)).toEqual([50, 50, 50, 50, 37]);
    const flat = plan.annotationBatches.flat();
    expect(flat.slice(0, 37).every((a) => a.annotation_level === 'failure')).toBe(true);
    expect(flat.slice(37, 187).every((a) => a.annotation_level === 'warning')).toBe(true);
    expect(flat.slice(187).every((a) => a.annotation_level === 'notice')).toBe(true);
    expect(plan.notAnnotated).toBe(0);
    expect(plan.title).toBe('37 errors, 150 warnings, 50 notices in 237 images');
  });

  it.each([
    ['error', { absent: 1, latest: 1 }, 'failure'],
    ['error', { latest: 3 }, 'success'],
    ['warning', { latest: 3 }, 'failure'],
    ['warning', { templated: 2 }, 'success'],
    ['notice', { templated: 2 }, 'failure'],
    ['never', { absent: 5 }, 'success'],
    ['error', { clean: 4 }, 'success'],
  ] as const)('fail-on %s with %o → %s', (failOn, mix, conclusion) => {
    expect(planCheckRun(sampleReport(mix), { failOn }).conclusion).toBe(conclusion);
  });

  it('maps a finding to the API shape with columns, rule title and related locations', () => {
    const f: Finding = {
      rule: 'image-absent',
      severity: 'error',
      message: 'ghcr.io/a/b:1: absent',
      file: 'overlays/prod/kustomization.yaml',
      line: 7,
      column: 5,
      endColumn: 5 + 'ghcr.io/a/b:1'.length,
      image: 'ghcr.io/a/b:1',
      related: [{ file: 'base/deploy.yaml', line: 20, column: 16, message: 'base image' }],
    };
    expect(toAnnotation(f)).toEqual({
      path: 'overlays/prod/kustomization.yaml',
      start_line: 7,
      end_line: 7,
      start_column: 5,
      // Inclusive: the value's last character.
      end_column: 4 + 'ghcr.io/a/b:1'.length,
      annotation_level: 'failure',
      message: 'ghcr.io/a/b:1: absent',
      title: 'Image manifest does not exist in its registry (image-absent)',
      raw_details: 'base/deploy.yaml:20:16: base image',
    });
    expect(toAnnotation({ ...f, file: null })).toBeNull();
    // Without the value's extent the range is the start column alone, never the image's length.
    const { endColumn: _, ...noEnd } = f;
    expect(toAnnotation(noEnd)).toMatchObject({ start_column: 5, end_column: 5 });
    expect(toAnnotation({ ...f, line: null, column: null })).toMatchObject({ start_line: 1, end_line: 1 });
    expect(toAnnotation({ ...f, line: null, column: null })).not.toHaveProperty('start_column');
  });

  it('truncates messages to 64 KB, titles to 255 chars and the summary to 65535 chars', () => {
    const report = sampleReport({ absent: 1 });
    report.findings[0]!.message = 'é'.repeat(MAX_ANNOTATION_MESSAGE_BYTES);
    report.findings[0]!.rule = 'x'.repeat(400);
    const plan = planCheckRun(report, {
      failOn: 'error',
      summary: '#'.repeat(100_000),
      text: 't'.repeat(70_000),
    });
    const a = plan.annotationBatches[0]![0]!;
    expect(Buffer.byteLength(a.message, 'utf8')).toBeLessThanOrEqual(MAX_ANNOTATION_MESSAGE_BYTES);
    expect(a.message.endsWith('… (truncated)')).toBe(true);
    expect(a.message).not.toContain('\uFFFD');
    expect(a.title!.length).toBe(MAX_TITLE_CHARS);
    expect(plan.summary.length).toBe(MAX_OUTPUT_CHARS);
    expect(plan.text.length).toBe(MAX_OUTPUT_CHARS);
  });

  it('caps annotations and explains the rest in the text; findings without a file are listed there', () => {
    const report = sampleReport({ latest: 120 });
    report.findings.push({
      rule: 'registry-error',
      severity: 'warning',
      message: 'config | odd',
      file: null,
      line: null,
      column: null,
      image: null,
    });
    report.summary.findings.warning++;
    const plan = planCheckRun(report, { failOn: 'error', maxAnnotations: 100 });
    expect(plan.annotationBatches.flat()).toHaveLength(100);
    expect(plan.notAnnotated).toBe(21);
    expect(plan.text).toContain('20 more findings beyond the first 100');
    expect(plan.text).toContain('1 finding without a file:');
    expect(plan.text).toContain('<code>registry-error</code>: config \\| odd');
  });

  it('says there are no problems and sends no annotation for a clean report', () => {
    const plan = planCheckRun(sampleReport({ clean: 3 }), { failOn: 'error' });
    expect(plan).toMatchObject({
      title: 'No problems in 3 images',
      conclusion: 'success',
      annotationBatches: [],
    });
  });
});

describe('truncation helpers', () => {
  it('never splits a UTF-8 character or a surrogate pair', () => {
    expect(truncateBytes('aé', 2, '')).toBe('a');
    expect(truncateBytes('abc', 3)).toBe('abc');
    expect(truncateChars('a😀b', 2, '')).toBe('a');
    expect(truncateChars('abcdef', 4, '…')).toBe('abc…');
  });
});

describe('publishCheckRun against the fake GitHub API', () => {
  const HEAD = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
  const fixedNow = () => new Date('2026-11-26T15:00:00Z');
  let gh: FakeGitHub | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });
  const client = (url: string) =>
    createOctokit({ token: 'ghs_fake', baseUrl: url, retryAfterBaseMs: 5, unspacedWrites: true });

  it('creates the run on the head SHA with the first 50, PATCHes the rest and completes with the conclusion', async () => {
    gh = await startFakeGitHub();
    const plan = planCheckRun(sampleReport({ absent: 10, latest: 110 }), { failOn: 'error' });
    const res = await publishCheckRun(client(gh.url), plan, {
      owner: 'acme-shop',
      repo: 'shop-deploy',
      headSha: HEAD,
      name: 'k8s-image-check',
      detailsUrl: 'https://github.com/acme-shop/shop-deploy/actions/runs/1',
      now: fixedNow,
    });
    expect(res).toMatchObject({ published: true, annotations: 120, requests: 3 });
    const writes = gh.writes();
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /repos/acme-shop/shop-deploy/check-runs',
      `PATCH /repos/acme-shop/shop-deploy/check-runs/${gh.state.checkRuns[0]!.id}`,
      `PATCH /repos/acme-shop/shop-deploy/check-runs/${gh.state.checkRuns[0]!.id}`,
    ]);
    const bodies = writes.map(
      (w) =>
        w.body as {
          status?: string;
          conclusion?: string;
          head_sha?: string;
          output: { annotations: unknown[] };
        },
    );
    expect(bodies.map((b) => b.output.annotations.length)).toEqual([50, 50, 20]);
    expect(bodies[0]).toMatchObject({ head_sha: HEAD, status: 'in_progress', name: 'k8s-image-check' });
    expect(bodies[0]).not.toHaveProperty('conclusion');
    expect(bodies[1]).not.toHaveProperty('conclusion');
    expect(bodies[2]).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      completed_at: '2026-11-26T15:00:00.000Z',
    });
    const run = gh.state.checkRuns[0]!;
    expect(run).toMatchObject({
      headSha: HEAD,
      status: 'completed',
      conclusion: 'failure',
      name: 'k8s-image-check',
    });
    expect(run.annotations).toHaveLength(120);
    expect(res.published && res.htmlUrl).toBe(`https://github.com/acme-shop/shop-deploy/runs/${run.id}`);
    expect(writes[0]!.headers.authorization).toBe('token ghs_fake');
  });

  it('creates a completed run in one request when there are at most 50 annotations', async () => {
    gh = await startFakeGitHub();
    const plan = planCheckRun(sampleReport({ latest: 3 }), { failOn: 'error' });
    const res = await publishCheckRun(client(gh.url), plan, {
      owner: 'o',
      repo: 'r',
      headSha: HEAD,
      name: 'images',
    });
    expect(res).toMatchObject({ published: true, requests: 1, annotations: 3 });
    expect(gh.writes()[0]!.body).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('returns published: false with the reason on 403 "Resource not accessible by integration"', async () => {
    gh = await startFakeGitHub({ readOnlyToken: true });
    const plan = planCheckRun(sampleReport({ absent: 2 }), { failOn: 'error' });
    const res = await publishCheckRun(client(gh.url), plan, {
      owner: 'acme-shop',
      repo: 'shop-deploy',
      headSha: HEAD,
      name: 'c',
    });
    expect(res.published).toBe(false);
    if (res.published) return;
    expect(res.status).toBe(403);
    expect(res.reason).toContain('Resource not accessible by integration');
    expect(res.reason).toContain('checks: write');
    expect(res.reason).not.toContain('ghs_fake');
    expect(gh.state.checkRuns).toHaveLength(0);
  });

  it('retries once after a secondary rate limit and still sends every batch', async () => {
    gh = await startFakeGitHub({ secondaryRateLimitOnce: { method: 'PATCH', retryAfter: 1 } });
    const logs: string[] = [];
    const octokit = createOctokit({
      token: 't',
      baseUrl: gh.url,
      retryAfterBaseMs: 5,
      log: { info: (m) => logs.push(m) },
    });
    const plan = planCheckRun(sampleReport({ latest: 75 }), { failOn: 'warning' });
    const res = await publishCheckRun(octokit, plan, { owner: 'o', repo: 'r', headSha: HEAD, name: 'c' });
    expect(res).toMatchObject({ published: true, annotations: 75 });
    expect(gh.state.secondaryRateLimited).toBe(1);
    expect(gh.writes().map((w) => w.method)).toEqual(['POST', 'PATCH', 'PATCH']);
    expect(gh.state.checkRuns[0]).toMatchObject({ conclusion: 'failure', status: 'completed' });
    expect(gh.state.checkRuns[0]!.annotations).toHaveLength(75);
    expect(logs.join('\n')).toMatch(/secondary rate limit on PATCH .*retrying in 1s \(retry 1 of 2\)/);
  });

  it('completes the run and reports it incomplete when a later batch is rejected', async () => {
    gh = await startFakeGitHub();
    let patches = 0;
    gh.server.route('PATCH', '/repos/:owner/:repo/check-runs/:id', (req) => {
      patches++;
      const b = req.body as { output?: { annotations?: unknown[] } };
      if (b.output?.annotations)
        return { status: 422, body: { message: 'Validation Failed', status: '422' } };
      return { status: 200, body: { id: Number(req.params.id) } };
    });
    const plan = planCheckRun(sampleReport({ latest: 60 }), { failOn: 'error' });
    const res = await publishCheckRun(client(gh.url), plan, {
      owner: 'o',
      repo: 'r',
      headSha: HEAD,
      name: 'c',
    });
    expect(res).toMatchObject({ published: true, annotations: 50 });
    expect(res.published && res.incomplete).toMatch(/failed after 50 of 60 \(422 Validation Failed\)/);
    expect(patches).toBe(2);
    expect(gh.writes()[2]!.body).toMatchObject({ status: 'completed', conclusion: 'success' });
  });
});
