/**
 * Corpus repositories as cluster-mode desired state: the identities (kind, namespace, name, container) and
 * images of each chosen entry point equal what `kubectl kustomize` of that entry point gives. An entry point
 * kubectl cannot build offline is skipped visibly.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type DesiredState, scanDesiredState } from '../../src/engine/desired.js';
import { extractFile } from '../../src/manifests/extract.js';
import type { ImageUse } from '../../src/manifests/types.js';

const run = promisify(execFile);
const CORPUS = path.resolve(new URL('../..', import.meta.url).pathname, '../shared/corpus');
const quiet = { debug() {}, info() {}, warning() {} };

const identity = (u: Pick<ImageUse, 'kind' | 'namespace' | 'name' | 'container' | 'raw'>) =>
  `${u.kind} ${u.namespace ?? ''}/${u.name}/${u.container} = ${u.raw}`;

async function desired(repo: string, manifests: string[]): Promise<DesiredState> {
  return scanDesiredState(
    { manifests, exclude: [], maxFileSize: 5_000_000, helmValues: [], clusterName: null },
    path.join(CORPUS, repo),
    quiet,
  );
}

/**
 * The identities `kubectl kustomize` renders for a directory, or the reason it could not build offline. The
 * corpus keeps only manifests: when a configMapGenerator names a missing script, kubectl runs on a copy where
 * that file exists empty (generated ConfigMaps carry no images), said in the result.
 */
async function kubectlIdentities(
  repo: string,
  rel: string,
): Promise<{ ids: string[]; note?: string } | { skip: string }> {
  let root = path.join(CORPUS, repo);
  const stubbed: string[] = [];
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const { stdout } = await run('kubectl', ['kustomize', path.join(root, rel)], {
          timeout: 60_000,
          maxBuffer: 64 << 20,
        });
        const file = { path: 'rendered.yaml', absPath: '/rendered.yaml', size: stdout.length };
        const ids = extractFile(file, stdout)
          .uses.filter((u) => u.container && u.containerType !== 'ephemeralContainer')
          .map(identity)
          .sort();
        return stubbed.length ? { ids, note: `empty stand-ins for ${stubbed.join(', ')}` } : { ids };
      } catch (err: unknown) {
        const missing = /lstat (\S+): no such file or directory/.exec(
          String((err as { stderr?: string }).stderr ?? err),
        );
        const wanted = missing
          ? /evalsymlink failure on '([^']+)'/.exec(String((err as { stderr?: string }).stderr))
          : null;
        if (!wanted) throw err;
        if (root === path.join(CORPUS, repo)) {
          root = mkdtempSync(path.join(tmpdir(), 'corpus-kustomize-'));
          cpSync(path.join(CORPUS, repo), root, { recursive: true });
        }
        const target = wanted[1]!.replace(path.join(CORPUS, repo), root);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, '');
        stubbed.push(path.relative(root, target));
      }
    }
    return { skip: `kubectl kustomize ${rel} needs too many missing files` };
  } catch (err: unknown) {
    return { skip: `kubectl kustomize ${repo}/${rel} does not build offline: ${String(err).split('\n')[0]}` };
  } finally {
    if (root !== path.join(CORPUS, repo)) rmSync(root, { recursive: true, force: true });
  }
}

const CASES: { repo: string; manifests: string[]; entryPoints: string[] }[] = [
  {
    repo: 'stefanprodan__podinfo',
    manifests: ['deploy'],
    entryPoints: ['deploy/overlays/dev', 'deploy/overlays/production', 'deploy/overlays/staging'],
  },
  {
    repo: 'stefanprodan__podinfo',
    manifests: ['kustomize'],
    entryPoints: ['kustomize'],
  },
  {
    repo: 'GoogleCloudPlatform__microservices-demo',
    manifests: ['kustomize'],
    entryPoints: [
      'kustomize',
      'kustomize/tests/memorystore-with-all-components',
      'kustomize/tests/service-mesh-istio-with-all-components',
      'kustomize/tests/spanner-with-all-components',
    ],
  },
  {
    repo: 'fluxcd__flux2-kustomize-helm-example',
    manifests: ['apps', 'infrastructure'],
    entryPoints: ['apps/production', 'apps/staging', 'infrastructure/configs', 'infrastructure/controllers'],
  },
];

describe.skipIf(!existsSync(CORPUS))('corpus repositories as desired state', () => {
  for (const c of CASES) {
    it(`${c.repo} (manifests: ${c.manifests.join(', ')}): entry points and identities equal kubectl kustomize`, async (ctx) => {
      const state = await desired(c.repo, c.manifests);
      const kustomized = state.entryPoints.filter((e) => e.via === 'kustomize');
      // Bases, components and the files they use are ingredients, not entry points.
      expect(kustomized.map((e) => e.path).sort()).toEqual(c.entryPoints);
      const skipped: string[] = [];
      for (const e of kustomized) {
        const expected = await kubectlIdentities(c.repo, e.path);
        if ('skip' in expected) {
          skipped.push(expected.skip);
          continue;
        }
        if (expected.note) console.warn(`${c.repo}/${e.path}: ${expected.note}`);
        expect(e.uses.map(identity).sort(), e.path).toEqual(expected.ids);
      }
      if (skipped.length === kustomized.length && skipped.length > 0) ctx.skip(skipped.join('; '));
      for (const s of skipped) console.warn(`skipped: ${s}`);
    });
  }

  it('flux2-kustomize-helm-example clusters/production: ExternalArtifact sources are said, not followed', async () => {
    const state = await desired('fluxcd__flux2-kustomize-helm-example', ['clusters/production']);
    expect(state.notes.filter((n) => n.includes('ExternalArtifact')).length).toBe(3);
    expect(state.notes[0]).toMatch(
      /deploys \.\/production of ExternalArtifact apps, not of this repository; it is not followed/,
    );
  });
});

describe('render: kustomize', () => {
  it('renders the entry points with kubectl kustomize and keeps the identities and deciding lines', async () => {
    const root = new URL('../../fixtures/gitops/overlays', import.meta.url).pathname;
    const settings = {
      manifests: ['.'],
      exclude: [],
      maxFileSize: 5_000_000,
      helmValues: [],
      clusterName: null,
    };
    const native = await scanDesiredState(settings, root, quiet);
    const viaBinary = await scanDesiredState(
      { ...settings, render: 'kustomize' },
      root,
      quiet,
      process.env.PATH,
    );
    expect(viaBinary.notes).toEqual([]);
    const at = (s: DesiredState) => s.uses.map((u) => `${identity(u)} @${u.file}:${u.line}`).sort();
    expect(at(viaBinary)).toEqual(at(native));
    expect(at(native)).toContain(
      'Deployment shop-prod/web-prod/web = registry.example.com/shop/web:1.0.1 @prod/kustomization.yaml:9',
    );
  });
});
