/** The run's side of notices: what happens without a gateway, when the state was not recorded, and in dry-run. */
import { afterEach, describe, expect, it } from 'vitest';
import { prepareNotices, sendNotices } from '../../src/cluster/notify.js';
import type { CrashedEvent } from '../../src/cluster/notify-events.js';
import type { DriftReport } from '../../src/cluster/types.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const EVENT: CrashedEvent = {
  schemaVersion: 1,
  action: 'crashed',
  key: 'shop/Deployment/api',
  cluster: 'prod',
  namespace: 'shop',
  kind: 'Deployment',
  name: 'api',
  code: 'H10',
  class: 'CrashLoopBackOff',
  description: 'crash',
  restarts: 1,
  crashed_at: '2026-03-10T12:00:00.000Z',
  container: 'api',
  image: null,
  pod: 'api-1',
  issue: null,
};
const REPORT: DriftReport = {
  schemaVersion: 1,
  cluster: 'prod',
  generatedAt: '2026-03-10T12:00:00Z',
  now: '2026-03-10T12:00:00Z',
  drift: [],
  pods: [],
  workloads: [],
  errors: [],
  complete: true,
};

let hook: WebhookReceiver | undefined;
afterEach(async () => {
  await hook?.close();
  hook = undefined;
});

function logger() {
  const lines: string[] = [];
  return {
    lines,
    debug: () => {},
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
  };
}

describe('notices in a run', () => {
  it('without a Pushgateway: nothing is planned, and a warning says what to set', async () => {
    const log = logger();
    const config = { ...defaultConfig(), notifyUrls: ['https://h.example/x'] };
    expect(await prepareNotices(REPORT, config, { logger: log, now: new Date(), issues: [] })).toBeNull();
    expect(log.lines).toEqual([
      expect.stringMatching(/^warning: notify-urls is set but pushgateway-url is not/),
    ]);
    expect(
      await prepareNotices(REPORT, defaultConfig(), { logger: log, now: new Date(), issues: [] }),
    ).toBeNull();
  });

  it('an unreadable gateway: the state is recorded, nothing is sent', async () => {
    const log = logger();
    const config = {
      ...defaultConfig(),
      notifyUrls: ['https://h.example/x'],
      pushgatewayUrl: 'http://127.0.0.1:9/',
    };
    const prepared = await prepareNotices(REPORT, config, { logger: log, now: new Date(), issues: [] });
    expect(prepared).toMatchObject({ events: [], hadPrevious: false });
    expect(prepared?.stateBody).toContain('k8s_image_check_notify_state 1');
    expect(log.lines.join('\n')).toContain('the previous state could not be read');
  });

  it('holds events back when the push did not record the state, and prints them in dry-run', async () => {
    hook = await startReceiver();
    const config = { ...defaultConfig(), notifyUrls: [`${hook.origin}/x`] };
    const prepared = { events: [EVENT], stateBody: '', hadPrevious: true };
    const held = logger();
    expect(await sendNotices(prepared, config, { logger: held, recorded: false })).toMatchObject({
      held: 'state not recorded',
    });
    expect(held.lines.join('\n')).toContain('1 event(s) held back');
    const dry = logger();
    await sendNotices(prepared, { ...config, dryRun: true }, { logger: dry, recorded: false });
    expect(dry.lines[0]).toBe(`info: dry-run: notice for ${hook.host}: ${JSON.stringify(EVENT)}`);
    expect(hook.requests).toEqual([]);
    const sent = logger();
    const out = await sendNotices(prepared, config, { logger: sent, recorded: true });
    expect(out.endpoints).toEqual([{ host: hook.host, sent: 1, failed: 0 }]);
    expect(hook.requests).toHaveLength(1);
  });
});
