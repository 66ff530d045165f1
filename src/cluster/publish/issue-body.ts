/**
 * Issue titles, bodies, labels and comments for cluster-mode workloads: human-readable Markdown saying what
 * is wrong per pod and container, how the live images differ from git, which images their registry no
 * longer serves, and what to do. Pure; free text from the cluster is redacted and escaped.
 */

import { redact } from '../../secrets.js';
import { isAtLeast } from '../../severity.js';
import { markdown, markdownCode, plain, urlPath } from '../../untrusted.js';
import { DUMP_CLUSTER_NAME } from '../render.js';
import type { DriftEntry, HealthSeverity, PodHealth, WorkloadImageCheck, WorkloadReport } from '../types.js';
import { type IssueState, renderMarker } from './issue-marker.js';
import { REMEDY_BY_CLASS, REMEDY_BY_DRIFT, REMEDY_BY_IMAGE_STATUS } from './issue-remedies.js';

/** GitHub rejects bodies over 65,536 characters; stay well below. */
export const MAX_BODY_CHARS = 60_000;
/** Rows per table before "and N more". */
const MAX_ROWS = 50;
/** Pods named per class row. */
const MAX_PODS_PER_ROW = 10;
/** Longest message quoted. */
const MAX_MESSAGE_CHARS = 600;

/** Drift statuses that make an issue. */
export const PROBLEM_DRIFT = new Set(['drifted', 'missing_in_cluster', 'rollout_stuck']);
/** Image check statuses that mean the image cannot be pulled. */
export const PROBLEM_IMAGE = new Set(['absent', 'platform_missing', 'bad_image_format']);
/** Image check statuses that prove nothing either way (a clean run is not counted while one is present). */
export const INCONCLUSIVE_IMAGE = new Set([
  'authentication_failure',
  'authorization_failure',
  'rate_limited',
  'registry_unavailable',
  'unknown_error',
]);

/** Label prefixes the tool manages (besides the dedicated label); other labels on an issue are kept. */
export const MANAGED_LABEL_PREFIXES = ['k8s-severity:', 'k8s-class:', 'k8s-drift:', 'k8s-image:'] as const;

const STATUS_START = '<!-- k8s-image-check:status -->';
const STATUS_END = '<!-- /k8s-image-check:status -->';

/** Context a body needs besides the workload. */
export interface IssueBodyContext {
  /** When the run happened. */
  now: Date;
  /** Link to the workflow run. */
  runUrl?: string;
  /** Prefix for manifest links, e.g. `https://github.com/o/r/blob/<sha>/` (file and `#L<line>` are appended). */
  blobUrl?: string;
  /** The workload's pods (for per-pod restarts); optional. */
  pods?: readonly PodHealth[];
  /** Clean runs needed to close. */
  resolveRuns: number;
}

/** One line, redacted and bounded; escaping is left to `markdown`/`markdownCode` (src/untrusted.ts). */
function bounded(value: string, max = MAX_MESSAGE_CHARS): string {
  const one = redact(value).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Inline code for a name, image or reason: redacted, bounded, inert (`markdownCode`). */
export function code(value: string): string {
  return markdownCode(bounded(value));
}

/** Text for a table cell or a sentence: redacted, bounded, inert, unable to mention anyone (`markdown`). */
export function text(value: string): string {
  return markdown(bounded(value));
}

/** A Kubernetes name (RFC 1123 subdomain): the only values pasted into the shell commands of a remedy. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Returns the problems of a workload in short form, for titles and comments (`CrashLoopBackOff, drifted`). */
export function problemSummary(w: WorkloadReport): string[] {
  const parts: string[] = [];
  for (const c of w.classes)
    if (isAtLeast(c.severity, 'warning') && !parts.includes(c.class)) parts.push(c.class);
  for (const d of w.drift) if (PROBLEM_DRIFT.has(d.status) && !parts.includes(d.status)) parts.push(d.status);
  for (const i of w.images)
    if (PROBLEM_IMAGE.has(i.status) && !parts.includes(`image ${i.status}`)) parts.push(`image ${i.status}`);
  return parts;
}

/** Returns the issue title, e.g. `prod: Deployment shop/cart — CrashLoopBackOff, drifted`. */
export function issueTitle(w: WorkloadReport): string {
  const summary = problemSummary(w);
  const cluster = w.cluster === DUMP_CLUSTER_NAME ? 'dump (no --cluster-name)' : w.cluster;
  // Titles are plain text: one line, no control character (`plain`).
  const title = plain(
    `${cluster}: ${w.kind} ${w.namespace}/${w.name} — ${summary.length ? summary.join(', ') : 'needs attention'}`,
  );
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}

/** Returns the managed labels for a workload: severity, classes, drift and image statuses. */
export function issueLabels(w: WorkloadReport): string[] {
  const labels = new Set<string>();
  if (w.severity !== 'none') labels.add(`k8s-severity:${w.severity}`);
  for (const c of w.classes) if (isAtLeast(c.severity, 'warning')) labels.add(`k8s-class:${c.class}`);
  for (const d of w.drift) if (PROBLEM_DRIFT.has(d.status)) labels.add(`k8s-drift:${d.status}`);
  for (const i of w.images) if (PROBLEM_IMAGE.has(i.status)) labels.add(`k8s-image:${i.status}`);
  return [...labels].sort();
}

function table(header: string[], rows: string[][]): string[] {
  const shown = rows.slice(0, MAX_ROWS);
  const out = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...shown.map((r) => `| ${r.join(' | ')} |`),
  ];
  if (rows.length > shown.length) out.push('', `… and ${rows.length - shown.length} more rows.`);
  return out;
}

function podList(names: readonly string[], pods: readonly PodHealth[] | undefined): string {
  const restarts = new Map((pods ?? []).map((p) => [p.pod, p.restarts]));
  const shown = names.slice(0, MAX_PODS_PER_ROW).map((n) => {
    const r = restarts.get(n);
    return r ? `${code(n)} (${r} restarts)` : code(n);
  });
  if (names.length > shown.length) shown.push(`+${names.length - shown.length} more`);
  return shown.join(', ');
}

function podSection(w: WorkloadReport, ctx: IssueBodyContext): string[] {
  const rows = w.classes
    .filter((c) => isAtLeast(c.severity, 'info'))
    .map((c) => [
      text(c.class),
      c.severity,
      c.container ? `${code(c.container)}${c.init ? ' (init)' : ''}` : '—',
      c.reason ? code(c.reason) : '—',
      c.exitCode === null ? '—' : String(c.exitCode),
      podList(c.pods, ctx.pods),
    ]);
  if (rows.length === 0) return [];
  const out = [
    '### Pod health',
    '',
    ...table(['Class', 'Severity', 'Container', 'Reason', 'Exit code', 'Pods'], rows),
  ];
  const messages = w.classes.filter((c) => c.message).slice(0, MAX_ROWS);
  if (messages.length > 0) {
    out.push('', 'Messages (one example per row):', '');
    for (const c of messages)
      out.push(
        `- **${text(c.class)}**${c.container ? ` in ${code(c.container)}` : ''}: ${code(c.message ?? '')}`,
      );
  }
  return out;
}

function manifestLink(d: DriftEntry, blobUrl: string | undefined): string {
  if (!d.file) return '—';
  const where = `${d.file}${d.line ? `:${d.line}` : ''}`;
  if (!blobUrl) return code(where);
  const url = `${blobUrl.replace(/\/?$/, '/')}${urlPath(d.file)}${d.line ? `#L${d.line}` : ''}`;
  return `[${text(where)}](${url})`;
}

function driftSection(w: WorkloadReport, ctx: IssueBodyContext): string[] {
  const entries = w.drift.filter(
    (d) => d.status !== 'in_sync' || d.tagMoved || (d.tagFindings?.length ?? 0) > 0,
  );
  if (entries.length === 0) return [];
  const rows = entries.map((d) => {
    const notes = [...(d.tagMoved ? ['tag moved'] : []), ...(d.tagFindings ?? []).map((f) => f.rule)];
    return [
      code(d.container),
      `${d.status}${notes.length ? ` (${notes.join(', ')})` : ''}`,
      d.desired ? code(d.desired) : '—',
      d.live ? code(d.live) : '—',
      manifestLink(d, ctx.blobUrl),
    ];
  });
  return [
    '### Drift (live cluster vs git)',
    '',
    ...table(['Container', 'Status', 'Desired (git)', 'Live', 'Manifest'], rows),
  ];
}

function imageSection(images: readonly WorkloadImageCheck[]): string[] {
  const bad = images.filter((i) => PROBLEM_IMAGE.has(i.status) || INCONCLUSIVE_IMAGE.has(i.status));
  if (bad.length === 0) return [];
  const rows = bad.map((i) => [
    code(i.container),
    code(i.image),
    i.source,
    i.status,
    i.message ? text(i.message) : '—',
  ]);
  return [
    '### Image availability',
    '',
    ...table(['Container', 'Image', 'Source', 'Status', 'Registry said'], rows),
  ];
}

function remedySection(w: WorkloadReport): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  const add = (key: string, remedy: string | undefined) => {
    if (!remedy || seen.has(key)) return;
    seen.add(key);
    lines.push(`- **${text(key)}**: ${remedy}`);
  };
  for (const c of w.classes) {
    if (!isAtLeast(c.severity, 'warning')) continue;
    // Fill the command placeholders with the first affected pod, so the command can be pasted; a value that is
    // not a Kubernetes name (a dump can hold anything) keeps the placeholder instead of entering a code span.
    const fill = (placeholder: string, value: string | null | undefined) =>
      value && K8S_NAME.test(value) ? value : placeholder;
    const remedy = REMEDY_BY_CLASS[c.class]
      ?.replace('<namespace>', fill('<namespace>', w.namespace))
      .replace('<pod>', fill('<pod>', c.pods[0]))
      .replace('<container>', fill('<container>', c.container));
    add(c.class, remedy);
  }
  for (const d of w.drift) add(d.status, REMEDY_BY_DRIFT[d.status]);
  for (const i of w.images) add(i.status, REMEDY_BY_IMAGE_STATUS[i.status]);
  return lines.length ? ['### What to do', '', ...lines] : [];
}

/** Returns the status block (between its own markers so later runs can replace it). */
export function statusBlock(line: string): string {
  return `${STATUS_START}\n${line}\n${STATUS_END}`;
}

/** Replaces the status block of a body (inserting one at the top when missing). */
export function replaceStatus(body: string, line: string): string {
  const start = body.indexOf(STATUS_START);
  const end = body.indexOf(STATUS_END);
  if (start >= 0 && end > start)
    return body.slice(0, start) + statusBlock(line) + body.slice(end + STATUS_END.length);
  return `${statusBlock(line)}\n\n${body}`;
}

/** The status line of a workload with problems. */
export function problemStatusLine(w: WorkloadReport, ctx: Pick<IssueBodyContext, 'now' | 'runUrl'>): string {
  const run = ctx.runUrl ? ` ([run](${ctx.runUrl}))` : '';
  return `**Severity: ${w.severity}** · pods: ${w.pods.total} (${w.pods.unhealthy} unhealthy, ${w.pods.transitional} transitional) · restarts: ${w.pods.restarts} · last seen ${ctx.now.toISOString()}${run}`;
}

/** Returns the full issue body for a workload with problems, ending with the hidden marker. */
export function renderIssueBody(w: WorkloadReport, state: IssueState, ctx: IssueBodyContext): string {
  const sections = [
    `## ${text(w.kind)} ${code(`${w.namespace}/${w.name}`)} in cluster ${code(w.cluster)}`,
    statusBlock(problemStatusLine(w, ctx)),
    podSection(w, ctx).join('\n'),
    driftSection(w, ctx).join('\n'),
    imageSection(w.images).join('\n'),
    w.warnings.length
      ? ['### Warnings', '', ...w.warnings.slice(0, MAX_ROWS).map((x) => `- ${text(x)}`)].join('\n')
      : '',
    remedySection(w).join('\n'),
    `---\n<sub>Managed by k8s-image-check: updated when the findings change, closed after ${ctx.resolveRuns} consecutive clean run(s) or when the workload is removed. Keep the hidden marker below.</sub>`,
  ].filter((s) => s !== '');
  let body = sections.join('\n\n');
  if (body.length > MAX_BODY_CHARS) body = `${body.slice(0, MAX_BODY_CHARS)}\n\n… (truncated)`;
  return `${body}\n\n${renderMarker(state)}\n`;
}
