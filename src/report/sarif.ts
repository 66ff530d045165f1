/**
 * Renders a SARIF 2.1.0 log that `github/codeql-action/upload-sarif` accepts: one run, every rule
 * from the rule table with help text, results with locations and partial fingerprints.
 *
 * GitHub rejects a whole upload whose run holds more than 25,000 results, and since July 2025 it rejects
 * several runs of one tool and category in one file, so splitting is no way out: the log keeps the
 * {@link SARIF_MAX_RESULTS} most severe results and says in a tool notification what it left out.
 */
import { createHash } from 'node:crypto';
import { isStdinFile } from '../manifests/stdin.js';
import { plainLines, safeJson } from '../untrusted.js';
import type { SuppressedFinding } from './baseline.js';
import type { Finding, Report, Severity } from './model.js';
import { RULES } from './rules.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  notice: 'note',
};

/** Information URI of the tool, shown by code scanning. */
const TOOL_URI = 'https://github.com/k8s-image-check/k8s-image-check';

/** Where code scanning links a rule's help: the README's rule table. */
export const RULES_HELP_URI = `${TOOL_URI}#rules`;

/** GitHub code scanning's hard limit of results per run ("results per run: 25,000"). */
export const SARIF_MAX_RESULTS = 25_000;

const RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/**
 * A repository-relative path as a SARIF URI reference: each segment percent-encoded, so `#`, `?`, `:`, `%`
 * and spaces stay part of the file name (`encodeURI` keeps `#` and `?`, which would end the path).
 */
export function pathToUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * Where a result points. Manifests piped in (`scan -`) are no repository file: their location has no
 * `%SRCROOT%` base and says so in its description. GitHub code scanning rejects a result without an
 * artifact location ("expected artifact location") and a URI with a scheme, so it gets the relative URI
 * `%3Cstdin%3E` (`<stdin>`), which code scanning accepts but cannot show source for.
 */
function artifactLocation(file: string): Record<string, unknown> {
  if (isStdinFile(file))
    return {
      uri: pathToUri(file),
      description: {
        text: 'manifests read from standard input (k8s-image-check scan -), not a repository file',
      },
    };
  return { uri: pathToUri(file), uriBaseId: '%SRCROOT%' };
}

function pascal(id: string): string {
  return id
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/**
 * A fingerprint that survives line moves: rule, file and image (GitHub deduplicates alerts by it).
 */
export function fingerprint(f: Finding, occurrence: number): string {
  return createHash('sha256')
    .update(`${f.rule}\0${f.file ?? ''}\0${f.image ?? f.message}\0${occurrence}`)
    .digest('hex')
    .slice(0, 32);
}

/** Returns the SARIF log object. */
export function buildSarif(report: Report): object {
  const ruleIndex = new Map<string, number>(RULES.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const all: (Finding & { suppression?: SuppressedFinding['suppression'] })[] = [
    ...report.findings,
    ...(report.suppressed ?? []),
  ];
  const results = all.map((f) => {
    const base = `${f.rule}\0${f.file}\0${f.image ?? f.message}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule) ?? 0,
      level: LEVEL[f.severity],
      message: { text: plainLines(f.message) },
      partialFingerprints: { 'k8sImageCheck/v1': fingerprint(f, n) },
    };
    if (f.file) {
      const region: Record<string, number> = {};
      if (f.line) region.startLine = f.line;
      if (f.column) region.startColumn = f.column;
      // SARIF's endColumn is exclusive, like the finding's.
      if (f.column && f.endColumn !== undefined && f.endColumn > f.column) region.endColumn = f.endColumn;
      result.locations = [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(f.file),
            ...(f.line ? { region } : {}),
          },
        },
      ];
    }
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, i) => ({
        id: i + 1,
        message: { text: plainLines(r.message) },
        physicalLocation: {
          artifactLocation: artifactLocation(r.file),
          region: { startLine: r.line, startColumn: r.column },
        },
      }));
    }
    if (f.suppression) {
      // Accepted in the repository's baseline: code scanning shows the alert as suppressed, not open.
      const why = [f.suppression.reason, f.suppression.expires && `until ${f.suppression.expires}`]
        .filter(Boolean)
        .join(', ');
      result.suppressions = [
        {
          kind: 'external',
          status: 'accepted',
          justification: plainLines(`Accepted in ${f.suppression.baseline}${why ? `: ${why}` : ''}`),
        },
      ];
    }
    return { result, severity: f.severity, suppressed: f.suppression !== undefined };
  });
  const kept = keepMostSevere(results, SARIF_MAX_RESULTS);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'k8s-image-check',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: TOOL_URI,
            rules: RULES.map((r) => ({
              id: r.id,
              name: pascal(r.id),
              shortDescription: { text: r.title },
              fullDescription: { text: r.help },
              help: { text: `${r.help}\n\nFix: ${r.fix}`, markdown: `${r.help}\n\n**Fix:** ${r.fix}` },
              defaultConfiguration: {
                level: r.defaultSeverity === 'off' ? 'none' : LEVEL[r.defaultSeverity],
              },
              helpUri: RULES_HELP_URI,
              properties: {
                tags: ['kubernetes', 'container-image'],
                precision: 'very-high',
                ...('securitySeverity' in r ? { 'security-severity': r.securitySeverity.toFixed(1) } : {}),
              },
            })),
          },
        },
        ...(kept.omitted ? { invocations: [omittedInvocation(kept.omitted)] } : {}),
        results: kept.results,
      },
    ],
  };
}

interface Ranked {
  result: Record<string, unknown>;
  severity: Severity;
  /** Suppressed results go first when the cap bites: they are accepted, the others are open. */
  suppressed: boolean;
}

interface Omitted {
  total: number;
  bySeverity: Record<Severity, number>;
}

/** The `max` most severe results in report order, and a count of the rest by severity. */
function keepMostSevere(all: Ranked[], max: number): { results: object[]; omitted: Omitted | null } {
  if (all.length <= max) return { results: all.map((r) => r.result), omitted: null };
  const keep = new Set(
    all
      .map((r, i) => ({ i, rank: RANK[r.severity] + (r.suppressed ? 3 : 0) }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .slice(0, max)
      .map((r) => r.i),
  );
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const [i, r] of all.entries()) if (!keep.has(i)) bySeverity[r.severity]++;
  return {
    results: all.filter((_, i) => keep.has(i)).map((r) => r.result),
    omitted: { total: all.length - max, bySeverity },
  };
}

function omittedInvocation(o: Omitted): object {
  const parts = (['error', 'warning', 'notice'] as const)
    .filter((s) => o.bySeverity[s] > 0)
    .map((s) => `${o.bySeverity[s]} ${s}${o.bySeverity[s] === 1 ? '' : 's'}`);
  return {
    executionSuccessful: true,
    toolExecutionNotifications: [
      {
        level: 'warning',
        descriptor: { id: 'results-capped' },
        message: {
          text: `${o.total} of ${o.total + SARIF_MAX_RESULTS} results were left out (${parts.join(', ')}): GitHub code scanning rejects a run with more than ${SARIF_MAX_RESULTS} results, so only the most severe are kept. The JSON report (json-file) has every finding.`,
        },
      },
    ],
  };
}

/** How many results {@link buildSarif} leaves out of a report, for a warning in the log (0 when none). */
export function sarifOmittedCount(report: Report): number {
  return Math.max(0, report.findings.length + (report.suppressed?.length ?? 0) - SARIF_MAX_RESULTS);
}

/** The log warning for a capped SARIF file. */
export function sarifCapMessage(omitted: number): string {
  return `The SARIF file holds the ${SARIF_MAX_RESULTS} most severe results; ${omitted} less severe ones were left out (GitHub code scanning rejects a run with more). The JSON report has every finding.`;
}

/** Returns the SARIF log as text. */
export function renderSarif(report: Report): string {
  return `${safeJson(JSON.stringify(buildSarif(report), null, 2))}\n`;
}
