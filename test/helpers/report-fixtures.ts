/** A finding and a report around given findings, as the renderer tests need them. */
import type { ExtractResult } from '../../src/manifests/types.js';
import { buildReport } from '../../src/report/findings.js';
import type { Finding, Report } from '../../src/report/model.js';

/** A `dirty-tag` error at k8s/app.yaml:12:18, with `over` applied. */
export function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'dirty-tag',
    severity: 'error',
    message: 'Tag "1.0-dirty" was built from a dirty tree',
    file: 'k8s/app.yaml',
    line: 12,
    column: 18,
    image: 'ghcr.io/a/b:1.0-dirty',
    ...over,
  };
}

/** A report holding exactly `findings` (summary counts to match), with `extract` applied. */
export function reportOf(
  findings: Finding[],
  extract: Partial<Pick<ExtractResult, 'skipped' | 'errors' | 'scanned'>> = {},
): Report {
  const r = buildReport({
    version: '9.9.9',
    uses: [],
    extract: { skipped: [], errors: [], scanned: 1, ...extract },
    checks: new Map(),
    rules: {},
  });
  r.findings = findings;
  r.summary.findings = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) r.summary.findings[f.severity]++;
  return r;
}
