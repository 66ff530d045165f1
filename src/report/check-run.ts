/**
 * The Checks API reporter: `planCheckRun` turns a report into the check run's title, summary, conclusion
 * and annotation batches (pure); `publishCheckRun` sends the plan to GitHub (the only I/O here).
 */

import type { Octokit } from '@octokit/rest';
import { describeRequestError, isPermissionDenied } from '../github/octokit.js';
import { isStdinFile } from '../manifests/stdin.js';
import { markdown, markdownCode, plain, plainLines } from '../untrusted.js';
import { shouldFail } from './findings.js';
import type { FailOn, Finding, Report, Severity } from './model.js';
import { RULES_BY_ID } from './rules.js';

/**
 * "The Checks API limits the number of annotations to a maximum of 50 per API request. To create more than
 * 50 annotations, you have to make multiple requests to the Update a check run endpoint." (REST docs,
 * `output.annotations`).
 */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** `output.summary` and `output.text`: "Maximum length: 65535 characters" (REST docs). */
export const MAX_OUTPUT_CHARS = 65535;
/** Annotation `message` and `raw_details`: "maximum size is 64 KB" (REST docs). */
export const MAX_ANNOTATION_MESSAGE_BYTES = 64 * 1024;
/** Annotation `title`: "maximum size is 255 characters" (REST docs); used for `output.title` too. */
export const MAX_TITLE_CHARS = 255;
/**
 * Annotations we send at most by default: each request after the first waits ≥1 s (the throttling plugin's
 * write spacing), so 3000 annotations already take about a minute. The rest are counted in the text.
 */
export const DEFAULT_MAX_ANNOTATIONS = 3000;

export type AnnotationLevel = 'notice' | 'warning' | 'failure';
export type CheckConclusion = 'success' | 'failure' | 'neutral';

/** One annotation in the Checks API's shape. */
export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: AnnotationLevel;
  message: string;
  title?: string;
  raw_details?: string;
}

/** Everything to send, computed without I/O. */
export interface CheckRunPlan {
  title: string;
  summary: string;
  text: string;
  conclusion: CheckConclusion;
  /** Annotations in request-sized batches (≤ {@link MAX_ANNOTATIONS_PER_REQUEST} each). */
  annotationBatches: CheckRunAnnotation[][];
  /** Findings that could not be annotated (no file) or were beyond `maxAnnotations`. */
  notAnnotated: number;
}

export interface PlanCheckRunOptions {
  failOn: FailOn;
  /** Markdown summary (e.g. `renderSummary(report, { maxBytes: MAX_OUTPUT_CHARS, ... })`); a short one by default. */
  summary?: string;
  /** Extra Markdown appended to `output.text` (e.g. where the JSON and SARIF reports are). */
  text?: string;
  /** Most annotations to send (default {@link DEFAULT_MAX_ANNOTATIONS}); errors go first. */
  maxAnnotations?: number;
}

/** Maps a finding's severity to the Checks API's `annotation_level`. */
export const ANNOTATION_LEVEL: Record<Severity, AnnotationLevel> = {
  error: 'failure',
  warning: 'warning',
  notice: 'notice',
};

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** Cut `s` to at most `maxBytes` UTF-8 bytes (never inside a character), adding `suffix` when cut. */
export function truncateBytes(s: string, maxBytes: number, suffix = '… (truncated)'): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  const budget = Math.max(0, maxBytes - Buffer.byteLength(suffix, 'utf8'));
  const buf = Buffer.from(s, 'utf8');
  let end = budget;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + suffix;
}

/** Cut `s` to at most `maxChars` UTF-16 code units (never inside a surrogate pair), adding `suffix` when cut. */
export function truncateChars(s: string, maxChars: number, suffix = '… (truncated)'): string {
  if (s.length <= maxChars) return s;
  let end = Math.max(0, maxChars - suffix.length);
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return s.slice(0, end) + suffix;
}

/** Returns the Checks API annotation for one finding, or null when it has no file to point at. */
export function toAnnotation(f: Finding): CheckRunAnnotation | null {
  // Piped-in manifests (`scan -`) are no repository file the Checks API could point at.
  if (!f.file || isStdinFile(f.file)) return null;
  const line = f.line && f.line > 0 ? f.line : 1;
  const ruleTitle = RULES_BY_ID.get(f.rule)?.title ?? f.rule;
  const a: CheckRunAnnotation = {
    path: f.file,
    start_line: line,
    end_line: line,
    annotation_level: ANNOTATION_LEVEL[f.severity],
    // Annotation fields are plain text: line breaks are kept, other controls shown as escapes.
    message: truncateBytes(plainLines(f.message), MAX_ANNOTATION_MESSAGE_BYTES),
    title: truncateChars(plain(`${ruleTitle} (${f.rule})`), MAX_TITLE_CHARS),
  };
  // Columns are only allowed when start_line == end_line, which always holds here.
  if (f.line && f.column && f.column > 0) {
    a.start_column = f.column;
    // The last character of the value on this line; the image's length would run past a `newTag:` line.
    a.end_column = f.endColumn !== undefined && f.endColumn > f.column ? f.endColumn - 1 : f.column;
  }
  if (f.related?.length) {
    const details = f.related.map((r) => plain(`${r.file}:${r.line}:${r.column}: ${r.message}`)).join('\n');
    a.raw_details = truncateBytes(details, MAX_ANNOTATION_MESSAGE_BYTES);
  }
  return a;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Returns the one-line title, e.g. "2 errors, 14 warnings in 31 images". */
export function checkRunTitle(report: Report): string {
  const c = report.summary.findings;
  const images = plural(report.images.length, 'image');
  if (c.error + c.warning + c.notice === 0) return `No problems in ${images}`;
  const parts = [
    c.error ? plural(c.error, 'error') : '',
    c.warning ? plural(c.warning, 'warning') : '',
    c.notice ? plural(c.notice, 'notice') : '',
  ].filter(Boolean);
  return truncateChars(`${parts.join(', ')} in ${images}`, MAX_TITLE_CHARS);
}

/**
 * Return the check run to publish: title, summary, text, conclusion per `failOn` (`failure` when a finding
 * reaches it, else `success`) and the annotations in batches of at most 50, errors first.
 */
export function planCheckRun(report: Report, opts: PlanCheckRunOptions): CheckRunPlan {
  const max = opts.maxAnnotations ?? DEFAULT_MAX_ANNOTATIONS;
  const ordered = report.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i);
  const annotations: CheckRunAnnotation[] = [];
  let withoutFile = 0;
  let overCap = 0;
  for (const { f } of ordered) {
    const a = toAnnotation(f);
    if (!a) withoutFile++;
    else if (annotations.length >= max) overCap++;
    else annotations.push(a);
  }
  const annotationBatches: CheckRunAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += MAX_ANNOTATIONS_PER_REQUEST)
    annotationBatches.push(annotations.slice(i, i + MAX_ANNOTATIONS_PER_REQUEST));

  const textParts: string[] = [];
  if (overCap)
    textParts.push(
      `${plural(overCap, 'more finding')} beyond the first ${max} are not shown as annotations; see the job summary and the JSON or SARIF report.`,
    );
  if (withoutFile) {
    textParts.push(`${plural(withoutFile, 'finding')} without a file:`);
    for (const f of report.findings.filter((x) => !x.file))
      textParts.push(`- **${f.severity}** ${markdownCode(f.rule)}: ${markdown(f.message)}`);
  }
  if (opts.text) textParts.push(opts.text);

  const c = report.summary.findings;
  const summary =
    opts.summary ??
    `k8s-image-check found ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')} and ${plural(c.notice, 'notice')} in ${plural(report.images.length, 'image')} from ${plural(report.files.scanned, 'file')}.`;
  return {
    title: checkRunTitle(report),
    summary: truncateChars(summary, MAX_OUTPUT_CHARS),
    text: truncateChars(textParts.join('\n\n'), MAX_OUTPUT_CHARS),
    conclusion: shouldFail(report.findings, opts.failOn) ? 'failure' : 'success',
    annotationBatches,
    notAnnotated: withoutFile + overCap,
  };
}

/** Where and how to publish a planned check run. */
export interface PublishCheckRunOptions {
  owner: string;
  repo: string;
  /** The pull request's head SHA (not the merge SHA `GITHUB_SHA` on `pull_request`). */
  headSha: string;
  /** Check run name (`check-name` input). */
  name: string;
  /** Link shown as "Details" (e.g. the workflow run). */
  detailsUrl?: string | null;
  /** Clock for `started_at`/`completed_at`. */
  now?: () => Date;
}

export type PublishCheckRunResult =
  | {
      published: true;
      id: number;
      htmlUrl: string | null;
      annotations: number;
      requests: number;
      incomplete?: string;
    }
  | { published: false; reason: string; status: number | null };

/**
 * Create the check run on the head SHA with the first annotation batch, append the other batches with
 * PATCH, and complete it with the plan's conclusion. When GitHub refuses the token (403 "Resource not
 * accessible by integration", or 404) it returns `{ published: false, reason }` instead of throwing;
 * other errors on create are thrown.
 */
export async function publishCheckRun(
  octokit: Pick<Octokit, 'rest'>,
  plan: CheckRunPlan,
  opts: PublishCheckRunOptions,
): Promise<PublishCheckRunResult> {
  const run: RunParts = { octokit, plan, opts, now: opts.now ?? (() => new Date()) };
  const [first = [], ...rest] = plan.annotationBatches;
  const created = await createCheckRun(run, first, rest.length === 0);
  if (!created.published) return created;
  const { id, htmlUrl } = created;
  let sent = first.length;
  let requests = 1;
  for (let i = 0; i < rest.length; i++) {
    const batch = rest[i]!;
    try {
      await octokit.rest.checks.update({
        ...repoOf(opts),
        check_run_id: id,
        ...(i === rest.length - 1 ? completion(run) : {}),
        output: outputOf(plan, batch),
      });
      requests++;
      sent += batch.length;
    } catch (err: unknown) {
      const { status, message } = describeRequestError(err);
      const incomplete = `Appending annotations to check run ${id} failed after ${sent} of ${sent + rest.slice(i).flat().length} (${status ?? 'no status'} ${firstLine(message)}).`;
      if (await completeAfterFailure(run, id, incomplete)) requests++;
      return { published: true, id, htmlUrl, annotations: sent, requests, incomplete };
    }
  }
  return { published: true, id, htmlUrl, annotations: sent, requests };
}

/** What every step of publishing one check run shares. */
interface RunParts {
  octokit: Pick<Octokit, 'rest'>;
  plan: CheckRunPlan;
  opts: PublishCheckRunOptions;
  now: () => Date;
}

const repoOf = (opts: PublishCheckRunOptions) => ({ owner: opts.owner, repo: opts.repo });

const completion = (run: RunParts) => ({
  status: 'completed' as const,
  conclusion: run.plan.conclusion,
  completed_at: run.now().toISOString(),
});

function outputOf(plan: CheckRunPlan, annotations: CheckRunAnnotation[]) {
  return {
    title: plan.title,
    summary: plan.summary,
    ...(plan.text ? { text: plan.text } : {}),
    annotations,
  };
}

/**
 * Creates the run with the first batch (completed at once when it is the only one). A token that may not
 * write checks is `{ published: false }`; any other failure is thrown with the repository and status.
 */
async function createCheckRun(
  run: RunParts,
  first: CheckRunAnnotation[],
  single: boolean,
): Promise<
  | { published: true; id: number; htmlUrl: string | null }
  | Extract<PublishCheckRunResult, { published: false }>
> {
  const { opts } = run;
  try {
    const res = await run.octokit.rest.checks.create({
      ...repoOf(opts),
      name: opts.name,
      head_sha: opts.headSha,
      ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
      started_at: run.now().toISOString(),
      ...(single ? completion(run) : { status: 'in_progress' as const }),
      output: outputOf(run.plan, first),
    });
    return { published: true, id: res.data.id, htmlUrl: res.data.html_url ?? null };
  } catch (err: unknown) {
    const { status, message } = describeRequestError(err);
    if (isPermissionDenied(err))
      return {
        published: false,
        status,
        reason: `GitHub refused to create the check run in ${opts.owner}/${opts.repo} (${status ?? '?'} ${firstLine(message)}): the token cannot write checks, as on fork and Dependabot pull requests or without "permissions: checks: write".`,
      };
    throw new Error(
      `Creating the check run "${opts.name}" in ${opts.owner}/${opts.repo} failed (${status ?? 'no status'}): ${firstLine(message)}.`,
    );
  }
}

/** Completes the run after a failed batch, so it does not stay "in progress" forever; true when that worked. */
async function completeAfterFailure(run: RunParts, id: number, incomplete: string): Promise<boolean> {
  try {
    await run.octokit.rest.checks.update({
      ...repoOf(run.opts),
      check_run_id: id,
      ...completion(run),
      output: {
        title: run.plan.title,
        summary: truncateChars(`${run.plan.summary}\n\n> ${markdown(incomplete)}`, MAX_OUTPUT_CHARS),
      },
    });
    return true;
  } catch {
    // Already reporting the first failure; the run stays in progress and GitHub times it out.
    return false;
  }
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').replace(/[.\s]+$/, '');
}
