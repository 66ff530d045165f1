/**
 * Notices through the action bundle (`dist/action/index.js`, `mode: cluster`): the `notify-urls` input
 * (a secret, one URL per line) with a real Pushgateway keeping the state and receivers on 127.0.0.1. The
 * first run sends nothing; a crash between runs is sent once, in Slack form; every secret part of the URLs
 * is masked with `::add-mask::` and appears nowhere else in the log.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpItems, dumpObjects, type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { crashingDb, type PodJson } from '../helpers/notify-fixtures.js';
import { hasPushgateway, type Pushgateway, startPushgateway } from '../helpers/pushgateway.js';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bundle = process.env.K8S_IMAGE_CHECK_ACTION_BUNDLE ?? join(repoRoot, 'dist/action/index.js');
const TOKEN = 'slackHookToken0123456789abc';
const FAIL_TOKEN = 'failHookToken9876543210xyz';

describe.skipIf(!hasPushgateway)('action bundle: notices', () => {
  let kube: FakeKube;
  let gateway: Pushgateway;
  let slack: WebhookReceiver;
  let failing: WebhookReceiver;
  let dir: string;
  let workspace: string;

  beforeAll(async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run "npm run build" first.`);
    kube = await startFakeKube({ objects: dumpObjects() });
    gateway = await startPushgateway();
    slack = await startReceiver();
    failing = await startReceiver(() => ({ status: 403 }));
    dir = mkdtempSync(join(tmpdir(), 'kic-notify-e2e-'));
    workspace = join(dir, 'repo');
    cpSync(join(repoRoot, 'fixtures/cluster/manifests'), join(workspace, 'deploy'), { recursive: true });
  });
  afterAll(async () => {
    await kube?.close();
    await gateway?.stop();
    await slack?.close();
    await failing?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(): Promise<{ code: number | null; log: string }> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      INPUT_MODE: 'cluster',
      INPUT_KUBECONFIG: kube.kubeconfig('token'),
      INPUT_MANIFESTS: 'deploy',
      'INPUT_DEFAULT-NAMESPACE': 'shop',
      'INPUT_CLUSTER-NAME': 'prod',
      INPUT_OFFLINE: 'true',
      INPUT_NOW: '2026-03-10T12:00:00Z',
      'INPUT_PUSHGATEWAY-URL': gateway.url,
      'INPUT_FAIL-ON': 'never',
      INPUT_ISSUES: 'false',
      'INPUT_NOTIFY-URLS': `${slack.origin}/services/T0001/B0002/${TOKEN}\n${failing.origin}/hook/${FAIL_TOKEN}\n`,
      'INPUT_NOTIFY-FORMAT': 'slack',
    };
    const child = spawn(process.execPath, [bundle], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => {
      log += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, log };
  }

  it('first run records, a new crash is sent once in Slack form, and the URLs are masked', async () => {
    const first = await run();
    expect(first.code, first.log).toBe(0);
    expect(slack.requests).toEqual([]);

    kube.setObjects('pods', crashingDb(dumpItems<PodJson>('pods.json')));
    const second = await run();
    expect(second.code, second.log).toBe(0);
    expect(slack.requests).toHaveLength(1);
    const message = JSON.parse(slack.requests[0]!.body) as { text: string; blocks: unknown[] };
    expect(message.text).toContain('*Crashed* `H10`');
    expect(message.text).toContain('shop/StatefulSet/db');
    expect(message.blocks.length).toBeGreaterThan(1);
    // The 403 endpoint: one warning naming its host, and the run still succeeds.
    expect(failing.requests).toHaveLength(1);
    expect(second.log).toContain(`::warning::Notices to ${failing.host} failed: HTTP 403`);

    for (const log of [first.log, second.log]) {
      const lines = log.split('\n');
      expect(lines).toContain(`::add-mask::${TOKEN}`);
      expect(lines).toContain(`::add-mask::${FAIL_TOKEN}`);
      const rest = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
      expect(rest).not.toContain(TOKEN);
      expect(rest).not.toContain(FAIL_TOKEN);
    }
  });
});
