import { describe, expect, it } from 'vitest';
import { fallbackAnnotationLines, reportOutputs, skipForRestrictedRun } from '../../src/action-pr.js';
import { sampleReport } from '../github/sample-report.js';

describe('skipForRestrictedRun', () => {
  it('turns an authentication failure into skipped with the fork reason, keeping the host', () => {
    const out = skipForRestrictedRun(
      { status: 'authentication_failure', host: 'registry.acme.internal', httpStatus: 401, message: '401' },
      'fork pull request',
    );
    expect(out).toMatchObject({
      status: 'skipped',
      reason: 'fork pull request: secrets are not available',
      host: 'registry.acme.internal',
      httpStatus: 401,
    });
    expect(out.message).toContain('registry.acme.internal needs credentials');
  });

  it.each(['absent', 'available', 'authorization_failure', 'registry_unavailable'] as const)(
    'leaves %s alone',
    (status) => {
      expect(skipForRestrictedRun({ status }, 'fork pull request')).toEqual({ status });
    },
  );
});

describe('reportOutputs', () => {
  it('counts findings per severity and images per check status, with dashed status names', () => {
    const out = reportOutputs(sampleReport({ absent: 2, latest: 1, unauthenticated: 1, templated: 3 }));
    expect(out).toMatchObject({
      errors: '2',
      warnings: '2',
      notices: '3',
      images: '7',
      'status-absent': '2',
      'status-available': '1',
      'status-authentication-failure': '1',
      'status-skipped': '3',
      'status-not-checked': '0',
      'status-platform-missing': '0',
    });
  });
});

describe('fallbackAnnotationLines', () => {
  it('emits at most 10 workflow commands per level and counts the rest', () => {
    const report = sampleReport({ absent: 12, latest: 3, templated: 11 });
    const { lines, hidden } = fallbackAnnotationLines(report.findings);
    expect(lines).toHaveLength(23);
    expect(lines.filter((l) => l.startsWith('::error file=deploy/'))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning file=deploy/'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('::notice file=deploy/'))).toHaveLength(10);
    expect(hidden).toBe(3);
  });
});
