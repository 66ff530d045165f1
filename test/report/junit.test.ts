/**
 * JUnit XML: well-formed (fast-xml-parser's validator), and shaped as the common Ant JUnit schema asks
 * (windyroad JUnit.xsd): `<testsuites>` of `<testsuite>`s carrying name, package, id, timestamp (no zone),
 * hostname, tests, failures, errors and time; each with `<properties>`, its `<testcase>`s (name, classname,
 * time; at most one of skipped/error/failure, failure with a `type`), `<system-out>` and `<system-err>`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/findings.js';
import { escapeXml, renderJunit } from '../../src/report/junit.js';
import type { Finding, Report } from '../../src/report/model.js';
import { finding, reportOf as report } from '../helpers/report-fixtures.js';
import { runCli } from '../helpers/run-cli.js';

type Node = Record<string, unknown>;
/** Checks the schema's structure; returns the parsed suites. */
function checkSchema(xml: string): Node[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: true }).parse(
    xml,
  ) as Node[];
  const root = doc.filter((n) => !('?xml' in n));
  expect(root.map((n) => Object.keys(n).filter((k) => k !== ':@')[0])).toEqual(['testsuites']);
  const suites = (root[0]!.testsuites as Node[]).map((n) => {
    expect(Object.keys(n).filter((k) => k !== ':@')).toEqual(['testsuite']);
    return n;
  });
  for (const [i, s] of suites.entries()) {
    const a = s[':@'] as Record<string, string>;
    for (const attr of [
      'name',
      'package',
      'id',
      'timestamp',
      'hostname',
      'tests',
      'failures',
      'errors',
      'time',
    ])
      expect(a[`@${attr}`], attr).toBeDefined();
    expect(a['@id']).toBe(String(i));
    expect(a['@timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const children = (s.testsuite as Node[]).map((c) => Object.keys(c).filter((k) => k !== ':@')[0]);
    // properties, testcase*, system-out, system-err — in that order.
    expect(children[0]).toBe('properties');
    expect(children.slice(-2)).toEqual(['system-out', 'system-err']);
    const cases = (s.testsuite as Node[]).filter((c) => 'testcase' in c);
    expect(children.slice(1, -2).every((c) => c === 'testcase')).toBe(true);
    expect(a['@tests']).toBe(String(cases.length));
    let failures = 0;
    for (const c of cases) {
      const ca = c[':@'] as Record<string, string>;
      for (const attr of ['name', 'classname', 'time']) expect(ca[`@${attr}`], attr).toBeDefined();
      const results = (c.testcase as Node[]).map((r) => Object.keys(r).filter((k) => k !== ':@')[0]);
      expect(results.length).toBeLessThanOrEqual(1);
      if (results[0] === 'failure') {
        failures++;
        expect(((c.testcase as Node[])[0]![':@'] as Record<string, string>)['@type']).toBeTruthy();
      } else if (results.length) expect(['skipped', 'error']).toContain(results[0]);
    }
    expect(a['@failures']).toBe(String(failures));
  }
  return suites;
}

const now = new Date('2026-12-04T10:11:12.345Z');

describe('JUnit XML', () => {
  it('fails a case for findings at or above fail-on and lists lower ones in system-out', () => {
    const xml = renderJunit(
      report([
        finding(),
        finding({
          rule: 'latest-tag',
          severity: 'warning',
          line: 30,
          image: 'nginx:latest',
          message: 'uses latest',
        }),
      ]),
      { failOn: 'error', now },
    );
    const suites = checkSchema(xml);
    expect(suites).toHaveLength(1);
    expect(xml).toContain('timestamp="2026-12-04T10:11:12"');
    expect(xml).toContain('failures="1"');
    expect(xml).toContain(
      '<failure message="Tag &quot;1.0-dirty&quot; was built from a dirty tree" type="dirty-tag">',
    );
    expect(xml).toMatch(/<system-out>warning latest-tag at line 30: uses latest<\/system-out>/);
    // fail-on warning fails both; never fails none.
    expect(
      renderJunit(report([finding(), finding({ severity: 'warning', rule: 'latest-tag', line: 30 })]), {
        failOn: 'warning',
        now,
      }),
    ).toContain('failures="2"');
    expect(renderJunit(report([finding()]), { failOn: 'never', now })).toContain('failures="0"');
  });

  it('stays well formed for hostile text: markup, quotes, control characters, lone surrogates', () => {
    const hostile = 'a<b>&"\'\u0000\u0007\u001b[31m\ud800]]></failure><x y="';
    const xml = renderJunit(
      report([finding({ file: `k8s/${hostile}.yaml`, message: hostile, image: hostile })]),
      { failOn: 'error', now },
    );
    checkSchema(xml);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(escapeXml('\u0000')).toBe('\\u0000');
    expect(escapeXml('x\ud83d\ude00y')).toBe('x\ud83d\ude00y'); // a valid pair stays
  });

  it('is what `scan --format junit` prints, one suite per file with a case per image use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kic-junit-'));
    const deploy = (name: string, image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;
    writeFileSync(join(dir, 'a.yaml'), deploy('web', 'ghcr.io/acme/web:1.2-dirty'));
    writeFileSync(join(dir, 'b.yaml'), deploy('api', 'ghcr.io/acme/api:1.2.3'));
    const run = await runCli(['scan', '.', '--offline', '--format', 'junit'], { cwd: dir });
    expect(run.code).toBe(1);
    const suites = checkSchema(run.stdout);
    expect(suites.map((s) => (s[':@'] as Record<string, string>)['@name'])).toEqual(['a.yaml', 'b.yaml']);
    expect(run.stdout).toContain(
      'name="Deployment shop/web container app: ghcr.io/acme/web:1.2-dirty (line 11)" classname="a.yaml"',
    );
    expect(run.stdout).toContain('type="dirty-tag"');
    expect(run.stdout).toMatch(
      /<testcase name="Deployment shop\/api container app: ghcr.io\/acme\/api:1.2.3 \(line 11\)" classname="b.yaml" time="0"(\/>|>\s*<skipped\/>)/,
    );
  });
});
