import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeAccessError, loadKubeConfig, snapshotCluster } from '../../src/cluster/kube.js';
import { type FakeKube, startFakeKube } from '../helpers/fake-kube.js';

const dump = (name: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../fixtures/cluster/dump/${name}`, import.meta.url), 'utf8')) as {
      items: unknown[];
    }
  ).items;
const PODS = dump('pods.json');
const OBJECTS = dump('objects.json');
const byKind = (kind: string) => OBJECTS.filter((o) => (o as { kind: string }).kind === kind);
const OBJECTS_BY_RESOURCE = {
  pods: PODS,
  deployments: byKind('Deployment'),
  statefulsets: byKind('StatefulSet'),
  daemonsets: byKind('DaemonSet'),
  replicasets: byKind('ReplicaSet'),
  jobs: byKind('Job'),
  cronjobs: byKind('CronJob'),
};
const namespaces = (items: unknown[]) =>
  new Set(items.map((p) => (p as { metadata: { namespace: string } }).metadata.namespace));

let fake: FakeKube | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('snapshotCluster against the fake API server', () => {
  it('lists every resource page by page with a client certificate', async () => {
    fake = await startFakeKube({ objects: OBJECTS_BY_RESOURCE });
    const kc = loadKubeConfig({ kubeconfigText: fake.kubeconfig('cert') });
    const snap = await snapshotCluster(kc, { pageSize: 10 });
    expect(snap.complete).toBe(true);
    expect(snap.errors).toEqual([]);
    expect(snap.pods).toHaveLength(PODS.length);
    expect(new Set(snap.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).size).toBe(
      PODS.length,
    );
    expect(snap.controllers).toHaveLength(OBJECTS.length);
    const podRequests = fake.inner.requests.filter((r) => r.path === '/api/v1/pods');
    expect(podRequests).toHaveLength(Math.ceil(PODS.length / 10));
    expect(podRequests.every((r) => r.query.get('limit') === '10')).toBe(true);
    expect(podRequests[0]!.query.get('continue')).toBeNull();
    expect(podRequests[1]!.query.get('continue')).toBeTruthy();
    // Compact records keep timestamps as ISO strings and drop what is not needed.
    const web = snap.pods.find((p) => p.metadata.name === 'web-7d9c6b5f4d-x2k8p')!;
    expect(web.metadata.creationTimestamp).toBe('2026-03-09T12:00:00Z');
    expect(web.metadata.labels).toEqual({ 'pod-template-hash': '7d9c6b5f4d' });
    expect(web.spec.containers[0]).toEqual({ name: 'web', image: 'registry.example.com/shop/web:2.3.1' });
    const api = snap.controllers.find((c) => c.kind === 'Deployment' && c.name === 'api')!;
    expect(api.specUpdatedAt).toBe('2026-03-10T10:00:00Z');
    expect(api.template.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('authenticates with a bearer token from a kubeconfig file and a named context', async () => {
    fake = await startFakeKube({ objects: { pods: PODS.slice(0, 3) }, tokens: ['s3cr3t-token'] });
    const dir = mkdtempSync(join(tmpdir(), 'kube-test-'));
    try {
      const file = join(dir, 'config');
      writeFileSync(file, fake.kubeconfig({ token: 's3cr3t-token' }));
      const snap = await snapshotCluster(loadKubeConfig({ kubeconfigPath: file, context: 'fake' }), {
        resources: ['pods'],
      });
      expect(snap.pods).toHaveLength(3);
      expect(fake.inner.requests[0]!.headers.authorization).toBe('Bearer s3cr3t-token');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the run on a rejected token, without echoing the token', async () => {
    fake = await startFakeKube({ objects: { pods: PODS }, tokens: ['good'] });
    const kc = loadKubeConfig({ kubeconfigText: fake.kubeconfig({ token: 'wrong-token-value' }) });
    const err = await snapshotCluster(kc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeAccessError);
    expect((err as Error).message).toMatch(/401 Unauthorized/);
    expect((err as Error).message).not.toContain('wrong-token-value');
    expect(fake.unauthorized).toBeGreaterThan(0);
  });

  it('refuses a client certificate from another CA', async () => {
    fake = await startFakeKube({ objects: { pods: PODS } });
    const err = await snapshotCluster(loadKubeConfig({ kubeconfigText: fake.kubeconfig('stranger') })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KubeAccessError);
    expect(fake.inner.requests).toHaveLength(0);
  });

  it('turns an RBAC 403 in one namespace into a warning naming the permission; the rest goes on', async () => {
    fake = await startFakeKube({
      objects: OBJECTS_BY_RESOURCE,
      forbidden: [{ resource: 'pods', namespace: 'ops' }],
    });
    const kc = loadKubeConfig({ kubeconfigText: fake.kubeconfig('cert') });
    const snap = await snapshotCluster(kc, { namespaces: ['shop', 'ops', 'monitoring'] });
    expect(snap.complete).toBe(false);
    expect(snap.errors).toHaveLength(1);
    expect(snap.errors[0]).toMatchObject({
      kind: 'pods',
      namespace: 'ops',
      httpStatus: 403,
      permission: 'list pods in namespace ops',
    });
    expect(snap.errors[0]!.message).toContain('resources: ["pods"], verbs: ["list"]');
    expect(snap.errors[0]!.message).toContain('system:serviceaccount:ci:checker');
    expect(namespaces(snap.pods)).toEqual(new Set(['shop', 'monitoring']));
    expect(snap.controllers.some((c) => c.namespace === 'ops')).toBe(true);
  });

  it('turns an RBAC 403 on a kind into a warning; other kinds are listed', async () => {
    fake = await startFakeKube({ objects: OBJECTS_BY_RESOURCE, forbidden: [{ resource: 'cronjobs' }] });
    const snap = await snapshotCluster(loadKubeConfig({ kubeconfigText: fake.kubeconfig('cert') }));
    expect(snap.errors.map((e) => e.permission)).toEqual(['list cronjobs at the cluster scope']);
    expect(snap.errors[0]!.message).toContain('apiGroups: ["batch"]');
    expect(snap.pods).toHaveLength(PODS.length);
    expect(snap.controllers.some((c) => c.kind === 'CronJob')).toBe(false);
  });

  it('fails the run when every list is forbidden', async () => {
    const forbidden = Object.keys(OBJECTS_BY_RESOURCE).map((resource) => ({ resource }));
    fake = await startFakeKube({ objects: OBJECTS_BY_RESOURCE, forbidden });
    const err = await snapshotCluster(loadKubeConfig({ kubeconfigText: fake.kubeconfig('cert') })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KubeAccessError);
    expect((err as KubeAccessError).errors).toHaveLength(7);
  });

  it('fails the run when the server answers 500 to every list', async () => {
    fake = await startFakeKube({ objects: OBJECTS_BY_RESOURCE, failAll: 500 });
    const err = await snapshotCluster(loadKubeConfig({ kubeconfigText: fake.kubeconfig('cert') })).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/Every list .* failed/);
    expect((err as Error).message).toContain('etcdserver: request timed out');
  });

  it('fails the run when the server cannot be reached', async () => {
    fake = await startFakeKube();
    const config = fake.kubeconfig('cert');
    await fake.close();
    fake = undefined;
    const err = await snapshotCluster(loadKubeConfig({ kubeconfigText: config })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeAccessError);
    expect((err as Error).message).toMatch(/Cannot reach the API server https:\/\/127\.0\.0\.1:\d+/);
  });

  it('restarts a list once when the continue token expired (410)', async () => {
    fake = await startFakeKube({ objects: { pods: PODS }, expireContinue: 1 });
    const snap = await snapshotCluster(loadKubeConfig({ kubeconfigText: fake.kubeconfig('cert') }), {
      resources: ['pods'],
      pageSize: 20,
    });
    expect(snap.pods).toHaveLength(PODS.length);
    const starts = fake.inner.requests.filter((r) => r.query.get('continue') === null);
    expect(starts).toHaveLength(2);
  });

  it('leaves out excluded namespaces with a field selector', async () => {
    fake = await startFakeKube({ objects: OBJECTS_BY_RESOURCE });
    const snap = await snapshotCluster(loadKubeConfig({ kubeconfigText: fake.kubeconfig('cert') }), {
      resources: ['pods'],
      excludeNamespaces: ['kube-system', 'monitoring'],
    });
    expect(fake.inner.requests[0]!.query.get('fieldSelector')).toBe(
      'metadata.namespace!=kube-system,metadata.namespace!=monitoring',
    );
    expect(namespaces(snap.pods)).toEqual(new Set(['shop', 'ops']));
  });
});

describe('loadKubeConfig', () => {
  it('names the contexts when the requested one is missing', () => {
    const text =
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\ncurrent-context: a\n';
    expect(() => loadKubeConfig({ kubeconfigText: text, context: 'prod' })).toThrow(
      /Context "prod" is not in the kubeconfig text \(contexts: a\)/,
    );
  });

  it('reports an unreadable kubeconfig file', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: '/nonexistent/kubeconfig' })).toThrow(KubeAccessError);
  });
});

describe('other credentials the library supports', () => {
  it('runs an exec credential plugin, as kubectl does', async () => {
    fake = await startFakeKube({ objects: { pods: PODS.slice(0, 2) }, tokens: ['from-exec-plugin'] });
    const dir = mkdtempSync(join(tmpdir(), 'kube-exec-'));
    try {
      const plugin = join(dir, 'credential.mjs');
      writeFileSync(
        plugin,
        `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-exec-plugin' } }));\n`,
      );
      const text = fake
        .kubeconfig('token')
        .replace(
          '    token: fake-token',
          `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${JSON.stringify(process.execPath)}\n      args: [${JSON.stringify(plugin)}]\n      interactiveMode: Never`,
        );
      const snap = await snapshotCluster(loadKubeConfig({ kubeconfigText: text }), { resources: ['pods'] });
      expect(snap.pods).toHaveLength(2);
      expect(fake.inner.requests[0]!.headers.authorization).toBe('Bearer from-exec-plugin');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the in-cluster service account (token file, CA, KUBERNETES_SERVICE_HOST)', async () => {
    fake = await startFakeKube({ objects: { pods: PODS.slice(0, 1) }, tokens: ['sa-token'] });
    const root = mkdtempSync(join(tmpdir(), 'kube-incluster-'));
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    try {
      const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
      mkdirSync(sa, { recursive: true });
      writeFileSync(join(sa, 'token'), 'sa-token');
      writeFileSync(join(sa, 'ca.crt'), fake.certs.ca);
      writeFileSync(join(sa, 'namespace'), 'ci');
      process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
      process.env.KUBERNETES_SERVICE_PORT = new URL(fake.url).port;
      const snap = await snapshotCluster(loadKubeConfig({ inCluster: true, inClusterPathPrefix: root }), {
        resources: ['pods'],
      });
      expect(snap.pods).toHaveLength(1);
      expect(fake.inner.requests[0]!.headers.authorization).toBe('Bearer sa-token');
    } finally {
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = saved.host;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = saved.port;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
