/**
 * Renders the human-readable report: findings grouped by file, then totals. Colours only when asked. Every
 * file name, message and reason is shown through `plain` (src/untrusted.ts): one line, no terminal escape.
 */
import { plain } from '../untrusted.js';
import { baselineLines } from './baseline.js';
import type { Finding, Report, Severity } from './model.js';

const COLORS: Record<Severity | 'dim' | 'bold', [string, string]> = {
  error: ['\u001b[31m', '\u001b[39m'],
  warning: ['\u001b[33m', '\u001b[39m'],
  notice: ['\u001b[36m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  bold: ['\u001b[1m', '\u001b[22m'],
};

/** Returns the text report; `color` adds ANSI colours (use only on a TTY). */
export function renderText(report: Report, opts: { color: boolean }): string {
  const c = (kind: keyof typeof COLORS, s: string) =>
    opts.color ? `${COLORS[kind][0]}${s}${COLORS[kind][1]}` : s;
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const key = f.file ?? '(no file)';
    const list = byFile.get(key) ?? [];
    list.push(f);
    byFile.set(key, list);
  }
  for (const [file, list] of byFile) {
    out.push(c('bold', plain(file)));
    for (const f of list) {
      const pos = f.line ? `${f.line}:${f.column ?? 1}` : '';
      out.push(
        `  ${c('dim', pos.padEnd(8))} ${c(f.severity, f.severity.padEnd(7))} ${plain(f.message)} ${c('dim', `[${f.rule}]`)}`,
      );
    }
    out.push('');
  }
  if (report.files.skipped.length) {
    out.push(c('bold', `Skipped ${report.files.skipped.length} file(s):`));
    for (const s of report.files.skipped) out.push(`  ${plain(s.file)}: ${plain(s.reason)}`);
    out.push('');
  }
  out.push(...totalsLines(report, opts));
  return `${out.join('\n')}\n`;
}

/** The totals lines that end the text report (all `--summary` prints): files, images, findings, baseline. */
export function totalsLines(report: Report, opts: { color: boolean }): string[] {
  const c = (kind: keyof typeof COLORS, s: string) =>
    opts.color ? `${COLORS[kind][0]}${s}${COLORS[kind][1]}` : s;
  const out: string[] = [];
  const s = report.summary.findings;
  const checks = Object.entries(report.summary.checks)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  out.push(
    `${report.files.scanned} file(s) scanned, ${report.images.length} unique image(s)${checks ? ` (${checks})` : ''}.`,
  );
  out.push(
    `${c('error', `${s.error} error(s)`)}, ${c('warning', `${s.warning} warning(s)`)}, ${c('notice', `${s.notice} notice(s)`)}.`,
  );
  if (report.baseline) out.push(...baselineLines(report.baseline, report.suppressed?.length ?? 0));
  return out;
}
