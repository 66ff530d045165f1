import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/manifests/extract.js';
import { execCommand, findKustomizeBinary } from '../../../src/manifests/kustomize/binary.js';
import { renderKustomizationDir } from '../../../src/manifests/kustomize/views.js';

/**
 * Differential test of the `images:` transformer: seeded random bases and overlay chains, rendered natively
 * and by kustomize itself, must give the same images. Covers registry ports, tags, digests, tag+digest,
 * `newName`/`newTag`/`digest`/`tagSuffix` combinations and entries that see earlier entries' output.
 */

const binary = await findKustomizeBinary(process.env.PATH);
const SCENARIOS = 60;

/** mulberry32: a small deterministic PRNG so every run tests the same cases. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
const DIGEST_B = `sha256:${'b2'.repeat(32)}`;
const NAMES = [
  'nginx',
  'library/nginx',
  'localhost:5000/team/app',
  'ghcr.io/org/app',
  'registry.example.com:8443/x/y',
  'app',
];
const TAGS = ['', '1.0', 'v2.3.4-rc1', 'latest'];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function randomImage(rand: () => number): string {
  const name = pick(rand, NAMES);
  const tag = pick(rand, TAGS);
  const digest = rand() < 0.25 ? pick(rand, [DIGEST_A, DIGEST_B]) : '';
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

function randomEntry(rand: () => number): string {
  const lines = [`- name: ${pick(rand, NAMES)}`];
  if (rand() < 0.4)
    lines.push(
      `  newName: ${pick(rand, ['mirror.example.com/nginx', 'ghcr.io/org/app', 'app', 'localhost:5000/other'])}`,
    );
  if (rand() < 0.5) lines.push(`  newTag: "${pick(rand, ['2.0', 'v9', 'stable', '1.10'])}"`);
  if (rand() < 0.3) lines.push(`  digest: ${pick(rand, [DIGEST_A, DIGEST_B])}`);
  if (rand() < 0.2) lines.push(`  tagSuffix: "${pick(rand, ['-debug', '.1'])}"`);
  return lines.join('\n');
}

/** A workload of a random kind: pod specs at `spec`, `spec.template.spec` and `spec.jobTemplate…` differ. */
function workload(rand: () => number, images: string[]): string {
  const [first, ...rest] = images;
  const containers = (indent: string) =>
    [
      `${indent}initContainers:\n${indent}  - name: init\n${indent}    image: ${first}`,
      `${indent}containers:`,
      ...rest.map((img, i) => `${indent}  - name: c${i}\n${indent}    image: ${img}`),
    ].join('\n');
  switch (pick(rand, ['Deployment', 'CronJob', 'Pod'] as const)) {
    case 'Pod':
      return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n${containers('  ')}\n`;
    case 'CronJob':
      return `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: w\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${containers('          ')}\n`;
    default:
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${containers('      ')}\n`;
  }
}

let tmp = '';

describe.skipIf(!binary)(
  `images: transformer matches ${binary?.label ?? 'kustomize (not on PATH: skipped)'}`,
  () => {
    beforeAll(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'kic-images-diff-'));
    });
    afterAll(async () => {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    it(`agrees on ${SCENARIOS} seeded random overlay chains`, async () => {
      if (!binary) return;
      const disagreements: string[] = [];
      let changed = 0;
      for (let s = 0; s < SCENARIOS; s++) {
        const rand = prng(1000 + s);
        const dir = path.join(tmp, `s${s}`);
        const images = [randomImage(rand), randomImage(rand), randomImage(rand)];
        await mkdir(path.join(dir, 'base'), { recursive: true });
        await writeFile(path.join(dir, 'base', 'deploy.yaml'), workload(rand, images));
        await writeFile(path.join(dir, 'base', 'kustomization.yaml'), 'resources:\n- deploy.yaml\n');
        let previous = 'base';
        const depth = 1 + Math.floor(rand() * 3);
        for (let level = 1; level <= depth; level++) {
          const entries = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomEntry(rand));
          await mkdir(path.join(dir, `o${level}`), { recursive: true });
          await writeFile(
            path.join(dir, `o${level}`, 'kustomization.yaml'),
            `resources:\n- ../${previous}\nimages:\n${entries.join('\n')}\n`,
          );
          previous = `o${level}`;
        }
        const top = path.join(dir, previous);
        const result = await execCommand(binary.command, [...binary.args, top]);
        expect(result.stderr).toBe('');
        const expected = extractFile({ path: 'out', absPath: top, size: 0 }, result.stdout).uses.map(
          (u) => `${u.container} ${u.raw}`,
        );
        expected.sort(); // kustomize prints fields sorted (containers before initContainers)
        const native = await renderKustomizationDir(dir, top, {
          files: [],
          read: (p) => readFile(p, 'utf8'),
          extract: extractFile,
        });
        const actual = native.uses.map((u) => `${u.container} ${u.raw}`).sort();
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          disagreements.push(
            `scenario ${s}: images ${images.join(', ')}\n  kustomize: ${expected.join(', ')}\n  native:    ${actual.join(', ')}`,
          );
        }
        if (native.uses.some((u) => u.origin === 'kustomize' && u.related)) changed++;
      }
      expect(disagreements).toEqual([]);
      // The generator must exercise the transformer, not only produce non-matching entries.
      expect(changed).toBeGreaterThan(SCENARIOS / 2);
    });
  },
);
