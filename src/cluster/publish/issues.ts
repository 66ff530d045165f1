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

/** Default number of consecutive clean runs before an issue is closed (pod-health.md E.6). */
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
  const resolveRuns = Math.max(1, opts.resolveRuns ?? DEFAULT_RESOLVE_RUNS);
  const maxOpen = Math.max(0, opts.maxOpenPerRun ?? DEFAULT_MAX_OPEN_PER_RUN);
  const ctx = { now: opts.now, runUrl: opts.runUrl, blobUrl: opts.blobUrl, pods: opts.pods, resolveRuns };
  const index = indexIssues(existing, opts.cluster, opts.scope);
  const actions: IssueAction[] = [];
  const runRef = opts.runUrl ? ` ([run](${opts.runUrl}))` : '';
  let opened = 0;

  // Duplicates (e.g. from two racing runs): keep the oldest open issue, close the others.
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

  const seen = new Set<string>();
  const ordered = workloads
    .filter((w) => w.cluster === opts.cluster && inIssueScope(w.namespace, opts.scope))
    .slice()
    .sort((a, b) => bySeverityDesc(a.severity, b.severity) || targetKey(a).localeCompare(targetKey(b)));
  for (const w of ordered) {
    const target = targetOf(w);
    const key = targetKey(target);
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = index.get(key);
    const current = entry?.open[0];
    const tier = tierOf(restartsOf(w, opts.pods));

    // What a partial run could not list is unknown: its issue (if any) keeps its body and fingerprint.
    if (!opts.runComplete && !isVisible(opts.errors ?? [], w.namespace, w.kind)) {
      actions.push({ type: 'noop', target, number: current?.issue.number ?? null, reason: 'incomplete_run' });
      continue;
    }

    if (w.unhealthy) {
      const state: IssueState = { ...target, fingerprint: w.fingerprint, cleanRuns: 0, tier };
      const title = issueTitle(w);
      const body = renderIssueBody(w, state, ctx);
      if (current) {
        const labels = mergeLabels(current.issue.labels, opts.label, issueLabels(w));
        if (current.state.fingerprint !== w.fingerprint) {
          actions.push({
            type: 'update',
            target,
            number: current.issue.number,
            reason: 'fingerprint_changed',
            reopen: false,
            title,
            body,
            labels,
            comment: null,
          });
        } else if (tier > current.state.tier) {
          actions.push({
            type: 'comment',
            target,
            number: current.issue.number,
            reason: 'escalation',
            comment: `Restarts reached ${restartsOf(w, opts.pods)} (past ${RESTART_TIERS[tier - 1]}); still ${problemSummary(w).join(', ')}${runRef}.`,
            body,
          });
        } else if (current.state.cleanRuns > 0) {
          const kept = { ...current.state, cleanRuns: 0 };
          const refreshed = replaceMarker(
            replaceStatus(current.issue.body ?? '', problemStatusLine(w, ctx)),
            kept,
          );
          actions.push({
            type: 'update',
            target,
            number: current.issue.number,
            reason: 'recurred',
            reopen: false,
            title,
            body: refreshed,
            labels,
            comment: null,
          });
        } else {
          actions.push({ type: 'noop', target, number: current.issue.number, reason: 'unchanged' });
        }
        continue;
      }
      const previous = entry?.closed.find((c) => c.state.closed !== 'duplicate');
      if (previous && !previous.state.closed && previous.state.fingerprint === w.fingerprint) {
        actions.push({ type: 'noop', target, number: previous.issue.number, reason: 'closed_by_person' });
        continue;
      }
      if (opened >= maxOpen) {
        actions.push({ type: 'noop', target, number: null, reason: 'cap_reached' });
        continue;
      }
      opened++;
      if (previous) {
        actions.push({
          type: 'update',
          target,
          number: previous.issue.number,
          reason: 'reopened',
          reopen: true,
          title,
          body,
          labels: mergeLabels(previous.issue.labels, opts.label, issueLabels(w)),
          comment: `This came back: ${problemSummary(w).join(', ')}${runRef}. Reopening.`,
        });
      } else {
        actions.push({
          type: 'create',
          target,
          severity: w.severity,
          title,
          body,
          labels: mergeLabels([], opts.label, issueLabels(w)),
        });
      }
      continue;
    }

    if (!current) continue;
    if (!opts.runComplete) {
      actions.push({ type: 'noop', target, number: current.issue.number, reason: 'incomplete_run' });
      continue;
    }
    if (isInconclusive(w)) {
      actions.push({ type: 'noop', target, number: current.issue.number, reason: 'inconclusive' });
      continue;
    }
    const cleanRuns = current.state.cleanRuns + 1;
    const oldBody = current.issue.body ?? '';
    if (cleanRuns >= resolveRuns) {
      const state: IssueState = { ...current.state, cleanRuns, closed: 'resolved' };
      actions.push({
        type: 'close',
        target,
        number: current.issue.number,
        reason: 'resolved',
        stateReason: 'completed',
        comment: `No problem seen in ${cleanRuns} consecutive run(s) (last at ${opts.now.toISOString()}${runRef}); closing as resolved. If it comes back, this issue is reopened.`,
        body: replaceMarker(
          replaceStatus(
            oldBody,
            `**Resolved** at ${opts.now.toISOString()}: no problem seen in ${cleanRuns} consecutive run(s).`,
          ),
          state,
        ),
      });
    } else {
      const state: IssueState = { ...current.state, cleanRuns };
      const line = `**No problem seen in the last run** (${opts.now.toISOString()}${runRef}): ${cleanRuns} of ${resolveRuns} clean runs needed to close. The findings below are from the last run that saw them.`;
      actions.push({
        type: 'update',
        target,
        number: current.issue.number,
        reason: 'clean_run',
        reopen: false,
        title: current.issue.title,
        body: replaceMarker(replaceStatus(oldBody, line), state),
        labels: current.issue.labels,
        comment: null,
      });
    }
  }

  // Open issues whose workload this run did not report at all.
  for (const [key, { open }] of index) {
    const current = open[0];
    if (!current || seen.has(key)) continue;
    if (!opts.runComplete) {
      actions.push({
        type: 'noop',
        target: current.state,
        number: current.issue.number,
        reason: 'incomplete_run',
      });
      continue;
    }
    const state: IssueState = { ...current.state, closed: 'workload_removed' };
    actions.push({
      type: 'close',
      target: current.state,
      number: current.issue.number,
      reason: 'workload_removed',
      stateReason: 'completed',
      comment: `${describe(current.state)} is gone: a complete run at ${opts.now.toISOString()}${runRef} found it neither in the cluster nor in git. Closing (workload removed).`,
      body: replaceMarker(
        replaceStatus(
          current.issue.body ?? '',
          `**Workload removed** (seen gone at ${opts.now.toISOString()}).`,
        ),
        state,
      ),
    });
  }
  return actions;
}
