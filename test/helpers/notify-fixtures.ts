/** Pod and object edits the notice tests make to the fixture dump (fixtures/cluster/dump). */

export interface Container {
  name: string;
  image: string;
  imageID?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: unknown;
  lastState?: unknown;
}
export interface PodJson {
  metadata: { name: string };
  spec: { containers: { name: string; image: string }[] };
  status: { conditions?: { type: string; status: string }[]; containerStatuses: Container[] };
}
export interface ObjectJson {
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: { containers: { name: string; image: string }[] } } };
}

export /** The dump's pods with db-0 crash-looping (H10). */
function crashingDb(pods: PodJson[]): PodJson[] {
  const out = structuredClone(pods);
  const db = out.find((p) => p.metadata.name === 'db-0')!;
  const c = db.status.containerStatuses[0]!;
  Object.assign(c, {
    ready: false,
    started: false,
    restartCount: 7,
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: 'back-off 5m0s restarting failed container=postgres @channel <!here>',
      },
    },
    lastState: {
      terminated: {
        exitCode: 1,
        reason: 'Error',
        startedAt: '2026-03-10T11:57:00Z',
        finishedAt: '2026-03-10T11:58:00Z',
      },
    },
  });
  for (const cond of db.status.conditions ?? [])
    if (cond.type === 'Ready' || cond.type === 'ContainersReady') cond.status = 'False';
  return out;
}
