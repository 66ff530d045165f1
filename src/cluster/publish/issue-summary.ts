/**
 * The job-summary section for cluster issues: what was opened, updated, closed, left alone, and what was
 * not opened because the per-run cap was reached. Written whether or not the plan was applied (dry run).
 */
import { markdown, markdownCode } from '../../untrusted.js';
import type { IssueAction } from './issues.js';
import type { IssueResult } from './issues-publish.js';

function who(a: IssueAction): string {
  return `${markdown(a.target.kind)} ${markdownCode(`${a.target.namespace}/${a.target.name}`)}`;
}

function ref(number: number | null, url: string | null): string {
  if (number === null) return '';
  return url ? `[#${number}](${url})` : `#${number}`;
}

function verb(a: IssueAction, dryRun: boolean): string {
  const will = (s: string, done: string) => (dryRun ? `would ${s}` : done);
  switch (a.type) {
    case 'create':
      return will('open', 'opened');
    case 'update':
      if (a.reopen) return will('reopen', 'reopened');
      return a.reason === 'clean_run'
        ? will('count a clean run on', 'counted a clean run on')
        : will('update', 'updated');
    case 'comment':
      return will('comment on (restart escalation)', 'commented on (restart escalation)');
    case 'close':
      return will(`close (${a.reason.replace('_', ' ')})`, `closed (${a.reason.replace('_', ' ')})`);
    case 'noop':
      return a.reason === 'cap_reached'
        ? 'not opened: cap reached'
        : `unchanged (${a.reason.replace(/_/g, ' ')})`;
    default: {
      const never: never = a;
      return String(never);
    }
  }
}

/**
 * Returns Markdown listing every issue action of a run (results from `applyIssuePlan`), failures first, with
 * the count of workloads not opened because of the cap.
 */
export function renderIssueSummary(cluster: string, results: readonly IssueResult[]): string {
  const dryRun = results.some((r) => r.dryRun);
  const lines = [
    `### Issues for cluster ${markdownCode(cluster)}${dryRun ? ' (dry run: nothing written)' : ''}`,
    '',
  ];
  if (results.length === 0)
    return [...lines, 'No workload needs an issue and no issue is open.', ''].join('\n');
  const failed = results.filter((r) => !r.ok);
  const capped = results.filter((r) => r.action.type === 'noop' && r.action.reason === 'cap_reached');
  for (const r of failed) lines.push(`- ❌ ${who(r.action)}: ${markdown(r.error ?? 'failed')}`);
  for (const r of results) {
    if (!r.ok) continue;
    const number = r.action.type === 'create' ? r.number : 'number' in r.action ? r.action.number : null;
    const suffix = ref(number, r.url);
    lines.push(`- ${who(r.action)}: ${verb(r.action, r.dryRun)}${suffix ? ` ${suffix}` : ''}`);
  }
  if (capped.length > 0) {
    lines.push(
      '',
      `${capped.length} workload(s) not opened: the per-run cap (max-issues-per-run) was reached; they are opened in later runs.`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
