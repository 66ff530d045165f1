/**
 * The only I/O with the Kubernetes API server. Loads a kubeconfig (file, text, context, in-cluster) with
 * `@kubernetes/client-node`, which handles client certificates, bearer tokens and exec plugins as kubectl
 * does, and lists workloads and pods page by page (`limit` + `continue`) into compact records.
 *
 * Failure policy: an RBAC 403 (or a kind the server does not serve) on one namespace or kind becomes a
 * `ClusterError` naming the missing permission and the rest goes on; not being able to reach or authenticate
 * to the server, or every list failing, throws a `KubeAccessError` so the run fails and changes nothing.
 */

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { describeListError, type ListFailure } from './kube-errors.js';
import {
  CONTROLLER_KINDS,
  type ControllerRecord,
  compactController,
  compactEvent,
  compactPod,
  type EventRecord,
  type PodRecord,
} from './records.js';
import type { ClusterError } from './types.js';

export { describeListError, type ListFailure } from './kube-errors.js';

/** Where the kubeconfig comes from. With nothing set, `KUBECONFIG`/`~/.kube/config`/in-cluster as kubectl does. */
export interface KubeAccess {
  /** Path of a kubeconfig file. */
  kubeconfigPath?: string;
  /** Kubeconfig YAML text (an action secret): parsed in memory, never written to disk. */
  kubeconfigText?: string;
  /** Context to use instead of the current one. */
  context?: string;
  /** Use the pod's service account (`/var/run/secrets/kubernetes.io/serviceaccount`). */
  inCluster?: boolean;
  /** Root under which the service-account files are found (tests); default `/`. */
  inClusterPathPrefix?: string;
  /** Environment for finding the default kubeconfig (`KUBECONFIG`, `HOME`, in-cluster); default `process.env`. */
  env?: Record<string, string | undefined>;
}

/**
 * Returns null when the default loading finds a kubeconfig (`$KUBECONFIG`, `~/.kube/config`) or runs in a pod,
 * else a message saying where it looked and what to do: the client library would otherwise fall back to
 * `http://localhost:8080` and fail with a connection error that names none of this.
 */
export function missingDefaultKubeconfig(env: Record<string, string | undefined>): string | null {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (listed.some((f) => existsSync(f))) return null;
  const home = join(env.HOME || homedir(), '.kube', 'config');
  if (listed.length === 0 && existsSync(home)) return null;
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return null;
  const kubeconfigVar = listed.length
    ? `$KUBECONFIG (${listed.join(delimiter)}: not found)`
    : '$KUBECONFIG (unset)';
  const homeText = listed.length ? `${home} (not read while $KUBECONFIG is set)` : `${home} (not found)`;
  return `No kubeconfig found. Looked at --kubeconfig (not given), ${kubeconfigVar}, ${homeText} and in-cluster (KUBERNETES_SERVICE_HOST is unset). Pass --kubeconfig FILE (or the kubeconfig input), or judge dumps offline: --pods-file pods.json (kubectl get pods -A -o json) and --objects-file objects.json.`;
}

/** Thrown when the cluster cannot be used at all: nothing was (or can be) seen, so nothing may change. */
export class KubeAccessError extends Error {
  override name = 'KubeAccessError';
  /** Every list failure seen before giving up. */
  readonly errors: ClusterError[];
  constructor(message: string, errors: ClusterError[] = []) {
    super(message);
    this.errors = errors;
  }
}

/**
 * An `http://` server (e.g. `kubectl proxy`) is used as kubectl uses it: the client library refuses plain HTTP
 * unless `insecure-skip-tls-verify` is set, which means nothing without TLS, so it is set for those clusters.
 */
function allowPlainHttp(kc: KubeConfig): void {
  if (!kc.clusters.some((c) => c.server.startsWith('http://') && !c.skipTLSVerify)) return;
  kc.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.server.startsWith('http://') ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
}

/** Returns a loaded `KubeConfig`, or throws a `KubeAccessError` saying which source is unusable and why. */
export function loadKubeConfig(access: KubeAccess = {}): KubeConfig {
  const kc = new KubeConfig();
  let source = 'the kubeconfig';
  try {
    if (access.kubeconfigText !== undefined) {
      source = 'the kubeconfig text';
      kc.loadFromString(access.kubeconfigText);
    } else if (access.kubeconfigPath) {
      source = `kubeconfig ${access.kubeconfigPath}`;
      kc.loadFromFile(access.kubeconfigPath);
    } else if (access.inCluster) {
      source = 'the in-cluster service account';
      if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT)
        throw new Error('KUBERNETES_SERVICE_HOST/PORT are not set, so this is not running in a pod');
      kc.loadFromCluster(access.inClusterPathPrefix ?? '');
    } else {
      const missing = missingDefaultKubeconfig(access.env ?? process.env);
      if (missing) throw new KubeAccessError(missing);
      source = 'the default kubeconfig (KUBECONFIG, ~/.kube/config or in-cluster)';
      kc.loadFromDefault();
    }
  } catch (err: unknown) {
    if (err instanceof KubeAccessError) throw err;
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new KubeAccessError(`Cannot load ${source}: ${reason}; pass a valid kubeconfig.`);
  }
  allowPlainHttp(kc);
  if (access.context) {
    if (!kc.getContextObject(access.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeAccessError(
        `Context ${JSON.stringify(access.context)} is not in ${source} (contexts: ${known.join(', ') || 'none'}); pass one of them.`,
      );
    }
    kc.setCurrentContext(access.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeAccessError(
      `${source} has no cluster for context ${JSON.stringify(kc.getCurrentContext())}; set current-context or pass a context.`,
    );
  }
  return kc;
}

/**
 * Returns every secret a kubeconfig holds, for the run's secret registry: users' tokens, passwords and client
 * keys (as written, base64, and decoded), and the tokens of auth-provider blocks. Pure.
 */
export function kubeconfigSecrets(kc: KubeConfig): string[] {
  const out: string[] = [];
  for (const user of kc.getUsers()) {
    out.push(user.token ?? '', user.password ?? '');
    if (user.keyData) out.push(user.keyData, Buffer.from(user.keyData, 'base64').toString('utf8'));
    const config: unknown = (user.authProvider as { config?: unknown } | undefined)?.config;
    if (config && typeof config === 'object')
      for (const [key, value] of Object.entries(config))
        if (typeof value === 'string' && /token|secret|password/i.test(key)) out.push(value);
  }
  return out.filter((s) => s.length > 0);
}

/** Resources cluster mode lists, as plural API names. */
export type ListedResource =
  | 'events'
  | 'pods'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'cronjobs'
  | 'jobs'
  | 'replicasets';

/** Every listed resource, in listing order. */
export const LISTED_RESOURCES: readonly ListedResource[] = [
  'deployments',
  'statefulsets',
  'daemonsets',
  'cronjobs',
  'jobs',
  'replicasets',
  'pods',
];

/** Page size: the API server's own default chunk size for `kubectl get` is 500. */
export const DEFAULT_PAGE_SIZE = 500;

/** What to list. */
export interface ListScope {
  /** Only these namespaces (listed one by one). Default: all namespaces, with one cluster-scope list. */
  namespaces?: string[];
  /** Namespaces to leave out (a `metadata.namespace!=` field selector, checked again on our side). */
  excludeNamespaces?: string[];
  /** `limit` per request; 0 lists in one request. Default 500. */
  pageSize?: number;
  /** Resources to list. Default: all of {@link LISTED_RESOURCES}. */
  resources?: readonly ListedResource[];
  /** Parallel list requests. Default 4. */
  concurrency?: number;
}

interface ListPage {
  items?: unknown[];
  metadata?: { _continue?: string; continue?: string };
}

interface ListParams {
  namespace?: string;
  limit?: number;
  _continue?: string;
  fieldSelector?: string;
}

interface Clients {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  custom: CustomObjectsApi;
}

type Lister = (c: Clients, p: ListParams) => Promise<ListPage>;

const LISTERS: Record<ListedResource, { all: Lister; namespaced: Lister }> = {
  events: {
    all: (c, p) => c.core.listEventForAllNamespaces(p),
    namespaced: (c, p) => c.core.listNamespacedEvent({ ...p, namespace: p.namespace ?? '' }),
  },
  pods: {
    all: (c, p) => c.core.listPodForAllNamespaces(p),
    namespaced: (c, p) => c.core.listNamespacedPod({ ...p, namespace: p.namespace ?? '' }),
  },
  deployments: {
    all: (c, p) => c.apps.listDeploymentForAllNamespaces(p),
    namespaced: (c, p) => c.apps.listNamespacedDeployment({ ...p, namespace: p.namespace ?? '' }),
  },
  statefulsets: {
    all: (c, p) => c.apps.listStatefulSetForAllNamespaces(p),
    namespaced: (c, p) => c.apps.listNamespacedStatefulSet({ ...p, namespace: p.namespace ?? '' }),
  },
  daemonsets: {
    all: (c, p) => c.apps.listDaemonSetForAllNamespaces(p),
    namespaced: (c, p) => c.apps.listNamespacedDaemonSet({ ...p, namespace: p.namespace ?? '' }),
  },
  replicasets: {
    all: (c, p) => c.apps.listReplicaSetForAllNamespaces(p),
    namespaced: (c, p) => c.apps.listNamespacedReplicaSet({ ...p, namespace: p.namespace ?? '' }),
  },
  cronjobs: {
    all: (c, p) => c.batch.listCronJobForAllNamespaces(p),
    namespaced: (c, p) => c.batch.listNamespacedCronJob({ ...p, namespace: p.namespace ?? '' }),
  },
  jobs: {
    all: (c, p) => c.batch.listJobForAllNamespaces(p),
    namespaced: (c, p) => c.batch.listNamespacedJob({ ...p, namespace: p.namespace ?? '' }),
  },
};

/** Returns the API clients of a KubeConfig. */
export function makeClients(kc: KubeConfig): Clients {
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

/**
 * `batch/v1beta1` CronJobs, for API servers before Kubernetes 1.21 that do not serve `batch/v1` CronJobs (the
 * generated client has no v1beta1 API any more; the generic list has the same List shape).
 */
const LEGACY_CRONJOBS: { all: Lister; namespaced: Lister } = {
  all: (c, p) =>
    c.custom.listClusterCustomObject({ group: 'batch', version: 'v1beta1', plural: 'cronjobs', ...p }),
  namespaced: (c, p) =>
    c.custom.listNamespacedCustomObject({
      group: 'batch',
      version: 'v1beta1',
      plural: 'cronjobs',
      ...p,
      namespace: p.namespace ?? '',
    }),
};

function namespaceFilter(scope: ListScope): (ns: string) => boolean {
  const excluded = new Set(scope.excludeNamespaces ?? []);
  return (ns) => !excluded.has(ns);
}

/**
 * Lists one resource (cluster-wide or in one namespace) page by page, turning each item into a compact record
 * as its page arrives. An expired `continue` token (410) restarts the list once from the beginning.
 */
export async function listCompact<T>(
  clients: Clients,
  resource: ListedResource,
  namespace: string | undefined,
  options: {
    pageSize?: number;
    excludeNamespaces?: string[];
    /** Extra field selector terms (`reason=Unhealthy`), combined with the namespace exclusions. */
    fieldSelector?: string;
    compact: (item: unknown) => T;
    /** List `batch/v1beta1` CronJobs (servers before 1.21). */
    legacy?: boolean;
  },
): Promise<{ items: T[]; pages: number }> {
  const listers = options.legacy ? LEGACY_CRONJOBS : LISTERS[resource];
  const lister = namespace === undefined ? listers.all : listers.namespaced;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const excluded = new Set(options.excludeNamespaces ?? []);
  const terms = [
    ...(options.fieldSelector ? [options.fieldSelector] : []),
    ...(namespace === undefined ? [...excluded].map((ns) => `metadata.namespace!=${ns}`) : []),
  ];
  const fieldSelector = terms.length ? terms.join(',') : undefined;
  let restarted = false;
  for (;;) {
    const items: T[] = [];
    let pages = 0;
    let token: string | undefined;
    try {
      do {
        const params: ListParams = {};
        if (namespace !== undefined) params.namespace = namespace;
        if (pageSize > 0) params.limit = pageSize;
        if (token) params._continue = token;
        if (fieldSelector) params.fieldSelector = fieldSelector;
        const page = await lister(clients, params);
        pages++;
        for (const item of page.items ?? []) {
          const ns = (item as { metadata?: { namespace?: string } }).metadata?.namespace;
          if (ns !== undefined && excluded.has(ns)) continue;
          items.push(options.compact(item));
        }
        token = page.metadata?._continue ?? page.metadata?.continue;
      } while (token);
      return { items, pages };
    } catch (err: unknown) {
      // 410 Expired: the continue token outlived etcd's compaction window; the list must start over.
      if (err instanceof ApiException && err.code === 410 && token && !restarted) {
        restarted = true;
        continue;
      }
      throw err;
    }
  }
}

/** A listing of the cluster: compact pods and controllers plus what could not be listed. */
export interface ClusterSnapshot {
  server: string;
  pods: PodRecord[];
  controllers: ControllerRecord[];
  errors: ClusterError[];
  /** True when every list succeeded. */
  complete: boolean;
  /** Requests made (pages), for diagnostics and the benchmark. */
  pages: number;
  /** Notes that do not make the listing incomplete (each said once), e.g. CronJobs listed as batch/v1beta1. */
  warnings?: string[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs tasks with bounded concurrency; the first rejection rejects the whole run. */
async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
}

/** Lists one resource in one namespace (or all); CronJobs fall back to batch/v1beta1 on a 404. */
async function listResource(o: {
  clients: Clients;
  resource: ListedResource;
  namespace: string | undefined;
  scope: ListScope;
}): Promise<{ pods?: PodRecord[]; controllers?: ControllerRecord[]; pages: number; legacy: boolean }> {
  const { clients, resource, namespace, scope } = o;
  const paging = { pageSize: scope.pageSize, excludeNamespaces: scope.excludeNamespaces };
  if (resource === 'pods') {
    const r = await listCompact(clients, resource, namespace, { ...paging, compact: (x) => compactPod(x) });
    return { pods: r.items, pages: r.pages, legacy: false };
  }
  const kind = CONTROLLER_KINDS[resource]!;
  const list = (legacy: boolean) =>
    listCompact(clients, resource, namespace, {
      ...paging,
      compact: (x) => compactController(kind, x),
      legacy,
    });
  let legacy = false;
  const r = await list(false).catch(async (err: unknown) => {
    if (resource !== 'cronjobs' || !(err instanceof ApiException) || err.code !== 404) throw err;
    legacy = true;
    return list(true);
  });
  return { controllers: r.items, pages: r.pages, legacy };
}

/** Lists ran concurrently: sorts pods, controllers and errors so a run's output does not depend on timing. */
function sortSnapshot(snapshot: ClusterSnapshot): void {
  const key = (ns: string, kind: string, name: string) => `${ns}\u0000${kind}\u0000${name}`;
  snapshot.pods.sort((a, b) =>
    cmp(key(a.metadata.namespace, 'Pod', a.metadata.name), key(b.metadata.namespace, 'Pod', b.metadata.name)),
  );
  snapshot.controllers.sort((a, b) =>
    cmp(key(a.namespace, a.kind, a.name), key(b.namespace, b.kind, b.name)),
  );
  snapshot.errors.sort((a, b) => cmp(key(a.namespace ?? '', a.kind, ''), key(b.namespace ?? '', b.kind, '')));
}

/**
 * Lists the scope's controllers and pods. Returns partial results with `errors` for RBAC denials and similar;
 * throws a `KubeAccessError` when the server cannot be reached or authenticated to, or when every list failed.
 */
export async function snapshotCluster(kc: KubeConfig, scope: ListScope = {}): Promise<ClusterSnapshot> {
  const server = kc.getCurrentCluster()?.server ?? 'the API server';
  const clients = makeClients(kc);
  const resources = scope.resources ?? LISTED_RESOURCES;
  const namespaces = scope.namespaces?.length ? scope.namespaces.filter(namespaceFilter(scope)) : [undefined];
  const snapshot: ClusterSnapshot = {
    server,
    pods: [],
    controllers: [],
    errors: [],
    complete: true,
    pages: 0,
  };
  let attempted = 0;
  let failed = 0;
  let fatal: ListFailure | undefined;
  let legacyCronJobs = false;
  const tasks: (() => Promise<void>)[] = [];
  for (const resource of resources) {
    for (const namespace of namespaces) {
      tasks.push(async () => {
        if (fatal) return;
        attempted++;
        try {
          const r = await listResource({ clients, resource, namespace, scope });
          if (r.pods) snapshot.pods.push(...r.pods);
          if (r.controllers) snapshot.controllers.push(...r.controllers);
          snapshot.pages += r.pages;
          if (r.legacy) legacyCronJobs = true;
        } catch (err: unknown) {
          failed++;
          const failure = describeListError(err, resource, namespace, server);
          if (failure.fatal) fatal ??= failure;
          else snapshot.errors.push(failure.error);
        }
      });
    }
  }
  await runLimited(tasks, scope.concurrency ?? 4);
  if (fatal) throw new KubeAccessError(fatal.error.message, [fatal.error, ...snapshot.errors]);
  if (attempted > 0 && failed === attempted) {
    throw new KubeAccessError(
      `Every list against ${server} failed, so nothing in the cluster was seen: ${snapshot.errors.map((e) => e.message).join(' ')}`,
      snapshot.errors,
    );
  }
  sortSnapshot(snapshot);
  snapshot.complete = snapshot.errors.length === 0;
  // One note however many namespaces were listed.
  if (legacyCronJobs)
    snapshot.warnings = [
      `${server} does not serve batch/v1 CronJobs (Kubernetes before 1.21): CronJobs were listed as batch/v1beta1.`,
    ];
  return snapshot;
}

/** An image pull secret as the API returns it (`data` values are base64), for the registry credential module. */
export interface PullSecretData {
  name: string;
  namespace: string;
  type: string;
  data: Record<string, string>;
}

/** The pull secrets one workload needs: its template's `imagePullSecrets` plus its service account's. */
export interface PullSecretRequest {
  /** Workload key (`namespace/kind/name`) that warnings are reported against. */
  key: string;
  namespace: string;
  secretNames: string[];
  /** `serviceAccountName` of the template (`default` when unset); null to skip the service account. */
  serviceAccount: string | null;
}

/** Secrets read (deduplicated), the ones each workload may use, and per-workload warnings for what could not be read. */
export interface PullSecretsResult {
  secrets: PullSecretData[];
  /**
   * Per request key: the secrets read for that workload (pod spec first, then its service account's,
   * deduplicated), the only ones the kubelet would use for its pulls. Empty when none apply or none were readable.
   */
  byWorkload: Map<string, PullSecretData[]>;
  warnings: Map<string, string[]>;
}

/**
 * Reads the pull secrets of each workload the way the kubelet finds them (pod spec, then service account).
 * Never throws for RBAC or missing objects: an unreadable secret or service account is a warning for the
 * workloads that reference it, and the check goes on with the other credentials.
 */
export async function readPullSecrets(
  kc: KubeConfig,
  requests: readonly PullSecretRequest[],
): Promise<PullSecretsResult> {
  const server = kc.getCurrentCluster()?.server ?? 'the API server';
  const core = kc.makeApiClient(CoreV1Api);
  const result: PullSecretsResult = { secrets: [], byWorkload: new Map(), warnings: new Map() };
  const warn = (key: string, message: string) => {
    const list = result.warnings.get(key) ?? [];
    if (!list.includes(message)) list.push(message);
    result.warnings.set(key, list);
  };
  const accounts = new Map<string, Promise<string[] | string>>();
  const secrets = new Map<string, Promise<PullSecretData | string>>();
  const describe = (err: unknown, resource: string, namespace: string, name: string): string => {
    if (err instanceof ApiException && err.code === 404)
      return `${resource} ${namespace}/${name} does not exist.`;
    const failure = describeListError(err, resource, namespace, server, 'get');
    return failure.error.message.replace(/ were not checked\./, ' could not be read for pull credentials.');
  };
  for (const req of requests) {
    const names = [...req.secretNames];
    const own: PullSecretData[] = [];
    result.byWorkload.set(req.key, own);
    if (req.serviceAccount) {
      const saKey = `${req.namespace}/${req.serviceAccount}`;
      if (!accounts.has(saKey)) {
        accounts.set(
          saKey,
          core.readNamespacedServiceAccount({ namespace: req.namespace, name: req.serviceAccount }).then(
            (sa) => (sa.imagePullSecrets ?? []).map((r) => r.name).filter((n): n is string => !!n),
            (err: unknown) => describe(err, 'serviceaccounts', req.namespace, req.serviceAccount!),
          ),
        );
      }
      const fromSa = await accounts.get(saKey)!;
      if (typeof fromSa === 'string') warn(req.key, fromSa);
      else names.push(...fromSa);
    }
    for (const name of [...new Set(names)]) {
      const secretKey = `${req.namespace}/${name}`;
      if (!secrets.has(secretKey)) {
        secrets.set(
          secretKey,
          core.readNamespacedSecret({ namespace: req.namespace, name }).then(
            (s) => ({ name, namespace: req.namespace, type: s.type ?? '', data: { ...(s.data ?? {}) } }),
            (err: unknown) => describe(err, 'secrets', req.namespace, name),
          ),
        );
        const got = await secrets.get(secretKey)!;
        if (typeof got !== 'string') result.secrets.push(got);
      }
      const got = await secrets.get(secretKey)!;
      if (typeof got === 'string') warn(req.key, `Pull secret ${secretKey}: ${got}`);
      else own.push(got);
    }
  }
  return result;
}

/**
 * Lists recent probe-failure events of pods (`reason=Unhealthy` and `reason=Killing`) for optional enrichment.
 * Never throws and never makes a run incomplete: events expire after about an hour anyway, so a failure is only
 * a warning saying probe details are missing.
 */
export async function listProbeEvents(
  kc: KubeConfig,
  scope: Pick<ListScope, 'namespaces' | 'excludeNamespaces' | 'pageSize'> = {},
): Promise<{ events: EventRecord[]; warnings: string[] }> {
  const server = kc.getCurrentCluster()?.server ?? 'the API server';
  const clients = makeClients(kc);
  const events: EventRecord[] = [];
  const warnings: string[] = [];
  const namespaces = scope.namespaces?.length ? scope.namespaces : [undefined];
  for (const namespace of namespaces) {
    for (const reason of ['Unhealthy', 'Killing']) {
      try {
        const r = await listCompact(clients, 'events', namespace, {
          pageSize: scope.pageSize,
          excludeNamespaces: scope.excludeNamespaces,
          fieldSelector: `involvedObject.kind=Pod,reason=${reason}`,
          compact: compactEvent,
        });
        for (const e of r.items) if (e) events.push(e);
      } catch (err: unknown) {
        const failure = describeListError(err, 'events', namespace, server);
        warnings.push(`Probe details are missing: ${failure.error.message}`);
      }
    }
  }
  return { events, warnings: [...new Set(warnings)] };
}
