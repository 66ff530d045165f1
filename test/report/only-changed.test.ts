import { describe, expect, it } from 'vitest';
import { filterReportToChangedFiles, normalizeRepoPath } from '../../src/report/only-changed.js';
import { sampleReport } from '../github/sample-report.js';

describe('filterReportToChangedFiles', () => {
  it('keeps findings and uses in changed files and recomputes the counts', () => {
    // absent: app-0 (error), latest: app-1 (warning), clean: app-2, templated: app-3 (notice)
    const report = sampleReport({ absent: 1, latest: 1, clean: 1, templated: 1 });
    const out = filterReportToChangedFiles(report, ['deploy/app-1.yaml', './deploy/app-2.yaml', 'README.md']);
    expect(out.findings.map((f) => f.file)).toEqual(['deploy/app-1.yaml']);
    expect(out.images.map((i) => i.ref)).toEqual([
      'ghcr.io/acme-shop/tool-0:latest',
      'ghcr.io/acme-shop/ok-0:2.1.0',
    ]);
    expect(out.summary).toEqual({ findings: { error: 0, warning: 1, notice: 0 }, checks: { available: 2 } });
    expect(out.files.scanned).toBe(4);
    // The input is not modified.
    expect(report.findings).toHaveLength(3);
  });

  it('keeps the registry result of an image used in changed and unchanged files, with only the changed uses', () => {
    const report = sampleReport({ absent: 1, usesPerImage: 3 });
    const out = filterReportToChangedFiles(report, ['deploy/app-2.yaml']);
    expect(out.images).toHaveLength(1);
    expect(out.images[0]!.check.status).toBe('absent');
    expect(out.images[0]!.uses.map((u) => u.file)).toEqual(['deploy/app-2.yaml']);
    expect(out.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['deploy/app-2.yaml:30']);
  });

  it('keeps a finding whose related location (kustomize base) changed, and findings without a file', () => {
    const report = sampleReport({ absent: 1 });
    report.findings[0]!.related = [
      { file: 'base/deployment.yaml', line: 4, column: 9, message: 'base image' },
    ];
    report.findings.push({
      rule: 'registry-error',
      severity: 'warning',
      message: 'x',
      file: null,
      line: null,
      column: null,
      image: null,
    });
    const out = filterReportToChangedFiles(report, ['base/deployment.yaml']);
    expect(out.findings.map((f) => f.rule)).toEqual(['image-absent', 'registry-error']);
  });

  it('filters parse problems and skipped files too', () => {
    const report = sampleReport({});
    report.files.errors.push(
      { file: 'a.yaml', line: 1, column: 1, message: 'bad' },
      { file: 'b.yaml', line: 1, column: 1, message: 'bad' },
    );
    report.files.skipped.push({ file: 'chart/templates/x.yaml', reason: 'Helm template' });
    const out = filterReportToChangedFiles(report, ['b.yaml']);
    expect(out.files.errors.map((e) => e.file)).toEqual(['b.yaml']);
    expect(out.files.skipped).toEqual([]);
  });

  it('normalises paths', () => {
    expect(normalizeRepoPath('./a/b.yaml')).toBe('a/b.yaml');
    expect(normalizeRepoPath('a\\b.yaml')).toBe('a/b.yaml');
    expect(normalizeRepoPath('/a.yaml')).toBe('a.yaml');
  });
});
