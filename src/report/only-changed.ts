/**
 * `only-changed`: keep what a pull request touched. Registry checks are not repeated or dropped here; they
 * were deduplicated across every file before, and this filter only chooses what to report. Pure.
 */
import type { CheckStatus } from '../registry/types.js';
import type { Finding, Report, Severity } from './model.js';

/** Normalise a repo-relative path for comparison: `/` separators, no leading `./` or `/`. */
export function normalizeRepoPath(p: string): string {
  return p
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
}

/**
 * True when a finding concerns one of the changed files: its own file, or a related location (a kustomize
 * base or overlay that decided the image). Findings without a file concern the whole run and are kept.
 */
export function isFindingInChangedFiles(f: Finding, changed: ReadonlySet<string>): boolean {
  if (!f.file) return true;
  if (changed.has(normalizeRepoPath(f.file))) return true;
  return f.related?.some((r) => changed.has(normalizeRepoPath(r.file))) ?? false;
}

/**
 * Return the report restricted to `changedFiles` (repo-relative paths, as the pull request files API lists
 * them): findings in or related to those files, images with their uses in those files (images left with no
 * use are dropped), parse problems and skipped files in them, and summary counts recomputed. `files.scanned`
 * keeps the number of files read.
 */
export function filterReportToChangedFiles(report: Report, changedFiles: Iterable<string>): Report {
  const changed = new Set([...changedFiles].map(normalizeRepoPath));
  const inChanged = (file: string) => changed.has(normalizeRepoPath(file));
  const findings = report.findings.filter((f) => isFindingInChangedFiles(f, changed));
  const images = report.images
    .map((img) => ({ ...img, uses: img.uses.filter((u) => inChanged(u.file)) }))
    .filter((img) => img.uses.length > 0);
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  const checks: Partial<Record<CheckStatus, number>> = {};
  for (const img of images) checks[img.check.status] = (checks[img.check.status] ?? 0) + 1;
  return {
    ...report,
    images,
    findings,
    files: {
      scanned: report.files.scanned,
      skipped: report.files.skipped.filter((s) => inChanged(s.file)),
      errors: report.files.errors.filter((e) => inChanged(e.file)),
    },
    summary: { findings: counts, checks },
  };
}
