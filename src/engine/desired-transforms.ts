/**
 * What a GitOps object changes on top of the path it deploys: Flux `targetNamespace`, `patches`, `images`,
 * `postBuild.substitute`; Argo CD `kustomize.namespace`/`destination.namespace`, `kustomize.images`, and helm
 * values (`valueFiles`, `values`, `valuesObject`, `parameters`) for a chart of this repository.
 */
import path from 'node:path';
import type { GitOpsDeployment } from '../manifests/gitops/objects.js';
import { findCharts } from '../manifests/helm/chart.js';
import { scanHelmCharts } from '../manifests/helm/scan.js';
import type { PatchTarget } from '../manifests/kustomize/kustomization.js';
import {
  applyPatchDoc,
  matchesPatchIdentity,
  matchesTarget,
  parsePatch,
} from '../manifests/kustomize/patches.js';
import { applyImages, applyNamespace, type RenderedResource } from '../manifests/kustomize/resources.js';
import type { ImageUse, ManifestFile, ParseProblem } from '../manifests/types.js';

/** Applies a GitOps object's transforms in the order its controller does (kustomize first, then postBuild). */
export function applyDeploymentTransforms(
  resources: RenderedResource[],
  d: GitOpsDeployment,
  state: { errors: ParseProblem[] },
): void {
  if (d.namespace) {
    // Flux targetNamespace and Argo CD kustomize.namespace override; destination.namespace only fills in.
    if (d.namespaceFillOnly) for (const r of resources) r.namespace ??= d.namespace.value;
    else applyNamespace(resources, d.namespace.value);
  }
  applyPatches(resources, d);
  applyImages(resources, d.images, d.file);
  if (d.substitute.size > 0 || d.tool === 'flux') substitute(resources, d, state);
}

function applyPatches(resources: RenderedResource[], d: GitOpsDeployment): void {
  for (const patch of d.patches) {
    const where = (p: { line: number; column: number }) =>
      patch.block
        ? { line: patch.start.line + p.line - 1, column: patch.start.column + p.column - 1 }
        : { line: patch.line, column: patch.column };
    for (const doc of parsePatch(patch.text)) {
      const targets = resources.filter((r) =>
        patch.target
          ? matchesTarget(r, patch.target as PatchTarget)
          : doc.type === 'strategic-merge' && matchesPatchIdentity(r, doc),
      );
      for (const r of targets) applyPatchDoc(r, doc, d.file, where);
    }
  }
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}/g;

/** Flux `postBuild.substitute`: `${var}` and `${var:=default}` in names, namespaces and images. */
function substitute(
  resources: RenderedResource[],
  d: GitOpsDeployment,
  state: { errors: ParseProblem[] },
): void {
  const unknown = new Set<string>();
  const fill = (text: string) =>
    text.replace(VAR, (m, name: string, def: string | undefined) => {
      const v = d.substitute.get(name);
      if (v) return v.value;
      if (def !== undefined) return def;
      unknown.add(name);
      return m;
    });
  for (const r of resources) {
    if (r.name) r.name = fill(r.name);
    if (r.namespace) r.namespace = fill(r.namespace);
    for (const img of r.images) {
      const before = img.image;
      const after = fill(before);
      if (after === before) continue;
      const first = [...before.matchAll(VAR)].map((m) => d.substitute.get(m[1]!)).find(Boolean);
      img.decisions.push({
        file: d.file,
        line: first?.line ?? d.line,
        column: first?.column ?? 1,
        message: `postBuild.substitute of ${d.id}: ${before} → ${after}`,
      });
      img.image = after;
    }
  }
  if (unknown.size > 0 && !d.substituteFrom)
    state.errors.push({
      file: d.file,
      line: d.line,
      column: 1,
      message: `${d.file}:${d.line}: ${d.id} leaves ${[...unknown].map((v) => `\${${v}}`).join(', ')} unset; add it to postBuild.substitute.`,
    });
}

/** Helm's default `fullname`: the release name when it contains the chart name, else `release-chart`. */
export function helmFullname(release: string, chart: string): string {
  return release.includes(chart) ? release : `${release}-${chart}`;
}

interface HelmContext {
  root: string;
  files: ManifestFile[];
  read: (abs: string) => Promise<string | null>;
  state: { errors: ParseProblem[]; notes: string[] };
  /** Without a GitOps object: these repo-relative values files (the `helm-values` setting). */
  valuesFiles?: string[];
}

/**
 * Renders (or reads from values) the chart a GitOps object deploys, with its values; inline values and
 * parameters are served as virtual values files whose lines are mapped back to the object's file.
 */
export async function renderHelmDeployment(
  d: GitOpsDeployment | null,
  ctx: HelmContext,
): Promise<ImageUse[]> {
  const chartFiles = d
    ? ctx.files.filter((f) => f.path === `${d.path}/Chart.yaml` || f.path.startsWith(`${d.path}/`))
    : ctx.files;
  if (d && !findCharts(chartFiles).some((c) => c.dir === d.path)) {
    ctx.state.errors.push({
      file: d.file,
      line: d.line,
      column: 1,
      message: `${d.file}:${d.line}: ${d.id} renders ${d.path} with helm, but there is no Chart.yaml there in this repository; fix the path.`,
    });
    return [];
  }
  const virtual = new Map<string, { text: string; line: number }>();
  const valuesFiles = d ? [...(d.helm?.valueFiles ?? [])] : [...(ctx.valuesFiles ?? [])];
  (d?.helm?.inline ?? []).forEach((v, i) => {
    const rel = `${d?.path}/.k8s-image-check-inline-values-${i}.yaml`;
    virtual.set(path.join(ctx.root, rel), v);
    valuesFiles.push(rel);
  });
  if (d?.helm?.parameters.length) {
    const rel = `${d.path}/.k8s-image-check-parameters.yaml`;
    virtual.set(path.join(ctx.root, rel), {
      text: parametersYaml(d.helm.parameters),
      line: d.helm.parameters[0]!.line,
    });
    valuesFiles.push(rel);
  }
  const scanned = await scanHelmCharts(ctx.root, {
    files: chartFiles,
    read: async (abs) => {
      const v = virtual.get(abs);
      if (v) return v.text;
      const t = await ctx.read(abs);
      if (t === null) throw new Error(`cannot read ${abs}`);
      return t;
    },
    render: 'none',
    valuesFiles,
  });
  ctx.state.errors.push(...scanned.errors);
  ctx.state.notes.push(...scanned.notes);
  const toObject = (file: string, line: number) => {
    const v = virtual.get(path.join(ctx.root, file));
    return v && d ? { file: d.file, line: v.line + line - 1 } : { file, line };
  };
  return scanned.uses.map((u) => retarget(u, d, toObject));
}

function retarget(
  u: ImageUse,
  d: GitOpsDeployment | null,
  toObject: (file: string, line: number) => { file: string; line: number },
): ImageUse {
  const at = toObject(u.file, u.line);
  const out: ImageUse = {
    ...u,
    ...at,
    related: u.related?.map((r) => ({ ...r, ...toObject(r.file, r.line) })),
  };
  if (!out.related) delete out.related;
  if (!d) return out;
  // The release's objects: named by the default fullname, in the destination namespace.
  if (u.kind !== 'HelmChart' && u.name) out.name = helmFullname(d.helm?.releaseName ?? d.name, u.name);
  out.namespace = d.namespace?.value ?? u.namespace;
  out.view = d.path;
  return out;
}

/** `image.tag=v2` parameters as a one-line values file (every parameter maps to the first one's line). */
function parametersYaml(params: { name: string; value: string }[]): string {
  const root: Record<string, unknown> = {};
  for (const p of params) {
    const keys = p.name.split('.');
    let node = root;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys.at(-1)!] = p.value;
  }
  return JSON.stringify(root);
}
