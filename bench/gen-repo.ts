/**
 * Generates a synthetic repository of Kubernetes manifests for benchmarks: a realistic mix of
 * Deployments, Services, ConfigMaps, CronJobs, StatefulSets and `kind: List` files, multi-document
 * YAML plus some JSON, spread over nested directories. Deterministic for a given seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Shape of the generated repository. */
export interface GenOptions {
  /** Number of manifest files. */
  files: number;
  /** Documents per YAML file (JSON files hold one object). */
  docsPerFile: number;
  seed?: number;
}

/** What was generated. */
export interface GenResult {
  files: number;
  documents: number;
  bytes: number;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGISTRIES = [
  '',
  'ghcr.io/acme/',
  'registry.example.com:5000/team/',
  'quay.io/org/',
  'docker.io/library/',
];
const TAGS = ['1.2.3', 'v2.0.1', 'latest', '2024.06.01', '1.0.0-dirty', 'main', 'sha-3f2a1b'];

function image(r: () => number, name: string): string {
  const reg = REGISTRIES[Math.floor(r() * REGISTRIES.length)] ?? '';
  const tag = TAGS[Math.floor(r() * TAGS.length)] ?? 'latest';
  return `${reg}${name}:${tag}`;
}

function container(r: () => number, name: string, indent: string): string {
  return `${indent}- name: ${name}
${indent}  image: ${image(r, name)}
${indent}  imagePullPolicy: IfNotPresent
${indent}  ports:
${indent}    - containerPort: ${8000 + Math.floor(r() * 1000)}
${indent}      name: http
${indent}  env:
${indent}    - name: LOG_LEVEL
${indent}      value: info
${indent}    - name: POD_NAME
${indent}      valueFrom:
${indent}        fieldRef:
${indent}          fieldPath: metadata.name
${indent}  resources:
${indent}    requests: {cpu: 100m, memory: 128Mi}
${indent}    limits: {cpu: "1", memory: 512Mi}
${indent}  readinessProbe:
${indent}    httpGet: {path: /healthz, port: http}
${indent}    periodSeconds: 10
${indent}  volumeMounts:
${indent}    - name: config
${indent}      mountPath: /etc/${name}
`;
}

function metadata(name: string, ns: string, indent = ''): string {
  return `${indent}metadata:
${indent}  name: ${name}
${indent}  namespace: ${ns}
${indent}  labels:
${indent}    app.kubernetes.io/name: ${name}
${indent}    app.kubernetes.io/part-of: shop
${indent}  annotations:
${indent}    example.com/owner: "team-${name.length}"
`;
}

function deployment(r: () => number, name: string, ns: string, kind = 'Deployment'): string {
  const sidecar = r() < 0.3 ? container(r, `${name}-proxy`, '        ') : '';
  return `apiVersion: apps/v1
kind: ${kind}
${metadata(name, ns)}spec:
  replicas: ${1 + Math.floor(r() * 5)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      serviceAccountName: ${name}
      initContainers:
        - name: migrate
          image: ${image(r, `${name}-migrate`)}
          command: ["/bin/migrate", "--up"]
      containers:
${container(r, name, '        ')}${sidecar}      volumes:
        - name: config
          configMap:
            name: ${name}-config
`;
}

function service(name: string, ns: string): string {
  return `apiVersion: v1
kind: Service
${metadata(name, ns)}spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
`;
}

function configMap(name: string, ns: string): string {
  return `apiVersion: v1
kind: ConfigMap
${metadata(`${name}-config`, ns)}data:
  LOG_FORMAT: json
  FEATURE_FLAGS: "a,b,c"
  config.yaml: |
    server:
      port: 8080
      image: not-a-container/image:1.0
    cache:
      ttl: 30s
`;
}

function cronJob(r: () => number, name: string, ns: string): string {
  return `apiVersion: batch/v1
kind: CronJob
${metadata(`${name}-cleanup`, ns)}spec:
  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: ${image(r, `${name}-cleanup`)}
              args: ["--older-than", "7d"]
`;
}

function list(r: () => number, name: string, ns: string): string {
  const indent = (text: string, pad: string): string =>
    text
      .split('\n')
      .map((l, i) => (l === '' ? l : i === 0 ? `${pad.slice(0, -2)}- ${l}` : `${pad}${l}`))
      .join('\n');
  return `apiVersion: v1
kind: List
items:
${indent(deployment(r, `${name}-a`, ns), '    ')}
${indent(service(`${name}-a`, ns), '    ')}
`;
}

function jsonPod(r: () => number, name: string, ns: string): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: { containers: [{ name, image: image(r, name), ports: [{ containerPort: 8080 }] }] },
  };
  return `${JSON.stringify(pod, null, '\t')}\n`;
}

/** Writes the repository under `root` (which must exist) and returns its size. */
export async function generateRepo(root: string, options: GenOptions): Promise<GenResult> {
  const r = prng(options.seed ?? 42);
  let documents = 0;
  let bytes = 0;
  const writes: Array<Promise<void>> = [];
  for (let i = 0; i < options.files; i++) {
    const dir = path.join(
      root,
      `team-${i % 20}`,
      `svc-${Math.floor(i / 20) % 50}`,
      i % 3 === 0 ? 'overlays' : 'base',
    );
    const ns = `ns-${i % 20}`;
    let text: string;
    let name: string;
    if (i % 50 === 49) {
      name = `pod-${i}.json`;
      text = jsonPod(r, `pod-${i}`, ns);
      documents += 1;
    } else {
      name = `manifests-${i}.yaml`;
      const docs: string[] = [];
      for (let d = 0; d < options.docsPerFile; d++) {
        const app = `app-${i}-${d}`;
        const pick = r();
        if (pick < 0.35) docs.push(deployment(r, app, ns));
        else if (pick < 0.6) docs.push(service(app, ns));
        else if (pick < 0.8) docs.push(configMap(app, ns));
        else if (pick < 0.9) docs.push(cronJob(r, app, ns));
        else if (pick < 0.95) docs.push(deployment(r, app, ns, 'StatefulSet'));
        else docs.push(list(r, app, ns));
      }
      documents += docs.length;
      text = docs.join('---\n');
    }
    bytes += Buffer.byteLength(text);
    writes.push(mkdir(dir, { recursive: true }).then(() => writeFile(path.join(dir, name), text)));
    if (writes.length >= 64) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  return { files: options.files, documents, bytes };
}
