import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import {
  blobUrl,
  DEFAULT_SUMMARY_MAX_BYTES,
  renderSummary,
  STEP_SUMMARY_LIMIT_BYTES,
} from '../../src/report/summary.js';
import { markdownCode as code, markdown as escapeMarkdown } from '../../src/untrusted.js';
import { sampleReport } from '../github/sample-report.js';

const HEAD = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const opts = { serverUrl: 'https://github.com', owner: 'acme-shop', repo: 'shop-deploy', headSha: HEAD };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('renderSummary', () => {
  it('shows totals per severity and per check status', () => {
    const md = renderSummary(sampleReport({ absent: 2, latest: 3, clean: 4, templated: 1 }), opts);
    expect(md).toContain('**2 errors, 3 warnings, 1 notice** in 10 images from 10 files.');
    expect(md).toContain('| 🔴 Error | 2 |');
    expect(md).toContain('| 🟠 Warning | 3 |');
    expect(md).toContain('| 🔵 Notice | 1 |');
    expect(md).toContain('| <code>absent</code> | 2 |');
    expect(md).toContain('| <code>available</code> | 7 |');
    expect(md).toContain('| <code>skipped</code> | 1 |');
  });

  it('lists each failing image with every use linked to the PR head, errors first', () => {
    const md = renderSummary(sampleReport({ latest: 1, absent: 1, usesPerImage: 3 }), opts);
    const table = md.slice(md.indexOf('### Failing images'));
    const rows = table.split('\n').filter((l) => l.startsWith('| <code>'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(
      '<code>ghcr.io/acme-shop/svc-0:1.0.0</code> | 🔴 Error | <code>image-absent</code> | <code>absent</code>',
    );
    expect(rows[0]).toContain(
      `[deploy/app-0.yaml:10](https://github.com/acme-shop/shop-deploy/blob/${HEAD}/deploy/app-0.yaml#L10)`,
    );
    expect(rows[0]).toContain(
      `[deploy/app-1.yaml:20](https://github.com/acme-shop/shop-deploy/blob/${HEAD}/deploy/app-1.yaml#L20)`,
    );
    expect(rows[0]).toContain(
      `[deploy/app-2.yaml:30](https://github.com/acme-shop/shop-deploy/blob/${HEAD}/deploy/app-2.yaml#L30)`,
    );
    expect(rows[1]).toContain(
      '<code>ghcr.io/acme-shop/tool-0:latest</code> | 🟠 Warning | <code>latest-tag</code>',
    );
    expect(md).not.toContain('ok-0');
  });

  it('names the registries that could not be checked, why, and how many images', () => {
    const md = renderSummary(sampleReport({ unauthenticated: 3, clean: 1 }), opts);
    expect(md).toContain('### Registries that could not be checked');
    expect(md).toContain(
      '| <code>registry.acme.internal:5000</code> | <code>authentication\\_failure</code> | 3 | registry.acme.internal:5000 answered 401 without credentials: an anonymous client cannot tell a private repository from a missing one; add credentials for this host. |',
    );
  });

  it('escapes user text so it cannot break the table or inject HTML', () => {
    const report = sampleReport({ absent: 1 });
    report.images[0]!.ref = 'evil|<img src=x onerror=alert(1)>`x`';
    report.findings[0]!.image = report.images[0]!.ref;
    report.findings.push({
      rule: 'parse-error',
      severity: 'error',
      message: 'bad *yaml* | [link](http://x)\nline2',
      file: 'a b/c#d.yaml',
      line: 3,
      column: 1,
      image: null,
    });
    const md = renderSummary(report, opts);
    expect(md).toContain('<code>evil\\|&lt;img src=x onerror=alert(1)&gt;\\`x\\`</code>');
    expect(md).not.toContain('<img');
    expect(md).toContain('bad \\*yaml\\* \\| \\[link\\](http\\://x) line2');
    expect(md).toContain(`(https://github.com/acme-shop/shop-deploy/blob/${HEAD}/a%20b/c%23d.yaml#L3)`);
    expect(escapeMarkdown('a|b')).toBe('a\\|b');
    expect(code('x|y')).toBe('<code>x\\|y</code>');
  });

  it('stays under 1 MiB with thousands of findings and says how many rows were left out and where the full report is', () => {
    const report = sampleReport({ absent: 1500, latest: 1500, unauthenticated: 20, usesPerImage: 3 });
    const md = renderSummary(report, {
      ...opts,
      reportFiles: { json: 'k8s-image-check.json', sarif: 'k8s-image-check.sarif' },
    });
    expect(bytes(md)).toBeLessThanOrEqual(DEFAULT_SUMMARY_MAX_BYTES);
    expect(bytes(md)).toBeLessThan(STEP_SUMMARY_LIMIT_BYTES);
    expect(bytes(md)).toBeGreaterThan(DEFAULT_SUMMARY_MAX_BYTES - 5_000);
    const failingSection = md.slice(md.indexOf('### Failing images'), md.indexOf('### Registries'));
    const shown = failingSection.split('\n').filter((l) => l.startsWith('| <code>')).length;
    const m =
      /> (\d+) rows left out to stay under GitHub's 976 KiB summary limit\. The full report is in <code>k8s-image-check\.json<\/code> and <code>k8s-image-check\.sarif<\/code>\./.exec(
        md,
      );
    expect(m).not.toBeNull();
    // 3020 failing images: 1500 absent, 1500 latest, 20 unauthenticated (a warning each).
    expect(Number(m![1])).toBe(3020 - shown);
    expect(failingSection).toContain(`_${3020 - shown} more rows left out._`);
    // The small "could not be checked" table is kept whole.
    expect(md).toContain(
      '| <code>registry.acme.internal:5000</code> | <code>authentication\\_failure</code> | 20 |',
    );
    // Errors come before warnings, so what is left out are the warnings.
    expect(md).toContain('svc-1499:');
    expect(md).not.toContain('tool-1499:latest');
  });

  it('fits a 64 KiB cap for the check-run summary', () => {
    const md = renderSummary(sampleReport({ absent: 400, usesPerImage: 2 }), { ...opts, maxBytes: 65_535 });
    expect(bytes(md)).toBeLessThanOrEqual(65_535);
    expect(md).toMatch(/\d+ rows left out .* Set `json-file` or `sarif-file` to keep the full report\./);
  });

  it('shows the fallback note and the check-run link', () => {
    const md = renderSummary(sampleReport({ clean: 2 }), {
      ...opts,
      fallbackNote: 'The check run could not be created (403): fork pull request.',
      checkRunUrl: 'https://github.com/acme-shop/shop-deploy/runs/9',
    });
    expect(md).toContain('> [!WARNING]\n> The check run could not be created (403): fork pull request.');
    expect(md).toContain('[check run](https://github.com/acme-shop/shop-deploy/runs/9)');
    expect(md).toContain('✅ No problems in 2 images from 2 files.');
    expect(md).not.toContain('### Failing images');
  });

  it('caps uses per image and lists findings that belong to no image', () => {
    const report: Report = sampleReport({ latest: 1, usesPerImage: 7 });
    report.files.errors.push({ file: 'broken.yaml', line: 4, column: 2, message: 'bad indentation' });
    report.findings.push({
      rule: 'parse-error',
      severity: 'error',
      message: 'bad indentation',
      file: 'broken.yaml',
      line: 4,
      column: 2,
      image: null,
    });
    const md = renderSummary(report, { ...opts, maxUsesPerRow: 5 });
    expect(md).toContain('<br>and 2 more |');
    expect(md).toContain('### Other findings');
    expect(md).toContain(
      `| 🔴 Error | <code>parse-error</code> | [broken.yaml:4](${blobUrl(opts, 'broken.yaml', 4)}) | bad indentation |`,
    );
    expect(md).toContain('1 file problem (parse errors).');
  });
});

describe('renderSummary outside a repository', () => {
  it('prints file:line without links when owner and repo are unknown', () => {
    const md = renderSummary(sampleReport({ absent: 1 }), {
      serverUrl: 'https://github.com',
      owner: '',
      repo: '',
      headSha: '',
    });
    expect(md).toContain('| deploy/app-0.yaml:10 |');
    expect(md).not.toContain('/blob/');
  });
});
