/**
 * Renders findings as GitHub workflow commands (`::error file=…,line=…,col=…,title=…::message`). Every
 * property and message is escaped by `workflowCommand` (src/untrusted.ts), as @actions/core does.
 */
import { isStdinFile } from '../manifests/stdin.js';
import { workflowCommand } from '../untrusted.js';
import type { Finding, Report } from './model.js';
import { RULES_BY_ID } from './rules.js';

/** Returns one workflow-command line for a finding. */
export function renderAnnotation(f: Finding): string {
  // Piped-in manifests are no file of the repository: GitHub gets no file=, the message says where.
  if (isStdinFile(f.file)) return renderStdinAnnotation(f);
  const title = RULES_BY_ID.get(f.rule)?.title ?? f.rule;
  // Workflow commands take an inclusive end column on the same line.
  const endColumn =
    f.column && f.endColumn !== undefined && f.endColumn - 1 > f.column ? f.endColumn - 1 : null;
  return workflowCommand(
    f.severity,
    { file: f.file, line: f.line || null, col: f.column || null, endColumn, title: `${title} (${f.rule})` },
    f.message,
  );
}

function renderStdinAnnotation(f: Finding): string {
  const title = RULES_BY_ID.get(f.rule)?.title ?? f.rule;
  const at = [f.file, f.line, f.line ? f.column : null]
    .filter((x) => x !== null && x !== undefined)
    .join(':');
  return workflowCommand(f.severity, { title: `${title} (${f.rule})` }, `${at}: ${f.message}`);
}

/** At most this many skipped files get a notice of their own; the rest are counted. */
const MAX_SKIPPED_NOTICES = 20;

/** Returns every finding as workflow-command lines, then notices for skipped files, then a total line. */
export function renderAnnotations(report: Report): string {
  const lines = report.findings.map(renderAnnotation);
  // Chart templates are covered by the chart's values/rendering; other skips deserve a notice.
  const skipped = report.files.skipped.filter((s) => !s.reason.startsWith('Helm template;'));
  for (const s of skipped.slice(0, MAX_SKIPPED_NOTICES)) {
    const line = (s as { line?: number }).line;
    lines.push(
      workflowCommand(
        'notice',
        { file: s.file, line: line || null, title: 'Skipped (not scanned)' },
        s.reason,
      ),
    );
  }
  if (skipped.length > MAX_SKIPPED_NOTICES)
    lines.push(`${skipped.length - MAX_SKIPPED_NOTICES} more skipped file(s): see the text or JSON report.`);
  const s = report.summary.findings;
  lines.push(
    `k8s-image-check: ${report.images.length} image(s) in ${report.files.scanned} file(s): ${s.error} error(s), ${s.warning} warning(s), ${s.notice} notice(s).`,
  );
  return `${lines.join('\n')}\n`;
}
