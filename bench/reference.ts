/**
 * Micro-benchmark of the reference parser: parses/second over a realistic mix of references.
 *
 * Run: node_modules/.bin/node bench/reference.ts [iterations]   (Node 24 strips the types itself)
 */
import type * as ReferenceModule from '../src/image/reference.js';

// Node's type stripping does not rewrite `.js` to `.ts`, so load the source file by its real name.
const { checkKey, parseReference } = (await import(
  new URL('../src/image/reference.ts', import.meta.url).href
)) as typeof ReferenceModule;

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SAMPLES = [
  'nginx',
  'nginx:1.25.3-alpine',
  'docker.io/library/redis:7',
  'registry.k8s.io/pause:3.9',
  'ghcr.io/org/team/app:v1.2.3-dirty',
  `quay.io/prometheus/node-exporter:v1.7.0@${DIGEST}`,
  `gcr.io/distroless/static@${DIGEST}`,
  'localhost:5000/app:dev',
  '[::1]:5000/app:main',
  '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/service:2024.06.01-abcdef',
  'Foo/Bar:1',
  '{{ .Values.image }}',
  'invalid..name/app',
];

const iterations = Number(process.argv[2] ?? 1_000_000);
let sink = 0;
const run = (n: number): void => {
  for (let i = 0; i < n; i++) {
    const result = parseReference(SAMPLES[i % SAMPLES.length]!);
    if (result.ok) sink += checkKey(result.ref).length;
    else sink += result.error.length;
  }
};

run(50_000); // warm up the JIT
const start = process.hrtime.bigint();
run(iterations);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(
  `parseReference + checkKey: ${iterations.toLocaleString('en-US')} parses in ${seconds.toFixed(3)} s = ` +
    `${Math.round(iterations / seconds).toLocaleString('en-US')} parses/s ` +
    `(${((seconds / iterations) * 1e9).toFixed(0)} ns each; ${SAMPLES.length} samples, checksum ${sink})`,
);
