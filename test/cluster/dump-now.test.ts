/** A dump's `now` comes from object timestamps only, never from values such as env vars or annotations. */
import { describe, expect, it } from 'vitest';
import { parseDump } from '../../src/cluster/dump.js';

function podWith(extra: { env?: string; annotation?: string; deletion?: string } = {}) {
  return {
    kind: 'Pod',
    metadata: {
      name: 'a',
      namespace: 'x',
      creationTimestamp: '2026-03-10T10:00:00Z',
      annotations: extra.annotation ? { 'deploy.example/at': extra.annotation } : {},
      ...(extra.deletion ? { deletionTimestamp: extra.deletion } : {}),
    },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'nginx',
          env: extra.env ? [{ name: 'EXPIRES', value: extra.env }] : [],
          args: ['--until=2030-01-01T00:00:00Z'],
        },
      ],
    },
    status: {
      phase: 'Running',
      startTime: '2026-03-10T10:00:01Z',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-03-10T10:00:30Z' }],
      containerStatuses: [
        {
          name: 'c',
          image: 'nginx',
          imageID: '',
          ready: true,
          restartCount: 1,
          state: { running: { startedAt: '2026-03-10T10:00:20Z' } },
          lastState: {
            terminated: { startedAt: '1970-01-01T00:00:00Z', finishedAt: '2026-03-10T10:00:40Z' },
          },
        },
      ],
    },
  };
}

describe('dump now', () => {
  it('ignores env values, args and annotations that look like times', () => {
    const dump = parseDump(
      JSON.stringify({
        kind: 'List',
        items: [podWith({ env: '2027-01-01T00:00:00Z', annotation: '2028-05-05T00:00:00Z' })],
      }),
      'pods.json',
    );
    expect(dump.newest).toBe('2026-03-10T10:00:40Z');
  });

  it('reads creation, conditions, container state times and managedFields; not deletionTimestamp', () => {
    const ctrl = {
      kind: 'Deployment',
      metadata: {
        name: 'd',
        namespace: 'x',
        creationTimestamp: '2026-03-01T00:00:00Z',
        managedFields: [{ manager: 'kubectl', operation: 'Update', time: '2026-03-10T11:00:00Z' }],
      },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      status: { conditions: [{ type: 'Progressing', lastUpdateTime: '2026-03-10T11:30:00Z' }] },
    };
    const dump = parseDump(
      JSON.stringify({ kind: 'List', items: [podWith({ deletion: '2026-03-10T12:30:00Z' }), ctrl] }),
      'all.json',
    );
    expect(dump.newest).toBe('2026-03-10T11:30:00Z');
  });
});
