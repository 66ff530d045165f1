import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFromArgv } from '../../src/config/from-argv.js';
import { settingsFromFileText } from '../../src/config/from-file.js';
import { inputEnvName, secretInputs, settingsFromInputs } from '../../src/config/from-inputs.js';
import { loadActionConfig, loadCliConfig } from '../../src/config/load.js';
import { ConfigError, defaultConfig, resolveConfig } from '../../src/config/resolve.js';
import { OPTIONS } from '../../src/config/schema.js';

describe('config schema', () => {
  it('has unique input names and flags', () => {
    const inputs = OPTIONS.map((o) => o.input);
    const flags = OPTIONS.map((o) => o.flag).filter((f) => f !== null);
    expect(new Set(inputs).size).toBe(inputs.length);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it('documents every option in a sentence', () => {
    for (const o of OPTIONS) expect(o.description, o.input).toMatch(/[.)]$/);
  });

  it('gives defaults that pass their own validation', () => {
    const c = defaultConfig();
    expect(c.failOn).toBe('error');
    expect(c.dirtyPatterns).toEqual(['-dirty$']);
    expect(c.paths).toEqual(['.']);
    expect(resolveConfig([])).toEqual(c);
  });
});

describe('action inputs', () => {
  it('reads INPUT_* variables the way @actions/core names them', () => {
    expect(inputEnvName('fail-on')).toBe('INPUT_FAIL-ON');
    const config = resolveConfig(
      settingsFromInputs({
        'INPUT_FAIL-ON': 'warning',
        INPUT_PATHS: 'k8s\ncharts, deploy',
        INPUT_OFFLINE: 'true',
        INPUT_RULES: 'latest-tag=off\nmutable-tag=error',
        INPUT_MIRRORS: 'docker.io=mirror.example.com',
        'INPUT_MAX-FILE-SIZE': '1000',
        INPUT_EXCLUDE: '',
      }),
    );
    expect(config.failOn).toBe('warning');
    expect(config.paths).toEqual(['k8s', 'charts', 'deploy']);
    expect(config.offline).toBe(true);
    expect(config.rules).toEqual({ 'latest-tag': 'off', 'mutable-tag': 'error' });
    expect(config.mirrors).toEqual({ 'docker.io': 'mirror.example.com' });
    expect(config.maxFileSize).toBe(1000);
    expect(config.exclude).toEqual([]);
  });

  it.each([
    [
      'INPUT_FAIL-ON',
      'sometimes',
      "input 'fail-on' must be one of error, critical, warning, notice, info, never",
    ],
    ['INPUT_OFFLINE', 'yes', "input 'offline' must be true or false"],
    ['INPUT_CONCURRENCY', '0', "input 'concurrency' must be at least 1"],
    ['INPUT_TIMEOUT', 'soon', "input 'timeout' must be a number"],
    ['INPUT_RULES', 'latest-tags=off', 'unknown rule "latest-tags"'],
    ['INPUT_RULES', 'latest-tag=fatal', 'severity of "latest-tag" must be one of'],
    ['INPUT_IGNORE', '(unclosed', `input 'ignore': "(unclosed" is not a valid regular expression`],
    [
      'INPUT_DIRTY-PATTERNS',
      '(unclosed',
      `input 'dirty-patterns': "(unclosed" is not a valid regular expression`,
    ],
    ['INPUT_PLATFORMS', 'amd64', `input 'platforms': "amd64" must look like os/arch`],
    ['INPUT_NOW', 'yesterday', `input 'now': "yesterday" is not an RFC 3339 time`],
    ['INPUT_MIRRORS', 'docker.io', 'must be written as key=value'],
  ])('rejects %s=%s naming the input', (name, value, message) => {
    expect(() => resolveConfig(settingsFromInputs({ [name]: value }))).toThrowError(message);
  });

  it('names a cross-field error as the setting was last spelled: flag, file key, or input', () => {
    const { settings } = settingsFromArgv(['--platform', 'amd64'], 'scan', {});
    expect(() => resolveConfig(settings)).toThrowError(/^--platform: "amd64" must look like os\/arch/);
    expect(() => resolveConfig(settingsFromFileText('ignore: ["(x"]\n', 'cfg.yaml'))).toThrowError(
      /^'ignore' in cfg\.yaml: "\(x" is not a valid regular expression/,
    );
    const later = [
      ...settingsFromFileText('now: never\n', 'cfg.yaml'),
      ...settingsFromArgv(['--now', 'later'], 'cluster', {}).settings,
    ];
    expect(() => resolveConfig(later)).toThrowError(/^--now: "later" is not an RFC 3339 time/);
  });

  it('collects secret inputs for masking', () => {
    expect(
      secretInputs({
        'INPUT_REGISTRY-CREDENTIALS': '{"ghcr.io":{"username":"u","password":"p4ss"}}',
        INPUT_PATHS: 'x',
      }),
    ).toEqual(['{"ghcr.io":{"username":"u","password":"p4ss"}}']);
  });
});

describe('config file', () => {
  it('accepts input names as keys with native YAML types', () => {
    const config = resolveConfig(
      settingsFromFileText(
        'fail-on: warning\nrules:\n  digest-required: error\nmutable-tags: [main, qa]\nplatforms:\n  - linux/amd64\n  - linux/arm64\n',
        '.k8s-image-check.yaml',
      ),
    );
    expect(config.failOn).toBe('warning');
    expect(config.rules).toEqual({ 'digest-required': 'error' });
    expect(config.mutableTags).toEqual(['main', 'qa']);
    expect(config.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('names an unknown key and suggests the close one', () => {
    expect(() => settingsFromFileText('fail_on: error\n', '.k8s-image-check.yaml')).toThrowError(
      "unknown key 'fail_on' in .k8s-image-check.yaml (did you mean 'fail-on'?)",
    );
  });

  it('refuses secrets in the file', () => {
    expect(() => settingsFromFileText('registry-credentials: "{}"\n', 'c.yaml')).toThrowError(
      "'registry-credentials' cannot be set in c.yaml: it is a secret",
    );
  });

  it('reports broken YAML', () => {
    expect(() => settingsFromFileText('fail-on: [\n', 'c.yaml')).toThrowError(/c\.yaml is not valid YAML/);
  });

  it('lets inputs override the file and merges rules key by key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-config-'));
    await writeFile(
      join(dir, '.k8s-image-check.yaml'),
      'fail-on: notice\nrules: { latest-tag: error }\noffline: true\n',
    );
    const { config } = await loadActionConfig(
      { 'INPUT_FAIL-ON': 'never', INPUT_RULES: 'mutable-tag=off' },
      dir,
    );
    expect(config.failOn).toBe('never');
    expect(config.offline).toBe(true);
    expect(config.rules).toEqual({ 'latest-tag': 'error', 'mutable-tag': 'off' });
  });

  it('fails clearly when an explicit config file is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-config-'));
    await expect(loadActionConfig({ 'INPUT_CONFIG-FILE': 'nope.yaml' }, dir)).rejects.toThrowError(
      'config file nope.yaml cannot be read (ENOENT); check the path.',
    );
  });
});

describe('CLI flags', () => {
  it('parses repeatable and negatable flags', () => {
    const { settings, extras } = settingsFromArgv(
      [
        'k8s',
        '--rule',
        'latest-tag=off',
        '--rule',
        'dirty-tag=warning',
        '--no-offline',
        '--fail-on',
        'warning',
      ],
      'scan',
      {},
    );
    const config = resolveConfig(settings);
    expect(extras.positionals).toEqual(['k8s']);
    expect(config.rules).toEqual({ 'latest-tag': 'off', 'dirty-tag': 'warning' });
    expect(config.offline).toBe(false);
    expect(config.failOn).toBe('warning');
  });

  it('rejects an unknown flag with a hint', () => {
    expect(() => settingsFromArgv(['--fial-on', 'x'], 'scan', {})).toThrowError(ConfigError);
    expect(() => settingsFromArgv(['--fial-on', 'x'], 'scan', {})).toThrowError(/--fial-on.*--help/);
  });

  it('says how to pass a value starting with a dash, and never doubles a period', () => {
    expect(() => settingsFromArgv(['--timeout', '-1'], 'scan', {})).toThrowError(
      new ConfigError('--timeout: a value starting with a dash must be written as --timeout=-1.'),
    );
    const messageOf = (argv: string[]): string => {
      try {
        settingsFromArgv(argv, 'scan', {});
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
      return '';
    };
    for (const argv of [['--timeout'], ['--offline=yes'], ['--nope']]) {
      const message = messageOf(argv);
      expect(message).toMatch(/\. Run with --help to list the flags\.$/);
      expect(message).not.toContain('..');
      expect(message).not.toContain('\n');
    }
  });

  it('does not accept cluster flags for scan', () => {
    expect(() => settingsFromArgv(['--kubeconfig', 'k'], 'scan', {})).toThrowError(/kubeconfig/);
  });

  it('reads secrets from the environment, not argv', () => {
    const { settings } = settingsFromArgv([], 'scan', { K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS: '{"a":{}}' });
    expect(resolveConfig(settings).registryCredentials).toBe('{"a":{}}');
    expect(() => settingsFromArgv(['--registry-credentials', 'x'], 'scan', {})).toThrowError(
      /registry-credentials/,
    );
  });

  it('scans a directory outside the working directory relative to that directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-root-'));
    const loaded = await loadCliConfig([dir], 'scan', {}, process.cwd());
    expect(loaded.root).toBe(dir);
    expect(loaded.config.paths).toEqual(['.']);
    const inside = await loadCliConfig(['fixtures', 'src'], 'scan', {}, process.cwd());
    expect(inside.root).toBe(process.cwd());
    expect(inside.config.paths).toEqual(['fixtures', 'src']);
  });
});

describe('suggestKey', () => {
  it('suggests near misses only', async () => {
    const { suggestKey } = await import('../../src/config/from-file.js');
    const known = OPTIONS.map((o) => o.input);
    expect(suggestKey('fail_on', known)).toBe('fail-on');
    expect(suggestKey('platfroms', known)).toBe('platforms');
    // An adjacent transposition is one edit.
    expect(suggestKey('ruels', known)).toBe('rules');
    expect(suggestKey('ofline', known)).toBe('offline');
    expect(suggestKey('fial-on', known)).toBe('fail-on');
    expect(suggestKey('foo', known)).toBeNull();
    expect(suggestKey('xyz', known)).toBeNull();
  });
});

describe('files named in settings', () => {
  it('are checked up front, with the setting named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kic-files-'));
    await expect(loadCliConfig(['--ca-file', 'nope.pem', '--offline'], 'scan', {}, dir)).rejects.toThrowError(
      'ca-files (--ca-file): nope.pem cannot be read (ENOENT); check the path.',
    );
    await expect(loadCliConfig(['--json-file', 'no/such/dir/r.json'], 'scan', {}, dir)).rejects.toThrowError(
      'json-file (--json-file): the directory of no/such/dir/r.json does not exist',
    );
    await expect(loadActionConfig({ 'INPUT_HELM-VALUES': 'values-prod.yaml' }, dir)).rejects.toThrowError(
      'helm-values (--helm-values): values-prod.yaml cannot be read (ENOENT)',
    );
    await writeFile(join(dir, 'ca.pem'), 'x');
    await expect(loadCliConfig(['--ca-file', 'ca.pem'], 'scan', {}, dir)).resolves.toBeDefined();
  });
});

describe('regex lists', () => {
  it('split on newlines only, so a regex may hold a comma', () => {
    const config = resolveConfig(
      settingsFromInputs({ INPUT_IGNORE: 'x{1,3}\n^ghcr\\.io/', 'INPUT_DIRTY-PATTERNS': '-dirty$' }),
    );
    expect(config.ignore).toEqual(['x{1,3}', '^ghcr\\.io/']);
    const { settings } = settingsFromArgv(['--ignore', 'a{2,}', '--ignore', 'b'], 'scan', {});
    expect(resolveConfig(settings).ignore).toEqual(['a{2,}', 'b']);
  });
});
