/**
 * Cluster mode end to end through the bundle: `dist/action/index.js` with `mode: cluster`, a kubeconfig
 * input (text, masked) for a fake Kubernetes API over HTTPS, the fake GitHub API for issues and a real
 * Pushgateway. Several runs prove the lifecycle: open once, never duplicate, and change nothing when the
 * cluster cannot be listed.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarker } from '../../src/cluster/publish/issue-marker.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';
import { dumpObjects, type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { hasPushgateway, type Pushgateway, startPushgateway } from '../helpers/pushgateway.js';
import { parseOutputs } from '../helpers/runner-files.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bundle = process.env.K8S_IMAGE_CHECK_ACTION_BUNDLE ?? join(repoRoot, 'dist/action/index.js');
const PG_PASSWORD = 'pg-secret-e2e-0000';
/** Issues opened per run (small, so that the capped second run is visible). */
const CAP = 3;

interface RunResult {
  code: number | null;
  stdout: string;
  summary: string;
  outputs: Record<string, string>;
}

describe.skipIf(!hasPushgateway)('action bundle, mode: cluster', () => {
  let kube: FakeKube;
  let github: FakeGitHub;
  let gateway: Pushgateway;
  let dir: string;
  let workspace: string;

  beforeAll(async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run "npm run build" first.`);
    kube = await startFakeKube({ objects: dumpObjects() });
    github = await startFakeGitHub({});
    gateway = await startPushgateway({ auth: { username: 'pusher', password: PG_PASSWORD } });
    dir = mkdtempSync(join(tmpdir(), 'kic-cluster-e2e-'));
    workspace = join(dir, 'repo');
    cpSync(join(repoRoot, 'fixtures/cluster/manifests'), join(workspace, 'deploy'), { recursive: true });
    writeFileSync(
      join(dir, 'event.json'),
      JSON.stringify({ schedule: '*/30 * * * *', repository: { full_name: 'acme/ops' } }),
    );
  });

  afterAll(async () => {
    await kube?.close();
    await github?.close();
    await gateway?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(inputs: Record<string, string>): Promise<RunResult> {
    const summaryFile = join(dir, `summary-${Date.now()}.md`);
    const outputFile = join(dir, `output-${Date.now()}.txt`);
    writeFileSync(summaryFile, '');
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_REPOSITORY: 'acme/ops',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_RUN_ID: '77',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: github.url,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      'INPUT_GITHUB-TOKEN': 'ghs_clusterE2eToken',
      INPUT_MODE: 'cluster',
      INPUT_MANIFESTS: 'deploy',
      'INPUT_DEFAULT-NAMESPACE': 'shop',
      'INPUT_CLUSTER-NAME': 'prod/eu-1',
      INPUT_OFFLINE: 'true',
      INPUT_NOW: '2026-03-10T12:00:00Z',
      'INPUT_PUSHGATEWAY-URL': gateway.url,
      'INPUT_PUSHGATEWAY-USERNAME': 'pusher',
      'INPUT_PUSHGATEWAY-PASSWORD': PG_PASSWORD,
      'INPUT_FAIL-ON': 'never',
      'INPUT_MAX-ISSUES-PER-RUN': String(CAP),
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    const child = spawn(process.execPath, [bundle], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return {
      code,
      stdout,
      summary: readFileSync(summaryFile, 'utf8'),
      outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    };
  }

  it('opens one issue per unhealthy workload, pushes metrics, and never duplicates on the next run', async () => {
    const kubeconfig = kube.kubeconfig('token');
    const first = await run({ kubeconfig });
    expect(first.code, first.stdout).toBe(0);
    // The kubeconfig text and the gateway password are masked, never printed.
    expect(first.stdout).toContain('::add-mask::');
    const withoutMasks = first.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(withoutMasks).not.toContain(PG_PASSWORD);
    expect(withoutMasks).not.toContain('fake-token');

    const opened = Number(first.outputs['issues-opened']);
    const unhealthy = Number(first.outputs['unhealthy-workloads']);
    expect(unhealthy).toBeGreaterThan(0);
    expect(unhealthy).toBeGreaterThan(CAP);
    expect(opened).toBe(CAP);
    const issues = github.state.issues.filter((i) => i.labels.includes('k8s-image-check'));
    expect(issues).toHaveLength(opened);
    expect(issues.map((i) => parseMarker(i.body)?.cluster)).toEqual(Array(CAP).fill('prod/eu-1'));
    expect(first.summary).toContain('## k8s-image-check: cluster <code>prod/eu-1</code>');
    expect(first.summary).toContain('### Issues for cluster <code>prod/eu-1</code>');

    const groups = await gateway.readMetrics();
    const group = groups.find((g) => g.labels.cluster === 'prod/eu-1');
    expect(group?.labels.job).toBe('k8s-image-check');
    expect(Object.keys(group ?? {})).toContain('k8s_pod_health');
    const pushedAt = group?.push_time_seconds;

    const writesBefore = github.writes().length;
    const second = await run({ kubeconfig });
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs['issues-opened']).toBe(String(Math.min(unhealthy - CAP, CAP)));
    const after = github.state.issues.filter((i) => i.labels.includes('k8s-image-check'));
    const keys = after.map((i) => {
      const m = parseMarker(i.body);
      return m && `${m.namespace}/${m.kind}/${m.name}`;
    });
    expect(keys).not.toContain(null);
    expect(new Set(keys).size).toBe(keys.length);
    expect(github.writes().length).toBeGreaterThan(writesBefore);

    // A run that cannot list the cluster fails and changes nothing.
    const writes = github.writes().length;
    const metricsBefore = JSON.stringify(
      (await gateway.readMetrics()).find((g) => g.labels.cluster === 'prod/eu-1'),
    );
    const broken = await run({ kubeconfig: kube.kubeconfig({ token: 'expired-token' }) });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('Nothing was judged');
    expect(github.writes().length).toBe(writes);
    expect(JSON.stringify((await gateway.readMetrics()).find((g) => g.labels.cluster === 'prod/eu-1'))).toBe(
      metricsBefore,
    );
    expect(pushedAt).toBeDefined();
  });
});
