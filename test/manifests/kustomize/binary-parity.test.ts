import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isSeq, parseAllDocuments } from 'yaml';
import { extractFile } from '../../../src/manifests/extract.js';
import { execCommand, findKustomizeBinary, firstErrorLine } from '../../../src/manifests/kustomize/binary.js';
import { renderKustomizationDir } from '../../../src/manifests/kustomize/views.js';
import type { ImageUse } from '../../../src/manifests/types.js';

/**
 * The native renderer must give the same image list as kustomize itself for every kustomization directory
 * of the shared corpus (and of our fixtures) that kustomize builds offline.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../../shared/corpus');
const fixtures = path.resolve(here, '../../../fixtures/kustomize');
const binary = await findKustomizeBinary(process.env.PATH);
const extract = extractFile;

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

function kustomizationDirs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (KUSTOMIZATION_NAMES.has(entry.name)) out.push(d);
    }
  };
  walk(dir);
  return [...new Set(out)].sort();
}

/** (kind, namespace, name, containerType, container) → image, sorted, as comparable lines. */
function imageList(uses: ImageUse[]): string[] {
  return uses
    .map(
      (u) =>
        `${u.kind} ${u.namespace ?? '-'}/${u.name ?? '-'} ${u.containerType} ${u.container ?? '-'} → ${u.raw}`,
    )
    .sort();
}

/** Creates empty files for missing configMapGenerator/secretGenerator inputs (they never carry images). */
function stubGeneratorInputs(dir: string): Promise<void>[] {
  const writes: Promise<void>[] = [];
  for (const name of KUSTOMIZATION_NAMES) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const root = doc.contents;
      if (!isMap(root)) continue;
      for (const field of ['configMapGenerator', 'secretGenerator']) {
        const gens = root.get(field);
        if (!isSeq(gens)) continue;
        for (const gen of gens.items) {
          if (!isMap(gen)) continue;
          for (const key of ['files', 'envs']) {
            const list = gen.get(key);
            if (!isSeq(list)) continue;
            for (const item of list.items) {
              const value = String((item as { value?: unknown }).value ?? '');
              const rel = value.includes('=') ? value.slice(value.indexOf('=') + 1) : value;
              const target = path.resolve(dir, rel);
              if (!existsSync(target)) {
                writes.push(
                  mkdir(path.dirname(target), { recursive: true }).then(() => writeFile(target, '')),
                );
              }
            }
          }
        }
      }
    }
  }
  return writes;
}

const trees = [
  {
    name: 'corpus',
    root: corpus,
    repos: existsSync(corpus)
      ? readdirSync(corpus).filter((d) => statSync(path.join(corpus, d)).isDirectory())
      : [],
  },
  { name: 'fixtures', root: path.dirname(fixtures), repos: ['kustomize'] },
];

const compared: string[] = [];
const skipped: string[] = [];
let tmp = '';

describe.skipIf(!binary)(
  `native kustomize rendering equals ${binary?.label ?? 'kustomize (not on PATH)'}`,
  () => {
    beforeAll(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'kic-kustomize-parity-'));
    });
    afterAll(async () => {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    for (const tree of trees) {
      describe.skipIf(tree.repos.length === 0)(`${tree.name} (${tree.root})`, () => {
        for (const repo of tree.repos) {
          const repoDir = path.join(tree.root, repo);
          for (const dir of kustomizationDirs(repoDir)) {
            const rel = path.relative(tree.root, dir);
            it(rel, async (ctx) => {
              if (!binary) return;
              const native = await renderKustomizationDir(repoDir, dir, {
                files: [],
                read: (p) => readFile(p, 'utf8'),
                extract,
              });
              if (native.remote) {
                skipped.push(`${rel}: remote base`);
                ctx.skip(
                  `${rel} has a remote base or a reference missing locally; kustomize would fetch it over the network, so it is not built here`,
                );
                return;
              }
              // kustomize runs on a copy whose missing generator inputs are empty files; the native renderer
              // reads the original tree (it never needs generator inputs).
              const copyRoot = path.join(tmp, tree.name, repo);
              if (!existsSync(copyRoot)) {
                await cp(repoDir, copyRoot, { recursive: true });
                await Promise.all(kustomizationDirs(copyRoot).flatMap((d) => stubGeneratorInputs(d)));
              }
              const copyDir = path.join(copyRoot, path.relative(repoDir, dir));
              const result = await execCommand(binary.command, [...binary.args, copyDir]);
              if (result.code !== 0) {
                const reason = firstErrorLine(result.stderr).replace(
                  /^E\d+ [\d:.]+\s+\d+ \S+\] "command failed" /,
                  '',
                );
                skipped.push(`${rel}: ${reason}`);
                ctx.skip(`${binary.label} cannot build ${rel} offline: ${reason.slice(0, 240)}`);
                return;
              }
              const rendered = extract(
                { path: `${rel}/(rendered)`, absPath: dir, size: 0 },
                result.stdout,
              ).uses;
              expect(imageList(native.uses)).toEqual(imageList(rendered));
              compared.push(rel);
            });
          }
        }
      });
    }

    it('compares enough directories to mean something', () => {
      if (!existsSync(corpus)) return;
      // 32 corpus directories build offline with kubectl v1.32 (kustomize v5.5); the fixtures add 5.
      expect(compared.length).toBeGreaterThanOrEqual(37);
      expect(compared).toContain(path.join('stefanprodan__podinfo', 'deploy', 'overlays', 'production'));
      expect(compared).toContain(
        path.join(
          'GoogleCloudPlatform__microservices-demo',
          'kustomize',
          'tests',
          'memorystore-with-all-components',
        ),
      );
      expect(compared).toContain(path.join('kustomize', 'overlays', 'production'));
    });
  },
);
