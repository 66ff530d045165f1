/**
 * The issue lifecycle across several scheduled runs, against the fake GitHub API with the real Octokit:
 * each run lists the managed issues, plans, and applies; the assertions read the fake's state and the
 * recorded requests.
 */
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMarker } from '../../../src/cluster/publish/issue-marker.js';
import {
  applyIssuePlan,
  type ExistingIssue,
  listManagedIssues,
  type PlanIssuesOptions,
  planIssues,
} from '../../../src/cluster/publish/issues.js';
import type { IssuesOctokit } from '../../../src/cluster/publish/issues-publish.js';
import type { PodHealth, WorkloadReport } from '../../../src/cluster/types.js';
import type { createOctokit } from '../../../src/github/octokit.js';
import { type FakeGitHub, type SeedIssue, startFakeGitHub } from '../../helpers/fake-github.js';
import { crashingPod, drift, imageCheck, pod, workload } from './issues-fixtures.js';

const OWNER = 'acme';
const REPO = 'deploy';
const LABEL = 'k8s-image-check';

// Compile-time check: the project's client (throttling + retry) satisfies what the publisher needs.
const _clientFits: (c: ReturnType<typeof createOctokit>) => IssuesOctokit = (c) => c;
void _clientFits;

const silent = { debug() {}, info() {}, warn() {}, error() {} };

let gh: FakeGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

async function setup(opts: { issues?: SeedIssue[]; readOnlyToken?: boolean } = {}) {
  gh = await startFakeGitHub({ ...opts, labels: [{ name: LABEL, color: '0e8a16' }] });
  const octokit = new Octokit({ baseUrl: gh.url, auth: 'test-token', request: { retries: 0 }, log: silent });
  let run = 0;
  const fake = gh;
  /** One scheduled run: list, plan, apply. */
  const runOnce = async (
    workloads: WorkloadReport[],
    extra: Partial<PlanIssuesOptions> & { dryRun?: boolean; pods?: PodHealth[] } = {},
  ) => {
    run++;
    const before = fake.writes().length;
    const existing = await listManagedIssues({ octokit, owner: OWNER, repo: REPO }, LABEL);
    const actions = planIssues(existing, workloads, {
      cluster: 'prod',
      label: LABEL,
      runComplete: true,
      now: new Date(Date.UTC(2026, 10, 26, run)),
      runUrl: `https://github.com/${OWNER}/${REPO}/actions/runs/${run}`,
      blobUrl: `https://github.com/${OWNER}/${REPO}/blob/abc123/`,
      ...extra,
    });
    const applied = await applyIssuePlan({ octokit, owner: OWNER, repo: REPO }, actions, {
      dryRun: extra.dryRun ?? false,
      pauseMs: 0,
    });
    return { existing, actions, ...applied, writes: fake.writes().slice(before) };
  };
  return { gh: fake, octokit, runOnce };
}

const healthy = () => workload();
const crashing = () => workload({ pods: [crashingPod()] });
const webHealthy = () => workload({ name: 'web', pods: [pod({ pod: 'web-1' })] });

function issuesFor(g: FakeGitHub, name: string) {
  return g.state.issues.filter((i) => parseMarker(i.body)?.name === name);
}

describe('issue lifecycle (fake GitHub API)', () => {
  it('opens, leaves alone, updates on change, counts clean runs, closes, and reopens on recurrence', async () => {
    const { gh: g, runOnce } = await setup();

    // Run 1: cart crash-loops → one issue, with labels created on demand.
    const r1 = await runOnce([crashing(), webHealthy()]);
    expect(r1.actions.map((a) => a.type)).toEqual(['create']);
    expect(r1.results.every((r) => r.ok)).toBe(true);
    expect(g.state.issues).toHaveLength(1);
    const issue = g.state.issues[0]!;
    expect(issue.title).toBe('prod: Deployment shop/cart — CrashLoopBackOff');
    expect(issue.labels).toEqual([LABEL, 'k8s-class:CrashLoopBackOff', 'k8s-severity:critical']);
    expect(issue.body).toContain('kubectl logs');
    expect(parseMarker(issue.body)).toMatchObject({
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'cart',
      cleanRuns: 0,
      tier: 1,
    });
    expect(g.state.labels.map((l) => l.name).sort()).toEqual([
      'k8s-class:CrashLoopBackOff',
      LABEL,
      'k8s-severity:critical',
    ]);
    const listCall = g.server.requests.find(
      (r) => r.method === 'GET' && r.path === `/repos/${OWNER}/${REPO}/issues`,
    );
    expect(listCall?.query.get('labels')).toBe(LABEL);
    expect(listCall?.query.get('state')).toBe('all');
    expect(g.server.requests.some((r) => r.path.startsWith('/search'))).toBe(false);

    // Run 2: identical → no write at all.
    const r2 = await runOnce([crashing(), webHealthy()]);
    expect(r2.actions).toEqual([
      expect.objectContaining({ type: 'noop', reason: 'unchanged', number: issue.number }),
    ]);
    expect(r2.writes).toEqual([]);

    // Run 3: the fingerprint changes (drift appears) → exactly one PATCH of the same issue.
    const changed = workload({
      pods: [crashingPod()],
      drift: [drift({ status: 'drifted', live: 'ghcr.io/acme/cart:1.4.1' })],
    });
    const r3 = await runOnce([changed, webHealthy()]);
    expect(r3.writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST /repos/${OWNER}/${REPO}/labels`,
      `PATCH /repos/${OWNER}/${REPO}/issues/${issue.number}`,
    ]);
    expect(issue.title).toBe('prod: Deployment shop/cart — CrashLoopBackOff, drifted');
    expect(issue.body).toContain(
      '[k8s/shop/cart.yaml:21](https://github.com/acme/deploy/blob/abc123/k8s/shop/cart.yaml#L21)',
    );
    expect(issue.labels).toContain('k8s-drift:drifted');
    expect(parseMarker(issue.body)?.fingerprint).toBe(changed.fingerprint);

    // Run 4: clean → marker counts 1 clean run, still open, no comment.
    const r4 = await runOnce([healthy(), webHealthy()]);
    expect(r4.actions).toEqual([expect.objectContaining({ type: 'update', reason: 'clean_run' })]);
    expect(issue.state).toBe('open');
    expect(parseMarker(issue.body)?.cleanRuns).toBe(1);
    expect(issue.body).toContain('1 of 2 clean runs needed to close');
    expect(g.state.comments).toHaveLength(0);

    // Run 5: clean again → comment and close as completed.
    const r5 = await runOnce([healthy(), webHealthy()]);
    expect(r5.actions).toEqual([expect.objectContaining({ type: 'close', reason: 'resolved' })]);
    expect(issue.state).toBe('closed');
    expect(issue.stateReason).toBe('completed');
    expect(g.state.comments.map((c) => c.body)).toEqual([
      expect.stringContaining('No problem seen in 2 consecutive run(s)'),
    ]);
    expect(parseMarker(issue.body)).toMatchObject({ closed: 'resolved', cleanRuns: 2 });

    // Run 6: clean while closed → nothing.
    expect((await runOnce([healthy(), webHealthy()])).writes).toEqual([]);

    // Run 7: it comes back → the same issue is reopened, no second issue.
    const r7 = await runOnce([crashing(), webHealthy()]);
    expect(r7.actions).toEqual([
      expect.objectContaining({ type: 'update', reason: 'reopened', number: issue.number }),
    ]);
    expect(issue.state).toBe('open');
    expect(g.state.issues).toHaveLength(1);
    expect(g.state.comments.at(-1)?.body).toContain('This came back: CrashLoopBackOff');
    expect(parseMarker(issue.body)?.closed).toBeUndefined();
  });

  it('a problem that returns before the issue closes resets the clean-run count', async () => {
    const { gh: g, runOnce } = await setup();
    await runOnce([crashing()]);
    await runOnce([healthy()]);
    expect(parseMarker(g.state.issues[0]!.body)?.cleanRuns).toBe(1);
    const back = await runOnce([crashing()]);
    expect(back.actions).toEqual([expect.objectContaining({ type: 'update', reason: 'recurred' })]);
    expect(parseMarker(g.state.issues[0]!.body)?.cleanRuns).toBe(0);
    await runOnce([healthy()]);
    expect(g.state.issues[0]!.state).toBe('open');
  });

  it('closes with "workload removed" when a complete run no longer has the workload', async () => {
    const { gh: g, runOnce } = await setup();
    await runOnce([crashing(), webHealthy()]);
    const r = await runOnce([webHealthy()]);
    expect(r.actions).toEqual([expect.objectContaining({ type: 'close', reason: 'workload_removed' })]);
    expect(g.state.issues[0]!.state).toBe('closed');
    expect(g.state.comments[0]?.body).toContain(
      'Deployment <code>shop/cart</code> in cluster <code>prod</code> is gone',
    );
    expect(parseMarker(g.state.issues[0]!.body)?.closed).toBe('workload_removed');
  });

  it('never closes (or counts clean runs) in a run that could not see everything', async () => {
    const { gh: g, runOnce } = await setup();
    await runOnce([crashing(), workload({ name: 'api', pods: [crashingPod({ pod: 'api-1' })] })]);
    expect(g.state.issues).toHaveLength(2);
    // cart is gone from the listing, api looks clean: both would close in a complete run.
    const r = await runOnce([workload({ name: 'api' })], { runComplete: false });
    expect(r.actions.map((a) => (a.type === 'noop' ? a.reason : a.type))).toEqual([
      'incomplete_run',
      'incomplete_run',
    ]);
    expect(r.writes).toEqual([]);
    expect(g.state.issues.every((i) => i.state === 'open')).toBe(true);
    // Still creates issues for what it did see.
    const r2 = await runOnce([workload({ name: 'db', pods: [crashingPod({ pod: 'db-0' })] })], {
      runComplete: false,
    });
    expect(r2.actions.filter((a) => a.type === 'create')).toHaveLength(1);
    expect(g.state.issues.filter((i) => i.state === 'open')).toHaveLength(3);
  });

  it('caps issues opened per run, most severe first, and opens the rest in later runs', async () => {
    const { gh: g, runOnce } = await setup();
    const warn = workload({ name: 'a-warn', pods: [], drift: [drift({ status: 'drifted', live: 'x:1' })] });
    const crit1 = workload({ name: 'b-crit', pods: [crashingPod({ pod: 'b-1' })] });
    const crit2 = workload({ name: 'c-crit', images: [imageCheck({ status: 'absent' })] });
    const r1 = await runOnce([warn, crit1, crit2], { maxOpenPerRun: 2 });
    expect(r1.actions.map((a) => [a.type, a.target.name, a.type === 'noop' ? a.reason : ''])).toEqual([
      ['create', 'b-crit', ''],
      ['create', 'c-crit', ''],
      ['noop', 'a-warn', 'cap_reached'],
    ]);
    expect(g.state.issues.map((i) => parseMarker(i.body)?.name)).toEqual(['b-crit', 'c-crit']);
    const r2 = await runOnce([warn, crit1, crit2], { maxOpenPerRun: 2 });
    expect(r2.actions.filter((a) => a.type === 'create').map((a) => a.target.name)).toEqual(['a-warn']);
    const r3 = await runOnce([warn, crit1, crit2], { maxOpenPerRun: 0 });
    expect(r3.writes).toEqual([]);
    expect(g.state.issues).toHaveLength(3);
  });

  it('dry run plans everything and writes nothing', async () => {
    const { gh: g, runOnce } = await setup();
    const r = await runOnce([crashing()], { dryRun: true });
    expect(r.actions.map((a) => a.type)).toEqual(['create']);
    expect(r.results).toEqual([expect.objectContaining({ ok: true, dryRun: true, number: null })]);
    expect(g.writes()).toEqual([]);
    expect(g.state.issues).toHaveLength(0);
  });

  it('comments once when restarts cross an escalation tier', async () => {
    const { gh: g, runOnce } = await setup();
    const at = (restarts: number) => {
      const p = crashingPod({ restarts });
      return { w: workload({ pods: [p] }), pods: [p] };
    };
    const a = at(4);
    await runOnce([a.w], { pods: a.pods });
    expect(parseMarker(g.state.issues[0]!.body)?.tier).toBe(1);
    const b = at(12);
    const r = await runOnce([b.w], { pods: b.pods });
    expect(r.actions).toEqual([expect.objectContaining({ type: 'comment', reason: 'escalation' })]);
    expect(g.state.comments.map((c) => c.body)).toEqual([
      expect.stringContaining('Restarts reached 12 (past 10)'),
    ]);
    expect(parseMarker(g.state.issues[0]!.body)?.tier).toBe(2);
    const c = at(15);
    expect((await runOnce([c.w], { pods: c.pods })).writes).toEqual([]);
  });

  it('finds its issue past the first page, ignores other clusters and pull requests, never duplicates', async () => {
    const seeds: SeedIssue[] = [];
    for (let i = 0; i < 130; i++) {
      const body = `<!-- k8s-image-check:v1 {"cluster":"staging","namespace":"ns${i}","kind":"Deployment","name":"w","fingerprint":"f","cleanRuns":0,"tier":0} -->`;
      seeds.push({ title: `staging ${i}`, body, labels: [LABEL] });
    }
    const { gh: g, runOnce } = await setup({ issues: seeds });
    await runOnce([crashing()]);
    expect(g.state.issues).toHaveLength(131);
    // A complete prod run without staging workloads must not touch staging issues.
    const r = await runOnce([crashing()]);
    expect(r.existing).toHaveLength(131);
    expect(r.writes).toEqual([]);
    const pages = g.server.requests.filter(
      (q) => q.method === 'GET' && q.path === `/repos/${OWNER}/${REPO}/issues`,
    );
    expect(pages.map((q) => q.query.get('page') ?? '1')).toEqual(['1', '2', '1', '2']);
    expect(issuesFor(g, 'cart')).toHaveLength(1);
  });

  it('closes an open duplicate (two racing runs) in favour of the older issue', async () => {
    const body = (fp: string) =>
      `x\n<!-- k8s-image-check:v1 {"cluster":"prod","namespace":"shop","kind":"Deployment","name":"cart","fingerprint":"${fp}","cleanRuns":0,"tier":2} -->`;
    const fp = crashing().fingerprint;
    const { gh: g, runOnce } = await setup({
      issues: [
        { number: 7, title: 'a', body: body(fp), labels: [LABEL] },
        { number: 9, title: 'b', body: body(fp), labels: [LABEL] },
      ],
    });
    const r = await runOnce([crashing()]);
    expect(r.actions.map((a) => [a.type, 'number' in a ? a.number : null])).toEqual([
      ['close', 9],
      ['noop', 7],
    ]);
    expect(g.state.issues.find((i) => i.number === 9)?.stateReason).toBe('not_planned');
    expect(g.state.comments[0]?.body).toContain('Duplicate of #7');
    expect(issuesFor(g, 'cart').filter((i) => i.state === 'open')).toHaveLength(1);
  });

  it('leaves an issue a person closed alone while the findings are unchanged, reopens when they change', async () => {
    const fp = crashing().fingerprint;
    const { gh: g, runOnce } = await setup({
      issues: [
        {
          number: 3,
          state: 'closed',
          stateReason: 'not_planned',
          title: 'muted',
          body: `<!-- k8s-image-check:v1 {"cluster":"prod","namespace":"shop","kind":"Deployment","name":"cart","fingerprint":"${fp}","cleanRuns":0,"tier":2} -->`,
          labels: [LABEL, 'team:payments'],
        },
      ],
    });
    const r = await runOnce([crashing()]);
    expect(r.actions).toEqual([
      expect.objectContaining({ type: 'noop', reason: 'closed_by_person', number: 3 }),
    ]);
    expect(r.writes).toEqual([]);
    const worse = workload({ pods: [crashingPod()], images: [imageCheck({ status: 'absent' })] });
    const r2 = await runOnce([worse]);
    expect(r2.actions).toEqual([expect.objectContaining({ type: 'update', reason: 'reopened', number: 3 })]);
    const issue = g.state.issues[0]!;
    expect(issue.state).toBe('open');
    // A label a person added survives; managed labels are replaced.
    expect(issue.labels).toEqual([
      LABEL,
      'k8s-class:CrashLoopBackOff',
      'k8s-image:absent',
      'k8s-severity:critical',
      'team:payments',
    ]);
    expect(g.state.issues).toHaveLength(1);
  });

  it('tolerates a label created concurrently (422 already_exists)', async () => {
    const { gh: g, runOnce } = await setup();
    g.state.labels.push({
      id: 99,
      owner: OWNER,
      repo: REPO,
      name: 'k8s-severity:critical',
      color: 'b60205',
      description: null,
    });
    // The listing misses it (as if another run created it a moment later).
    g.server.route('GET', '/repos/:owner/:repo/labels', () => ({ body: [] }));
    const r = await runOnce([crashing()]);
    expect(r.warnings).toEqual([]);
    expect(r.results.every((x) => x.ok)).toBe(true);
    const labelPosts = r.writes.filter((w) => w.path.endsWith('/labels'));
    expect(labelPosts.map((w) => (w.body as { name: string }).name).sort()).toEqual([
      'k8s-class:CrashLoopBackOff',
      LABEL,
      'k8s-severity:critical',
    ]);
    expect(g.state.issues).toHaveLength(1);
  });

  it('reports a token without issues: write as a clear per-action error, never a crash', async () => {
    const { runOnce } = await setup({ readOnlyToken: true });
    const r = await runOnce([crashing()]);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]?.ok).toBe(false);
    expect(r.results[0]?.error).toContain(
      'GitHub answered 403 when opening an issue for Deployment shop/cart (cluster prod) in acme/deploy',
    );
    expect(r.results[0]?.error).toContain('issues: write');
    expect(r.results[0]?.error).not.toContain('test-token');
    expect(r.warnings[0]).toContain('creating label');
  });
});

describe('listManagedIssues', () => {
  it('skips pull requests and maps labels', async () => {
    const { gh: g, octokit } = await setup({ issues: [{ title: 'one', body: 'b', labels: [LABEL, 'x'] }] });
    g.server.route('GET', '/repos/:owner/:repo/issues', () => ({
      body: [
        { number: 1, state: 'open', title: 'one', body: 'b', labels: [{ name: LABEL }, 'x'], html_url: 'u1' },
        {
          number: 2,
          state: 'open',
          title: 'pr',
          body: 'b',
          labels: [{ name: LABEL }],
          html_url: 'u2',
          pull_request: { url: 'p' },
        },
      ],
    }));
    const list: ExistingIssue[] = await listManagedIssues(
      { octokit, owner: OWNER, repo: REPO },
      LABEL,
      'open',
    );
    expect(list).toEqual([
      { number: 1, state: 'open', title: 'one', body: 'b', labels: [LABEL, 'x'], url: 'u1' },
    ]);
  });
});
