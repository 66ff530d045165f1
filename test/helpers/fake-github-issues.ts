/**
 * The Issues API part of the fake GitHub (issues, comments, labels), in the real paths and shapes, with state
 * in memory. Registered by `startFakeGitHub`; cluster-mode tests drive the issue lifecycle through it.
 */

import { error, fixture, paginate, type Wrap } from './fake-github-http.js';
import type { FakeServer } from './fake-server.js';

/** An issue to seed the fake with (numbers are assigned when omitted). */
export interface SeedIssue {
  number?: number;
  title: string;
  body?: string | null;
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened' | null;
  labels?: string[];
  createdAt?: string;
  updatedAt?: string;
  /** Login of the author; defaults to `github-actions[bot]`. */
  user?: string;
}

export interface FakeIssue {
  id: number;
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  user: string;
  comments: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface FakeComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  createdAt: string;
}

export interface FakeLabel {
  id: number;
  owner: string;
  repo: string;
  name: string;
  color: string;
  description: string | null;
}

/** The Issues API's state, shared with the fake's `state`. */
export interface IssueStore {
  issues: FakeIssue[];
  comments: FakeComment[];
  labels: FakeLabel[];
}

const DOCS = {
  issues: 'https://docs.github.com/rest/issues/issues',
  labels: 'https://docs.github.com/rest/issues/labels',
};

/** Add the issues, comments and labels routes to `server`, seeded with `seed`. */
export function registerIssueRoutes(
  server: FakeServer,
  ctx: {
    url: string;
    htmlBase: string;
    store: IssueStore;
    seed: SeedIssue[];
    wrap: Wrap;
    nextId: () => number;
    iso: () => string;
  },
): void {
  const { url, htmlBase, wrap, iso } = ctx;
  const state = ctx.store;
  const seedOwner = '*';
  let nextNumber = 1;
  for (const s of ctx.seed) {
    const number = s.number ?? nextNumber;
    nextNumber = Math.max(nextNumber, number + 1);
    state.issues.push({
      id: 5000 + number,
      owner: seedOwner,
      repo: seedOwner,
      number,
      title: s.title,
      body: s.body ?? null,
      state: s.state ?? 'open',
      stateReason: s.stateReason ?? (s.state === 'closed' ? 'completed' : null),
      labels: s.labels ?? [],
      user: s.user ?? 'github-actions[bot]',
      comments: 0,
      createdAt: s.createdAt ?? '2026-11-01T03:17:00Z',
      updatedAt: s.updatedAt ?? s.createdAt ?? '2026-11-01T03:17:00Z',
      closedAt: s.state === 'closed' ? (s.updatedAt ?? '2026-11-02T03:17:00Z') : null,
    });
  }
  const inRepo = (x: { owner: string; repo: string }, p: Record<string, string>) =>
    (x.owner === '*' || x.owner === p.owner) && (x.repo === '*' || x.repo === p.repo);

  const labelJson = (l: FakeLabel, p: Record<string, string>) => ({
    ...fixture('label.json'),
    id: l.id,
    node_id: `LA_${l.id}`,
    url: `${url}/repos/${p.owner}/${p.repo}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    description: l.description,
    default: false,
  });
  const findLabel = (p: Record<string, string>, name: string) =>
    state.labels.find((l) => inRepo(l, p) && l.name.toLowerCase() === name.toLowerCase());
  const ensureLabel = (p: Record<string, string>, name: string): FakeLabel => {
    const found = findLabel(p, name);
    if (found) return found;
    const created: FakeLabel = {
      id: ctx.nextId(),
      owner: p.owner!,
      repo: p.repo!,
      name,
      color: 'ededed',
      description: null,
    };
    state.labels.push(created);
    return created;
  };
  const issueJson = (i: FakeIssue, p: Record<string, string>) => {
    const api = `${url}/repos/${p.owner}/${p.repo}/issues/${i.number}`;
    const tpl = fixture('issue.json');
    return {
      ...tpl,
      id: i.id,
      node_id: `I_kwDO${i.id}`,
      url: api,
      repository_url: `${url}/repos/${p.owner}/${p.repo}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: `${htmlBase}/${p.owner}/${p.repo}/issues/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.stateReason,
      title: i.title,
      body: i.body,
      user: { ...(tpl.user as object), login: i.user },
      labels: i.labels.map((n) => labelJson(ensureLabel(p, n), p)),
      comments: i.comments,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_at: i.closedAt,
      timeline_url: `${api}/timeline`,
      reactions: { ...(tpl.reactions as object), url: `${api}/reactions` },
    };
  };
  const commentJson = (c: FakeComment, p: Record<string, string>) => ({
    ...fixture('issue-comment.json'),
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${url}/repos/${p.owner}/${p.repo}/issues/comments/${c.id}`,
    html_url: `${htmlBase}/${p.owner}/${p.repo}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${url}/repos/${p.owner}/${p.repo}/issues/${c.issueNumber}`,
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.createdAt,
  });

  // -- issues ----------------------------------------------------------------------------------------
  const findIssue = (p: Record<string, string>) =>
    state.issues.find((i) => inRepo(i, p) && String(i.number) === p.number);
  const readLabels = (v: unknown): string[] | null =>
    Array.isArray(v)
      ? v.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name ?? '')))
      : null;

  server.route(
    'GET',
    '/repos/:owner/:repo/issues',
    wrap(DOCS.issues, (req) => {
      const st = req.query.get('state') ?? 'open';
      const wanted = (req.query.get('labels') ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const sort = req.query.get('sort') ?? 'created';
      const dir = req.query.get('direction') ?? 'desc';
      const list = state.issues
        .filter((i) => inRepo(i, req.params))
        .filter((i) => st === 'all' || i.state === st)
        .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
        .sort((a, b) => {
          const key = sort === 'updated' ? 'updatedAt' : 'createdAt';
          const c = a[key].localeCompare(b[key]) || a.number - b.number;
          return dir === 'asc' ? c : -c;
        });
      const page = paginate(req, url, list);
      return { body: page.items.map((i) => issueJson(i, req.params)), headers: page.headers };
    }),
  );
  server.route(
    'POST',
    '/repos/:owner/:repo/issues',
    wrap(`${DOCS.issues}#create-an-issue`, (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.title !== 'string' || !b.title)
        return error(422, 'Validation Failed', `${DOCS.issues}#create-an-issue`, {
          errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
        });
      const number = Math.max(nextNumber, ...state.issues.map((i) => i.number + 1));
      nextNumber = number + 1;
      const issue: FakeIssue = {
        id: ctx.nextId(),
        owner: req.params.owner!,
        repo: req.params.repo!,
        number,
        title: b.title,
        body: typeof b.body === 'string' ? b.body : null,
        state: 'open',
        stateReason: null,
        labels: readLabels(b.labels) ?? [],
        user: 'github-actions[bot]',
        comments: 0,
        createdAt: iso(),
        updatedAt: iso(),
        closedAt: null,
      };
      for (const l of issue.labels) ensureLabel(req.params, l);
      state.issues.push(issue);
      return { status: 201, body: issueJson(issue, req.params) };
    }),
  );
  server.route(
    'GET',
    '/repos/:owner/:repo/issues/:number',
    wrap(DOCS.issues, (req) => {
      const issue = findIssue(req.params);
      return issue
        ? { body: issueJson(issue, req.params) }
        : error(404, 'Not Found', `${DOCS.issues}#get-an-issue`);
    }),
  );
  server.route(
    'PATCH',
    '/repos/:owner/:repo/issues/:number',
    wrap(`${DOCS.issues}#update-an-issue`, (req) => {
      const issue = findIssue(req.params);
      if (!issue) return error(404, 'Not Found', `${DOCS.issues}#update-an-issue`);
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.title === 'string') issue.title = b.title;
      if (typeof b.body === 'string' || b.body === null) issue.body = b.body as string | null;
      const labels = readLabels(b.labels);
      if (labels) {
        issue.labels = labels;
        for (const l of labels) ensureLabel(req.params, l);
      }
      if (b.state === 'closed' && issue.state !== 'closed') {
        issue.state = 'closed';
        issue.closedAt = iso();
        issue.stateReason = typeof b.state_reason === 'string' ? b.state_reason : 'completed';
      } else if (b.state === 'open' && issue.state !== 'open') {
        issue.state = 'open';
        issue.closedAt = null;
        issue.stateReason = 'reopened';
      } else if (typeof b.state_reason === 'string') issue.stateReason = b.state_reason;
      issue.updatedAt = iso();
      return { body: issueJson(issue, req.params) };
    }),
  );
  server.route(
    'POST',
    '/repos/:owner/:repo/issues/:number/comments',
    wrap('https://docs.github.com/rest/issues/comments#create-an-issue-comment', (req) => {
      const issue = findIssue(req.params);
      if (!issue)
        return error(
          404,
          'Not Found',
          'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        );
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.body !== 'string' || !b.body)
        return error(
          422,
          'Validation Failed',
          'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          {
            errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
          },
        );
      const c: FakeComment = {
        id: ctx.nextId(),
        owner: req.params.owner!,
        repo: req.params.repo!,
        issueNumber: issue.number,
        body: b.body,
        createdAt: iso(),
      };
      state.comments.push(c);
      issue.comments++;
      issue.updatedAt = iso();
      return { status: 201, body: commentJson(c, req.params) };
    }),
  );
  server.route(
    'GET',
    '/repos/:owner/:repo/issues/:number/comments',
    wrap('https://docs.github.com/rest/issues/comments#list-issue-comments', (req) => {
      const list = state.comments.filter(
        (c) => inRepo(c, req.params) && String(c.issueNumber) === req.params.number,
      );
      const page = paginate(req, url, list);
      return { body: page.items.map((c) => commentJson(c, req.params)), headers: page.headers };
    }),
  );
  server.route(
    'POST',
    '/repos/:owner/:repo/issues/:number/labels',
    wrap(`${DOCS.labels}#add-labels-to-an-issue`, (req) => {
      const issue = findIssue(req.params);
      if (!issue) return error(404, 'Not Found', `${DOCS.labels}#add-labels-to-an-issue`);
      const b = req.body as Record<string, unknown> | unknown[];
      const add = readLabels(Array.isArray(b) ? b : (b as Record<string, unknown>)?.labels) ?? [];
      for (const l of add) {
        ensureLabel(req.params, l);
        if (!issue.labels.some((x) => x.toLowerCase() === l.toLowerCase())) issue.labels.push(l);
      }
      return { body: issue.labels.map((n) => labelJson(ensureLabel(req.params, n), req.params)) };
    }),
  );

  // -- labels ----------------------------------------------------------------------------------------
  server.route(
    'GET',
    '/repos/:owner/:repo/labels/:name',
    wrap(`${DOCS.labels}#get-a-label`, (req) => {
      const l = findLabel(req.params, req.params.name!);
      return l ? { body: labelJson(l, req.params) } : error(404, 'Not Found', `${DOCS.labels}#get-a-label`);
    }),
  );
  server.route(
    'GET',
    '/repos/:owner/:repo/labels',
    wrap(`${DOCS.labels}#list-labels-for-a-repository`, (req) => {
      const page = paginate(
        req,
        url,
        state.labels.filter((l) => inRepo(l, req.params)),
      );
      return { body: page.items.map((l) => labelJson(l, req.params)), headers: page.headers };
    }),
  );
  server.route(
    'POST',
    '/repos/:owner/:repo/labels',
    wrap(`${DOCS.labels}#create-a-label`, (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.name !== 'string' || !b.name)
        return error(422, 'Validation Failed', `${DOCS.labels}#create-a-label`, {
          errors: [{ resource: 'Label', code: 'missing_field', field: 'name' }],
        });
      if (findLabel(req.params, b.name))
        return { status: 422, body: fixture('error.label-already-exists.json') };
      const l: FakeLabel = {
        id: ctx.nextId(),
        owner: req.params.owner!,
        repo: req.params.repo!,
        name: b.name,
        color: typeof b.color === 'string' ? b.color.replace(/^#/, '') : 'ededed',
        description: typeof b.description === 'string' ? b.description : null,
      };
      state.labels.push(l);
      return { status: 201, body: labelJson(l, req.params) };
    }),
  );
}
