/** Delivery of notices to receivers on 127.0.0.1: retries, Retry-After, 4xx, refusals, masking, Slack form. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  deliverNotices,
  notifySecretParts,
  parseEndpoint,
  retryAfterMs,
} from '../../src/cluster/notify-deliver.js';
import type { CrashedEvent, NotifyEvent } from '../../src/cluster/notify-events.js';
import { noticeBody, slackEscape, slackMessage } from '../../src/cluster/notify-format.js';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const CRASH: CrashedEvent = {
  schemaVersion: 1,
  action: 'crashed',
  key: 'shop/Deployment/api',
  cluster: 'prod',
  namespace: 'shop',
  kind: 'Deployment',
  name: 'api',
  code: 'H10',
  class: 'CrashLoopBackOff',
  description: 'panic: <script> & @channel @here <!channel> `x`',
  restarts: 4,
  crashed_at: '2026-03-10T12:00:00.000Z',
  container: 'api',
  image: 'registry.example.com/shop/api:1.4.2',
  pod: 'api-1',
  issue: { number: 7, url: 'https://github.com/acme/ops/issues/7' },
};
const SECOND: NotifyEvent = { ...CRASH, key: 'shop/Deployment/web', name: 'web' };

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});
async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

function logger() {
  const warnings: string[] = [];
  return { warnings, debug: () => {}, info: () => {}, warning: (m: string) => warnings.push(m) };
}

const fast = { backoffMs: 1, maxRetryAfterMs: 50, sleep: async () => {} };

describe('deliverNotices', () => {
  it('retries 5xx and 429 (with Retry-After) and then delivers', async () => {
    const r = await receiver((i) =>
      i === 0
        ? { status: 503 }
        : i === 1
          ? { status: 429, headers: { 'retry-after': '0' } }
          : { status: 204 },
    );
    const log = logger();
    const slept: number[] = [];
    const out = await deliverNotices([CRASH], {
      urls: [`${r.origin}/hook`],
      format: 'json',
      logger: log,
      ...fast,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(r.requests).toHaveLength(3);
    expect(slept).toEqual([1, 0]); // backoff, then the Retry-After of the 429
    expect(out).toEqual([{ host: r.host, sent: 1, failed: 0 }]);
    expect(log.warnings).toEqual([]);
    expect(JSON.parse(r.requests[2]!.body)).toEqual(CRASH);
  });

  it('does not retry a 4xx, and gives up on an endpoint whose Retry-After is beyond the cap', async () => {
    const refusing = await receiver(() => ({ status: 400 }));
    const slow = await receiver(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const log = logger();
    const out = await deliverNotices([CRASH, SECOND], {
      urls: [`${refusing.origin}/a`, `${slow.origin}/b`],
      format: 'json',
      logger: log,
      ...fast,
    });
    expect(refusing.requests).toHaveLength(1);
    expect(slow.requests).toHaveLength(1);
    expect(out.map((o) => [o.host, o.sent, o.failed])).toEqual([
      [refusing.host, 0, 2],
      [slow.host, 0, 2],
    ]);
    expect(log.warnings.join('\n')).toContain(`Notices to ${refusing.host} failed: HTTP 400 (not retried`);
    expect(log.warnings.join('\n')).toContain('Retry-After longer than');
  });

  it('a dead endpoint (network errors, retried) does not stop the others, and warnings name the host only', async () => {
    const dead = await receiver();
    const deadUrl = `${dead.origin}/services/T1/B2/dead-token-123456789`;
    await dead.close();
    receivers.splice(receivers.indexOf(dead), 1);
    const ok = await receiver();
    const log = logger();
    const out = await deliverNotices([CRASH, SECOND], {
      urls: [deadUrl, `${ok.origin}/x`],
      format: 'json',
      logger: log,
      retries: 2,
      ...fast,
    });
    expect(ok.requests).toHaveLength(2);
    expect(out.find((o) => o.host === dead.host)).toMatchObject({ sent: 0, failed: 2 });
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain(`Notices to ${dead.host} failed: network error`);
    expect(log.warnings[0]).toContain('after 3 attempts');
    expect(log.warnings[0]).not.toContain('dead-token');
    expect(log.warnings[0]).not.toContain('/services');
  });

  it('refuses link-local and metadata addresses, in any spelling, and non-http schemes', async () => {
    const log = logger();
    const out = await deliverNotices([CRASH], {
      urls: [
        'http://169.254.169.254/latest',
        'http://0xa9fea9fe/x',
        'http://[fd00:ec2::254]/',
        'file:///etc/passwd',
        'not a url',
      ],
      format: 'json',
      logger: log,
      ...fast,
    });
    expect(out.every((o) => o.sent === 0)).toBe(true);
    expect(log.warnings.filter((w) => w.includes('link-local or cloud-metadata'))).toHaveLength(3);
    expect(log.warnings).toContain(
      'notify-urls entry 4 is not an http(s) URL; only http and https are posted to.',
    );
    expect(log.warnings).toContain('notify-urls entry 5 is not a URL; write it as https://host/path.');
    expect(log.warnings.join('\n')).not.toContain('passwd');
  });

  it('refuses a name that resolves to a link-local address', async () => {
    const log = logger();
    await deliverNotices([CRASH], {
      urls: ['http://hooks.internal.test/x'],
      format: 'json',
      logger: log,
      retries: 0,
      ...fast,
      lookup: ((_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
        cb(null, [{ address: '169.254.169.254', family: 4 }])) as never,
    });
    expect(log.warnings[0]).toContain('resolves to a link-local or cloud-metadata address');
  });

  it('serves endpoints in parallel, up to the concurrency', async () => {
    // Every endpoint answers after 300 ms: the time spans of the requests show how many ran at once.
    const spans: [number, number][] = [];
    const slow = () =>
      receiver(() => {
        const start = Date.now();
        spans.push([start, start + 300]);
        return { status: 200, delayMs: 300 };
      });
    const all = await Promise.all([slow(), slow(), slow()]);
    await deliverNotices([CRASH], {
      urls: all.map((r) => `${r.origin}/x`),
      format: 'json',
      logger: logger(),
      concurrency: 2,
      ...fast,
    });
    expect(all.every((r) => r.requests.length === 1)).toBe(true);
    const overlapping = (t: number) => spans.filter(([a, b]) => a <= t && t < b).length;
    const peak = Math.max(...spans.map(([a]) => overlapping(a)));
    expect(peak).toBe(2);
  });
});

describe('time budget', () => {
  it('stops an endpoint that used up its time for this run, and says how many it missed', async () => {
    const slow = await receiver(() => ({ status: 200, delayMs: 150 }));
    const log = logger();
    const out = await deliverNotices([CRASH, SECOND, CRASH], {
      urls: [`${slow.origin}/x`],
      format: 'json',
      logger: log,
      budgetMs: 100,
      ...fast,
    });
    expect(slow.requests).toHaveLength(1);
    expect(out).toEqual([expect.objectContaining({ sent: 1, failed: 2 })]);
    expect(log.warnings[0]).toContain('time budget of 0.1 s');
  });
});

describe('URLs', () => {
  it('masks the path, query, query values, userinfo and token-like segments, not the host', () => {
    const parts = notifySecretParts(
      'https://u:p%40ss-word@hooks.slack.com/services/T0001ABCD/B0002EFGH/abcdefghijklmnopqrstuvwx?k=v4lue',
    );
    expect(parts).toEqual(
      expect.arrayContaining([
        'p%40ss-word',
        'p@ss-word',
        '/services/T0001ABCD/B0002EFGH/abcdefghijklmnopqrstuvwx',
        'T0001ABCD',
        'abcdefghijklmnopqrstuvwx',
        'v4lue',
      ]),
    );
    expect(parts).not.toContain('hooks.slack.com');
    expect(parts).not.toContain('services');
  });

  it('sends userinfo as Basic auth, not in the URL', () => {
    const ep = parseEndpoint('https://u:pw@h.example/x', 0, false);
    expect('url' in ep && [ep.url.toString(), ep.authorization]).toEqual([
      'https://h.example/x',
      `Basic ${Buffer.from('u:pw').toString('base64')}`,
    ]);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('5')).toBe(5000);
    expect(retryAfterMs('Wed, 10 Mar 2026 12:00:10 GMT', Date.parse('2026-03-10T12:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeNull();
  });
});

describe('Slack form', () => {
  it('escapes &<> and defuses broadcast mentions in untrusted text', () => {
    expect(slackEscape('a & <b> @channel @HERE @everyone')).toBe(
      'a &amp; &lt;b&gt; @\u2060channel @\u2060HERE @\u2060everyone',
    );
    const text = JSON.stringify(slackMessage(CRASH));
    expect(text).not.toMatch(/<script>|<!channel>|@channel|@here/);
    expect(text).toContain('&lt;script&gt;');
  });

  it('has text and blocks, and links the issue', () => {
    const m = JSON.parse(noticeBody(CRASH, 'slack')) as { text: string; blocks: { type: string }[] };
    expect(m.text).toContain('*Crashed* `H10`');
    expect(m.blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);
    expect(JSON.stringify(m.blocks)).toContain('<https://github.com/acme/ops/issues/7|Issue #7>');
  });

  it('the json form is the event itself', () => {
    expect(JSON.parse(noticeBody(CRASH, 'json'))).toEqual(CRASH);
  });
});
