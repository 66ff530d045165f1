/**
 * Clear start-up errors of cluster mode (no kubeconfig, dumps passed the wrong way round), an `http://` server
 * in a kubeconfig (kubectl proxy), API servers before 1.21 (batch/v1beta1 CronJobs) and `null` dump items.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/cluster/types.js';
import { dumpItems, type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { runCli } from '../helpers/run-cli.js';
import { liveObjects } from './live.js';

const CWD = join(new URL('../../fixtures/gitops/', import.meta.url).pathname, 'overlays');
const PODS = new URL('../../fixtures/cluster/dump/pods.json', import.meta.url).pathname;
const OBJECTS = new URL('../../fixtures/cluster/dump/objects.json', import.meta.url).pathname;
const COMMON = ['--manifests', 'prod', '--offline', '--now', '2026-03-10T12:00:00Z'];
const LIVE = liveObjects([
  {
    kind: 'CronJob',
    namespace: 'shop-prod',
    name: 'report-prod',
    containers: { report: 'registry.example.com/shop/report:v1' },
  },
]);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-startup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const drift = (args: string[], env: Record<string, string> = {}) =>
  runCli(['drift', ...args, ...COMMON], { cwd: CWD, env });

describe('start-up errors', () => {
  it('without any kubeconfig says where it looked and suggests --pods-file', async () => {
    const { code, stderr, stdout } = await drift([], { HOME: dir, KUBECONFIG: '' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `No kubeconfig found. Looked at --kubeconfig (not given), $KUBECONFIG (unset), ${dir}/.kube/config (not found) and in-cluster (KUBERNETES_SERVICE_HOST is unset).`,
    );
    expect(stderr).toContain('--pods-file pods.json (kubectl get pods -A -o json)');
  });

  it('names a $KUBECONFIG that points nowhere', async () => {
    const { code, stderr } = await drift([], { HOME: dir, KUBECONFIG: join(dir, 'nope') });
    expect(code).toBe(2);
    expect(stderr).toContain(`$KUBECONFIG (${join(dir, 'nope')}: not found)`);
  });

  it('refuses the same file as --pods-file and --objects-file', async () => {
    const { code, stderr } = await drift(['--pods-file', PODS, '--objects-file', PODS]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--pods-file and --objects-file are the same file (${PODS})`);
  });

  it('refuses a pods dump passed as --objects-file', async () => {
    const { code, stderr } = await drift(['--objects-file', PODS]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--objects-file ${PODS} holds only pods; pass it as --pods-file`);
  });

  it('refuses controllers in --pods-file', async () => {
    const { code, stderr } = await drift(['--pods-file', OBJECTS]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--pods-file \S+objects\.json holds \d+ controller\(s\) \(Deployment, /);
  });

  it('skips null items of a dump with a warning instead of a TypeError', async () => {
    const file = join(dir, 'pods-null.json');
    writeFileSync(
      file,
      JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [null, ...dumpItems('pods.json'), 7] }),
    );
    const { code, stdout, stderr } = await drift([
      '--pods-file',
      file,
      '--objects-file',
      OBJECTS,
      '--format',
      'json',
    ]);
    expect(stderr).not.toMatch(/TypeError|at .*\.ts:/);
    expect(code).not.toBe(2);
    const report = JSON.parse(stdout) as DriftReport;
    expect(report.warnings).toContain(
      `${file}: 2 item(s) of items are not objects (null or a scalar, at index 0, ${dumpItems('pods.json').length + 1}); they were skipped.`,
    );
    expect(report.pods).toHaveLength(dumpItems('pods.json').length);
  });
});

describe('API servers', () => {
  let fake: FakeKube;
  let legacy: FakeKube;
  beforeAll(async () => {
    fake = await startFakeKube({ objects: LIVE });
    legacy = await startFakeKube({ objects: LIVE, legacyCronJobs: true });
  });
  afterAll(async () => {
    await fake.close();
    await legacy.close();
  });

  it('an http:// server (kubectl proxy) is used as kubectl uses it', async () => {
    // kubectl proxy: plain HTTP on loopback, authentication done by the proxy (here: the fake's inner server).
    const file = join(dir, 'proxy-kubeconfig');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: proxy\n  cluster:\n    server: ${fake.inner.url}\ncontexts:\n- name: proxy\n  context:\n    cluster: proxy\n    user: none\ncurrent-context: proxy\nusers:\n- name: none\n  user: {}\n`,
    );
    const { code, stdout, stderr } = await drift(['--kubeconfig', file, '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DriftReport;
    expect(report.complete).toBe(true);
    expect(report.drift.find((d) => d.kind === 'CronJob')?.status).toBe('in_sync');
  });

  it('lists batch/v1beta1 CronJobs where batch/v1 is not served, and says so once', async () => {
    const file = join(dir, 'legacy-kubeconfig');
    writeFileSync(file, legacy.kubeconfig('cert'));
    const json = await drift(['--kubeconfig', file, '--format', 'json']);
    const report = JSON.parse(json.stdout) as DriftReport;
    expect(report.drift.find((d) => d.kind === 'CronJob')?.status).toBe('in_sync');
    expect(report.complete).toBe(true);
    const text = await drift(['--kubeconfig', file]);
    const notes = text.stdout.split('\n').filter((l) => l.includes('batch/v1beta1'));
    expect(notes).toEqual([
      `note: ${legacy.url} does not serve batch/v1 CronJobs (Kubernetes before 1.21): CronJobs were listed as batch/v1beta1.`,
    ]);
    expect(text.stderr.match(/batch\/v1beta1/g) ?? []).toHaveLength(0);
    expect(legacy.inner.requests.some((r) => r.path.startsWith('/apis/batch/v1beta1/cronjobs'))).toBe(true);
  });
});

describe('counts', () => {
  it('never says "0 with drift" when drift was not compared', async () => {
    const { stdout } = await drift(['--pods-file', PODS]);
    const headline = stdout.split('\n')[0]!;
    expect(headline).toContain(
      'drift not compared: the workloads (deployments, statefulsets, …) were not listed.',
    );
    expect(headline).not.toMatch(/with drift/);
  });
});

describe('issue plan', () => {
  it('counts pod health apart from drift', async () => {
    const { issuePlanCounts } = await import('../../src/commands/drift.js');
    const fake = await startFakeKube({ objects: liveObjects([]) });
    try {
      const file = join(dir, 'empty-kubeconfig');
      writeFileSync(file, fake.kubeconfig('cert'));
      const { stdout } = await drift(['--kubeconfig', file, '--format', 'json']);
      const report = JSON.parse(stdout) as DriftReport;
      // An empty cluster: both prod workloads only in git, so drift, not pod health.
      expect(report.workloads.filter((w) => w.unhealthy)).toHaveLength(2);
      expect(issuePlanCounts(report)).toBe(
        '2 workload(s) need an issue: 0 for pod health or live images, 2 for drift only.',
      );
    } finally {
      await fake.close();
    }
  });
});
