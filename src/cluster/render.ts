/**
 * Renderers of a `DriftReport`: JSON (schemaVersion 1, the wire format) and a text summary for terminals and logs.
 * Pure.
 */

import { plain, safeJson } from '../untrusted.js';
import { severityRank } from './pod-health.js';
import type { DriftReport, HealthSeverity, WorkloadReport } from './types.js';
import { CHECK_SEVERITY } from './workloads.js';

/** The cluster name of a run from dump files without `--cluster-name` (the JSON `cluster` value). */
export const DUMP_CLUSTER_NAME = 'offline';

/**
 * Returns how a report's cluster is named in headings: `Cluster prod`, or `Dump (no --cluster-name)` for a run
 * from dump files that was not given a name (so the placeholder does not read like an outage).
 */
export function clusterHeading(cluster: string): string {
  return cluster === DUMP_CLUSTER_NAME ? 'Dump (no --cluster-name)' : `Cluster ${cluster}`;
}

/** Returns the JSON report: `schemaVersion`, `cluster`, times, `complete`, `errors`, `drift`, `pods`, `workloads`, `images`. */
export function renderDriftJson(report: DriftReport): string {
  const ordered = {
    schemaVersion: report.schemaVersion,
    cluster: report.cluster,
    generatedAt: report.generatedAt,
    now: report.now,
    complete: report.complete,
    ...(report.warnings ? { warnings: report.warnings } : {}),
    ...(report.driftNotCompared ? { driftNotCompared: report.driftNotCompared } : {}),
    errors: report.errors,
    drift: report.drift,
    pods: report.pods,
    workloads: report.workloads,
    ...(report.images ? { images: report.images } : {}),
  };
  return `${safeJson(JSON.stringify(ordered, null, 2))}\n`;
}

const LABEL: Record<HealthSeverity, string> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  info: 'info',
  none: 'ok',
};

function workloadLines(w: WorkloadReport): string[] {
  const lines = [
    `${LABEL[w.severity].padEnd(8)} ${w.kind} ${w.namespace}/${w.name}${w.live ? '' : ' (not in the cluster)'}` +
      (w.pods.total
        ? `: ${w.pods.total} pod(s), ${w.pods.unhealthy} unhealthy, ${w.pods.restarts} restart(s)`
        : ''),
  ];
  for (const c of w.classes) {
    if (c.severity === 'none' && c.class !== 'Terminating') continue;
    const where = c.container ? ` ${c.init ? 'init container' : 'container'} ${c.container}` : '';
    const why = [c.reason, c.exitCode !== null ? `exit ${c.exitCode}` : null].filter(Boolean).join(', ');
    lines.push(`    ${c.class} (${c.severity})${where}${why ? ` [${why}]` : ''}: ${c.pods.join(', ')}`);
    if (c.message) lines.push(`      ${c.message}`);
    if (c.probe) lines.push(`      ${c.probe} probe: ${c.probeMessage ?? ''}`);
  }
  for (const d of w.drift) {
    if (d.status === 'in_sync' && !d.tagMoved && !d.tagFindings) continue;
    lines.push(`    ${d.status} ${d.container}: ${d.message}`);
    for (const t of d.tagFindings ?? []) lines.push(`      ${t.rule}: ${t.message}`);
  }
  for (const i of w.images) {
    if (i.status === 'available' || i.status === 'not_checked' || i.status === 'skipped') continue;
    lines.push(
      `    image ${i.image} (${i.source}, container ${i.container}): ${i.status}${i.message ? ` - ${i.message}` : ''}`,
    );
  }
  for (const warning of w.warnings) lines.push(`    warning: ${warning}`);
  return lines;
}

/**
 * Counts workloads apart: `unhealthy` by their pods and live images (pod health), `drifted` by git versus the
 * cluster (drifted, missing_in_cluster, rollout_stuck, not_in_git), `missing` those only in git.
 */
export function countWorkloads(report: Pick<DriftReport, 'workloads'>): {
  unhealthy: number;
  drifted: number;
  missing: number;
} {
  const bad = (s: HealthSeverity) => s === 'critical' || s === 'warning';
  let unhealthy = 0;
  let drifted = 0;
  let missing = 0;
  for (const w of report.workloads) {
    if (w.classes.some((k) => bad(k.severity)) || w.images.some((i) => bad(CHECK_SEVERITY[i.status])))
      unhealthy++;
    const d = w.drift.filter((e) => e.status !== 'in_sync');
    if (d.length) drifted++;
    if (d.length && d.every((e) => e.status === 'missing_in_cluster')) missing++;
  }
  return { unhealthy, drifted, missing };
}

/**
 * Returns a text summary: a headline, list errors, then every workload that is not plainly healthy. Every
 * line is passed through `plain` (src/untrusted.ts): whatever a name, reason or pod message holds (a line
 * break followed by `::error::`, an ANSI or OSC escape) is shown as an escape and cannot start a line.
 */
export function renderDriftText(report: DriftReport): string {
  const c = countWorkloads(report);
  const drift = report.driftNotCompared
    ? `drift not compared: ${report.driftNotCompared}`
    : `${c.drifted} with drift${c.missing ? ` (${c.missing} missing in the cluster)` : ''}`;
  const lines = [
    `${clusterHeading(report.cluster)} as of ${report.now}: ${report.workloads.length} workload(s), ${report.pods.length} pod(s); ${c.unhealthy} unhealthy workload(s), ${drift}.`,
  ];
  if (!report.complete)
    lines.push(
      'Incomplete: some namespaces or kinds could not be listed (see below); nothing about them is resolved.',
    );
  for (const message of new Set(report.errors.map((e) => e.message))) lines.push(`warning: ${message}`);
  for (const w of report.warnings ?? []) lines.push(`note: ${w}`);
  const shown = report.workloads
    .filter(
      (w) => w.severity !== 'none' || w.classes.length > 0 || w.drift.some((d) => d.status !== 'in_sync'),
    )
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  if (shown.length) lines.push('');
  for (const w of shown) lines.push(...workloadLines(w));
  // Every line is built as one line; whatever a message carries cannot start another.
  return `${lines.map(plain).join('\n')}\n`;
}
