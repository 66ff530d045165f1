import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/findings.js';
import type { Finding, Report, ReportImage } from '../../src/report/model.js';
import { groupHostProblems, renderText } from '../../src/report/text.js';

function image(ref: string, host: string, message: string): ReportImage {
  return {
    ref,
    normalized: ref,
    registry: host,
    repository: 'team/x',
    tag: '1',
    digest: null,
    check: { status: 'registry_unavailable', host, message },
    uses: [],
  };
}

function unavailable(ref: string, line: number, message: string): Finding {
  return {
    rule: 'registry-unavailable',
    severity: 'warning',
    message,
    file: 'k8s/a.yaml',
    line,
    column: 18,
    image: ref,
  };
}

function report(images: ReportImage[], findings: Finding[]): Report {
  const r = buildReport({
    version: '1',
    uses: [],
    extract: { skipped: [], errors: [], scanned: 1 },
    checks: new Map(),
    rules: {},
  });
  r.images = images;
  r.findings = findings;
  return r;
}

describe('text report: unreachable registries', () => {
  const cause =
    'down.example could not be reached while checking down.example/team/a:1 (ECONNREFUSED); check that the registry is up.';
  const later =
    'down.example/team/b:1 was not checked: down.example could not be reached by an earlier check (…)';
  const imgs = ['a', 'b', 'c', 'd'].map((n, i) =>
    image(`down.example/team/${n}:1`, 'down.example', i === 0 ? cause : later),
  );
  const findings = imgs.map((img, i) => unavailable(img.ref, 10 + i, `Deployment x: ${img.check.message}`));
  const dirty: Finding = {
    rule: 'dirty-tag',
    severity: 'error',
    message: 'Image "down.example/team/a:1" …',
    file: 'k8s/a.yaml',
    line: 10,
    column: 18,
    image: 'down.example/team/a:1',
  };

  it('names the host once with the cause that really asked it, then the images; other findings stay per file', () => {
    const text = renderText(report(imgs, [dirty, ...findings.reverse()]), { color: false });
    expect(text).toContain('down.example: 4 image use(s) not checked (registry-unavailable)');
    expect(text).toContain(`  cause  ${cause}`);
    for (const n of ['a', 'b', 'c', 'd'])
      expect(text).toMatch(new RegExp(`k8s/a.yaml:\\d+ down.example/team/${n}:1`));
    expect(text.match(/was not checked/g) ?? []).toHaveLength(0);
    expect(text).toContain('[dirty-tag]');
    expect(text).not.toContain('[registry-unavailable]');
  });

  it('keeps one or two such findings inline, and groups hosts apart', () => {
    const two = report(imgs.slice(0, 2), findings.slice(0, 2));
    expect(groupHostProblems(two).groups).toEqual([]);
    expect(renderText(two, { color: false })).toContain('[registry-unavailable]');
    const other = ['p', 'q', 'r'].map((n) =>
      image(`slow.example/team/${n}:1`, 'slow.example', 'slow.example timed out'),
    );
    const both = report(
      [...imgs, ...other],
      [...findings, ...other.map((img, i) => unavailable(img.ref, 40 + i, img.check.message ?? ''))],
    );
    expect(groupHostProblems(both).groups.map((g) => [g.host, g.findings.length])).toEqual([
      ['down.example', 4],
      ['slow.example', 3],
    ]);
  });
});
