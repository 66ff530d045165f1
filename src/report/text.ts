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
  const { inline, groups } = groupHostProblems(report);
  const byFile = new Map<string, Finding[]>();
  for (const f of inline) {
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
  for (const g of groups) {
    out.push(
      c('bold', `${plain(g.host)}: ${g.findings.length} image use(s) not checked (${g.rule})`),
      `  ${c(g.findings[0]?.severity ?? 'warning', 'cause')}  ${plain(g.cause)}`,
    );
    for (const f of g.findings)
      out.push(`  ${c('dim', `${plain(f.file ?? '(no file)')}:${f.line ?? 0}`)} ${plain(f.image ?? '')}`);
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

/** Rules about a registry host as a whole (not one image): their findings are grouped by host in the text. */
const HOST_RULES = new Set(['registry-unavailable', 'registry-rate-limited']);
/** A host with at least this many such findings gets one group instead of a line per use. */
const GROUP_AT = 3;

interface HostGroup {
  host: string;
  rule: string;
  /** One sentence of cause and remedy: the message of a check that really asked the host. */
  cause: string;
  findings: Finding[];
}

/**
 * Splits the findings into those shown per file and per-host groups: a registry that is down or rate-limits
 * fails every image on it with near-identical messages (hundreds on a big repository), so the text names the
 * host once with the cause and remedy, then lists the images. JSON, SARIF and annotations keep every finding.
 */
export function groupHostProblems(report: Report): { inline: Finding[]; groups: HostGroup[] } {
  const byRef = new Map(report.images.map((img) => [img.ref, img]));
  const candidates = new Map<string, HostGroup>();
  for (const f of report.findings) {
    const img = f.image ? byRef.get(f.image) : undefined;
    const host = img?.check.host ?? img?.registry;
    if (!HOST_RULES.has(f.rule) || !img || !host) continue;
    const key = `${f.rule}\0${host}`;
    const g = candidates.get(key) ?? { host, rule: f.rule, cause: '', findings: [] };
    g.findings.push(f);
    // A check that asked the host carries the real cause; "not checked … by an earlier check" only quotes it.
    const message = img.check.message ?? '';
    if (!g.cause || (g.cause.includes('was not checked') && !message.includes('was not checked')))
      g.cause = message;
    candidates.set(key, g);
  }
  const groups = [...candidates.values()].filter((g) => g.findings.length >= GROUP_AT);
  const grouped = new Set(groups.flatMap((g) => g.findings));
  return {
    inline: report.findings.filter((f) => !grouped.has(f)),
    groups: groups.sort((a, b) => a.host.localeCompare(b.host) || a.rule.localeCompare(b.rule)),
  };
}
