import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const repo = join(import.meta.dirname, '../..');
const shop = join(repo, 'fixtures/examples/shop');

async function run(
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
) {
  const r = await runCli(argv, { ...opts, cwd: opts.cwd ?? repo });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('k8s-image-check scan', () => {
  it('exits 1 with findings at or above fail-on and 0 below it', async () => {
    expect((await run(['scan', shop, '--offline'])).code).toBe(1);
    expect((await run(['scan', shop, '--offline', '--fail-on', 'never'])).code).toBe(0);
    const clean = await run([
      'scan',
      shop,
      '--offline',
      '--rule',
      'dirty-tag=warning',
      '--rule',
      'invalid-reference=off',
    ]);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain('0 error(s), 3 warning(s)');
  });

  it('accepts the cluster words in --fail-on: critical ≡ error, info ≡ notice', async () => {
    // Only warnings and notices left: `critical` passes like `error`; `info` fails like `notice`.
    const lowered = [
      'scan',
      shop,
      '--offline',
      '--rule',
      'dirty-tag=warning',
      '--rule',
      'invalid-reference=off',
    ];
    const codes = async (failOn: string) => (await run([...lowered, '--fail-on', failOn])).code;
    expect(await codes('critical')).toBe(0);
    expect(await codes('warning')).toBe(1);
    expect(await codes('info')).toBe(1);
    expect(await codes('notice')).toBe(1);
    expect((await run(['scan', shop, '--offline', '--fail-on', 'critical'])).code).toBe(1);
  });

  it('prints a JSON report with schemaVersion 1 and sorted images', async () => {
    const { out, code } = await run(['scan', 'fixtures/examples/shop', '--offline', '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.schemaVersion).toBe(1);
    expect(Object.keys(report)).toEqual(['schemaVersion', 'tool', 'images', 'findings', 'files', 'summary']);
    expect(report.images[0]).toMatchObject({
      ref: 'nginx:latest',
      normalized: 'docker.io/library/nginx:latest',
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: 'latest',
      digest: null,
      check: { status: 'not_checked' },
    });
    expect(report.images[0].uses[0]).toEqual({
      file: 'fixtures/examples/shop/k8s/frontend.yaml',
      line: 22,
      column: 18,
      document: 0,
      kind: 'Deployment',
      namespace: 'shop',
      name: 'frontend',
      container: 'proxy',
      containerType: 'container',
    });
    expect(report.findings[0]).toEqual({
      rule: 'invalid-reference',
      severity: 'error',
      message: expect.stringContaining('must be lowercase'),
      file: 'fixtures/examples/shop/jobs/report.yaml',
      line: 17,
      column: 22,
      // Exclusive end of the image on its line.
      endColumn: 22 + 'ghcr.io/Example/Shop-Upload:1.0'.length,
      image: 'ghcr.io/Example/Shop-Upload:1.0',
    });
  });

  it('writes SARIF and JSON files next to the chosen output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-cli-'));
    const { code } = await run([
      'scan',
      shop,
      '--offline',
      '--format',
      'github',
      '--output',
      join(dir, 'out.txt'),
      '--sarif-file',
      join(dir, 'r.sarif'),
      '--json-file',
      join(dir, 'r.json'),
    ]);
    expect(code).toBe(1);
    const annotations = await readFile(join(dir, 'out.txt'), 'utf8');
    expect(annotations.split('\n').filter((l) => l.startsWith('::'))).toHaveLength(4);
    const sarif = JSON.parse(await readFile(join(dir, 'r.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(4);
    expect(JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')).findings).toHaveLength(4);
  });

  it('reads .k8s-image-check.yaml at the scan root', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-cli-'));
    await writeFile(
      join(dir, 'app.yaml'),
      'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox:latest\n',
    );
    await writeFile(join(dir, '.k8s-image-check.yaml'), 'rules:\n  latest-tag: error\noffline: true\n');
    const { code, out } = await run(['scan', dir]);
    expect(code).toBe(1);
    expect(out).toContain('[latest-tag]');
    expect(out).toMatch(/1 error\(s\)/);
  });

  it('exits 2 with a message naming a bad flag, value, command or path', async () => {
    const bad = await run(['scan', '--fail-on', 'sometimes']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--fail-on must be one of error, critical, warning, notice, info, never');
    const unknown = await run(['scan', '--no-such-flag']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--no-such-flag');
    const cmd = await run(['scna']);
    expect(cmd.code).toBe(2);
    expect(cmd.err).toContain('unknown command "scna"');
    const missing = await run(['scan', 'no/such/dir', '--offline']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no/such/dir');
  });

  it('prints help generated from the schema', async () => {
    const { code, out } = await run(['scan', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('--fail-on <error|critical|warning|notice|info|never> (default: error)');
    expect(out).toContain('--platform <value>');
    expect(out).not.toContain('--kubeconfig');
  });
});

describe('k8s-image-check ref', () => {
  it('dispatches to the ref command with stdin', async () => {
    const { code, out } = await run(['ref', '--json'], { stdin: 'nginx\n\nUpper/Case\n' });
    expect(code).toBe(1);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.valid)).toEqual([true, false, false]);
    expect(lines[0]).toMatchObject({
      registry: 'docker.io',
      repository: 'library/nginx',
      normalized: 'docker.io/library/nginx',
    });
  });
});

describe('the bundled CLI (dist/cli/index.js)', () => {
  it('exits quietly when the reader closes the pipe early', () => {
    const corpus = join(repo, '../shared/corpus');
    const target = existsSync(corpus) ? corpus : shop;
    const res = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${join(repo, 'dist/cli/index.js')}" scan "${target}" --offline --fail-on never | head -c 10 >/dev/null; echo "status=\${PIPESTATUS[0]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(res.stderr).not.toContain('EPIPE');
    expect(res.stdout.trim()).toBe('status=0');
  });

  it('runs on the Node 24 runtime and scans the example', () => {
    const node = process.execPath;
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' });
    expect(version).toMatch(/^v24\./);
    const res = spawnSync(
      node,
      [join(repo, 'dist/cli/index.js'), 'scan', shop, '--offline', '--format', 'json'],
      {
        encoding: 'utf8',
      },
    );
    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout).images).toHaveLength(7);
  });
});

describe('k8s-image-check scan: the repository config file', () => {
  it('ignores its widening keys with a warning, honours them with --trust-config, and writes flag paths anywhere', async () => {
    // The repository sits one level down, so `../pwned.json` stays in this test's own directory.
    const dir = join(await mkdtemp(join(tmpdir(), 'kic-cli-trust-')), 'repo');
    await mkdir(dir);
    await writeFile(join(dir, '.k8s-image-check.yaml'), 'allow-link-local: true\njson-file: ../pwned.json\n');
    await writeFile(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: "nginx:1.27"}\n',
    );
    const plain = await run(['scan', '--offline', '--format', 'json'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.err).toContain(
      'warning: `allow-link-local` in .k8s-image-check.yaml is ignored: settings that widen what the run may reach are only taken from command-line flags and the environment',
    );
    expect(plain.err).toContain('warning: `json-file` in .k8s-image-check.yaml is ignored');
    expect(existsSync(join(dir, '..', 'pwned.json'))).toBe(false);

    const trusted = await run(['scan', '--offline', '--trust-config'], { cwd: dir });
    expect(trusted.err).not.toContain('is ignored');
    expect(existsSync(join(dir, '..', 'pwned.json'))).toBe(true);

    const outside = join(await mkdtemp(join(tmpdir(), 'kic-cli-out-')), 'r.json');
    const flag = await run(['scan', '--offline', '--json-file', outside], { cwd: dir });
    expect(flag.code).toBe(0);
    expect(JSON.parse(await readFile(outside, 'utf8')).schemaVersion).toBe(1);
  });

  it('rejects a dirty pattern RE2 cannot run, naming the flag and the construct (exit 2)', async () => {
    const r = await run(['scan', shop, '--offline', '--dirty-pattern', '(a)\\1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^k8s-image-check: --dirty-pattern: "\(a\)\\\\1" uses backreferences \(\\1\), which the linear-time regular-expression engine \(RE2\) does not support; use an RE2-compatible pattern/,
    );
  });
});
