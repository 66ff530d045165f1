import { describe, expect, it } from 'vitest';
import type { PullSecretData, PullSecretRequest, PullSecretsResult } from '../../src/cluster/kube.js';
import { DEFAULT_POD_HEALTH_THRESHOLDS } from '../../src/cluster/pod-health.js';
import type { ControllerRecord, PodRecord, PodSpecRecord } from '../../src/cluster/records.js';
import { type DriftRunOptions, type LiveSnapshot, runDrift } from '../../src/engine/drift.js';
import type { CheckImagesFn } from '../../src/engine/scan.js';
import type { RegistryCheck } from '../../src/registry/types.js';

const OPTIONS: DriftRunOptions = {
  cluster: 'prod',
  defaultNamespace: 'shop',
  namespaces: [],
  excludeNamespaces: [],
  reportNotInGit: false,
  rolloutGrace: 900,
  checkLiveImages: true,
  includeScaledToZero: true,
  thresholds: { ...DEFAULT_POD_HEALTH_THRESHOLDS },
  now: '2026-03-10T12:00:00Z',
  usePullSecrets: true,
};

const PRIVATE = 'registry.example.com/shop/app:1.0.0';
const PUBLIC = 'docker.io/library/nginx:1.27';
/** The content of a secret that grants access to the private registry (the fake registry knows it). */
const GRANT = 'Z3JhbnQ=';

function deployment(
  name: string,
  images: string[],
  pull: { secrets?: string[]; serviceAccount?: string; namespace?: string } = {},
): ControllerRecord {
  const template: PodSpecRecord = {
    containers: images.map((image, i) => ({ name: `c${i}`, image })),
    ...(pull.secrets ? { imagePullSecrets: pull.secrets.map((n) => ({ name: n })) } : {}),
    ...(pull.serviceAccount ? { serviceAccountName: pull.serviceAccount } : {}),
  };
  return { kind: 'Deployment', namespace: pull.namespace ?? 'shop', name, replicas: 1, template };
}

function live(controllers: ControllerRecord[], pods: PodRecord[] = []): () => Promise<LiveSnapshot> {
  return async () => ({ pods, controllers, errors: [], complete: true, source: 'test' });
}

/**
 * A fake API server for pull secrets, resolved as the kubelet does: the pod spec's names, then the service
 * account's. `forbidden` secrets fail to read (a warning on each workload that references them).
 */
function fakeSecrets(
  secrets: Record<string, string>,
  accounts: Record<string, string[]> = {},
  forbidden: string[] = [],
) {
  const requests: PullSecretRequest[] = [];
  const read = async (reqs: PullSecretRequest[]): Promise<PullSecretsResult> => {
    requests.push(...reqs);
    const result: PullSecretsResult = { secrets: [], byWorkload: new Map(), warnings: new Map() };
    for (const req of reqs) {
      const names = [
        ...req.secretNames,
        ...(req.serviceAccount ? (accounts[`${req.namespace}/${req.serviceAccount}`] ?? []) : []),
      ];
      const own: PullSecretData[] = [];
      for (const name of [...new Set(names)]) {
        const key = `${req.namespace}/${name}`;
        const data = secrets[key];
        if (forbidden.includes(key) || data === undefined) {
          result.warnings.set(req.key, [
            ...(result.warnings.get(req.key) ?? []),
            `Pull secret ${key}: Forbidden: cannot get secrets in namespace ${req.namespace}.`,
          ]);
          continue;
        }
        const secret = {
          name,
          namespace: req.namespace,
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': data },
        };
        own.push(secret);
        if (!result.secrets.some((s) => s.namespace === req.namespace && s.name === name))
          result.secrets.push(secret);
      }
      result.byWorkload.set(req.key, own);
    }
    return result;
  };
  return { read, requests };
}

/**
 * A fake checker factory: records which secrets each checker was built with and which images it checked. The
 * private registry answers `available` only to a checker holding a secret with the GRANT content.
 */
function fakeFactory() {
  const calls: { secrets: string[]; keys: string[] }[] = [];
  const makeChecker = (pullSecrets: PullSecretData[]): CheckImagesFn => {
    const call = { secrets: pullSecrets.map((s) => `${s.namespace}/${s.name}`), keys: [] as string[] };
    calls.push(call);
    const granted = pullSecrets.some((s) => s.data['.dockerconfigjson'] === GRANT);
    return async (targets) => {
      call.keys.push(...targets.map((t) => t.key));
      return new Map<string, RegistryCheck>(
        targets.map((t) => [
          t.key,
          !t.key.startsWith('registry.example.com/') || granted
            ? { status: 'available', digest: `sha256:${'a'.repeat(64)}` }
            : {
                status: 'authorization_failure',
                message: `${t.key}: registry.example.com denied the pull; add an imagePullSecret.`,
              },
        ]),
      );
    };
  };
  return { calls, makeChecker };
}

const rowsOf = (report: Awaited<ReturnType<typeof runDrift>>, name: string) =>
  report.workloads.find((w) => w.name === name)!.images.map((i) => `${i.image} ${i.status}`);

describe('runDrift with use-pull-secrets', () => {
  it("never checks a workload's image with another workload's pull secret", async () => {
    const api = fakeSecrets({ 'shop/regcred': GRANT });
    const factory = fakeFactory();
    const report = await runDrift(
      { ...OPTIONS, reportNotInGit: true },
      {
        desired: [],
        loadLive: live([
          deployment('api', [PRIVATE], { secrets: ['regcred'] }),
          deployment('web', [PRIVATE]),
        ]),
        readPullSecrets: api.read,
        makeChecker: factory.makeChecker,
      },
    );
    expect(factory.calls).toEqual([
      { secrets: ['shop/regcred'], keys: [PRIVATE] },
      { secrets: [], keys: [PRIVATE] },
    ]);
    expect(rowsOf(report, 'api')).toEqual([`${PRIVATE} available`]);
    // web has no pull secret: after a reschedule it would be ImagePullBackOff, and the report says so.
    expect(rowsOf(report, 'web')).toEqual([`${PRIVATE} authorization_failure`]);
    const image = report.images!.find((i) => i.image === PRIVATE)!;
    expect(image.check.status).toBe('authorization_failure');
    expect(image.users).toEqual(['shop/Deployment/api/c0', 'shop/Deployment/web/c0']);
    expect(image.byCredentials?.map((o) => [o.check.status, o.users])).toEqual([
      ['available', ['shop/Deployment/api/c0']],
      ['authorization_failure', ['shop/Deployment/web/c0']],
    ]);
    // "Tag moved" reads each workload's own checks: only api's credentials resolved the tag.
    expect(report.drift.map((d) => [d.name, d.registryDigest ?? null])).toEqual([
      ['api', `sha256:${'a'.repeat(64)}`],
      ['web', null],
    ]);
  });

  it('checks each image once per secret set: workloads sharing a set share its checks', async () => {
    const api = fakeSecrets({ 'shop/regcred': GRANT }, { 'shop/builder': ['regcred'] });
    const factory = fakeFactory();
    const report = await runDrift(OPTIONS, {
      desired: [],
      loadLive: live([
        deployment('api', [PRIVATE, PUBLIC], { secrets: ['regcred'] }),
        // The same secret, through its service account: the same set.
        deployment('worker', [PRIVATE], { serviceAccount: 'builder' }),
        deployment('web', [PUBLIC]),
      ]),
      readPullSecrets: api.read,
      makeChecker: factory.makeChecker,
    });
    expect(factory.calls).toEqual([
      { secrets: ['shop/regcred'], keys: [PUBLIC, PRIVATE] },
      { secrets: [], keys: [PUBLIC] },
    ]);
    expect(api.requests.map((r) => [r.key, r.secretNames, r.serviceAccount])).toEqual([
      ['shop/Deployment/api', ['regcred'], 'default'],
      ['shop/Deployment/web', [], 'default'],
      ['shop/Deployment/worker', [], 'builder'],
    ]);
    expect(rowsOf(report, 'worker')).toEqual([`${PRIVATE} available`]);
    // Every set agreed on each image: no per-credentials breakdown.
    expect(report.images!.map((i) => [i.image, i.check.status, i.byCredentials])).toEqual([
      [PUBLIC, 'available', undefined],
      [PRIVATE, 'available', undefined],
    ]);
  });

  it('treats identical secrets copied into several namespaces as one set', async () => {
    const api = fakeSecrets({ 'shop/regcred': GRANT, 'blog/regcred': GRANT });
    const factory = fakeFactory();
    await runDrift(OPTIONS, {
      desired: [],
      loadLive: live([
        deployment('api', [PRIVATE], { secrets: ['regcred'] }),
        deployment('blog', [PRIVATE], { secrets: ['regcred'], namespace: 'blog' }),
      ]),
      readPullSecrets: api.read,
      makeChecker: factory.makeChecker,
    });
    expect(factory.calls).toEqual([{ secrets: ['blog/regcred'], keys: [PRIVATE] }]);
  });

  it('keeps an unreadable secret a warning of its workload, which is checked without it', async () => {
    const api = fakeSecrets({ 'shop/regcred': GRANT, 'shop/locked': GRANT }, {}, ['shop/locked']);
    const factory = fakeFactory();
    const report = await runDrift(OPTIONS, {
      desired: [],
      loadLive: live([
        deployment('api', [PRIVATE], { secrets: ['regcred'] }),
        deployment('web', [PRIVATE], { secrets: ['locked'] }),
      ]),
      readPullSecrets: api.read,
      makeChecker: factory.makeChecker,
    });
    expect(factory.calls.map((c) => c.secrets)).toEqual([['shop/regcred'], []]);
    const web = report.workloads.find((w) => w.name === 'web')!;
    expect(web.warnings).toEqual([
      'Pull secret shop/locked: Forbidden: cannot get secrets in namespace shop.',
    ]);
    expect(rowsOf(report, 'web')).toEqual([`${PRIVATE} authorization_failure`]);
    expect(report.workloads.find((w) => w.name === 'api')!.warnings).toEqual([]);
  });

  it("uses a pod's own pull secrets when its controller is not listed (an Argo Rollout)", async () => {
    const api = fakeSecrets({ 'shop/regcred': GRANT });
    const factory = fakeFactory();
    const pod: PodRecord = {
      metadata: {
        name: 'canary-abc',
        namespace: 'shop',
        ownerReferences: [{ kind: 'Rollout', name: 'canary', controller: true }],
      },
      spec: {
        containers: [{ name: 'app', image: PRIVATE }],
        imagePullSecrets: [{ name: 'regcred' }],
        serviceAccountName: 'default',
      },
      status: { phase: 'Running' },
    };
    const report = await runDrift(OPTIONS, {
      desired: [],
      loadLive: live([], [pod]),
      readPullSecrets: api.read,
      makeChecker: factory.makeChecker,
    });
    expect(factory.calls).toEqual([{ secrets: ['shop/regcred'], keys: [PRIVATE] }]);
    expect(rowsOf(report, 'canary')).toEqual([`${PRIVATE} available`]);
  });

  it('with use-pull-secrets off: one checker, every image checked once', async () => {
    const asked: string[][] = [];
    const factory = fakeFactory();
    const checkImages: CheckImagesFn = async (targets) => {
      asked.push(targets.map((t) => t.key));
      return new Map(targets.map((t) => [t.key, { status: 'available' as const }]));
    };
    const report = await runDrift(
      { ...OPTIONS, usePullSecrets: false },
      {
        desired: [],
        loadLive: live([
          deployment('api', [PRIVATE, PUBLIC], { secrets: ['regcred'] }),
          deployment('web', [PRIVATE]),
        ]),
        checkImages,
        readPullSecrets: fakeSecrets({ 'shop/regcred': GRANT }).read,
        makeChecker: factory.makeChecker,
      },
    );
    expect(asked).toEqual([[PUBLIC, PRIVATE]]);
    expect(factory.calls).toEqual([]);
    expect(report.images!.map((i) => [i.image, i.check.status, i.users.length])).toEqual([
      [PUBLIC, 'available', 1],
      [PRIVATE, 'available', 2],
    ]);
  });
});
