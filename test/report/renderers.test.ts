import { describe, expect, it } from 'vitest';
import { parseReference } from '../../src/image/reference.js';
import type { ImageUse } from '../../src/manifests/types.js';
import { renderAnnotation, renderAnnotations } from '../../src/report/annotations.js';
import { buildReport, shouldFail } from '../../src/report/findings.js';
import type { Finding, Report } from '../../src/report/model.js';
import { RULES } from '../../src/report/rules.js';
import { buildSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { commandData, commandProperty } from '../../src/untrusted.js';
import { finding, reportOf } from '../helpers/report-fixtures.js';

const report = (findings: Finding[]) =>
  reportOf(findings, {
    skipped: [{ file: 'charts/x/templates/d.yaml', reason: 'Helm template; rendering comes later' }],
    scanned: 4,
  });

describe('finding locations', () => {
  const base: ImageUse = {
    raw: 'ghcr.io/a/migrate:latest',
    file: 'charts/app/values.yaml',
    line: 4,
    column: 10,
    docIndex: 0,
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    namespace: 'shop',
    name: 'api',
    container: 'app',
    containerType: 'container',
  };
  const parsedRef = parseReference(base.raw);
  if (!parsedRef.ok) throw new Error('fixture reference must parse');
  const parsed = parsedRef.ref;
  const message = (use: ImageUse) =>
    buildReport({
      version: '9.9.9',
      uses: [
        {
          kind: 'checked',
          use,
          ref: { ...parsed, raw: use.raw },
          checkKey: 'ghcr.io/a/migrate:latest',
          tagViolations: [{ rule: 'latest-tag', message: 'uses latest' }],
        },
      ],
      extract: { skipped: [], errors: [], scanned: 1 },
      checks: new Map(),
      rules: {},
    }).findings[0]?.message;

  it('say where a Helm values-derived image comes from', () => {
    expect(message(base)).toBe('Deployment shop/api, container "app": uses latest');
    const chart = {
      namespace: null,
      apiVersion: null,
      name: 'mychart',
      origin: 'helm-values' as const,
      view: 'charts/app',
    };
    expect(message({ ...base, ...chart, kind: 'HelmChart', container: 'migrations.image' })).toBe(
      'Helm chart mychart (values key migrations.image): uses latest',
    );
    expect(message({ ...base, ...chart })).toBe(
      'Deployment of Helm chart mychart, container "app": uses latest',
    );
  });
});

describe('rules table', () => {
  it('is well formed: kebab-case ids, a title, help and a fix ending with a period', () => {
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.help).toMatch(/[.)]$/);
      expect(r.fix).toMatch(/\.$/);
    }
  });
});

describe('fail-on', () => {
  it.each([
    ['error', ['warning'], false],
    ['error', ['error'], true],
    ['warning', ['warning'], true],
    ['warning', ['notice'], false],
    ['notice', ['notice'], true],
    ['never', ['error'], false],
  ] as const)('fail-on %s with %j → %s', (level, severities, expected) => {
    expect(
      shouldFail(
        severities.map((s) => finding({ severity: s })),
        level,
      ),
    ).toBe(expected);
  });
});

describe('workflow-command annotations', () => {
  it('escapes data and properties as @actions/core does', () => {
    expect(commandData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(commandProperty('a:b,c')).toBe('a%3Ab%2Cc');
  });

  it('renders file, line, col and title', () => {
    expect(renderAnnotation(finding())).toBe(
      '::error file=k8s/app.yaml,line=12,col=18,title=Image built from a dirty work tree (dirty-tag)::Tag "1.0-dirty" was built from a dirty tree',
    );
    expect(
      renderAnnotation(finding({ severity: 'notice', rule: 'unresolved-template', file: 'a,b.yaml' })),
    ).toMatch(
      /^::notice file=a%2Cb\.yaml,line=12,col=18,title=Image is a template expression and cannot be checked \(unresolved-template\)::/,
    );
  });

  it('adds a notice per skipped file except chart templates', () => {
    const r = report([]);
    r.files.skipped.push({ file: 'big.yaml', reason: 'file is 9 MB, over max-file-size' });
    const lines = renderAnnotations(r).trim().split('\n');
    expect(lines).toContain(
      '::notice file=big.yaml,title=Skipped (not scanned)::file is 9 MB, over max-file-size',
    );
    expect(lines.some((l) => l.includes('charts/x/templates/d.yaml'))).toBe(false);
  });

  it('ends with a total line', () => {
    const text = renderAnnotations(report([finding(), finding({ severity: 'warning', rule: 'latest-tag' })]));
    expect(text.trim().split('\n').at(-1)).toBe(
      'k8s-image-check: 0 image(s) in 4 file(s): 1 error(s), 1 warning(s), 0 notice(s).',
    );
  });
});

describe('SARIF', () => {
  it('lists every rule with help and maps severities to levels', () => {
    const sarif = buildSarif(
      report([finding(), finding({ severity: 'notice', rule: 'unresolved-template', line: 3 })]),
    ) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string; help: { text: string } }[] } };
        results: Record<string, unknown>[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(run.tool.driver.rules[0]!.help.text).toContain('Fix:');
    expect(run.results.map((r) => r.level)).toEqual(['error', 'note']);
    expect(run.results[0]).toMatchObject({
      ruleId: 'dirty-tag',
      ruleIndex: 0,
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'k8s/app.yaml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 12, startColumn: 18 },
          },
        },
      ],
    });
  });

  it('keeps fingerprints stable when lines move and distinct for repeated uses', () => {
    const a = buildSarif(report([finding({ line: 12 })])) as {
      runs: { results: { partialFingerprints: object }[] }[];
    };
    const b = buildSarif(report([finding({ line: 40 })])) as typeof a;
    expect(a.runs[0]!.results[0]!.partialFingerprints).toEqual(b.runs[0]!.results[0]!.partialFingerprints);
    const twice = buildSarif(report([finding({ line: 1 }), finding({ line: 9 })])) as typeof a;
    const [f1, f2] = twice.runs[0]!.results.map((r) => JSON.stringify(r.partialFingerprints));
    expect(f1).not.toBe(f2);
  });
});

describe('text report', () => {
  it('groups by file, lists skipped files and totals; no colour unless asked', () => {
    const text = renderText(
      report([finding(), finding({ file: 'b.yaml', severity: 'warning', rule: 'latest-tag', line: 2 })]),
      {
        color: false,
      },
    );
    expect(text).not.toContain('\u001b[');
    expect(text).toContain(
      'k8s/app.yaml\n  12:18    error   Tag "1.0-dirty" was built from a dirty tree [dirty-tag]',
    );
    expect(text).toContain('charts/x/templates/d.yaml: Helm template; rendering comes later');
    expect(text).toContain('1 error(s), 1 warning(s), 0 notice(s).');
    expect(renderText(report([finding()]), { color: true })).toContain('\u001b[31merror');
  });
});
