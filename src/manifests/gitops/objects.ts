/**
 * GitOps objects that say what a cluster deploys from this repository: Flux `Kustomization`
 * (kustomize.toolkit.fluxcd.io) and Argo CD `Application` / `ApplicationSet` (list generator). Pure: text in,
 * the paths they deploy and the transforms they apply out. Every path is hostile input: one that leaves the
 * repository root is refused with a problem, never followed.
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { parseYamlStream } from '../../yaml.js';
import type { KustomizeImageEntry } from '../kustomize/image-transform.js';
import { type ImageEntryAt, type Position, scalarString } from '../kustomize/kustomization.js';
import type { ParseProblem } from '../types.js';

/** An inline patch of a Flux Kustomization (`spec.patches[]`), with where its text starts. */
export interface GitOpsPatch extends Position {
  text: string;
  /** Where line 1 of `text` sits in the file (block scalars), else the `patch:` line. */
  start: Position;
  block: boolean;
  target: Record<string, string> | null;
}

/** Helm settings of an Argo CD source (`spec.source.helm`). */
export interface GitOpsHelm {
  releaseName: string | null;
  /** Repo-relative values files (resolved against the chart path). */
  valueFiles: string[];
  /** Inline values (`values` string or `valuesObject`) as text with its position, for the values reader. */
  inline: { text: string; line: number }[];
  /** `parameters[]` as `name=value`. */
  parameters: { name: string; value: string; line: number; column: number }[];
}

/** One path of this repository that a GitOps object deploys, with what the object changes on top. */
export interface GitOpsDeployment {
  /** `Flux Kustomization flux-system/apps`, `Argo CD Application argocd/shop-prod`. */
  id: string;
  tool: 'flux' | 'argo';
  name: string;
  file: string;
  line: number;
  /** Repo-relative directory (`.` for the root), inside the repository. */
  path: string;
  /** `targetNamespace`, `kustomize.namespace` or `destination.namespace`. */
  namespace: { value: string; line: number; column: number } | null;
  /** Argo CD `destination.namespace`: only for resources that name none (kustomize.namespace overrides). */
  namespaceFillOnly: boolean;
  images: ImageEntryAt[];
  /** `postBuild.substitute` literal values, with their lines. */
  substitute: Map<string, { value: string; line: number; column: number }>;
  /** True when `postBuild.substituteFrom` names ConfigMaps/Secrets this scan cannot read. */
  substituteFrom: boolean;
  patches: GitOpsPatch[];
  helm: GitOpsHelm | null;
  /** Argo CD: `destination.name` / `destination.server`. */
  destination: { name: string | null; server: string | null } | null;
  /** Argo CD: `directory.recurse`. */
  recurse: boolean;
}

/** What one file's GitOps objects deploy, and the objects that could not be followed. */
export interface GitOpsObjects {
  deployments: GitOpsDeployment[];
  problems: ParseProblem[];
  /** Sentences for the log (e.g. a source in another repository). */
  notes: string[];
}

/** Returns true when a text may hold a GitOps object (a cheap test before parsing). */
export function mayHoldGitOps(text: string): boolean {
  return (
    text.includes('kustomize.toolkit.fluxcd.io') ||
    text.includes('argoproj.io') ||
    text.includes('helm.toolkit.fluxcd.io')
  );
}

/** Reads the Flux Kustomizations and Argo CD Applications of one file. */
export function readGitOpsObjects(
  file: string,
  text: string,
  repoUrls: readonly string[] = [],
): GitOpsObjects {
  const out: GitOpsObjects = { deployments: [], problems: [], notes: [] };
  if (!mayHoldGitOps(text)) return out;
  const { documents, lineCounter: lc } = parseYamlStream(text, { uniqueKeys: false });
  const pos = (n: unknown): Position => {
    const p = lc.linePos((n as Node | null)?.range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  };
  for (const doc of documents) {
    const root = doc.contents;
    if (doc.errors.length > 0 || !isMap(root)) continue;
    const apiVersion = scalarString(root.get('apiVersion', true)) ?? '';
    const kind = scalarString(root.get('kind', true)) ?? '';
    const meta = root.get('metadata', true);
    const name = (isMap(meta) ? scalarString(meta.get('name', true)) : null) ?? '(unnamed)';
    const ns = isMap(meta) ? scalarString(meta.get('namespace', true)) : null;
    const spec = root.get('spec', true);
    if (!isMap(spec)) continue;
    const ctx = { file, line: pos(root).line, pos, text, out, name, ns };
    if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/'))
      readFlux(spec, ctx);
    else if (kind === 'HelmRelease' && apiVersion.startsWith('helm.toolkit.fluxcd.io/'))
      readHelmRelease(spec, ctx);
    else if (kind === 'Application' && apiVersion.startsWith('argoproj.io/'))
      readArgo(spec, { ...ctx, kind, repoUrls });
    else if (kind === 'ApplicationSet' && apiVersion.startsWith('argoproj.io/'))
      readAppSet(spec, { ...ctx, kind, repoUrls });
  }
  return out;
}

interface ReadContext {
  file: string;
  line: number;
  pos: (n: unknown) => Position;
  text: string;
  out: GitOpsObjects;
  name: string;
  ns: string | null;
}

/** Returns the repo-relative form of a GitOps path, or null when it leaves the repository root. */
export function repoPath(p: string, base = '.'): string | null {
  if (p.includes('\0')) return null;
  const joined = path.posix.normalize(path.posix.join(base, p.replace(/^\/+/, '')));
  if (joined === '..' || joined.startsWith('../')) return null;
  return joined.replace(/\/+$/, '') || '.';
}

function refuse(ctx: ReadContext, at: Position, what: string, value: string): void {
  ctx.out.problems.push({
    file: ctx.file,
    ...at,
    message: `${ctx.file}:${at.line}: ${what} ${JSON.stringify(value)} leaves the repository root; it is not followed (GitOps paths are relative to the repository root).`,
  });
}

function readFlux(spec: YAMLMap, ctx: ReadContext): void {
  const id = `Flux Kustomization ${ctx.ns ? `${ctx.ns}/` : ''}${ctx.name}`;
  const pathNode = spec.get('path', true);
  const raw = scalarString(pathNode) ?? './';
  const rel = repoPath(raw);
  if (rel === null) {
    refuse(ctx, ctx.pos(pathNode), `${id}: spec.path`, raw);
    return;
  }
  const sourceRef = spec.get('sourceRef', true);
  const sourceKind = isMap(sourceRef) ? scalarString(sourceRef.get('kind', true)) : null;
  if (sourceKind && sourceKind !== 'GitRepository') {
    // spec.path is then relative to that artifact (OCIRepository, Bucket, ExternalArtifact), not to this repository.
    const sourceName = isMap(sourceRef) ? scalarString(sourceRef.get('name', true)) : null;
    ctx.out.notes.push(
      `${ctx.file}:${ctx.line}: ${id} deploys ${raw} of ${sourceKind} ${sourceName ?? '?'}, not of this repository; it is not followed (add the folder that source is built from to manifests).`,
    );
    return;
  }
  const tn = spec.get('targetNamespace', true);
  const postBuild = spec.get('postBuild', true);
  const substitute = new Map<string, { value: string; line: number; column: number }>();
  const subNode = isMap(postBuild) ? postBuild.get('substitute', true) : null;
  if (isMap(subNode))
    for (const pair of subNode.items) {
      const key = scalarString(pair.key);
      const value = scalarString(pair.value);
      if (key !== null && value !== null) substitute.set(key, { value, ...ctx.pos(pair.value) });
    }
  ctx.out.deployments.push({
    ...fluxDeployment(ctx, id, rel),
    namespace: positioned(tn, ctx),
    namespaceFillOnly: false,
    images: readImages(spec.get('images', true), ctx),
    substitute,
    substituteFrom: isMap(postBuild) && isSeq(postBuild.get('substituteFrom', true)),
    patches: readFluxPatches(spec.get('patches', true), ctx),
    helm: null,
    destination: null,
    recurse: true,
  });
}

/**
 * A Flux HelmRelease whose chart is a path of this repository (`chart: ./charts/app` from a GitRepository):
 * the chart is deployed with `spec.values` and `valuesFiles`, as release `releaseName` (default: its name) in
 * `targetNamespace` (default: its own namespace). Charts from Helm repositories are reported elsewhere.
 */
function readHelmRelease(spec: YAMLMap, ctx: ReadContext): void {
  const chartSpec = spec.getIn(['chart', 'spec'], true);
  if (!isMap(chartSpec)) return;
  const chartNode = chartSpec.get('chart', true);
  const chart = scalarString(chartNode);
  const sourceRef = chartSpec.get('sourceRef', true);
  const sourceKind = isMap(sourceRef) ? scalarString(sourceRef.get('kind', true)) : null;
  if (!chart || sourceKind !== 'GitRepository') return;
  const id = `Flux HelmRelease ${ctx.ns ? `${ctx.ns}/` : ''}${ctx.name}`;
  const rel = repoPath(chart);
  if (rel === null) {
    refuse(ctx, ctx.pos(chartNode), `${id}: chart`, chart);
    return;
  }
  const helm: GitOpsHelm = {
    releaseName: scalarString(spec.get('releaseName', true)) ?? ctx.name,
    valueFiles: [],
    inline: [],
    parameters: [],
  };
  helm.valueFiles.push(
    ...valueFilePaths(chartSpec.get('valuesFiles', true), ctx, { label: `${id}: valuesFiles entry` }),
  );
  const values = spec.get('values', true);
  if (isMap(values) && values.range) {
    const [start, , end] = values.range;
    helm.inline.push({ text: ctx.text.slice(lineStart(ctx.text, start), end), line: ctx.pos(values).line });
  }
  const tn = positioned(spec.get('targetNamespace', true), ctx);
  ctx.out.deployments.push({
    ...fluxDeployment(ctx, id, rel),
    namespace: tn ?? (ctx.ns ? { value: ctx.ns, line: ctx.line, column: 1 } : null),
    namespaceFillOnly: false,
    images: [],
    substitute: new Map(),
    substituteFrom: false,
    patches: [],
    helm,
    destination: null,
    recurse: false,
  });
}

function positioned(node: unknown, ctx: ReadContext): GitOpsDeployment['namespace'] {
  const value = scalarString(node);
  return value ? { value, ...ctx.pos(node) } : null;
}

function readImages(node: unknown, ctx: ReadContext): ImageEntryAt[] {
  if (!isSeq(node)) return [];
  const out: ImageEntryAt[] = [];
  for (const item of node.items) {
    if (!isMap(item)) continue;
    const entry: KustomizeImageEntry = { name: scalarString(item.get('name', true)) ?? '' };
    const fields: ImageEntryAt['fields'] = {};
    for (const key of ['newName', 'newTag', 'digest'] as const) {
      const v = item.get(key, true);
      const value = scalarString(v);
      if (value) {
        entry[key] = value;
        fields[key] = ctx.pos(v);
      }
    }
    if (entry.name) out.push({ entry, fields, ...ctx.pos(item) });
  }
  return out;
}

function readFluxPatches(node: unknown, ctx: ReadContext): GitOpsPatch[] {
  if (!isSeq(node)) return [];
  const out: GitOpsPatch[] = [];
  for (const item of node.items) {
    if (!isMap(item)) continue;
    const patchNode = item.get('patch', true);
    const text = scalarString(patchNode);
    if (!text) continue;
    const at = ctx.pos(patchNode);
    const block =
      isScalar(patchNode) && (patchNode.type === 'BLOCK_LITERAL' || patchNode.type === 'BLOCK_FOLDED');
    const targetNode = item.get('target', true);
    let target: Record<string, string> | null = null;
    if (isMap(targetNode)) {
      target = {};
      for (const pair of targetNode.items) {
        const k = scalarString(pair.key);
        const v = scalarString(pair.value);
        if (k && v !== null) target[k] = v;
      }
    }
    out.push({ ...ctx.pos(item), text, block, start: block ? { line: at.line + 1, column: 1 } : at, target });
  }
  return out;
}

interface ArgoContext extends ReadContext {
  kind: string;
  repoUrls: readonly string[];
}

function readArgo(spec: YAMLMap, ctx: ArgoContext): void {
  const id = `Argo CD ${ctx.kind} ${ctx.ns ? `${ctx.ns}/` : ''}${ctx.name}`;
  const destNode = spec.get('destination', true);
  const destination = {
    name: isMap(destNode) ? scalarString(destNode.get('name', true)) : null,
    server: isMap(destNode) ? scalarString(destNode.get('server', true)) : null,
  };
  const destNs = isMap(destNode) ? destNode.get('namespace', true) : null;
  const many = spec.get('sources', true);
  const sources = [spec.get('source', true), ...(isSeq(many) ? many.items : [])];
  for (const source of sources) {
    if (!isMap(source)) continue;
    const pathNode = source.get('path', true);
    const raw = scalarString(pathNode);
    if (raw === null || scalarString(source.get('chart', true))) continue; // a chart from a Helm repository
    const repoURL = scalarString(source.get('repoURL', true)) ?? '';
    if (ctx.repoUrls.length > 0 && repoURL && !ctx.repoUrls.some((u) => sameRepo(u, repoURL))) {
      ctx.out.notes.push(
        `${ctx.file}:${ctx.line}: ${id} deploys ${raw} of ${repoURL}, another repository; it is not followed.`,
      );
      continue;
    }
    const rel = repoPath(raw);
    if (rel === null) {
      refuse(ctx, ctx.pos(pathNode), `${id}: source.path`, raw);
      continue;
    }
    const kustomize = source.get('kustomize', true);
    const helm = source.get('helm', true);
    const directory = source.get('directory', true);
    const kustomizeNs = isMap(kustomize) ? positioned(kustomize.get('namespace', true), ctx) : null;
    ctx.out.deployments.push({
      id,
      tool: 'argo',
      name: ctx.name,
      file: ctx.file,
      line: ctx.line,
      path: rel,
      namespace: kustomizeNs ?? positioned(destNs, ctx),
      namespaceFillOnly: kustomizeNs === null,
      images: isMap(kustomize) ? readArgoImages(kustomize.get('images', true), ctx) : [],
      substitute: new Map(),
      substituteFrom: false,
      patches: [],
      helm: isMap(helm) ? readHelm(helm, rel, ctx) : null,
      destination,
      recurse: isMap(directory) && scalarString(directory.get('recurse', true)) === 'true',
    });
  }
}

/** Argo CD `kustomize.images` are kustomize `edit set image` strings: `name=newName:tag`, `name:tag`, `name@digest`. */
function readArgoImages(node: unknown, ctx: ReadContext): ImageEntryAt[] {
  if (!isSeq(node)) return [];
  const out: ImageEntryAt[] = [];
  for (const item of node.items) {
    const value = scalarString(item);
    if (!value) continue;
    const at = ctx.pos(item);
    const eq = value.indexOf('=');
    const name = eq >= 0 ? value.slice(0, eq) : splitNameOnly(value);
    const target = eq >= 0 ? value.slice(eq + 1) : value;
    const entry: KustomizeImageEntry = { name };
    const at2 = target.indexOf('@');
    const nameTag = at2 >= 0 ? target.slice(0, at2) : target;
    if (at2 >= 0) entry.digest = target.slice(at2 + 1);
    const colon = nameTag.lastIndexOf(':');
    const slash = nameTag.lastIndexOf('/');
    const newName = colon > slash ? nameTag.slice(0, colon) : nameTag;
    if (colon > slash) entry.newTag = nameTag.slice(colon + 1);
    if (newName !== name) entry.newName = newName;
    const fields: ImageEntryAt['fields'] = {};
    for (const k of ['newName', 'newTag', 'digest'] as const) if (entry[k]) fields[k] = at;
    out.push({ entry, fields, ...at });
  }
  return out;
}

function splitNameOnly(value: string): string {
  const noDigest = value.split('@')[0] ?? value;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

/** The fields every Flux deployment starts with: who deploys which path, and where it is written. */
function fluxDeployment(ctx: ReadContext, id: string, repoDir: string) {
  return { id, tool: 'flux' as const, name: ctx.name, file: ctx.file, line: ctx.line, path: repoDir };
}

/**
 * The repository paths of a values-file list (relative to `base`, default the repository root); an
 * entry that leads outside the repository is refused with a notice, an empty one is left out.
 */
function valueFilePaths(list: unknown, ctx: ReadContext, where: { label: string; base?: string }): string[] {
  const out: string[] = [];
  if (!isSeq(list)) return out;
  for (const item of list.items) {
    const v = scalarString(item);
    if (!v) continue;
    const rel = repoPath(v, where.base);
    if (rel === null) refuse(ctx, ctx.pos(item), where.label, v);
    else out.push(rel);
  }
  return out;
}

function readHelm(helm: YAMLMap, chartPath: string, ctx: ReadContext): GitOpsHelm {
  const out: GitOpsHelm = {
    releaseName: scalarString(helm.get('releaseName', true)),
    valueFiles: [],
    inline: [],
    parameters: [],
  };
  out.valueFiles.push(
    ...valueFilePaths(helm.get('valueFiles', true), ctx, { label: 'helm.valueFiles entry', base: chartPath }),
  );
  const values = helm.get('values', true);
  const valuesText = scalarString(values);
  if (valuesText) out.inline.push({ text: valuesText, line: ctx.pos(values).line + 1 });
  const valuesObject = helm.get('valuesObject', true);
  if (isMap(valuesObject) && valuesObject.range) {
    const [start, , end] = valuesObject.range;
    out.inline.push({
      text: ctx.text.slice(lineStart(ctx.text, start), end),
      line: ctx.pos(valuesObject).line,
    });
  }
  const params = helm.get('parameters', true);
  if (isSeq(params))
    for (const item of params.items) {
      if (!isMap(item)) continue;
      const name = scalarString(item.get('name', true));
      const value = scalarString(item.get('value', true));
      if (name && value !== null) out.parameters.push({ name, value, ...ctx.pos(item.get('value', true)) });
    }
  return out;
}

function lineStart(text: string, offset: number): number {
  const nl = text.lastIndexOf('\n', offset - 1);
  return nl < 0 ? 0 : nl + 1;
}

/**
 * Elements of one ApplicationSet that are followed: each re-parses the template, and an ApplicationSet is
 * repository content (a pull request could list thousands), so the work stays bounded.
 */
const MAX_APPSET_ELEMENTS = 200;

/** ApplicationSet with a `list` generator: one Application per element, `{{key}}` filled from the element. */
function readAppSet(spec: YAMLMap, ctx: ArgoContext): void {
  const template = spec.get('template', true);
  const generators = spec.get('generators', true);
  if (!isMap(template) || !isSeq(generators)) return;
  const elements: Record<string, string>[] = [];
  for (const g of generators.items) {
    const list = isMap(g) ? g.get('list', true) : null;
    const els = isMap(list) ? list.get('elements', true) : null;
    if (!isSeq(els)) {
      if (isMap(g))
        ctx.out.notes.push(
          `${ctx.file}:${ctx.line}: ApplicationSet ${ctx.name} uses a generator other than list; its Applications are not followed.`,
        );
      continue;
    }
    for (const el of els.items) {
      if (elements.length >= MAX_APPSET_ELEMENTS) {
        ctx.out.notes.push(
          `${ctx.file}:${ctx.line}: ApplicationSet ${ctx.name} lists more than ${MAX_APPSET_ELEMENTS} elements; only the first ${MAX_APPSET_ELEMENTS} are followed.`,
        );
        break;
      }
      if (!isMap(el)) continue;
      const values: Record<string, string> = {};
      for (const pair of el.items) {
        const k = scalarString(pair.key);
        const v = scalarString(pair.value);
        if (k && v !== null) values[k] = v;
      }
      elements.push(values);
    }
  }
  const start = template.range?.[0] ?? 0;
  const end = template.range?.[2] ?? ctx.text.length;
  const templText = ctx.text.slice(lineStart(ctx.text, start), end);
  const firstLine = ctx.pos(template).line;
  for (const values of elements) {
    // Only the template is parsed (once per element, never the whole file again); its line numbers are
    // shifted so positions stay those of the ApplicationSet file.
    const filled = dedent(templText.replace(/\{\{\s*\.?([\w.-]+)\s*\}\}/g, (m, k: string) => values[k] ?? m));
    const { documents, lineCounter: lc } = parseYamlStream(filled);
    const root = documents[0]?.contents ?? null;
    if (!isMap(root)) continue;
    const meta = root.get('metadata', true);
    const name = (isMap(meta) ? scalarString(meta.get('name', true)) : null) ?? ctx.name;
    const inner = root.get('spec', true);
    if (!isMap(inner)) continue;
    const pos = (n: unknown): Position => {
      const p = lc.linePos((n as Node | null)?.range?.[0] ?? 0);
      return { line: p.line + firstLine - 1, column: p.col };
    };
    readArgo(inner, { ...ctx, pos, text: filled, name, kind: 'Application' });
  }
}

function dedent(text: string): string {
  const indents = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.length - l.trimStart().length);
  // A fold, not Math.min(...indents): a template of very many lines must not overflow the stack.
  const min = indents.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  return text
    .split('\n')
    .map((l) => l.slice(Math.min(min, l.length - l.trimStart().length)))
    .join('\n');
}

/** Returns true when two Git URLs name the same repository (scheme, `.git` and trailing slashes aside). */
export function sameRepo(a: string, b: string): boolean {
  const norm = (u: string) =>
    u
      .toLowerCase()
      .replace(/^[a-z+]+:\/\//, '')
      .replace(/^git@([^:]+):/, '$1/')
      .replace(/^[^@/]+@/, '')
      .replace(/\.git$/, '')
      .replace(/\/+$/, '');
  return norm(a) === norm(b);
}
