/**
 * Cluster-mode GitHub issues, planned as pure data: one issue per (cluster, namespace, kind, name) that is
 * unhealthy or drifted, found again by the dedicated label and the hidden marker (`issue-marker.ts`),
 * updated only when the workload fingerprint changes, closed after `resolveRuns` consecutive clean runs or
 * when the workload is gone, and never closed because a run could not see it. `applyIssuePlan`
 * (`issues-publish.ts`) performs the plan.
 *
 * Recurrence: when a problem comes back and the workload has no open issue, the most recent issue the tool
 * closed itself is reopened (history stays in one place). An issue a person closed while the findings are
 * unchanged is left closed (muted); when the findings change, it is reopened too.
 */

import { bySeverityDesc } from '../../severity.js';
import { markdown, markdownCode } from '../../untrusted.js';
import type { ClusterError, HealthSeverity, PodHealth, WorkloadReport } from '../types.js';
import { isVisible } from '../visibility.js';
import {
  INCONCLUSIVE_IMAGE,
  issueLabels,
  issueTitle,
  MANAGED_LABEL_PREFIXES,
  problemStatusLine,
  problemSummary,
  renderIssueBody,
  replaceStatus,
} from './issue-body.js';
import {
  type CloseReason,
  type IssueState,
  type IssueTarget,
  parseMarker,
  replaceMarker,
  targetKey,
} from './issue-marker.js';

export type { IssueState, IssueTarget } from './issue-marker.js';
export { applyIssuePlan, listManagedIssues } from './issues-publish.js';

/** Default number of consecutive clean runs before an issue is closed (docs/pod-health.md#issues). */
export const DEFAULT_RESOLVE_RUNS = 2;
/** Default cap on issues opened (created or reopened) per run. */
export const DEFAULT_MAX_OPEN_PER_RUN = 10;
/** Restart counts whose crossing is announced with a comment (kwatch's tiers). */
export const RESTART_TIERS = [3, 10, 50] as const;

/** An issue as the list API returned it (pull requests already filtered out). */
export interface ExistingIssue {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  labels: string[];
  url?: string;
}

/** Options of `planIssues`. */
export interface PlanIssuesOptions {
  /** Name of the cluster this run looked at; issues of other clusters are never touched. */
  cluster: string;
  /** The dedicated label (e.g. `k8s-image-check`). */
  label: string;
  /** Consecutive clean runs before closing. Default `DEFAULT_RESOLVE_RUNS`. */
  resolveRuns?: number;
  /** Cap on issues opened per run. Default `DEFAULT_MAX_OPEN_PER_RUN`. */
  maxOpenPerRun?: number;
  /**
   * True when every list of the run succeeded. When false nothing is closed and clean runs are not counted:
   * only issues for what was seen are created or updated.
   */
  runComplete: boolean;
  now: Date;
  runUrl?: string;
  /** Prefix for manifest links, e.g. `https://github.com/o/r/blob/<sha>/`. */
  blobUrl?: string;
  /** All pods of the run (for per-pod restarts and escalation); optional. */
  pods?: readonly PodHealth[];
  /**
   * The namespaces the run looked at. Issues of namespaces outside it are left untouched (never counted as
   * clean, never closed as removed): a `--namespace monitoring` run knows nothing about `shop`.
   */
  scope?: IssueScope;
  /**
   * The run's list failures. On an incomplete run a workload whose namespace/kind failed to list (see
   * `isVisible`) is left untouched: no issue is created, updated or counted for it.
   */
  errors?: readonly ClusterError[];
}

/** The namespaces a run looked at: `namespaces` (empty: all) minus `excludeNamespaces`. */
export interface IssueScope {
  namespaces: readonly string[];
  excludeNamespaces: readonly string[];
}

/** Returns whether a namespace is inside a run's scope (no scope: every namespace). */
export function inIssueScope(namespace: string, scope: IssueScope | undefined): boolean {
  if (!scope) return true;
  return (
    (scope.namespaces.length === 0 || scope.namespaces.includes(namespace)) &&
    !scope.excludeNamespaces.includes(namespace)
  );
}

interface Base {
  target: IssueTarget;
}

/** One step of the plan. `body`/`title`/`labels` are complete replacements. */
export type IssueAction =
  | (Base & { type: 'create'; severity: HealthSeverity; title: string; body: string; labels: string[] })
  | (Base & {
      type: 'update';
      number: number;
      reason: 'fingerprint_changed' | 'clean_run' | 'recurred' | 'reopened';
      reopen: boolean;
      title: string;
      body: string;
      labels: string[];
      comment: string | null;
    })
  | (Base & { type: 'comment'; number: number; reason: 'escalation'; comment: string; body: string })
  | (Base & {
      type: 'close';
      number: number;
      reason: CloseReason;
      stateReason: 'completed' | 'not_planned';
      comment: string;
      body: string;
    })
  | (Base & {
      type: 'noop';
      number: number | null;
      reason: 'unchanged' | 'inconclusive' | 'incomplete_run' | 'closed_by_person' | 'cap_reached';
    });

interface Tracked {
  issue: ExistingIssue;
  state: IssueState;
}

/** The workload of an issue in a comment (Markdown): names come from a marker or the cluster, so they are escaped. */
function describe(t: IssueTarget): string {
  return `${markdown(t.kind)} ${markdownCode(`${t.namespace}/${t.name}`)} in cluster ${markdownCode(t.cluster)}`;
}

function targetOf(w: WorkloadReport): IssueTarget {
  return { cluster: w.cluster, namespace: w.namespace, kind: w.kind, name: w.name };
}

/** Restart count used for escalation: the highest of the workload's unhealthy pods, else the workload sum. */
function restartsOf(w: WorkloadReport, pods: readonly PodHealth[] | undefined): number {
  const own = (pods ?? []).filter(
    (p) =>
      p.namespace === w.namespace &&
      p.owner.kind === w.kind &&
      p.owner.name === w.name &&
      p.status === 'unhealthy',
  );
  return own.length ? Math.max(...own.map((p) => p.restarts)) : w.pods.restarts;
}

function tierOf(restarts: number): number {
  return RESTART_TIERS.filter((t) => restarts >= t).length;
}

/** Managed labels replaced, the dedicated label kept, labels a person added kept. */
function mergeLabels(current: readonly string[], label: string, managed: readonly string[]): string[] {
  const own = current.filter((l) => l !== label && !MANAGED_LABEL_PREFIXES.some((p) => l.startsWith(p)));
  return [...new Set([label, ...managed, ...own])].sort((a, b) =>
    a === label ? -1 : b === label ? 1 : a.localeCompare(b),
  );
}

/** A workload whose image checks were inconclusive proves nothing: its clean run is not counted. */
function isInconclusive(w: WorkloadReport): boolean {
  return w.images.some((i) => INCONCLUSIVE_IMAGE.has(i.status));
}

/**
 * Groups managed issues of this cluster and scope by target: the open one (oldest), open duplicates, the
 * latest closed.
 */
function indexIssues(existing: readonly ExistingIssue[], cluster: string, scope: IssueScope | undefined) {
  const byKey = new Map<string, { open: Tracked[]; closed: Tracked[] }>();
  for (const issue of existing) {
    const state = parseMarker(issue.body);
    if (!state || state.cluster !== cluster || !inIssueScope(state.namespace, scope)) continue;
    const key = targetKey(state);
    const entry = byKey.get(key) ?? { open: [], closed: [] };
    (issue.state === 'open' ? entry.open : entry.closed).push({ issue, state });
    byKey.set(key, entry);
  }
  for (const e of byKey.values()) {
    e.open.sort((a, b) => a.issue.number - b.issue.number);
    e.closed.sort((a, b) => b.issue.number - a.issue.number);
  }
  return byKey;
}

/**
 * Returns the actions that bring the issues in line with this run: create, update (fingerprint changed,
 * clean-run count, recurrence), comment (restart escalation), close (resolved, workload removed, duplicate)
 * or noop, for every workload of `opts.cluster` and every open managed issue of that cluster inside
 * `opts.scope`. Pass every workload the run saw, healthy ones included: a managed issue whose workload is
 * absent from a complete run is closed as removed. Issues outside the scope do not appear in the plan.
 *
 * @remarks On a total listing failure do not call this at all (nothing may change). Closed issues closed as
 * duplicates are never reopened; a closed issue a person closed stays closed while its fingerprint is unchanged.
 */
export function planIssues(
  existing: readonly ExistingIssue[],
  workloads: readonly WorkloadReport[],
  opts: PlanIssuesOptions,
): IssueAction[] {
  const plan = newPlanner(opts);
  const index = indexIssues(existing, opts.cluster, opts.scope);
  const actions = planDuplicates(index);
  const seen = new Set<string>();
  for (const w of inScopeBySeverity(workloads, opts)) {
    const key = targetKey(w);
    if (seen.has(key)) continue;
    seen.add(key);
    const action = planWorkload(plan, w, index.get(key));
    if (action) actions.push(action);
  }
  for (const [key, { open }] of index) {
    const current = open[0];
    if (current && !seen.has(key)) actions.push(planRemoved(plan, current));
  }
  return actions;
}

/** What every step of one plan shares: the options, their resolved defaults and the count of issues opened. */
interface Planner {
  opts: PlanIssuesOptions;
  resolveRuns: number;
  maxOpen: number;
  body: IssueBodyContext;
  /** ` ([run](url))` for comments, or empty. */
  runRef: string;
  opened: number;
}

type IssueBodyContext = Parameters<typeof renderIssueBody>[2];
type IndexEntry = { open: Tracked[]; closed: Tracked[] };

function newPlanner(opts: PlanIssuesOptions): Planner {
  const resolveRuns = Math.max(1, opts.resolveRuns ?? DEFAULT_RESOLVE_RUNS);
  return {
    opts,
    resolveRuns,
    maxOpen: Math.max(0, opts.maxOpenPerRun ?? DEFAULT_MAX_OPEN_PER_RUN),
    body: { now: opts.now, runUrl: opts.runUrl, blobUrl: opts.blobUrl, pods: opts.pods, resolveRuns },
    runRef: opts.runUrl ? ` ([run](${opts.runUrl}))` : '',
    opened: 0,
  };
}

/** Duplicates (e.g. from two racing runs): keep the oldest open issue, close the others. */
function planDuplicates(index: Map<string, IndexEntry>): IssueAction[] {
  const actions: IssueAction[] = [];
  for (const { open } of index.values()) {
    const [keep, ...extra] = open;
    for (const dup of extra) {
      actions.push({
        type: 'close',
        target: dup.state,
        number: dup.issue.number,
        reason: 'duplicate',
        stateReason: 'not_planned',
        comment: `Duplicate of #${keep?.issue.number}: both track ${describe(dup.state)}. Closing this one.`,
        body: replaceMarker(dup.issue.body ?? '', { ...dup.state, closed: 'duplicate' }),
      });
    }
  }
  return actions;
}

/** The run's workloads of this cluster and scope, worst first (so the open cap keeps the worst). */
function inScopeBySeverity(workloads: readonly WorkloadReport[], opts: PlanIssuesOptions): WorkloadReport[] {
  return workloads
    .filter((w) => w.cluster === opts.cluster && inIssueScope(w.namespace, opts.scope))
    .sort((a, b) => bySeverityDesc(a.severity, b.severity) || targetKey(a).localeCompare(targetKey(b)));
}

/** The one action for a workload the run reported, or null (healthy and no issue). */
function planWorkload(plan: Planner, w: WorkloadReport, entry: IndexEntry | undefined): IssueAction | null {
  const target = targetOf(w);
  const current = entry?.open[0];
  // What a partial run could not list is unknown: its issue (if any) keeps its body and fingerprint.
  if (!plan.opts.runComplete && !isVisible(plan.opts.errors ?? [], w.namespace, w.kind))
    return { type: 'noop', target, number: current?.issue.number ?? null, reason: 'incomplete_run' };
  if (w.unhealthy) return current ? planStillOpen(plan, w, current) : planOpen(plan, w, entry);
  return current ? planClean(plan, w, current) : null;
}

/** An unhealthy workload with an open issue: update on a new fingerprint, comment on escalation, … */
function planStillOpen(plan: Planner, w: WorkloadReport, current: Tracked): IssueAction {
  const target = targetOf(w);
  const number = current.issue.number;
  const tier = tierOf(restartsOf(w, plan.opts.pods));
  const labels = mergeLabels(current.issue.labels, plan.opts.label, issueLabels(w));
  const update = {
    type: 'update',
    target,
    number,
    reopen: false,
    title: issueTitle(w),
    labels,
    comment: null,
  } as const;
  if (current.state.fingerprint !== w.fingerprint)
    return { ...update, reason: 'fingerprint_changed', body: freshBody(plan, w, tier) };
  if (tier > current.state.tier)
    return {
      type: 'comment',
      target,
      number,
      reason: 'escalation',
      comment: `Restarts reached ${restartsOf(w, plan.opts.pods)} (past ${RESTART_TIERS[tier - 1]}); still ${problemSummary(w).join(', ')}${plan.runRef}.`,
      body: freshBody(plan, w, tier),
    };
  if (current.state.cleanRuns > 0) {
    const status = replaceStatus(current.issue.body ?? '', problemStatusLine(w, plan.body));
    return { ...update, reason: 'recurred', body: replaceMarker(status, { ...current.state, cleanRuns: 0 }) };
  }
  return { type: 'noop', target, number, reason: 'unchanged' };
}

/** The body of an issue rendered anew for this run, its marker reset to no clean runs. */
function freshBody(plan: Planner, w: WorkloadReport, tier: number): string {
  return renderIssueBody(w, { ...targetOf(w), fingerprint: w.fingerprint, cleanRuns: 0, tier }, plan.body);
}

/** An unhealthy workload without an open issue: reopen the last closed one or create, within the cap. */
function planOpen(plan: Planner, w: WorkloadReport, entry: IndexEntry | undefined): IssueAction {
  const target = targetOf(w);
  const previous = entry?.closed.find((c) => c.state.closed !== 'duplicate');
  if (previous && !previous.state.closed && previous.state.fingerprint === w.fingerprint)
    return { type: 'noop', target, number: previous.issue.number, reason: 'closed_by_person' };
  if (plan.opened >= plan.maxOpen) return { type: 'noop', target, number: null, reason: 'cap_reached' };
  plan.opened++;
  const title = issueTitle(w);
  const body = freshBody(plan, w, tierOf(restartsOf(w, plan.opts.pods)));
  if (!previous)
    return {
      type: 'create',
      target,
      severity: w.severity,
      title,
      body,
      labels: mergeLabels([], plan.opts.label, issueLabels(w)),
    };
  return {
    type: 'update',
    target,
    number: previous.issue.number,
    reason: 'reopened',
    reopen: true,
    title,
    body,
    labels: mergeLabels(previous.issue.labels, plan.opts.label, issueLabels(w)),
    comment: `This came back: ${problemSummary(w).join(', ')}${plan.runRef}. Reopening.`,
  };
}

/** A healthy workload with an open issue: count the clean run, close after `resolveRuns` of them. */
function planClean(plan: Planner, w: WorkloadReport, current: Tracked): IssueAction {
  const target = targetOf(w);
  const number = current.issue.number;
  if (!plan.opts.runComplete) return { type: 'noop', target, number, reason: 'incomplete_run' };
  if (isInconclusive(w)) return { type: 'noop', target, number, reason: 'inconclusive' };
  const cleanRuns = current.state.cleanRuns + 1;
  const oldBody = current.issue.body ?? '';
  const at = plan.opts.now.toISOString();
  if (cleanRuns >= plan.resolveRuns) {
    const status = `**Resolved** at ${at}: no problem seen in ${cleanRuns} consecutive run(s).`;
    return {
      type: 'close',
      target,
      number,
      reason: 'resolved',
      stateReason: 'completed',
      comment: `No problem seen in ${cleanRuns} consecutive run(s) (last at ${at}${plan.runRef}); closing as resolved. If it comes back, this issue is reopened.`,
      body: replaceMarker(replaceStatus(oldBody, status), {
        ...current.state,
        cleanRuns,
        closed: 'resolved',
      }),
    };
  }
  const line = `**No problem seen in the last run** (${at}${plan.runRef}): ${cleanRuns} of ${plan.resolveRuns} clean runs needed to close. The findings below are from the last run that saw them.`;
  return {
    type: 'update',
    target,
    number,
    reason: 'clean_run',
    reopen: false,
    title: current.issue.title,
    body: replaceMarker(replaceStatus(oldBody, line), { ...current.state, cleanRuns }),
    labels: current.issue.labels,
    comment: null,
  };
}

/** An open issue whose workload this run did not report at all: closed as removed, on a complete run. */
function planRemoved(plan: Planner, current: Tracked): IssueAction {
  const target = current.state;
  const number = current.issue.number;
  if (!plan.opts.runComplete) return { type: 'noop', target, number, reason: 'incomplete_run' };
  const at = plan.opts.now.toISOString();
  return {
    type: 'close',
    target,
    number,
    reason: 'workload_removed',
    stateReason: 'completed',
    comment: `${describe(target)} is gone: a complete run at ${at}${plan.runRef} found it neither in the cluster nor in git. Closing (workload removed).`,
    body: replaceMarker(
      replaceStatus(current.issue.body ?? '', `**Workload removed** (seen gone at ${at}).`),
      {
        ...current.state,
        closed: 'workload_removed',
      },
    ),
  };
}
