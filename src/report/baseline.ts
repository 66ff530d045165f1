/**
 * Baselines: findings a team has accepted, kept in a reviewed file in the repository
 * (`.k8s-image-check-baseline.yaml` by default). An entry names a rule and an image, optionally a file
 * glob, an expiry date and a reason. Matching findings leave `findings` (so they neither fail the run nor
 * annotate the pull request) and are listed as `suppressed`; SARIF shows them with `suppressions`.
 * An expired entry stops matching, so its findings come back on the day after its date. Pure.
 */
import { stringify } from 'yaml';
import { compileGlob } from '../glob.js';
import { parseReference } from '../image/reference.js';
import { plain } from '../untrusted.js';
import { parseYamlText } from '../yaml.js';
import type { Finding, Report, Severity } from './model.js';
import { RULES_BY_ID } from './rules.js';

/** Default baseline file at the repository root. */
export const DEFAULT_BASELINE_FILE = '.k8s-image-check-baseline.yaml';

/** One accepted finding. */
export interface BaselineEntry {
  rule: string;
  /** The image as written or normalized (`nginx:latest` and `docker.io/library/nginx:latest` are one image). */
  image?: string;
  /** Repository-relative glob of the files the entry covers; every file when absent. */
  file?: string;
  /** Last day (`YYYY-MM-DD`, UTC) the entry applies. */
  expires?: string;
  reason?: string;
}

/** What a finding was suppressed by. */
export interface Suppression {
  baseline: string;
  reason: string | null;
  expires: string | null;
}

export type SuppressedFinding = Finding & { suppression: Suppression };

/** What the report says about its baseline. */
export interface BaselineSummary {
  file: string;
  entries: number;
  /** Entries past their date: their findings are reported again. */
  expired: BaselineEntry[];
  /** Entries that matched no finding of this run (candidates for removal). */
  unused: BaselineEntry[];
}

/** A baseline file that cannot be used; the message names the file and the entry. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Longest rule, image, file glob or reason an entry may have. */
const MAX_FIELD_CHARS = 500;
/** Most entries a baseline may hold (matching is rule × image lookups, but the file is repository input). */
export const MAX_BASELINE_ENTRIES = 10_000;
const KEYS = new Set(['rule', 'image', 'file', 'expires', 'reason']);

function entryAt(raw: unknown, where: string): BaselineEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new BaselineError(`${where} is not a mapping with rule and image.`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KEYS.has(k))
      throw new BaselineError(`${where} has an unknown key '${k}' (keys: ${[...KEYS].join(', ')}).`);
  for (const k of KEYS)
    if (o[k] !== undefined && typeof o[k] !== 'string' && !(k === 'expires' && o[k] instanceof Date))
      throw new BaselineError(`${where}: '${k}' must be a string.`);
  // Every suppressed result repeats its entry's text (SARIF justification): bounded, so a baseline cannot
  // blow the reports up.
  for (const k of ['rule', 'image', 'file', 'reason'])
    if (typeof o[k] === 'string' && (o[k] as string).length > MAX_FIELD_CHARS)
      throw new BaselineError(`${where}: '${k}' is longer than ${MAX_FIELD_CHARS} characters.`);
  const rule = o.rule as string | undefined;
  if (!rule || !RULES_BY_ID.has(rule))
    throw new BaselineError(
      `${where}: rule '${String(rule)}' is not a rule id (see the README's rule table).`,
    );
  if (!o.image && !o.file)
    throw new BaselineError(`${where}: give the image (and optionally file) the entry accepts.`);
  const expires =
    o.expires instanceof Date ? o.expires.toISOString().slice(0, 10) : (o.expires as string | undefined);
  if (expires !== undefined && !(DATE.test(expires) && !Number.isNaN(Date.parse(`${expires}T00:00:00Z`))))
    throw new BaselineError(`${where}: expires '${expires}' is not a date (YYYY-MM-DD).`);
  return {
    rule,
    ...(o.image ? { image: o.image as string } : {}),
    ...(o.file ? { file: o.file as string } : {}),
    ...(expires ? { expires } : {}),
    ...(o.reason ? { reason: o.reason as string } : {}),
  };
}

/** Parses a baseline file's text (`accepted:` list); `name` appears in messages. */
export function parseBaseline(text: string, name: string): BaselineEntry[] {
  let doc: unknown;
  try {
    doc = parseYamlText(text, { maxAliasCount: 0, uniqueKeys: false });
  } catch (err) {
    throw new BaselineError(
      `${name} is not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  if (doc === null || doc === undefined) return [];
  const accepted = (doc as { accepted?: unknown }).accepted;
  if (typeof doc !== 'object' || Array.isArray(doc) || (accepted !== undefined && !Array.isArray(accepted)))
    throw new BaselineError(`${name} must be a mapping with an 'accepted:' list.`);
  if ((accepted ?? []).length > MAX_BASELINE_ENTRIES)
    throw new BaselineError(
      `${name} has ${(accepted ?? []).length} entries, more than ${MAX_BASELINE_ENTRIES}; accept by file glob instead of one entry per use.`,
    );
  return (accepted ?? []).map((e, i) => entryAt(e, `${name} entry ${i + 1}`));
}

const normalized = (image: string) => {
  const p = parseReference(image);
  return p.ok ? p.ref.normalized : image;
};

interface Matcher {
  entry: BaselineEntry;
  /** Position in the file: the first matching entry wins. */
  index: number;
  image: string | null;
  file: ((path: string) => boolean) | null;
  used: boolean;
}

/**
 * Matchers indexed by rule and normalized image (entries without an image by rule alone), so a finding is
 * compared with the few entries that can match it, not with the whole file.
 */
function indexMatchers(matchers: readonly Matcher[]): (f: Finding) => Matcher | undefined {
  const byImage = new Map<string, Matcher[]>();
  const byRule = new Map<string, Matcher[]>();
  for (const m of matchers) {
    const [map, key] = m.image === null ? [byRule, m.entry.rule] : [byImage, `${m.entry.rule}\0${m.image}`];
    map.set(key, [...(map.get(key) ?? []), m]);
  }
  return (f) => {
    const image = f.image === null ? null : normalized(f.image);
    const candidates = [
      ...(image === null ? [] : (byImage.get(`${f.rule}\0${image}`) ?? [])),
      ...(byRule.get(f.rule) ?? []),
    ].filter((m) => m.file === null || (f.file !== null && m.file(f.file)));
    return candidates.sort((a, b) => a.index - b.index)[0];
  };
}

const expired = (e: BaselineEntry, now: Date) =>
  e.expires !== undefined && now.toISOString().slice(0, 10) > e.expires;

function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Moves the findings a baseline accepts from `findings` to `suppressed` (a new report; `now` decides expiry). */
export function applyBaseline(
  report: Report,
  entries: readonly BaselineEntry[],
  file: string,
  now: Date,
): Report {
  const live = entries.filter((e) => !expired(e, now));
  const matchers: Matcher[] = live.map((entry, index) => ({
    entry,
    index,
    image: entry.image ? normalized(entry.image) : null,
    file: entry.file ? compileGlob(entry.file) : null,
    used: false,
  }));
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const lookup = indexMatchers(matchers);
  for (const f of report.findings) {
    const m = lookup(f);
    if (!m) {
      findings.push(f);
      continue;
    }
    m.used = true;
    suppressed.push({
      ...f,
      suppression: { baseline: file, reason: m.entry.reason ?? null, expires: m.entry.expires ?? null },
    });
  }
  return {
    ...report,
    findings,
    suppressed,
    baseline: {
      file,
      entries: entries.length,
      expired: entries.filter((e) => expired(e, now)),
      unused: matchers.filter((m) => !m.used).map((m) => m.entry),
    },
    summary: { ...report.summary, findings: countBySeverity(findings) },
  };
}

/**
 * The baseline file accepting every finding of `report` (one entry per rule, image and file), keeping the
 * reason and expiry of `previous` entries that still match.
 */
export function renderBaseline(report: Report, previous: readonly BaselineEntry[] = []): string {
  const seen = new Set<string>();
  const accepted: BaselineEntry[] = [];
  const all: Finding[] = [...report.findings, ...(report.suppressed ?? [])];
  for (const f of all) {
    if (!f.image && !f.file) continue;
    const entry: BaselineEntry = {
      rule: f.rule,
      ...(f.image ? { image: f.image } : {}),
      ...(f.file ? { file: f.file } : {}),
    };
    const key = `${entry.rule}\0${entry.image ?? ''}\0${entry.file ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const kept = previous.find(
      (p) => p.rule === entry.rule && p.image === entry.image && p.file === entry.file,
    );
    accepted.push({
      ...entry,
      ...(kept?.expires ? { expires: kept.expires } : {}),
      ...(kept?.reason ? { reason: kept.reason } : {}),
    });
  }
  accepted.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      a.rule.localeCompare(b.rule) ||
      (a.image ?? '').localeCompare(b.image ?? ''),
  );
  const header = [
    '# Findings accepted for now: k8s-image-check reports them as suppressed instead of failing the run.',
    '# Each entry: rule, image (as written or normalized), optional file (a glob), expires (YYYY-MM-DD: reported',
    '# again after that day) and reason. Regenerate with `k8s-image-check baseline`, then review the diff.',
  ];
  return `${header.join('\n')}\n${stringify({ accepted }, { lineWidth: 0 })}`;
}

const describe = (e: BaselineEntry) =>
  plain([e.rule, e.image, e.file && `in ${e.file}`].filter(Boolean).join(' '));

/** The text report's lines about the baseline: suppressed count, expired and unused entries. */
export function baselineLines(b: BaselineSummary, suppressed: number): string[] {
  const lines = [
    `${suppressed} finding(s) suppressed by the baseline ${plain(b.file)} (${b.entries} entries).`,
  ];
  for (const e of b.expired)
    lines.push(`  expired on ${e.expires}, reported again: ${describe(e)}; renew or remove the entry.`);
  if (b.unused.length)
    lines.push(
      `  ${b.unused.length} entr${b.unused.length === 1 ? 'y matches' : 'ies match'} nothing any more (e.g. ${describe(b.unused[0] as BaselineEntry)}); run \`k8s-image-check baseline\` to refresh the file.`,
    );
  return lines;
}
