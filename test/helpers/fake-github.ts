/**
 * A fake GitHub REST API on 127.0.0.1 for tests: check runs, pull request files and the Issues API, in the
 * real paths, status codes, headers and body shapes (templates in `fixtures/github/`). State is kept in
 * memory and every request is recorded (with its decoded JSON body) by the underlying fake server, so
 * tests assert on what was asked. Point the real Octokit at `url` (`baseUrl`, or `GITHUB_API_URL`).
 *
 * Validation mirrors the API where a client bug would show: more than 50 annotations per request, an
 * over-long summary, title or annotation, `completed` without a conclusion, unknown annotation levels.
 */
import { error, fixture, isWrite, paginate, validationFailed } from './fake-github-http.js';
import {
  type FakeComment,
  type FakeIssue,
  type FakeLabel,
  registerIssueRoutes,
  type SeedIssue,
} from './fake-github-issues.js';
import { type FakeReply, type FakeServer, type RecordedRequest, startFakeServer } from './fake-server.js';

export type { FakeComment, FakeIssue, FakeLabel, SeedIssue };

export interface FakeGitHubOptions {
  /** Every write answers 403 "Resource not accessible by integration" (fork PR / Dependabot token). */
  readOnlyToken?: boolean;
  /**
   * Answer the first matching request with a secondary rate limit (403, `retry-after`) once. `true` means
   * the first write (POST/PATCH/PUT/DELETE) with `retry-after: 1`.
   */
  secondaryRateLimitOnce?: boolean | { method?: string; pathIncludes?: string; retryAfter?: number };
  /** Files changed in every pull request, or per PR number. */
  prFiles?: string[] | Record<number, string[]>;
  issues?: SeedIssue[];
  /** Labels that already exist in every repository. */
  labels?: { name: string; color?: string; description?: string | null }[];
  /** Clock for `created_at`/`updated_at`/`completed_at` (deterministic in tests). */
  now?: () => Date;
  /** Do not fail `close()` on requests the fake has no route for (see `fake-server.ts`). */
  allowUnmatched?: boolean;
}

export interface FakeCheckRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  detailsUrl: string | null;
  externalId: string;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Every annotation received, in order (PATCH appends, as the API does). */
  annotations: Record<string, unknown>[];
}

export interface FakeGitHubState {
  checkRuns: FakeCheckRun[];
  issues: FakeIssue[];
  comments: FakeComment[];
  /** Labels created or seeded; seeded labels have `owner`/`repo` `*`. */
  labels: FakeLabel[];
  /** How many secondary-rate-limit answers were sent. */
  secondaryRateLimited: number;
}

export interface FakeGitHub {
  /** Base URL for Octokit (`http://127.0.0.1:PORT`), as `GITHUB_API_URL` would be. */
  url: string;
  server: FakeServer;
  state: FakeGitHubState;
  /** Requests that were writes (POST/PATCH/PUT/DELETE), in order. */
  writes(): RecordedRequest[];
  /** Stops the server; throws if it received a request it has no route for (unless opted out). */
  close(): Promise<void>;
}

/** GitHub's documented limits the fake enforces (docs.github.com/rest/checks/runs). */
const MAX_ANNOTATIONS_PER_REQUEST = 50;
const MAX_OUTPUT_CHARS = 65535;
const MAX_ANNOTATION_TITLE_CHARS = 255;
const MAX_ANNOTATION_MESSAGE_BYTES = 64 * 1024;
/** "Only the first 3000 files will be returned" (docs: List pull requests files). */
const MAX_PR_FILES = 3000;

const DOCS = {
  createCheckRun: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
  updateCheckRun: 'https://docs.github.com/rest/checks/runs#update-a-check-run',
};

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Validate a check-run `output` object as the API does; returns an error reply or null. */
function validateOutput(output: unknown, docs: string): FakeReply | null {
  if (output === undefined) return null;
  if (typeof output !== 'object' || output === null)
    return validationFailed(docs, 'output is not an object.');
  const o = output as Record<string, unknown>;
  if (typeof o.title !== 'string' || typeof o.summary !== 'string')
    return validationFailed(docs, '"title" and "summary" are required keys of output.');
  for (const key of ['summary', 'text'] as const) {
    const v = o[key];
    if (typeof v === 'string' && v.length > MAX_OUTPUT_CHARS)
      return validationFailed(docs, `output.${key} is too long (maximum is ${MAX_OUTPUT_CHARS} characters).`);
  }
  const annotations = o.annotations;
  if (annotations === undefined) return null;
  if (!Array.isArray(annotations)) return validationFailed(docs, 'output.annotations is not an array.');
  if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST)
    return validationFailed(docs, `Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request.`);
  for (const a of annotations as Record<string, unknown>[]) {
    if (typeof a.path !== 'string' || typeof a.start_line !== 'number' || typeof a.end_line !== 'number')
      return validationFailed(docs, 'annotation requires path, start_line and end_line.');
    if (!['notice', 'warning', 'failure'].includes(String(a.annotation_level)))
      return validationFailed(
        docs,
        `annotation_level "${String(a.annotation_level)}" is not one of notice, warning, failure.`,
      );
    if (typeof a.message !== 'string' || byteLength(a.message) > MAX_ANNOTATION_MESSAGE_BYTES)
      return validationFailed(docs, 'annotation message is missing or longer than 64 KB.');
    if (typeof a.title === 'string' && a.title.length > MAX_ANNOTATION_TITLE_CHARS)
      return validationFailed(
        docs,
        `annotation title is longer than ${MAX_ANNOTATION_TITLE_CHARS} characters.`,
      );
    if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line)
      return validationFailed(
        docs,
        'start_column and end_column may only be used when start_line equals end_line.',
      );
  }
  return null;
}

/** Start the fake on an ephemeral port; close it with `close()`. */
export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const now = opts.now ?? (() => new Date('2026-11-26T14:00:00Z'));
  const iso = () =>
    now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  const state: FakeGitHubState = {
    checkRuns: [],
    issues: [],
    comments: [],
    labels: (opts.labels ?? []).map((l, i) => ({
      id: 1000 + i,
      owner: '*',
      repo: '*',
      name: l.name,
      color: l.color ?? 'ededed',
      description: l.description ?? null,
    })),
    secondaryRateLimited: 0,
  };
  let nextId = 1;
  const server = await startFakeServer({ name: 'fake GitHub', allowUnmatched: opts.allowUnmatched });
  const url = server.url;
  const htmlBase = 'https://github.com';
  let rateLimitPending = opts.secondaryRateLimitOnce ? opts.secondaryRateLimitOnce : null;

  // -- rendering in the API's shapes --------------------------------------------------------------
  const checkRunJson = (r: FakeCheckRun) => ({
    ...fixture('check-run.json'),
    id: r.id,
    node_id: `CR_kwDO${r.id}`,
    head_sha: r.headSha,
    external_id: r.externalId,
    url: `${url}/repos/${r.owner}/${r.repo}/check-runs/${r.id}`,
    html_url: `${htmlBase}/${r.owner}/${r.repo}/runs/${r.id}`,
    details_url: r.detailsUrl ?? `${htmlBase}/${r.owner}/${r.repo}/runs/${r.id}`,
    status: r.status,
    conclusion: r.conclusion,
    started_at: r.startedAt,
    completed_at: r.completedAt,
    name: r.name,
    output: {
      title: r.output.title,
      summary: r.output.summary,
      text: r.output.text,
      annotations_count: r.annotations.length,
      annotations_url: `${url}/repos/${r.owner}/${r.repo}/check-runs/${r.id}/annotations`,
    },
  });

  // -- cross-cutting behaviour: rate limit once, read-only token, headers --------------------------
  const wrap =
    (docs: string, handler: (req: RecordedRequest) => FakeReply) =>
    (req: RecordedRequest): FakeReply => {
      if (rateLimitPending) {
        const rl = rateLimitPending === true ? {} : rateLimitPending;
        const methodOk = rl.method ? rl.method === req.method : isWrite(req.method);
        if (methodOk && (!rl.pathIncludes || req.path.includes(rl.pathIncludes))) {
          rateLimitPending = null;
          state.secondaryRateLimited++;
          return {
            status: 403,
            headers: { 'retry-after': String(rl.retryAfter ?? 1), 'x-ratelimit-remaining': '940' },
            body: fixture('error.secondary-rate-limit.json'),
          };
        }
      }
      if (opts.readOnlyToken && isWrite(req.method))
        return error(403, 'Resource not accessible by integration', docs);
      const reply = handler(req);
      return {
        ...reply,
        headers: {
          'x-github-api-version-selected': '2022-11-28',
          'x-ratelimit-limit': '1000',
          'x-ratelimit-remaining': '950',
          'x-ratelimit-reset': String(Math.floor(now().getTime() / 1000) + 3600),
          'x-ratelimit-resource': 'core',
          'x-github-request-id': `FAKE:${server.requests.length}`,
          ...(reply.headers ?? {}),
        },
      };
    };

  // -- check runs ------------------------------------------------------------------------------------
  server.route(
    'POST',
    '/repos/:owner/:repo/check-runs',
    wrap(DOCS.createCheckRun, (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.name !== 'string' || typeof b.head_sha !== 'string')
        return validationFailed(DOCS.createCheckRun, '"name" and "head_sha" are required.');
      const bad = validateOutput(b.output, DOCS.createCheckRun);
      if (bad) return bad;
      const conclusion = typeof b.conclusion === 'string' ? b.conclusion : null;
      const status = conclusion ? 'completed' : typeof b.status === 'string' ? b.status : 'queued';
      if (status === 'completed' && !conclusion)
        return validationFailed(DOCS.createCheckRun, 'conclusion is required when status is completed.');
      const out = (b.output ?? {}) as Record<string, unknown>;
      const run: FakeCheckRun = {
        id: nextId++,
        owner: req.params.owner!,
        repo: req.params.repo!,
        name: b.name,
        headSha: b.head_sha,
        status,
        conclusion,
        detailsUrl: typeof b.details_url === 'string' ? b.details_url : null,
        externalId: typeof b.external_id === 'string' ? b.external_id : '',
        startedAt: typeof b.started_at === 'string' ? b.started_at : iso(),
        completedAt:
          status === 'completed' ? (typeof b.completed_at === 'string' ? b.completed_at : iso()) : null,
        output: {
          title: typeof out.title === 'string' ? out.title : null,
          summary: typeof out.summary === 'string' ? out.summary : null,
          text: typeof out.text === 'string' ? out.text : null,
        },
        annotations: Array.isArray(out.annotations)
          ? [...(out.annotations as Record<string, unknown>[])]
          : [],
      };
      state.checkRuns.push(run);
      return { status: 201, body: checkRunJson(run) };
    }),
  );
  server.route(
    'PATCH',
    '/repos/:owner/:repo/check-runs/:id',
    wrap(DOCS.updateCheckRun, (req) => {
      const run = state.checkRuns.find(
        (r) => String(r.id) === req.params.id && r.owner === req.params.owner && r.repo === req.params.repo,
      );
      if (!run) return error(404, 'Not Found', DOCS.updateCheckRun);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const bad = validateOutput(b.output, DOCS.updateCheckRun);
      if (bad) return bad;
      if (b.status === 'completed' && typeof b.conclusion !== 'string' && !run.conclusion)
        return validationFailed(DOCS.updateCheckRun, 'conclusion is required when status is completed.');
      if (typeof b.conclusion === 'string') {
        run.conclusion = b.conclusion;
        run.status = 'completed';
        run.completedAt = typeof b.completed_at === 'string' ? b.completed_at : iso();
      } else if (typeof b.status === 'string') run.status = b.status;
      if (typeof b.details_url === 'string') run.detailsUrl = b.details_url;
      if (typeof b.name === 'string') run.name = b.name;
      const out = b.output as Record<string, unknown> | undefined;
      if (out) {
        run.output = {
          title: typeof out.title === 'string' ? out.title : run.output.title,
          summary: typeof out.summary === 'string' ? out.summary : run.output.summary,
          text: typeof out.text === 'string' ? out.text : run.output.text,
        };
        if (Array.isArray(out.annotations))
          run.annotations.push(...(out.annotations as Record<string, unknown>[]));
      }
      return { status: 200, body: checkRunJson(run) };
    }),
  );
  server.route(
    'GET',
    '/repos/:owner/:repo/check-runs/:id',
    wrap(DOCS.updateCheckRun, (req) => {
      const run = state.checkRuns.find((r) => String(r.id) === req.params.id);
      return run ? { body: checkRunJson(run) } : error(404, 'Not Found', DOCS.updateCheckRun);
    }),
  );

  // -- pull request files ----------------------------------------------------------------------------
  const pullFilesDocs = 'https://docs.github.com/rest/pulls/pulls#list-pull-requests-files';
  server.route(
    'GET',
    '/repos/:owner/:repo/pulls/:number/files',
    wrap(pullFilesDocs, (req) => {
      const n = Number(req.params.number);
      const files = Array.isArray(opts.prFiles) ? opts.prFiles : (opts.prFiles?.[n] ?? []);
      const tpl = fixture('pull-request-file.json');
      const all = files.slice(0, MAX_PR_FILES).map((filename, i) => ({
        ...tpl,
        sha: (i + 1).toString(16).padStart(40, 'a'),
        filename,
        status: 'modified',
        blob_url: `${htmlBase}/${req.params.owner}/${req.params.repo}/blob/HEAD/${filename}`,
        raw_url: `${htmlBase}/${req.params.owner}/${req.params.repo}/raw/HEAD/${filename}`,
        contents_url: `${url}/repos/${req.params.owner}/${req.params.repo}/contents/${filename}`,
      }));
      const page = paginate(req, url, all);
      return { body: page.items, headers: page.headers };
    }),
  );

  registerIssueRoutes(server, {
    url,
    htmlBase,
    store: state,
    seed: opts.issues ?? [],
    wrap,
    nextId: () => nextId++,
    iso,
  });

  return {
    url,
    server,
    state,
    writes: () => server.requests.filter((r) => isWrite(r.method)),
    close: () => server.close(),
  };
}
