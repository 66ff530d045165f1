/**
 * Secrets end to end through the action bundle in PR mode: a registry that echoes the Authorization header
 * in its 401 and 500 bodies, a credential helper that exits 1 with the secret on stdout, and one that floods
 * stdout. No secret (nor a base64 or percent-encoded form) may reach stdout, stderr, the job summary, the
 * JSON/SARIF reports or any request body the fake GitHub API receives; the flood is a clear message and the
 * run goes on with the other images.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoRegistry } from '../helpers/echo-registry.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';
import type { FakeServer } from '../helpers/fake-server.js';
import { parseOutputs } from '../helpers/runner-files.js';
import { findLeakedSecrets, type SecretToFind } from '../helpers/secret-scan.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bundle = process.env.K8S_IMAGE_CHECK_ACTION_BUNDLE ?? join(repoRoot, 'dist/action/index.js');
const fixtures = join(repoRoot, 'fixtures/github');

const REGISTRY_USER = 'echo-user';
const REGISTRY_PASSWORD = 'echo-registry-pass-31337';
const HELPER_SECRET = 'helper-stdout-secret-4242';
const GITHUB_TOKEN = 'ghs_secretsE2eToken0123456789';

const SECRETS: SecretToFind[] = [
  { label: 'registry password', value: REGISTRY_PASSWORD, username: REGISTRY_USER },
  { label: 'helper secret', value: HELPER_SECRET, username: 'helper-user' },
  { label: 'github token', value: GITHUB_TOKEN },
];

function deployment(name: string, images: string[]): string {
  const containers = images.map((image, i) => `        - name: c${i}\n          image: ${image}`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
${containers}
`;
}

describe('action bundle: secrets never leave through any channel', () => {
  const temps: string[] = [];
  let echo: FakeServer;
  let leaky: FakeServer;
  let flood: FakeServer;
  let github: FakeGitHub;
  beforeAll(async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run "npm run build" first.`);
    [echo, leaky, flood] = await Promise.all([startEchoRegistry(), startEchoRegistry(), startEchoRegistry()]);
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await Promise.all([echo?.close(), leaky?.close(), flood?.close(), github?.close()]);
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  });

  it('PR mode: echoing registry, failing and flooding credential helpers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-image-check-secrets-e2e-'));
    temps.push(dir);
    const host = (s: FakeServer) => new URL(s.url).host;
    const [echoHost, leakyHost, floodHost] = [host(echo), host(leaky), host(flood)];

    const workspace = join(dir, 'repo');
    mkdirSync(join(workspace, 'deploy'), { recursive: true });
    writeFileSync(
      join(workspace, 'deploy', 'app.yaml'),
      deployment('app', [
        `${echoHost}/shop/unauth:1.0`,
        `${echoHost}/shop/broken:1.0`,
        `${echoHost}/shop/failing:1.0`,
        `${echoHost}/shop/ok:1.0`,
        `${leakyHost}/shop/ok:1.0`,
        `${floodHost}/shop/ok:1.0`,
      ]),
    );
    // Credential helpers for two of the registries: one exits 1 with the secret on stdout, one floods.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'docker-credential-leaky'),
      `#!/bin/sh\nread -r s\nprintf '{"ServerURL":"%s","Username":"helper-user","Secret":"${HELPER_SECRET}"}\\n' "$s"\nexit 1\n`,
    );
    writeFileSync(join(bin, 'docker-credential-flood'), '#!/bin/sh\nexec yes SecretSecretSecretSecret\n');
    for (const n of ['leaky', 'flood']) chmodSync(join(bin, `docker-credential-${n}`), 0o755);
    mkdirSync(join(dir, '.docker'));
    writeFileSync(
      join(dir, '.docker', 'config.json'),
      JSON.stringify({ credHelpers: { [leakyHost]: 'leaky', [floodHost]: 'flood' } }),
    );

    const summaryFile = join(dir, 'summary.md');
    const outputFile = join(dir, 'output.txt');
    writeFileSync(summaryFile, '');
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: dir,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(fixtures, 'pull_request.same-repo.json'),
      GITHUB_REPOSITORY: 'acme-shop/shop-deploy',
      GITHUB_REPOSITORY_OWNER: 'acme-shop',
      GITHUB_SHA: 'e5bd3914e2e596debea16f433f57875b5b90bcd6',
      GITHUB_REF: 'refs/pull/42/merge',
      GITHUB_RUN_ID: '9002',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: github.url,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: dir,
      'INPUT_GITHUB-TOKEN': GITHUB_TOKEN,
      'INPUT_PLAIN-HTTP-REGISTRIES': [echoHost, leakyHost, floodHost].join(','),
      'INPUT_REGISTRY-CREDENTIALS': JSON.stringify({
        [echoHost]: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
      }),
      'INPUT_FAIL-ON': 'never',
      'INPUT_JSON-FILE': 'report.json',
      'INPUT_SARIF-FILE': 'report.sarif',
      INPUT_RETRIES: '0',
    };
    const child = spawn(process.execPath, [bundle], {
      cwd: workspace,
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

    // The run finished normally: no crash, no "findings" exit code.
    expect(code, stdout).toBe(0);
    expect(stderr).toBe('');
    // The echoing registry was asked with the credentials, and its echo was redacted (not dropped).
    expect(echo.requests.some((r) => String(r.headers.authorization ?? '').startsWith('Basic '))).toBe(true);
    const json = JSON.parse(readFileSync(join(workspace, 'report.json'), 'utf8')) as {
      images: { ref: string; check: { status: string; message?: string; bodyExcerpt?: string } }[];
    };
    const byRef = new Map(json.images.map((i) => [i.ref, i.check]));
    expect(byRef.get(`${echoHost}/shop/unauth:1.0`)?.status).toBe('authentication_failure');
    expect(byRef.get(`${echoHost}/shop/broken:1.0`)?.message).toContain('you sent Authorization: ***');
    expect(byRef.get(`${echoHost}/shop/failing:1.0`)?.status).toBe('registry_unavailable');
    // Hostile helpers: a clear message each; the other images were still checked.
    expect(stdout).toContain(
      `credential helper docker-credential-flood wrote more than ${1024 * 1024} bytes to stdout; it was stopped`,
    );
    expect(stdout).toContain('docker-credential-leaky get failed (exit 1)');
    expect(byRef.get(`${leakyHost}/shop/ok:1.0`)?.status).toBe('available');
    expect(byRef.get(`${floodHost}/shop/ok:1.0`)?.status).toBe('available');
    expect(byRef.get(`${echoHost}/shop/ok:1.0`)?.status).toBe('available');

    // A check run was published, so its payloads were really sent.
    expect(github.state.checkRuns).toHaveLength(1);
    const unmasked = stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    const outputs = parseOutputs(readFileSync(outputFile, 'utf8'));
    const leaks = findLeakedSecrets(
      [
        unmasked,
        stderr,
        readFileSync(summaryFile, 'utf8'),
        readFileSync(join(workspace, 'report.json'), 'utf8'),
        readFileSync(join(workspace, 'report.sarif'), 'utf8'),
        JSON.stringify(outputs),
        ...github.server.requests.map((r) => r.rawBody),
      ],
      SECRETS,
    );
    expect(leaks).toEqual([]);
    // The runner is told to mask what the run learned.
    expect(stdout).toContain(`::add-mask::${REGISTRY_PASSWORD}`);
    expect(stdout).toContain(
      `::add-mask::${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`,
    );
  }, 120_000);
});
