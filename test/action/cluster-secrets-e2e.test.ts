/**
 * Cluster mode through the action bundle with pod messages that quote credentials: the kubeconfig's own
 * token, the GitHub token, and a registry password in URL userinfo nobody registered. None may reach the
 * log (the cluster report), the job summary, the JSON report or any request body sent to the fake GitHub
 * API (issues).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';
import { dumpItems, dumpObjects, type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { findLeakedSecrets } from '../helpers/secret-scan.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bundle = process.env.K8S_IMAGE_CHECK_ACTION_BUNDLE ?? join(repoRoot, 'dist/action/index.js');
const KUBE_TOKEN = 'kube-bearer-token-e2e-5150';
const GITHUB_TOKEN = 'ghs_clusterSecretsToken42';
const URL_PASSWORD = 'podmsg-userinfo-pass-77';

type Pod = {
  metadata: { name: string };
  status?: { containerStatuses?: { state?: { waiting?: { message?: string } } }[] };
};

/** The fixture pods, with one waiting message quoting three credentials. */
function podsWithSecrets(): Pod[] {
  const pods = structuredClone(dumpItems<Pod>('pods.json'));
  const target = pods.find((p) => p.metadata.name === 'api-5d7f9b8c6d-c7f8g');
  const waiting = target?.status?.containerStatuses?.[0]?.state?.waiting;
  if (!waiting) throw new Error('fixture pod api-5d7f9b8c6d-c7f8g has no waiting state');
  waiting.message = `pull from https://ci:${URL_PASSWORD}@registry.example.com/v2/ failed; sent Authorization: Bearer ${KUBE_TOKEN} and ${GITHUB_TOKEN}`;
  return pods;
}

describe('action bundle, mode: cluster: pod messages quoting secrets', () => {
  let kube: FakeKube;
  let github: FakeGitHub;
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run "npm run build" first.`);
    kube = await startFakeKube({ objects: dumpObjects({ pods: podsWithSecrets() }), tokens: [KUBE_TOKEN] });
    github = await startFakeGitHub({});
    dir = mkdtempSync(join(tmpdir(), 'kic-cluster-secrets-'));
    cpSync(join(repoRoot, 'fixtures/cluster/manifests'), join(dir, 'repo', 'deploy'), { recursive: true });
    writeFileSync(join(dir, 'event.json'), JSON.stringify({ schedule: '*/30 * * * *' }));
  });
  afterAll(async () => {
    await kube?.close();
    await github?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('redacts them in the log, the job summary, the JSON report and the issue payloads', async () => {
    const summaryFile = join(dir, 'summary.md');
    writeFileSync(summaryFile, '');
    writeFileSync(join(dir, 'output.txt'), '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: join(dir, 'repo'),
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_REPOSITORY: 'acme/ops',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_RUN_ID: '78',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: github.url,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: join(dir, 'output.txt'),
      'INPUT_GITHUB-TOKEN': GITHUB_TOKEN,
      INPUT_MODE: 'cluster',
      INPUT_MANIFESTS: 'deploy',
      'INPUT_DEFAULT-NAMESPACE': 'shop',
      'INPUT_CLUSTER-NAME': 'prod/eu-1',
      INPUT_OFFLINE: 'true',
      INPUT_NOW: '2026-03-10T12:00:00Z',
      'INPUT_FAIL-ON': 'never',
      'INPUT_JSON-FILE': 'cluster.json',
      INPUT_KUBECONFIG: kube.kubeconfig({ token: KUBE_TOKEN }),
    };
    const child = spawn(process.execPath, [bundle], {
      cwd: env.GITHUB_WORKSPACE,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stdout).toBe(0);
    const summary = readFileSync(summaryFile, 'utf8');
    // The pod message is in the log and the summary, redacted rather than dropped.
    expect(stdout).toContain('pull from https://***@registry.example.com/v2/ failed');
    expect(summary).toContain('pull from https://***@registry.example.com/v2/ failed');
    expect(github.state.issues.length).toBeGreaterThan(0);
    const unmasked = stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    const leaks = findLeakedSecrets(
      [
        unmasked,
        stderr,
        summary,
        readFileSync(join(dir, 'repo', 'cluster.json'), 'utf8'),
        ...github.server.requests.map((r) => r.rawBody),
      ],
      [
        { label: 'kube token', value: KUBE_TOKEN },
        { label: 'github token', value: GITHUB_TOKEN },
        { label: 'userinfo password', value: URL_PASSWORD, username: 'ci' },
      ],
    );
    expect(leaks).toEqual([]);
    // The kubeconfig's token was learned from the kubeconfig and masked for the runner.
    expect(stdout).toContain(`::add-mask::${KUBE_TOKEN}`);
  }, 120_000);
});
