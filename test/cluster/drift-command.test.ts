import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/cluster/types.js';
import { dumpItems, dumpObjects, type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { runCli } from '../helpers/run-cli.js';

const PODS = dumpItems('pods.json');
const OBJECTS = dumpItems('objects.json');
const of = (kind: string) => OBJECTS.filter((o) => o.kind === kind);
const CWD = new URL('../..', import.meta.url).pathname;

const run = (args: string[]) => runCli(['drift', ...args], { cwd: CWD });

let fake: FakeKube;
let dir: string;
let kubeconfig: string;
beforeAll(async () => {
  fake = await startFakeKube({ objects: dumpObjects({ events: true }) });
  dir = mkdtempSync(join(tmpdir(), 'drift-cmd-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, fake.kubeconfig('cert'));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const COMMON = [
  '--manifests',
  'fixtures/cluster/manifests',
  '--default-namespace',
  'shop',
  '--offline',
  '--now',
  '2026-03-10T12:00:00Z',
];

describe('k8s-image-check drift --kubeconfig K --manifests PATH --format json', () => {
  it('prints the documented JSON shape', async () => {
    const { code, stdout, stderr } = await run(['--kubeconfig', kubeconfig, '--format', 'json', ...COMMON]);
    expect(stderr).toBe('');
    expect(code).toBe(1); // critical workloads, --fail-on error (the default)
    const report = JSON.parse(stdout) as DriftReport;
    expect(report.schemaVersion).toBe(1);
    expect(report.cluster).toBe('fake');
    expect(report.complete).toBe(true);
    expect(report.now).toBe('2026-03-10T12:00:00.000Z');
    for (const d of report.drift)
      expect(Object.keys(d)).toEqual(
        expect.arrayContaining([
          'kind',
          'namespace',
          'name',
          'container',
          'desired',
          'live',
          'status',
          'file',
          'line',
        ]),
      );
    for (const p of report.pods)
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining([
          'namespace',
          'pod',
          'owner',
          'status',
          'class',
          'severity',
          'container',
          'init',
          'reason',
          'exitCode',
          'restarts',
          'message',
        ]),
      );
    expect(report.pods).toHaveLength(44);
    const status = (name: string) => report.drift.filter((d) => d.name === name).map((d) => d.status);
    expect(status('web')).toEqual(['in_sync']);
    expect(status('worker')).toEqual(['drifted']);
    expect(status('api')).toEqual(['rollout_stuck']);
    expect(status('notifications')).toEqual(['missing_in_cluster']);
    expect(status('frontend')).toEqual(['in_sync']); // nginx == docker.io/library/nginx:latest, default namespace
    expect(status('legacy-admin')).toEqual([]); // not_in_git is opt-in
    const worker = report.drift.find((d) => d.name === 'worker')!;
    expect(worker).toMatchObject({
      desired: 'registry.example.com/shop/worker:3.2.0',
      live: 'registry.example.com/shop/worker:3.1.0',
      file: 'fixtures/cluster/manifests/shop.yaml',
      line: 33,
    });
    const oom = report.pods.find((p) => p.pod === 'worker-6c5b8d7f9c-n8d2f')!;
    expect(oom).toMatchObject({
      namespace: 'shop',
      owner: { kind: 'Deployment', name: 'worker' },
      status: 'unhealthy',
      class: 'OOMKilled',
      severity: 'critical',
      container: 'worker',
      init: false,
      reason: 'OOMKilled',
      exitCode: 137,
      restarts: 7,
    });
    // Events refine a SIGKILL crash loop with the failing probe.
    expect(report.pods.find((p) => p.pod === 'worker-6c5b8d7f9c-f4g6h')!.probe).toBe('liveness');
    expect(
      fake.inner.requests.some(
        (r) => r.query.get('fieldSelector') === 'involvedObject.kind=Pod,reason=Unhealthy',
      ),
    ).toBe(true);
    const w = report.workloads.find((x) => x.kind === 'Deployment' && x.name === 'worker')!;
    expect([w.severity, w.unhealthy, w.fingerprint.length]).toEqual(['critical', true, 64]);
  });

  it('treats unreadable events as a note: the run stays complete', async () => {
    const denied = await startFakeKube({
      objects: { pods: PODS.slice(0, 3), deployments: of('Deployment'), replicasets: of('ReplicaSet') },
      forbidden: [{ resource: 'events' }],
    });
    try {
      const file = join(dir, 'kc-no-events');
      writeFileSync(file, denied.kubeconfig('cert'));
      const { stdout } = await run(['--kubeconfig', file, '--format', 'json', ...COMMON]);
      const report = JSON.parse(stdout) as DriftReport;
      expect(report.complete).toBe(true);
      expect(report.warnings?.[0]).toMatch(
        /^Probe details are missing: Forbidden: cannot list events at the cluster scope/,
      );
    } finally {
      await denied.close();
    }
  });

  it('lists the not_in_git workloads when asked', async () => {
    const { stdout } = await run([
      '--kubeconfig',
      kubeconfig,
      '--format',
      'json',
      '--report-not-in-git',
      ...COMMON,
    ]);
    const report = JSON.parse(stdout) as DriftReport;
    expect(
      report.drift.filter((d) => d.status === 'not_in_git').map((d) => `${d.namespace}/${d.kind}/${d.name}`),
    ).toEqual([
      'kube-system/Pod/kube-apiserver-node-a',
      'shop/Deployment/batch-worker',
      'shop/Deployment/legacy-admin',
      'shop/Job/db-migrate',
      'shop/Job/reindex',
      'shop/Pod/debug-shell',
    ]);
    const admin = report.drift.find((d) => d.name === 'legacy-admin')!;
    expect(admin.tagFindings?.map((t) => t.rule)).toEqual(['dirty-tag']);
  });

  it('is deterministic: the same cluster gives the same report', async () => {
    const a = JSON.parse(
      (await run(['--kubeconfig', kubeconfig, '--format', 'json', ...COMMON])).stdout,
    ) as DriftReport;
    const b = JSON.parse(
      (await run(['--kubeconfig', kubeconfig, '--format', 'json', ...COMMON])).stdout,
    ) as DriftReport;
    expect({ ...a, generatedAt: '' }).toEqual({ ...b, generatedAt: '' });
  });

  it('fails with exit 2 and prints nothing when the credentials are refused', async () => {
    const bad = join(dir, 'bad');
    writeFileSync(bad, fake.kubeconfig({ token: 'expired-token-123' }));
    const { code, stdout, stderr } = await run(['--kubeconfig', bad, '--format', 'json', ...COMMON]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('401 Unauthorized');
    expect(stderr).toContain('Nothing was judged');
    expect(stderr).not.toContain('expired-token-123');
  });

  it('classifies a pods dump offline as of its newest timestamp, and says it is incomplete', async () => {
    const { code, stdout, stderr } = await run([
      '--pods-file',
      'fixtures/cluster/dump/pods.json',
      '--manifests',
      'fixtures/cluster/manifests',
      '--offline',
      '--format',
      'json',
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as DriftReport;
    expect(report.now).toBe('2026-03-10T11:59:57.000Z');
    expect(report.complete).toBe(false);
    expect(report.cluster).toBe('offline');
    expect(report.drift).toEqual([]); // controllers were not seen: nothing is called missing
    expect(report.pods).toHaveLength(44);
    expect(stderr).toContain('No --objects-file');
    expect(stderr.split('No --objects-file').length - 1).toBe(1); // one warning, not one per controller kind
  });

  it('accepts the PR words in --fail-on too: a dump whose worst workload is a warning', async () => {
    const all = JSON.parse(
      (await run(['--pods-file', 'fixtures/cluster/dump/pods.json', ...COMMON, '--format', 'json'])).stdout,
    ) as DriftReport;
    const notCritical = new Set(
      all.pods.filter((p) => p.severity !== 'critical').map((p) => `${p.namespace}/${p.pod}`),
    );
    const pods = dumpItems<{ metadata?: { namespace?: string; name?: string } }>('pods.json').filter((p) =>
      notCritical.has(`${p.metadata?.namespace}/${p.metadata?.name}`),
    );
    const file = join(dir, 'warning-pods.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }));
    const args = ['--pods-file', file, ...COMMON, '--format', 'json'];
    const report = JSON.parse((await run(args)).stdout) as DriftReport;
    expect(report.workloads.map((w) => w.severity)).toContain('warning');
    expect(report.workloads.map((w) => w.severity)).not.toContain('critical');
    const code = async (failOn: string) => (await run([...args, '--fail-on', failOn])).code;
    expect(await code('critical')).toBe(0);
    expect(await code('error')).toBe(0);
    expect(await code('warning')).toBe(1);
    expect(await code('notice')).toBe(1);
    expect(await code('never')).toBe(0);
    expect(
      (await run(['--pods-file', 'fixtures/cluster/dump/pods.json', ...COMMON, '--fail-on', 'critical']))
        .code,
    ).toBe(1);
  });

  it('heads a text summary of an unnamed dump as a dump, with the missing-objects warning once', async () => {
    const { stdout } = await run([
      '--pods-file',
      'fixtures/cluster/dump/pods.json',
      '--manifests',
      'fixtures/cluster/manifests',
      '--offline',
    ]);
    expect(stdout).toMatch(/^Dump \(no --cluster-name\) as of 2026-03-10T11:59:57.000Z: /);
    expect(stdout).not.toContain('Cluster offline');
    expect(stdout.split('warning: No --objects-file').length - 1).toBe(1);
  });

  it('prints a text summary by default', async () => {
    const { stdout } = await run(['--kubeconfig', kubeconfig, ...COMMON]);
    expect(stdout).toMatch(/^Cluster fake as of 2026-03-10T12:00:00.000Z: 17 workload\(s\), 44 pod\(s\)/);
    expect(stdout).toContain('CRITICAL Deployment shop/worker');
    expect(stdout).toContain('missing_in_cluster notifications');
  });
});

describe('drift --use-pull-secrets', () => {
  const dockerconfig = (host: string) =>
    Buffer.from(
      JSON.stringify({ auths: { [host]: { auth: Buffer.from('bot:hunter2-pw').toString('base64') } } }),
    ).toString('base64');
  const secret = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'shop' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': dockerconfig('registry.example.com') },
  });
  const sa = (name: string, pullSecrets: string[]) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: 'shop' },
    imagePullSecrets: pullSecrets.map((n) => ({ name: n })),
  });

  async function runWith(forbidden: { resource: string; namespace?: string; verb?: 'get' | 'list' }[]) {
    const cluster = await startFakeKube({
      objects: {
        ...dumpObjects(),
        secrets: [secret('regcred'), secret('sa-cred')],
        serviceaccounts: [sa('api', ['sa-cred']), sa('default', [])],
      },
      forbidden,
    });
    const file = join(dir, `kc-${forbidden.length}`);
    writeFileSync(file, cluster.kubeconfig('cert'));
    const received: string[][] = [];
    const checked: string[][] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d) => (out += d));
    stderr.on('data', (d) => (err += d));
    const { runDriftCommand } = await import('../../src/commands/drift.js');
    const { loadCliConfig } = await import('../../src/config/load.js');
    const args = [
      '--kubeconfig',
      file,
      '--format',
      'json',
      '--use-pull-secrets',
      '--manifests',
      'fixtures/cluster/manifests',
      '--default-namespace',
      'shop',
      '--now',
      '2026-03-10T12:00:00Z',
      '--namespace',
      'shop',
    ];
    const code = await runDriftCommand(
      args,
      { stdout, stderr, env: {}, cwd: CWD },
      {
        scanManifests: async () => [],
        loadConfig: (a) => loadCliConfig(a, 'cluster', {}, CWD),
        createChecker: (_config, _logger, pullSecrets) => {
          received.push((pullSecrets ?? []).map((s) => `${s.namespace}/${s.name}:${s.type}`));
          const keys: string[] = [];
          checked.push(keys);
          return {
            secrets: [],
            checkImages: async (targets) => {
              keys.push(...targets.map((t) => t.key));
              return new Map(targets.map((t) => [t.key, { status: 'available' as const }]));
            },
          };
        },
      },
    );
    await cluster.close();
    return { code, report: JSON.parse(out) as DriftReport, stderr: err, received, checked };
  }

  it("reads the template pull secrets and the service account ones, once each, only for their workload's images", async () => {
    const { report, received, checked } = await runWith([]);
    // One checker per secret set: api's (template + service account), and the node's own for the others.
    expect(received).toEqual([
      ['shop/regcred:kubernetes.io/dockerconfigjson', 'shop/sa-cred:kubernetes.io/dockerconfigjson'],
      [],
    ]);
    const api = report.workloads.find((w) => w.name === 'api')!;
    expect(api.warnings).toEqual([]);
    const apiImages = api.images.map((i) => i.image);
    expect(apiImages.length).toBeGreaterThan(0);
    expect(checked[0]!.sort()).toEqual([...new Set(apiImages)].sort());
    // Workloads without pull secrets are checked without api's secrets.
    const web = report.workloads.find((w) => w.name === 'web')!;
    expect(web.images.length).toBeGreaterThan(0);
    for (const i of web.images) expect(checked[1]).toContain(i.image);
    for (const keys of checked) expect(new Set(keys).size).toBe(keys.length);
  });

  it('turns an RBAC denial on secrets into a warning on the workload, never a crash', async () => {
    const { code, report, received } = await runWith([
      { resource: 'secrets', namespace: 'shop', verb: 'get' },
    ]);
    expect(code).toBe(1); // the run went on and judged the cluster
    expect(received).toEqual([[]]);
    const warnings = report.workloads.find((w) => w.name === 'api')!.warnings;
    expect(warnings.join('\n')).toContain(
      'Pull secret shop/regcred: Forbidden: cannot get secrets in namespace shop',
    );
    expect(warnings.join('\n')).toContain('verbs: ["get"]');
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });
});
