/**
 * The I/O half of cluster-mode issues: list the managed issues (list API with a `labels=` filter, paginated,
 * never the search API, whose index lags and produces duplicates) and perform a plan from `planIssues`,
 * serially, with a pause between mutations (GitHub's best practice: at least one second).
 */
import type { Octokit } from '@octokit/rest';
import { describeNetworkFailure, gitHubNetworkFailure } from '../../github/octokit.js';
import { MANAGED_LABEL_PREFIXES } from './issue-body.js';
import type { ExistingIssue, IssueAction } from './issues.js';

/** The Octokit surface used here; `@actions/github`'s `getOctokit()` and `@octokit/rest` both provide it. */
export type IssuesOctokit = Pick<Octokit, 'rest' | 'paginate'>;

/** Default pause between two mutating requests, in milliseconds. */
export const DEFAULT_PAUSE_MS = 1000;

/** Options of `applyIssuePlan`. */
export interface ApplyIssuePlanOptions {
  /** Return the plan as results without any request. */
  dryRun: boolean;
  /** Pause between mutations. Default `DEFAULT_PAUSE_MS`; 0 in tests. */
  pauseMs?: number;
  /** Sleep function (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to one action. */
export interface IssueResult {
  action: IssueAction;
  ok: boolean;
  /** Issue number (the new one for `create`), or null. */
  number: number | null;
  /** Issue URL when GitHub returned one. */
  url: string | null;
  dryRun: boolean;
  /** What went wrong, where, and what to do. */
  error?: string;
}

/** Results of `applyIssuePlan`: one per action, plus warnings that belong to no action (label creation). */
export interface ApplyIssuePlanResult {
  results: IssueResult[];
  /** Label creation failures; not fatal, the issue requests go on. */
  warnings: string[];
}

/** Colors of the labels the tool creates. */
const LABEL_COLORS: [string, string][] = [
  ['k8s-severity:critical', 'b60205'],
  ['k8s-severity:warning', 'fbca04'],
  ['k8s-severity:', 'c5def5'],
  ['k8s-class:', 'd93f0b'],
  ['k8s-drift:', '1d76db'],
  ['k8s-image:', 'e99695'],
];

function labelColor(name: string): string {
  return LABEL_COLORS.find(([prefix]) => name.startsWith(prefix))?.[1] ?? '0e8a16';
}

function statusOf(err: unknown): number | null {
  if (typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number')
    return err.status;
  return null;
}

function apiMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'response' in err) {
    const data = (err as { response?: { data?: unknown } }).response?.data;
    if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string')
      return data.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function isAlreadyExists(err: unknown): boolean {
  if (statusOf(err) !== 422) return false;
  const data = (err as { response?: { data?: { errors?: { code?: string }[] } } }).response?.data;
  return data?.errors?.some((e) => e.code === 'already_exists') ?? false;
}

/** A failure message: what happened, where, and what to do (never the token). */
export function describeGitHubError(
  err: unknown,
  doing: string,
  { owner, repo }: Pick<IssueRepo, 'owner' | 'repo'>,
): string {
  const where = `${owner}/${repo}`;
  // No HTTP answer at all: a network matter, not the token's permissions.
  const network = gitHubNetworkFailure(err);
  if (network)
    return `Failed ${doing} in ${where}: ${describeNetworkFailure(network)}; the next run retries.`;
  const status = statusOf(err);
  const said = apiMessage(err);
  const prefix = `GitHub answered ${status ?? 'an error'} when ${doing} in ${where}: ${said}.`;
  if (status === 401) return `${prefix} The token is invalid or expired; check the github-token input.`;
  if (status === 403 || status === 404)
    return `${prefix} The token needs "issues: write" permission on ${where} (add \`permissions: issues: write\` to the workflow); if the message mentions a rate limit, the next run retries.`;
  if (status === 410)
    return `${prefix} Issues are disabled in ${where}; enable them or turn off cluster issues.`;
  if (status === 422) return `${prefix} GitHub refused the content; report this as a bug of k8s-image-check.`;
  return `${prefix} The next run retries.`;
}

/** The repository the issues live in and the client to reach it. */
export interface IssueRepo {
  octokit: IssuesOctokit;
  owner: string;
  repo: string;
}

/**
 * Returns every issue carrying `label` (pull requests skipped), through the paginated list API. The
 * default `state: 'all'` lets the planner reopen a closed issue instead of opening a duplicate.
 */
export async function listManagedIssues(
  { octokit, owner, repo }: IssueRepo,
  label: string,
  state: 'all' | 'open' = 'all',
): Promise<ExistingIssue[]> {
  const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner,
    repo,
    labels: label,
    state,
    per_page: 100,
  });
  return items
    .filter((i) => !i.pull_request)
    .map((i) => ({
      number: i.number,
      state: i.state === 'closed' ? 'closed' : 'open',
      title: i.title,
      body: i.body ?? null,
      labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((l) => l !== ''),
      url: i.html_url,
    }));
}

/**
 * Performs the plan serially and returns one result per action (noops included, so the summary can list
 * them). A failing action is reported and the rest go on. Labels used by the plan are created first when
 * missing (a concurrent `422 already_exists` is fine; other label failures become warnings). With `dryRun`
 * nothing is requested at all.
 */
export async function applyIssuePlan(
  target: IssueRepo,
  actions: readonly IssueAction[],
  options: ApplyIssuePlanOptions,
): Promise<ApplyIssuePlanResult> {
  if (options.dryRun) return { results: actions.map(dryRunResult), warnings: [] };
  const writer: IssueWriter = { ...target, mutate: spacedMutations(options) };
  const labelErrors = await ensureLabels(writer, actions);
  const results: IssueResult[] = [];
  for (const action of actions) {
    try {
      results.push(await applyAction(writer, action));
    } catch (err: unknown) {
      results.push(failedResult(writer, action, err));
    }
  }
  return { results, warnings: labelErrors };
}

/** Runs one mutating request, after the pause that follows the previous one. */
type Mutate = <T>(fn: () => Promise<T>) => Promise<T>;

/** A repository plus the spaced mutation runner every write of one plan goes through. */
interface IssueWriter extends IssueRepo {
  mutate: Mutate;
}

function dryRunResult(action: IssueAction): IssueResult {
  return { action, ok: true, number: 'number' in action ? action.number : null, url: null, dryRun: true };
}

/** Returns a runner that pauses `pauseMs` before every mutation but the first. */
function spacedMutations(options: ApplyIssuePlanOptions): Mutate {
  const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let mutations = 0;
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (mutations++ > 0 && pauseMs > 0) await sleep(pauseMs);
    return fn();
  };
}

/** Performs one action; throws what the API threw. */
async function applyAction(w: IssueWriter, action: IssueAction): Promise<IssueResult> {
  const { octokit, owner, repo, mutate } = w;
  const done = (number: number | null, url: string | null): IssueResult => ({
    action,
    ok: true,
    number,
    url,
    dryRun: false,
  });
  switch (action.type) {
    case 'noop':
      return done(action.number, null);
    case 'create': {
      const { title, body, labels } = action;
      const { data } = await mutate(() => octokit.rest.issues.create({ owner, repo, title, body, labels }));
      return done(data.number, data.html_url);
    }
    case 'update':
      return done(action.number, await updateThenComment(w, action));
    case 'comment':
      return done(
        action.number,
        await commentThenUpdate(w, action.number, action.comment, { body: action.body }),
      );
    case 'close': {
      const update = { body: action.body, state: 'closed', state_reason: action.stateReason } as const;
      return done(action.number, await commentThenUpdate(w, action.number, action.comment, update));
    }
    default: {
      const never: never = action;
      throw new Error(`unknown issue action ${JSON.stringify(never)}`);
    }
  }
}

type IssueUpdate = Omit<
  Parameters<IssuesOctokit['rest']['issues']['update']>[0] & object,
  'owner' | 'repo' | 'issue_number'
>;

/** Updates (and reopens) an issue, then posts the action's comment if any; returns the issue's URL. */
async function updateThenComment(
  { octokit, owner, repo, mutate }: IssueWriter,
  action: Extract<IssueAction, { type: 'update' }>,
): Promise<string> {
  const issue_number = action.number;
  const { data } = await mutate(() =>
    octokit.rest.issues.update({
      owner,
      repo,
      issue_number,
      title: action.title,
      body: action.body,
      labels: action.labels,
      ...(action.reopen ? { state: 'open' as const } : {}),
    }),
  );
  const comment = action.comment;
  if (comment)
    await mutate(() => octokit.rest.issues.createComment({ owner, repo, issue_number, body: comment }));
  return data.html_url;
}

/** Posts a comment, then updates the issue (comments first, so a close carries its reason); returns its URL. */
async function commentThenUpdate(
  { octokit, owner, repo, mutate }: IssueWriter,
  issue_number: number,
  comment: string,
  update: IssueUpdate,
): Promise<string> {
  await mutate(() => octokit.rest.issues.createComment({ owner, repo, issue_number, body: comment }));
  const { data } = await mutate(() => octokit.rest.issues.update({ owner, repo, issue_number, ...update }));
  return data.html_url;
}

/** The result of an action the API refused: what was being done, for which workload, and why. */
function failedResult({ owner, repo }: IssueRepo, action: IssueAction, err: unknown): IssueResult {
  const t = action.target;
  const what = `${t.kind} ${t.namespace}/${t.name} (cluster ${t.cluster})`;
  const doing =
    action.type === 'create'
      ? `opening an issue for ${what}`
      : `${action.type === 'close' ? 'closing' : 'updating'} issue #${action.number} for ${what}`;
  return {
    action,
    ok: false,
    number: 'number' in action ? action.number : null,
    url: null,
    dryRun: false,
    error: describeGitHubError(err, doing, { owner, repo }),
  };
}

/** Creates the labels the plan uses that the repository lacks; returns the warnings. */
async function ensureLabels(w: IssueWriter, actions: readonly IssueAction[]): Promise<string[]> {
  const wanted = new Set<string>();
  for (const a of actions)
    if (a.type === 'create' || a.type === 'update') for (const l of a.labels) wanted.add(l);
  if (wanted.size === 0) return [];
  let existing: Set<string>;
  try {
    const labels = await w.octokit.paginate(w.octokit.rest.issues.listLabelsForRepo, {
      owner: w.owner,
      repo: w.repo,
      per_page: 100,
    });
    existing = new Set(labels.map((l) => l.name.toLowerCase()));
  } catch (err: unknown) {
    return [describeGitHubError(err, 'listing labels', w)];
  }
  const errors: string[] = [];
  for (const name of [...wanted].sort()) {
    if (existing.has(name.toLowerCase())) continue;
    const error = await createLabel(w, name);
    if (error) errors.push(error);
  }
  return errors;
}

/** Creates one label; returns a warning unless it worked or a concurrent run made it first. */
async function createLabel(
  { octokit, owner, repo, mutate }: IssueWriter,
  name: string,
): Promise<string | null> {
  const managed = MANAGED_LABEL_PREFIXES.some((p) => name.startsWith(p));
  try {
    await mutate(() =>
      octokit.rest.issues.createLabel({
        owner,
        repo,
        name,
        color: labelColor(name),
        description: managed ? 'Set by k8s-image-check' : 'Cluster problems found by k8s-image-check',
      }),
    );
    return null;
  } catch (err: unknown) {
    return isAlreadyExists(err)
      ? null
      : describeGitHubError(err, `creating label "${name}"`, { owner, repo });
  }
}
