import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDump } from '../../src/cluster/dump.js';
import { buildLiveWorkloads, liveUses, parseImageId, runningImages } from '../../src/cluster/live.js';
import {
  buildOwnerIndex,
  cronJobFromJobName,
  deploymentFromReplicaSetName,
  ownerOfPod,
} from '../../src/cluster/owners.js';
import type { PodRecord } from '../../src/cluster/records.js';

const read = (f: string) =>
  readFileSync(new URL(`../../fixtures/cluster/dump/${f}`, import.meta.url), 'utf8');
const PODS = parseDump(read('pods.json'), 'pods.json');
const OBJECTS = parseDump(read('objects.json'), 'objects.json');

function pod(name: string, ref?: { kind: string; name: string }, labels?: Record<string, string>): PodRecord {
  return {
    metadata: {
      name,
      namespace: 'ns',
      ...(labels ? { labels } : {}),
      ...(ref ? { ownerReferences: [{ ...ref, controller: true }] } : {}),
    },
    spec: { containers: [] },
    status: {},
  };
}

describe('owner resolution (docs/pod-health.md#workloads)', () => {
  const index = buildOwnerIndex(OBJECTS.controllers);
  it.each([
    [
      'ReplicaSet → Deployment by the pod-template-hash label',
      pod(
        'web-7d9c6b5f4d-x',
        { kind: 'ReplicaSet', name: 'web-7d9c6b5f4d' },
        { 'pod-template-hash': '7d9c6b5f4d' },
      ),
      undefined,
      'Deployment/web',
    ],
    [
      'ReplicaSet → Deployment by the hash in the name alone',
      pod('web-7d9c6b5f4d-x', { kind: 'ReplicaSet', name: 'web-7d9c6b5f4d' }),
      undefined,
      'Deployment/web',
    ],
    [
      'a ReplicaSet without hash stays itself',
      pod('legacy-x', { kind: 'ReplicaSet', name: 'legacy' }),
      undefined,
      'ReplicaSet/legacy',
    ],
    [
      'Job → CronJob by the minutes suffix',
      pod('backup-29541600-x', { kind: 'Job', name: 'backup-29541600' }),
      undefined,
      'CronJob/backup',
    ],
    [
      'a Job with a short numeric suffix is a Job',
      pod('migrate-2-x', { kind: 'Job', name: 'migrate-2' }),
      undefined,
      'Job/migrate-2',
    ],
    ['StatefulSet is itself', pod('db-0', { kind: 'StatefulSet', name: 'db' }), undefined, 'StatefulSet/db'],
    [
      'DaemonSet is itself',
      pod('ne-x', { kind: 'DaemonSet', name: 'node-exporter' }),
      undefined,
      'DaemonSet/node-exporter',
    ],
    ['an unknown owner kind is kept', pod('r-x', { kind: 'Rollout', name: 'r' }), undefined, 'Rollout/r'],
    [
      'a static pod owned by its Node is a bare Pod',
      pod('kube-apiserver-a', { kind: 'Node', name: 'a' }),
      undefined,
      'Pod/kube-apiserver-a',
    ],
    ['no owner: a bare Pod', pod('debug'), undefined, 'Pod/debug'],
  ])('%s', (_name, p, idx, expected) => {
    const o = ownerOfPod(p, idx);
    expect(`${o.kind}/${o.name}`).toBe(expected);
  });

  it('follows the listed ReplicaSet and Job ownerReferences when an index is given', () => {
    const api = PODS.pods.find((p) => p.metadata.name === 'api-5d7f9b8c6d-l4k8m')!;
    expect(ownerOfPod(api, index)).toEqual({ kind: 'Deployment', name: 'api' });
    const backup = PODS.pods.find((p) => p.metadata.name === 'backup-29541600-q8r2n')!;
    expect(ownerOfPod(backup, index)).toEqual({ kind: 'CronJob', name: 'backup' });
    const migrate = PODS.pods.find((p) => p.metadata.name === 'db-migrate-k2j7w')!;
    expect(ownerOfPod(migrate, index)).toEqual({ kind: 'Job', name: 'db-migrate' });
  });

  it('strips names only when they have the controller-made suffix', () => {
    expect(deploymentFromReplicaSetName('web-7d9c6b5f4d', '7d9c6b5f4d')).toBe('web');
    expect(deploymentFromReplicaSetName('web-7d9c6b5f4d', 'other')).toBeNull();
    expect(cronJobFromJobName('report-29541600')).toBe('report');
    expect(cronJobFromJobName('report-1')).toBeNull();
  });
});

describe('live workloads', () => {
  const workloads = buildLiveWorkloads(PODS.pods, OBJECTS.controllers);
  const byName = (kind: string, name: string) => workloads.find((w) => w.kind === kind && w.name === name)!;

  it('groups pods under their top-level owner and hides ReplicaSets and CronJob Jobs', () => {
    expect(workloads.some((w) => w.kind === 'ReplicaSet')).toBe(false);
    expect(workloads.some((w) => w.kind === 'Job' && w.name.startsWith('backup-'))).toBe(false);
    expect(byName('Deployment', 'web').pods).toHaveLength(7);
    expect(
      byName('CronJob', 'backup')
        .pods.map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['backup-29541600-6wz9d', 'backup-29541600-q8r2n']);
    expect(byName('Pod', 'debug-shell').containers).toEqual([
      { name: 'debug-shell', image: 'nicolaka/netshoot', containerType: 'container' },
    ]);
  });

  it('dates a Deployment rollout from its newest ReplicaSet with the current template', () => {
    expect(byName('Deployment', 'api').rolloutStart).toBe('2026-03-10T10:00:00Z');
    expect(byName('StatefulSet', 'db').rolloutStart).toBe('2026-01-09T12:00:00Z');
  });

  it('marks scaled-to-zero workloads idle', () => {
    expect(byName('Deployment', 'payments').idle).toBe(true);
    expect(byName('Deployment', 'web').idle).toBe(false);
  });

  it('turns templates into ImageUse records with a cluster:// location', () => {
    const uses = liveUses([byName('Deployment', 'web')]);
    expect(uses).toEqual([
      expect.objectContaining({
        raw: 'registry.example.com/shop/web:2.3.1',
        file: 'cluster://shop/Deployment/web',
        line: 0,
        origin: 'cluster',
        container: 'web',
        namespace: 'shop',
      }),
    ]);
  });

  it('reads digests from imageIDs and ignores finished pods', () => {
    const run = runningImages(byName('Deployment', 'web'), 'web');
    expect(run.digests).toHaveLength(1);
    expect(run.statusImages).toEqual(['registry.example.com/shop/web:2.3.1']);
  });

  it.each([
    [`docker.io/library/nginx@sha256:${'a'.repeat(64)}`, 'docker.io/library/nginx'],
    [`docker-pullable://nginx@sha256:${'b'.repeat(64)}`, 'nginx'],
    [`sha256:${'c'.repeat(64)}`, null],
    ['', null],
  ])('parseImageId(%s)', (id, repo) => {
    expect(parseImageId(id)?.repository ?? null).toBe(repo);
  });
});

describe('dump files', () => {
  it('reads a kubectl List and judges it as of its newest timestamp (deletionTimestamp excluded)', () => {
    expect(PODS.pods).toHaveLength(44);
    expect(PODS.newest).toBe('2026-03-10T11:59:57Z');
    expect(OBJECTS.controllers).toHaveLength(22);
  });

  it('reads a typed PodList whose items have no kind, and YAML', () => {
    const list = parseDump(
      JSON.stringify({
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: {},
        items: [{ metadata: { name: 'a', namespace: 'x' }, spec: { containers: [] }, status: {} }],
      }),
      'f',
    );
    expect(list.pods.map((p) => p.metadata.name)).toEqual(['a']);
    const yaml = parseDump(
      'kind: Deployment\nmetadata: {name: d, namespace: x}\nspec: {template: {spec: {containers: [{name: c, image: nginx}]}}}\n',
      'f.yaml',
    );
    expect(yaml.controllers[0]).toMatchObject({
      kind: 'Deployment',
      name: 'd',
      template: { containers: [{ name: 'c', image: 'nginx' }] },
    });
  });

  it('counts kinds it does not use and rejects files that are not Kubernetes objects', () => {
    expect(
      parseDump(JSON.stringify({ kind: 'List', items: [{ kind: 'Service', metadata: { name: 's' } }] }), 'f')
        .ignored,
    ).toEqual({ Service: 1 });
    expect(() => parseDump('[1,2]', 'pods.json')).toThrow(/pods.json is not a Kubernetes object or List/);
    expect(() => parseDump('{"kind":', 'pods.json')).toThrow(/pods.json is not valid JSON or YAML/);
  });
});

describe('events in a dump', () => {
  it('keeps probe events and does not let their times move the dump time', () => {
    const events = JSON.parse(read('events.json')) as { items: unknown[] };
    const dump = parseDump(
      JSON.stringify({
        kind: 'List',
        items: [...(JSON.parse(read('pods.json')) as { items: unknown[] }).items, ...events.items],
      }),
      'all.json',
    );
    expect(dump.events.map((e) => e.reason)).toEqual([
      'Unhealthy',
      'Killing',
      'Unhealthy',
      'Unhealthy',
      'Killing',
    ]);
    expect(dump.newest).toBe('2026-03-10T11:59:57Z');
  });
});
