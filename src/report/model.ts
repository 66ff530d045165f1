import type { ContainerType, ParseProblem, SkippedFile } from '../manifests/types.js';
import type { RegistryCheck } from '../registry/types.js';
import type { BaselineSummary, SuppressedFinding } from './baseline.js';

export type Severity = 'error' | 'warning' | 'notice';
export type SeverityOrOff = Severity | 'off';
export type { FailOn } from '../severity.js';

/** One thing to tell the user, at a place. */
export interface Finding {
  /** Stable kebab-case rule id from `rules.ts`. */
  rule: string;
  severity: Severity;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  /**
   * 1-based column just after the value at `line`:`column` (exclusive), when it is known and on that line:
   * the image on an `image:` line, the tag on a kustomize `newTag:` or Helm `tag:` line.
   */
  endColumn?: number;
  /** The image as written (raw) when the finding is about an image. */
  image: string | null;
  /** Extra locations (e.g. the base manifest behind a kustomize overlay). */
  related?: { file: string; line: number; column: number; message: string }[];
}

/** A use of an image as it appears in the JSON report. */
export interface ReportUse {
  file: string;
  line: number;
  column: number;
  /**
   * 0-based index of the YAML document within `file` (`---`-separated), for uses read from a manifest;
   * absent when a kustomize overlay or Helm chart decided the image (its line is in a kustomization or
   * values file, not in a manifest's document).
   */
  document?: number;
  kind: string;
  namespace: string | null;
  name: string | null;
  container: string | null;
  containerType: ContainerType;
  origin?: string;
  view?: string;
}

/** One unique image (by normalized reference) with every use. */
export interface ReportImage {
  ref: string;
  normalized: string | null;
  registry: string | null;
  repository: string | null;
  tag: string | null;
  digest: string | null;
  check: RegistryCheck;
  uses: ReportUse[];
}

/** One image as a rendered view deploys it (a kustomize overlay or a Helm chart). */
export interface ReportViewImage {
  ref: string;
  normalized: string | null;
  kind: string;
  namespace: string | null;
  name: string | null;
  container: string | null;
  /** The source line that decided the image (overlay `images:` entry, values line, or base manifest). */
  file: string;
  line: number;
}

/** What one kustomize overlay or Helm chart deploys (registry checks are shared with `images`). */
export interface ReportView {
  kind: 'kustomize' | 'helm';
  dir: string;
  images: ReportViewImage[];
}

/** The whole result of a scan: the JSON report (schemaVersion 1) is exactly this object. */
export interface Report {
  schemaVersion: 1;
  tool: { name: 'k8s-image-check'; version: string };
  images: ReportImage[];
  findings: Finding[];
  files: { scanned: number; skipped: SkippedFile[]; errors: ParseProblem[] };
  /** Rendered views (present when there are any): what each overlay or chart deploys. */
  views?: ReportView[];
  /** Findings a baseline accepts (present when a baseline was read); not in `findings`, never fail the run. */
  suppressed?: SuppressedFinding[];
  /** The baseline that was applied: its file, entry count, expired and unused entries. */
  baseline?: BaselineSummary;
  summary: {
    findings: Record<Severity, number>;
    checks: Partial<Record<RegistryCheck['status'], number>>;
  };
}
