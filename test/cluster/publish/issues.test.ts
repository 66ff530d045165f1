/** Pure parts of cluster issues: the marker, bodies, labels and the planner's decisions. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  code,
  issueLabels,
  issueTitle,
  renderIssueBody,
  text,
} from '../../../src/cluster/publish/issue-body.js';
import { parseMarker, renderMarker, replaceMarker } from '../../../src/cluster/publish/issue-marker.js';
import { renderIssueSummary } from '../../../src/cluster/publish/issue-summary.js';
import {
  type ExistingIssue,
  type PlanIssuesOptions,
  planIssues,
} from '../../../src/cluster/publish/issues.js';
import { applyIssuePlan } from '../../../src/cluster/publish/issues-publish.js';
import { crashingPod, drift, imageCheck, pod, workload } from './issues-fixtures.js';

const now = new Date('2026-11-26T06:00:00Z');
const opts: PlanIssuesOptions = { cluster: 'prod', label: 'k8s-image-check', runComplete: true, now };

function existingFor(
  w: ReturnType<typeof workload>,
  extra: Partial<ExistingIssue> & { cleanRuns?: number; closed?: 'resolved' } = {},
): ExistingIssue {
  const { cleanRuns = 0, closed, ...rest } = extra;
  const state = {
    cluster: w.cluster,
    namespace: w.namespace,
    kind: w.kind,
    name: w.name,
    fingerprint: w.fingerprint,
    cleanRuns,
    tier: 1,
    ...(closed ? { closed } : {}),
  };
  return {
    number: 1,
    state: 'open',
    title: 't',
    body: `old body\n${renderMarker(state)}`,
    labels: ['k8s-image-check'],
    ...rest,
  };
}

describe('issue marker', () => {
  it('round-trips, and no value can end the HTML comment early', () => {
    const state = {
      cluster: 'eu/1 --> <b>',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'cart',
      fingerprint: 'abc',
      cleanRuns: 1,
      tier: 2,
    };
    const marker = renderMarker(state);
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(marker).not.toContain('<b>');
    expect(parseMarker(`text\n${marker}\nmore`)).toEqual(state);
  });

  it.each([
    ['no marker', 'just text'],
    ['broken JSON', '<!-- k8s-image-check:v1 {"cluster": -->'],
    ['missing identity', '<!-- k8s-image-check:v1 {"cluster":"prod"} -->'],
    ['other tool', '<!-- other-tool:v1 {"cluster":"prod","namespace":"a","kind":"b","name":"c"} -->'],
  ])('ignores a body with %s', (_name, body) => {
    expect(parseMarker(body)).toBeNull();
  });

  it('defaults missing counters and replaces the marker in place', () => {
    const body = 'a\n<!-- k8s-image-check:v1 {"cluster":"p","namespace":"n","kind":"K","name":"x"} -->\nb';
    expect(parseMarker(body)).toEqual({
      cluster: 'p',
      namespace: 'n',
      kind: 'K',
      name: 'x',
      fingerprint: '',
      cleanRuns: 0,
      tier: 0,
    });
    const replaced = replaceMarker(body, {
      cluster: 'p',
      namespace: 'n',
      kind: 'K',
      name: 'x',
      fingerprint: 'f',
      cleanRuns: 1,
      tier: 0,
    });
    expect(replaced.startsWith('a\n')).toBe(true);
    expect(replaced.endsWith('\nb')).toBe(true);
    expect(parseMarker(replaced)?.cleanRuns).toBe(1);
  });
});

describe('issue body', () => {
  it('matches the reviewed example (fixtures/issues/cart-crashloop-drift.md)', () => {
    const crash = crashingPod({ restarts: 7 });
    const w = workload({
      pods: [crash, pod({ pod: 'cart-7d9f8b6c5d-zzzzz' })],
      drift: [
        drift({
          status: 'drifted',
          live: 'ghcr.io/acme/cart:1.4.1',
          tagFindings: [{ rule: 'dirty-tag', message: 'x' }],
        }),
      ],
      images: [
        imageCheck({
          image: 'ghcr.io/acme/cart:1.4.1',
          status: 'absent',
          message: 'ghcr.io answered 404 MANIFEST_UNKNOWN for acme/cart:1.4.1.',
        }),
      ],
    });
    const state = {
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'cart',
      fingerprint: w.fingerprint,
      cleanRuns: 0,
      tier: 1,
    };
    const body = renderIssueBody(w, state, {
      now,
      runUrl: 'https://github.com/acme/deploy/actions/runs/42',
      blobUrl: 'https://github.com/acme/deploy/blob/abc123/',
      pods: [crash],
      resolveRuns: 2,
    });
    const file = fileURLToPath(new URL('../../../fixtures/issues/cart-crashloop-drift.md', import.meta.url));
    if (process.env.UPDATE_FIXTURES) writeFileSync(file, body);
    expect(body).toBe(readFileSync(file, 'utf8'));
    expect(issueTitle(w)).toBe('prod: Deployment shop/cart — CrashLoopBackOff, drifted, image absent');
    expect(issueTitle({ ...w, cluster: 'offline' })).toBe(
      'dump (no --cluster-name): Deployment shop/cart — CrashLoopBackOff, drifted, image absent',
    );
    expect(issueLabels(w)).toEqual([
      'k8s-class:CrashLoopBackOff',
      'k8s-drift:drifted',
      'k8s-image:absent',
      'k8s-severity:critical',
    ]);
  });

  it('keeps table cells and code spans intact with pipes, backticks and newlines', () => {
    expect(code('a|b')).toBe('<code>a\\|b</code>');
    expect(code('x `y` z')).toBe('<code>x \\`y\\` z</code>');
    expect(code('two\nlines')).toBe('<code>two lines</code>');
    expect(text('<img src=x> *b* [l](u)')).toBe('&lt;img src=x&gt; \\*b\\* \\[l\\](u)');
  });

  it('never puts a credential from a pod message into the body', () => {
    const p = crashingPod({
      class: 'ImagePullBackOff',
      message: 'Failed to pull image "r.example/a": https://ci:tok3n-XYZ@r.example/v2/ 401',
    });
    const w = workload({ pods: [p] });
    const body = renderIssueBody(
      w,
      {
        cluster: 'prod',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'cart',
        fingerprint: 'f',
        cleanRuns: 0,
        tier: 0,
      },
      { now, resolveRuns: 2 },
    );
    expect(body).not.toContain('tok3n-XYZ');
    expect(body).toContain('https\\://\\*\\*\\*@\u200br.example/v2/');
  });
});

describe('planIssues decisions', () => {
  it('opens nothing for healthy workloads and ignores issues without a marker or of another cluster', () => {
    const other = { ...existingFor(workload({ cluster: 'staging' })), number: 2 };
    const stray: ExistingIssue = {
      number: 3,
      state: 'open',
      title: 'hand-made',
      body: 'no marker',
      labels: ['k8s-image-check'],
    };
    expect(planIssues([other, stray], [workload(), workload({ name: 'web' })], opts)).toEqual([]);
  });

  it('closes immediately with resolveRuns 1', () => {
    const sick = workload({ pods: [crashingPod()] });
    const actions = planIssues([existingFor(sick)], [workload()], { ...opts, resolveRuns: 1 });
    expect(actions).toEqual([expect.objectContaining({ type: 'close', reason: 'resolved', number: 1 })]);
  });

  it('does not count a clean run while image checks are inconclusive', () => {
    const sick = workload({ pods: [crashingPod()] });
    const unsure = workload({ images: [imageCheck({ status: 'registry_unavailable' })] });
    expect(planIssues([existingFor(sick)], [unsure], opts)).toEqual([
      expect.objectContaining({ type: 'noop', reason: 'inconclusive' }),
    ]);
  });

  it('ignores workloads of another cluster in the input', () => {
    expect(planIssues([], [workload({ cluster: 'staging', pods: [crashingPod()] })], opts)).toEqual([]);
  });

  it('keeps the title of the last problem and its labels while counting clean runs', () => {
    const sick = workload({ pods: [crashingPod()] });
    const [a] = planIssues(
      [existingFor(sick, { title: 'kept title', labels: ['k8s-image-check', 'team:x'] })],
      [workload()],
      opts,
    );
    expect(a).toMatchObject({
      type: 'update',
      reason: 'clean_run',
      title: 'kept title',
      labels: ['k8s-image-check', 'team:x'],
    });
    if (a?.type !== 'update') return;
    expect(a.body).toContain('old body');
    expect(parseMarker(a.body)?.cleanRuns).toBe(1);
  });

  it('never reopens an issue closed as a duplicate', () => {
    const sick = workload({ pods: [crashingPod()] });
    const dup = existingFor(sick, { number: 9, state: 'closed' });
    dup.body = replaceMarker(dup.body ?? '', { ...parseMarker(dup.body)!, closed: 'duplicate' });
    const resolved = existingFor(sick, { number: 5, state: 'closed', closed: 'resolved' });
    expect(planIssues([dup, resolved], [sick], opts)).toEqual([
      expect.objectContaining({ type: 'update', reopen: true, number: 5 }),
    ]);
  });

  it('reopens only the most recent issue the tool closed', () => {
    const sick = workload({ pods: [crashingPod()] });
    const older = existingFor(sick, { number: 4, state: 'closed', closed: 'resolved' });
    const newer = existingFor(sick, { number: 8, state: 'closed', closed: 'resolved' });
    const actions = planIssues([older, newer], [sick], opts);
    expect(actions).toEqual([expect.objectContaining({ type: 'update', reopen: true, number: 8 })]);
  });
});

describe('summary and dry run', () => {
  it('lists every action, marks a dry run and counts the cap', async () => {
    const sick = (name: string) => workload({ name, pods: [crashingPod({ pod: `${name}-1` })] });
    const actions = planIssues([], [sick('a'), sick('b')], { ...opts, maxOpenPerRun: 1 });
    const fakeOctokit = {} as Parameters<typeof applyIssuePlan>[0]['octokit'];
    const { results } = await applyIssuePlan({ octokit: fakeOctokit, owner: 'o', repo: 'r' }, actions, {
      dryRun: true,
    });
    const md = renderIssueSummary('prod', results);
    expect(md).toBe(
      [
        '### Issues for cluster <code>prod</code> (dry run: nothing written)',
        '',
        '- Deployment <code>shop/a</code>: would open',
        '- Deployment <code>shop/b</code>: not opened: cap reached',
        '',
        '1 workload(s) not opened: the per-run cap (max-issues-per-run) was reached; they are opened in later runs.',
        '',
      ].join('\n'),
    );
  });
});
