/**
 * Notices over several `drift` runs against the fake API server, with the real Pushgateway keeping the state
 * between runs and webhook receivers on 127.0.0.1: the first run records and sends nothing; a new crash is
 * sent once and not again while it persists; its recovery is sent; a new image (and a re-pushed tag) is
 * `released`; a failing endpoint does not stop the others; the URLs' secret parts never reach the log;
 * `--dry-run` prints the events instead of sending them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CrashedEvent,
  NotifyEvent,
  RecoveredEvent,
  ReleasedEvent,
} from '../../src/cluster/notify-events.js';
import { dumpItems, dumpObjects, type FakeKube, startFakeKube } from '../helpers/fake-kube.js';
import { crashingDb, type ObjectJson, type PodJson } from '../helpers/notify-fixtures.js';
import { hasPushgateway, type Pushgateway, startPushgateway } from '../helpers/pushgateway.js';
import { runCli } from '../helpers/run-cli.js';
import { findLeakedSecrets } from '../helpers/secret-scan.js';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const HOOK_TOKEN = 'SecretHookToken0123456789';
const HOOK_PASSWORD = 'hook-pa55word-xyz';
const FAIL_TOKEN = 'fail-secret-987654321';
const NEW_DIGEST = `sha256:${'e'.repeat(64)}`;
const DB_DIGEST = `sha256:${'d'.repeat(64)}`;

/** web on a new image (template and pods), and db's tag re-pushed (same tag, new digest). */
function released(pods: PodJson[], objects: Record<string, unknown[]>): void {
  for (const p of pods) {
    if (p.metadata.name.startsWith('web-')) {
      p.spec.containers[0]!.image = 'registry.example.com/shop/web:2.4.0';
      const c = p.status.containerStatuses[0]!;
      c.image = 'registry.example.com/shop/web:2.4.0';
      c.imageID = `registry.example.com/shop/web@${NEW_DIGEST}`;
    }
    if (p.metadata.name === 'db-0')
      p.status.containerStatuses[0]!.imageID = `docker.io/library/postgres@${DB_DIGEST}`;
  }
  for (const kind of ['deployments', 'replicasets'])
    for (const o of objects[kind] as ObjectJson[])
      if (o.metadata.name.startsWith('web'))
        o.spec.template.spec.containers[0]!.image = 'registry.example.com/shop/web:2.4.0';
}

describe.skipIf(!hasPushgateway)('notices over drift runs', () => {
  const PODS = dumpItems<PodJson>('pods.json');
  let kube: FakeKube;
  let gateway: Pushgateway;
  let good: WebhookReceiver;
  let failing: WebhookReceiver;
  let dir: string;
  let kubeconfig: string;
  let goodUrl: string;
  let failUrl: string;
  const logs: string[] = [];

  beforeAll(async () => {
    kube = await startFakeKube({ objects: dumpObjects() });
    gateway = await startPushgateway();
    good = await startReceiver();
    failing = await startReceiver(() => ({ status: 404 }));
    dir = mkdtempSync(join(tmpdir(), 'notify-runs-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig('cert'));
    goodUrl = `http://hook:${HOOK_PASSWORD}@${good.host}/services/T0001/B0002/${HOOK_TOKEN}?token=${HOOK_TOKEN}q`;
    failUrl = `${failing.origin}/hooks/${FAIL_TOKEN}`;
  });
  afterAll(async () => {
    await kube?.close();
    await gateway?.stop();
    await good?.close();
    await failing?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(extra: string[] = []) {
    const r = await runCli(
      [
        'drift',
        '--kubeconfig',
        kubeconfig,
        '--manifests',
        'fixtures/cluster/manifests',
        '--default-namespace',
        'shop',
        '--offline',
        '--now',
        '2026-03-10T12:00:00Z',
        '--pushgateway-url',
        gateway.url,
        '--notify-url',
        goodUrl,
        '--notify-url',
        failUrl,
        '--format',
        'json',
        ...extra,
      ],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        env: { K8S_IMAGE_CHECK_DEBUG: '1' },
      },
    );
    logs.push(r.stderr);
    return r;
  }
  const events = () => good.bodies<NotifyEvent>();

  it('first run: records the state and sends nothing', async () => {
    const r = await run();
    expect(r.stderr).toContain('first run');
    expect(good.requests).toEqual([]);
    expect(failing.requests).toEqual([]);
    const group = (await gateway.readMetrics()).find((g) => g.labels.cluster === 'fake');
    expect(group?.k8s_image_check_notify_state).toBeDefined();
    expect(group?.k8s_image_check_notify_live_image).toBeDefined();
  });

  it('a new crash is sent once; the failing endpoint gets it too and is named by host only', async () => {
    kube.setObjects('pods', crashingDb(PODS));
    const r = await run();
    const sent = events();
    expect(sent.map((e) => [e.action, e.key])).toEqual([['crashed', 'shop/StatefulSet/db']]);
    const crash = sent[0] as CrashedEvent;
    expect(crash).toMatchObject({
      schemaVersion: 1,
      code: 'H10',
      class: 'CrashLoopBackOff',
      restarts: 7,
      cluster: 'fake',
      container: 'postgres',
      image: 'docker.io/library/postgres:16.2',
      pod: 'db-0',
    });
    expect(Date.parse(crash.crashed_at)).not.toBeNaN();
    // Basic auth from the URL's userinfo, the event name in a header, the path as written.
    const req = good.requests[0]!;
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`hook:${HOOK_PASSWORD}`).toString('base64')}`,
    );
    expect(req.headers['x-k8s-image-check-event']).toBe('crashed');
    expect(req.path).toBe(`/services/T0001/B0002/${HOOK_TOKEN}?token=${HOOK_TOKEN}q`);
    expect(failing.requests).toHaveLength(1); // 404: tried once, not retried
    expect(r.stderr).toContain(`Notices to ${failing.host} failed: HTTP 404`);
  });

  it('a persisting crash sends nothing more', async () => {
    await run();
    expect(events().filter((e) => e.action === 'crashed')).toHaveLength(1);
    expect(good.requests).toHaveLength(1);
  });

  it('recovery and releases: recovered, a new image and a re-pushed tag', async () => {
    const pods = structuredClone(PODS);
    const objects = dumpObjects({ pods });
    released(pods, objects);
    for (const [resource, items] of Object.entries(objects)) kube.setObjects(resource, items);
    await run();
    const sent = events().slice(1);
    expect(sent.map((e) => [e.action, e.key])).toEqual([
      ['released', 'shop/Deployment/web'],
      ['recovered', 'shop/StatefulSet/db'],
      ['released', 'shop/StatefulSet/db'],
    ]);
    const recovered = sent[1] as RecoveredEvent;
    expect(recovered.code).toBe('H10');
    // First-seen came back from the Pushgateway group: the crash's own time, not this run's.
    expect(recovered.crashed_at).toBe((events()[0] as CrashedEvent).crashed_at);
    const db = sent[2] as ReleasedEvent;
    expect(db).toMatchObject({
      change: 'digest',
      slug: { image: 'postgres:16.2', digests: [DB_DIGEST] },
      git: 'in_sync',
    });
    const web = sent[0] as ReleasedEvent;
    expect(web).toMatchObject({
      change: 'image',
      container: 'web',
      slug: { image: 'registry.example.com/shop/web:2.4.0', digests: [NEW_DIGEST] },
      previous: { image: 'registry.example.com/shop/web:2.3.1' },
    });
    expect(['drifted', 'rollout_stuck']).toContain(web.git);
  });

  it('dry-run prints the events and sends nothing', async () => {
    kube.setObjects('pods', crashingDb(PODS));
    const before = good.requests.length;
    const r = await run(['--dry-run']);
    expect(good.requests).toHaveLength(before);
    expect(r.stderr).toMatch(
      /dry-run: notice for [^\n]*"key":"shop\/StatefulSet\/db"[^\n]*"action":"crashed"/,
    );
  });

  it('never logs the URLs secret parts', () => {
    const leaks = findLeakedSecrets(logs, [
      { label: 'hook token', value: HOOK_TOKEN },
      { label: 'hook password', value: HOOK_PASSWORD, username: 'hook' },
      { label: 'failing endpoint path', value: FAIL_TOKEN },
    ]);
    expect(leaks).toEqual([]);
    expect(logs.join('\n')).toContain(failing.host);
  });
});
