/**
 * Renders a report as JUnit XML for CI systems that show test reports (GitLab `artifacts:reports:junit`,
 * Jenkins `junit`, Azure Pipelines `PublishTestResults`). It follows the common Ant JUnit schema: one
 * `<testsuite>` per manifest file, one `<testcase>` per image use (classname = file, name = workload,
 * container and image), and a `<failure>` on a use with findings at or above `fail-on`. Findings below
 * `fail-on` are listed in the suite's `<system-out>`, so the test report fails exactly when the exit code does.
 */

import { failsAt } from '../severity.js';
import type { FailOn, Finding, Report, ReportUse } from './model.js';

/** What the renderer cannot know by itself. */
export interface JunitOptions {
  failOn: FailOn;
  /** Run time, written as the suites' `timestamp` (local time without zone, as the schema wants). */
  now: Date;
  /** `hostname` attribute; the schema asks for `localhost` when unknown. */
  hostname?: string;
}

interface Case {
  name: string;
  line: number;
  findings: Finding[];
  skipped: boolean;
}

interface Suite {
  file: string;
  cases: Case[];
}

/**
 * Text as XML character data or attribute value: markup characters as entities, and characters XML 1.0
 * cannot carry (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) as `\uXXXX` text, since any of
 * them makes the whole file unreadable to the CI's parser. LF/CR/tab in attributes become character
 * references so they survive attribute-value normalisation.
 */
export function escapeXml(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function useName(u: ReportUse, ref: string): string {
  const where = [u.kind, [u.namespace, u.name].filter(Boolean).join('/')].filter(Boolean).join(' ');
  const container = u.container ? ` container ${u.container}` : '';
  return `${where}${container}: ${ref} (line ${u.line})`;
}

const key = (file: string | null, line: number | null, image: string | null) => `${file}\0${line}\0${image}`;

/** Groups image uses and findings into suites (files) and cases (uses; findings without a use get their own). */
function suites(report: Report): Suite[] {
  const byFile = new Map<string, Suite>();
  const suiteOf = (file: string) => {
    let s = byFile.get(file);
    if (!s) {
      s = { file, cases: [] };
      byFile.set(file, s);
    }
    return s;
  };
  const caseByKey = new Map<string, Case>();
  for (const img of report.images) {
    const skipped = img.check.status === 'skipped' || img.check.status === 'not_checked';
    for (const u of img.uses) {
      if (caseByKey.has(key(u.file, u.line, img.ref))) continue;
      const c: Case = { name: useName(u, img.ref), line: u.line, findings: [], skipped };
      caseByKey.set(key(u.file, u.line, img.ref), c);
      suiteOf(u.file).cases.push(c);
    }
  }
  for (const f of report.findings) {
    const file = f.file ?? '(no file)';
    let c = caseByKey.get(key(f.file, f.line, f.image));
    if (!c) {
      c = {
        name: `${f.rule}${f.line ? ` (line ${f.line})` : ''}${f.image ? `: ${f.image}` : ''}`,
        line: f.line ?? 0,
        findings: [],
        skipped: false,
      };
      caseByKey.set(key(f.file, f.line, f.image), c);
      suiteOf(file).cases.push(c);
    }
    c.findings.push(f);
  }
  for (const s of byFile.values()) s.cases.sort((a, b) => a.line - b.line);
  return [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

const fails = (f: Finding, failOn: FailOn) => failsAt(f.severity, failOn);

const findingLine = (f: Finding) =>
  `${f.severity} ${f.rule}${f.line ? ` at line ${f.line}` : ''}: ${f.message}`;

function renderCase(
  c: Case,
  classname: string,
  failOn: FailOn,
): { xml: string; failed: boolean; skipped: boolean } {
  const failing = c.findings.filter((f) => fails(f, failOn));
  const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(classname)}" time="0"`;
  if (failing.length) {
    const first = failing[0] as Finding;
    const body = failing.map(findingLine).join('\n');
    return {
      xml: `${open}>\n      <failure message="${escapeXml(first.message)}" type="${escapeXml(first.rule)}">${escapeXml(body)}</failure>\n    </testcase>`,
      failed: true,
      skipped: false,
    };
  }
  if (c.skipped) return { xml: `${open}>\n      <skipped/>\n    </testcase>`, failed: false, skipped: true };
  return { xml: `${open}/>`, failed: false, skipped: false };
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC, without a zone designator (the schema's ISO8601_DATETIME_PATTERN). */
function timestamp(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** Returns the JUnit XML document. */
export function renderJunit(report: Report, options: JunitOptions): string {
  const host = escapeXml(options.hostname || 'localhost');
  const at = timestamp(options.now);
  const out: string[] = [];
  for (const [id, s] of suites(report).entries()) {
    const cases = s.cases.map((c) => renderCase(c, s.file, options.failOn));
    const failed = cases.filter((c) => c.failed).length;
    const skipped = cases.filter((c) => c.skipped).length;
    const below = s.cases.flatMap((c) => c.findings.filter((f) => !fails(f, options.failOn)));
    out.push(
      `  <testsuite name="${escapeXml(s.file)}" package="k8s-image-check" id="${id}" timestamp="${at}" hostname="${host}" tests="${cases.length}" failures="${failed}" errors="0" skipped="${skipped}" time="0">`,
      '    <properties/>',
      ...cases.map((c) => c.xml),
      `    <system-out>${escapeXml(below.map(findingLine).join('\n'))}</system-out>`,
      '    <system-err></system-err>',
      '  </testsuite>',
    );
  }
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>', ...out, '</testsuites>', ''].join('\n');
}
