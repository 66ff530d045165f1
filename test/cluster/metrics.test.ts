/**
 * The metric table, the renderer, the shipped alert rules and the docs must agree: every alert references a
 * metric the renderer emits, with labels it has and enum values that exist.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  GROUPING_LABELS,
  LABEL_VALUES,
  METRICS,
  type MetricDefinition,
  PUSHGATEWAY_METRICS,
  renderMetricsTable,
  STATUS_VALUES,
} from '../../src/cluster/metrics.js';
import { renderMetrics } from '../../src/cluster/publish/metrics-text.js';
import { container, crashingPod, drift, imageCheck, workload } from './publish/issues-fixtures.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const rulesFile = root('deploy/prometheus/alerts.yaml');
const testsFile = root('deploy/prometheus/alerts.test.yaml');

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const groups = (parse(readFileSync(rulesFile, 'utf8')) as { groups: { name: string; rules: Rule[] }[] })
  .groups;
const rules = groups.flatMap((g) => g.rules);
const byName = new Map<string, MetricDefinition>(
  Object.values(METRICS).map((m: MetricDefinition) => [m.name, m]),
);
const pushgatewayMetrics = new Set<string>(PUSHGATEWAY_METRICS);

/** Metric selectors in a PromQL expression: `name` or `name{matchers}` for our prefixes. */
function selectors(
  expr: string,
): { name: string; matchers: { label: string; op: string; value: string }[] }[] {
  const out: { name: string; matchers: { label: string; op: string; value: string }[] }[] = [];
  for (const m of expr.matchAll(/\b((?:k8s|push)_[a-z0-9_]+)(?:\{([^}]*)\})?/g)) {
    const matchers = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map(
      (x) => ({
        label: x[1]!,
        op: x[2]!,
        value: x[3]!,
      }),
    );
    out.push({ name: m[1]!, matchers });
  }
  return out;
}

/** A report that makes every metric of the table appear at least once. */
function everyMetricReport() {
  const crash = crashingPod({
    containers: [
      container({
        ready: false,
        restartCount: 3,
        state: 'waiting',
        waitingReason: 'CrashLoopBackOff',
        lastTerminatedReason: 'OOMKilled',
        lastTerminatedExitCode: 137,
      }),
    ],
  });
  const w = workload({
    pods: [crash],
    drift: [
      drift({ status: 'drifted', tagMoved: true, tagFindings: [{ rule: 'latest-tag', message: 'x' }] }),
    ],
    images: [imageCheck({ status: 'absent' })],
  });
  return {
    workloads: [w],
    pods: [crash],
    complete: false,
    errors: [{ kind: 'pods', namespace: 'secret-ns', message: 'forbidden', httpStatus: 403 }],
  };
}

describe('alert rules (deploy/prometheus/alerts.yaml)', () => {
  it('are well formed: unique names, severity, summary and description', () => {
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const r of rules) {
      expect(r.alert, r.expr).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(['critical', 'warning', 'info']).toContain(r.labels?.severity);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      expect(r.annotations?.description, r.alert).toBeTruthy();
      if (r.for !== undefined) expect(r.for, r.alert).toMatch(/^\d+[smhd]$/);
    }
  });

  it('reference only metrics the renderer emits (or the gateway adds), with declared labels and real values', () => {
    const rendered = renderMetrics(everyMetricReport(), { now: new Date('2026-11-26T00:00:00Z') });
    for (const r of rules) {
      const sels = selectors(r.expr);
      expect(sels.length, `${r.alert} references no k8s-image-check metric`).toBeGreaterThan(0);
      const available = new Set<string>(GROUPING_LABELS);
      for (const s of sels) {
        if (pushgatewayMetrics.has(s.name)) continue;
        const def = byName.get(s.name);
        expect(def, `${r.alert}: unknown metric ${s.name}`).toBeDefined();
        if (!def) continue;
        expect(rendered, `${r.alert}: ${s.name} is never rendered`).toContain(`\n${s.name}`);
        for (const l of def.labels) available.add(l);
        for (const m of s.matchers) {
          expect(
            [...def.labels, ...GROUPING_LABELS],
            `${r.alert}: ${s.name} has no label ${m.label}`,
          ).toContain(m.label);
          const allowed = m.label === 'status' ? STATUS_VALUES[s.name] : LABEL_VALUES[m.label];
          if (!allowed || m.op.startsWith('!')) continue;
          for (const v of m.op === '=~' ? m.value.split('|') : [m.value]) {
            expect(allowed, `${r.alert}: ${m.label}="${v}" is not a value ${s.name} can have`).toContain(v);
          }
        }
      }
      // Labels after an aggregation are limited to its `by (...)` list.
      const by = /\bby\s*\(([^)]*)\)/.exec(r.expr);
      const resultLabels = by ? new Set(by[1]!.split(',').map((x) => x.trim())) : available;
      if (by) for (const l of resultLabels) expect([...available], `${r.alert}: by (${l})`).toContain(l);
      for (const text of Object.values(r.annotations ?? {})) {
        for (const m of text.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) {
          expect([...resultLabels], `${r.alert}: annotation uses $labels.${m[1]}`).toContain(m[1]);
        }
      }
    }
  });

  it('cover images, drift, crash loops, OOM, pull failures and staleness', () => {
    const exprs = rules.map((r) => r.expr).join('\n');
    for (const needle of [
      'absent',
      'drifted',
      'CrashLoopBackOff',
      'OOMKilled',
      'ImagePullBackOff',
      METRICS.lastSuccess.name,
    ]) {
      expect(exprs).toContain(needle);
    }
  });

  it('each have a promtool unit test that fires them (deploy/prometheus/alerts.test.yaml)', () => {
    const tests = parse(readFileSync(testsFile, 'utf8')) as {
      rule_files: string[];
      tests: {
        alert_rule_test: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
      }[];
    };
    expect(tests.rule_files).toEqual(['alerts.yaml']);
    const fired = new Map<string, Set<string>>();
    for (const t of tests.tests)
      for (const c of t.alert_rule_test)
        for (const a of c.exp_alerts) {
          const set = fired.get(c.alertname) ?? new Set<string>();
          set.add(a.exp_labels.severity ?? '');
          fired.set(c.alertname, set);
        }
    for (const r of rules) {
      const name = r.alert ?? '';
      expect(fired.has(name), `${name} has no firing promtool case`).toBe(true);
      // The expected severity is the rule's own label: a case written against another severity would hide a
      // rule label overwriting the series' severity (an OOM crash loop paged as a warning).
      expect([...(fired.get(name) ?? [])], name).toEqual([r.labels?.severity]);
    }
  });

  it('rate an OOM crash loop critical, like the pod-health table does', () => {
    const oom = rules.filter((r) => r.expr.includes('OOMKilled'));
    const critical = oom.filter((r) => r.labels?.severity === 'critical');
    expect(critical.map((r) => r.expr)).toEqual([expect.stringContaining('severity="critical"')]);
  });

  // CI installs Debian's prometheus package, so there promtool must be present; elsewhere it is skipped visibly.
  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  const havePromtool = promtool.error === undefined && promtool.status === 0;
  it.runIf(!havePromtool && process.env.CI)('have promtool on CI (Debian package prometheus)', () => {
    expect.fail('promtool is not installed; .ci/run installs the prometheus package');
  });
  it.skipIf(!havePromtool)('pass `promtool check rules`', () => {
    const out = execFileSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });
  it.skipIf(!havePromtool)(
    'pass `promtool test rules` (every alert fires as expected, with its annotations)',
    () => {
      const run = spawnSync('promtool', ['test', 'rules', testsFile], { encoding: 'utf8' });
      expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
      expect(run.status).toBe(0);
    },
  );
});

describe('scrape config example', () => {
  it('scrapes the Pushgateway with honor_labels: true', () => {
    const cfg = parse(readFileSync(root('deploy/prometheus/scrape-config.yaml'), 'utf8')) as {
      scrape_configs: { job_name: string; honor_labels?: boolean }[];
    };
    expect(cfg.scrape_configs).toEqual([
      expect.objectContaining({ job_name: 'pushgateway', honor_labels: true }),
    ]);
  });
});

describe('metric table', () => {
  it('is rendered completely: every metric appears for a report that has every kind of finding', () => {
    const rendered = renderMetrics(everyMetricReport(), { now: new Date('2026-11-26T00:00:00Z') });
    for (const def of Object.values(METRICS) as MetricDefinition[]) {
      expect(rendered, def.name).toContain(`# TYPE ${def.name} gauge\n`);
    }
  });

  it('never uses a free-text label', () => {
    const labels = new Set((Object.values(METRICS) as MetricDefinition[]).flatMap((m) => m.labels));
    for (const banned of ['message', 'reason_message', 'description', 'cluster', 'job', 'instance'])
      expect(labels).not.toContain(banned);
  });

  it('matches the table in deploy/prometheus/README.md', () => {
    const file = root('deploy/prometheus/README.md');
    const doc = readFileSync(file, 'utf8');
    const start = '<!-- metrics-table:start -->\n';
    const end = '<!-- metrics-table:end -->';
    const i = doc.indexOf(start);
    const j = doc.indexOf(end);
    expect(i).toBeGreaterThanOrEqual(0);
    const current = doc.slice(i + start.length, j);
    if (process.env.UPDATE_FIXTURES && current !== renderMetricsTable()) {
      writeFileSync(file, doc.slice(0, i + start.length) + renderMetricsTable() + doc.slice(j));
      return;
    }
    expect(current).toBe(renderMetricsTable());
  });
});
