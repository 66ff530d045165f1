export const id = 993;
export const ids = [993];
export const modules = {

/***/ 7993:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  clusterOutputs: () => (/* binding */ clusterOutputs),
  runClusterAction: () => (/* binding */ runClusterAction)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 17 modules
var core = __webpack_require__(1804);
// EXTERNAL MODULE: ./.build/action.js + 10 modules
var action = __webpack_require__(3731);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./.build/cluster/records.js
/**
 * Compact records of the Kubernetes objects cluster mode needs: only the fields the classifier, owner resolution
 * and drift read, with timestamps as ISO strings. A listed page is turned into these records and dropped, so
 * 10,000+ pods stay in bounded memory. The field names are the API's, so a record is a structural subset of the
 * object and fixtures read like real `kubectl get -o json` output.
 */
const KEPT_LABELS = [
    'pod-template-hash',
    'controller-revision-hash',
    'job-name',
    'batch.kubernetes.io/job-name',
];
function obj(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
function arr(v) {
    return Array.isArray(v) ? v : [];
}
function str(v) {
    if (typeof v === 'string')
        return v;
    // @kubernetes/client-node deserialises date-time fields into Date objects.
    if (v instanceof Date)
        return Number.isNaN(v.getTime()) ? undefined : v.toISOString().replace('.000Z', 'Z');
    return undefined;
}
function num(v) {
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function bool(v) {
    return typeof v === 'boolean' ? v : undefined;
}
/**
 * Returns a copy without undefined values, so records stay small and compare cleanly in tests.
 *
 * @remarks
 * It builds a new object instead of `delete`-ing keys: `delete` turns a V8 object into a dictionary-mode
 * object, which made a compact pod take 6 KB of heap instead of about 1.5 KB (measured with bench/pods.ts).
 */
function clean(o) {
    const out = {};
    for (const k in o) {
        const v = o[k];
        if (v !== undefined)
            out[k] = typeof v === 'string' ? intern(v) : v;
    }
    return out;
}
/** Repeated strings (images, reasons, timestamps, node names) are shared instead of copied per pod. */
const interned = new Map();
const INTERN_LIMIT = 200_000;
function intern(s) {
    if (s.length > 256)
        return s;
    const hit = interned.get(s);
    if (hit !== undefined)
        return hit;
    if (interned.size >= INTERN_LIMIT)
        interned.clear();
    interned.set(s, s);
    return s;
}
function compactProbe(v) {
    const p = obj(v);
    if (!p)
        return undefined;
    return clean({
        initialDelaySeconds: num(p.initialDelaySeconds),
        periodSeconds: num(p.periodSeconds),
        timeoutSeconds: num(p.timeoutSeconds),
        failureThreshold: num(p.failureThreshold),
        successThreshold: num(p.successThreshold),
    });
}
function compactContainer(v) {
    const c = obj(v) ?? {};
    return clean({
        name: str(c.name) ?? '',
        image: str(c.image),
        restartPolicy: str(c.restartPolicy),
        readinessProbe: compactProbe(c.readinessProbe),
        startupProbe: compactProbe(c.startupProbe),
    });
}
/** Returns the compact form of a pod spec (a pod's `spec` or a template's `spec`). */
function compactPodSpec(v) {
    const s = obj(v) ?? {};
    const init = arr(s.initContainers).map(compactContainer);
    const secrets = arr(s.imagePullSecrets)
        .map((x) => str(obj(x)?.name))
        .filter((x) => !!x)
        .map((name) => ({ name }));
    return clean({
        containers: arr(s.containers).map(compactContainer),
        initContainers: init.length ? init : undefined,
        restartPolicy: str(s.restartPolicy),
        nodeName: str(s.nodeName),
        serviceAccountName: str(s.serviceAccountName),
        imagePullSecrets: secrets.length ? secrets : undefined,
    });
}
function compactState(v) {
    const s = obj(v);
    if (!s)
        return undefined;
    const w = obj(s.waiting);
    const r = obj(s.running);
    const t = obj(s.terminated);
    return clean({
        waiting: w ? clean({ reason: str(w.reason), message: str(w.message) }) : undefined,
        running: r ? clean({ startedAt: str(r.startedAt) }) : undefined,
        terminated: t
            ? clean({
                reason: str(t.reason),
                message: str(t.message),
                exitCode: num(t.exitCode),
                signal: num(t.signal),
                startedAt: str(t.startedAt),
                finishedAt: str(t.finishedAt),
            })
            : undefined,
    });
}
function compactStatus(v) {
    const c = obj(v) ?? {};
    return clean({
        name: str(c.name) ?? '',
        image: str(c.image),
        imageID: str(c.imageID),
        ready: bool(c.ready),
        started: bool(c.started),
        restartCount: num(c.restartCount),
        state: compactState(c.state),
        lastState: compactState(c.lastState),
    });
}
function compactOwners(v) {
    const refs = arr(v)
        .map(obj)
        .filter((o) => !!o)
        .map((o) => clean({
        kind: str(o.kind) ?? '',
        name: str(o.name) ?? '',
        uid: str(o.uid),
        controller: bool(o.controller),
    }));
    return refs.length ? refs : undefined;
}
function keptLabels(v) {
    const labels = obj(v);
    if (!labels)
        return undefined;
    const out = {};
    for (const k of KEPT_LABELS) {
        const value = str(labels[k]);
        if (value !== undefined)
            out[k] = value;
    }
    return Object.keys(out).length ? out : undefined;
}
/** Returns the compact record of a Pod object (raw JSON or a client-node `V1Pod`). */
function compactPod(v, defaultNamespace = 'default') {
    const o = obj(v) ?? {};
    const m = obj(o.metadata) ?? {};
    const st = obj(o.status) ?? {};
    const conditions = arr(st.conditions)
        .map(obj)
        .filter((c) => !!c)
        .map((c) => clean({
        type: str(c.type) ?? '',
        status: str(c.status) ?? '',
        reason: str(c.reason),
        message: str(c.message),
        lastTransitionTime: str(c.lastTransitionTime),
    }));
    const cs = arr(st.containerStatuses).map(compactStatus);
    const ics = arr(st.initContainerStatuses).map(compactStatus);
    return {
        metadata: clean({
            name: str(m.name) ?? '',
            namespace: str(m.namespace) ?? defaultNamespace,
            uid: str(m.uid),
            creationTimestamp: str(m.creationTimestamp),
            deletionTimestamp: str(m.deletionTimestamp),
            labels: keptLabels(m.labels),
            ownerReferences: compactOwners(m.ownerReferences),
        }),
        spec: compactPodSpec(o.spec),
        status: clean({
            phase: str(st.phase),
            reason: str(st.reason),
            message: str(st.message),
            startTime: str(st.startTime),
            conditions: conditions.length ? conditions : undefined,
            containerStatuses: cs.length ? cs : undefined,
            initContainerStatuses: ics.length ? ics : undefined,
        }),
    };
}
/** Returns the latest `managedFields[].time` of an update that was not to a subresource (status, scale). */
function specUpdatedAt(managedFields) {
    let best;
    let bestMs = -Infinity;
    for (const f of arr(managedFields)) {
        const o = obj(f);
        if (!o || str(o.subresource))
            continue;
        const t = str(o.time);
        const ms = t ? Date.parse(t) : Number.NaN;
        if (t && ms > bestMs) {
            best = t;
            bestMs = ms;
        }
    }
    return best;
}
/** The controller kinds, lower-case plural resource name → kind. */
const CONTROLLER_KINDS = {
    deployments: 'Deployment',
    statefulsets: 'StatefulSet',
    daemonsets: 'DaemonSet',
    cronjobs: 'CronJob',
    jobs: 'Job',
    replicasets: 'ReplicaSet',
};
/** Returns whether a kind is one of the listed controller kinds. */
function isControllerKind(kind) {
    return Object.values(CONTROLLER_KINDS).includes(kind);
}
/** Returns the compact record of a controller object (raw JSON or a client-node model). */
function compactController(kind, v, defaultNamespace = 'default') {
    const o = obj(v) ?? {};
    const m = obj(o.metadata) ?? {};
    const spec = obj(o.spec) ?? {};
    const templateSpec = kind === 'CronJob'
        ? obj(obj(obj(obj(spec.jobTemplate)?.spec)?.template)?.spec)
        : obj(obj(spec.template)?.spec);
    const status = obj(o.status) ?? {};
    return clean({
        kind,
        namespace: str(m.namespace) ?? defaultNamespace,
        name: str(m.name) ?? '',
        uid: str(m.uid),
        creationTimestamp: str(m.creationTimestamp),
        specUpdatedAt: specUpdatedAt(m.managedFields),
        labels: keptLabels(m.labels),
        ownerReferences: compactOwners(m.ownerReferences),
        replicas: num(spec.replicas),
        suspended: bool(spec.suspend),
        progressDeadlineSeconds: num(spec.progressDeadlineSeconds),
        template: compactPodSpec(templateSpec),
        job: kind === 'Job'
            ? clean({
                succeeded: num(status.succeeded) ?? 0,
                failed: num(status.failed) ?? 0,
                active: num(status.active) ?? 0,
                completionTime: str(status.completionTime),
            })
            : undefined,
    });
}
/** Returns the compact record of a core/v1 Event about a pod (raw JSON or a client-node model), or null. */
function compactEvent(v) {
    const o = obj(v) ?? {};
    const inv = obj(o.involvedObject) ?? {};
    if (str(inv.kind) !== 'Pod' || !str(inv.name))
        return null;
    const container = /^spec\.(?:initContainers|containers|ephemeralContainers)\{(.+)\}$/.exec(str(inv.fieldPath) ?? '')?.[1];
    return clean({
        namespace: str(inv.namespace) ?? str(obj(o.metadata)?.namespace) ?? 'default',
        pod: str(inv.name) ?? '',
        container,
        reason: str(o.reason) ?? '',
        message: (str(o.message) ?? '').slice(0, 1024),
        time: str(o.lastTimestamp) ?? str(o.eventTime) ?? str(obj(o.metadata)?.creationTimestamp),
        count: num(o.count),
    });
}

;// CONCATENATED MODULE: ./.build/cluster/dump.js
/**
 * Offline input: `kubectl get pods -A -o json` (`--pods-file`) and a List of controllers (`--objects-file`,
 * e.g. `kubectl get deploy,sts,ds,cronjob,job,rs -A -o json`; Events in either file add probe details). Parsing is pure; `readDumpFile` is the only I/O.
 *
 * A dump does not say when it was taken. Unless `--now` is given, it is judged as of the newest timestamp found
 * in it (any `metadata`/`status` time except `deletionTimestamp`, which lies in the future during the grace
 * period): a lower bound of when it was taken, so grace periods are never over-counted.
 */



/** Thrown for a dump file that is not a Kubernetes object or List. */
class dump_DumpError extends Error {
    name = 'DumpError';
}
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
function newestIn(value, best, key = '') {
    if (typeof value === 'string') {
        if (key !== 'deletionTimestamp' && ISO.test(value)) {
            const ms = Date.parse(value);
            if (ms > best.ms)
                best.ms = ms;
        }
        return;
    }
    if (Array.isArray(value)) {
        for (const v of value)
            newestIn(v, best);
        return;
    }
    if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
            // startedAt of containerd's StartError is the epoch; skip nothing else.
            newestIn(v, best, k);
        }
    }
}
const LIST_KIND_TO_KIND = {
    PodList: 'Pod',
    DeploymentList: 'Deployment',
    StatefulSetList: 'StatefulSet',
    DaemonSetList: 'DaemonSet',
    ReplicaSetList: 'ReplicaSet',
    JobList: 'Job',
    CronJobList: 'CronJob',
    EventList: 'Event',
};
/** Returns the pods and controllers of a dump's text (JSON, or YAML as `kubectl -o yaml` prints it). */
function parseDump(text, name) {
    let doc;
    try {
        doc = text.trimStart().startsWith('{') ? JSON.parse(text) : (0,dist/* parse */.qg)(text);
    }
    catch (err) {
        const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new dump_DumpError(`${name} is not valid JSON or YAML (${reason}); pass the output of kubectl get ... -o json.`);
    }
    const root = doc;
    if (!root || typeof root !== 'object' || typeof root.kind !== 'string') {
        throw new dump_DumpError(`${name} is not a Kubernetes object or List (no "kind"); pass the output of kubectl get ... -o json.`);
    }
    const itemKind = LIST_KIND_TO_KIND[root.kind];
    const items = Array.isArray(root.items) ? root.items : root.kind.endsWith('List') ? [] : [root];
    const out = { pods: [], controllers: [], events: [], newest: null, ignored: {} };
    const best = { ms: -Infinity };
    for (const item of items) {
        const kind = item.kind;
        const k = typeof kind === 'string' ? kind : itemKind;
        if (k === 'Pod')
            out.pods.push(compactPod(item));
        else if (k && isControllerKind(k))
            out.controllers.push(compactController(k, item));
        else if (k === 'Event') {
            const e = compactEvent(item);
            if (e)
                out.events.push(e);
            continue; // an event's time says nothing about when the dump was taken
        }
        else {
            out.ignored[k ?? 'unknown'] = (out.ignored[k ?? 'unknown'] ?? 0) + 1;
            continue;
        }
        newestIn(item, best);
    }
    if (Number.isFinite(best.ms))
        out.newest = new Date(best.ms).toISOString().replace('.000Z', 'Z');
    return out;
}
/** Reads and parses a dump file; throws a `DumpError` naming the file when it cannot be read. */
async function readDumpFile(path) {
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (err) {
        const code = err.code ?? (err instanceof Error ? err.message : String(err));
        throw new dump_DumpError(`Cannot read ${path} (${code}); check the path.`);
    }
    return parseDump(text, path);
}
/** The resource names a controller dump may hold (for messages). */
const DUMP_RESOURCES = Object.keys(CONTROLLER_KINDS).join(',');

// EXTERNAL MODULE: ./node_modules/@kubernetes/client-node/dist/index.js + 875 modules
var client_node_dist = __webpack_require__(7010);
;// CONCATENATED MODULE: ./.build/cluster/kube-errors.js
/**
 * What a failed API call means (pure): an RBAC 403 names the missing permission and the rule to add, a 404 an
 * API the server does not serve, a 401 or a network/TLS failure ends the run.
 */

const API_GROUP = {
    pods: '',
    deployments: 'apps',
    statefulsets: 'apps',
    daemonsets: 'apps',
    replicasets: 'apps',
    cronjobs: 'batch',
    jobs: 'batch',
};
/** Returns the `message` of a Kubernetes `Status` body, if the body is one. */
function statusMessage(body) {
    let parsed = body;
    if (typeof body === 'string') {
        try {
            parsed = JSON.parse(body);
        }
        catch {
            return body.trim().slice(0, 200) || undefined;
        }
    }
    const m = parsed?.message;
    return typeof m === 'string' ? m : undefined;
}
/** Returns the low-level cause of a failed fetch (`connect ECONNREFUSED 127.0.0.1:6443`, a TLS error...). */
function causeOf(err) {
    if (!(err instanceof Error))
        return String(err);
    const cause = err.cause;
    const inner = cause instanceof Error ? `: ${cause.message}` : '';
    return `${err.message.split('\n')[0]}${inner}`;
}
/** Returns what a list error means, with a message naming the missing permission where RBAC denied it. */
function describeListError(err, resource, namespace, server, verb = 'list') {
    const where = namespace ? `in namespace ${namespace}` : 'at the cluster scope';
    const base = { kind: resource, ...(namespace ? { namespace } : {}) };
    if (err instanceof client_node_dist/* ApiException */.UJ4) {
        const code = err.code;
        const detail = statusMessage(err.body);
        if (code === 403) {
            const group = API_GROUP[resource] ?? '';
            const role = namespace
                ? `a Role in namespace ${namespace}`
                : 'a ClusterRole (bound with a ClusterRoleBinding)';
            const permission = `${verb} ${resource} ${where}`;
            return {
                fatal: false,
                error: {
                    ...base,
                    httpStatus: 403,
                    permission,
                    message: `Forbidden: cannot ${permission}${detail ? ` (${detail})` : ''}; ${resource} ${where} were not checked. Add to ${role}: {apiGroups: ["${group}"], resources: ["${resource}"], verbs: ["${verb}"]}${namespace ? '' : ' (or give --namespace, so each namespace is listed under its own Role)'}.`,
                },
            };
        }
        if (code === 401) {
            return {
                fatal: true,
                error: {
                    ...base,
                    httpStatus: 401,
                    message: `${server} answered 401 Unauthorized: the kubeconfig's credentials were not accepted (expired token or certificate?); refresh them.`,
                },
            };
        }
        if (code === 404) {
            return {
                fatal: false,
                error: {
                    ...base,
                    httpStatus: 404,
                    message: `${server} does not serve ${resource} ${where} (404${detail ? `: ${detail}` : ''}); they were not checked.`,
                },
            };
        }
        return {
            fatal: false,
            error: {
                ...base,
                httpStatus: code,
                message: `Listing ${resource} ${where} failed with HTTP ${code}${detail ? `: ${detail}` : ''}; they were not checked. Run again later.`,
            },
        };
    }
    return {
        fatal: true,
        error: {
            ...base,
            message: `Cannot reach the API server ${server}: ${causeOf(err)}; check the kubeconfig's server, CA and credentials, and the network.`,
        },
    };
}

;// CONCATENATED MODULE: ./.build/cluster/kube.js
/**
 * The only I/O with the Kubernetes API server. Loads a kubeconfig (file, text, context, in-cluster) with
 * `@kubernetes/client-node`, which handles client certificates, bearer tokens and exec plugins as kubectl
 * does, and lists workloads and pods page by page (`limit` + `continue`) into compact records.
 *
 * Failure policy: an RBAC 403 (or a kind the server does not serve) on one namespace or kind becomes a
 * `ClusterError` naming the missing permission and the rest goes on; not being able to reach or authenticate
 * to the server, or every list failing, throws a `KubeAccessError` so the run fails and changes nothing.
 */




/** Thrown when the cluster cannot be used at all: nothing was (or can be) seen, so nothing may change. */
class kube_KubeAccessError extends Error {
    name = 'KubeAccessError';
    /** Every list failure seen before giving up. */
    errors;
    constructor(message, errors = []) {
        super(message);
        this.errors = errors;
    }
}
/** Returns a loaded `KubeConfig`, or throws a `KubeAccessError` saying which source is unusable and why. */
function loadKubeConfig(access = {}) {
    const kc = new client_node_dist/* KubeConfig */.ypW();
    let source = 'the kubeconfig';
    try {
        if (access.kubeconfigText !== undefined) {
            source = 'the kubeconfig text';
            kc.loadFromString(access.kubeconfigText);
        }
        else if (access.kubeconfigPath) {
            source = `kubeconfig ${access.kubeconfigPath}`;
            kc.loadFromFile(access.kubeconfigPath);
        }
        else if (access.inCluster) {
            source = 'the in-cluster service account';
            if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT)
                throw new Error('KUBERNETES_SERVICE_HOST/PORT are not set, so this is not running in a pod');
            kc.loadFromCluster(access.inClusterPathPrefix ?? '');
        }
        else {
            source = 'the default kubeconfig (KUBECONFIG, ~/.kube/config or in-cluster)';
            kc.loadFromDefault();
        }
    }
    catch (err) {
        const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new kube_KubeAccessError(`Cannot load ${source}: ${reason}; pass a valid kubeconfig.`);
    }
    if (access.context) {
        if (!kc.getContextObject(access.context)) {
            const known = kc.getContexts().map((c) => c.name);
            throw new kube_KubeAccessError(`Context ${JSON.stringify(access.context)} is not in ${source} (contexts: ${known.join(', ') || 'none'}); pass one of them.`);
        }
        kc.setCurrentContext(access.context);
    }
    if (!kc.getCurrentCluster()) {
        throw new kube_KubeAccessError(`${source} has no cluster for context ${JSON.stringify(kc.getCurrentContext())}; set current-context or pass a context.`);
    }
    return kc;
}
/** Every listed resource, in listing order. */
const LISTED_RESOURCES = [
    'deployments',
    'statefulsets',
    'daemonsets',
    'cronjobs',
    'jobs',
    'replicasets',
    'pods',
];
/** Page size: the API server's own default chunk size for `kubectl get` is 500. */
const DEFAULT_PAGE_SIZE = 500;
const LISTERS = {
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
function makeClients(kc) {
    return {
        core: kc.makeApiClient(client_node_dist/* CoreV1Api */.f5Y),
        apps: kc.makeApiClient(client_node_dist/* AppsV1Api */.eY6),
        batch: kc.makeApiClient(client_node_dist/* BatchV1Api */.Q8C),
    };
}
function namespaceFilter(scope) {
    const excluded = new Set(scope.excludeNamespaces ?? []);
    return (ns) => !excluded.has(ns);
}
/**
 * Lists one resource (cluster-wide or in one namespace) page by page, turning each item into a compact record
 * as its page arrives. An expired `continue` token (410) restarts the list once from the beginning.
 */
async function listCompact(clients, resource, namespace, options) {
    const lister = namespace === undefined ? LISTERS[resource].all : LISTERS[resource].namespaced;
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const excluded = new Set(options.excludeNamespaces ?? []);
    const terms = [
        ...(options.fieldSelector ? [options.fieldSelector] : []),
        ...(namespace === undefined ? [...excluded].map((ns) => `metadata.namespace!=${ns}`) : []),
    ];
    const fieldSelector = terms.length ? terms.join(',') : undefined;
    let restarted = false;
    for (;;) {
        const items = [];
        let pages = 0;
        let token;
        try {
            do {
                const params = {};
                if (namespace !== undefined)
                    params.namespace = namespace;
                if (pageSize > 0)
                    params.limit = pageSize;
                if (token)
                    params._continue = token;
                if (fieldSelector)
                    params.fieldSelector = fieldSelector;
                const page = await lister(clients, params);
                pages++;
                for (const item of page.items ?? []) {
                    const ns = item.metadata?.namespace;
                    if (ns !== undefined && excluded.has(ns))
                        continue;
                    items.push(options.compact(item));
                }
                token = page.metadata?._continue ?? page.metadata?.continue;
            } while (token);
            return { items, pages };
        }
        catch (err) {
            // 410 Expired: the continue token outlived etcd's compaction window; the list must start over.
            if (err instanceof client_node_dist/* ApiException */.UJ4 && err.code === 410 && token && !restarted) {
                restarted = true;
                continue;
            }
            throw err;
        }
    }
}
function cmp(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Runs tasks with bounded concurrency; the first rejection rejects the whole run. */
async function runLimited(tasks, limit) {
    let next = 0;
    const worker = async () => {
        while (next < tasks.length) {
            const task = tasks[next++];
            await task();
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
}
/**
 * Lists the scope's controllers and pods. Returns partial results with `errors` for RBAC denials and similar;
 * throws a `KubeAccessError` when the server cannot be reached or authenticated to, or when every list failed.
 */
async function snapshotCluster(kc, scope = {}) {
    const server = kc.getCurrentCluster()?.server ?? 'the API server';
    const clients = makeClients(kc);
    const resources = scope.resources ?? LISTED_RESOURCES;
    const namespaces = scope.namespaces?.length ? scope.namespaces.filter(namespaceFilter(scope)) : [undefined];
    const snapshot = {
        server,
        pods: [],
        controllers: [],
        errors: [],
        complete: true,
        pages: 0,
    };
    let attempted = 0;
    let failed = 0;
    let fatal;
    const tasks = [];
    for (const resource of resources) {
        for (const namespace of namespaces) {
            tasks.push(async () => {
                if (fatal)
                    return;
                attempted++;
                try {
                    if (resource === 'pods') {
                        const r = await listCompact(clients, resource, namespace, {
                            pageSize: scope.pageSize,
                            excludeNamespaces: scope.excludeNamespaces,
                            compact: (o) => compactPod(o),
                        });
                        snapshot.pods.push(...r.items);
                        snapshot.pages += r.pages;
                    }
                    else {
                        const kind = CONTROLLER_KINDS[resource];
                        const r = await listCompact(clients, resource, namespace, {
                            pageSize: scope.pageSize,
                            excludeNamespaces: scope.excludeNamespaces,
                            compact: (o) => compactController(kind, o),
                        });
                        snapshot.controllers.push(...r.items);
                        snapshot.pages += r.pages;
                    }
                }
                catch (err) {
                    failed++;
                    const failure = describeListError(err, resource, namespace, server);
                    if (failure.fatal)
                        fatal ??= failure;
                    else
                        snapshot.errors.push(failure.error);
                }
            });
        }
    }
    await runLimited(tasks, scope.concurrency ?? 4);
    if (fatal)
        throw new kube_KubeAccessError(fatal.error.message, [fatal.error, ...snapshot.errors]);
    if (attempted > 0 && failed === attempted) {
        throw new kube_KubeAccessError(`Every list against ${server} failed, so nothing in the cluster was seen: ${snapshot.errors.map((e) => e.message).join(' ')}`, snapshot.errors);
    }
    // Lists ran concurrently: sort so a run's output does not depend on timing.
    const key = (ns, kind, name) => `${ns}\u0000${kind}\u0000${name}`;
    snapshot.pods.sort((a, b) => cmp(key(a.metadata.namespace, 'Pod', a.metadata.name), key(b.metadata.namespace, 'Pod', b.metadata.name)));
    snapshot.controllers.sort((a, b) => cmp(key(a.namespace, a.kind, a.name), key(b.namespace, b.kind, b.name)));
    snapshot.errors.sort((a, b) => cmp(key(a.namespace ?? '', a.kind, ''), key(b.namespace ?? '', b.kind, '')));
    snapshot.complete = snapshot.errors.length === 0;
    return snapshot;
}
/**
 * Reads the pull secrets of each workload the way the kubelet finds them (pod spec, then service account).
 * Never throws for RBAC or missing objects: an unreadable secret or service account is a warning for the
 * workloads that reference it, and the check goes on with the other credentials.
 */
async function readPullSecrets(kc, requests) {
    const server = kc.getCurrentCluster()?.server ?? 'the API server';
    const core = kc.makeApiClient(client_node_dist/* CoreV1Api */.f5Y);
    const result = { secrets: [], warnings: new Map() };
    const warn = (key, message) => {
        const list = result.warnings.get(key) ?? [];
        if (!list.includes(message))
            list.push(message);
        result.warnings.set(key, list);
    };
    const accounts = new Map();
    const secrets = new Map();
    const describe = (err, resource, namespace, name) => {
        if (err instanceof client_node_dist/* ApiException */.UJ4 && err.code === 404)
            return `${resource} ${namespace}/${name} does not exist.`;
        const failure = describeListError(err, resource, namespace, server, 'get');
        return failure.error.message.replace(/ were not checked\./, ' could not be read for pull credentials.');
    };
    for (const req of requests) {
        const names = [...req.secretNames];
        if (req.serviceAccount) {
            const saKey = `${req.namespace}/${req.serviceAccount}`;
            if (!accounts.has(saKey)) {
                accounts.set(saKey, core.readNamespacedServiceAccount({ namespace: req.namespace, name: req.serviceAccount }).then((sa) => (sa.imagePullSecrets ?? []).map((r) => r.name).filter((n) => !!n), (err) => describe(err, 'serviceaccounts', req.namespace, req.serviceAccount)));
            }
            const fromSa = await accounts.get(saKey);
            if (typeof fromSa === 'string')
                warn(req.key, fromSa);
            else
                names.push(...fromSa);
        }
        for (const name of [...new Set(names)]) {
            const secretKey = `${req.namespace}/${name}`;
            if (!secrets.has(secretKey)) {
                secrets.set(secretKey, core.readNamespacedSecret({ namespace: req.namespace, name }).then((s) => ({ name, namespace: req.namespace, type: s.type ?? '', data: { ...(s.data ?? {}) } }), (err) => describe(err, 'secrets', req.namespace, name)));
                const got = await secrets.get(secretKey);
                if (typeof got !== 'string')
                    result.secrets.push(got);
            }
            const got = await secrets.get(secretKey);
            if (typeof got === 'string')
                warn(req.key, `Pull secret ${secretKey}: ${got}`);
        }
    }
    return result;
}
/**
 * Lists recent probe-failure events of pods (`reason=Unhealthy` and `reason=Killing`) for optional enrichment.
 * Never throws and never makes a run incomplete: events expire after about an hour anyway, so a failure is only
 * a warning saying probe details are missing.
 */
async function listProbeEvents(kc, scope = {}) {
    const server = kc.getCurrentCluster()?.server ?? 'the API server';
    const clients = makeClients(kc);
    const events = [];
    const warnings = [];
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
                for (const e of r.items)
                    if (e)
                        events.push(e);
            }
            catch (err) {
                const failure = describeListError(err, 'events', namespace, server);
                warnings.push(`Probe details are missing: ${failure.error.message}`);
            }
        }
    }
    return { events, warnings: [...new Set(warnings)] };
}

;// CONCATENATED MODULE: ./.build/cluster/health-finding.js
/** Rank of each severity (critical 3 … none 0): the pod's result is the finding with the highest rank. */
const SEVERITY_RANK = { critical: 3, warning: 2, info: 1, none: 0 };
/** Returns the rank of a severity (critical 3 … none 0), for sorting and max. */
function severityRank(s) {
    return SEVERITY_RANK[s];
}
/** Returns the higher of two severities. */
function maxSeverity(a, b) {
    return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}
/** Seconds from an ISO timestamp to now, or null when the timestamp is missing or invalid. */
function since(iso, clock) {
    if (!iso)
        return null;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? null : (clock.nowMs - ms) / 1000;
}
/** `ageSeconds ≥ grace`, treating an unknown age as past the grace (the pod has no usable timestamp). */
function pastGrace(age, grace) {
    return age === null || age >= grace;
}
/** Returns a short human duration (`45s`, `19m`, `3h`, `2d`) for messages. */
function fmtDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 120)
        return `${s}s`;
    if (s < 7200)
        return `${Math.floor(s / 60)}m`;
    if (s < 172800)
        return `${Math.floor(s / 3600)}h`;
    return `${Math.floor(s / 86400)}d`;
}
/** Returns the non-empty parts, trimmed and joined with spaces. */
function join(...parts) {
    return parts
        .map((p) => (p ? p.trim() : ''))
        .filter(Boolean)
        .join(' ');
}
/** Returns `1 time` or `N times`. */
function times(n) {
    return n === 1 ? '1 time' : `${n} times`;
}
/** Returns the finding with its severity inside the grace period lowered to none (transitional). */
function graceFinding(base, severity, past) {
    return { ...base, severity: past ? severity : 'none', transitional: !past };
}
/** Returns a pod-level finding (no container). */
function podFinding(rule, cls, severity, transitional, reason, message) {
    return {
        rule,
        class: cls,
        severity,
        transitional,
        container: null,
        init: false,
        reason,
        exitCode: null,
        message,
    };
}
/** Returns the pod condition of a type, if present. */
function condition(pod, type) {
    return (pod.status.conditions ?? []).find((c) => c.type === type);
}

;// CONCATENATED MODULE: ./.build/cluster/container-rules.js
/**
 * Container rules of the pod-health table (pod-health.md E.2 "Containers", E.3 rows U, C1–C5, W1–W6, R1–R3):
 * sidecars and the first incomplete init container, then regular containers in API order. Pure.
 */

const PULL_REASONS = new Set([
    'ImagePullBackOff',
    'ErrImagePull',
    'ErrImageNeverPull',
    'ImageInspectError',
    'RegistryUnavailable',
    'SignatureValidationFailed',
]);
const CREATE_REASONS = new Set([
    'CreateContainerError',
    'PreStartHookError',
    'PreCreateHookError',
    'PostStartHookError',
]);
const CREATING_REASONS = new Set(['ContainerCreating', 'PodInitializing']);
const START_ERROR_REASONS = new Set(['StartError', 'ContainerCannotRun']);
/** Skia's `pod_max_ready_time_s`: initialDelay + (failure + success) × (period + timeout), API defaults 3/1/10/1. */
function maxReadySeconds(spec) {
    const probeTime = (p) => p
        ? (p.initialDelaySeconds ?? 0) +
            ((p.failureThreshold ?? 3) + (p.successThreshold ?? 1)) *
                ((p.periodSeconds ?? 10) + (p.timeoutSeconds ?? 1))
        : 0;
    return probeTime(spec?.readinessProbe) + probeTime(spec?.startupProbe);
}
function evaluateContainer(pod, cs, ctx, clock) {
    const { t } = clock;
    const w = cs.state?.waiting;
    const run = cs.state?.running;
    const term = cs.state?.terminated;
    const last = cs.lastState?.terminated;
    const backoff = w?.reason === 'CrashLoopBackOff' || w?.reason === 'RunContainerError';
    const cause = backoff ? last : term;
    const base = { container: cs.name, init: ctx.init };
    const restarts = cs.restartCount ?? 0;
    const causeText = cause
        ? `last exit code ${cause.exitCode ?? '?'}${cause.reason ? ` (${cause.reason})` : ''}` +
            `${cause.finishedAt ? ` at ${cause.finishedAt}` : ''}${cause.message?.trim() ? `: ${cause.message.trim()}` : ''}`
        : null;
    const crash = (rule, cls, what, reason) => ({
        ...base,
        rule,
        class: cls,
        severity: 'critical',
        transitional: false,
        reason: cause?.reason ?? reason ?? w?.reason ?? null,
        exitCode: cause?.exitCode ?? null,
        message: join(`Container ${cs.name} ${what};`, causeText ? `${causeText};` : null, `restarted ${times(restarts)}.`),
    });
    // U (container level): the runtime lost the container (node restart, eviction race).
    if (term?.reason === 'ContainerStatusUnknown' || (backoff && last?.reason === 'ContainerStatusUnknown')) {
        const st = term ?? last;
        return [
            {
                ...base,
                rule: 'U',
                class: 'Unknown',
                severity: 'warning',
                transitional: false,
                reason: 'ContainerStatusUnknown',
                exitCode: st?.exitCode ?? null,
                message: join(`Container ${cs.name}: the runtime lost its state.`, st?.message),
            },
        ];
    }
    if (cause?.reason === 'OOMKilled')
        return [crash('C1', 'OOMKilled', 'was OOM-killed (memory limit reached)')];
    if (w?.reason === 'RunContainerError' ||
        START_ERROR_REASONS.has(cause?.reason ?? '') ||
        cause?.exitCode === 126 ||
        cause?.exitCode === 127) {
        return [
            crash('C3', 'StartError', 'cannot start (bad command, entrypoint or permissions)', w?.reason ?? undefined),
        ];
    }
    if (ctx.regular && ctx.restartPolicy === 'Always' && cause && cause.exitCode === 0 && (backoff || term)) {
        return [
            crash('C4', 'ExitedPrematurely', 'exits with code 0 but the pod restarts it (restartPolicy Always)'),
        ];
    }
    if (w?.reason === 'CrashLoopBackOff' ||
        (term && (term.exitCode ?? 0) !== 0 && ctx.restartPolicy !== 'Never')) {
        const sigkill = cause?.exitCode === 137
            ? ' (exit 137 is SIGKILL: an OOM kill the runtime missed, or a liveness-probe kill)'
            : '';
        return [crash('C5', 'CrashLoopBackOff', `is crash-looping${sigkill}`, 'CrashLoopBackOff')];
    }
    const startAge = since(pod.status.startTime, clock);
    if (w?.reason) {
        const msg = join(`Container ${cs.name} is waiting: ${w.reason}`, w.message && `- ${w.message}`);
        const wb = { ...base, reason: w.reason, exitCode: null, message: msg };
        if (PULL_REASONS.has(w.reason))
            return [
                graceFinding({ ...wb, rule: 'W1', class: 'ImagePullBackOff' }, 'critical', pastGrace(startAge, t.waitingGrace)),
            ];
        if (w.reason === 'InvalidImageName')
            return [{ ...wb, rule: 'W2', class: 'InvalidImageName', severity: 'critical', transitional: false }];
        if (w.reason === 'CreateContainerConfigError')
            return [
                graceFinding({ ...wb, rule: 'W3', class: 'CreateContainerConfigError' }, 'critical', pastGrace(startAge, t.waitingGrace)),
            ];
        if (CREATE_REASONS.has(w.reason))
            return [
                graceFinding({ ...wb, rule: 'W4', class: 'CreateContainerError' }, 'critical', pastGrace(startAge, t.waitingGrace)),
            ];
        if (CREATING_REASONS.has(w.reason))
            return [
                graceFinding({ ...wb, rule: 'W5', class: 'StuckPending' }, 'warning', pastGrace(startAge, t.stuckGrace)),
            ];
        return [
            graceFinding({ ...wb, rule: 'W6', class: 'Waiting' }, 'warning', pastGrace(startAge, t.waitingGrace)),
        ];
    }
    if (ctx.currentInit && run) {
        const past = pastGrace(startAge, t.stuckGrace);
        const msg = `Init container ${cs.name} has been running since ${run.startedAt ?? '?'}; the pod is still initializing.`;
        return [
            graceFinding({
                ...base,
                rule: 'W5',
                class: 'StuckPending',
                reason: 'PodInitializing',
                exitCode: null,
                message: msg,
            }, 'warning', past),
        ];
    }
    if (!run)
        return [];
    const out = [];
    const lastAge = since(last?.finishedAt, clock);
    const recentLast = lastAge !== null && lastAge <= t.recentWindow;
    const c2 = last?.reason === 'OOMKilled' && recentLast;
    if (c2) {
        out.push({
            ...base,
            rule: 'C2',
            class: 'OOMKilled',
            severity: 'warning',
            transitional: false,
            reason: 'OOMKilled',
            exitCode: last?.exitCode ?? null,
            message: `Container ${cs.name} was OOM-killed at ${last?.finishedAt} and is running again; restarted ${times(restarts)}.`,
        });
    }
    if (cs.ready === false) {
        const age = since(run.startedAt, clock);
        const limit = Math.max(t.notReadyGrace, maxReadySeconds(ctx.spec));
        const past = age === null || age > limit;
        const probe = cs.started === false ? 'startup probe' : 'readiness probe';
        out.push(graceFinding({
            ...base,
            rule: 'R1',
            class: 'NotReady',
            reason: 'ContainersNotReady',
            exitCode: null,
            message: `Container ${cs.name} has been running ${age === null ? '' : `for ${fmtDuration(age)} `}without becoming ready (${probe} failing; see the pod's events).`,
        }, 'warning', past));
    }
    const r2 = cs.ready === true && restarts >= t.highRestartThreshold;
    if (r2) {
        out.push({
            ...base,
            rule: 'R2',
            class: 'HighRestartCount',
            severity: 'warning',
            transitional: false,
            reason: last?.reason ?? null,
            exitCode: last?.exitCode ?? null,
            message: `Container ${cs.name} has restarted ${restarts} times (threshold ${t.highRestartThreshold}).`,
        });
    }
    if (!c2 && !r2 && recentLast) {
        out.push({
            ...base,
            rule: 'R3',
            class: 'RecentRestart',
            severity: 'info',
            transitional: false,
            reason: last?.reason ?? null,
            exitCode: last?.exitCode ?? null,
            message: `Container ${cs.name} restarted at ${last?.finishedAt} (${container_rules_causeOf(last)}) and is running again.`,
        });
    }
    return out;
}
function container_rules_causeOf(t) {
    return `exit code ${t?.exitCode ?? '?'}${t?.reason ? `, ${t.reason}` : ''}`;
}
/** Container rules in E.2 order: sidecars and the first incomplete init container, then regular containers. */
function evaluateContainers(pod, clock) {
    const findings = [];
    const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
    const specs = new Map(pod.spec.containers.map((c) => [c.name, c]));
    const podPolicy = pod.spec.restartPolicy ?? 'Always';
    const initialized = condition(pod, 'Initialized')?.status === 'True';
    let initializing = false;
    for (const cs of pod.status.initContainerStatuses ?? []) {
        const spec = initSpecs.get(cs.name);
        if (spec?.restartPolicy === 'Always') {
            findings.push(...evaluateContainer(pod, cs, { init: true, regular: true, restartPolicy: 'Always', currentInit: false, spec }, clock));
            continue;
        }
        if (initialized || cs.state?.terminated?.exitCode === 0)
            continue;
        // Init containers restart on failure unless the pod's policy is Never.
        const restartPolicy = podPolicy === 'Never' ? 'Never' : 'OnFailure';
        findings.push(...evaluateContainer(pod, cs, { init: true, regular: false, restartPolicy, currentInit: true, spec }, clock));
        initializing = true;
        break;
    }
    if (initializing)
        return findings;
    const statuses = pod.status.containerStatuses ?? [];
    for (const cs of statuses) {
        const spec = specs.get(cs.name);
        const restartPolicy = spec?.restartPolicy ?? podPolicy;
        findings.push(...evaluateContainer(pod, cs, { init: false, regular: true, restartPolicy, currentInit: false, spec }, clock));
    }
    if (statuses.length === 0 && (pod.status.initContainerStatuses ?? []).length === 0) {
        // Scheduled but the kubelet never reported a container: treat like ContainerCreating (W5).
        const startAge = since(pod.status.startTime ??
            condition(pod, 'PodScheduled')?.lastTransitionTime ??
            pod.metadata.creationTimestamp, clock);
        const past = pastGrace(startAge, clock.t.stuckGrace);
        findings.push(graceFinding({
            rule: 'W5',
            class: 'StuckPending',
            container: null,
            init: false,
            reason: pod.status.reason ?? null,
            exitCode: null,
            message: 'No container status has been reported for this pod yet.',
        }, 'warning', past));
    }
    return findings;
}
/** Returns the per-container facts metrics need (state, readiness, restarts, last termination). */
function containerHealth(pod) {
    const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
    const specs = new Map(pod.spec.containers.map((c) => [c.name, c]));
    const one = (cs, init) => {
        const spec = init ? initSpecs.get(cs.name) : specs.get(cs.name);
        const s = cs.state;
        const term = s?.terminated ?? cs.lastState?.terminated;
        return {
            name: cs.name,
            init,
            sidecar: init && spec?.restartPolicy === 'Always',
            image: cs.image ?? spec?.image ?? null,
            imageId: cs.imageID || null,
            ready: cs.ready === true,
            restartCount: cs.restartCount ?? 0,
            state: s?.waiting ? 'waiting' : s?.running ? 'running' : s?.terminated ? 'terminated' : 'unknown',
            waitingReason: s?.waiting?.reason ?? null,
            lastTerminatedReason: term?.reason ?? null,
            lastTerminatedExitCode: term?.exitCode ?? null,
        };
    };
    return [
        ...(pod.status.initContainerStatuses ?? []).map((cs) => one(cs, true)),
        ...(pod.status.containerStatuses ?? []).map((cs) => one(cs, false)),
    ];
}

;// CONCATENATED MODULE: ./.build/cluster/owners.js
/** Returns an index of the ReplicaSets and Jobs among the given controllers. */
function buildOwnerIndex(controllers) {
    const index = { replicaSets: new Map(), jobs: new Map() };
    for (const c of controllers) {
        if (c.kind === 'ReplicaSet')
            index.replicaSets.set(`${c.namespace}/${c.name}`, c);
        else if (c.kind === 'Job')
            index.jobs.set(`${c.namespace}/${c.name}`, c);
    }
    return index;
}
/** Returns the controlling owner reference (`controller: true`), else the first one. */
function controllerOf(refs) {
    if (!refs?.length)
        return undefined;
    return refs.find((r) => r.controller) ?? refs[0];
}
/** CronJob-made Jobs are named `<cronjob>-<scheduled time in minutes since the epoch>` (8+ digits today). */
const CRONJOB_SUFFIX = /-\d{8,}$/;
/** Returns the Deployment name behind a ReplicaSet name, by stripping `-<pod-template-hash>`, or null. */
function deploymentFromReplicaSetName(rsName, podTemplateHash) {
    if (podTemplateHash && rsName.endsWith(`-${podTemplateHash}`))
        return rsName.slice(0, -(podTemplateHash.length + 1)) || null;
    return null;
}
/** Returns the CronJob name behind a Job name, by stripping the numeric `-<minutes>` suffix, or null. */
function cronJobFromJobName(jobName) {
    return CRONJOB_SUFFIX.test(jobName) ? jobName.replace(CRONJOB_SUFFIX, '') || null : null;
}
function topOfReplicaSet(ns, rsName, pod, index) {
    const rs = index?.replicaSets.get(`${ns}/${rsName}`);
    if (rs) {
        const up = controllerOf(rs.ownerReferences);
        return up ? { kind: up.kind, name: up.name } : { kind: 'ReplicaSet', name: rsName };
    }
    const hash = pod?.metadata.labels?.['pod-template-hash'] ?? rsHashFromName(rsName);
    const deployment = deploymentFromReplicaSetName(rsName, hash);
    return deployment ? { kind: 'Deployment', name: deployment } : { kind: 'ReplicaSet', name: rsName };
}
/** Without the pod's label, a ReplicaSet made by a Deployment still ends in `-<hash>` of 5–10 safe characters. */
function rsHashFromName(rsName) {
    return /-([bcdfghjklmnpqrstvwxz2456789]{5,10})$/.exec(rsName)?.[1];
}
function topOfJob(ns, jobName, index) {
    const job = index?.jobs.get(`${ns}/${jobName}`);
    if (job) {
        const up = controllerOf(job.ownerReferences);
        return up ? { kind: up.kind, name: up.name } : { kind: 'Job', name: jobName };
    }
    const cron = cronJobFromJobName(jobName);
    return cron ? { kind: 'CronJob', name: cron } : { kind: 'Job', name: jobName };
}
/**
 * Returns the top-level owner of a pod. With an index the ReplicaSet's and Job's own ownerReferences decide;
 * without one (a pods-only dump) the names are stripped as the controllers build them.
 */
function ownerOfPod(pod, index) {
    const ns = pod.metadata.namespace;
    const ref = controllerOf(pod.metadata.ownerReferences);
    // Static (mirror) pods are "owned" by their Node: each is its own workload.
    if (!ref || ref.kind === 'Node')
        return { kind: 'Pod', name: pod.metadata.name };
    if (ref.kind === 'ReplicaSet')
        return topOfReplicaSet(ns, ref.name, pod, index);
    if (ref.kind === 'Job')
        return topOfJob(ns, ref.name, index);
    return { kind: ref.kind, name: ref.name };
}
/** Returns the top-level owner of a controller (a ReplicaSet → its Deployment, a Job → its CronJob, else itself). */
function ownerOfController(c) {
    if (c.kind === 'ReplicaSet') {
        const up = controllerOf(c.ownerReferences);
        return up ? { kind: up.kind, name: up.name } : { kind: 'ReplicaSet', name: c.name };
    }
    if (c.kind === 'Job') {
        const up = controllerOf(c.ownerReferences);
        if (up)
            return { kind: up.kind, name: up.name };
        return { kind: 'Job', name: c.name };
    }
    return { kind: c.kind, name: c.name };
}

;// CONCATENATED MODULE: ./.build/cluster/pod-display.js
/** `node.NodeUnreachablePodReason`: the node controller sets it on pods of a lost node. */
const NODE_LOST = 'NodeLost';
function isSidecar(spec) {
    return spec?.restartPolicy === 'Always';
}
function conditionTrue(pod, type) {
    return (pod.status.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}
/** Returns kubectl's STATUS column and RESTARTS sum for a pod. */
function kubectlStatus(pod) {
    const phase = pod.status.phase ?? '';
    let reason = pod.status.reason || phase;
    for (const c of pod.status.conditions ?? []) {
        if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated')
            reason = 'SchedulingGated';
    }
    const initSpecs = new Map((pod.spec.initContainers ?? []).map((c) => [c.name, c]));
    const initCount = pod.spec.initContainers?.length ?? 0;
    let restarts = 0;
    let sidecarRestarts = 0;
    let initializing = false;
    const initStatuses = pod.status.initContainerStatuses ?? [];
    for (let i = 0; i < initStatuses.length; i++) {
        const c = initStatuses[i];
        const sidecar = isSidecar(initSpecs.get(c.name));
        restarts += c.restartCount ?? 0;
        if (sidecar)
            sidecarRestarts += c.restartCount ?? 0;
        const t = c.state?.terminated;
        const w = c.state?.waiting;
        if (t && t.exitCode === 0)
            continue;
        if (sidecar && c.started === true)
            continue;
        if (t) {
            if (!t.reason)
                reason = t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode ?? 0}`;
            else
                reason = `Init:${t.reason}`;
        }
        else if (w?.reason && w.reason !== 'PodInitializing') {
            reason = `Init:${w.reason}`;
        }
        else {
            reason = `Init:${i}/${initCount}`;
        }
        initializing = true;
        break;
    }
    if (!initializing || conditionTrue(pod, 'Initialized')) {
        restarts = sidecarRestarts;
        let hasRunning = false;
        const statuses = pod.status.containerStatuses ?? [];
        for (let i = statuses.length - 1; i >= 0; i--) {
            const c = statuses[i];
            restarts += c.restartCount ?? 0;
            const w = c.state?.waiting;
            const t = c.state?.terminated;
            if (w?.reason)
                reason = w.reason;
            else if (t?.reason)
                reason = t.reason;
            else if (t)
                reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
            else if (c.ready && c.state?.running)
                hasRunning = true;
        }
        if (reason === 'Completed' && hasRunning)
            reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
    }
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    if (pod.metadata.deletionTimestamp && pod.status.reason === NODE_LOST)
        reason = 'Unknown';
    else if (pod.metadata.deletionTimestamp && !terminal)
        reason = 'Terminating';
    return { display: reason, restarts };
}

;// CONCATENATED MODULE: ./.build/cluster/pod-health.js
/**
 * The pod-health classifier of `shared/docs/pod-health.md` (E.2 evaluation order, E.3 table, E.4 record).
 * Pure: a pod and `now` in, a `PodHealth` out. Every grace period is measured from timestamps in the object.
 * Pod-level rules (T, S, E/F, U, G/P) live here; container rules in `container-rules.ts`.
 */






/** The default thresholds of pod-health.md E.2, in seconds. */
const DEFAULT_POD_HEALTH_THRESHOLDS = Object.freeze({
    waitingGrace: 120,
    unschedulableGrace: 300,
    stuckGrace: 1800,
    notReadyGrace: 300,
    recentWindow: 3600,
    highRestartThreshold: 20,
});
const AKKERIS = {
    Unschedulable: 'H98',
    OOMKilled: 'R14',
    StartError: 'H9',
    ExitedPrematurely: 'H8',
    CrashLoopBackOff: 'H10',
    ImagePullBackOff: 'H99',
    InvalidImageName: 'H99',
    CreateContainerConfigError: 'H0',
    CreateContainerError: 'H0',
    NotReady: 'H20',
};
/** Pod-level rules T, S, F/E, U, G/P; null when the containers decide. */
function evaluatePod(pod, clock) {
    const { t } = clock;
    const phase = pod.status.phase ?? '';
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const del = pod.metadata.deletionTimestamp;
    if (del) {
        const age = since(del, clock);
        if (!terminal && age !== null && age > t.stuckGrace)
            return podFinding('T2', 'Terminating', 'warning', false, null, `Pod has been terminating since ${del} (${fmtDuration(age)}): a finalizer or an unreachable node holds it; check metadata.finalizers and the node.`);
        return podFinding('T1', 'Terminating', 'none', true, null, null);
    }
    if (phase === 'Succeeded')
        return podFinding('S', 'Completed', 'none', false, null, null);
    if (phase === 'Failed')
        return failedPod(pod, clock);
    if (phase === 'Unknown')
        return podFinding('U', 'Unknown', 'warning', false, pod.status.reason ?? null, pod.status.message ?? 'The pod phase is Unknown: its node stopped reporting.');
    const scheduled = condition(pod, 'PodScheduled');
    if (scheduled?.status === 'False') {
        if (scheduled.reason === 'SchedulingGated')
            return podFinding('G', 'SchedulingGated', 'none', true, 'SchedulingGated', scheduled.message ?? null);
        const age = since(scheduled.lastTransitionTime ?? pod.metadata.creationTimestamp, clock);
        const past = pastGrace(age, t.unschedulableGrace);
        return podFinding('P', 'Unschedulable', past ? 'warning' : 'none', !past, scheduled.reason ?? 'Unschedulable', scheduled.message ?? null);
    }
    return null;
}
function failedPod(pod, clock) {
    const { t } = clock;
    const disruption = condition(pod, 'DisruptionTarget');
    const byKubelet = disruption?.status === 'True' && disruption.reason === 'TerminationByKubelet';
    if (pod.status.reason === 'Evicted' || byKubelet) {
        const at = disruption?.lastTransitionTime ?? condition(pod, 'Ready')?.lastTransitionTime;
        const age = since(at, clock);
        const old = age !== null && age > t.recentWindow;
        const message = pod.status.message ?? disruption?.message ?? null;
        return podFinding('E', 'Evicted', old ? 'info' : 'warning', false, pod.status.reason ?? disruption?.reason ?? 'Evicted', old ? join(message, `(evicted ${fmtDuration(age)} ago, outside the recent window)`) : message);
    }
    const statuses = [
        ...(pod.status.initContainerStatuses ?? []).map((s) => ({ s, init: true })),
        ...(pod.status.containerStatuses ?? []).map((s) => ({ s, init: false })),
    ];
    const failed = statuses.find(({ s }) => {
        const code = s.state?.terminated?.exitCode;
        return code !== undefined && code !== 0;
    });
    let finished = null;
    for (const { s } of statuses) {
        const ms = Date.parse(s.state?.terminated?.finishedAt ?? '');
        if (!Number.isNaN(ms))
            finished = Math.max(finished ?? ms, ms);
    }
    const age = finished === null ? null : (clock.nowMs - finished) / 1000;
    const old = age !== null && age > t.recentWindow;
    const severity = old ? 'info' : 'warning';
    if (failed) {
        const term = failed.s.state?.terminated;
        return {
            rule: 'F',
            class: 'Failed',
            severity,
            transitional: false,
            container: failed.s.name,
            init: failed.init,
            reason: term?.reason ?? null,
            exitCode: term?.exitCode ?? null,
            message: join(`${failed.init ? 'Init container' : 'Container'} ${failed.s.name} failed with exit code ${term?.exitCode}${term?.reason ? ` (${term.reason})` : ''}${term?.finishedAt ? ` at ${term.finishedAt}` : ''}.`, term?.message, pod.status.message),
        };
    }
    return podFinding('F', 'Failed', severity, false, pod.status.reason ?? null, pod.status.message ?? null);
}
/** Returns the `now` in milliseconds of a Date, a number or an ISO string. */
function toMillis(now) {
    if (typeof now === 'number')
        return now;
    if (typeof now === 'string')
        return Date.parse(now);
    return now.getTime();
}
/**
 * Returns the health of one pod as of `now` (pod-health.md E.2–E.4). The owner defaults to what the pod alone
 * tells (`ownerOfPod` without an index).
 */
function classifyPod(pod, now, thresholds = {}, owner = ownerOfPod(pod)) {
    const clock = { nowMs: toMillis(now), t: { ...DEFAULT_POD_HEALTH_THRESHOLDS, ...thresholds } };
    const podLevel = evaluatePod(pod, clock);
    const findings = podLevel ? [podLevel] : evaluateContainers(pod, clock);
    let best = null;
    for (const f of findings)
        if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best.severity])
            best = f;
    const { display, restarts } = kubectlStatus(pod);
    const result = best ?? {
        rule: 'OK',
        class: 'Healthy',
        severity: 'none',
        transitional: false,
        container: null,
        init: false,
        reason: null,
        exitCode: null,
        message: null,
    };
    const unhealthy = result.severity === 'critical' || result.severity === 'warning';
    return {
        namespace: pod.metadata.namespace,
        pod: pod.metadata.name,
        owner,
        status: unhealthy ? 'unhealthy' : result.transitional ? 'transitional' : 'ok',
        class: result.class,
        severity: result.severity,
        container: result.container,
        init: result.init,
        reason: result.reason,
        exitCode: result.exitCode,
        restarts,
        message: result.message,
        display,
        akkerisCode: result.severity === 'info' ? null : (AKKERIS[result.class] ?? null),
        phase: pod.status.phase ?? 'Unknown',
        rule: result.rule,
        node: pod.spec.nodeName ?? null,
        containers: containerHealth(pod),
    };
}

;// CONCATENATED MODULE: ./.build/cluster/render.js
/**
 * Renderers of a `DriftReport`: JSON (schemaVersion 1, the wire format) and a text summary for terminals and logs.
 * Pure.
 */

/** Returns the JSON report: `schemaVersion`, `cluster`, times, `complete`, `errors`, `drift`, `pods`, `workloads`, `images`. */
function render_renderDriftJson(report) {
    const ordered = {
        schemaVersion: report.schemaVersion,
        cluster: report.cluster,
        generatedAt: report.generatedAt,
        now: report.now,
        complete: report.complete,
        ...(report.warnings ? { warnings: report.warnings } : {}),
        errors: report.errors,
        drift: report.drift,
        pods: report.pods,
        workloads: report.workloads,
        ...(report.images ? { images: report.images } : {}),
    };
    return `${JSON.stringify(ordered, null, 2)}\n`;
}
const LABEL = {
    critical: 'CRITICAL',
    warning: 'WARNING',
    info: 'info',
    none: 'ok',
};
function workloadLines(w) {
    const lines = [
        `${LABEL[w.severity].padEnd(8)} ${w.kind} ${w.namespace}/${w.name}${w.live ? '' : ' (not in the cluster)'}` +
            (w.pods.total
                ? `: ${w.pods.total} pod(s), ${w.pods.unhealthy} unhealthy, ${w.pods.restarts} restart(s)`
                : ''),
    ];
    for (const c of w.classes) {
        if (c.severity === 'none' && c.class !== 'Terminating')
            continue;
        const where = c.container ? ` ${c.init ? 'init container' : 'container'} ${c.container}` : '';
        const why = [c.reason, c.exitCode !== null ? `exit ${c.exitCode}` : null].filter(Boolean).join(', ');
        lines.push(`    ${c.class} (${c.severity})${where}${why ? ` [${why}]` : ''}: ${c.pods.join(', ')}`);
        if (c.message)
            lines.push(`      ${c.message}`);
        if (c.probe)
            lines.push(`      ${c.probe} probe: ${c.probeMessage ?? ''}`);
    }
    for (const d of w.drift) {
        if (d.status === 'in_sync' && !d.tagMoved && !d.tagFindings)
            continue;
        lines.push(`    ${d.status} ${d.container}: ${d.message}`);
        for (const t of d.tagFindings ?? [])
            lines.push(`      ${t.rule}: ${t.message}`);
    }
    for (const i of w.images) {
        if (i.status === 'available' || i.status === 'not_checked' || i.status === 'skipped')
            continue;
        lines.push(`    image ${i.image} (${i.source}, container ${i.container}): ${i.status}${i.message ? ` - ${i.message}` : ''}`);
    }
    for (const warning of w.warnings)
        lines.push(`    warning: ${warning}`);
    return lines;
}
/** Returns a text summary: a headline, list errors, then every workload that is not plainly healthy. */
function render_renderDriftText(report) {
    const unhealthy = report.workloads.filter((w) => w.unhealthy).length;
    const drifted = new Set(report.drift.filter((d) => d.status !== 'in_sync').map((d) => `${d.namespace}/${d.kind}/${d.name}`)).size;
    const lines = [
        `Cluster ${report.cluster} as of ${report.now}: ${report.workloads.length} workload(s), ${report.pods.length} pod(s); ${unhealthy} unhealthy workload(s), ${drifted} with drift.`,
    ];
    if (!report.complete)
        lines.push('Incomplete: some namespaces or kinds could not be listed (see below); nothing about them is resolved.');
    for (const e of report.errors)
        lines.push(`warning: ${e.message}`);
    for (const w of report.warnings ?? [])
        lines.push(`note: ${w}`);
    const shown = report.workloads
        .filter((w) => w.severity !== 'none' || w.classes.length > 0 || w.drift.some((d) => d.status !== 'in_sync'))
        .sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    if (shown.length)
        lines.push('');
    for (const w of shown)
        lines.push(...workloadLines(w));
    return `${lines.join('\n')}\n`;
}

// EXTERNAL MODULE: ./.build/image/reference.js
var reference = __webpack_require__(8033);
// EXTERNAL MODULE: ./.build/image/tag-policy.js
var tag_policy = __webpack_require__(855);
;// CONCATENATED MODULE: ./.build/cluster/live.js

/** Kinds whose pods are expected to run the controller's current template (rollout_stuck applies). */
const ROLLING_KINDS = new Set([
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
]);
/** Returns `namespace/kind/name`, the key of a workload. */
function workloadKey(namespace, kind, name) {
    return `${namespace}/${kind}/${name}`;
}
/** Returns the pseudo file name that live image uses carry: `cluster://<namespace>/<kind>/<name>`. */
function clusterLocation(namespace, kind, name) {
    return `cluster://${namespace}/${kind}/${name}`;
}
/** Returns the containers of a pod spec, init containers first. */
function specContainers(spec) {
    const out = [];
    for (const c of spec.initContainers ?? [])
        if (c.image)
            out.push({ name: c.name, image: c.image, containerType: 'initContainer' });
    for (const c of spec.containers)
        if (c.image)
            out.push({ name: c.name, image: c.image, containerType: 'container' });
    return out;
}
function imagesOf(spec) {
    return specContainers(spec)
        .map((c) => `${c.name}=${c.image}`)
        .sort()
        .join(',');
}
function rolloutStartOf(c, all) {
    if (c.kind === 'Deployment') {
        const want = imagesOf(c.template);
        let best = null;
        for (const rs of all) {
            if (rs.kind !== 'ReplicaSet' || rs.namespace !== c.namespace)
                continue;
            const up = controllerOf(rs.ownerReferences);
            if (up?.kind !== 'Deployment' || up.name !== c.name || imagesOf(rs.template) !== want)
                continue;
            if (rs.creationTimestamp && (!best || Date.parse(rs.creationTimestamp) > Date.parse(best)))
                best = rs.creationTimestamp;
        }
        if (best)
            return best;
    }
    return c.specUpdatedAt ?? c.creationTimestamp ?? null;
}
/**
 * Groups controllers and pods into top-level workloads (pod-health.md E.5): Deployments (their ReplicaSets'
 * pods), StatefulSets, DaemonSets, CronJobs (their Jobs' pods), Jobs and ReplicaSets without an owner, and
 * bare Pods. Sorted by namespace, kind, name.
 */
function buildLiveWorkloads(pods, controllers) {
    const index = buildOwnerIndex(controllers);
    const byKey = new Map();
    for (const c of controllers) {
        const top = ownerOfController(c);
        if (top.kind !== c.kind || top.name !== c.name)
            continue; // a ReplicaSet of a Deployment, a Job of a CronJob
        byKey.set(workloadKey(c.namespace, c.kind, c.name), {
            kind: c.kind,
            namespace: c.namespace,
            name: c.name,
            controller: c,
            containers: specContainers(c.template),
            spec: c.template,
            pods: [],
            rolloutStart: rolloutStartOf(c, controllers),
            idle: c.replicas === 0 || c.suspended === true,
        });
    }
    for (const pod of pods) {
        const owner = ownerOfPod(pod, index);
        const ns = pod.metadata.namespace;
        const key = workloadKey(ns, owner.kind, owner.name);
        let w = byKey.get(key);
        if (!w) {
            const bare = owner.kind === 'Pod';
            w = {
                kind: owner.kind,
                namespace: ns,
                name: owner.name,
                controller: null,
                containers: bare ? specContainers(pod.spec) : [],
                spec: bare ? pod.spec : null,
                pods: [],
                rolloutStart: bare ? (pod.metadata.creationTimestamp ?? null) : null,
                idle: false,
            };
            byKey.set(key, w);
        }
        w.pods.push(pod);
    }
    return [...byKey.values()].sort((a, b) => {
        const ka = `${a.namespace}\u0000${a.kind}\u0000${a.name}`;
        const kb = `${b.namespace}\u0000${b.kind}\u0000${b.name}`;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}
/** Returns the live workloads' template images as `ImageUse`s (origin `cluster`, line 0: no file position). */
function liveUses(workloads) {
    const uses = [];
    for (const w of workloads) {
        for (const c of w.containers) {
            uses.push({
                raw: c.image,
                file: clusterLocation(w.namespace, w.kind, w.name),
                line: 0,
                column: 0,
                docIndex: 0,
                kind: w.kind,
                apiVersion: null,
                namespace: w.namespace,
                name: w.name,
                container: c.name,
                containerType: c.containerType,
                origin: 'cluster',
            });
        }
    }
    return uses;
}
const REPO_DIGEST = /^(?:docker-pullable:\/\/)?([^@]+)@(sha256:[a-f0-9]{64})$/;
/**
 * Returns the repository and manifest digest in a container status `imageID`
 * (`docker.io/library/nginx@sha256:…`, `docker-pullable://nginx@sha256:…`), or null for a bare image ID
 * (`sha256:…` of a locally loaded image), which names no registry manifest.
 */
function parseImageId(imageId) {
    if (!imageId)
        return null;
    const m = REPO_DIGEST.exec(imageId);
    return m ? { repository: m[1], digest: m[2] } : null;
}
/** Returns what the workload's live pods run for one container. Deleted and finished pods are left out. */
function runningImages(w, container) {
    const specImages = new Set();
    const statusImages = new Set();
    const imageIds = new Set();
    const digests = new Set();
    const podsBySpecImage = new Map();
    for (const pod of w.pods) {
        const phase = pod.status.phase;
        if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed')
            continue;
        const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === container);
        if (spec?.image) {
            specImages.add(spec.image);
            const list = podsBySpecImage.get(spec.image) ?? [];
            list.push(pod.metadata.name);
            podsBySpecImage.set(spec.image, list);
        }
        const st = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])].find((s) => s.name === container);
        if (st?.image)
            statusImages.add(st.image);
        if (st?.imageID) {
            imageIds.add(st.imageID);
            const parsed = parseImageId(st.imageID);
            if (parsed)
                digests.add(parsed.digest);
        }
    }
    return {
        specImages: [...specImages].sort(),
        statusImages: [...statusImages].sort(),
        imageIds: [...imageIds].sort(),
        digests: [...digests].sort(),
        podsBySpecImage,
    };
}

;// CONCATENATED MODULE: ./.build/cluster/drift.js
/**
 * Drift between git (the desired image uses the manifest scanner found) and the live cluster, per
 * (kind, namespace, name, container). Pure: data and an explicit `now` in, `DriftEntry[]` out.
 */



/** Kinds that can be compared with the cluster (what `kube.ts` lists, plus bare Pods). */
const COMPARABLE_KINDS = new Set([
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'CronJob',
    'Job',
    'ReplicaSet',
    'Pod',
]);
/** Tag-policy rules reported on live images by default (`digest-required` stays a PR-mode rule). */
const DEFAULT_LIVE_TAG_RULES = [
    'dirty-tag',
    'latest-tag',
    'missing-tag',
    'mutable-tag',
];
/** Returns the comparison key of an image (`nginx` → `docker.io/library/nginx:latest`), or the raw string if invalid. */
function normalizeImage(raw) {
    const parsed = (0,reference/* parseReference */.F2)(raw);
    return parsed.ok ? (0,reference/* checkKey */.yR)(parsed.ref) : raw;
}
/** Returns whether two image strings name the same image after normalisation. */
function sameImage(a, b) {
    return a === b || normalizeImage(a) === normalizeImage(b);
}
function liveTagFindings(image, policy) {
    if (!policy)
        return undefined;
    const parsed = (0,reference/* parseReference */.F2)(image);
    if (!parsed.ok)
        return undefined;
    const rules = policy.rules ?? DEFAULT_LIVE_TAG_RULES;
    const hits = (0,tag_policy/* evaluateTagPolicy */.IF)(parsed.ref, policy)
        .filter((v) => rules.includes(v.rule))
        .map((v) => ({ rule: v.rule, message: `Live image ${image}: ${v.message}` }));
    return hits.length ? hits : undefined;
}
function fmtSeconds(s) {
    if (s < 120)
        return `${Math.round(s)}s`;
    if (s < 7200)
        return `${Math.round(s / 60)}m`;
    return `${Math.round(s / 3600)}h`;
}
function desiredKey(use, defaultNamespace) {
    if (!use.name || !use.container || use.containerType === 'ephemeralContainer')
        return null;
    if (!COMPARABLE_KINDS.has(use.kind))
        return null;
    return `${workloadKey(use.namespace ?? defaultNamespace, use.kind, use.name)}/${use.container}`;
}
function byPosition(a, b) {
    return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}
/**
 * Returns one entry per desired or live container: `in_sync`, `drifted`, `missing_in_cluster`,
 * `rollout_stuck` and (with `reportNotInGit`) `not_in_git`, sorted by namespace, kind, name, container.
 *
 * @remarks
 * When the template equals git but pods still run another image after `rolloutGrace`, the entry is
 * `rollout_stuck`; when the template differs from git it is `drifted` (stuck pods are named in the message).
 * Several desired uses for one key (a base and an overlay) count as in sync when any of them matches.
 */
function computeDrift(desired, live, options) {
    const wanted = new Map();
    for (const use of desired) {
        const key = desiredKey(use, options.defaultNamespace);
        if (!key)
            continue;
        const list = wanted.get(key) ?? [];
        list.push(use);
        wanted.set(key, list);
    }
    for (const list of wanted.values())
        list.sort(byPosition);
    const liveByKey = new Map(live.map((w) => [workloadKey(w.namespace, w.kind, w.name), w]));
    const managed = new Set([...wanted.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))));
    const seen = options.isSeen ?? (() => true);
    const entries = [];
    const done = new Set();
    for (const w of live) {
        const wKey = workloadKey(w.namespace, w.kind, w.name);
        for (const c of w.containers) {
            const key = `${wKey}/${c.name}`;
            done.add(key);
            const uses = wanted.get(key);
            if (!uses) {
                if (options.reportNotInGit && !managed.has(wKey))
                    entries.push(entry(w, c.name, null, c.image, 'not_in_git', options, null));
                continue;
            }
            const match = uses.find((u) => sameImage(u.raw, c.image));
            const use = match ?? uses[0];
            entries.push(entry(w, c.name, use, c.image, match ? 'in_sync' : 'drifted', options, uses));
        }
    }
    for (const [key, uses] of wanted) {
        if (done.has(key))
            continue;
        const use = uses[0];
        const ns = use.namespace ?? options.defaultNamespace;
        if (!seen(ns, use.kind))
            continue;
        const w = liveByKey.get(workloadKey(ns, use.kind, use.name));
        const where = `${use.file}:${use.line}`;
        entries.push({
            kind: use.kind,
            namespace: ns,
            name: use.name,
            container: use.container,
            desired: use.raw,
            live: null,
            status: 'missing_in_cluster',
            file: use.file,
            line: use.line,
            podImages: [],
            liveDigests: [],
            imageIds: [],
            message: w
                ? `Container ${use.container} of ${use.kind} ${ns}/${use.name} is in git (${where}) but not in the live template; apply the manifest.`
                : `${use.kind} ${ns}/${use.name} is in git (${where}) but not in the cluster; apply it, or remove it from git.`,
        });
    }
    return entries.sort((a, b) => {
        const ka = `${a.namespace}\u0000${a.kind}\u0000${a.name}\u0000${a.container}`;
        const kb = `${b.namespace}\u0000${b.kind}\u0000${b.name}\u0000${b.container}`;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}
function entry(w, container, use, liveImage, base, options, alternatives) {
    const run = runningImages(w, container);
    const e = {
        kind: w.kind,
        namespace: w.namespace,
        name: w.name,
        container,
        desired: use?.raw ?? null,
        live: liveImage,
        status: base,
        file: use?.file ?? null,
        line: use?.line ?? null,
        podImages: run.statusImages,
        liveDigests: run.digests,
        imageIds: run.imageIds,
        message: '',
    };
    const where = use ? `${use.file}:${use.line}` : '';
    const id = `${w.kind} ${w.namespace}/${w.name}`;
    // Pods still on another image than the template (a rollout that does not finish).
    const stale = [...run.podsBySpecImage].filter(([img]) => !sameImage(img, liveImage));
    let stuck = '';
    if (ROLLING_KINDS.has(w.kind) && stale.length && w.rolloutStart) {
        const age = (options.now - Date.parse(w.rolloutStart)) / 1000;
        const pods = stale.flatMap(([, p]) => p).sort();
        const images = stale.map(([img]) => img).join(', ');
        stuck =
            age > options.rolloutGrace
                ? `Pods ${pods.join(', ')} still run ${images} ${fmtSeconds(age)} after the rollout of ${liveImage} started (grace ${fmtSeconds(options.rolloutGrace)}); check kubectl rollout status ${w.kind.toLowerCase()}/${w.name} -n ${w.namespace}.`
                : '';
        if (stuck && base === 'in_sync')
            e.status = 'rollout_stuck';
    }
    if (base === 'in_sync')
        e.message = `${id} runs ${liveImage} as git says (${where}).`;
    else if (base === 'drifted') {
        const others = alternatives && alternatives.length > 1
            ? ` (or ${alternatives
                .slice(1)
                .map((u) => u.raw)
                .join(', ')})`
            : '';
        e.message = `Git has ${use?.raw}${others} (${where}) but the live ${id} template has ${liveImage}; apply the manifest, or update git to what runs.`;
    }
    else
        e.message = `${id} runs ${liveImage} but no manifest describes it; add it to git, or delete it.`;
    if (stuck)
        e.message = e.status === 'rollout_stuck' ? stuck : `${e.message} ${stuck}`;
    // "Tag moved": the registry now resolves the template's tag to another digest than pods run.
    const parsed = (0,reference/* parseReference */.F2)(liveImage);
    if (parsed.ok && parsed.ref.digest === null) {
        const check = options.checks?.get((0,reference/* checkKey */.yR)(parsed.ref));
        if (check?.digest) {
            e.registryDigest = check.digest;
            const moved = run.digests.length > 0 && run.digests.some((d) => d !== check.digest);
            if (moved) {
                e.tagMoved = true;
                e.message += ` Tag ${liveImage} now points to ${check.digest.slice(0, 19)}… but pods run ${run.digests.map((d) => `${d.slice(0, 19)}…`).join(', ')}: a restart would change what runs; pin a digest.`;
            }
        }
    }
    const tags = liveTagFindings(liveImage, options.tagPolicy);
    if (tags)
        e.tagFindings = tags;
    return e;
}

;// CONCATENATED MODULE: ./.build/cluster/live-images.js
/**
 * The images a live workload runs or would run, as registry-check targets: its template images (what a new pod
 * pulls) and its pods' `imageID` digests (what runs now). Pure.
 */


/** Returns the images a workload runs or would run, per container: its template images and its pods' digests. */
function liveImageTargets(w, includeIdle) {
    const out = [];
    const add = (container, image, source) => {
        const parsed = (0,reference/* parseReference */.F2)(image);
        if (parsed.ok)
            out.push({ container, target: { key: (0,reference/* checkKey */.yR)(parsed.ref), ref: parsed.ref, source } });
    };
    if (!w.idle || includeIdle)
        for (const c of w.containers)
            add(c.name, c.image, 'template');
    if (!w.controller && w.kind !== 'Pod') {
        // Owner kind we do not list (an Argo Rollout...): what its pods asked for is what a new pod would pull.
        const names = new Set(w.pods.flatMap((p) => [...(p.spec.initContainers ?? []), ...p.spec.containers].map((c) => c.name)));
        for (const name of names)
            for (const img of runningImages(w, name).specImages)
                add(name, img, 'template');
    }
    const names = new Set(w.pods.flatMap((p) => [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])].map((s) => s.name)));
    for (const name of [...names].sort()) {
        for (const id of runningImages(w, name).imageIds) {
            const parsed = parseImageId(id);
            if (parsed)
                add(name, `${parsed.repository}@${parsed.digest}`, 'pod');
        }
    }
    const seen = new Set();
    return out.filter((t) => {
        const k = `${t.container}\u0000${t.target.key}`;
        if (seen.has(k))
            return false;
        seen.add(k);
        return true;
    });
}

;// CONCATENATED MODULE: ./.build/cluster/probe-events.js
/** Classes a probe failure can explain. */
const REFINED = new Set([
    'CrashLoopBackOff',
    'NotReady',
    'HighRestartCount',
    'RecentRestart',
]);
/** Returns which probe an event is about, or null when it is not a probe failure. */
function probeOfEvent(e) {
    if (e.reason === 'Unhealthy') {
        const m = /^(Liveness|Readiness|Startup) probe (?:failed|errored)/.exec(e.message);
        return m ? m[1].toLowerCase() : null;
    }
    if (e.reason === 'Killing') {
        const m = /failed (liveness|startup) probe/.exec(e.message);
        return m ? m[1] : null;
    }
    return null;
}
/**
 * Returns the pods with `probe` and `probeMessage` set from the newest matching event within `windowSeconds`
 * before `now`. A NotReady pod only takes a readiness or startup probe; a crash loop a liveness or startup one.
 */
function applyProbeEvents(pods, events, nowMs, windowSeconds) {
    const byPod = new Map();
    for (const e of events) {
        const t = Date.parse(e.time ?? '');
        if (Number.isNaN(t) || nowMs - t > windowSeconds * 1000)
            continue;
        if (!probeOfEvent(e))
            continue;
        const key = `${e.namespace}/${e.pod}`;
        const list = byPod.get(key) ?? [];
        list.push(e);
        byPod.set(key, list);
    }
    return pods.map((p) => {
        if (!REFINED.has(p.class))
            return p;
        const candidates = (byPod.get(`${p.namespace}/${p.pod}`) ?? [])
            .filter((e) => !e.container || !p.container || e.container === p.container)
            .filter((e) => {
            const probe = probeOfEvent(e);
            return p.class === 'NotReady' ? probe !== 'liveness' : probe !== 'readiness';
        })
            .sort((a, b) => Date.parse(b.time ?? '') - Date.parse(a.time ?? ''));
        const e = candidates.find((c) => c.reason === 'Unhealthy') ?? candidates[0];
        if (!e)
            return p;
        return { ...p, probe: probeOfEvent(e), probeMessage: e.message };
    });
}

;// CONCATENATED MODULE: ./.build/cluster/restart-rate.js
/**
 * Skia's restart-rate rule (pod-health.md E.3 row R2, second half): with a stored previous snapshot of restart
 * counts, a ready container that restarted at least `minIncrease` times since then is `HighRestartCount`.
 * The caller keeps the snapshot (issue marker or Pushgateway) and passes it only when it is at most an hour old.
 * Pure.
 */

/** Skia `TooManyPodRestarts` rate: 2 restarts within an hour. */
const DEFAULT_RESTART_RATE = 2;
/** Returns the key of a container's previous restart count: `namespace/pod/container`. */
function restartKey(namespace, pod, container) {
    return `${namespace}/${pod}/${container}`;
}
/** Returns the previous-run snapshot of restart counts for a list of pods (what to store for the next run). */
function restartSnapshot(pods) {
    const out = new Map();
    for (const p of pods)
        for (const c of p.containers)
            out.set(restartKey(p.namespace, p.pod, c.name), c.restartCount);
    return out;
}
/**
 * Returns the pods with the rate rule applied: a pod whose result is below warning and that has a running, ready
 * container whose restart count grew by `minIncrease` or more since `previous` becomes `HighRestartCount` (R2).
 */
function applyRestartRate(pods, previous, minIncrease = DEFAULT_RESTART_RATE) {
    return pods.map((p) => {
        if (severityRank(p.severity) >= severityRank('warning') || p.status === 'transitional')
            return p;
        for (const c of p.containers) {
            const before = previous.get(restartKey(p.namespace, p.pod, c.name));
            if (before === undefined || c.state !== 'running' || !c.ready)
                continue;
            const grew = c.restartCount - before;
            if (grew < minIncrease)
                continue;
            return {
                ...p,
                status: 'unhealthy',
                class: 'HighRestartCount',
                severity: 'warning',
                rule: 'R2',
                container: c.name,
                init: c.init,
                reason: c.lastTerminatedReason,
                exitCode: c.lastTerminatedExitCode,
                akkerisCode: null,
                message: `Container ${c.name} restarted ${grew} times since the previous run (${before} → ${c.restartCount}; threshold ${minIncrease} per hour).`,
            };
        }
        return p;
    });
}

;// CONCATENATED MODULE: ./.build/cluster/visibility.js
/** Lower-case plural resource name of a workload kind (`Deployment` → `deployments`). */
function resourceOfKind(kind) {
    return `${kind.toLowerCase()}s`;
}
/**
 * Returns whether a run saw a workload's namespace fully: false when listing its kind or its pods (or a
 * cluster-wide list of them) failed. A consumer must never resolve or close anything it could not see.
 */
function isVisible(errors, namespace, kind) {
    const resources = new Set(['pods', resourceOfKind(kind)]);
    if (kind === 'Deployment')
        resources.add('replicasets');
    if (kind === 'CronJob')
        resources.add('jobs');
    return !errors.some((e) => resources.has(e.kind) && (e.namespace === undefined || e.namespace === namespace));
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./.build/cluster/workloads.js
/**
 * Per-workload aggregation (pod-health.md E.5/E.6): one `WorkloadReport` per (cluster, namespace, kind, name)
 * with every health class, drift entry and image check, its maximum severity and a fingerprint that changes only
 * when something an issue reader cares about changes. Pure.
 */




/** Severity of a drift status. */
const DRIFT_SEVERITY = {
    in_sync: 'none',
    drifted: 'warning',
    missing_in_cluster: 'warning',
    rollout_stuck: 'warning',
    not_in_git: 'info',
};
/** Severity of a live image's registry check: a missing image is the outage this tool exists for. */
const CHECK_SEVERITY = {
    available: 'none',
    not_checked: 'none',
    skipped: 'none',
    absent: 'critical',
    platform_missing: 'critical',
    bad_image_format: 'critical',
    authentication_failure: 'warning',
    authorization_failure: 'warning',
    rate_limited: 'info',
    registry_unavailable: 'info',
    unknown_error: 'info',
};
/** Returns the severity of one drift entry, including a moved tag and dirty/mutable live tags. */
function driftSeverity(e) {
    let s = DRIFT_SEVERITY[e.status];
    if (e.tagMoved)
        s = maxSeverity(s, 'warning');
    for (const t of e.tagFindings ?? [])
        s = maxSeverity(s, t.rule === 'dirty-tag' ? 'warning' : 'info');
    return s;
}
/**
 * Returns the health list with Failed pods of Jobs that later succeeded downgraded to `info`: the Job's own
 * status decides (pod-health.md E.3 row F), so a retried Job or a CronJob whose next run succeeded is not an issue.
 */
function settleJobFailures(health, pods, controllers) {
    const jobs = new Map(controllers.filter((c) => c.kind === 'Job').map((j) => [`${j.namespace}/${j.name}`, j]));
    const podJob = new Map();
    for (const p of pods) {
        const ref = controllerOf(p.metadata.ownerReferences);
        const job = ref?.kind === 'Job' ? jobs.get(`${p.metadata.namespace}/${ref.name}`) : undefined;
        if (job)
            podJob.set(`${p.metadata.namespace}/${p.metadata.name}`, job);
    }
    const laterSuccess = (job) => {
        if ((job.job?.succeeded ?? 0) > 0)
            return true;
        const cron = controllerOf(job.ownerReferences);
        if (cron?.kind !== 'CronJob')
            return false;
        const created = Date.parse(job.creationTimestamp ?? '');
        return [...jobs.values()].some((j) => j !== job &&
            j.namespace === job.namespace &&
            controllerOf(j.ownerReferences)?.name === cron.name &&
            (j.job?.succeeded ?? 0) > 0 &&
            Date.parse(j.creationTimestamp ?? '') > created);
    };
    return health.map((h) => {
        if (h.class !== 'Failed' || h.severity !== 'warning')
            return h;
        const job = podJob.get(`${h.namespace}/${h.pod}`);
        if (!job || !laterSuccess(job))
            return h;
        return {
            ...h,
            severity: 'info',
            status: 'ok',
            akkerisCode: null,
            message: `${h.message ?? 'Pod failed.'} (Job ${job.name} or a later run of it succeeded.)`,
        };
    });
}
/** Returns the fingerprint of a workload's findings (hex sha256): no pod names, restart counts or timestamps. */
function fingerprintOf(classes, drift, images, severity, owner) {
    const items = new Set();
    for (const c of classes) {
        if (severityRank(c.severity) < severityRank('warning'))
            continue;
        items.add(JSON.stringify(['pod', owner, c.class, c.container, c.reason, c.exitCode]));
    }
    for (const d of drift) {
        if (severityRank(driftSeverity(d)) < severityRank('warning'))
            continue;
        const tags = (d.tagFindings ?? []).map((t) => t.rule).sort();
        items.add(JSON.stringify(['drift', d.container, d.status, d.desired, d.live, d.tagMoved === true, tags]));
    }
    for (const i of images) {
        if (severityRank(CHECK_SEVERITY[i.status]) < severityRank('warning'))
            continue;
        items.add(JSON.stringify(['image', i.container, i.image, i.status]));
    }
    return (0,external_node_crypto_.createHash)('sha256')
        .update(JSON.stringify([...[...items].sort(), severity]))
        .digest('hex');
}
function emptyReport(cluster, namespace, kind, name, live) {
    return {
        cluster,
        namespace,
        kind,
        name,
        live,
        pods: { total: 0, ok: 0, transitional: 0, unhealthy: 0, byClass: {}, restarts: 0 },
        classes: [],
        drift: [],
        images: [],
        severity: 'none',
        unhealthy: false,
        fingerprint: '',
        warnings: [],
    };
}
/** Returns one report per workload (live, with pods, or only in git), sorted by namespace, kind, name. */
function aggregateWorkloads(input) {
    const reports = new Map();
    const get = (ns, kind, name, live) => {
        const key = workloadKey(ns, kind, name);
        let r = reports.get(key);
        if (!r) {
            r = emptyReport(input.cluster, ns, kind, name, live);
            reports.set(key, r);
        }
        if (live)
            r.live = true;
        return r;
    };
    for (const w of input.live ?? [])
        get(w.namespace, w.kind, w.name, true);
    const classMap = new Map();
    for (const p of input.pods) {
        const r = get(p.namespace, p.owner.kind, p.owner.name, true);
        r.pods.total++;
        r.pods[p.status]++;
        r.pods.byClass[p.class] = (r.pods.byClass[p.class] ?? 0) + 1;
        r.pods.restarts += p.restarts;
        r.severity = maxSeverity(r.severity, p.severity);
        if (p.class === 'Healthy' || p.class === 'Completed')
            continue;
        const ck = JSON.stringify([
            workloadKey(p.namespace, p.owner.kind, p.owner.name),
            p.class,
            p.severity,
            p.container,
            p.init,
            p.reason,
            p.exitCode,
        ]);
        let c = classMap.get(ck);
        if (!c) {
            c = {
                class: p.class,
                severity: p.severity,
                container: p.container,
                init: p.init,
                reason: p.reason,
                exitCode: p.exitCode,
                pods: [],
                message: p.message,
            };
            classMap.set(ck, c);
            r.classes.push(c);
        }
        c.pods.push(p.pod);
        if (p.probe && !c.probe) {
            c.probe = p.probe;
            if (p.probeMessage)
                c.probeMessage = p.probeMessage;
        }
    }
    for (const d of input.drift) {
        const r = get(d.namespace, d.kind, d.name, d.status !== 'missing_in_cluster');
        r.drift.push(d);
        r.severity = maxSeverity(r.severity, driftSeverity(d));
    }
    for (const [key, checks] of input.images ?? []) {
        const r = reports.get(key);
        if (!r)
            continue;
        r.images.push(...checks);
        for (const c of checks)
            r.severity = maxSeverity(r.severity, CHECK_SEVERITY[c.status]);
    }
    for (const [key, warnings] of input.warnings ?? [])
        reports.get(key)?.warnings.push(...warnings);
    for (const r of reports.values()) {
        for (const c of r.classes)
            c.pods.sort();
        r.classes.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) ||
            (a.class < b.class ? -1 : a.class > b.class ? 1 : 0));
        r.unhealthy = r.severity === 'critical' || r.severity === 'warning';
        r.fingerprint = fingerprintOf(r.classes, r.drift, r.images, r.severity, `${r.kind}/${r.name}`);
    }
    return [...reports.values()].sort((a, b) => {
        const ka = `${a.namespace}\u0000${a.kind}\u0000${a.name}`;
        const kb = `${b.namespace}\u0000${b.kind}\u0000${b.name}`;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

// EXTERNAL MODULE: ./.build/report/rules.js
var report_rules = __webpack_require__(7590);
// EXTERNAL MODULE: ./.build/engine/registry.js + 20 modules
var registry = __webpack_require__(5215);
;// CONCATENATED MODULE: ./.build/engine/drift.js
/**
 * Cluster mode: the only place its stages meet. desired uses (from the manifest scanner) + a live snapshot
 * (API server or dump files) → drift, pod health, live image checks → per-workload reports (`DriftReport`).
 * Adapters come in through `deps`, so tests and the CLI/action supply their own.
 */















/** Returns the run options a `Config` describes. */
function driftOptionsFromConfig(config, clusterName) {
    // Live tag rules follow the rules table (defaults) and the config's overrides; `off` drops one.
    const rules = DEFAULT_LIVE_TAG_RULES.filter((rule) => (config.rules[rule] ?? report_rules/* RULES_BY_ID */.kF.get(rule)?.defaultSeverity ?? 'off') !== 'off');
    return {
        cluster: clusterName,
        defaultNamespace: config.defaultNamespace,
        namespaces: config.namespaces,
        excludeNamespaces: config.excludeNamespaces,
        reportNotInGit: config.reportNotInGit,
        rolloutGrace: config.rolloutGrace,
        checkLiveImages: config.checkLiveImages && !config.offline,
        includeScaledToZero: config.includeScaledToZero,
        thresholds: {
            waitingGrace: config.waitingGrace,
            unschedulableGrace: config.unschedulableGrace,
            stuckGrace: config.stuckGrace,
            notReadyGrace: config.notReadyGrace,
            recentWindow: config.recentWindow,
            highRestartThreshold: config.highRestartThreshold,
        },
        now: config.now,
        usePullSecrets: config.usePullSecrets,
        tagPolicy: {
            dirtyPatterns: (0,tag_policy/* compileDirtyPatterns */.zL)(config.dirtyPatterns),
            mutableTags: config.mutableTags,
            rules,
        },
    };
}
/** Returns a loader that lists the cluster through the API server (a loaded KubeConfig or where to load one). */
function liveFromKube(access, scope) {
    return async () => {
        const kc = access instanceof client_node_dist/* KubeConfig */.ypW ? access : loadKubeConfig(access);
        const snap = await snapshotCluster(kc, scope);
        const probes = await listProbeEvents(kc, scope);
        return { ...snap, source: snap.server, events: probes.events, warnings: probes.warnings };
    };
}
/**
 * Returns a loader that reads `--pods-file` and/or `--objects-file`. A missing half is recorded as an error
 * (`complete: false`), so nothing about what it would have shown is resolved.
 */
function liveFromFiles(files) {
    return async () => {
        const snapshot = {
            pods: [],
            controllers: [],
            errors: [],
            complete: true,
            newest: null,
            source: '',
        };
        const newest = [];
        for (const file of [files.podsFile, files.objectsFile]) {
            if (!file)
                continue;
            const dump = await readDumpFile(file);
            snapshot.pods.push(...dump.pods);
            snapshot.controllers.push(...dump.controllers);
            snapshot.events = [...(snapshot.events ?? []), ...dump.events];
            if (dump.newest)
                newest.push(dump.newest);
        }
        snapshot.source = [files.podsFile, files.objectsFile].filter(Boolean).join(' and ');
        snapshot.newest = newest.sort().at(-1) ?? null;
        if (!files.objectsFile) {
            for (const resource of ['deployments', 'statefulsets', 'daemonsets', 'cronjobs', 'jobs', 'replicasets'])
                snapshot.errors.push({
                    kind: resource,
                    message: `No --objects-file: ${resource} were not seen; drift is not compared.`,
                });
        }
        if (!files.podsFile)
            snapshot.errors.push({
                kind: 'pods',
                message: 'No --pods-file: pods were not seen; pod health is not classified.',
            });
        snapshot.complete = snapshot.errors.length === 0;
        return snapshot;
    };
}
function inScope(ns, options) {
    return ((options.namespaces.length === 0 || options.namespaces.includes(ns)) &&
        !options.excludeNamespaces.includes(ns));
}
/** Runs cluster mode once and returns the report. Throws (changing nothing) when the cluster cannot be seen. */
async function runDrift(options, deps) {
    const clock = deps.clock ?? Date.now;
    const live = await deps.loadLive();
    const pods = live.pods.filter((p) => inScope(p.metadata.namespace, options));
    const controllers = live.controllers.filter((c) => inScope(c.namespace, options));
    const nowIso = options.now ?? live.newest ?? new Date(clock()).toISOString();
    const now = toMillis(nowIso);
    if (Number.isNaN(now))
        throw new Error(`--now ${JSON.stringify(nowIso)} is not a time; use ISO 8601, e.g. 2026-03-10T12:00:00Z.`);
    const workloads = buildLiveWorkloads(pods, controllers);
    // Registry checks of every image the cluster runs or would run, deduplicated.
    const perWorkload = new Map();
    const targets = new Map();
    if (options.checkLiveImages && (deps.checkImages || deps.makeChecker)) {
        for (const w of workloads) {
            const list = liveImageTargets(w, options.includeScaledToZero);
            perWorkload.set(workloadKey(w.namespace, w.kind, w.name), list);
            for (const { target } of list)
                if (!targets.has(target.key))
                    targets.set(target.key, target);
        }
    }
    let checkImages = deps.checkImages;
    let pullWarnings = new Map();
    if (options.checkLiveImages &&
        options.usePullSecrets &&
        deps.readPullSecrets &&
        deps.makeChecker &&
        targets.size > 0) {
        const requests = workloads
            .filter((w) => w.spec && perWorkload.get(workloadKey(w.namespace, w.kind, w.name))?.length)
            .map((w) => ({
            key: workloadKey(w.namespace, w.kind, w.name),
            namespace: w.namespace,
            secretNames: (w.spec?.imagePullSecrets ?? []).map((s) => s.name),
            serviceAccount: w.spec?.serviceAccountName ?? 'default',
        }));
        const pulled = await deps.readPullSecrets(requests);
        pullWarnings = pulled.warnings;
        checkImages = deps.makeChecker(pulled.secrets);
    }
    let checks = new Map();
    if (targets.size > 0 && checkImages) {
        checks = await checkImages([...targets.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map(({ key, ref }) => ({ key, ref })));
    }
    // A desired workload is only "missing" when its kind was listed in its namespace without error.
    const seen = (ns, kind) => inScope(ns, options) &&
        !live.errors.some((e) => e.kind === resourceOfKind(kind) && (e.namespace === undefined || e.namespace === ns));
    const drift = computeDrift(deps.desired, workloads, {
        defaultNamespace: options.defaultNamespace,
        rolloutGrace: options.rolloutGrace,
        now,
        reportNotInGit: options.reportNotInGit,
        isSeen: seen,
        checks,
        ...(options.tagPolicy ? { tagPolicy: options.tagPolicy } : {}),
    });
    const index = buildOwnerIndex(controllers);
    const settled = settleJobFailures(pods.map((p) => classifyPod(p, now, options.thresholds, ownerOfPod(p, index))), pods, controllers);
    const byName = (x) => `${x.namespace}\u0000${x.pod}`;
    const rated = options.previousRestarts ? applyRestartRate(settled, options.previousRestarts) : settled;
    const health = applyProbeEvents(rated, live.events ?? [], now, options.thresholds.recentWindow).sort((a, b) => (byName(a) < byName(b) ? -1 : byName(a) > byName(b) ? 1 : 0));
    const imagesByWorkload = new Map();
    const users = new Map();
    for (const [key, list] of perWorkload) {
        const rows = [];
        for (const { container, target } of list) {
            const check = checks.get(target.key) ?? { status: 'not_checked' };
            const row = {
                container,
                image: target.key,
                source: target.source,
                status: check.status,
            };
            if (check.message)
                row.message = check.message;
            if (check.digest)
                row.digest = check.digest;
            rows.push(row);
            const u = users.get(target.key) ?? new Set();
            u.add(`${key}/${container}`);
            users.set(target.key, u);
        }
        imagesByWorkload.set(key, rows);
    }
    const images = [...targets.values()]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((t) => ({
        image: t.key,
        normalized: t.ref.normalized,
        source: t.source,
        check: checks.get(t.key) ?? { status: 'not_checked' },
        users: [...(users.get(t.key) ?? [])].sort(),
    }));
    const reports = aggregateWorkloads({
        cluster: options.cluster,
        pods: health,
        drift,
        images: imagesByWorkload,
        live: workloads,
        warnings: pullWarnings,
    });
    return {
        schemaVersion: 1,
        cluster: options.cluster,
        generatedAt: new Date(clock()).toISOString(),
        now: new Date(now).toISOString(),
        drift,
        pods: health,
        workloads: reports,
        ...(options.checkLiveImages && checkImages ? { images } : {}),
        ...(live.warnings?.length ? { warnings: live.warnings } : {}),
        errors: live.errors,
        complete: live.complete,
    };
}
/**
 * Runs cluster mode from a `Config`: the kubeconfig (text, file, context, or the default/in-cluster one) or
 * `podsFile`/`objectsFile` dumps, the manifests, optional live image checks with pull secrets. Throws
 * `KubeAccessError` or `DumpError` when the cluster cannot be seen: the run must fail and change nothing.
 */
async function drift_runClusterMode(config, deps) {
    const offline = config.podsFile !== null || config.objectsFile !== null;
    let clusterName = config.clusterName;
    let loadLive;
    let kc = null;
    if (offline) {
        loadLive = liveFromFiles({ podsFile: config.podsFile, objectsFile: config.objectsFile });
        clusterName ??= 'offline';
    }
    else {
        kc = loadKubeConfig({
            ...(config.kubeconfigData ? { kubeconfigText: config.kubeconfigData } : {}),
            ...(config.kubeconfig ? { kubeconfigPath: config.kubeconfig } : {}),
            ...(config.context ? { context: config.context } : {}),
        });
        clusterName ??= kc.getCurrentContext() || 'default';
        loadLive = liveFromKube(kc, {
            namespaces: config.namespaces,
            excludeNamespaces: config.excludeNamespaces,
        });
    }
    const desired = await deps.scanManifests(config, deps.root, deps.logger);
    const options = driftOptionsFromConfig(config, clusterName);
    if (deps.previousRestarts)
        options.previousRestarts = deps.previousRestarts;
    const makeChecker = (pullSecrets) => {
        const checker = deps.createChecker
            ? deps.createChecker(config, deps.logger, pullSecrets)
            : (0,registry/* createRegistryChecker */.V)(config, {
                env: deps.env,
                logger: deps.logger,
                ...(pullSecrets ? { pullSecrets } : {}),
            });
        deps.onSecrets?.(checker.secrets);
        return checker.checkImages;
    };
    const cluster = kc;
    const pull = options.checkLiveImages && options.usePullSecrets && cluster
        ? { readPullSecrets: (r) => readPullSecrets(cluster, r), makeChecker }
        : {};
    const checkImages = options.checkLiveImages && !('makeChecker' in pull) ? makeChecker() : undefined;
    return runDrift(options, {
        desired,
        loadLive,
        ...(checkImages ? { checkImages } : {}),
        ...pull,
        ...(deps.clock ? { clock: deps.clock } : {}),
    });
}

;// CONCATENATED MODULE: ./.build/commands/drift.js
/**
 * `k8s-image-check drift`: compare the live cluster (or `--pods-file`/`--objects-file` dumps) with the manifests
 * at `--manifests`, classify pod health and print a `DriftReport` (`--format json|text`).
 *
 * Exit status: 0 nothing at or above `--fail-on`; 1 a workload at or above it (critical = error); 2 usage
 * error or the cluster could not be seen (nothing was judged).
 */







const FAIL_LEVEL = {
    error: 'critical',
    warning: 'warning',
    notice: 'info',
    never: null,
};
/** Returns whether a report should fail the run at `failOn` (`error` = critical workloads, `warning`, `notice`). */
function driftShouldFail(report, failOn) {
    // `never` maps to null (never fail); an unknown value falls back to warning.
    const level = failOn in FAIL_LEVEL ? FAIL_LEVEL[failOn] : 'warning';
    if (!level)
        return false;
    return report.workloads.some((w) => severityRank(w.severity) >= severityRank(level));
}
function makeLogger(io, redact) {
    const debug = io.env.K8S_IMAGE_CHECK_DEBUG === '1' || io.env.RUNNER_DEBUG === '1';
    return {
        debug: (m) => {
            if (debug)
                io.stderr.write(`debug: ${redact(m)}\n`);
        },
        info: (m) => io.stderr.write(`${redact(m)}\n`),
        warning: (m) => io.stderr.write(`warning: ${redact(m)}\n`),
    };
}
/** Runs `drift` with the given arguments and returns the exit code. */
async function runDriftCommand(args, io, deps) {
    const loaded = await deps.loadConfig(args);
    const { config, root } = loaded;
    const secrets = [...loaded.secrets, ...(config.kubeconfigData ? [config.kubeconfigData] : [])];
    let redact = createRedactor(secrets);
    const logger = makeLogger(io, (s) => redact(s));
    try {
        const report = await runClusterMode(config, {
            root,
            env: io.env,
            logger,
            scanManifests: deps.scanManifests,
            ...(deps.createChecker ? { createChecker: deps.createChecker } : {}),
            ...(deps.clock ? { clock: deps.clock } : {}),
            onSecrets: (more) => {
                secrets.push(...more);
                redact = createRedactor(secrets);
            },
        });
        for (const e of report.errors)
            logger.warning(e.message);
        const text = redact(config.format === 'json' ? renderDriftJson(report) : renderDriftText(report));
        if (config.output)
            await writeFile(config.output, text);
        else
            io.stdout.write(text);
        if (config.jsonFile)
            await writeFile(config.jsonFile, redact(renderDriftJson(report)));
        await deps.publish?.(report, config, logger);
        return driftShouldFail(report, config.failOn) ? 1 : 0;
    }
    catch (err) {
        if (err instanceof KubeAccessError || err instanceof DumpError) {
            io.stderr.write(`k8s-image-check drift: ${redact(err.message)}\nNothing was judged: no issue or metric may change.\n`);
            return 2;
        }
        throw err;
    }
}

// EXTERNAL MODULE: ./.build/config/load.js + 3 modules
var load = __webpack_require__(5487);
// EXTERNAL MODULE: ./.build/config/outputs.js
var outputs = __webpack_require__(4507);
;// CONCATENATED MODULE: ./.build/report/issue-summary.js
function who(a) {
    return `${a.target.kind} \`${a.target.namespace}/${a.target.name}\``;
}
function ref(number, url) {
    if (number === null)
        return '';
    return url ? `[#${number}](${url})` : `#${number}`;
}
function verb(a, dryRun) {
    const will = (s, done) => (dryRun ? `would ${s}` : done);
    switch (a.type) {
        case 'create':
            return will('open', 'opened');
        case 'update':
            if (a.reopen)
                return will('reopen', 'reopened');
            return a.reason === 'clean_run'
                ? will('count a clean run on', 'counted a clean run on')
                : will('update', 'updated');
        case 'comment':
            return will('comment on (restart escalation)', 'commented on (restart escalation)');
        case 'close':
            return will(`close (${a.reason.replace('_', ' ')})`, `closed (${a.reason.replace('_', ' ')})`);
        case 'noop':
            return a.reason === 'cap_reached'
                ? 'not opened: cap reached'
                : `unchanged (${a.reason.replace(/_/g, ' ')})`;
        default: {
            const never = a;
            return String(never);
        }
    }
}
/**
 * Returns Markdown listing every issue action of a run (results from `applyIssuePlan`), failures first, with
 * the count of workloads not opened because of the cap.
 */
function renderIssueSummary(cluster, results) {
    const dryRun = results.some((r) => r.dryRun);
    const lines = [`### Issues for cluster \`${cluster}\`${dryRun ? ' (dry run: nothing written)' : ''}`, ''];
    if (results.length === 0)
        return [...lines, 'No workload needs an issue and no issue is open.', ''].join('\n');
    const failed = results.filter((r) => !r.ok);
    const capped = results.filter((r) => r.action.type === 'noop' && r.action.reason === 'cap_reached');
    for (const r of failed)
        lines.push(`- ❌ ${who(r.action)}: ${r.error ?? 'failed'}`);
    for (const r of results) {
        if (!r.ok)
            continue;
        const number = r.action.type === 'create' ? r.number : 'number' in r.action ? r.action.number : null;
        const suffix = ref(number, r.url);
        lines.push(`- ${who(r.action)}: ${verb(r.action, r.dryRun)}${suffix ? ` ${suffix}` : ''}`);
    }
    if (capped.length > 0) {
        lines.push('', `${capped.length} workload(s) not opened: the per-run cap (max-issues-per-run) was reached; they are opened in later runs.`);
    }
    lines.push('');
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./.build/report/issue-marker.js
/**
 * The hidden marker that ties a GitHub issue to one workload and carries state between scheduled runs:
 * `<!-- k8s-image-check:v1 {"cluster":"prod","namespace":"shop","kind":"Deployment","name":"cart",…} -->`.
 * The list API (filtered by the dedicated label) finds the candidates; the marker decides which workload an
 * issue is about, so a renamed title or an edited label never produces a duplicate.
 */
/** The marker prefix; the version changes only if the JSON shape becomes incompatible. */
const MARKER_PREFIX = 'k8s-image-check:v1';
const MARKER_RE = new RegExp(`<!--\\s*${MARKER_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(\\{.*?\\})\\s*-->`, 's');
/** Returns the key that identifies a target (stable, unambiguous for any names). */
function targetKey(t) {
    return JSON.stringify([t.cluster, t.namespace, t.kind, t.name]);
}
/** Renders the marker comment. `<`, `>` and `-` in values are JSON-escaped so no value can end the comment. */
function renderMarker(state) {
    const ordered = {
        cluster: state.cluster,
        namespace: state.namespace,
        kind: state.kind,
        name: state.name,
        fingerprint: state.fingerprint,
        cleanRuns: state.cleanRuns,
        tier: state.tier,
        ...(state.closed ? { closed: state.closed } : {}),
    };
    const json = JSON.stringify(ordered).replace(/[<>-]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return `<!-- ${MARKER_PREFIX} ${json} -->`;
}
function isString(v) {
    return typeof v === 'string';
}
/** Reads the marker of an issue body, or null when there is none or it is malformed. */
function parseMarker(body) {
    if (!body)
        return null;
    const m = MARKER_RE.exec(body);
    if (!m?.[1])
        return null;
    let raw;
    try {
        raw = JSON.parse(m[1]);
    }
    catch {
        return null;
    }
    if (typeof raw !== 'object' || raw === null)
        return null;
    const o = raw;
    if (!isString(o.cluster) || !isString(o.namespace) || !isString(o.kind) || !isString(o.name))
        return null;
    const closed = o.closed === 'resolved' || o.closed === 'workload_removed' || o.closed === 'duplicate'
        ? o.closed
        : undefined;
    return {
        cluster: o.cluster,
        namespace: o.namespace,
        kind: o.kind,
        name: o.name,
        fingerprint: isString(o.fingerprint) ? o.fingerprint : '',
        cleanRuns: typeof o.cleanRuns === 'number' && o.cleanRuns >= 0 ? Math.floor(o.cleanRuns) : 0,
        tier: typeof o.tier === 'number' && o.tier >= 0 ? Math.floor(o.tier) : 0,
        ...(closed ? { closed } : {}),
    };
}
/** Replaces the marker in a body (appends one when missing), keeping everything else. */
function replaceMarker(body, state) {
    const marker = renderMarker(state);
    return MARKER_RE.test(body) ? body.replace(MARKER_RE, () => marker) : `${body.trimEnd()}\n\n${marker}\n`;
}

;// CONCATENATED MODULE: ./.build/report/issue-remedies.js
/** Advice per pod-health class (only classes that open issues need one). */
const REMEDY_BY_CLASS = {
    OOMKilled: 'the container exceeded its memory limit; raise `resources.limits.memory` or find the leak (`kubectl top pod`, the app metrics).',
    CrashLoopBackOff: 'the container keeps exiting; read `kubectl logs -n <namespace> <pod> -c <container> --previous` and the exit code (137 = killed: OOM race or a failing liveness probe).',
    StartError: 'the runtime could not start the process; check `command`/`args`, the entrypoint and file permissions in the image (exit 126/127 = not executable/not found).',
    ExitedPrematurely: 'the container exited 0 under `restartPolicy: Always`; a long-running process is expected here, so check that it does not daemonize or finish.',
    ImagePullBackOff: 'the kubelet cannot pull the image; check that the tag still exists in its registry, the `imagePullSecrets`, and the node can reach the registry.',
    InvalidImageName: 'the image reference is malformed; fix the `image:` value in the manifest and redeploy.',
    CreateContainerConfigError: 'a referenced Secret, ConfigMap or key is missing; create it or fix the reference (`kubectl describe pod` names it).',
    CreateContainerError: 'the runtime failed to create the container or a hook failed; see `kubectl describe pod` events.',
    Unschedulable: 'no node fits the pod; check requests, node selectors, affinities, taints and PVCs (`kubectl describe pod` shows the scheduler message).',
    Evicted: 'the kubelet evicted pods under node pressure; set requests/limits and check node disk and memory.',
    Failed: 'pods failed; check `kubectl describe pod` and the logs of the failed container.',
    Unknown: 'the node stopped reporting; check the node (`kubectl get nodes`) and replace the pod if the node is gone.',
    Terminating: 'pods have been terminating for too long; check finalizers and whether the node is still alive (force deletion is a last resort).',
    StuckPending: 'containers have been creating for too long; usually a volume cannot attach or mount (`kubectl describe pod`, events FailedMount/FailedAttachVolume).',
    Waiting: 'a container waits with an unusual reason; see `kubectl describe pod`.',
    NotReady: 'a container runs but never became ready; check the readiness/startup probe and the app health endpoint.',
    HighRestartCount: 'the container restarted many times; look for crashes in `kubectl logs --previous` and probe timeouts.',
};
/** Advice per drift status. */
const REMEDY_BY_DRIFT = {
    drifted: 'the live image differs from git; redeploy from git, or commit the live image if the change was intended (the manifest link shows where).',
    missing_in_cluster: 'the workload is in git but not in the cluster; apply the manifest, or remove it from git.',
    rollout_stuck: 'pods still run another image than their controller; check `kubectl rollout status` and the new pods (often an image pull or crash problem).',
};
/** Advice per registry check status of a live image. */
const REMEDY_BY_IMAGE_STATUS = {
    absent: 'the registry no longer has this image: the next pod restart or reschedule will fail to pull it; push it again (or restore it) or deploy an image that exists.',
    platform_missing: 'the image has no variant for the nodes platform; publish the missing platform or pin a matching image.',
    bad_image_format: 'the registry serves an unusable manifest for this image; re-push it.',
    authentication_failure: 'the registry refused our credentials, so availability is unknown; check the registry credentials given to k8s-image-check.',
    authorization_failure: 'the credentials lack pull permission for this repository; grant read access.',
    rate_limited: 'the registry rate-limited the check; availability is unknown until a later run.',
    registry_unavailable: 'the registry did not answer; availability is unknown until a later run.',
};

;// CONCATENATED MODULE: ./.build/report/issue-body.js


/** GitHub rejects bodies over 65,536 characters; stay well below. */
const MAX_BODY_CHARS = 60_000;
/** Rows per table before "and N more". */
const MAX_ROWS = 50;
/** Pods named per class row. */
const MAX_PODS_PER_ROW = 10;
/** Longest message quoted. */
const MAX_MESSAGE_CHARS = 600;
/** Drift statuses that make an issue. */
const PROBLEM_DRIFT = new Set(['drifted', 'missing_in_cluster', 'rollout_stuck']);
/** Image check statuses that mean the image cannot be pulled. */
const PROBLEM_IMAGE = new Set(['absent', 'platform_missing', 'bad_image_format']);
/** Image check statuses that prove nothing either way (a clean run is not counted while one is present). */
const INCONCLUSIVE_IMAGE = new Set([
    'authentication_failure',
    'authorization_failure',
    'rate_limited',
    'registry_unavailable',
    'unknown_error',
]);
/** Label prefixes the tool manages (besides the dedicated label); other labels on an issue are kept. */
const MANAGED_LABEL_PREFIXES = ['k8s-severity:', 'k8s-class:', 'k8s-drift:', 'k8s-image:'];
const STATUS_START = '<!-- k8s-image-check:status -->';
const STATUS_END = '<!-- /k8s-image-check:status -->';
/** Removes credentials that a message could carry (URL userinfo, auth headers, password-like pairs). */
function redactSecrets(text) {
    return text
        .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***@')
        .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***')
        .replace(/\b(password|passwd|token|secret|authorization|auth)(["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi, '$1$2***');
}
/** One line, redacted, bounded. */
function issue_body_clean(text, max = MAX_MESSAGE_CHARS) {
    const one = redactSecrets(text).replace(/\s+/g, ' ').trim();
    return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
/** A Markdown code span that survives backticks and table pipes. */
function code(text) {
    const t = issue_body_clean(text).replace(/\|/g, '\\|');
    const runs = t.match(/`+/g) ?? [];
    const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
    const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${t}${pad}${fence}`;
}
/** Plain text for a table cell or a sentence: no Markdown or HTML can be injected. */
function issue_body_text(value) {
    return issue_body_clean(value).replace(/[\\`*_[\]<>|#!~]/g, (c) => `\\${c}`);
}
const RANK = { none: 0, info: 1, warning: 2, critical: 3 };
/** Returns the problems of a workload in short form, for titles and comments (`CrashLoopBackOff, drifted`). */
function problemSummary(w) {
    const parts = [];
    for (const c of w.classes)
        if (RANK[c.severity] >= RANK.warning && !parts.includes(c.class))
            parts.push(c.class);
    for (const d of w.drift)
        if (PROBLEM_DRIFT.has(d.status) && !parts.includes(d.status))
            parts.push(d.status);
    for (const i of w.images)
        if (PROBLEM_IMAGE.has(i.status) && !parts.includes(`image ${i.status}`))
            parts.push(`image ${i.status}`);
    return parts;
}
/** Returns the issue title, e.g. `prod: Deployment shop/cart — CrashLoopBackOff, drifted`. */
function issueTitle(w) {
    const summary = problemSummary(w);
    const title = `${w.cluster}: ${w.kind} ${w.namespace}/${w.name} — ${summary.length ? summary.join(', ') : 'needs attention'}`;
    return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}
/** Returns the managed labels for a workload: severity, classes, drift and image statuses. */
function issueLabels(w) {
    const labels = new Set();
    if (w.severity !== 'none')
        labels.add(`k8s-severity:${w.severity}`);
    for (const c of w.classes)
        if (RANK[c.severity] >= RANK.warning)
            labels.add(`k8s-class:${c.class}`);
    for (const d of w.drift)
        if (PROBLEM_DRIFT.has(d.status))
            labels.add(`k8s-drift:${d.status}`);
    for (const i of w.images)
        if (PROBLEM_IMAGE.has(i.status))
            labels.add(`k8s-image:${i.status}`);
    return [...labels].sort();
}
function table(header, rows) {
    const shown = rows.slice(0, MAX_ROWS);
    const out = [
        `| ${header.join(' | ')} |`,
        `|${header.map(() => '---').join('|')}|`,
        ...shown.map((r) => `| ${r.join(' | ')} |`),
    ];
    if (rows.length > shown.length)
        out.push('', `… and ${rows.length - shown.length} more rows.`);
    return out;
}
function podList(names, pods) {
    const restarts = new Map((pods ?? []).map((p) => [p.pod, p.restarts]));
    const shown = names.slice(0, MAX_PODS_PER_ROW).map((n) => {
        const r = restarts.get(n);
        return r ? `${code(n)} (${r} restarts)` : code(n);
    });
    if (names.length > shown.length)
        shown.push(`+${names.length - shown.length} more`);
    return shown.join(', ');
}
function podSection(w, ctx) {
    const rows = w.classes
        .filter((c) => RANK[c.severity] >= RANK.info)
        .map((c) => [
        issue_body_text(c.class),
        c.severity,
        c.container ? `${code(c.container)}${c.init ? ' (init)' : ''}` : '—',
        c.reason ? code(c.reason) : '—',
        c.exitCode === null ? '—' : String(c.exitCode),
        podList(c.pods, ctx.pods),
    ]);
    if (rows.length === 0)
        return [];
    const out = [
        '### Pod health',
        '',
        ...table(['Class', 'Severity', 'Container', 'Reason', 'Exit code', 'Pods'], rows),
    ];
    const messages = w.classes.filter((c) => c.message).slice(0, MAX_ROWS);
    if (messages.length > 0) {
        out.push('', 'Messages (one example per row):', '');
        for (const c of messages)
            out.push(`- **${issue_body_text(c.class)}**${c.container ? ` in ${code(c.container)}` : ''}: ${code(c.message ?? '')}`);
    }
    return out;
}
function manifestLink(d, blobUrl) {
    if (!d.file)
        return '—';
    const where = `${d.file}${d.line ? `:${d.line}` : ''}`;
    if (!blobUrl)
        return code(where);
    const url = `${blobUrl.replace(/\/?$/, '/')}${d.file.split('/').map(encodeURIComponent).join('/')}${d.line ? `#L${d.line}` : ''}`;
    return `[${issue_body_text(where)}](${url})`;
}
function driftSection(w, ctx) {
    const entries = w.drift.filter((d) => d.status !== 'in_sync' || d.tagMoved || (d.tagFindings?.length ?? 0) > 0);
    if (entries.length === 0)
        return [];
    const rows = entries.map((d) => {
        const notes = [...(d.tagMoved ? ['tag moved'] : []), ...(d.tagFindings ?? []).map((f) => f.rule)];
        return [
            code(d.container),
            `${d.status}${notes.length ? ` (${notes.join(', ')})` : ''}`,
            d.desired ? code(d.desired) : '—',
            d.live ? code(d.live) : '—',
            manifestLink(d, ctx.blobUrl),
        ];
    });
    return [
        '### Drift (live cluster vs git)',
        '',
        ...table(['Container', 'Status', 'Desired (git)', 'Live', 'Manifest'], rows),
    ];
}
function imageSection(images) {
    const bad = images.filter((i) => PROBLEM_IMAGE.has(i.status) || INCONCLUSIVE_IMAGE.has(i.status));
    if (bad.length === 0)
        return [];
    const rows = bad.map((i) => [
        code(i.container),
        code(i.image),
        i.source,
        i.status,
        i.message ? issue_body_text(i.message) : '—',
    ]);
    return [
        '### Image availability',
        '',
        ...table(['Container', 'Image', 'Source', 'Status', 'Registry said'], rows),
    ];
}
function remedySection(w) {
    const lines = [];
    const seen = new Set();
    const add = (key, remedy) => {
        if (!remedy || seen.has(key))
            return;
        seen.add(key);
        lines.push(`- **${issue_body_text(key)}**: ${remedy}`);
    };
    for (const c of w.classes) {
        if (RANK[c.severity] < RANK.warning)
            continue;
        // Fill the command placeholders with the first affected pod, so the command can be pasted.
        const remedy = REMEDY_BY_CLASS[c.class]
            ?.replace('<namespace>', w.namespace)
            .replace('<pod>', c.pods[0] ?? '<pod>')
            .replace('<container>', c.container ?? '<container>');
        add(c.class, remedy);
    }
    for (const d of w.drift)
        add(d.status, REMEDY_BY_DRIFT[d.status]);
    for (const i of w.images)
        add(i.status, REMEDY_BY_IMAGE_STATUS[i.status]);
    return lines.length ? ['### What to do', '', ...lines] : [];
}
/** Returns the status block (between its own markers so later runs can replace it). */
function statusBlock(line) {
    return `${STATUS_START}\n${line}\n${STATUS_END}`;
}
/** Replaces the status block of a body (inserting one at the top when missing). */
function replaceStatus(body, line) {
    const start = body.indexOf(STATUS_START);
    const end = body.indexOf(STATUS_END);
    if (start >= 0 && end > start)
        return body.slice(0, start) + statusBlock(line) + body.slice(end + STATUS_END.length);
    return `${statusBlock(line)}\n\n${body}`;
}
/** The status line of a workload with problems. */
function problemStatusLine(w, ctx) {
    const run = ctx.runUrl ? ` ([run](${ctx.runUrl}))` : '';
    return `**Severity: ${w.severity}** · pods: ${w.pods.total} (${w.pods.unhealthy} unhealthy, ${w.pods.transitional} transitional) · restarts: ${w.pods.restarts} · last seen ${ctx.now.toISOString()}${run}`;
}
/** Returns the full issue body for a workload with problems, ending with the hidden marker. */
function renderIssueBody(w, state, ctx) {
    const sections = [
        `## ${issue_body_text(w.kind)} ${code(`${w.namespace}/${w.name}`)} in cluster ${code(w.cluster)}`,
        statusBlock(problemStatusLine(w, ctx)),
        podSection(w, ctx).join('\n'),
        driftSection(w, ctx).join('\n'),
        imageSection(w.images).join('\n'),
        w.warnings.length
            ? ['### Warnings', '', ...w.warnings.slice(0, MAX_ROWS).map((x) => `- ${issue_body_text(x)}`)].join('\n')
            : '',
        remedySection(w).join('\n'),
        `---\n<sub>Managed by k8s-image-check: updated when the findings change, closed after ${ctx.resolveRuns} consecutive clean run(s) or when the workload is removed. Keep the hidden marker below.</sub>`,
    ].filter((s) => s !== '');
    let body = sections.join('\n\n');
    if (body.length > MAX_BODY_CHARS)
        body = `${body.slice(0, MAX_BODY_CHARS)}\n\n… (truncated)`;
    return `${body}\n\n${renderMarker(state)}\n`;
}

;// CONCATENATED MODULE: ./.build/report/issues-publish.js

/** Default pause between two mutating requests, in milliseconds. */
const DEFAULT_PAUSE_MS = 1000;
/** Colors of the labels the tool creates. */
const LABEL_COLORS = [
    ['k8s-severity:critical', 'b60205'],
    ['k8s-severity:warning', 'fbca04'],
    ['k8s-severity:', 'c5def5'],
    ['k8s-class:', 'd93f0b'],
    ['k8s-drift:', '1d76db'],
    ['k8s-image:', 'e99695'],
];
function labelColor(name) {
    return LABEL_COLORS.find(([prefix]) => name.startsWith(prefix))?.[1] ?? '0e8a16';
}
function statusOf(err) {
    if (typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number')
        return err.status;
    return null;
}
function apiMessage(err) {
    if (typeof err === 'object' && err !== null && 'response' in err) {
        const data = err.response?.data;
        if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string')
            return data.message;
    }
    return err instanceof Error ? err.message : String(err);
}
function isAlreadyExists(err) {
    if (statusOf(err) !== 422)
        return false;
    const data = err.response?.data;
    return data?.errors?.some((e) => e.code === 'already_exists') ?? false;
}
/** A failure message: what happened, where, and what to do (never the token). */
function describeGitHubError(err, doing, owner, repo) {
    const status = statusOf(err);
    const said = apiMessage(err);
    const where = `${owner}/${repo}`;
    const prefix = `GitHub answered ${status ?? 'an error'} when ${doing} in ${where}: ${said}.`;
    if (status === 401)
        return `${prefix} The token is invalid or expired; check the github-token input.`;
    if (status === 403 || status === 404)
        return `${prefix} The token needs "issues: write" permission on ${where} (add \`permissions: issues: write\` to the workflow); if the message mentions a rate limit, the next run retries.`;
    if (status === 410)
        return `${prefix} Issues are disabled in ${where}; enable them or turn off cluster issues.`;
    if (status === 422)
        return `${prefix} GitHub refused the content; report this as a bug of k8s-image-check.`;
    return `${prefix} The next run retries.`;
}
/**
 * Returns every issue carrying `label` (pull requests skipped), through the paginated list API. The
 * default `state: 'all'` lets the planner reopen a closed issue instead of opening a duplicate.
 */
async function listManagedIssues(octokit, owner, repo, label, state = 'all') {
    const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
        owner,
        repo,
        labels: label,
        state,
        per_page: 100,
    });
    return items
        .filter((i) => !i.pull_request)
        .map((i) => ({
        number: i.number,
        state: i.state === 'closed' ? 'closed' : 'open',
        title: i.title,
        body: i.body ?? null,
        labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((l) => l !== ''),
        url: i.html_url,
    }));
}
/**
 * Performs the plan serially and returns one result per action (noops included, so the summary can list
 * them). A failing action is reported and the rest go on. Labels used by the plan are created first when
 * missing (a concurrent `422 already_exists` is fine; other label failures become warnings). With `dryRun`
 * nothing is requested at all.
 */
async function applyIssuePlan(octokit, owner, repo, actions, options) {
    if (options.dryRun) {
        const results = actions.map((action) => ({
            action,
            ok: true,
            number: 'number' in action ? action.number : null,
            url: null,
            dryRun: true,
        }));
        return { results, warnings: [] };
    }
    const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
    const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    let mutations = 0;
    const mutate = async (fn) => {
        if (mutations++ > 0 && pauseMs > 0)
            await sleep(pauseMs);
        return fn();
    };
    const labelErrors = await ensureLabels(octokit, owner, repo, actions, mutate);
    const results = [];
    for (const action of actions) {
        const t = action.target;
        const what = `${t.kind} ${t.namespace}/${t.name} (cluster ${t.cluster})`;
        try {
            switch (action.type) {
                case 'noop':
                    results.push({ action, ok: true, number: action.number, url: null, dryRun: false });
                    break;
                case 'create': {
                    const { data } = await mutate(() => octokit.rest.issues.create({
                        owner,
                        repo,
                        title: action.title,
                        body: action.body,
                        labels: action.labels,
                    }));
                    results.push({ action, ok: true, number: data.number, url: data.html_url, dryRun: false });
                    break;
                }
                case 'update': {
                    const { data } = await mutate(() => octokit.rest.issues.update({
                        owner,
                        repo,
                        issue_number: action.number,
                        title: action.title,
                        body: action.body,
                        labels: action.labels,
                        ...(action.reopen ? { state: 'open' } : {}),
                    }));
                    if (action.comment) {
                        const comment = action.comment;
                        await mutate(() => octokit.rest.issues.createComment({ owner, repo, issue_number: action.number, body: comment }));
                    }
                    results.push({ action, ok: true, number: action.number, url: data.html_url, dryRun: false });
                    break;
                }
                case 'comment': {
                    await mutate(() => octokit.rest.issues.createComment({
                        owner,
                        repo,
                        issue_number: action.number,
                        body: action.comment,
                    }));
                    const { data } = await mutate(() => octokit.rest.issues.update({ owner, repo, issue_number: action.number, body: action.body }));
                    results.push({ action, ok: true, number: action.number, url: data.html_url, dryRun: false });
                    break;
                }
                case 'close': {
                    await mutate(() => octokit.rest.issues.createComment({
                        owner,
                        repo,
                        issue_number: action.number,
                        body: action.comment,
                    }));
                    const { data } = await mutate(() => octokit.rest.issues.update({
                        owner,
                        repo,
                        issue_number: action.number,
                        body: action.body,
                        state: 'closed',
                        state_reason: action.stateReason,
                    }));
                    results.push({ action, ok: true, number: action.number, url: data.html_url, dryRun: false });
                    break;
                }
                default: {
                    const never = action;
                    throw new Error(`unknown issue action ${JSON.stringify(never)}`);
                }
            }
        }
        catch (err) {
            const doing = action.type === 'create'
                ? `opening an issue for ${what}`
                : `${action.type === 'close' ? 'closing' : 'updating'} issue #${action.number} for ${what}`;
            results.push({
                action,
                ok: false,
                number: 'number' in action ? action.number : null,
                url: null,
                dryRun: false,
                error: describeGitHubError(err, doing, owner, repo),
            });
        }
    }
    return { results, warnings: labelErrors };
}
async function ensureLabels(octokit, owner, repo, actions, mutate) {
    const wanted = new Set();
    for (const a of actions)
        if (a.type === 'create' || a.type === 'update')
            for (const l of a.labels)
                wanted.add(l);
    if (wanted.size === 0)
        return [];
    const errors = [];
    let existing;
    try {
        const labels = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, {
            owner,
            repo,
            per_page: 100,
        });
        existing = new Set(labels.map((l) => l.name.toLowerCase()));
    }
    catch (err) {
        return [describeGitHubError(err, 'listing labels', owner, repo)];
    }
    for (const name of [...wanted].sort()) {
        if (existing.has(name.toLowerCase()))
            continue;
        const managed = MANAGED_LABEL_PREFIXES.some((p) => name.startsWith(p));
        try {
            await mutate(() => octokit.rest.issues.createLabel({
                owner,
                repo,
                name,
                color: labelColor(name),
                description: managed ? 'Set by k8s-image-check' : 'Cluster problems found by k8s-image-check',
            }));
        }
        catch (err) {
            if (!isAlreadyExists(err))
                errors.push(describeGitHubError(err, `creating label "${name}"`, owner, repo));
        }
    }
    return errors;
}

;// CONCATENATED MODULE: ./.build/report/issues.js



/** Default number of consecutive clean runs before an issue is closed (pod-health.md E.6). */
const DEFAULT_RESOLVE_RUNS = 2;
/** Default cap on issues opened (created or reopened) per run. */
const DEFAULT_MAX_OPEN_PER_RUN = 10;
/** Restart counts whose crossing is announced with a comment (kwatch's tiers). */
const RESTART_TIERS = [3, 10, 50];
const issues_RANK = { none: 0, info: 1, warning: 2, critical: 3 };
function describe(t) {
    return `${t.kind} ${t.namespace}/${t.name} in cluster ${t.cluster}`;
}
function targetOf(w) {
    return { cluster: w.cluster, namespace: w.namespace, kind: w.kind, name: w.name };
}
/** Restart count used for escalation: the highest of the workload's unhealthy pods, else the workload sum. */
function restartsOf(w, pods) {
    const own = (pods ?? []).filter((p) => p.namespace === w.namespace &&
        p.owner.kind === w.kind &&
        p.owner.name === w.name &&
        p.status === 'unhealthy');
    return own.length ? Math.max(...own.map((p) => p.restarts)) : w.pods.restarts;
}
function tierOf(restarts) {
    return RESTART_TIERS.filter((t) => restarts >= t).length;
}
/** Managed labels replaced, the dedicated label kept, labels a person added kept. */
function mergeLabels(current, label, managed) {
    const own = current.filter((l) => l !== label && !MANAGED_LABEL_PREFIXES.some((p) => l.startsWith(p)));
    return [...new Set([label, ...managed, ...own])].sort((a, b) => a === label ? -1 : b === label ? 1 : a.localeCompare(b));
}
/** A workload whose image checks were inconclusive proves nothing: its clean run is not counted. */
function isInconclusive(w) {
    return w.images.some((i) => INCONCLUSIVE_IMAGE.has(i.status));
}
/** Groups managed issues of this cluster by target: the open one (oldest), open duplicates, the latest closed. */
function indexIssues(existing, cluster) {
    const byKey = new Map();
    for (const issue of existing) {
        const state = parseMarker(issue.body);
        if (!state || state.cluster !== cluster)
            continue;
        const key = targetKey(state);
        const entry = byKey.get(key) ?? { open: [], closed: [] };
        (issue.state === 'open' ? entry.open : entry.closed).push({ issue, state });
        byKey.set(key, entry);
    }
    for (const e of byKey.values()) {
        e.open.sort((a, b) => a.issue.number - b.issue.number);
        e.closed.sort((a, b) => b.issue.number - a.issue.number);
    }
    return byKey;
}
/**
 * Returns the actions that bring the issues in line with this run: create, update (fingerprint changed,
 * clean-run count, recurrence), comment (restart escalation), close (resolved, workload removed, duplicate)
 * or noop, for every workload of `opts.cluster` and every open managed issue of that cluster. Pass every
 * workload the run saw, healthy ones included: a managed issue whose workload is absent from a complete run
 * is closed as removed.
 *
 * @remarks On a total listing failure do not call this at all (nothing may change). Closed issues closed as
 * duplicates are never reopened; a closed issue a person closed stays closed while its fingerprint is unchanged.
 */
function planIssues(existing, workloads, opts) {
    const resolveRuns = Math.max(1, opts.resolveRuns ?? DEFAULT_RESOLVE_RUNS);
    const maxOpen = Math.max(0, opts.maxOpenPerRun ?? DEFAULT_MAX_OPEN_PER_RUN);
    const ctx = { now: opts.now, runUrl: opts.runUrl, blobUrl: opts.blobUrl, pods: opts.pods, resolveRuns };
    const index = indexIssues(existing, opts.cluster);
    const actions = [];
    const runRef = opts.runUrl ? ` ([run](${opts.runUrl}))` : '';
    let opened = 0;
    // Duplicates (e.g. from two racing runs): keep the oldest open issue, close the others.
    for (const { open } of index.values()) {
        const [keep, ...extra] = open;
        for (const dup of extra) {
            actions.push({
                type: 'close',
                target: dup.state,
                number: dup.issue.number,
                reason: 'duplicate',
                stateReason: 'not_planned',
                comment: `Duplicate of #${keep?.issue.number}: both track ${describe(dup.state)}. Closing this one.`,
                body: replaceMarker(dup.issue.body ?? '', { ...dup.state, closed: 'duplicate' }),
            });
        }
    }
    const seen = new Set();
    const ordered = workloads
        .filter((w) => w.cluster === opts.cluster)
        .slice()
        .sort((a, b) => issues_RANK[b.severity] - issues_RANK[a.severity] || targetKey(a).localeCompare(targetKey(b)));
    for (const w of ordered) {
        const target = targetOf(w);
        const key = targetKey(target);
        if (seen.has(key))
            continue;
        seen.add(key);
        const entry = index.get(key);
        const current = entry?.open[0];
        const tier = tierOf(restartsOf(w, opts.pods));
        if (w.unhealthy) {
            const state = { ...target, fingerprint: w.fingerprint, cleanRuns: 0, tier };
            const title = issueTitle(w);
            const body = renderIssueBody(w, state, ctx);
            if (current) {
                const labels = mergeLabels(current.issue.labels, opts.label, issueLabels(w));
                if (current.state.fingerprint !== w.fingerprint) {
                    actions.push({
                        type: 'update',
                        target,
                        number: current.issue.number,
                        reason: 'fingerprint_changed',
                        reopen: false,
                        title,
                        body,
                        labels,
                        comment: null,
                    });
                }
                else if (tier > current.state.tier) {
                    actions.push({
                        type: 'comment',
                        target,
                        number: current.issue.number,
                        reason: 'escalation',
                        comment: `Restarts reached ${restartsOf(w, opts.pods)} (past ${RESTART_TIERS[tier - 1]}); still ${problemSummary(w).join(', ')}${runRef}.`,
                        body,
                    });
                }
                else if (current.state.cleanRuns > 0) {
                    const kept = { ...current.state, cleanRuns: 0 };
                    const refreshed = replaceMarker(replaceStatus(current.issue.body ?? '', problemStatusLine(w, ctx)), kept);
                    actions.push({
                        type: 'update',
                        target,
                        number: current.issue.number,
                        reason: 'recurred',
                        reopen: false,
                        title,
                        body: refreshed,
                        labels,
                        comment: null,
                    });
                }
                else {
                    actions.push({ type: 'noop', target, number: current.issue.number, reason: 'unchanged' });
                }
                continue;
            }
            const previous = entry?.closed.find((c) => c.state.closed !== 'duplicate');
            if (previous && !previous.state.closed && previous.state.fingerprint === w.fingerprint) {
                actions.push({ type: 'noop', target, number: previous.issue.number, reason: 'closed_by_person' });
                continue;
            }
            if (opened >= maxOpen) {
                actions.push({ type: 'noop', target, number: null, reason: 'cap_reached' });
                continue;
            }
            opened++;
            if (previous) {
                actions.push({
                    type: 'update',
                    target,
                    number: previous.issue.number,
                    reason: 'reopened',
                    reopen: true,
                    title,
                    body,
                    labels: mergeLabels(previous.issue.labels, opts.label, issueLabels(w)),
                    comment: `This came back: ${problemSummary(w).join(', ')}${runRef}. Reopening.`,
                });
            }
            else {
                actions.push({
                    type: 'create',
                    target,
                    severity: w.severity,
                    title,
                    body,
                    labels: mergeLabels([], opts.label, issueLabels(w)),
                });
            }
            continue;
        }
        if (!current)
            continue;
        if (!opts.runComplete) {
            actions.push({ type: 'noop', target, number: current.issue.number, reason: 'incomplete_run' });
            continue;
        }
        if (isInconclusive(w)) {
            actions.push({ type: 'noop', target, number: current.issue.number, reason: 'inconclusive' });
            continue;
        }
        const cleanRuns = current.state.cleanRuns + 1;
        const oldBody = current.issue.body ?? '';
        if (cleanRuns >= resolveRuns) {
            const state = { ...current.state, cleanRuns, closed: 'resolved' };
            actions.push({
                type: 'close',
                target,
                number: current.issue.number,
                reason: 'resolved',
                stateReason: 'completed',
                comment: `No problem seen in ${cleanRuns} consecutive run(s) (last at ${opts.now.toISOString()}${runRef}); closing as resolved. If it comes back, this issue is reopened.`,
                body: replaceMarker(replaceStatus(oldBody, `**Resolved** at ${opts.now.toISOString()}: no problem seen in ${cleanRuns} consecutive run(s).`), state),
            });
        }
        else {
            const state = { ...current.state, cleanRuns };
            const line = `**No problem seen in the last run** (${opts.now.toISOString()}${runRef}): ${cleanRuns} of ${resolveRuns} clean runs needed to close. The findings below are from the last run that saw them.`;
            actions.push({
                type: 'update',
                target,
                number: current.issue.number,
                reason: 'clean_run',
                reopen: false,
                title: current.issue.title,
                body: replaceMarker(replaceStatus(oldBody, line), state),
                labels: current.issue.labels,
                comment: null,
            });
        }
    }
    // Open issues whose workload this run did not report at all.
    for (const [key, { open }] of index) {
        const current = open[0];
        if (!current || seen.has(key))
            continue;
        if (!opts.runComplete) {
            actions.push({
                type: 'noop',
                target: current.state,
                number: current.issue.number,
                reason: 'incomplete_run',
            });
            continue;
        }
        const state = { ...current.state, closed: 'workload_removed' };
        actions.push({
            type: 'close',
            target: current.state,
            number: current.issue.number,
            reason: 'workload_removed',
            stateReason: 'completed',
            comment: `${describe(current.state)} is gone: a complete run at ${opts.now.toISOString()}${runRef} found it neither in the cluster nor in git. Closing (workload removed).`,
            body: replaceMarker(replaceStatus(current.issue.body ?? '', `**Workload removed** (seen gone at ${opts.now.toISOString()}).`), state),
        });
    }
    return actions;
}

// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __webpack_require__(4573);
;// CONCATENATED MODULE: ./.build/cluster/metrics.js
/** Labels identifying a workload in every per-workload series. */
const WORKLOAD_LABELS = ['namespace', 'workload_kind', 'workload'];
const POD_LABELS = ['namespace', 'pod', 'workload_kind', 'workload'];
const CONTAINER_LABELS = ['namespace', 'pod', 'container', 'workload_kind', 'workload'];
/** The metric table, in output order. Names never change once released (dashboards and alerts use them). */
const METRICS = {
    imageStatus: {
        name: 'k8s_image_check_image_status',
        help: 'Registry check of an image a workload runs or would run; 1 for the current status.',
        labels: [...WORKLOAD_LABELS, 'container', 'image', 'source', 'status'],
        value: '1',
    },
    images: {
        name: 'k8s_image_check_images',
        help: 'Distinct live images per registry host and registry check status.',
        labels: ['registry', 'status'],
        value: 'count',
    },
    driftStatus: {
        name: 'k8s_image_check_drift_status',
        help: 'Drift between git and the cluster per container; 1 for the current status.',
        labels: [...WORKLOAD_LABELS, 'container', 'status'],
        value: '1',
    },
    tagMoved: {
        name: 'k8s_image_check_tag_moved',
        help: 'The live tag now points to another digest than the pods run.',
        labels: [...WORKLOAD_LABELS, 'container'],
        value: '1',
    },
    mutableTag: {
        name: 'k8s_image_check_mutable_tag',
        help: 'A dirty or mutable tag runs live; rule is the tag-policy rule id.',
        labels: [...WORKLOAD_LABELS, 'container', 'rule'],
        value: '1',
    },
    workloadStatus: {
        name: 'k8s_image_check_workload_status',
        help: 'Maximum severity over a workload pods, drift and image checks; 1 for the current severity.',
        labels: [...WORKLOAD_LABELS, 'severity'],
        value: '1',
    },
    podHealth: {
        name: 'k8s_pod_health',
        help: 'Pod health class (pod-health table); 1 for the current class.',
        labels: [...POD_LABELS, 'class', 'severity'],
        value: '1',
    },
    podPhase: {
        name: 'k8s_pod_status_phase',
        help: 'Pod phase; 1 for the current phase.',
        labels: [...POD_LABELS, 'phase'],
        value: '1',
    },
    containerRestarts: {
        name: 'k8s_pod_container_restarts',
        help: 'Container restartCount as the kubelet reports it (a gauge: it resets when the pod is replaced).',
        labels: CONTAINER_LABELS,
        value: 'restartCount',
    },
    containerReady: {
        name: 'k8s_pod_container_ready',
        help: 'Container readiness: 1 ready, 0 not ready.',
        labels: CONTAINER_LABELS,
        value: '0/1',
    },
    containerWaitingReason: {
        name: 'k8s_pod_container_waiting_reason',
        help: 'Container is waiting with this Kubernetes reason.',
        labels: [...CONTAINER_LABELS, 'reason'],
        value: '1',
    },
    containerLastTerminatedReason: {
        name: 'k8s_pod_container_last_terminated_reason',
        help: 'Reason of the container last termination.',
        labels: [...CONTAINER_LABELS, 'reason'],
        value: '1',
    },
    containerLastTerminatedExitCode: {
        name: 'k8s_pod_container_last_terminated_exitcode',
        help: 'Exit code of the container last termination.',
        labels: CONTAINER_LABELS,
        value: 'exit code',
    },
    workloadUnhealthyPods: {
        name: 'k8s_workload_unhealthy_pods',
        help: 'Unhealthy pods of a workload per pod-health class.',
        labels: [...WORKLOAD_LABELS, 'class'],
        value: 'count',
    },
    runComplete: {
        name: 'k8s_image_check_run_complete',
        help: 'Whether the last pushed run could list everything (1) or some lists failed, e.g. RBAC (0).',
        labels: [],
        value: '0/1',
    },
    listErrors: {
        name: 'k8s_image_check_list_errors',
        help: 'A list of the last pushed run failed for this resource (and namespace; empty when cluster-wide).',
        labels: ['resource', 'namespace'],
        value: '1',
    },
    lastSuccess: {
        name: 'k8s_image_check_last_success_timestamp_seconds',
        help: 'Unix time of the last successful cluster-mode run (pushed only by successful runs).',
        labels: [],
        value: 'seconds',
    },
};
/** Metrics the Pushgateway adds itself to every group (usable in alert rules, never rendered by us). */
const PUSHGATEWAY_METRICS = (/* unused pure expression or super */ null && (['push_time_seconds', 'push_failure_time_seconds']));
/** Labels every pushed series gets from the push URL (grouping key) or the scrape. */
const GROUPING_LABELS = (/* unused pure expression or super */ null && (['job', 'cluster', 'instance']));
/** Every registry check status, as a runtime list (alert regexes are checked against it). */
const CHECK_STATUSES = [
    'not_checked',
    'available',
    'absent',
    'platform_missing',
    'bad_image_format',
    'authentication_failure',
    'authorization_failure',
    'rate_limited',
    'registry_unavailable',
    'skipped',
    'unknown_error',
];
/** Every drift status, as a runtime list. */
const DRIFT_STATUSES = [
    'in_sync',
    'drifted',
    'missing_in_cluster',
    'not_in_git',
    'rollout_stuck',
];
/** Every severity, as a runtime list. */
const SEVERITIES = [
    'critical',
    'warning',
    'info',
    'none',
];
/** Every pod-health class, as a runtime list. */
const POD_HEALTH_CLASSES = [
    'Terminating',
    'Completed',
    'Evicted',
    'Failed',
    'Unknown',
    'SchedulingGated',
    'Unschedulable',
    'OOMKilled',
    'StartError',
    'ExitedPrematurely',
    'CrashLoopBackOff',
    'ImagePullBackOff',
    'InvalidImageName',
    'CreateContainerConfigError',
    'CreateContainerError',
    'StuckPending',
    'Waiting',
    'NotReady',
    'HighRestartCount',
    'RecentRestart',
    'Healthy',
];
const exhaustive = [];
void exhaustive;
/** Allowed values of enum-valued labels, per label name (used to validate alert-rule matchers). */
const LABEL_VALUES = {
    class: POD_HEALTH_CLASSES,
    severity: SEVERITIES,
    phase: ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'],
    source: ['template', 'pod'],
};
/** Allowed `status` values per metric name (the label means something different in each). */
const STATUS_VALUES = {
    [METRICS.imageStatus.name]: CHECK_STATUSES,
    [METRICS.images.name]: CHECK_STATUSES,
    [METRICS.driftStatus.name]: DRIFT_STATUSES,
};
/** Renders the metric table as Markdown (for the README). */
function renderMetricsTable() {
    const rows = Object.values(METRICS).map((m) => `| \`${m.name}\` | ${m.labels.map((l) => `\`${l}\``).join(', ') || '—'} | ${m.value} | ${m.help} |`);
    return ['| Metric | Labels | Value | Meaning |', '|---|---|---|---|', ...rows, ''].join('\n');
}

;// CONCATENATED MODULE: ./.build/report/exposition.js
/** Label names and metric names allowed by the legacy (non-UTF-8) rules the Pushgateway applies by default. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Escapes a label value: backslash, double quote and newline (the only escapes the format defines). */
function escapeLabelValue(value) {
    return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
/** Escapes HELP text: backslash and newline. */
function escapeHelp(text) {
    return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
/** Formats a sample value (`NaN`, `+Inf`, `-Inf` spelled as the format requires). */
function formatValue(value) {
    if (Number.isNaN(value))
        return 'NaN';
    if (value === Number.POSITIVE_INFINITY)
        return '+Inf';
    if (value === Number.NEGATIVE_INFINITY)
        return '-Inf';
    return String(value);
}
/**
 * Collects gauge samples per family and renders them. Series are deduplicated by label set (the larger
 * value wins, so the output never depends on input order) and sorted; families keep their registration order,
 * and a family without samples is left out.
 */
class ExpositionBuilder {
    families = new Map();
    /** Registers families in output order. */
    constructor(definitions) {
        for (const def of definitions) {
            if (!METRIC_NAME.test(def.name))
                throw new Error(`invalid metric name ${JSON.stringify(def.name)}`);
            for (const l of def.labels) {
                if (!LABEL_NAME.test(l) || l.startsWith('__'))
                    throw new Error(`invalid label name ${JSON.stringify(l)} on ${def.name}`);
            }
            this.families.set(def.name, { def, series: new Map() });
        }
    }
    /** Adds one sample; `labels` must hold exactly the family's labels (missing ones are sent empty). */
    add(def, labels, value) {
        const family = this.families.get(def.name);
        if (!family)
            throw new Error(`metric ${def.name} is not registered`);
        const extra = Object.keys(labels).filter((k) => !def.labels.includes(k));
        if (extra.length > 0)
            throw new Error(`labels ${extra.join(', ')} are not declared for ${def.name}`);
        const key = def.labels.map((l) => `${l}="${escapeLabelValue(labels[l] ?? '')}"`).join(',');
        const previous = family.series.get(key);
        family.series.set(key, previous === undefined ? value : Math.max(previous, value));
    }
    /** Renders every non-empty family as text ending with a newline (empty string when nothing was added). */
    render() {
        const lines = [];
        for (const { def, series } of this.families.values()) {
            if (series.size === 0)
                continue;
            lines.push(`# HELP ${def.name} ${escapeHelp(def.help)}`, `# TYPE ${def.name} gauge`);
            for (const key of [...series.keys()].sort()) {
                const labelText = key === '' ? '' : `{${key}}`;
                lines.push(`${def.name}${labelText} ${formatValue(series.get(key) ?? 0)}`);
            }
        }
        return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    }
}

;// CONCATENATED MODULE: ./.build/report/metrics-text.js
/**
 * Renders a cluster-mode report as Pushgateway metrics (the metric table lives in `cluster/metrics.ts`).
 * Pure: the clock is a parameter.
 */


/**
 * Returns the registry host of an image reference the way `distribution/reference` decides it: the first
 * path component when it contains `.` or `:` or is `localhost`, else `docker.io`.
 */
function registryHostOf(image) {
    const slash = image.indexOf('/');
    if (slash < 0)
        return 'docker.io';
    const first = image.slice(0, slash);
    if (first === 'localhost' || first.includes('.') || first.includes(':'))
        return first.toLowerCase();
    return 'docker.io';
}
function workloadLabels(w) {
    return { namespace: w.namespace, workload_kind: w.kind, workload: w.name };
}
function podLabels(p) {
    return { namespace: p.namespace, pod: p.pod, workload_kind: p.owner.kind, workload: p.owner.name };
}
function addWorkload(b, w) {
    const wl = workloadLabels(w);
    b.add(METRICS.workloadStatus, { ...wl, severity: w.severity }, 1);
    for (const i of w.images) {
        b.add(METRICS.imageStatus, { ...wl, container: i.container, image: i.image, source: i.source, status: i.status }, 1);
    }
    for (const d of w.drift) {
        b.add(METRICS.driftStatus, { ...wl, container: d.container, status: d.status }, 1);
        if (d.tagMoved)
            b.add(METRICS.tagMoved, { ...wl, container: d.container }, 1);
        for (const f of d.tagFindings ?? [])
            b.add(METRICS.mutableTag, { ...wl, container: d.container, rule: f.rule }, 1);
    }
}
function addPod(b, p) {
    const pl = podLabels(p);
    b.add(METRICS.podHealth, { ...pl, class: p.class, severity: p.severity }, 1);
    if (p.phase)
        b.add(METRICS.podPhase, { ...pl, phase: p.phase }, 1);
    for (const c of p.containers) {
        const cl = { ...pl, container: c.name };
        b.add(METRICS.containerRestarts, cl, c.restartCount);
        b.add(METRICS.containerReady, cl, c.ready ? 1 : 0);
        if (c.state === 'waiting' && c.waitingReason)
            b.add(METRICS.containerWaitingReason, { ...cl, reason: c.waitingReason }, 1);
        if (c.lastTerminatedReason)
            b.add(METRICS.containerLastTerminatedReason, { ...cl, reason: c.lastTerminatedReason }, 1);
        if (c.lastTerminatedExitCode !== null)
            b.add(METRICS.containerLastTerminatedExitCode, cl, c.lastTerminatedExitCode);
    }
}
/** Counts distinct images per (registry host, status), from the report's image list or the workloads'. */
function imageCounts(input) {
    const statusByImage = new Map();
    if (input.images)
        for (const i of input.images)
            statusByImage.set(i.image, i.check.status);
    else
        for (const w of input.workloads)
            for (const i of w.images)
                if (!statusByImage.has(i.image))
                    statusByImage.set(i.image, i.status);
    const counts = new Map();
    for (const [image, status] of statusByImage) {
        const registry = registryHostOf(image);
        const key = `${registry} ${status}`;
        const entry = counts.get(key) ?? { registry, status, count: 0 };
        entry.count++;
        counts.set(key, entry);
    }
    return counts;
}
/**
 * Returns the report as text exposition format for one Pushgateway group (one cluster): image availability
 * per workload container, drift and live mutable tags per container, pod health per class, container
 * restarts and readiness, unhealthy pods per workload and class, whether the run saw everything (and which
 * lists failed), and the last-success timestamp. Labels
 * are bounded (no messages); `cluster` and `job` are not in the body, they come from the push URL.
 */
function renderMetrics(input, options) {
    const b = new ExpositionBuilder(Object.values(METRICS));
    for (const { registry, status, count } of imageCounts(input).values())
        b.add(METRICS.images, { registry, status }, count);
    for (const w of input.workloads)
        addWorkload(b, w);
    const unhealthy = new Map();
    for (const p of input.pods) {
        addPod(b, p);
        if (p.status !== 'unhealthy')
            continue;
        const labels = {
            namespace: p.namespace,
            workload_kind: p.owner.kind,
            workload: p.owner.name,
            class: p.class,
        };
        const key = JSON.stringify(labels);
        const entry = unhealthy.get(key) ?? { labels, pods: new Set() };
        entry.pods.add(p.pod);
        unhealthy.set(key, entry);
    }
    for (const { labels, pods } of unhealthy.values())
        b.add(METRICS.workloadUnhealthyPods, labels, pods.size);
    if (input.complete !== undefined)
        b.add(METRICS.runComplete, {}, input.complete ? 1 : 0);
    for (const e of input.errors ?? [])
        b.add(METRICS.listErrors, { resource: e.kind, namespace: e.namespace ?? '' }, 1);
    if (options.lastSuccess ?? true)
        b.add(METRICS.lastSuccess, {}, options.now.getTime() / 1000);
    return b.render();
}

;// CONCATENATED MODULE: ./.build/report/pushgateway.js
/**
 * Publishing metrics to a Prometheus Pushgateway: one `PUT /metrics/job/<job>/<label>/<value>…` per group
 * (per cluster), so series that vanished since the last run disappear atomically (github-actions.md §6.1).
 * Failures are results, never exceptions: the message names the gateway host and says what to do.
 */


/** Content type of the text exposition format; the gateway also accepts a missing or form content type. */
const TEXT_FORMAT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** Default timeout of one push, in milliseconds. */
const DEFAULT_PUSH_TIMEOUT_MS = 30_000;
/** The longest excerpt of a gateway error body we repeat in a message. */
const MAX_BODY_EXCERPT = 500;
/** Path segments that are sent as they are; anything else goes through `@base64`. */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const pushgateway_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** URL-safe base64 without padding; an empty value is `=` as the gateway requires. */
function base64Segment(value) {
    if (value === '')
        return '=';
    return external_node_buffer_.Buffer.from(value, 'utf8').toString('base64url');
}
/**
 * Returns the path of a group: `/metrics/job/<job>{/<name>/<value>}`. A value that is empty or holds any
 * character outside `[A-Za-z0-9._~-]` (notably `/`, which no percent-encoding can carry) is sent as
 * `<name>@base64/<url-safe base64>`, e.g. `cluster@base64/ZXUtd2VzdC8x` for `eu-west/1`.
 */
function groupingPath(job, groupingKey = {}) {
    const segments = ['metrics'];
    for (const [name, value] of [['job', job], ...Object.entries(groupingKey)]) {
        if (!pushgateway_LABEL_NAME.test(name) || name.startsWith('__')) {
            throw new Error(`grouping label name ${JSON.stringify(name)} is invalid: use letters, digits and _.`);
        }
        if (PLAIN_SEGMENT.test(value))
            segments.push(name, value);
        else
            segments.push(`${name}@base64`, base64Segment(value));
    }
    return `/${segments.join('/')}`;
}
/** Splits a gateway URL into a credential-free base and the userinfo it held. */
function parseGatewayUrl(raw) {
    const base = new URL(raw);
    const username = base.username ? decodeURIComponent(base.username) : undefined;
    const password = base.password ? decodeURIComponent(base.password) : undefined;
    base.username = '';
    base.password = '';
    base.search = '';
    base.hash = '';
    return { base, username, password };
}
function describeFailure(status, bodyText, host, group, authSent) {
    const excerpt = bodyText.trim().slice(0, MAX_BODY_EXCERPT);
    const said = excerpt ? `: ${excerpt}` : '';
    if (status === 400) {
        return (`Pushgateway ${host} rejected the metrics for ${group} (400${said}). Nothing was stored for this group. ` +
            'If the message says a metric "is not a GAUGE" (or another type), another group pushed that name with a ' +
            'different TYPE: delete that group on the gateway; otherwise report this as a bug of k8s-image-check.');
    }
    if (status === 401 || status === 403) {
        return authSent
            ? `Pushgateway ${host} refused the credentials for ${group} (${status}): check pushgateway-username and pushgateway-password.`
            : `Pushgateway ${host} requires authentication for ${group} (${status}): set pushgateway-username and pushgateway-password (sent as Basic auth).`;
    }
    if (status === 404 || status === 405) {
        return `Pushgateway ${host} has no push API at this path (${status}) for ${group}: pushgateway-url must be the gateway's base URL, e.g. http://pushgateway:9091.`;
    }
    return `Pushgateway ${host} answered ${status} for ${group}${said}; the previous metrics of the group stay in place. Retry later or check the gateway's logs.`;
}
/**
 * Pushes one group and returns what happened; never throws for HTTP or network failures. The caller
 * must not call this for a failed run: the gateway then keeps the previous (last good) group.
 */
async function pushMetrics(options) {
    const { base, username: urlUser, password: urlPassword } = parseGatewayUrl(options.url);
    const path = groupingPath(options.job, options.groupingKey);
    const target = new URL(base.pathname.replace(/\/+$/, '') + path, base).toString();
    const host = base.host;
    const group = `job "${options.job}"${Object.entries(options.groupingKey ?? {})
        .map(([k, v]) => `, ${k} "${v}"`)
        .join('')}`;
    const method = options.method ?? 'PUT';
    const headers = { ...(options.headers ?? {}) };
    const username = options.username ?? urlUser;
    const password = options.password ?? urlPassword;
    const authSent = username !== undefined || password !== undefined;
    if (authSent) {
        headers.authorization = `Basic ${external_node_buffer_.Buffer.from(`${username ?? ''}:${password ?? ''}`, 'utf8').toString('base64')}`;
    }
    if (method !== 'DELETE')
        headers['content-type'] = TEXT_FORMAT_CONTENT_TYPE;
    const doFetch = options.fetch ?? globalThis.fetch;
    try {
        const response = await doFetch(target, {
            method,
            headers,
            body: method === 'DELETE' ? undefined : options.body,
            signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS),
            redirect: 'error',
        });
        const text = await response.text();
        if (response.ok)
            return { ok: true, status: response.status, target };
        return {
            ok: false,
            status: response.status,
            target,
            message: describeFailure(response.status, text, host, group, authSent),
        };
    }
    catch (err) {
        const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        const what = timedOut
            ? `did not answer within ${options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS} ms`
            : `could not be reached (${cause})`;
        return {
            ok: false,
            status: null,
            target,
            message: `Pushgateway ${host} ${what} for ${group}: check pushgateway-url and that the gateway is reachable from the runner.`,
        };
    }
}
/**
 * Renders a cluster-mode report and `PUT`s it as the group `{job, cluster: report.cluster}`. Call it only
 * when the run could list the cluster (a total listing failure pushes nothing, so the gateway keeps the last
 * good group and `K8sImageCheckStale` fires). A partial run is pushed with `k8s_image_check_run_complete 0`
 * and its `k8s_image_check_list_errors`, so what it could not see is visible rather than silently resolved.
 */
async function pushReportMetrics(report, options) {
    const { now, ...push } = options;
    return pushMetrics({
        ...push,
        groupingKey: { cluster: report.cluster },
        body: renderMetrics(report, { now }),
    });
}

;// CONCATENATED MODULE: ./.build/engine/cluster-publish.js



/** Plans and applies issues, then pushes metrics, as the configuration asks. Failures become warnings. */
async function publishClusterReport(report, config, deps) {
    const out = { issues: [], issueSummary: '', push: null };
    if (config.issues && deps.github) {
        const g = deps.github;
        try {
            const existing = await listManagedIssues(g.octokit, g.owner, g.repo, config.issueLabel);
            const actions = planIssues(existing, report.workloads, {
                cluster: report.cluster,
                label: config.issueLabel,
                resolveRuns: config.resolveRuns,
                maxOpenPerRun: config.maxIssuesPerRun,
                runComplete: report.complete,
                now: deps.now,
                ...(g.runUrl ? { runUrl: g.runUrl } : {}),
                ...(g.blobUrl ? { blobUrl: g.blobUrl } : {}),
                pods: report.pods,
            });
            // The octokit client already spaces writes (throttling plugin), so no extra pause here.
            const applied = await applyIssuePlan(g.octokit, g.owner, g.repo, actions, {
                dryRun: config.dryRun,
                pauseMs: 0,
            });
            for (const w of applied.warnings)
                deps.logger.warning(w);
            for (const r of applied.results)
                if (!r.ok && r.error)
                    deps.logger.warning(r.error);
            out.issues = applied.results;
            out.issueSummary = renderIssueSummary(report.cluster, applied.results);
        }
        catch (err) {
            const why = err instanceof Error ? err.message : String(err);
            deps.logger.warning(`Cannot manage issues in ${g.owner}/${g.repo} (${why}); give the workflow "permissions: issues: write" or set issues: false. Metrics are still pushed.`);
        }
    }
    else if (config.issues) {
        deps.logger.info('Issues are not managed: no GitHub token and repository (set GITHUB_TOKEN and GITHUB_REPOSITORY).');
    }
    if (config.pushgatewayUrl) {
        if (config.dryRun)
            deps.logger.info(`dry-run: metrics for cluster ${report.cluster} were not pushed.`);
        else {
            const push = await pushReportMetrics(report, {
                url: config.pushgatewayUrl,
                job: config.pushgatewayJob,
                now: deps.now,
                ...(config.pushgatewayUsername ? { username: config.pushgatewayUsername } : {}),
                ...(config.pushgatewayPassword ? { password: config.pushgatewayPassword } : {}),
                ...(deps.fetch ? { fetch: deps.fetch } : {}),
            });
            if (!push.ok)
                deps.logger.warning(push.message);
            else
                deps.logger.info(`Pushed metrics for cluster ${report.cluster} to ${push.target}.`);
            out.push = push;
        }
    }
    return out;
}

// EXTERNAL MODULE: ./.build/engine/scan.js + 30 modules
var scan = __webpack_require__(1091);
// EXTERNAL MODULE: ./.build/github/octokit.js + 25 modules
var octokit = __webpack_require__(469);
;// CONCATENATED MODULE: ./.build/action-cluster.js
/**
 * The action's cluster mode (`mode: cluster`, scheduled workflows): list the cluster, compare it with the
 * manifests of the checked-out default branch, classify pod health, check live images, then manage one issue
 * per unhealthy or drifted workload and push the cluster's metrics group. A run that cannot see the cluster
 * fails and changes nothing.
 */














/** Returns the cluster-mode outputs of a report and what publishing did. */
function clusterOutputs(report, published) {
    const count = (sev) => report.workloads.filter((w) => w.severity === sev).length;
    const out = {
        errors: String(count('critical')),
        warnings: String(count('warning')),
        notices: String(count('info')),
        images: String(report.images?.length ?? 0),
        drifted: String(report.drift.filter((d) => d.status !== 'in_sync').length),
        'unhealthy-workloads': String(report.workloads.filter((w) => w.unhealthy).length),
        'issues-opened': String(published?.issues.filter((r) => r.ok && !r.dryRun && r.action.type === 'create').length ?? 0),
        'issues-closed': String(published?.issues.filter((r) => r.ok && !r.dryRun && r.action.type === 'close').length ?? 0),
    };
    for (const status of outputs/* STATUS_OUTPUTS */.C)
        out[`status-${status.replace(/_/g, '-')}`] = String(report.images?.filter((i) => i.check.status === status).length ?? 0);
    return out;
}
/** Runs cluster mode inside the action; failures end in `core.setFailed`. */
async function runClusterAction(io) {
    const root = io.env.GITHUB_WORKSPACE || io.cwd;
    const { config } = await (0,load/* loadActionConfig */.zl)(io.env, root);
    // The kubeconfig text and passwords are masked by runAction (secret inputs); mask derived secrets too.
    const logger = { debug: core/* debug */.Yz, info: core/* info */.pq, warning: core/* warning */.$e };
    let report;
    try {
        report = await drift_runClusterMode(config, {
            root,
            env: io.env,
            logger,
            scanManifests: (c, r, l) => (0,scan/* scanDesiredUses */.II)(c, r, l, io.env.PATH),
            onSecrets: (secrets) => {
                for (const s of secrets)
                    core/* setSecret */.Pq(s);
            },
        });
    }
    catch (err) {
        if (err instanceof kube_KubeAccessError || err instanceof dump_DumpError) {
            core/* setFailed */.C1(`${err.message} Nothing was judged: no issue was changed and no metric was pushed.`);
            return;
        }
        throw err;
    }
    for (const e of report.errors)
        core/* warning */.$e(e.message);
    core/* info */.pq(render_renderDriftText(report));
    if (config.jsonFile)
        await (0,promises_.writeFile)((0,external_node_path_.resolve)(root, config.jsonFile), render_renderDriftJson(report));
    const ctx = (0,action/* readContext */.yI)(io.env, await (0,action/* readEventPayload */.N5)(io.env));
    const token = config.githubToken ?? io.env.GITHUB_TOKEN ?? null;
    const github = ctx && token
        ? {
            octokit: (0,octokit/* createOctokit */.Qi)({
                token,
                baseUrl: ctx.apiUrl,
                log: { debug: core/* debug */.Yz, info: core/* info */.pq, warn: core/* warning */.$e },
            }),
            owner: ctx.owner,
            repo: ctx.repo,
            runUrl: ctx.runUrl,
            blobUrl: `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/blob/${ctx.headSha}/`,
        }
        : null;
    const published = await publishClusterReport(report, config, { logger, github, now: new Date() });
    if (io.env.GITHUB_STEP_SUMMARY) {
        const text = render_renderDriftText(report);
        const md = [
            `## k8s-image-check: cluster \`${report.cluster}\``,
            '',
            report.complete
                ? ''
                : '> [!WARNING]\n> Some lists failed (see the log); nothing about what could not be seen was resolved.\n',
            '```text',
            text.length > 600_000
                ? `${text.slice(0, 600_000)}\n… (truncated; the JSON report has everything)`
                : text,
            '```',
            '',
            published.issueSummary,
        ].join('\n');
        try {
            await core/* summary */.z.addRaw(md, true).write();
        }
        catch (err) {
            core/* warning */.$e(`Cannot write the job summary: ${err instanceof Error ? err.message : String(err)}.`);
        }
    }
    const failed = driftShouldFail(report, config.failOn);
    for (const [name, value] of Object.entries(clusterOutputs(report, published)))
        core/* setOutput */.uH(name, value);
    core/* setOutput */.uH('json-file', config.jsonFile ?? '');
    core/* setOutput */.uH('conclusion', failed ? 'failure' : 'success');
    if (failed)
        core/* setFailed */.C1(`Workloads at or above fail-on (${config.failOn}) in cluster ${report.cluster}: see the summary and the issues.`);
}


/***/ })

};
