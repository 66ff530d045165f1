import { afterEach, describe, expect, it } from 'vitest';
import { publishingConfig } from '../../src/commands/drift.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';
import { runCli } from '../helpers/run-cli.js';

const CWD = new URL('../..', import.meta.url).pathname;
const DUMPS = [
  '--pods-file',
  'fixtures/cluster/dump/pods.json',
  '--objects-file',
  'fixtures/cluster/dump/objects.json',
  '--manifests',
  'fixtures/cluster/manifests',
  '--default-namespace',
  'shop',
  '--offline',
  '--format',
  'json',
];

let gh: FakeGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

const run = (args: string[], env: Record<string, string>) => runCli(['drift', ...args], { cwd: CWD, env });

async function github() {
  gh = await startFakeGitHub({ labels: [{ name: 'k8s-image-check', color: '0e8a16' }] });
  return {
    GITHUB_TOKEN: 'ghs_test-token',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: gh.url,
    K8S_IMAGE_CHECK_DEBUG: '1',
  };
}

describe('drift on dumps with a GitHub token in the environment', () => {
  it('asks GitHub nothing without an explicit --issues, and says why in a debug line', async () => {
    const env = await github();
    const { code, stderr } = await run(DUMPS, env);
    expect(code).toBe(1);
    expect(gh!.server.requests).toEqual([]);
    expect(stderr).toContain('unless --issues is given on the command line');
  });

  it('--no-issues after --issues wins', async () => {
    const env = await github();
    await run([...DUMPS, '--issues', '--no-issues'], env);
    expect(gh!.server.requests).toEqual([]);
  });

  // (Real writes go through the throttled client, about a second each: the dry run proves the gate opens.)
  it('--issues --dry-run lists the issues, writes nothing and prints the plan to stderr', async () => {
    const env = await github();
    const { stderr } = await run([...DUMPS, '--issues', '--dry-run', '--cluster-name', 'lab'], env);
    expect(gh!.server.requests.length).toBeGreaterThan(0);
    expect(gh!.writes()).toEqual([]);
    expect(stderr).toContain('dry-run: nothing was written. The issue plan:');
    expect(stderr).toContain('### Issues for cluster <code>lab</code> (dry run: nothing written)');
    expect(stderr).toMatch(/would open/);
    expect(stderr).not.toContain('ghs_test-token');
  });
});

describe('publishingConfig reads where a setting came from, not argv', () => {
  const quiet = { debug: () => {}, info: () => {}, warning: () => {}, debugEnabled: false };
  const dumpConfig = { ...defaultConfig(), podsFile: 'pods.json', pushgatewayUrl: 'http://127.0.0.1:9091' };

  it('keeps issues and the push only when a command-line flag set them', () => {
    const fromFlags = publishingConfig(
      dumpConfig,
      {
        issues: { source: 'flag', label: '--issues' },
        pushgatewayUrl: { source: 'flag', label: '--pushgateway-url' },
      },
      quiet,
    );
    expect(fromFlags).toMatchObject({ issues: true, pushgatewayUrl: 'http://127.0.0.1:9091' });
  });

  it('drops them when they are defaults or come from the config file', () => {
    const fromFile = publishingConfig(
      dumpConfig,
      { pushgatewayUrl: { source: 'file', label: "'pushgateway-url' in .k8s-image-check.yaml" } },
      quiet,
    );
    expect(fromFile).toMatchObject({ issues: false, pushgatewayUrl: null });
  });

  it('leaves a live run alone', () => {
    const live = { ...dumpConfig, podsFile: null };
    expect(publishingConfig(live, {}, quiet)).toBe(live);
  });
});
