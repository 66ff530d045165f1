import { describe, expect, it } from 'vitest';
import { kubectlStatus } from '../../src/cluster/pod-display.js';
import type { ContainerStatusRecord, PodRecord } from '../../src/cluster/records.js';

function pod(p: {
  phase?: string;
  reason?: string;
  deleted?: boolean;
  init?: { name: string; sidecar?: boolean }[];
  initStatuses?: ContainerStatusRecord[];
  statuses?: ContainerStatusRecord[];
  conditions?: [string, string, string?][];
}): PodRecord {
  return {
    metadata: {
      name: 'p',
      namespace: 'ns',
      ...(p.deleted ? { deletionTimestamp: '2026-03-10T12:00:00Z' } : {}),
    },
    spec: {
      containers: [{ name: 'app' }],
      ...(p.init
        ? {
            initContainers: p.init.map((c) => ({
              name: c.name,
              ...(c.sidecar ? { restartPolicy: 'Always' } : {}),
            })),
          }
        : {}),
    },
    status: {
      ...(p.phase ? { phase: p.phase } : {}),
      ...(p.reason ? { reason: p.reason } : {}),
      ...(p.initStatuses ? { initContainerStatuses: p.initStatuses } : {}),
      ...(p.statuses ? { containerStatuses: p.statuses } : {}),
      ...(p.conditions
        ? {
            conditions: p.conditions.map(([type, status, reason]) => ({
              type,
              status,
              ...(reason ? { reason } : {}),
            })),
          }
        : {}),
    },
  };
}

const running = (name: string, ready = true, restartCount = 0): ContainerStatusRecord => ({
  name,
  ready,
  restartCount,
  state: { running: {} },
});

/** kubectl STATUS/RESTARTS cases from printers.go printPod. */
describe('kubectlStatus', () => {
  it.each<[string, PodRecord, string, number]>([
    ['running', pod({ phase: 'Running', statuses: [running('app', true, 3)] }), 'Running', 3],
    ['pending, no statuses', pod({ phase: 'Pending' }), 'Pending', 0],
    [
      'scheduling gated wins over the phase',
      pod({ phase: 'Pending', conditions: [['PodScheduled', 'False', 'SchedulingGated']] }),
      'SchedulingGated',
      0,
    ],
    ['status.reason wins over the phase', pod({ phase: 'Failed', reason: 'Evicted' }), 'Evicted', 0],
    [
      'init container waiting',
      pod({
        phase: 'Pending',
        init: [{ name: 'i' }],
        initStatuses: [{ name: 'i', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
        statuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }],
      }),
      'Init:CrashLoopBackOff',
      2,
    ],
    [
      'init container terminated without reason',
      pod({
        phase: 'Pending',
        init: [{ name: 'i' }],
        initStatuses: [{ name: 'i', state: { terminated: { exitCode: 3 } } }],
      }),
      'Init:ExitCode:3',
      0,
    ],
    [
      'init container killed by a signal',
      pod({
        phase: 'Pending',
        init: [{ name: 'i' }],
        initStatuses: [{ name: 'i', state: { terminated: { exitCode: 137, signal: 9 } } }],
      }),
      'Init:Signal:9',
      0,
    ],
    [
      'second of two init containers running',
      pod({
        phase: 'Pending',
        init: [{ name: 'a' }, { name: 'b' }],
        initStatuses: [
          { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'b', state: { running: {} } },
        ],
      }),
      'Init:1/2',
      0,
    ],
    [
      'a started sidecar does not block; its restarts count',
      pod({
        phase: 'Running',
        init: [{ name: 's', sidecar: true }],
        initStatuses: [{ name: 's', started: true, ready: true, restartCount: 4, state: { running: {} } }],
        statuses: [running('app', true, 1)],
        conditions: [['Initialized', 'True']],
      }),
      'Running',
      5,
    ],
    [
      'terminated container without reason',
      pod({ phase: 'Running', statuses: [{ name: 'app', state: { terminated: { exitCode: 2 } } }] }),
      'ExitCode:2',
      0,
    ],
    [
      'Completed with a container still running and Ready',
      pod({
        phase: 'Running',
        statuses: [
          running('app'),
          { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
        conditions: [['Ready', 'True']],
      }),
      'Running',
      0,
    ],
    [
      'Completed with a container still running, not Ready',
      pod({
        phase: 'Running',
        statuses: [
          running('app'),
          { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      }),
      'NotReady',
      0,
    ],
    ['being deleted', pod({ phase: 'Running', deleted: true, statuses: [running('app')] }), 'Terminating', 0],
    [
      'being deleted on a lost node',
      pod({ phase: 'Running', reason: 'NodeLost', deleted: true, statuses: [running('app')] }),
      'Unknown',
      0,
    ],
    [
      'a finished pod being deleted keeps its status',
      pod({
        phase: 'Succeeded',
        deleted: true,
        statuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      }),
      'Completed',
      0,
    ],
  ])('%s → %s', (_name, p, display, restarts) => {
    expect(kubectlStatus(p)).toEqual({ display, restarts });
  });
});
