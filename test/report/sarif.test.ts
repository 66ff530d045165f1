import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/findings.js';
import type { Finding, Report } from '../../src/report/model.js';
import { RULES } from '../../src/report/rules.js';
import {
  buildSarif,
  pathToUri,
  RULES_HELP_URI,
  SARIF_MAX_RESULTS,
  sarifOmittedCount,
} from '../../src/report/sarif.js';
import { finding, reportOf as report } from '../helpers/report-fixtures.js';

interface SarifRun {
  tool: { driver: { rules: { id: string; helpUri?: string; properties: Record<string, unknown> }[] } };
  invocations?: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
  results: {
    ruleId: string;
    level: string;
    message: { text: string };
    locations?: { physicalLocation: { artifactLocation: { uri: string } } }[];
  }[];
}

const run = (r: Report) => (buildSarif(r) as { runs: SarifRun[] }).runs;

describe('SARIF results cap (GitHub rejects a run with more than 25,000 results)', () => {
  it('keeps the 25,000 most severe of 26,000 findings, in report order, and says what it left out', () => {
    const findings: Finding[] = [];
    for (let i = 0; i < 26_000; i++) {
      const error = i % 5 === 0; // 5,200 errors spread through 20,800 notices
      findings.push(
        error
          ? finding({ line: i + 1, image: `ghcr.io/a/e${i}:1.0-dirty` })
          : finding({ rule: 'unresolved-template', severity: 'notice', line: i + 1, image: `n${i}` }),
      );
    }
    const runs = run(report(findings));
    expect(runs).toHaveLength(1);
    const results = runs[0]!.results;
    expect(results).toHaveLength(SARIF_MAX_RESULTS);
    expect(results.filter((r) => r.level === 'error')).toHaveLength(5_200);
    expect(results.filter((r) => r.level === 'note')).toHaveLength(SARIF_MAX_RESULTS - 5_200);
    // Report order is kept among what stays: the dropped notices are the last ones.
    const lines = results.map(
      (r) =>
        (r as unknown as { locations: { physicalLocation: { region: { startLine: number } } }[] })
          .locations[0]!.physicalLocation.region.startLine,
    );
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    const note = runs[0]!.invocations?.[0]?.toolExecutionNotifications[0];
    expect(note?.level).toBe('warning');
    expect(note?.message.text).toContain('1000 of 26000 results were left out (1000 notices)');
    expect(sarifOmittedCount(report(findings))).toBe(1_000);
  });

  it('drops notices before warnings before errors', () => {
    const findings = [
      ...Array.from({ length: SARIF_MAX_RESULTS }, (_, i) =>
        finding({ rule: 'latest-tag', severity: 'warning', line: i + 1 }),
      ),
      finding({ rule: 'unresolved-template', severity: 'notice', line: 1 }),
      finding({ line: 2 }),
    ];
    const runs = run(report(findings));
    const levels = runs[0]!.results.map((r) => r.level);
    expect(levels.filter((l) => l === 'error')).toHaveLength(1);
    expect(levels.filter((l) => l === 'warning')).toHaveLength(SARIF_MAX_RESULTS - 1);
    expect(levels).not.toContain('note');
    expect(runs[0]!.invocations?.[0]?.toolExecutionNotifications[0]?.message.text).toContain(
      '(1 warning, 1 notice)',
    );
  });

  it('adds no notification under the cap', () => {
    const runs = run(report([finding()]));
    expect(runs[0]!.invocations).toBeUndefined();
    expect(sarifOmittedCount(report([finding()]))).toBe(0);
  });
});

describe('SARIF URIs', () => {
  it.each([
    ['k8s/a#b.yaml', 'k8s/a%23b.yaml'],
    ['k8s/a?b.yaml', 'k8s/a%3Fb.yaml'],
    ['k8s/c:d.yaml', 'k8s/c%3Ad.yaml'],
    ['k8s/100%.yaml', 'k8s/100%25.yaml'],
    ['my dir/app.yaml', 'my%20dir/app.yaml'],
    ['plain/dir/app.yaml', 'plain/dir/app.yaml'],
  ])('%s -> %s, and decodes back to the path', (path, uri) => {
    expect(pathToUri(path)).toBe(uri);
    expect(decodeURIComponent(pathToUri(path))).toBe(path);
    const runs = run(
      report([finding({ file: path, related: [{ file: path, line: 1, column: 1, message: 'm' }] })]),
    );
    expect(runs[0]!.results[0]!.locations?.[0]?.physicalLocation.artifactLocation.uri).toBe(uri);
    // A URI reference with a raw '#' or '?' would end the path there.
    expect(new URL(uri, 'file:///repo/').pathname).toBe(`/repo/${uri}`);
  });
});

describe('SARIF rules', () => {
  it('carry helpUri, help text, and security-severity for supply-chain and availability rules only', () => {
    const rules = run(report([]))[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const r of rules) expect(r.helpUri).toBe(RULES_HELP_URI);
    const sev = Object.fromEntries(rules.map((r) => [r.id, r.properties['security-severity']]));
    expect(sev['image-absent']).toBe('7.5');
    expect(sev['dirty-tag']).toBe('7.0');
    expect(sev['latest-tag']).toBe('4.0');
    // "Not judged" statuses are not security results: code scanning must not rank an outage as a vulnerability.
    for (const id of [
      'registry-unavailable',
      'registry-rate-limited',
      'registry-authentication',
      'parse-error',
    ])
      expect(sev[id], id).toBeUndefined();
    for (const v of Object.values(sev)) {
      if (v === undefined) continue;
      expect(Number(v)).toBeGreaterThanOrEqual(0.1);
      expect(Number(v)).toBeLessThanOrEqual(10);
    }
  });
});
