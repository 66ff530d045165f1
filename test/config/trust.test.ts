/**
 * The trust boundary: the repository's config file (attacker-controlled in a pull request) may narrow
 * the run, never widen what it may reach; output files stay inside the workspace or RUNNER_TEMP.
 */
import { chmod, mkdir, mkdtemp, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFromFileText } from '../../src/config/from-file.js';
import { loadActionConfig, loadCliConfig } from '../../src/config/load.js';
import { writeOutputFile } from '../../src/config/output-file.js';
import { ConfigError, resolveConfig } from '../../src/config/resolve.js';
import { fileTrustOf, OPTIONS } from '../../src/config/schema.js';
import { applyFileTrust } from '../../src/config/trust.js';

async function workspace(config?: string): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'kic-trust-')));
  const ws = join(dir, 'repo');
  await mkdir(ws);
  if (config !== undefined) await writeFile(join(ws, '.k8s-image-check.yaml'), config);
  return ws;
}

const WIDENING = [
  'allow-link-local: true',
  'insecure-registries: [evil.example.com]',
  'plain-http-registries: [evil.example.com]',
  'mirrors: {docker.io: evil.example.com}',
  'ca-files: [/tmp/evil-ca.pem]',
  'docker-config: /home/runner/.docker/config.json',
  'pull-secrets-file: /etc/secrets.yaml',
  'json-file: /etc/x',
  'sarif-file: ../../x',
  'kubeconfig-file: /home/runner/.kube/config',
  'pushgateway-url: http://169.254.169.254/',
  'mode: cluster',
  'github-token: ghp_attacker',
  'timeout: 3600',
  'retries: 100',
  'concurrency: 10000',
  'max-file-size: 999999999999',
];

describe('config-file trust boundary (action)', () => {
  it('ignores every widening key, one warning each naming the key and the file, and keeps defaults', async () => {
    const ws = await workspace(`${WIDENING.join('\n')}\nfail-on: warning\n`);
    const loaded = await loadActionConfig({ GITHUB_WORKSPACE: ws }, ws);
    const c = loaded.config;
    expect([c.allowLinkLocal, c.insecureRegistries, c.plainHttpRegistries, c.mirrors, c.caFiles]).toEqual([
      false,
      [],
      [],
      {},
      [],
    ]);
    expect([
      c.jsonFile,
      c.sarifFile,
      c.dockerConfig,
      c.pullSecretsFile,
      c.kubeconfig,
      c.pushgatewayUrl,
    ]).toEqual([null, null, null, null, null, null]);
    expect([c.mode, c.githubToken, c.timeout, c.retries, c.concurrency, c.maxFileSize]).toEqual([
      'pr',
      null,
      15,
      3,
      32,
      5_000_000,
    ]);
    // A narrowing key from the same file is honoured.
    expect(c.failOn).toBe('warning');
    expect(loaded.warnings).toHaveLength(WIDENING.length);
    expect(loaded.warnings[0]).toBe(
      "`allow-link-local` in .k8s-image-check.yaml is ignored: settings that widen what the run may reach are only taken from workflow inputs; set it in the workflow's `with:`.",
    );
    expect(loaded.warnings).toContain(
      "`timeout: 3600` in .k8s-image-check.yaml is ignored (the config file may only lower it from 15): settings that widen what the run may reach are only taken from workflow inputs; set it in the workflow's `with:`.",
    );
    for (const [i, line] of WIDENING.entries())
      expect(loaded.warnings[i]).toMatch(new RegExp(`^\`${line.split(':')[0]}[:\`]`));
    // The warning never repeats the file's value for keys that name hosts, paths or credentials.
    expect(loaded.warnings.join('\n')).not.toMatch(/evil|ghp_attacker|\/etc/);
  });

  it('still honours the same settings from workflow inputs', async () => {
    const ws = await workspace('allow-link-local: true\ninsecure-registries: [a.example.com]\n');
    const loaded = await loadActionConfig(
      {
        'INPUT_ALLOW-LINK-LOCAL': 'true',
        'INPUT_INSECURE-REGISTRIES': 'b.example.com',
        'INPUT_JSON-FILE': 'report.json',
        INPUT_TIMEOUT: '60',
      },
      ws,
    );
    expect(loaded.config).toMatchObject({
      allowLinkLocal: true,
      insecureRegistries: ['b.example.com'],
      jsonFile: 'report.json',
      timeout: 60,
    });
  });

  it('lets the file narrow: lower bounds, the default of a boolean, an allow-list', async () => {
    const ws = await workspace(
      'allow-link-local: false\ntimeout: 5\nretries: 0\nallowed-registries: [ghcr.io]\ndirty-patterns: ["-wip$"]\n',
    );
    const loaded = await loadActionConfig({}, ws);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config).toMatchObject({
      allowLinkLocal: false,
      timeout: 5,
      retries: 0,
      allowedRegistries: ['ghcr.io'],
      dirtyPatterns: ['-wip$'],
    });
  });

  it('rejects a malformed narrow-only value from the file like any other setting', () => {
    const settings = settingsFromFileText('timeout: soon\n', 'c.yaml');
    expect(() => applyFileTrust(settings, { context: 'action', trustFile: false })).toThrowError(
      "'timeout' in c.yaml must be a number",
    );
  });
});

describe('config-file trust boundary (CLI)', () => {
  it('applies the same boundary to the repository file and says how to trust it', async () => {
    const ws = await workspace('allow-link-local: true\njson-file: ../../x.json\n');
    const loaded = await loadCliConfig([], 'scan', {}, ws);
    expect([loaded.config.allowLinkLocal, loaded.config.jsonFile]).toEqual([false, null]);
    expect(loaded.warnings[0]).toBe(
      '`allow-link-local` in .k8s-image-check.yaml is ignored: settings that widen what the run may reach are only taken from command-line flags and the environment (the config file belongs to the repository); pass --allow-link-local, or pass --trust-config to trust this file.',
    );
  });

  it('honours the whole file with --trust-config, and the operator’s own flags anywhere', async () => {
    const ws = await workspace('allow-link-local: true\ninsecure-registries: [a.example.com]\n');
    const trusted = await loadCliConfig(['--trust-config'], 'scan', {}, ws);
    expect([trusted.warnings, trusted.config.allowLinkLocal, trusted.config.insecureRegistries]).toEqual([
      [],
      true,
      ['a.example.com'],
    ]);
    const outside = join(ws, '..', 'out.json');
    const flags = await loadCliConfig(['--allow-link-local', '--json-file', outside], 'scan', {}, ws);
    expect([flags.config.allowLinkLocal, flags.config.jsonFile, flags.outputRoots]).toEqual([
      true,
      outside,
      null,
    ]);
  });
});

describe('the schema table declares the boundary', () => {
  it('keeps hosts, TLS trust, credentials, cluster access and output paths out of the file', () => {
    const inFile = (input: string) => {
      const o = OPTIONS.find((x) => x.input === input)!;
      return o.notInFile ? 'no' : fileTrustOf(o);
    };
    for (const input of [
      'mode',
      'json-file',
      'sarif-file',
      'output',
      'docker-config',
      'pull-secrets-file',
      'ca-files',
      'insecure-registries',
      'plain-http-registries',
      'mirrors',
      'registry-credentials',
      'github-token',
      'kubeconfig-file',
      'kubeconfig',
      'context',
      'pods-file',
      'objects-file',
      'pushgateway-url',
      'pushgateway-username',
      'pushgateway-password',
    ])
      expect([input, inFile(input)]).not.toEqual([input, 'allowed']);
    for (const input of ['allow-link-local', 'allowed-registries', 'timeout', 'retries', 'use-pull-secrets'])
      expect([input, inFile(input)]).toEqual([input, 'narrow-only']);
    // Narrow-only numbers are bounds that only shrink the run when lowered.
    for (const o of OPTIONS.filter((x) => fileTrustOf(x) === 'narrow-only'))
      expect(['boolean', 'number', 'list'], o.input).toContain(o.type);
  });
});

describe('output paths (action)', () => {
  it.each([
    ['/etc/x', 'is outside the workspace'],
    ['../../x', 'is outside the workspace'],
  ])('refuses json-file %s naming the setting', async (given, why) => {
    const ws = await workspace();
    await expect(loadActionConfig({ 'INPUT_JSON-FILE': given }, ws)).rejects.toThrowError(
      new ConfigError(
        `json-file: ${given} ${why}; write the report to a path inside the workspace or $RUNNER_TEMP (${ws}).`,
      ),
    );
  });

  it('accepts RUNNER_TEMP and the workspace', async () => {
    const ws = await workspace();
    const temp = join(ws, '..');
    const env = {
      RUNNER_TEMP: temp,
      'INPUT_JSON-FILE': join(temp, 'r.json'),
      'INPUT_SARIF-FILE': 'out.sarif',
    };
    const loaded = await loadActionConfig(env, ws);
    expect(loaded.outputRoots).toEqual([ws, temp]);
    expect(loaded.config.jsonFile).toBe(join(temp, 'r.json'));
  });

  it('refuses a directory that is a symbolic link out of the workspace', async () => {
    const ws = await workspace();
    const outside = await mkdtemp(join(tmpdir(), 'kic-outside-'));
    await symlink(outside, join(ws, 'reports'));
    await expect(loadActionConfig({ 'INPUT_SARIF-FILE': 'reports/r.sarif' }, ws)).rejects.toThrowError(
      /^sarif-file: reports\/r\.sarif leads through a symbolic link to a directory outside the workspace; /,
    );
  });

  it('refuses a final component that is a symbolic link, even to a file inside', async () => {
    const ws = await workspace();
    await writeFile(join(ws, 'inside.json'), 'keep');
    await symlink('/etc/passwd', join(ws, 'r.json'));
    await symlink(join(ws, 'inside.json'), join(ws, 'r2.json'));
    for (const name of ['r.json', 'r2.json'])
      await expect(
        writeOutputFile({ setting: 'json-file', given: name, base: ws, roots: [ws] }, '{}'),
      ).rejects.toThrowError(`json-file: ${name} is a symbolic link (not followed); `);
    expect(await readFile(join(ws, 'inside.json'), 'utf8')).toBe('keep');
  });

  it('replaces an existing file instead of writing into it (its mode bits are not kept)', async () => {
    const ws = await workspace();
    const target = join(ws, 'r.json');
    await writeFile(target, 'old');
    await chmod(target, 0o4755);
    const written = await writeOutputFile(
      { setting: 'json-file', given: 'r.json', base: ws, roots: [ws] },
      '{}',
    );
    expect(written).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('{}');
    expect((await stat(target)).mode & 0o7777).not.toBe(0o4755);
    expect((await stat(target)).mode & 0o111).toBe(0);
  });
});

describe('regex settings from the file', () => {
  it('rejects an unsupported construct naming the setting, the file and what to do', () => {
    expect(() =>
      resolveConfig(settingsFromFileText('dirty-patterns: ["(?<!v)1$"]\n', 'c.yaml')),
    ).toThrowError(
      /^'dirty-patterns' in c\.yaml: "\(\?<!v\)1\$" uses lookaround .*, which the linear-time regular-expression engine \(RE2\) does not support; use an RE2-compatible pattern/,
    );
    expect(() => resolveConfig(settingsFromFileText('ignore: ["(a)\\\\1"]\n', 'c.yaml'))).toThrowError(
      /^'ignore' in c\.yaml: .* uses backreferences/,
    );
  });

  it('accepts a catastrophic pattern: it is harmless on RE2', () => {
    expect(
      resolveConfig(settingsFromFileText('dirty-patterns: ["^(a+)+$"]\n', 'c.yaml')).dirtyPatterns,
    ).toEqual(['^(a+)+$']);
  });
});

describe('repository paths from the file', () => {
  it('ignores paths, helm-values and manifests entries that leave the repository, keeping the rest', async () => {
    const ws = await workspace(
      'paths: [k8s, /etc, ../other]\nhelm-values: [/etc/passwd, "~/.kube/config"]\nmanifests: [deploy, a/../../b]\n',
    );
    const loaded = await loadActionConfig({}, ws);
    expect([loaded.config.paths, loaded.config.helmValues, loaded.config.manifests]).toEqual([
      ['k8s'],
      [],
      ['deploy'],
    ]);
    expect(loaded.warnings).toEqual([
      '2 path(s) of `paths` in .k8s-image-check.yaml are ignored: they leave the repository, and paths outside it are only taken from workflow inputs.',
      '2 path(s) of `helm-values` in .k8s-image-check.yaml are ignored: they leave the repository, and paths outside it are only taken from workflow inputs.',
      '1 path(s) of `manifests` in .k8s-image-check.yaml are ignored: they leave the repository, and paths outside it are only taken from workflow inputs.',
    ]);
  });
});
