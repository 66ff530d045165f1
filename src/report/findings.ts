/**
 * Builds the findings and the report model from what the stages produced: image uses, templated
 * values, parse problems and registry checks. Pure: no I/O, no clock.
 */
import type { ImageReference } from '../image/types.js';
import type { ExtractResult, ImageUse } from '../manifests/types.js';
import type { CheckStatus, RegistryCheck } from '../registry/types.js';
import { failsAt } from '../severity.js';
import type {
  FailOn,
  Finding,
  Report,
  ReportImage,
  ReportUse,
  ReportView,
  Severity,
  SeverityOrOff,
} from './model.js';
import { RULES_BY_ID, ruleForCheckStatus } from './rules.js';

/** Severity order, highest first. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 };

/** One image use, parsed, as the engine hands it to the report builder. */
/**
 * One image use after reference parsing, ignores and tag policy, by what happens to it next: `invalid`
 * and `templated` uses are reported without a registry check, `ignored` ones are listed but neither
 * checked nor reported, `checked` ones share the registry check of their `checkKey`.
 */
export type AnalyzedUse = InvalidUse | TemplatedUse | IgnoredUse | CheckedUse;

/** The reference cannot be parsed, or the image field itself is unusable. */
export interface InvalidUse {
  kind: 'invalid';
  use: ImageUse;
  ref: null;
  /** Why the reference is invalid (Go parser's message, or the extractor's reason). */
  parseError: string;
  /** The image field itself is unusable (empty, not a string): the API server rejects the object. */
  invalidField?: boolean;
}

/** A templated value that cannot be checked. */
export interface TemplatedUse {
  kind: 'templated';
  use: ImageUse;
  ref: null;
  /** Why it cannot be checked. */
  templated: string;
}

/** Ignored by the user. */
export interface IgnoredUse {
  kind: 'ignored';
  use: ImageUse;
  ref: ImageReference;
  /** `pattern <regex>` from the ignore list, or an inline ignore comment. */
  ignoredBy: string;
}

/** A reference to check in its registry, with its tag policy violations. */
export interface CheckedUse {
  kind: 'checked';
  use: ImageUse;
  ref: ImageReference;
  /** Key of the registry check shared by every use of the same manifest. */
  checkKey: string;
  tagViolations: { rule: string; message: string }[];
}

export interface BuildReportInput {
  version: string;
  uses: AnalyzedUse[];
  extract: Pick<ExtractResult, 'skipped' | 'errors' | 'scanned'>;
  checks: ReadonlyMap<string, RegistryCheck>;
  rules: Record<string, SeverityOrOff>;
  /** What each rendered view deploys; the report has `views` only when there are any. */
  views?: ReportView[];
}

/** Returns the effective severity of a rule, or 'off'. */
export function severityOf(rule: string, overrides: Record<string, SeverityOrOff>): SeverityOrOff {
  return overrides[rule] ?? RULES_BY_ID.get(rule)?.defaultSeverity ?? 'warning';
}

/** Sorts findings deterministically: file, line, column, severity (highest first), rule, message. */
function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

function isSuppressed(use: ImageUse, rule: string): boolean {
  return use.suppress?.some((s) => s === '*' || s === rule) ?? false;
}

function toReportUse(use: ImageUse): ReportUse {
  const out: ReportUse = {
    file: use.file,
    line: use.line,
    column: use.column,
    ...(!use.origin || use.origin === 'manifest' ? { document: use.docIndex } : {}),
    kind: use.kind,
    namespace: use.namespace,
    name: use.name,
    container: use.container,
    containerType: use.containerType,
  };
  if (use.origin && use.origin !== 'manifest') out.origin = use.origin;
  if (use.view) out.view = use.view;
  return out;
}

function checkFor(a: AnalyzedUse, checks: ReadonlyMap<string, RegistryCheck>): RegistryCheck {
  switch (a.kind) {
    case 'templated':
      return { status: 'skipped', reason: a.templated, message: `Not checked: ${a.templated}.` };
    case 'invalid':
      return { status: 'bad_image_format', message: a.parseError };
    case 'ignored':
      return {
        status: 'skipped',
        reason: `ignored by ${a.ignoredBy}`,
        message: `Ignored by ${a.ignoredBy}.`,
      };
    case 'checked':
      return checks.get(a.checkKey) ?? { status: 'not_checked' };
  }
}

function where(use: ImageUse): string {
  // Read from a chart without rendering it: a values key names the image, or a template of the chart does.
  if (use.origin === 'helm-values' && use.kind === 'HelmChart')
    return `Helm chart ${use.name ?? '?'}${use.container ? ` (values key ${use.container})` : ''}`;
  const fromChart = use.origin === 'helm-values' && use.view !== undefined;
  const what = fromChart
    ? `${use.kind} of Helm chart ${use.name ?? '?'}`
    : [use.kind, use.namespace ? `${use.namespace}/${use.name ?? '?'}` : use.name].filter(Boolean).join(' ');
  return use.container ? `${what}, ${use.containerType} "${use.container}"` : what;
}

/** The image as written, quoted, with control characters escaped (a value can hold a newline). */
function shown(raw: string): string {
  return JSON.stringify(raw);
}

function invalidMessage(a: InvalidUse, use: ImageUse): string {
  if (a.invalidField) {
    const why = a.parseError || 'the image field is unusable';
    return `Image ${shown(use.raw)} in ${where(use)}: ${why}${why.endsWith('.') ? '' : '.'}`;
  }
  return `Image ${shown(use.raw)} in ${where(use)} is not a valid reference: ${a.parseError}. Pods would fail with InvalidImageName.`;
}

function checkMessage(use: ImageUse, check: RegistryCheck): string {
  const base = check.message ?? check.reason ?? check.status;
  // Registry messages name the image themselves; lead with where it is used.
  return base.includes(use.raw) ? `${where(use)}: ${base}` : `${where(use)}: ${shown(use.raw)}: ${base}`;
}

/** Builds the full report (images, sorted findings, file stats and summary counts). */
export function buildReport(input: BuildReportInput): Report {
  const findings: Finding[] = [];
  const images = new Map<string, ReportImage>();
  const push: PushFinding = (f) => {
    const finding = toFinding(f, input.rules);
    if (finding) findings.push(finding);
  };
  for (const a of input.uses) {
    const check = checkFor(a, input.checks);
    addImageUse(images, a, check);
    pushUseFindings(push, a, check);
  }
  for (const e of input.extract.errors) {
    push({ rule: 'parse-error', use: null, message: `${e.message}`, image: null, pos: e });
  }

  findings.sort(compareFindings);
  const imageList = [...images.values()].sort(
    (a, b) => (a.normalized ?? a.ref).localeCompare(b.normalized ?? b.ref) || a.ref.localeCompare(b.ref),
  );
  for (const img of imageList)
    img.uses.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);

  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  const checkCounts: Partial<Record<CheckStatus, number>> = {};
  for (const img of imageList) checkCounts[img.check.status] = (checkCounts[img.check.status] ?? 0) + 1;

  return {
    schemaVersion: 1,
    tool: { name: 'k8s-image-check', version: input.version },
    images: imageList,
    findings,
    files: {
      scanned: input.extract.scanned,
      skipped: [...input.extract.skipped].sort((a, b) => a.file.localeCompare(b.file)),
      errors: [...input.extract.errors].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
    },
    ...(input.views?.length ? { views: input.views } : {}),
    summary: { findings: counts, checks: checkCounts },
  };
}

/** A finding about to be made: at a use, or (parse errors) at a position of its own. */
interface PendingFinding {
  rule: string;
  use: ImageUse | null;
  message: string;
  image: string | null;
  pos?: ParsePos;
}

type PushFinding = (f: PendingFinding) => void;

/** The finding, or null when its rule is off or an inline comment suppresses it at the use. */
function toFinding(f: PendingFinding, rules: Record<string, SeverityOrOff>): Finding | null {
  const { rule, use, pos } = f;
  const severity = severityOf(rule, rules);
  if (severity === 'off') return null;
  if (use && isSuppressed(use, rule)) return null;
  const finding: Finding = {
    rule,
    severity,
    message: f.message,
    file: use?.file ?? pos?.file ?? null,
    line: use?.line ?? pos?.line ?? null,
    column: use?.column ?? pos?.column ?? null,
    image: f.image,
  };
  if (use?.endColumn !== undefined) finding.endColumn = use.endColumn;
  if (use?.related?.length) finding.related = use.related.map((r) => ({ ...r }));
  return finding;
}

/** Adds the use to its image (grouped by normalized reference, else by the raw text). */
function addImageUse(images: Map<string, ReportImage>, a: AnalyzedUse, check: RegistryCheck): void {
  const { use } = a;
  const groupKey = a.ref ? a.ref.normalized : `raw:${use.raw}`;
  let image = images.get(groupKey);
  if (!image) {
    image = {
      ref: use.raw,
      normalized: a.ref?.normalized ?? null,
      registry: a.ref?.registry ?? null,
      repository: a.ref?.repository ?? null,
      tag: a.ref?.tag ?? null,
      digest: a.ref?.digest ?? null,
      check,
      uses: [],
    };
    images.set(groupKey, image);
  }
  image.uses.push(toReportUse(use));
}

/** The findings of one use: a template, an invalid reference, or its tag policy and registry check. */
function pushUseFindings(push: PushFinding, a: AnalyzedUse, check: RegistryCheck): void {
  const { use } = a;
  const at = (rule: string, message: string) => push({ rule, use, message, image: use.raw });
  switch (a.kind) {
    case 'templated':
      at(
        'unresolved-template',
        `${where(use)}: image ${shown(use.raw)} cannot be checked (${a.templated}); render the templates first or ignore this line.`,
      );
      return;
    case 'invalid':
      at('invalid-reference', invalidMessage(a, use));
      return;
    case 'ignored':
      return;
    case 'checked': {
      for (const v of a.tagViolations) at(v.rule, `${where(use)}: ${v.message}`);
      const rule = ruleForCheckStatus(check.status);
      if (rule) at(rule, checkMessage(use, check));
    }
  }
}

interface ParsePos {
  file: string;
  line: number;
  column: number;
}

/** Returns true when some finding is at or above the fail-on level. */
export function shouldFail(findings: readonly Finding[], failOn: FailOn): boolean {
  return findings.some((f) => failsAt(f.severity, failOn));
}
