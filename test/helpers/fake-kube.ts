/**
 * A local fake Kubernetes API server over HTTPS for tests and benchmarks. It serves the real list paths
 * (`/api/v1/pods`, `/api/v1/namespaces/:ns/pods`, `/apis/apps/v1/deployments`, `/apis/batch/v1/cronjobs`, ...),
 * real List shapes (`kind: PodList`, `metadata.continue`, `remainingItemCount`; items without kind/apiVersion,
 * as the API server sends them), pagination by `limit`/`continue`, `fieldSelector` on `metadata.namespace`,
 * RBAC 403 `Status` objects, 401 for unknown credentials and 410 `Expired` continue tokens.
 *
 * Authentication is that of a real API server: a client certificate signed by the cluster CA, or a bearer
 * token. A TLS front (which can see the peer certificate) authenticates and forwards to a recording
 * `fake-server` on loopback, so tests can assert on every request.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { type FakeReply, type FakeServer, type RecordedRequest, startFakeServer } from './fake-server.js';

/** PEM material of the fake cluster: its CA, the API server's certificate and a client certificate. */
export interface FakeKubeCerts {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by another CA (must be refused). */
  strangerCert: string;
  strangerKey: string;
}

let cachedCerts: FakeKubeCerts | undefined;

/** Returns CA, server and client certificates made with the `openssl` CLI (EC P-256; cached per process). */
export function makeCerts(): FakeKubeCerts {
  if (cachedCerts) return cachedCerts;
  const dir = mkdtempSync(join(tmpdir(), 'fake-kube-certs-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    const key = (name: string) => ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', name);
    const ca = (name: string, cn: string) => {
      key(`${name}.key`);
      ssl(
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-subj',
        `/CN=${cn}`,
        '-days',
        '3650',
        '-out',
        `${name}.crt`,
      );
    };
    const leaf = (name: string, subj: string, caName: string, ext: string) => {
      key(`${name}.key`);
      ssl('req', '-new', '-key', `${name}.key`, '-subj', subj, '-out', `${name}.csr`);
      writeFileSync(join(dir, `${name}.ext`), ext);
      ssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${caName}.crt`,
        '-CAkey',
        `${caName}.key`,
        '-CAcreateserial',
        '-days',
        '3650',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      );
    };
    ca('ca', 'fake-kube-ca');
    ca('other-ca', 'someone-else');
    leaf(
      'server',
      '/CN=kube-apiserver',
      'ca',
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    );
    leaf('client', '/O=ci/CN=checker', 'ca', 'extendedKeyUsage=clientAuth\n');
    leaf('stranger', '/CN=stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    cachedCerts = {
      ca: read('ca.crt'),
      serverCert: read('server.crt'),
      serverKey: read('server.key'),
      clientCert: read('client.crt'),
      clientKey: read('client.key'),
      strangerCert: read('stranger.crt'),
      strangerKey: read('stranger.key'),
    };
    return cachedCerts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The resources the fake serves: plural name → API group/version and List kind. */
export const FAKE_RESOURCES: Record<string, { group: string; version: string; listKind: string }> = {
  pods: { group: '', version: 'v1', listKind: 'PodList' },
  events: { group: '', version: 'v1', listKind: 'EventList' },
  deployments: { group: 'apps', version: 'v1', listKind: 'DeploymentList' },
  statefulsets: { group: 'apps', version: 'v1', listKind: 'StatefulSetList' },
  daemonsets: { group: 'apps', version: 'v1', listKind: 'DaemonSetList' },
  replicasets: { group: 'apps', version: 'v1', listKind: 'ReplicaSetList' },
  jobs: { group: 'batch', version: 'v1', listKind: 'JobList' },
  cronjobs: { group: 'batch', version: 'v1', listKind: 'CronJobList' },
};

/** An RBAC denial: `namespace` omitted denies the resource everywhere; given, it denies that namespace. */
export interface Forbidden {
  resource: string;
  namespace?: string;
  /** The verb denied, `list` (default) or `get`. */
  verb?: 'list' | 'get';
}

/** Options of {@link startFakeKube}. */
export interface FakeKubeOptions {
  /** Objects by plural resource name (pods, deployments, ...), plus `secrets` and `serviceaccounts` for reads. */
  objects?: Record<string, unknown[]>;
  /** Valid bearer tokens. Default: `['fake-token']`. */
  tokens?: string[];
  /** The user RBAC messages name. Default `system:serviceaccount:ci:checker`. */
  user?: string;
  forbidden?: Forbidden[];
  /** Answer this many `continue` requests with 410 Expired (then serve normally). */
  expireContinue?: number;
  /** Answer every list with this HTTP status (500, 503, ...) as a `Status`. */
  failAll?: number;
  /** Serve CronJobs as `batch/v1beta1` only, as API servers before Kubernetes 1.21 do (`batch/v1` is a 404). */
  legacyCronJobs?: boolean;
  /** Do not fail `close()` on requests the fake has no route for (see `fake-server.ts`). */
  allowUnmatched?: boolean;
}

/** A running fake API server. */
export interface FakeKube {
  url: string;
  /** The recording server behind the TLS front: its `requests` are every authenticated request. */
  inner: FakeServer;
  certs: FakeKubeCerts;
  /** Requests the TLS front refused with 401. */
  unauthorized: number;
  /** A kubeconfig (YAML text) for this server: `cert` (client certificate), `token` or a given bad token. */
  kubeconfig(auth?: 'cert' | 'token' | { token: string } | 'stranger'): string;
  /** Replace the objects of one resource. */
  setObjects(resource: string, items: unknown[]): void;
  /** Stops both servers; throws if the API received a request it has no route for (unless opted out). */
  close(): Promise<void>;
}

/** Returns a Kubernetes `Status` failure object, as the API server sends for errors. */
export function statusObject(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

interface Meta {
  namespace?: string;
  name?: string;
}

function metaOf(o: unknown): Meta {
  return ((o as { metadata?: Meta } | null)?.metadata ?? {}) as Meta;
}

/** Applies field selector terms (`metadata.namespace!=x`, `involvedObject.kind=Pod`, `reason=Unhealthy`). */
function fieldFilter(selector: string | null): (o: unknown) => boolean {
  if (!selector) return () => true;
  const terms = selector
    .split(',')
    .map((t) => /^([\w.]+)(!=|==|=)(.*)$/.exec(t.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  const field = (o: unknown, path: string): string => {
    let v: unknown = o;
    for (const k of path.split('.')) v = (v as Record<string, unknown> | null)?.[k];
    return typeof v === 'string' ? v : '';
  };
  return (o) =>
    terms.every(([, path, op, value]) =>
      op === '!=' ? field(o, path!) !== value : field(o, path!) === value,
    );
}

const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Start a fake API server on 127.0.0.1 (ephemeral port). */
export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const certs = makeCerts();
  const tokens = new Set(options.tokens ?? ['fake-token']);
  const user = options.user ?? 'system:serviceaccount:ci:checker';
  const store = new Map<string, unknown[]>();
  const sortKey = (o: unknown) => `${metaOf(o).namespace ?? ''}/${metaOf(o).name ?? ''}`;
  const setObjects = (resource: string, items: unknown[]) =>
    store.set(
      resource,
      [...items].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0)),
    );
  for (const [r, items] of Object.entries(options.objects ?? {})) setObjects(r, items);
  let resourceVersion = 4_200_000;
  let expireLeft = options.expireContinue ?? 0;

  const denied = (resource: string, namespace: string | undefined, verb: 'list' | 'get') =>
    (options.forbidden ?? []).some(
      (f) =>
        f.resource === resource &&
        (f.verb ?? 'list') === verb &&
        (f.namespace === undefined || namespace === undefined || f.namespace === namespace),
    );

  const forbiddenReply = (resource: string, namespace: string | undefined, verb: string): FakeReply => {
    const group = FAKE_RESOURCES[resource]?.group ?? '';
    const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    return {
      status: 403,
      body: statusObject(
        403,
        'Forbidden',
        `${resource} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${where}`,
        { kind: resource },
      ),
    };
  };

  const list = (resource: string, req: RecordedRequest): FakeReply => {
    const namespace = req.params.ns;
    if (options.failAll) {
      return {
        status: options.failAll,
        body: statusObject(options.failAll, 'InternalError', 'etcdserver: request timed out'),
      };
    }
    if (denied(resource, namespace, 'list')) return forbiddenReply(resource, namespace, 'list');
    const info = FAKE_RESOURCES[resource]!;
    const accept = fieldFilter(req.query.get('fieldSelector'));
    const all = (store.get(resource) ?? []).filter((o) => {
      const ns = metaOf(o).namespace ?? '';
      return (namespace === undefined || ns === namespace) && accept(o);
    });
    const limit = Number(req.query.get('limit') ?? 0);
    const token = req.query.get('continue');
    let start = 0;
    let rv = String(resourceVersion++);
    if (token) {
      if (expireLeft > 0) {
        expireLeft--;
        return { status: 410, body: statusObject(410, 'Expired', EXPIRED_MESSAGE) };
      }
      try {
        const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
          start: number;
          rv: string;
        };
        start = parsed.start;
        rv = parsed.rv;
      } catch {
        return {
          status: 400,
          body: statusObject(400, 'BadRequest', 'continue key is not valid: illegal base64 data'),
        };
      }
    }
    const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
    const items = all.slice(start, end);
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    if (end < all.length) {
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: end })).toString(
        'base64',
      );
      metadata.remainingItemCount = all.length - end;
    }
    return {
      body: {
        kind: info.listKind,
        apiVersion: info.group ? `${info.group}/${info.version}` : 'v1',
        metadata,
        items,
      },
    };
  };

  const read = (resource: string, req: RecordedRequest): FakeReply => {
    const { ns, name } = req.params;
    if (denied(resource, ns, 'get')) return forbiddenReply(resource, ns, 'get');
    const found = (store.get(resource) ?? []).find(
      (o) => metaOf(o).namespace === ns && metaOf(o).name === name,
    );
    if (!found) {
      return {
        status: 404,
        body: statusObject(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }),
      };
    }
    return { body: found };
  };

  const inner = await startFakeServer({ name: 'fake Kubernetes', allowUnmatched: options.allowUnmatched });
  inner.route('GET', '/version', () => ({
    body: {
      major: '1',
      minor: '30',
      gitVersion: 'v1.30.2',
      gitCommit: '39683505b630ff2121012f3c5b16215a1449d5ed',
      gitTreeState: 'clean',
      buildDate: '2024-06-11T20:21:00Z',
      goVersion: 'go1.22.4',
      compiler: 'gc',
      platform: 'linux/amd64',
    },
  }));
  for (const [resource, info] of Object.entries(FAKE_RESOURCES)) {
    const version = resource === 'cronjobs' && options.legacyCronJobs ? 'v1beta1' : info.version;
    const prefix = info.group ? `/apis/${info.group}/${version}` : '/api/v1';
    inner.route('GET', `${prefix}/${resource}`, (req) => list(resource, req));
    inner.route('GET', `${prefix}/namespaces/:ns/${resource}`, (req) => list(resource, req));
  }
  if (options.legacyCronJobs) {
    // A pre-1.21 API server does not know batch/v1 cronjobs: a 404 Status, as the real one sends.
    const missing = (): FakeReply => ({
      status: 404,
      body: statusObject(404, 'NotFound', 'the server could not find the requested resource'),
    });
    inner.route('GET', '/apis/batch/v1/cronjobs', missing);
    inner.route('GET', '/apis/batch/v1/namespaces/:ns/cronjobs', missing);
  }
  for (const resource of ['secrets', 'serviceaccounts']) {
    inner.route('GET', `/api/v1/namespaces/:ns/${resource}/:name`, (req) => read(resource, req));
  }

  let unauthorized = 0;
  const front = createHttpsServer(
    {
      key: certs.serverKey,
      cert: certs.serverCert,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket as TLSSocket;
      const auth = req.headers.authorization ?? '';
      const byCert = socket.authorized === true;
      const byToken = auth.startsWith('Bearer ') && tokens.has(auth.slice(7));
      if (!byCert && !byToken) {
        unauthorized++;
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(statusObject(401, 'Unauthorized', 'Unauthorized')));
        return;
      }
      const forward = httpRequest(
        { host: '127.0.0.1', port: inner.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(forward);
    },
  );
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const port = (front.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  const fake: FakeKube = {
    url,
    inner,
    certs,
    get unauthorized() {
      return unauthorized;
    },
    kubeconfig(auth = 'cert') {
      let userBlock: string;
      if (auth === 'cert' || auth === 'stranger') {
        const cert = auth === 'cert' ? certs.clientCert : certs.strangerCert;
        const key = auth === 'cert' ? certs.clientKey : certs.strangerKey;
        userBlock = `    client-certificate-data: ${b64(cert)}\n    client-key-data: ${b64(key)}\n`;
      } else {
        const token = auth === 'token' ? [...tokens][0] : auth.token;
        userBlock = `    token: ${token}\n`;
      }
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: fake',
        '  cluster:',
        `    server: ${url}`,
        `    certificate-authority-data: ${b64(certs.ca)}`,
        'users:',
        '- name: checker',
        '  user:',
        userBlock.trimEnd(),
        'contexts:',
        '- name: fake',
        '  context:',
        '    cluster: fake',
        '    user: checker',
        '- name: other',
        '  context:',
        '    cluster: fake',
        '    user: nobody',
        'current-context: fake',
        '',
      ].join('\n');
    },
    setObjects,
    close: async () => {
      await new Promise<void>((resolve) => {
        front.closeAllConnections();
        front.close(() => resolve());
      });
      await inner.close();
    },
  };
  return fake;
}

/** The pod fixtures (one per pod-health row), as a real API server returns them. */
export function fixturePods(): Record<string, unknown>[] {
  const dir = new URL('../../fixtures/cluster/pods/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown>);
}

/** managedFields as the API server returns them for a kubelet-updated pod (they dominate a pod's size). */
function managedFields(time: string): unknown[] {
  const containerFields = {
    'f:image': {},
    'f:imagePullPolicy': {},
    'f:name': {},
    'f:resources': {
      '.': {},
      'f:limits': { '.': {}, 'f:memory': {} },
      'f:requests': { '.': {}, 'f:cpu': {}, 'f:memory': {} },
    },
    'f:terminationMessagePath': {},
    'f:terminationMessagePolicy': {},
  };
  return [
    {
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:generateName': {},
          'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} },
          'f:ownerReferences': { '.': {}, 'k:{"uid":"00000000-0000-0000-0000-000000000000"}': {} },
        },
        'f:spec': {
          'f:containers': { 'k:{"name":"app"}': { '.': {}, ...containerFields } },
          'f:dnsPolicy': {},
          'f:enableServiceLinks': {},
          'f:restartPolicy': {},
          'f:schedulerName': {},
          'f:securityContext': {},
          'f:terminationGracePeriodSeconds': {},
        },
      },
      manager: 'kube-controller-manager',
      operation: 'Update',
      time,
    },
    {
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:status': {
          'f:conditions': Object.fromEntries(
            ['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'Ready'].map((t) => [
              `k:{"type":"${t}"}`,
              { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} },
            ]),
          ),
          'f:containerStatuses': {},
          'f:hostIP': {},
          'f:hostIPs': {},
          'f:phase': {},
          'f:podIP': {},
          'f:podIPs': { '.': {}, 'k:{"ip":"10.244.1.37"}': { '.': {}, 'f:ip': {} } },
          'f:startTime': {},
        },
      },
      manager: 'kubelet',
      operation: 'Update',
      subresource: 'status',
      time,
    },
  ];
}

/**
 * Returns `n` realistic pods for benchmarks: the fixtures (every pod-health state) cloned round-robin into
 * `namespaces` namespaces with unique names and uids, and with the managedFields a real API server sends.
 */
export function generatePods(n: number, namespaces = 50): Record<string, unknown>[] {
  const templates = fixturePods();
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const pod = structuredClone(templates[i % templates.length]!) as {
      metadata: Record<string, unknown> & { name: string; creationTimestamp: string };
    };
    const m = pod.metadata;
    m.name = `${m.name}-${i.toString(36)}`;
    m.namespace = `team-${i % namespaces}`;
    m.uid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    m.resourceVersion = String(5_000_000 + i);
    m.managedFields = managedFields(m.creationTimestamp);
    out.push(pod);
  }
  return out;
}

/** Reads the items of a `fixtures/cluster/dump/*.json` List (`kubectl get … -A -o json`). */
export function dumpItems<T = { kind: string }>(file: 'pods.json' | 'objects.json' | 'events.json'): T[] {
  const path = new URL(`../../fixtures/cluster/dump/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { items: T[] }).items;
}

/**
 * The fixture dump as {@link FakeKubeOptions.objects}: its pods (or the given ones), its controllers by
 * resource, and its events when asked.
 */
export function dumpObjects(opts: { pods?: unknown[]; events?: boolean } = {}): Record<string, unknown[]> {
  const objects = dumpItems('objects.json');
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return {
    pods: opts.pods ?? dumpItems('pods.json'),
    deployments: of('Deployment'),
    statefulsets: of('StatefulSet'),
    daemonsets: of('DaemonSet'),
    replicasets: of('ReplicaSet'),
    jobs: of('Job'),
    cronjobs: of('CronJob'),
    ...(opts.events ? { events: dumpItems('events.json') } : {}),
  };
}
