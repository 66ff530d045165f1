import { describe, expect, it } from 'vitest';
import { computeDrift, type DriftOptions, normalizeImage, sameImage } from '../../src/cluster/drift.js';
import type { LiveWorkload } from '../../src/cluster/live.js';
import type { PodRecord } from '../../src/cluster/records.js';
import type { ImageUse } from '../../src/manifests/types.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

function use(
  kind: string,
  namespace: string | null,
  name: string,
  container: string,
  raw: string,
  line = 10,
): ImageUse {
  return {
    raw,
    file: 'deploy/app.yaml',
    line,
    column: 18,
    docIndex: 0,
    kind,
    apiVersion: 'apps/v1',
    namespace,
    name,
    container,
    containerType: 'container',
  };
}

function pod(
  name: string,
  image: string,
  imageID = '',
  extra: Partial<PodRecord['metadata']> = {},
): PodRecord {
  return {
    metadata: { name, namespace: 'shop', ...extra },
    spec: { containers: [{ name: 'app', image }] },
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'app', image, imageID, ready: true, state: { running: {} } }],
    },
  };
}

function workload(
  name: string,
  image: string,
  pods: PodRecord[] = [],
  extra: Partial<LiveWorkload> = {},
): LiveWorkload {
  return {
    kind: 'Deployment',
    namespace: 'shop',
    name,
    controller: null,
    containers: [{ name: 'app', image, containerType: 'container' }],
    spec: null,
    pods,
    rolloutStart: '2026-03-10T11:00:00Z',
    idle: false,
    ...extra,
  };
}

const OPTIONS: DriftOptions = {
  defaultNamespace: 'shop',
  rolloutGrace: 900,
  now: NOW,
  reportNotInGit: false,
};

describe('normalisation', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest', true],
    ['nginx:1.25', 'docker.io/library/nginx:1.25', true],
    ['library/nginx', 'nginx:latest', true],
    ['nginx:1.25', 'nginx:1.26', false],
    [`nginx:1.25@${DIGEST_A}`, `docker.io/library/nginx@${DIGEST_A}`, true],
    [`nginx@${DIGEST_A}`, 'nginx:1.25', false],
    ['ghcr.io/org/app:1', 'docker.io/org/app:1', false],
  ])('%s vs %s → same: %s', (a, b, same) => {
    expect(sameImage(a, b)).toBe(same);
  });

  it('leaves an invalid reference as written', () => {
    expect(normalizeImage('Bad/Image:1')).toBe('Bad/Image:1');
  });
});

describe('computeDrift: one row per status', () => {
  it.each([
    [
      'in_sync after normalisation',
      [use('Deployment', 'shop', 'web', 'app', 'docker.io/library/nginx:latest')],
      [workload('web', 'nginx')],
      'in_sync',
    ],
    [
      'drifted',
      [use('Deployment', 'shop', 'web', 'app', 'nginx:1.26')],
      [workload('web', 'nginx:1.25')],
      'drifted',
    ],
    [
      'default namespace applies to a manifest without one',
      [use('Deployment', null, 'web', 'app', 'nginx:1.25')],
      [workload('web', 'nginx:1.25')],
      'in_sync',
    ],
    [
      'missing_in_cluster',
      [use('Deployment', 'shop', 'gone', 'app', 'nginx:1.25')],
      [],
      'missing_in_cluster',
    ],
    [
      'another kind with the same name is not the same workload',
      [use('StatefulSet', 'shop', 'web', 'app', 'nginx:1.25')],
      [workload('web', 'nginx:1.25')],
      'missing_in_cluster',
    ],
  ])('%s', (_name, desired, live, status) => {
    const entries = computeDrift(desired, live, OPTIONS);
    expect(entries.map((e) => e.status)).toEqual([status]);
  });

  it('keeps file and line of the desired use and both images', () => {
    const [e] = computeDrift(
      [use('Deployment', 'shop', 'web', 'app', 'nginx:1.26', 42)],
      [workload('web', 'nginx:1.25')],
      OPTIONS,
    );
    expect(e).toMatchObject({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      container: 'app',
      desired: 'nginx:1.26',
      live: 'nginx:1.25',
      status: 'drifted',
      file: 'deploy/app.yaml',
      line: 42,
    });
    expect(e!.message).toContain('deploy/app.yaml:42');
  });

  it('reports not_in_git only when asked, and only for workloads no manifest describes', () => {
    const live = [workload('web', 'nginx:1.25'), workload('unmanaged', 'redis:7')];
    const desired = [use('Deployment', 'shop', 'web', 'app', 'nginx:1.25')];
    expect(computeDrift(desired, live, OPTIONS).map((e) => e.status)).toEqual(['in_sync']);
    const all = computeDrift(desired, live, { ...OPTIONS, reportNotInGit: true });
    expect(all.map((e) => [e.name, e.status, e.desired, e.file])).toEqual([
      ['unmanaged', 'not_in_git', null, null],
      ['web', 'in_sync', 'nginx:1.25', 'deploy/app.yaml'],
    ]);
  });

  it('does not call a workload missing when its namespace or kind was not seen', () => {
    const desired = [use('Deployment', 'shop', 'gone', 'app', 'nginx:1.25')];
    expect(computeDrift(desired, [], { ...OPTIONS, isSeen: () => false })).toEqual([]);
  });

  it('ignores kinds the cluster side does not list and ephemeral containers', () => {
    const rollout = use('Rollout', 'shop', 'web', 'app', 'nginx:1');
    const eph = {
      ...use('Pod', 'shop', 'debug', 'dbg', 'busybox'),
      containerType: 'ephemeralContainer' as const,
    };
    expect(computeDrift([rollout, eph], [], OPTIONS)).toEqual([]);
  });

  it('counts several desired uses for one key (base and overlay) as in sync when one matches', () => {
    const desired = [
      use('Deployment', 'shop', 'web', 'app', 'nginx:1.24', 5),
      use('Deployment', 'shop', 'web', 'app', 'nginx:1.25', 9),
    ];
    const [e] = computeDrift(desired, [workload('web', 'nginx:1.25')], OPTIONS);
    expect([e!.status, e!.line]).toEqual(['in_sync', 9]);
  });
});

describe('computeDrift: rollouts, digests and tags', () => {
  const stale = [
    pod('web-1', 'nginx:1.24', `docker.io/library/nginx@${DIGEST_A}`),
    pod('web-2', 'nginx:1.25', `docker.io/library/nginx@${DIGEST_B}`),
  ];

  it('marks pods still on the old image after rolloutGrace as rollout_stuck', () => {
    const [e] = computeDrift(
      [use('Deployment', 'shop', 'web', 'app', 'nginx:1.25')],
      [workload('web', 'nginx:1.25', stale)],
      OPTIONS,
    );
    expect(e!.status).toBe('rollout_stuck');
    expect(e!.message).toContain('web-1');
    expect(e!.liveDigests).toEqual([DIGEST_A, DIGEST_B]);
    expect(e!.podImages).toEqual(['nginx:1.24', 'nginx:1.25']);
  });

  it('gives a rollout its grace, measured from the rollout start', () => {
    const w = workload('web', 'nginx:1.25', stale, { rolloutStart: '2026-03-10T11:50:00Z' });
    expect(
      computeDrift([use('Deployment', 'shop', 'web', 'app', 'nginx:1.25')], [w], OPTIONS)[0]!.status,
    ).toBe('in_sync');
  });

  it('never calls CronJob pods from an older Job stuck', () => {
    const w = workload('backup', 'backup:2', [pod('backup-1', 'backup:1')], { kind: 'CronJob' });
    expect(computeDrift([use('CronJob', 'shop', 'backup', 'app', 'backup:2')], [w], OPTIONS)[0]!.status).toBe(
      'in_sync',
    );
  });

  it('ignores pods being deleted', () => {
    const w = workload('web', 'nginx:1.25', [
      pod('web-1', 'nginx:1.24', '', { deletionTimestamp: '2026-03-10T11:59:00Z' }),
    ]);
    expect(
      computeDrift([use('Deployment', 'shop', 'web', 'app', 'nginx:1.25')], [w], OPTIONS)[0]!.status,
    ).toBe('in_sync');
  });

  it('keeps drifted when the template differs from git, and names stuck pods in the message', () => {
    const [e] = computeDrift(
      [use('Deployment', 'shop', 'web', 'app', 'nginx:1.26')],
      [workload('web', 'nginx:1.25', stale)],
      OPTIONS,
    );
    expect(e!.status).toBe('drifted');
    expect(e!.message).toContain('web-1');
  });

  it('marks a tag that now points to another digest than pods run (tag moved)', () => {
    const pods = [pod('web-1', 'nginx:1.25', `docker.io/library/nginx@${DIGEST_A}`)];
    const checks = new Map([
      ['docker.io/library/nginx:1.25', { status: 'available' as const, digest: DIGEST_B }],
    ]);
    const [e] = computeDrift(
      [use('Deployment', 'shop', 'web', 'app', 'nginx:1.25')],
      [workload('web', 'nginx:1.25', pods)],
      { ...OPTIONS, checks },
    );
    expect([e!.status, e!.tagMoved, e!.registryDigest]).toEqual(['in_sync', true, DIGEST_B]);
    const same = new Map([
      ['docker.io/library/nginx:1.25', { status: 'available' as const, digest: DIGEST_A }],
    ]);
    const [f] = computeDrift(
      [use('Deployment', 'shop', 'web', 'app', 'nginx:1.25')],
      [workload('web', 'nginx:1.25', pods)],
      { ...OPTIONS, checks: same },
    );
    expect(f!.tagMoved).toBeUndefined();
  });

  it('does not call a tag moved during a rollout: only pods on the template image are compared', () => {
    // The template moved from nginx:1.24 to nginx:1.25; web-old still runs 1.24 (another digest).
    const pods = [
      pod('web-new', 'nginx:1.25', `docker.io/library/nginx@${DIGEST_B}`),
      pod('web-old', 'nginx:1.24', `docker.io/library/nginx@${DIGEST_A}`),
    ];
    const checks = new Map([
      ['docker.io/library/nginx:1.25', { status: 'available' as const, digest: DIGEST_B }],
    ]);
    const [e] = computeDrift(
      [use('Deployment', 'shop', 'web', 'app', 'nginx:1.25')],
      [workload('web', 'nginx:1.25', pods, { rolloutStart: '2026-03-10T11:59:00Z' })],
      { ...OPTIONS, checks },
    );
    expect(e!.tagMoved).toBeUndefined();
    expect(e!.liveDigests).toEqual([DIGEST_A, DIGEST_B]);
    // A pod on the template's own image with another digest is a moved tag.
    const moved = [...pods, pod('web-new2', 'nginx:1.25', `docker.io/library/nginx@${DIGEST_A}`)];
    const [f] = computeDrift(
      [use('Deployment', 'shop', 'web', 'app', 'nginx:1.25')],
      [workload('web', 'nginx:1.25', moved, { rolloutStart: '2026-03-10T11:59:00Z' })],
      { ...OPTIONS, checks },
    );
    expect(f!.tagMoved).toBe(true);
  });

  it('reports dirty and mutable tags running live with the tag policy', () => {
    const tagPolicy = { dirtyPatterns: ['-dirty$'], mutableTags: ['main'] };
    const live = [
      workload('a', 'app:1.2-dirty'),
      workload('b', 'app:main'),
      workload('c', 'app'),
      workload('d', 'app:1.2'),
    ];
    const desired = live.map((w) => use('Deployment', 'shop', w.name, 'app', w.containers[0]!.image));
    const rules = computeDrift(desired, live, { ...OPTIONS, tagPolicy }).map((e) =>
      (e.tagFindings ?? []).map((t) => t.rule),
    );
    expect(rules).toEqual([['dirty-tag'], ['mutable-tag'], ['missing-tag'], []]);
  });
});
