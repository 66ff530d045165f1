import { describe, expect, it } from 'vitest';
import { readGitOpsObjects, repoPath, sameRepo } from '../../src/manifests/gitops/objects.js';

const flux = (path: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;

describe('GitOps paths are hostile input', () => {
  it('refuses spec.path escapes with a problem naming the file and line, and follows nothing', () => {
    for (const p of ['../outside', './apps/../../etc', '/../../etc']) {
      const r = readGitOpsObjects('clusters/prod/apps.yaml', flux(p));
      expect(r.deployments).toEqual([]);
      expect(r.problems).toEqual([
        expect.objectContaining({
          file: 'clusters/prod/apps.yaml',
          line: 7,
          message: expect.stringContaining('leaves the repository root; it is not followed'),
        }),
      ]);
    }
  });

  it('keeps in-repository paths relative to the repository root (a leading / is the root)', () => {
    expect(repoPath('./apps/prod/')).toBe('apps/prod');
    expect(repoPath('/apps')).toBe('apps');
    expect(repoPath('./')).toBe('.');
    expect(repoPath('apps/../base')).toBe('base');
    expect(repoPath('..')).toBeNull();
    expect(repoPath('a\0b')).toBeNull();
  });

  it('refuses Argo CD valueFiles that leave the repository', () => {
    const app = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    repoURL: https://github.com/x/y\n    path: charts/a\n    helm:\n      valueFiles:\n        - ../../../../etc/passwd\n        - values-prod.yaml\n  destination:\n    name: prod\n`;
    const r = readGitOpsObjects('argocd/a.yaml', app);
    expect(r.deployments[0]?.helm?.valueFiles).toEqual(['charts/a/values-prod.yaml']);
    expect(r.problems[0]?.message).toContain(
      'helm.valueFiles entry "../../../../etc/passwd" leaves the repository root',
    );
  });

  it('does not follow an Application of another repository when the repository URL is known', () => {
    const app = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    repoURL: https://github.com/other/repo.git\n    path: deploy\n`;
    const r = readGitOpsObjects('argocd/a.yaml', app, ['git@github.com:me/fleet.git']);
    expect(r.deployments).toEqual([]);
    expect(r.notes[0]).toContain('another repository; it is not followed');
    expect(sameRepo('git@github.com:me/fleet.git', 'https://github.com/me/fleet')).toBe(true);
  });
});

describe('Flux HelmRelease of a chart in this repository', () => {
  it('deploys the chart with spec.values as the release, at the values line', async () => {
    const { scanDesiredState } = await import('../../src/engine/desired.js');
    const root = new URL('../../fixtures/gitops/flux-helm', import.meta.url).pathname;
    const quiet = { debug() {}, info() {}, warning() {} };
    const state = await scanDesiredState(
      {
        manifests: ['clusters/prod'],
        exclude: [],
        maxFileSize: 5_000_000,
        helmValues: [],
        clusterName: null,
      },
      root,
      quiet,
    );
    expect(state.entryPoints.map((e) => `${e.via} ${e.path} ${e.object?.id}`)).toEqual([
      'flux charts/app Flux HelmRelease shop/app',
    ]);
    expect(
      state.uses.map(
        (u) => `${u.kind} ${u.namespace}/${u.name}/${u.container} ${u.raw} @${u.file}:${u.line}`,
      ),
    ).toEqual(['StatefulSet shop/app/redis registry.example.com/shop/app:1.0.3 @clusters/prod/app.yaml:17']);
  });
});

describe('hostile text in GitOps objects', () => {
  it('keeps notes and problems on one line', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { scanDesiredState } = await import('../../src/engine/desired.js');
    const root = mkdtempSync(join(tmpdir(), 'gitops-hostile-'));
    try {
      mkdirSync(join(root, 'clusters'));
      writeFileSync(
        join(root, 'clusters', 'apps.yaml'),
        flux('"../x\\n::error::pwned"').replace(
          'kind: GitRepository',
          'kind: "OCIRepository\\n::warning::x"',
        ),
      );
      writeFileSync(join(root, 'clusters', 'up.yaml'), flux('"../\\n::stop-commands::t"'));
      const warnings: string[] = [];
      const state = await scanDesiredState(
        { manifests: ['clusters'], exclude: [], maxFileSize: 5_000_000, helmValues: [], clusterName: null },
        root,
        { debug() {}, info() {}, warning: (m: string) => warnings.push(m) },
      );
      expect(warnings.length + state.errors.length).toBeGreaterThan(0);
      for (const text of [...warnings, ...state.errors.map((e) => e.message)])
        expect(text).not.toMatch(/[\r\n]/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a GitOps path the repository does not have', () => {
  it('is one problem naming the object, and the rest of the run goes on', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { scanDesiredState } = await import('../../src/engine/desired.js');
    const root = mkdtempSync(join(tmpdir(), 'gitops-missing-'));
    try {
      mkdirSync(join(root, 'clusters'));
      mkdirSync(join(root, 'apps'));
      writeFileSync(join(root, 'clusters', 'a.yaml'), `${flux('./nowhere')}---\n${flux('./apps')}`);
      writeFileSync(
        join(root, 'apps', 'web.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n',
      );
      const state = await scanDesiredState(
        { manifests: ['clusters'], exclude: [], maxFileSize: 5_000_000, helmValues: [], clusterName: null },
        root,
        { debug() {}, info() {}, warning() {} },
      );
      expect(state.errors.map((e) => e.message)).toEqual([
        'clusters/a.yaml:1: Flux Kustomization flux-system/apps deploys nowhere, which is not in this repository; fix the path, or leave that object out of manifests.',
      ]);
      expect(state.uses.map((u) => `${u.name}/${u.container} ${u.raw}`)).toEqual(['web/web nginx:1.27']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('repository URL of the action', () => {
  it('comes from GITHUB_SERVER_URL and GITHUB_REPOSITORY', async () => {
    const { repositoryUrls } = await import('../../src/action-cluster.js');
    expect(repositoryUrls({ GITHUB_REPOSITORY: 'me/fleet' })).toEqual(['https://github.com/me/fleet']);
    expect(
      repositoryUrls({ GITHUB_REPOSITORY: 'me/fleet', GITHUB_SERVER_URL: 'https://ghe.example.com' }),
    ).toEqual(['https://ghe.example.com/me/fleet']);
    expect(repositoryUrls({})).toEqual([]);
    expect(sameRepo('https://ghe.example.com/me/fleet', 'git@ghe.example.com:me/fleet.git')).toBe(true);
  });
});
