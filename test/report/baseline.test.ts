import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, BaselineError, parseBaseline, renderBaseline } from '../../src/report/baseline.js';
import { buildReport } from '../../src/report/findings.js';
import type { Finding, Report } from '../../src/report/model.js';
import { buildSarif } from '../../src/report/sarif.js';
import { reportOf as report } from '../helpers/report-fixtures.js';
import { runCli } from '../helpers/run-cli.js';

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'latest-tag',
    severity: 'warning',
    message: 'nginx:latest uses latest',
    file: 'k8s/web.yaml',
    line: 10,
    column: 18,
    image: 'nginx:latest',
    ...over,
  };
}

const now = new Date('2026-12-04T12:00:00Z');

describe('baseline matching', () => {
  it('accepts by rule and image (as written or normalized), optionally limited to a file glob', () => {
    const entries = parseBaseline(
      'accepted:\n  - rule: latest-tag\n    image: docker.io/library/nginx:latest\n    file: k8s/*.yaml\n    reason: legacy\n',
      'b.yaml',
    );
    const r = applyBaseline(
      report([
        finding(),
        finding({ file: 'other/x.yaml' }),
        finding({ rule: 'dirty-tag', severity: 'error', image: 'a:1-dirty' }),
      ]),
      entries,
      'b.yaml',
      now,
    );
    expect(r.findings.map((f) => [f.rule, f.file])).toEqual([
      ['latest-tag', 'other/x.yaml'],
      ['dirty-tag', 'k8s/web.yaml'],
    ]);
    expect(r.suppressed?.map((f) => [f.file, f.suppression.reason])).toEqual([['k8s/web.yaml', 'legacy']]);
    expect(r.summary.findings).toEqual({ error: 1, warning: 1, notice: 0 });
    expect(r.baseline?.unused).toEqual([]);
  });

  it('stops matching the day after expires, and lists expired and unused entries', () => {
    const entries = parseBaseline(
      'accepted:\n  - rule: latest-tag\n    image: nginx:latest\n    expires: 2026-12-03\n  - rule: mutable-tag\n    image: web:main\n  - rule: latest-tag\n    image: redis:latest\n    expires: 2026-12-04\n',
      'b.yaml',
    );
    const r = applyBaseline(report([finding(), finding({ image: 'redis:latest' })]), entries, 'b.yaml', now);
    expect(r.findings.map((f) => f.image)).toEqual(['nginx:latest']);
    expect(r.suppressed?.map((f) => f.image)).toEqual(['redis:latest']);
    expect(r.baseline?.expired.map((e) => e.image)).toEqual(['nginx:latest']);
    expect(r.baseline?.unused.map((e) => e.image)).toEqual(['web:main']);
  });

  it.each([
    ['accepted:\n  - rule: nope\n    image: x\n', "rule 'nope' is not a rule id"],
    ['accepted:\n  - rule: latest-tag\n', 'give the image'],
    ['accepted:\n  - rule: latest-tag\n    image: x\n    expires: soon\n', "expires 'soon' is not a date"],
    ['accepted:\n  - rule: latest-tag\n    image: x\n    imgae: y\n', "unknown key 'imgae'"],
    ['accepted: 3\n', "'accepted:' list"],
    [
      `accepted:\n  - rule: latest-tag\n    image: x\n    reason: ${'A'.repeat(501)}\n`,
      "'reason' is longer than 500",
    ],
    [`accepted:\n${'  - {rule: latest-tag, image: x}\n'.repeat(10_001)}`, 'more than 10000'],
    ['accepted:\n  - &a {rule: latest-tag, image: x}\n  - *a\n', 'not valid YAML'],
  ])('rejects a bad file with a message naming the entry: %j', (text, message) => {
    expect(() => parseBaseline(text, 'b.yaml')).toThrow(BaselineError);
    expect(() => parseBaseline(text, 'b.yaml')).toThrow(message);
  });
});

describe('baseline in SARIF', () => {
  it('reports suppressed findings with an external, accepted suppression', () => {
    const r = applyBaseline(
      report([finding(), finding({ rule: 'dirty-tag', severity: 'error', image: 'a:1-dirty' })]),
      parseBaseline(
        'accepted:\n  - rule: latest-tag\n    image: nginx:latest\n    reason: tracked in OPS-1\n    expires: 2027-01-31\n',
        'b.yaml',
      ),
      'b.yaml',
      now,
    );
    const results = (buildSarif(r) as { runs: { results: { ruleId: string; suppressions?: unknown[] }[] }[] })
      .runs[0]!.results;
    expect(results.map((x) => [x.ruleId, x.suppressions?.length ?? 0])).toEqual([
      ['dirty-tag', 0],
      ['latest-tag', 1],
    ]);
    expect(results[1]!.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Accepted in b.yaml: tracked in OPS-1, until 2027-01-31',
      },
    ]);
  });
});

describe('baseline command and scan', () => {
  const deploy = (image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;

  it('writes the current findings, after which scan passes and says what it suppressed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kic-baseline-'));
    writeFileSync(join(dir, 'web.yaml'), deploy('ghcr.io/acme/web:1.0-dirty'));
    const before = await runCli(['scan', '.', '--offline'], { cwd: dir });
    expect(before.code).toBe(1);
    const written = await runCli(['baseline', '.', '--offline'], { cwd: dir });
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('Wrote .k8s-image-check-baseline.yaml: 1 accepted finding(s)');
    const text = readFileSync(join(dir, '.k8s-image-check-baseline.yaml'), 'utf8');
    expect(parseBaseline(text, 'x')).toEqual([
      { rule: 'dirty-tag', image: 'ghcr.io/acme/web:1.0-dirty', file: 'web.yaml' },
    ]);
    const after = await runCli(['scan', '.', '--offline'], { cwd: dir });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(
      '1 finding(s) suppressed by the baseline .k8s-image-check-baseline.yaml (1 entries).',
    );
    const json = JSON.parse(
      (await runCli(['scan', '.', '--offline', '--format', 'json'], { cwd: dir })).stdout,
    ) as Report;
    expect(json.findings).toEqual([]);
    expect(json.suppressed?.[0]).toMatchObject({
      rule: 'dirty-tag',
      suppression: { baseline: '.k8s-image-check-baseline.yaml' },
    });
  });

  it('keeps reasons and expiry of entries that still match when regenerated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kic-baseline-'));
    writeFileSync(join(dir, 'web.yaml'), deploy('nginx:latest'));
    writeFileSync(
      join(dir, 'accepted.yaml'),
      'accepted:\n  - rule: latest-tag\n    image: nginx:latest\n    file: web.yaml\n    reason: OPS-7\n    expires: 2099-01-01\n',
    );
    expect(
      (await runCli(['baseline', '.', '--offline', '--baseline', 'accepted.yaml'], { cwd: dir })).code,
    ).toBe(0);
    expect(parseBaseline(readFileSync(join(dir, 'accepted.yaml'), 'utf8'), 'x')).toEqual([
      { rule: 'latest-tag', image: 'nginx:latest', file: 'web.yaml', expires: '2099-01-01', reason: 'OPS-7' },
    ]);
    expect(renderBaseline(report([]))).toContain('accepted: []');
  });

  it('never writes the baseline through a directory symlink out of the repository (review finding)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kic-baseline-'));
    const outside = mkdtempSync(join(tmpdir(), 'kic-outside-'));
    writeFileSync(join(dir, 'web.yaml'), deploy('nginx:latest'));
    symlinkSync(outside, join(dir, 'out'));
    const run = await runCli(['baseline', '.', '--offline', '--baseline', 'out/pwned.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('outside the workspace');
    expect(existsSync(join(outside, 'pwned.yaml'))).toBe(false);
  });

  it('refuses a baseline outside the repository or behind a symlink (exit 2, named)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kic-baseline-'));
    writeFileSync(join(dir, 'web.yaml'), deploy('nginx:latest'));
    const outside = await runCli(['scan', '.', '--offline', '--baseline', '../x.yaml'], { cwd: dir });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('baseline ../x.yaml is outside the repository');
    symlinkSync('/etc/hostname', join(dir, '.k8s-image-check-baseline.yaml')); // a link out of the root
    const linked = await runCli(['scan', '.', '--offline'], { cwd: dir });
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('outside the repository root');
  });
});
