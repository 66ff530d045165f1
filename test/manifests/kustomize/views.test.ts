import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/manifests/extract.js';
import type { KustomizeView } from '../../../src/manifests/kustomize/build.js';
import { combineWithViews, renderKustomizations } from '../../../src/manifests/kustomize/views.js';
import type { ImageUse, ManifestFile } from '../../../src/manifests/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/kustomize');

function listFiles(dir: string): ManifestFile[] {
  const out: ManifestFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    out.push({ path: path.relative(dir, abs).split(path.sep).join('/'), absPath: abs, size: 0 });
  }
  return out;
}

/** `kind ns/name container → image @ file:line` for readable assertions. */
function brief(u: ImageUse): string {
  return `${u.kind} ${u.namespace ?? '-'}/${u.name} ${u.container} → ${u.raw} @ ${u.file}:${u.line}:${u.column}`;
}

let views: KustomizeView[] = [];
const view = (dir: string): KustomizeView => {
  const v = views.find((x) => x.dir === dir);
  if (!v) throw new Error(`no view ${dir}`);
  return v;
};

beforeAll(async () => {
  ({ views } = await renderKustomizations(root, {
    files: listFiles(root),
    read: (p) => readFile(p, 'utf8'),
    extract: extractFile,
  }));
});

describe('renderKustomizations on fixtures/kustomize', () => {
  it('makes one view per kustomization, none for components, sorted by directory', () => {
    expect(views.map((v) => v.dir)).toEqual([
      'base',
      'overlays/cycle-a',
      'overlays/cycle-b',
      'overlays/patched',
      'overlays/production',
      'overlays/remote',
      'overlays/staging',
    ]);
    expect(views.every((v) => v.uses.every((u) => u.origin === 'kustomize' && u.view === v.dir))).toBe(true);
  });

  it('reports an unchanged base image at the base manifest line', () => {
    expect(view('base').uses.map(brief)).toEqual([
      'Deployment -/web migrate → registry.example.com/team/web:1.0.0 @ base/deployment.yaml:16:18',
      'Deployment -/web app → registry.example.com/team/web:1.0.0 @ base/deployment.yaml:19:18',
      'Deployment -/web proxy → nginx:1.25 @ base/deployment.yaml:21:18',
      'CronJob -/report report → busybox:1.36 @ base/cronjob.yaml:16:22',
    ]);
    expect(view('base').uses.every((u) => u.related === undefined)).toBe(true);
  });

  it('applies newTag, namespace and namePrefix, reporting the newTag line with the base line as related', () => {
    const uses = view('overlays/staging').uses;
    expect(uses.map(brief)).toEqual([
      'Deployment staging/stg-web migrate → registry.example.com/team/web:1.1.0-rc1 @ overlays/staging/kustomization.yaml:9:13',
      'Deployment staging/stg-web app → registry.example.com/team/web:1.1.0-rc1 @ overlays/staging/kustomization.yaml:9:13',
      'Deployment staging/stg-web proxy → nginx:1.25 @ base/deployment.yaml:21:18',
      'CronJob staging/stg-report report → busybox:1.36 @ base/cronjob.yaml:16:22',
    ]);
    expect(uses[0]?.related).toEqual([
      {
        file: 'base/deployment.yaml',
        line: 16,
        column: 18,
        message: 'base manifest sets registry.example.com/team/web:1.0.0',
      },
    ]);
  });

  it('applies nested overlays innermost first: newName + digest on top of the staging tag, and a component', () => {
    const uses = view('overlays/production').uses;
    const digest = 'sha256:3b2f9c6a8e1d4f7a0c5b9e2d8f1a4c7e0b3d6f9a2c5e8b1d4f7a0c3e6b9d2f5a';
    expect(uses.map(brief)).toEqual([
      `Deployment production/stg-web-prod migrate → registry.example.com/team/web-prod@${digest} @ overlays/production/kustomization.yaml:13:13`,
      `Deployment production/stg-web-prod app → registry.example.com/team/web-prod@${digest} @ overlays/production/kustomization.yaml:13:13`,
      'Deployment production/stg-web-prod proxy → nginx:1.27.0 @ overlays/production/kustomization.yaml:15:13',
      'CronJob production/stg-report-prod report → mirror.example.com/library/busybox:1.36.1 @ components/busybox-mirror/kustomization.yaml:6:13',
    ]);
    // The chain of decisions: base line, then the staging newTag line, then (as the primary) the digest line.
    expect(uses[0]?.related?.map((r) => `${r.file}:${r.line}`)).toEqual([
      'base/deployment.yaml:16',
      'overlays/staging/kustomization.yaml:9',
    ]);
    expect(uses[0]?.related?.[1]?.message).toBe(
      'images entry `registry.example.com/team/web` sets newTag 1.1.0-rc1: registry.example.com/team/web:1.0.0 → registry.example.com/team/web:1.1.0-rc1',
    );
  });

  it('follows strategic-merge and JSON 6902 patches that set or delete images', () => {
    expect(view('overlays/patched').uses.map(brief)).toEqual([
      'Deployment -/web app → registry.example.com/team/web:1.0.0 @ base/deployment.yaml:19:18',
      'Deployment -/web proxy → nginx:1.27.1 @ overlays/patched/kustomization.yaml:16:24',
      'CronJob -/report report → busybox:1.37.0 @ overlays/patched/kustomization.yaml:23:16',
    ]);
  });

  it('skips remote bases and components with the reason and still renders the local part', () => {
    const v = view('overlays/remote');
    expect(v.remote).toBe(true);
    expect(v.skipped).toEqual([
      {
        file: 'overlays/remote/kustomization.yaml',
        line: 5,
        reason:
          'remote base https://github.com/example/platform//deploy/base?ref=v1.2.0: kustomize fetches it at build time and this check runs offline; its images are not checked (vendor it into the repository or scan the remote repository itself).',
      },
      {
        file: 'overlays/remote/kustomization.yaml',
        line: 7,
        reason: expect.stringContaining(
          'remote component git::https://gitlab.com/example/components.git//logging?ref=main',
        ),
      },
    ]);
    expect(v.uses.map(brief)).toContain(
      'Deployment -/web proxy → nginx:1.27.0 @ overlays/remote/kustomization.yaml:10:13',
    );
  });

  it('detects cycles and reports them at the reference that closes the loop', () => {
    const v = view('overlays/cycle-a');
    expect(v.uses).toEqual([]);
    expect(v.errors).toEqual([
      {
        file: 'overlays/cycle-b/kustomization.yaml',
        line: 2,
        column: 5,
        message:
          'overlays/cycle-b/kustomization.yaml:2: kustomization cycle: overlays/cycle-a → overlays/cycle-b → overlays/cycle-a; remove one of these references.',
      },
    ]);
  });

  it('combineWithViews keeps each raw line once and adds only the rewritten overlay images', () => {
    const raw = view('base').uses.map((u) => ({ ...u, origin: 'manifest' as const, view: undefined }));
    const all = combineWithViews(raw, views);
    expect(all.length).toBe(raw.length + 9);
    const atBaseLine19 = all.filter((u) => u.file === 'base/deployment.yaml' && u.line === 19);
    expect(atBaseLine19).toHaveLength(1);
    expect(atBaseLine19[0]?.origin).toBe('manifest');
  });
});

describe('renderKustomizations edge cases (in-memory files)', () => {
  const mem = (files: Record<string, string>) => ({
    files: Object.keys(files).map((p) => ({ path: p, absPath: `/repo/${p}`, size: 0 })),
    read: async (abs: string) => {
      const text = files[abs.replace('/repo/', '')];
      if (text === undefined) throw new Error(`ENOENT ${abs}`);
      return text;
    },
    extract: extractFile,
  });
  const pod = (name: string, image: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;

  it('applies images entries in order, so a later entry sees the earlier result', async () => {
    const { views: vs } = await renderKustomizations(
      '/repo',
      mem({
        'kustomization.yaml':
          'resources: [pod.yaml]\nimages:\n- name: a\n  newName: b\n- name: b\n  newTag: "2"\n',
        'pod.yaml': pod('p', 'a:1'),
      }),
    );
    expect(vs[0]?.uses.map((u) => `${u.raw} @${u.line}`)).toEqual(['b:2 @6']);
  });

  it('matches a patchesJson6902 labelSelector against labels added by commonLabels in the same kustomization', async () => {
    const { views: vs } = await renderKustomizations(
      '/repo',
      mem({
        'kustomization.yaml': [
          'resources: [pod.yaml]',
          'commonLabels:',
          '  team: web',
          'patchesJson6902:',
          '- target: {version: v1, kind: Pod, name: p, labelSelector: team=web}',
          '  path: p.yaml',
          'patchesStrategicMerge:',
          '- |-',
          '  apiVersion: v1',
          '  kind: Pod',
          '  metadata: {name: p}',
          '  spec:',
          '    containers:',
          '    - {name: c, image: "a:2"}',
          '',
        ].join('\n'),
        'p.yaml': '- op: replace\n  path: /spec/containers/0/image\n  value: a:3\n',
        'pod.yaml': pod('p', 'a:1'),
      }),
    );
    // The strategic-merge patch (a:2) runs first, the JSON patch (a:3) after the labels are applied.
    expect(vs[0]?.uses.map((u) => `${u.raw} @${u.file}:${u.line}`)).toEqual(['a:3 @p.yaml:3']);
    expect(vs[0]?.uses[0]?.related?.map((r) => `${r.file}:${r.line}`)).toEqual([
      'pod.yaml:8',
      'kustomization.yaml:14',
    ]);
  });

  it('does not apply a patch whose labelSelector does not match', async () => {
    const { views: vs } = await renderKustomizations(
      '/repo',
      mem({
        'kustomization.yaml':
          'resources: [pod.yaml]\ncommonLabels: {team: web}\npatchesJson6902:\n- target: {version: v1, kind: Pod, name: p, labelSelector: team=other}\n  path: p.yaml\n',
        'p.yaml': '- op: replace\n  path: /spec/containers/0/image\n  value: a:3\n',
        'pod.yaml': pod('p', 'a:1'),
      }),
    );
    expect(vs[0]?.uses.map((u) => u.raw)).toEqual(['a:1']);
  });

  it('reads newTag written as a YAML number as the text written (1.10 stays 1.10)', async () => {
    const { views: vs } = await renderKustomizations(
      '/repo',
      mem({
        'kustomization.yml': 'resources: [pod.yaml]\nimages:\n- name: a\n  newTag: 1.10\n',
        'pod.yaml': pod('p', 'a:1'),
      }),
    );
    expect(vs[0]?.uses[0]?.raw).toBe('a:1.10');
  });

  it('applies a builtin ImageTagTransformer from transformers: and notes transformers it cannot run', async () => {
    const { views: vs } = await renderKustomizations(
      '/repo',
      mem({
        'kustomization.yaml': 'resources: [pod.yaml]\ntransformers: [t.yaml]\n',
        't.yaml':
          'apiVersion: builtin\nkind: ImageTagTransformer\nmetadata:\n  name: x\nimageTag:\n  name: a\n  digest: sha256:1234\n---\napiVersion: example.com/v1\nkind: MyTransformer\n',
        'pod.yaml': pod('p', 'a:1'),
      }),
    );
    expect(vs[0]?.uses.map((u) => `${u.raw} @${u.file}:${u.line}`)).toEqual(['a@sha256:1234 @t.yaml:7']);
    expect(vs[0]?.skipped.map((s) => s.reason)).toEqual([
      'transformer MyTransformer in t.yaml is not evaluated natively and may change images or names; use render: kustomize for an exact result.',
    ]);
  });

  it('reports a missing resource and a directory without kustomization file', async () => {
    const { views: vs } = await renderKustomizations(
      '/repo',
      mem({
        'kustomization.yaml': 'resources:\n- missing.yaml\n',
      }),
    );
    expect(vs[0]?.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '2:3 kustomization.yaml:2: resources entry missing.yaml is neither a file nor a kustomization directory; fix the path.',
    ]);
  });

  it('never reads outside the repository root', async () => {
    const reads: string[] = [];
    const m = mem({
      'kustomization.yaml': 'resources:\n- ../../etc/passwd\ncomponents:\n- /opt/component\n',
    });
    const { views: vs } = await renderKustomizations('/repo', {
      ...m,
      read: async (abs: string) => {
        reads.push(abs);
        return m.read(abs);
      },
    });
    expect(vs[0]?.errors.map((e) => e.message)).toEqual([
      'kustomization.yaml:2: resources entry ../../etc/passwd points outside the repository; it is not read (the scan only reads the checked-out repository).',
      'kustomization.yaml:4: components entry /opt/component points outside the repository; it is not read (the scan only reads the checked-out repository).',
    ]);
    expect(reads.every((r) => r.startsWith('/repo/'))).toBe(true);
  });

  it('ignores a Flux Kustomization object saved as kustomization.yaml', async () => {
    const { views: vs } = await renderKustomizations(
      '/repo',
      mem({
        'kustomization.yaml':
          'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  path: ./apps\n',
      }),
    );
    expect(vs).toEqual([]);
  });

  it('leaves ephemeral containers and CustomResourceDefinitions alone, as the images transformer does', async () => {
    const { views: vs } = await renderKustomizations(
      '/repo',
      mem({
        'kustomization.yaml': 'resources: [pod.yaml]\nimages:\n- name: a\n  newTag: "9"\n',
        'pod.yaml':
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: a:1\n  ephemeralContainers:\n  - name: dbg\n    image: a:1\n',
      }),
    );
    expect(vs[0]?.uses.map((u) => `${u.containerType} ${u.raw}`)).toEqual([
      'container a:9',
      'ephemeralContainer a:1',
    ]);
  });
});
