/** Live objects for the GitOps layout tests: controllers as the API server lists them, by resource. */

/** One live workload: kind, namespace, name and its containers' template images. */
export interface LiveSpec {
  kind: 'Deployment' | 'StatefulSet' | 'CronJob';
  namespace: string;
  name: string;
  containers: Record<string, string>;
}

const RESOURCE = { Deployment: 'deployments', StatefulSet: 'statefulsets', CronJob: 'cronjobs' } as const;

function podSpec(containers: Record<string, string>) {
  return { containers: Object.entries(containers).map(([name, image]) => ({ name, image })) };
}

function objectOf(w: LiveSpec): Record<string, unknown> {
  const metadata = {
    name: w.name,
    namespace: w.namespace,
    uid: `uid-${w.namespace}-${w.name}`,
    generation: 1,
    creationTimestamp: '2026-03-01T00:00:00Z',
    labels: { app: w.name },
  };
  const template = { metadata: { labels: { app: w.name } }, spec: podSpec(w.containers) };
  if (w.kind === 'CronJob')
    return {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata,
      spec: { schedule: '0 3 * * *', suspend: false, jobTemplate: { spec: { template } } },
      status: {},
    };
  return {
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata,
    spec: { replicas: 1, selector: { matchLabels: { app: w.name } }, template },
    status: {
      observedGeneration: 1,
      replicas: 1,
      readyReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
    },
  };
}

/** The objects of {@link startFakeKube} for these workloads (no pods: drift only). */
export function liveObjects(workloads: LiveSpec[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {
    pods: [],
    deployments: [],
    statefulsets: [],
    daemonsets: [],
    replicasets: [],
    jobs: [],
    cronjobs: [],
  };
  for (const w of workloads) out[RESOURCE[w.kind]]!.push(objectOf(w));
  return out;
}
