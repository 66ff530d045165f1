/**
 * Facts about the workflow run, read from the runner's environment and the event payload
 * (`GITHUB_EVENT_PATH`). Pure: the caller reads the file and passes `process.env`.
 */

/** Where and on what the action runs, as the GitHub side of PR mode needs it. */
export interface RunContext {
  /** `GITHUB_EVENT_NAME` (`pull_request`, `pull_request_target`, `push`, `schedule`, ...). */
  eventName: string;
  owner: string;
  repo: string;
  /**
   * The commit to report on: the pull request's head SHA for PR events (not `GITHUB_SHA`, which is the
   * merge commit there), the pushed commit otherwise.
   */
  headSha: string;
  /** The PR base SHA, or the commit before a push; null when unknown. */
  baseSha: string | null;
  /** Pull request number, or null when the event is not about a pull request. */
  number: number | null;
  isPullRequest: boolean;
  /** The head branch lives in another repository (a fork). */
  isFork: boolean;
  /** The pull request was opened by Dependabot (its runs are treated like fork runs). */
  isDependabot: boolean;
  /**
   * Why the token is read-only and Actions secrets are absent, or null when they are expected: fork or
   * Dependabot pull requests on `pull_request`. `pull_request_target` runs get a write token and secrets.
   */
  restrictedReason: string | null;
  /** Web base URL (`GITHUB_SERVER_URL`, `https://github.com` by default) for links to files and runs. */
  serverUrl: string;
  /** REST base URL (`GITHUB_API_URL`, `https://api.github.com` by default). */
  apiUrl: string;
  /** Link to this workflow run, or null outside Actions. */
  runUrl: string | null;
  headRef: string | null;
  baseRef: string | null;
  /** `owner/repo` of the head repository (the fork for fork PRs). */
  headRepoFullName: string | null;
}

const PR_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);
const DEPENDABOT = 'dependabot[bot]';

/** Reason strings set in {@link RunContext.restrictedReason}. */
export const RESTRICTED_FORK = 'fork pull request';
export const RESTRICTED_DEPENDABOT = 'Dependabot pull request';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
/** A commit SHA, or null for the all-zero SHA GitHub sends for a created or deleted branch. */
const sha = (v: unknown): string | null => {
  const s = str(v);
  return s && !/^0+$/.test(s) ? s : null;
};

/**
 * Why a run gets no secrets: a fork or Dependabot pull request, unless the event is the privileged
 * `pull_request_target`. Null when the run is not restricted.
 */
function restrictionOf(o: {
  isPullRequest: boolean;
  eventName: string;
  isFork: boolean;
  isDependabot: boolean;
}): string | null {
  if (!o.isPullRequest || o.eventName === 'pull_request_target') return null;
  if (o.isFork) return RESTRICTED_FORK;
  return o.isDependabot ? RESTRICTED_DEPENDABOT : null;
}

/** The repository the run is in (`GITHUB_REPOSITORY`, else the payload's); throws when neither names one. */
function repositoryOf(
  env: Record<string, string | undefined>,
  payload: Record<string, unknown>,
): { fullName: string; owner: string; repo: string } {
  const fullName = str(env.GITHUB_REPOSITORY) ?? str(obj(payload.repository)?.full_name);
  const [owner, repo] = (fullName ?? '').split('/');
  if (!fullName || !owner || !repo)
    throw new Error(
      'Cannot tell which repository this runs in: GITHUB_REPOSITORY is not set and the event payload has no repository; run the action inside GitHub Actions or set GITHUB_REPOSITORY=owner/repo.',
    );
  return { fullName, owner, repo };
}

/**
 * Return the run's context from `env` (`GITHUB_*` variables) and the parsed event payload. Throws when the
 * repository cannot be determined (neither `GITHUB_REPOSITORY` nor the payload names it).
 */
export function readPullRequestContext(
  env: Record<string, string | undefined>,
  eventPayload: unknown,
): RunContext {
  const payload = obj(eventPayload) ?? {};
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const pr = obj(payload.pull_request);
  const { fullName, owner, repo } = repositoryOf(env, payload);

  const head = obj(pr?.head);
  const base = obj(pr?.base);
  const headRepo = obj(head?.repo);
  const baseRepo = obj(base?.repo);
  const baseFullName = str(baseRepo?.full_name) ?? fullName;
  const headRepoFullName = pr ? str(headRepo?.full_name) : fullName;
  // A deleted fork leaves `head.repo` null: still a fork as far as permissions go.
  const isFork = pr !== null && headRepoFullName !== baseFullName;
  const prUser = str(obj(pr?.user)?.login);
  const isDependabot = pr !== null && (prUser === DEPENDABOT || env.GITHUB_ACTOR === DEPENDABOT);

  const isPullRequest = pr !== null && (PR_EVENTS.has(eventName) || eventName === '');
  const restrictedReason = restrictionOf({ isPullRequest, eventName, isFork, isDependabot });

  const headSha = (isPullRequest ? sha(head?.sha) : null) ?? sha(payload.after) ?? sha(env.GITHUB_SHA) ?? '';
  const baseSha = isPullRequest ? sha(base?.sha) : sha(payload.before);
  const numberValue = pr?.number ?? payload.number;
  const serverUrl = (str(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, '');
  const runId = str(env.GITHUB_RUN_ID);
  const headRefFromEnv = str(env.GITHUB_REF)?.replace(/^refs\/heads\//, '') ?? null;

  return {
    eventName,
    owner,
    repo,
    headSha,
    baseSha,
    number: isPullRequest && typeof numberValue === 'number' ? numberValue : null,
    isPullRequest,
    isFork,
    isDependabot,
    restrictedReason,
    serverUrl,
    apiUrl: (str(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
    runUrl: runId ? `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` : null,
    headRef: isPullRequest ? str(head?.ref) : headRefFromEnv,
    baseRef: isPullRequest ? str(base?.ref) : null,
    headRepoFullName,
  };
}
