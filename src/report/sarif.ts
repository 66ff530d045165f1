/**
 * Renders a SARIF 2.1.0 log that `github/codeql-action/upload-sarif` accepts: one run, every rule
 * from the rule table with help text, results with locations and partial fingerprints.
 */
import { createHash } from 'node:crypto';
import { plainLines, safeJson } from '../untrusted.js';
import type { Finding, Report, Severity } from './model.js';
import { RULES } from './rules.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  notice: 'note',
};

/** Information URI of the tool, shown by code scanning. */
export const TOOL_URI = 'https://github.com/k8s-image-check/k8s-image-check';

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
  const results = report.findings.map((f) => {
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
      result.locations = [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
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
          artifactLocation: { uri: encodeURI(r.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: r.line, startColumn: r.column },
        },
      }));
    }
    return result;
  });
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
              properties: { tags: ['kubernetes', 'container-image'], precision: 'very-high' },
            })),
          },
        },
        results,
      },
    ],
  };
}

/** Returns the SARIF log as text. */
export function renderSarif(report: Report): string {
  return `${safeJson(JSON.stringify(buildSarif(report), null, 2))}\n`;
}
