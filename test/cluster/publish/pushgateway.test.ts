import { describe, expect, it } from 'vitest';
import { METRICS } from '../../../src/cluster/metrics.js';
import { ExpositionBuilder, escapeLabelValue } from '../../../src/cluster/publish/exposition.js';
import { registryHostOf, renderMetrics } from '../../../src/cluster/publish/metrics-text.js';
import {
  groupingPath,
  pushMetrics,
  reportGroupingKey,
  scopeLabel,
} from '../../../src/cluster/publish/pushgateway.js';
import { container, crashingPod, drift, imageCheck, pod, workload } from './issues-fixtures.js';

const now = new Date('2026-11-26T12:00:00Z');

function sampleReport() {
  const crash = crashingPod();
  const healthy = pod({ pod: 'cart-7d9f8b6c5d-aaaaa', containers: [container({ restartCount: 2 })] });
  const cart = workload({
    pods: [crash, healthy],
    drift: [
      drift({
        status: 'drifted',
        live: 'ghcr.io/acme/cart:1.4.1',
        tagMoved: true,
        tagFindings: [{ rule: 'latest-tag', message: 'x' }],
      }),
    ],
    images: [
      imageCheck(),
      imageCheck({ image: 'ghcr.io/acme/cart@sha256:' + 'b'.repeat(64), source: 'pod', status: 'absent' }),
    ],
  });
  const web = workload({
    name: 'web',
    pods: [pod({ pod: 'web-1' })],
    images: [imageCheck({ image: 'nginx:1.27', container: 'nginx' })],
  });
  return {
    workloads: [cart, web],
    pods: [crash, healthy, pod({ pod: 'web-1', owner: { kind: 'Deployment', name: 'web' } })],
  };
}

describe('renderMetrics', () => {
  const text = renderMetrics(sampleReport(), { now });
  const lines = text.split('\n');

  it('ends with exactly one newline and has no timestamps or CR', () => {
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text).not.toContain('\r');
    for (const l of lines.filter((l) => l && !l.startsWith('#')))
      expect(l).toMatch(/^[a-z0-9_:]+(\{.*\})? [-+0-9.eInfNa]+$/);
  });

  it('declares every family once as a gauge with HELP before samples', () => {
    const types = lines.filter((l) => l.startsWith('# TYPE'));
    expect(new Set(types).size).toBe(types.length);
    for (const t of types) expect(t).toMatch(/ gauge$/);
    const firstSample = lines.findIndex((l) => l.startsWith('k8s_pod_health{'));
    expect(lines[firstSample - 1]).toBe('# TYPE k8s_pod_health gauge');
    expect(lines[firstSample - 2]).toMatch(/^# HELP k8s_pod_health /);
  });

  it('renders image, drift, pod health, restarts, unhealthy counts and last success', () => {
    expect(lines).toContain(
      'k8s_image_check_image_status{namespace="shop",workload_kind="Deployment",workload="cart",container="app",image="ghcr.io/acme/cart@sha256:' +
        'b'.repeat(64) +
        '",source="pod",status="absent"} 1',
    );
    expect(lines).toContain(
      'k8s_image_check_drift_status{namespace="shop",workload_kind="Deployment",workload="cart",container="app",status="drifted"} 1',
    );
    expect(lines).toContain(
      'k8s_image_check_tag_moved{namespace="shop",workload_kind="Deployment",workload="cart",container="app"} 1',
    );
    expect(lines).toContain(
      'k8s_image_check_mutable_tag{namespace="shop",workload_kind="Deployment",workload="cart",container="app",rule="latest-tag"} 1',
    );
    expect(lines).toContain(
      'k8s_pod_health{namespace="shop",pod="cart-7d9f8b6c5d-x2x4p",workload_kind="Deployment",workload="cart",class="CrashLoopBackOff",severity="critical"} 1',
    );
    expect(lines).toContain(
      'k8s_pod_container_restarts{namespace="shop",pod="cart-7d9f8b6c5d-aaaaa",container="app",workload_kind="Deployment",workload="cart"} 2',
    );
    expect(lines).toContain(
      'k8s_pod_container_waiting_reason{namespace="shop",pod="cart-7d9f8b6c5d-x2x4p",container="app",workload_kind="Deployment",workload="cart",reason="CrashLoopBackOff"} 1',
    );
    expect(lines).toContain(
      'k8s_workload_unhealthy_pods{namespace="shop",workload_kind="Deployment",workload="cart",class="CrashLoopBackOff"} 1',
    );
    expect(lines).toContain(
      'k8s_image_check_workload_status{namespace="shop",workload_kind="Deployment",workload="cart",severity="critical"} 1',
    );
    expect(lines).toContain('k8s_image_check_images{registry="ghcr.io",status="absent"} 1');
    expect(lines).toContain('k8s_image_check_images{registry="docker.io",status="available"} 1');
    expect(lines).toContain(`k8s_image_check_last_success_timestamp_seconds ${now.getTime() / 1000}`);
  });

  it('never emits free text (messages) or the cluster label in the body', () => {
    expect(text).not.toContain('back-off');
    expect(text).not.toContain('cluster=');
  });

  it('has no duplicate series even when pods repeat', () => {
    const r = sampleReport();
    const twice = renderMetrics({ ...r, pods: [...r.pods, ...r.pods] }, { now });
    const samples = twice.split('\n').filter((l) => l && !l.startsWith('#'));
    const keys = samples.map((l) => l.slice(0, l.lastIndexOf(' ')));
    expect(new Set(keys).size).toBe(keys.length);
    expect(twice).toBe(text);
  });

  it('is deterministic regardless of input order', () => {
    const r = sampleReport();
    const reversed = renderMetrics(
      { workloads: [...r.workloads].reverse(), pods: [...r.pods].reverse() },
      { now },
    );
    expect(reversed).toBe(text);
  });

  it('leaves out the last-success gauge on request and renders nothing for an empty report', () => {
    expect(renderMetrics(sampleReport(), { now, lastSuccess: false })).not.toContain('last_success');
    expect(renderMetrics({ workloads: [], pods: [] }, { now, lastSuccess: false })).toBe('');
  });
});

describe('exposition escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['back\\slash', 'back\\\\slash'],
    ['a "quoted" word', 'a \\"quoted\\" word'],
    ['two\nlines', 'two\\nlines'],
  ])('escapes %j', (input, expected) => {
    expect(escapeLabelValue(input)).toBe(expected);
  });

  it('escapes HELP and rejects undeclared labels', () => {
    const def = { name: 'x_metric', help: 'a\\b\nc', labels: ['a'], value: '1' };
    const b = new ExpositionBuilder([def]);
    b.add(def, { a: 'q"\\\n' }, 1);
    expect(b.render()).toBe(
      '# HELP x_metric a\\\\b\\nc\n# TYPE x_metric gauge\nx_metric{a="q\\"\\\\\\n"} 1\n',
    );
    expect(() => b.add(def, { b: 'x' }, 1)).toThrow(/not declared/);
    expect(() => new ExpositionBuilder([{ ...def, labels: ['__x'] }])).toThrow(/invalid label/);
  });

  it('formats special values', () => {
    const def = METRICS.lastSuccess;
    const b = new ExpositionBuilder([def]);
    b.add(def, {}, Number.POSITIVE_INFINITY);
    expect(b.render()).toContain('k8s_image_check_last_success_timestamp_seconds +Inf\n');
  });
});

describe('registryHostOf', () => {
  it.each([
    ['nginx', 'docker.io'],
    ['library/nginx:1.27', 'docker.io'],
    ['ghcr.io/acme/cart:1', 'ghcr.io'],
    ['localhost/x', 'localhost'],
    ['127.0.0.1:5000/a/b@sha256:' + 'c'.repeat(64), '127.0.0.1:5000'],
    ['Registry.Example.com/a', 'registry.example.com'],
  ])('%s → %s', (image, host) => {
    expect(registryHostOf(image)).toBe(host);
  });
});

describe('groupingPath', () => {
  it.each([
    [{ cluster: 'prod' }, '/metrics/job/k8s-image-check/cluster/prod'],
    [{ cluster: 'eu-west/1' }, '/metrics/job/k8s-image-check/cluster@base64/ZXUtd2VzdC8x'],
    [{ cluster: '' }, '/metrics/job/k8s-image-check/cluster@base64/='],
    [{ cluster: '?>?' }, '/metrics/job/k8s-image-check/cluster@base64/Pz4_'],
    [{ cluster: 'a b' }, '/metrics/job/k8s-image-check/cluster@base64/YSBi'],
  ])('%j → %s', (key, path) => {
    expect(groupingPath('k8s-image-check', key)).toBe(path);
  });

  it('encodes the job too and rejects bad label names', () => {
    expect(groupingPath('img/checker')).toBe('/metrics/job@base64/aW1nL2NoZWNrZXI');
    expect(() => groupingPath('j', { 'bad-name': 'x' })).toThrow(/invalid/);
  });
});

describe('pushMetrics without a gateway', () => {
  it('reports an unreachable gateway as a result naming the host, without credentials', async () => {
    const result = await pushMetrics({
      url: 'http://user:s3cret@127.0.0.1:9/',
      job: 'k8s-image-check',
      groupingKey: { cluster: 'prod' },
      body: 'x 1\n',
      timeoutMs: 2_000,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBeNull();
    expect(result.message).toContain('127.0.0.1:9');
    expect(result.message).toContain('pushgateway-url');
    expect(result.message).not.toContain('s3cret');
    expect(result.target).toBe('http://127.0.0.1:9/metrics/job/k8s-image-check/cluster/prod');
  });

  it('keeps a path prefix of the gateway URL and sends basic auth from the URL userinfo', async () => {
    let seen: { url: string; auth: string | null; method: string } | undefined;
    const fakeFetch: typeof fetch = async (input, init) => {
      seen = {
        url: String(input),
        auth: new Headers(init?.headers).get('authorization'),
        method: init?.method ?? '',
      };
      return new Response('', { status: 200 });
    };
    const result = await pushMetrics({
      url: 'https://u:p@gw.example/prefix/',
      job: 'j',
      groupingKey: { cluster: 'c/1' },
      body: '',
      fetch: fakeFetch,
    });
    expect(result).toEqual({
      ok: true,
      status: 200,
      target: 'https://gw.example/prefix/metrics/job/j/cluster@base64/Yy8x',
    });
    expect(seen).toEqual({
      url: 'https://gw.example/prefix/metrics/job/j/cluster@base64/Yy8x',
      auth: `Basic ${Buffer.from('u:p').toString('base64')}`,
      method: 'PUT',
    });
  });
});

describe('scope grouping label', () => {
  it('is absent for a whole-cluster run and sorted, with ! for excludes, otherwise', () => {
    expect(scopeLabel(undefined)).toBeNull();
    expect(scopeLabel({ namespaces: [], excludeNamespaces: [] })).toBeNull();
    expect(scopeLabel({ namespaces: ['shop', 'monitoring'], excludeNamespaces: ['kube-system'] })).toBe(
      'monitoring,shop,!kube-system',
    );
    expect(reportGroupingKey('prod', { namespaces: ['monitoring'], excludeNamespaces: [] })).toEqual({
      cluster: 'prod',
      scope: 'monitoring',
    });
    expect(groupingPath('j', reportGroupingKey('prod', { namespaces: [], excludeNamespaces: ['a'] }))).toBe(
      `/metrics/job/j/cluster/prod/scope@base64/${Buffer.from('!a').toString('base64url')}`,
    );
  });

  it('renders no last-success timestamp for a partial run', () => {
    const body = renderMetrics(
      { workloads: [], pods: [], complete: false, errors: [] },
      { now, lastSuccess: false },
    );
    expect(body).toContain('k8s_image_check_run_complete 0');
    expect(body).not.toContain('k8s_image_check_last_success_timestamp_seconds ');
  });
});

describe('pushMetrics against a gateway that echoes the request', () => {
  it('never repeats the Basic credentials (or the password) a 400/500 body echoes', async () => {
    const { startFakeServer } = await import('../../helpers/fake-server.js');
    const gw = await startFakeServer();
    try {
      const echo = (status: number) => (req: { headers: Record<string, unknown> }) => ({
        status,
        body: `bad request from ${String(req.headers.authorization)} password=pg-echo-pass-9 (${Buffer.from('pg-echo-pass-9').toString('base64')})`,
      });
      gw.route('PUT', '/metrics/job/a', echo(400));
      gw.route('PUT', '/metrics/job/b', echo(500));
      for (const job of ['a', 'b']) {
        const res = await pushMetrics({
          url: gw.url,
          job,
          username: 'pusher',
          password: 'pg-echo-pass-9',
          body: 'x 1\n',
        });
        expect(res.ok).toBe(false);
        const message = res.ok ? '' : (res.message ?? '');
        expect(message).toContain('Pushgateway');
        expect(message).not.toContain('pg-echo-pass-9');
        expect(message).not.toContain(Buffer.from('pusher:pg-echo-pass-9').toString('base64'));
        expect(message).not.toContain(Buffer.from('pg-echo-pass-9').toString('base64'));
        expect(message).toContain('Basic ***');
      }
      // Credentials in the URL's userinfo are sent as Basic auth and redacted the same way.
      const u = new URL(gw.url);
      u.username = 'urluser';
      u.password = 'url-pass-secret-4';
      const res = await pushMetrics({ url: u.toString(), job: 'b', body: 'x 1\n' });
      const message = res.ok ? '' : (res.message ?? '');
      expect(message).not.toContain(Buffer.from('urluser:url-pass-secret-4').toString('base64'));
      expect(message).not.toContain('url-pass-secret-4');
    } finally {
      await gw.close();
    }
  });
});
