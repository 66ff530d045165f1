/**
 * rollout_stuck for StatefulSets and DaemonSets from `kubectl get -o json` dumps (no managedFields): old pods
 * come from revision labels, the rollout start only from reliable timestamps, OnDelete is never stuck.
 */
import { describe, expect, it } from 'vitest';
import { computeDrift, type DriftOptions } from '../../src/cluster/drift.js';
import { buildLiveWorkloads } from '../../src/cluster/live.js';
import { compactController, compactPod } from '../../src/cluster/records.js';
import type { ImageUse } from '../../src/manifests/types.js';

const T0 = '2026-03-10T12:00:00Z';
const at = (minutes: number) =>
  new Date(Date.parse(T0) + minutes * 60_000).toISOString().replace('.000Z', 'Z');

function sts(kind: 'StatefulSet' | 'DaemonSet', extra: { generation?: number; strategy?: string } = {}) {
  return compactController(kind, {
    metadata: {
      name: 'db',
      namespace: 'shop',
      generation: extra.generation ?? 4,
      creationTimestamp: '2025-01-01T00:00:00Z',
    },
    spec: {
      replicas: 2,
      updateStrategy: { type: extra.strategy ?? 'RollingUpdate' },
      template: { spec: { containers: [{ name: 'app', image: 'postgres:16.3' }] } },
    },
    status: kind === 'StatefulSet' ? { updateRevision: 'db-new', currentRevision: 'db-old' } : {},
  });
}

function pod(name: string, image: string, created: string, labels: Record<string, string>, owner: string) {
  return compactPod({
    metadata: {
      name,
      namespace: 'shop',
      creationTimestamp: created,
      labels,
      ownerReferences: [{ kind: owner, name: 'db', controller: true, apiVersion: 'apps/v1', uid: 'u' }],
    },
    spec: { containers: [{ name: 'app', image }] },
    status: {
      phase: 'Running',
      startTime: created,
      containerStatuses: [
        { name: 'app', image, imageID: '', ready: true, restartCount: 0, state: { running: {} } },
      ],
    },
  });
}

const desired: ImageUse[] = [
  {
    raw: 'postgres:16.3',
    file: 'db.yaml',
    line: 9,
    column: 18,
    docIndex: 0,
    kind: 'StatefulSet',
    apiVersion: 'apps/v1',
    namespace: 'shop',
    name: 'db',
    container: 'app',
    containerType: 'container',
  },
];

function statusAt(minutes: number, controller: ReturnType<typeof sts>, pods: ReturnType<typeof pod>[]) {
  const opts: DriftOptions = {
    defaultNamespace: 'shop',
    rolloutGrace: 900,
    now: Date.parse(at(minutes)),
    reportNotInGit: false,
  };
  const uses = desired.map((u) => ({ ...u, kind: controller.kind }));
  const [e] = computeDrift(uses, buildLiveWorkloads(pods, [controller]), opts);
  return e;
}

describe('StatefulSet rollouts without managedFields', () => {
  const c = sts('StatefulSet');
  const pods = [
    pod('db-1', 'postgres:16.3', T0, { 'controller-revision-hash': 'db-new' }, 'StatefulSet'),
    pod(
      'db-0',
      'postgres:16.2',
      '2025-06-01T00:00:00Z',
      { 'controller-revision-hash': 'db-old' },
      'StatefulSet',
    ),
  ];

  it('is not stuck right after the rollout started (the controller creation time is not a start)', () => {
    expect(statusAt(2, c, pods)?.status).toBe('in_sync');
  });

  it('is stuck once the oldest current-revision pod is older than the grace, naming only old pods', () => {
    const e = statusAt(60, c, pods);
    expect(e?.status).toBe('rollout_stuck');
    expect(e?.message).toContain('db-0');
    expect(e?.message).not.toContain('db-1');
  });

  it('is never stuck when the start is unknown (no pod on the current revision yet)', () => {
    expect(statusAt(10_000, c, [pods[1]!])?.status).toBe('in_sync');
  });

  it('dates a never-changed controller (generation 1) from its creation', () => {
    const fresh = sts('StatefulSet', { generation: 1 });
    expect(statusAt(60, fresh, [pods[1]!])?.status).toBe('rollout_stuck');
  });

  it('ignores pods on another image that the controller says are current', () => {
    const odd = [
      pods[0]!,
      pod('db-2', 'postgres:16.2', T0, { 'controller-revision-hash': 'db-new' }, 'StatefulSet'),
    ];
    expect(statusAt(60, c, odd)?.status).toBe('in_sync');
  });

  it('never calls an OnDelete StatefulSet stuck', () => {
    expect(statusAt(10_000, sts('StatefulSet', { strategy: 'OnDelete' }), pods)?.status).toBe('in_sync');
  });
});

describe('DaemonSet rollouts without managedFields', () => {
  const c = sts('DaemonSet');
  const pods = [
    pod('db-a', 'postgres:16.3', T0, { 'pod-template-generation': '4' }, 'DaemonSet'),
    pod('db-b', 'postgres:16.2', '2025-06-01T00:00:00Z', { 'pod-template-generation': '3' }, 'DaemonSet'),
  ];

  it('uses pod-template-generation against metadata.generation', () => {
    expect(statusAt(2, c, pods)?.status).toBe('in_sync');
    const e = statusAt(60, c, pods);
    expect(e?.status).toBe('rollout_stuck');
    expect(e?.message).toContain('db-b');
  });

  it('never calls an OnDelete DaemonSet stuck', () => {
    expect(statusAt(10_000, sts('DaemonSet', { strategy: 'OnDelete' }), pods)?.status).toBe('in_sync');
  });
});
