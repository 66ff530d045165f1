/**
 * Renders findings as GitHub workflow commands (`::error file=…,line=…,col=…,title=…::message`).
 * Escaping follows @actions/core's `command.ts` (escapeData / escapeProperty).
 */
import { isStdinFile } from '../manifests/stdin.js';
import type { Finding, Report } from './model.js';
import { RULES_BY_ID } from './rules.js';

/** Escapes a command's message as @actions/core does. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value as @actions/core does. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', notice: 'notice' };

/** Returns one workflow-command line for a finding. */
export function renderAnnotation(f: Finding): string {
  // Piped-in manifests are no file of the repository: GitHub gets no file=, the message says where.
  if (isStdinFile(f.file)) return renderStdinAnnotation(f);
  const props: string[] = [];
  if (f.file) props.push(`file=${escapeProperty(f.file)}`);
  if (f.line) props.push(`line=${f.line}`);
  if (f.column) props.push(`col=${f.column}`);
  // Workflow commands take an inclusive end column on the same line.
  if (f.column && f.endColumn !== undefined && f.endColumn - 1 > f.column)
    props.push(`endColumn=${f.endColumn - 1}`);
  const title = RULES_BY_ID.get(f.rule)?.title ?? f.rule;
  props.push(`title=${escapeProperty(`${title} (${f.rule})`)}`);
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message)}`;
}

function renderStdinAnnotation(f: Finding): string {
  const title = RULES_BY_ID.get(f.rule)?.title ?? f.rule;
  const at = [f.file, f.line, f.line ? f.column : null]
    .filter((x) => x !== null && x !== undefined)
    .join(':');
  return `::${COMMAND[f.severity]} title=${escapeProperty(`${title} (${f.rule})`)}::${escapeData(`${at}: ${f.message}`)}`;
}

/** At most this many skipped files get a notice of their own; the rest are counted. */
export const MAX_SKIPPED_NOTICES = 20;

/** Returns every finding as workflow-command lines, then notices for skipped files, then a total line. */
export function renderAnnotations(report: Report): string {
  const lines = report.findings.map(renderAnnotation);
  // Chart templates are covered by the chart's values/rendering; other skips deserve a notice.
  const skipped = report.files.skipped.filter((s) => !s.reason.startsWith('Helm template;'));
  for (const s of skipped.slice(0, MAX_SKIPPED_NOTICES)) {
    const line = (s as { line?: number }).line;
    lines.push(
      `::notice file=${escapeProperty(s.file)}${line ? `,line=${line}` : ''},title=${escapeProperty('Skipped (not scanned)')}::${escapeData(s.reason)}`,
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
