/**
 * CPU time of one run of the bundled action (`dist/action/index.js`) on a small clean repository: how
 * much a PR job pays for starting the action when there is nothing to report. Target: < 0.5 s CPU
 * (user + system) per run.
 *
 * Run: node_modules/.bin/node bench/action-start.ts [runs] [bundle]   (Node 24 strips the types itself)
 *
 * The run is offline (no registry requests) and has no GitHub context, so it measures start-up, config,
 * discovery, parsing, rendering and the job summary/outputs. CPU time comes from `/usr/bin/time -f "%U %S"`
 * (user and system seconds of the child, including its worker threads).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 10);
const bundle = process.argv[3] ?? new URL('../dist/action/index.js', import.meta.url).pathname;
if (!existsSync(bundle)) {
  console.error(`${bundle} does not exist: run "npm run build" first.`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'k8s-image-check-bench-'));
const repo = join(dir, 'repo');
mkdirSync(join(repo, 'deploy'), { recursive: true });
for (let i = 0; i < 8; i++) {
  writeFileSync(
    join(repo, 'deploy', `svc-${i}.yaml`),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: shop
spec:
  selector:
    matchLabels: { app: svc-${i} }
  template:
    metadata:
      labels: { app: svc-${i} }
    spec:
      containers:
        - name: app
          image: ghcr.io/acme-shop/svc-${i}:1.${i}.0
---
apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
spec:
  selector: { app: svc-${i} }
  ports: [{ port: 80, targetPort: 8080 }]
`,
  );
}
writeFileSync(join(dir, 'summary.md'), '');
writeFileSync(join(dir, 'output.txt'), '');

const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: dir,
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: repo,
  GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
  GITHUB_OUTPUT: join(dir, 'output.txt'),
  INPUT_OFFLINE: 'true',
  'INPUT_FAIL-ON': 'error',
};

const samples: number[] = [];
for (let i = 0; i < runs; i++) {
  // /usr/bin/time writes its line to stderr after the child's own stderr; the action's stdout is discarded.
  const res = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, bundle], {
    cwd: repo,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const m = /CPU (\d+\.\d+) (\d+\.\d+)\s*$/.exec(res.stderr);
  if (res.status !== 0 || !m) {
    console.error(`run ${i + 1} failed (exit ${res.status}): ${res.stderr.slice(-2000)}`);
    process.exit(1);
  }
  samples.push(Number(m[1]) + Number(m[2]));
}
rmSync(dir, { recursive: true, force: true });

samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)]!;
const fmt = (n: number) => `${n.toFixed(2)} s`;
console.log(
  `dist/action/index.js on 8 clean manifests, ${runs} runs: CPU (user+sys) min ${fmt(samples[0]!)}, median ${fmt(median)}, max ${fmt(samples.at(-1)!)} (target < 0.50 s)`,
);
