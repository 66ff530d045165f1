/**
 * The job summary (`$GITHUB_STEP_SUMMARY`) as Markdown: totals, failing images with every use linked to the
 * PR head, registries that could not be checked, and a size cap below GitHub's 1 MiB per step. Pure; every
 * untrusted value goes through `markdown` or `markdownCode` (src/untrusted.ts).
 */
import type { CheckStatus } from '../registry/types.js';
import { markdownCode as code, markdown, urlPath } from '../untrusted.js';
import type { Finding, Report, ReportImage, ReportUse, Severity } from './model.js';

/**
 * "Each step is restricted to a maximum size of 1MiB" for job summaries; above it the upload fails
 * (runner `FileCommandManager.cs`: `AttachmentSizeLimit = 1024 * 1024`).
 */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** Default cap: the step limit minus room for anything else written in the same step. */
export const DEFAULT_SUMMARY_MAX_BYTES = 1_000_000;
/** Default for {@link RenderSummaryOptions.maxUsesPerRow}: uses listed in one table cell before "and N more". */
export const DEFAULT_MAX_USES_PER_ROW = 100;

/** Statuses after which the image was not judged: the registry "could not be checked". */
export const UNCHECKED_STATUSES: readonly CheckStatus[] = [
  'authentication_failure',
  'authorization_failure',
  'rate_limited',
  'registry_unavailable',
  'unknown_error',
  'skipped',
];

export interface RenderSummaryOptions {
  /** Web base URL (`GITHUB_SERVER_URL`), e.g. `https://github.com`. */
  serverUrl: string;
  owner: string;
  repo: string;
  /** Commit the links point at (the PR head SHA). */
  headSha: string;
  /** Byte cap for the whole document (default {@link DEFAULT_SUMMARY_MAX_BYTES}). */
  maxBytes?: number;
  /** Link to the check run with every annotation, when one was published. */
  checkRunUrl?: string | null;
  /** Shown at the top as a warning, e.g. why the check run could not be created. */
  fallbackNote?: string | null;
  /** Where the complete reports were written, named in the truncation note. */
  reportFiles?: { json?: string | null; sarif?: string | null };
  /** Uses listed per failing image before "and N more" (default {@link DEFAULT_MAX_USES_PER_ROW}). */
  maxUsesPerRow?: number;
  /** Heading text (default "k8s-image-check"). */
  title?: string;
}

/** Where the summary's links point: the repository at the head commit, and the report files. */
export type SummaryLinks = Pick<
  RenderSummaryOptions,
  'serverUrl' | 'owner' | 'repo' | 'headSha' | 'reportFiles'
>;

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];
const SEVERITY_LABEL: Record<Severity, string> = {
  error: '🔴 Error',
  warning: '🟠 Warning',
  notice: '🔵 Notice',
};
const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 };

/** Returns the blob URL of `path` at `line` on the head commit, each path segment URL-encoded. */
export function blobUrl(
  o: Pick<RenderSummaryOptions, 'serverUrl' | 'owner' | 'repo' | 'headSha'>,
  path: string,
  line?: number | null,
): string {
  const base = `${o.serverUrl.replace(/\/+$/, '')}/${o.owner}/${o.repo}/blob/${o.headSha}/${urlPath(path)}`;
  return line ? `${base}#L${line}` : base;
}

/** `file:line` as a link to the head commit, or as plain text when the repository is unknown (local runs). */
function fileLink(o: RenderSummaryOptions, file: string, line: number): string {
  const text = markdown(`${file}:${line}`);
  return o.owner && o.repo && o.headSha ? `[${text}](${blobUrl(o, file, line)})` : text;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

interface Section {
  heading: string;
  header: string;
  rows: string[];
  /** Lower is filled first when space is short. */
  priority: number;
  kept: number;
}

function findingsForImage(image: ReportImage, byLocation: Map<string, Finding[]>): Finding[] {
  const out = new Set<Finding>();
  for (const u of image.uses) for (const f of byLocation.get(`${u.file}:${u.line}`) ?? []) out.add(f);
  return [...out].filter((f) => f.image === null || f.image === image.ref || f.image === image.normalized);
}

function useLinks(o: RenderSummaryOptions, uses: ReportUse[]): string {
  const max = o.maxUsesPerRow ?? DEFAULT_MAX_USES_PER_ROW;
  const shown = uses.slice(0, max).map((u) => fileLink(o, u.file, u.line));
  if (uses.length > max) shown.push(`and ${uses.length - max} more`);
  return shown.join('<br>');
}

function describeCheck(image: ReportImage): string {
  const c = image.check;
  return c.reason ?? c.message ?? c.status;
}

/**
 * Return the job summary Markdown for a report, at most `maxBytes` UTF-8 bytes: rows that do not fit are
 * left out (unchecked registries first kept, then failing images, then other findings) and a note says how
 * many and where the full report is.
 */
export function renderSummary(report: Report, opts: RenderSummaryOptions): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_SUMMARY_MAX_BYTES;
  const fixed = `${summaryHead(report, opts).join('\n')}\n${totalsTable(report).join('\n')}\n`;
  const { rows: imageRows, accounted } = failingImageRows(report, opts);
  const sections: Section[] = [
    {
      heading: '### Failing images',
      header: '| Image | Worst | Rules | Registry check | Used at |\n| --- | --- | --- | --- | --- |',
      rows: imageRows,
      priority: 1,
      kept: 0,
    },
    {
      heading: '### Registries that could not be checked',
      header: '| Registry | Status | Images | Why |\n| --- | --- | ---: | --- |',
      rows: uncheckedRegistryRows(report),
      priority: 0,
      kept: 0,
    },
    {
      heading: '### Other findings',
      header: '| Severity | Rule | Where | Message |\n| --- | --- | --- | --- |',
      rows: otherFindingRows(report, opts, accounted),
      priority: 2,
      kept: 0,
    },
  ];
  const noteFor = omittedNote(opts, maxBytes);
  fillSections(sections, maxBytes - bytes(fixed) - bytes(noteFor(countRows(sections))) - 2);
  let out = fixed;
  for (const sec of sections) {
    if (!sec.kept) continue;
    out += `\n${sec.heading}\n\n${sec.header}\n${sec.rows.slice(0, sec.kept).join('\n')}\n`;
    if (sec.kept < sec.rows.length) out += `\n_${sec.rows.length - sec.kept} more rows left out._\n`;
  }
  const omitted = sections.reduce((n, x) => n + x.rows.length - x.kept, 0);
  if (omitted) out += `\n${noteFor(omitted)}`;
  // Last-resort guard: the fixed part alone can exceed a tiny cap.
  return bytes(out) <= maxBytes ? out : truncateToBytes(out, maxBytes);
}

const countRows = (sections: readonly Section[]) => sections.reduce((n, x) => n + x.rows.length, 0);

/** The title, the fallback warning, the one-line verdict, skipped files and the check-run link. */
function summaryHead(report: Report, opts: RenderSummaryOptions): string[] {
  const s = report.summary.findings;
  const head: string[] = [`## ${markdown(opts.title ?? 'k8s-image-check')}`, ''];
  if (opts.fallbackNote) head.push(`> [!WARNING]\n> ${markdown(opts.fallbackNote)}`, '');
  const total = s.error + s.warning + s.notice;
  head.push(
    total === 0
      ? `✅ No problems in ${plural(report.images.length, 'image')} from ${plural(report.files.scanned, 'file')}.`
      : `**${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${plural(s.notice, 'notice')}** in ${plural(report.images.length, 'image')} from ${plural(report.files.scanned, 'file')}.`,
  );
  const extras: string[] = [];
  if (report.files.skipped.length) extras.push(`${plural(report.files.skipped.length, 'file')} skipped`);
  if (report.files.errors.length)
    extras.push(`${plural(report.files.errors.length, 'file problem')} (parse errors)`);
  if (extras.length) head.push('', `${extras.join(', ')}.`);
  if (opts.checkRunUrl) head.push('', `Every finding is annotated on the [check run](${opts.checkRunUrl}).`);
  head.push('');
  return head;
}

/** Totals per severity and per registry-check status: always shown, small. */
function totalsTable(report: Report): string[] {
  const s = report.summary.findings;
  const checkRows = Object.entries(report.summary.checks)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `| ${code(status)} | ${n} |`);
  return [
    '| Severity | Findings |',
    '| --- | ---: |',
    ...SEVERITIES.map((sev) => `| ${SEVERITY_LABEL[sev]} | ${s[sev]} |`),
    '',
    ...(checkRows.length ? ['| Registry check | Images |', '| --- | ---: |', ...checkRows, ''] : []),
  ];
}

/** Failing images (any image with a finding at one of its uses), worst first, and the findings they hold. */
function failingImageRows(
  report: Report,
  opts: RenderSummaryOptions,
): { rows: string[]; accounted: Set<Finding> } {
  const byLocation = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (!f.file || !f.line) continue;
    const k = `${f.file}:${f.line}`;
    byLocation.set(k, [...(byLocation.get(k) ?? []), f]);
  }
  const failing = report.images
    .map((image) => ({ image, findings: findingsForImage(image, byLocation) }))
    .filter((x) => x.findings.length > 0)
    .map((x) => ({ ...x, worst: Math.max(...x.findings.map((f) => SEVERITY_RANK[f.severity])) }))
    .sort((a, b) => b.worst - a.worst || a.image.ref.localeCompare(b.image.ref));
  const rows = failing.map(({ image, findings }) => {
    const worst = findings.reduce(
      (w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w),
      'notice' as Severity,
    );
    const rules = [...new Set(findings.map((f) => f.rule))].map(code).join(' ');
    return `| ${code(image.ref)} | ${SEVERITY_LABEL[worst]} | ${rules} | ${code(image.check.status)} | ${useLinks(opts, image.uses)} |`;
  });
  return { rows, accounted: new Set<Finding>(failing.flatMap((x) => x.findings)) };
}

/** Registries that could not be checked, grouped by host, status and reason. */
function uncheckedRegistryRows(report: Report): string[] {
  const groups = new Map<string, { host: string; status: CheckStatus; images: number; why: string }>();
  for (const image of report.images) {
    if (!UNCHECKED_STATUSES.includes(image.check.status)) continue;
    const host = image.check.host || image.registry || '(none)';
    const key = `${host}\u0000${image.check.status}\u0000${describeCheck(image)}`;
    const g = groups.get(key) ?? { host, status: image.check.status, images: 0, why: describeCheck(image) };
    g.images++;
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.host.localeCompare(b.host) || a.status.localeCompare(b.status))
    .map((g) => `| ${code(g.host)} | ${code(g.status)} | ${g.images} | ${markdown(g.why)} |`);
}

/** Findings not tied to an image use (parse errors, findings without a file, ...). */
function otherFindingRows(report: Report, opts: RenderSummaryOptions, accounted: Set<Finding>): string[] {
  return report.findings
    .filter((f) => !accounted.has(f))
    .map((f) => {
      const where = f.file ? fileLink(opts, f.file, f.line ?? 1) : '—';
      return `| ${SEVERITY_LABEL[f.severity]} | ${code(f.rule)} | ${where} | ${markdown(f.message)} |`;
    });
}

/** The note under a cut summary, saying how many rows were left out and where the full report is. */
function omittedNote(opts: RenderSummaryOptions, maxBytes: number): (omitted: number) => string {
  const files = [opts.reportFiles?.json, opts.reportFiles?.sarif].filter((f): f is string => !!f);
  return (omitted) =>
    `> [!NOTE]\n> ${plural(omitted, 'row')} left out to stay under GitHub's ${Math.floor(maxBytes / 1024)} KiB summary limit. ${
      files.length
        ? `The full report is in ${files.map(code).join(' and ')}.`
        : 'Set `json-file` or `sarif-file` to keep the full report.'
    }\n`;
}

/**
 * Sets each section's `kept` count within `room` bytes (already net of the fixed part and the note), filling
 * sections by priority, each with room for its "_N more rows left out._" line.
 */
function fillSections(sections: Section[], room: number): void {
  const perSectionNote = 48; // "_N more rows left out._" under a cut table
  let budget = room - sections.length * perSectionNote;
  for (const sec of [...sections].sort((a, b) => a.priority - b.priority)) {
    if (!sec.rows.length) continue;
    const frame = bytes(`${sec.heading}\n\n${sec.header}\n`) + 2;
    if (budget < frame) continue;
    let used = frame;
    for (const row of sec.rows) {
      const b = bytes(row) + 1;
      if (used + b > budget) break;
      used += b;
      sec.kept++;
    }
    if (sec.kept > 0) budget -= used;
  }
}

function truncateToBytes(s: string, max: number): string {
  const buf = Buffer.from(s, 'utf8');
  let end = max;
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
