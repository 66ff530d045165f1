/**
 * End to end through the bundle: runs `dist/action/index.js` exactly as the runner does (INPUT_* variables,
 * GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_API_URL → a fake GitHub API on 127.0.0.1)
 * over a copy of `fixtures/github/e2e-repo` whose images live in a fake registry on 127.0.0.1.
 * Set K8S_IMAGE_CHECK_ACTION_BUNDLE to run another bundle (e.g. a fresh `ncc build` of `.build/action-main.js`).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from '../helpers/fake-github.js';
import { type FakeServer, startFakeServer } from '../helpers/fake-server.js';
import { parseOutputs } from '../helpers/runner-files.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bundle = process.env.K8S_IMAGE_CHECK_ACTION_BUNDLE ?? join(repoRoot, 'dist/action/index.js');
const fixtures = join(repoRoot, 'fixtures/github');
const HEAD_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const MERGE_SHA = 'e5bd3914e2e596debea16f433f57875b5b90bcd6';
const REGISTRY_SECRET = 'hunter2-registry-password-e2e';

/** A registry fake: tags `9.*` are absent (404 MANIFEST_UNKNOWN), `private/*` wants credentials, the rest exist. */
async function startFakeRegistry(): Promise<FakeServer> {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${'c'.repeat(64)}`,
      size: 2,
    },
    layers: [],
  });
  const digest = `sha256:${'d'.repeat(64)}`;
  const reg = await startFakeServer();
  const handler = (req: { method: string; params: Record<string, string> }) => {
    const rest = req.params['*'] ?? '';
    if (rest === '') return { status: 200, body: {} };
    const m = /^(.+)\/manifests\/([^/]+)$/.exec(rest);
    if (!m) return { status: 404, body: { errors: [{ code: 'NOT_FOUND', message: 'not found' }] } };
    const [, name, ref] = m;
    if (name!.startsWith('private/'))
      return {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="fake-registry"' },
        body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] },
      };
    if (ref!.startsWith('9.'))
      return {
        status: 404,
        body: { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: ref } }] },
      };
    const headers = {
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
      'docker-content-digest': digest,
      'content-length': String(Buffer.byteLength(manifest)),
    };
    return req.method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, body: manifest };
  };
  reg.route('GET', '/v2/*', handler);
  reg.route('HEAD', '/v2/*', handler);
  return reg;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  workspace: string;
}

const temps: string[] = [];

async function runAction(opts: {
  registry: FakeServer;
  github: FakeGitHub;
  event: string;
  eventName?: string;
  inputs: Record<string, string>;
  /** Extra files the pull request adds to the checkout (path relative to the workspace → text). */
  files?: Record<string, string>;
}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-image-check-e2e-'));
  temps.push(dir);
  const workspace = join(dir, 'repo');
  cpSync(join(fixtures, 'e2e-repo'), workspace, { recursive: true });
  const registryHost = new URL(opts.registry.url).host;
  for (const f of readdirSync(join(workspace, 'deploy'))) {
    const p = join(workspace, 'deploy', f);
    writeFileSync(p, readFileSync(p, 'utf8').replaceAll('REGISTRY', registryHost));
  }
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(workspace, name), text);
  const summaryFile = join(dir, 'step_summary.md');
  const outputFile = join(dir, 'output.txt');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: opts.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: join(fixtures, opts.event),
    GITHUB_REPOSITORY: 'acme-shop/shop-deploy',
    GITHUB_REPOSITORY_OWNER: 'acme-shop',
    GITHUB_SHA: MERGE_SHA,
    GITHUB_REF: 'refs/pull/42/merge',
    GITHUB_RUN_ID: '9001',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: opts.github.url,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': 'ghs_e2eFakeToken0123456789',
  };
  // The registry is plain HTTP on loopback; naming it avoids the TLS probe.
  env['INPUT_PLAIN-HTTP-REGISTRIES'] = registryHost;
  for (const [k, v] of Object.entries(opts.inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [bundle], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    stderr,
    summary: readFileSync(summaryFile, 'utf8'),
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    workspace,
  };
}

describe('action bundle end to end', () => {
  let registry: FakeServer;
  let github: FakeGitHub | undefined;
  beforeAll(async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run "npm run build" first.`);
    registry = await startFakeRegistry();
  });
  afterEach(async () => {
    await github?.close();
    github = undefined;
  });
  afterAll(async () => {
    await registry?.close();
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  });

  const start = async (o: FakeGitHubOptions) => {
    github = await startFakeGitHub(o);
    return github;
  };

  it('same-repo PR: every one of 217 findings is annotated on the head SHA in batches of 50, with summary and outputs', async () => {
    const gh = await start({ secondaryRateLimitOnce: { method: 'PATCH', retryAfter: 1 } });
    const res = await runAction({
      registry,
      github: gh,
      event: 'pull_request.same-repo.json',
      inputs: {
        'fail-on': 'error',
        'json-file': 'k8s-image-check.json',
        'sarif-file': 'k8s-image-check.sarif',
        'registry-credentials': JSON.stringify({
          'registry.acme.internal': { username: 'ci', password: REGISTRY_SECRET },
        }),
      },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1);

    // Check run: created on the PR head (not the merge SHA), 50 annotations per request, completed as failure.
    const writes = gh.writes().filter((w) => w.path.includes('/check-runs'));
    const create = writes[0]!;
    expect(create.method).toBe('POST');
    expect(create.path).toBe('/repos/acme-shop/shop-deploy/check-runs');
    expect(create.body).toMatchObject({ head_sha: HEAD_SHA, name: 'k8s-image-check', status: 'in_progress' });
    expect(JSON.stringify(create.body)).not.toContain(MERGE_SHA);
    expect(gh.state.secondaryRateLimited).toBe(1);
    // One PATCH was answered with the secondary rate limit and sent again.
    const sizes = writes.map(
      (w) => (w.body as { output?: { annotations?: unknown[] } }).output?.annotations?.length,
    );
    expect(sizes).toEqual([50, 50, 50, 50, 50, 17]);
    expect(gh.state.checkRuns).toHaveLength(1);
    const run = gh.state.checkRuns[0]!;
    expect(run).toMatchObject({ headSha: HEAD_SHA, status: 'completed', conclusion: 'failure' });
    expect(run.annotations).toHaveLength(217);
    expect(run.annotations.filter((a) => a.annotation_level === 'failure')).toHaveLength(144);
    expect(run.annotations.filter((a) => a.annotation_level === 'warning')).toHaveLength(73);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        path: 'deploy/00-cart.yaml',
        start_line: 24,
        annotation_level: 'failure',
        title: expect.stringContaining('dirty-tag'),
      }),
    );
    expect(run.output.title).toBe('144 errors, 73 warnings in 313 images');
    expect(run.output.summary!.length).toBeLessThanOrEqual(65535);
    expect(gh.server.unmatched).toEqual([]);

    // Job summary: totals, failing images linked to the head commit, the registry that could not be checked.
    expect(res.summary).toContain('**144 errors, 73 warnings, 0 notices** in 313 images from 25 files.');
    expect(res.summary).toContain(
      `[deploy/00-cart.yaml:24](https://github.com/acme-shop/shop-deploy/blob/${HEAD_SHA}/deploy/00-cart.yaml#L24)`,
    );
    expect(res.summary).toContain(`[check run](https://github.com/acme-shop/shop-deploy/runs/${run.id})`);
    expect(res.summary).toMatch(
      /\| <code>127\.0\.0\.1:\d+<\/code> \| <code>authentication\\_failure<\/code> \| 1 \|/,
    );
    expect(res.summary).not.toContain('[!WARNING]');

    // Outputs.
    expect(res.outputs).toMatchObject({
      errors: '144',
      warnings: '73',
      notices: '0',
      images: '313',
      'status-available': '240',
      'status-absent': '72',
      'status-authentication-failure': '1',
      'status-skipped': '0',
      'json-file': 'k8s-image-check.json',
      'sarif-file': 'k8s-image-check.sarif',
      conclusion: 'failure',
      'check-run-url': `https://github.com/acme-shop/shop-deploy/runs/${run.id}`,
    });

    // Report files, ready for upload-sarif.
    const json = JSON.parse(readFileSync(join(res.workspace, 'k8s-image-check.json'), 'utf8'));
    expect(json.findings).toHaveLength(217);
    const sarif = JSON.parse(readFileSync(join(res.workspace, 'k8s-image-check.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(217);

    // Fail per fail-on, and no workflow-command annotations when the check run carries them.
    expect(res.stdout).toContain(
      "::error::k8s-image-check found 144 error(s), 73 warning(s) and 0 notice(s); fail-on is 'error'.",
    );
    expect(res.stdout.match(/^::(warning|notice) file=/gm)).toBeNull();

    // Secrets: masked for the runner, never printed or written anywhere else.
    expect(res.stdout).toContain(`::add-mask::${REGISTRY_SECRET}`);
    expect(res.stdout).toContain('::add-mask::ghs_e2eFakeToken0123456789');
    const unmasked = res.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(unmasked.join('\n')).not.toContain(REGISTRY_SECRET);
    expect(
      res.summary + JSON.stringify(res.outputs) + JSON.stringify(gh.server.requests.map((r) => r.body)),
    ).not.toContain(REGISTRY_SECRET);
  });

  it('fork PR: falls back to workflow annotations (10 per level), says why once, skips the private registry', async () => {
    const gh = await start({ readOnlyToken: true });
    const res = await runAction({
      registry,
      github: gh,
      event: 'pull_request.fork.json',
      inputs: { 'fail-on': 'never', 'json-file': 'report.json' },
    });
    expect(res.code).toBe(0);
    // One attempt, refused; nothing else written.
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /repos/acme-shop/shop-deploy/check-runs',
    ]);
    expect(gh.state.checkRuns).toHaveLength(0);

    expect(res.stdout.match(/^::error file=/gm)).toHaveLength(10);
    expect(res.stdout.match(/^::warning file=/gm)).toHaveLength(10);
    expect(res.stdout.match(/^::notice file=/gm)).toHaveLength(1);
    // Every finding is still in the log (the text report).
    expect(res.stdout.match(/^ {2}\d+:\d+ +error +.*\[(dirty-tag|image-absent)\]$/gm)).toHaveLength(144);
    expect(res.stdout.match(/^ {2}\d+:\d+ +warning +.*\[latest-tag\]$/gm)).toHaveLength(72);
    const why = res.stdout.split('\n').filter((l) => l.includes('instead of a check run'));
    expect(why).toHaveLength(1);
    expect(why[0]).toContain('Resource not accessible by integration');
    expect(why[0]).toContain(
      'Only the first 10 annotations of each level show on the pull request page; 196 more finding(s) are in this summary and the log.',
    );
    expect(res.stdout).not.toMatch(/^::error::/m);

    expect(res.summary).toContain('> [!WARNING]');
    expect(res.summary).toContain('instead of a check run');
    expect(res.summary).toMatch(
      /\| <code>127\.0\.0\.1:\d+<\/code> \| <code>skipped<\/code> \| 1 \| fork pull request: secrets are not available \|/,
    );

    const json = JSON.parse(readFileSync(join(res.workspace, 'report.json'), 'utf8'));

    const priv = json.images.find((i: { ref: string }) => i.ref.includes('/private/billing'));
    expect(priv.check).toMatchObject({
      status: 'skipped',
      reason: 'fork pull request: secrets are not available',
    });
    expect(res.outputs).toMatchObject({
      errors: '144',
      warnings: '72',
      notices: '1',
      'status-skipped': '1',
      'status-authentication-failure': '0',
      'check-run-url': '',
      conclusion: 'success',
    });
  });

  it('hostile config file: widening keys are ignored with one warning each; inputs still rule', async () => {
    const gh = await start({ readOnlyToken: true });
    const res = await runAction({
      registry,
      github: gh,
      event: 'pull_request.fork.json',
      inputs: { 'fail-on': 'never', 'json-file': 'report.json' },
      files: {
        '.k8s-image-check.yaml': [
          'allow-link-local: true',
          'insecure-registries: [169.254.169.254]',
          'json-file: ../../pwned.json',
          'sarif-file: /tmp/k8s-image-check-pwned.sarif',
          'dirty-patterns: ["^(a+)+$", "-dirty$"]',
          '',
        ].join('\n'),
        'deploy/zz-metadata.yaml': [
          'apiVersion: v1',
          'kind: Pod',
          'metadata: {name: meta}',
          'spec:',
          '  containers:',
          `    - {name: a, image: "169.254.169.254/latest/meta-data:${'a'.repeat(100)}b"}`,
          '',
        ].join('\n'),
      },
    });
    expect(res.code).toBe(0);
    const warnings = res.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
    for (const key of ['allow-link-local', 'insecure-registries', 'json-file', 'sarif-file'])
      expect(
        warnings.filter((w) => w.startsWith(`::warning::\`${key}\` in .k8s-image-check.yaml is ignored: `)),
      ).toHaveLength(1);
    expect(warnings.join('\n')).toContain("set it in the workflow's `with:`");
    // The input's json-file is written; the file's paths are not.
    const json = JSON.parse(readFileSync(join(res.workspace, 'report.json'), 'utf8'));
    expect(existsSync(join(res.workspace, '..', '..', 'pwned.json'))).toBe(false);
    expect(existsSync('/tmp/k8s-image-check-pwned.sarif')).toBe(false);
    // The metadata address stays refused, and the catastrophic dirty pattern ran (no dirty match).
    const meta = json.images.find((i: { ref: string }) => i.ref.startsWith('169.254.169.254/'));
    expect(meta.check.status).toBe('skipped');
    expect(meta.check.reason).toMatch(/allow-link-local/);
    expect(res.outputs['json-file']).toBe('report.json');
  });

  it('only-changed: reports the PR files only, while every image is still checked once', async () => {
    const gh = await start({
      prFiles: { 42: ['deploy/00-cart.yaml', 'deploy/private.yaml', 'docs/runbook.md'] },
    });
    const before = registry.requests.length;
    const res = await runAction({
      registry,
      github: gh,
      event: 'pull_request.same-repo.json',
      inputs: { 'only-changed': 'true', 'fail-on': 'error' },
    });
    expect(res.code).toBe(1);
    const files = gh.server.requests.filter((r) => r.path === '/repos/acme-shop/shop-deploy/pulls/42/files');
    expect(files).toHaveLength(1);
    expect(files[0]!.query.get('per_page')).toBe('100');
    const run = gh.state.checkRuns[0]!;
    expect(new Set(run.annotations.map((a) => a.path))).toEqual(
      new Set(['deploy/00-cart.yaml', 'deploy/private.yaml']),
    );
    expect(run.annotations).toHaveLength(10);
    expect(res.outputs).toMatchObject({ errors: '6', warnings: '4', images: '14' });
    // Images in unchanged files were still checked (deduplicated across every file).
    const asked = registry.requests.slice(before).map((r) => r.path);
    expect(asked.some((p) => p.includes('/shop/search-'))).toBe(true);
  });
});
