import { isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import { parseYamlStream } from '../../yaml.js';
import type { ContainerType, ImageUse, ManifestFile, ParseProblem, RelatedLocation } from '../types.js';
import { applyImageEntry } from './image-transform.js';
import type { ImageEntryAt } from './kustomization.js';

/** A file-level image extractor with the shape of `extractFile` in `src/manifests/extract.ts`. */
export type ExtractFn = (file: ManifestFile, text: string) => { uses: ImageUse[]; errors: ParseProblem[] };

/** A location that changed an image, and how. */
export interface Decision extends RelatedLocation {}

/** One container image inside a resource as kustomize is building it. */
export interface RenderedImage {
  /** The use as extracted from the manifest; identity fields are refreshed on output. */
  base: ImageUse;
  /** The image value after the transformers applied so far. */
  image: string;
  container: string | null;
  containerType: ContainerType;
  /** Every kustomization line that changed the image, innermost first. */
  decisions: Decision[];
  /**
   * How many times one `images:` entry rewrites this image: kustomize's `ImageTagTransformer` runs its
   * `LegacyFilter` (any `containers[]`/`initContainers[]` entry) and then its field-spec filter
   * (`spec/containers`, `spec/template/spec/containers`, and the init variants), so an image at a field-spec
   * path is rewritten twice (visible with `tagSuffix`). 0 for images it never touches.
   */
  passes: 0 | 1 | 2;
}

/** One resource (a YAML document) with the fields the transformers read and write. */
export interface RenderedResource {
  kind: string;
  apiVersion: string | null;
  name: string | null;
  /** Names the resource had before `namePrefix`/`nameSuffix`, which patches may still use. */
  previousNames: string[];
  namespace: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  file: string;
  docIndex: number;
  images: RenderedImage[];
}

/**
 * Kinds the kustomize namespace transformer leaves alone because they are cluster-scoped (the subset of
 * kustomize's list that can matter for images: none of them carries a pod spec, but a custom resource might).
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'IngressClass',
  'RuntimeClass',
]);

/** Returns the resources of one manifest file that contain images, with their labels for patch targets. */
export function loadResources(
  file: ManifestFile,
  text: string,
  extract: ExtractFn,
): { resources: RenderedResource[]; errors: ParseProblem[] } {
  const { uses, errors } = extract(file, text);
  // Labels are only needed for resources with images; CRD-sized files without any are not parsed twice.
  const meta = uses.length > 0 ? readMetadata(text) : [];
  const byDoc = new Map<number, RenderedResource>();
  for (const use of uses) {
    let res = byDoc.get(use.docIndex);
    if (!res) {
      const m = meta[use.docIndex];
      res = {
        kind: use.kind,
        apiVersion: use.apiVersion,
        name: use.name,
        previousNames: [],
        namespace: use.namespace,
        labels: m?.labels ?? {},
        annotations: m?.annotations ?? {},
        file: file.path,
        docIndex: use.docIndex,
        images: [],
      };
      byDoc.set(use.docIndex, res);
    }
    res.images.push({
      base: use,
      image: use.raw,
      container: use.container,
      containerType: use.containerType,
      decisions: [],
      passes: imageTransformPasses(
        use.kind,
        meta[use.docIndex]?.imagePaths.get(`${use.line}:${use.column}`),
        use.containerType,
      ),
    });
  }
  return { resources: [...byDoc.values()], errors };
}

interface DocMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Key path of every `image:` scalar, by `line:column` of its value. */
  imagePaths: Map<string, (string | number)[]>;
}

function readMetadata(text: string): DocMetadata[] {
  const out: DocMetadata[] = [];
  try {
    const { documents, lineCounter } = parseYamlStream(text);
    for (const doc of documents) {
      const metadata = isMap(doc.contents) ? doc.contents.get('metadata') : null;
      const imagePaths = new Map<string, (string | number)[]>();
      collectImagePaths(doc.contents, [], imagePaths, lineCounter);
      out.push({
        labels: stringRecord(isMap(metadata) ? metadata.get('labels') : null),
        annotations: stringRecord(isMap(metadata) ? metadata.get('annotations') : null),
        imagePaths,
      });
    }
  } catch {
    // Broken YAML is reported by the extractor; labels only refine patch targets.
  }
  return out;
}

function collectImagePaths(
  node: unknown,
  path: (string | number)[],
  out: Map<string, (string | number)[]>,
  lineCounter: LineCounter,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null) continue;
      if (key === 'image' && isScalar(pair.value) && pair.value.range) {
        const p = lineCounter.linePos(pair.value.range[0]);
        out.set(`${p.line}:${p.col}`, [...path, key]);
      } else {
        collectImagePaths(pair.value, [...path, key], out, lineCounter);
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      collectImagePaths(item, [...path, i], out, lineCounter);
    });
  }
}

/** Field-spec paths of kustomize's default `images` configuration (`builtinpluginconsts/images.go`). */
const IMAGE_FIELD_SPECS = [
  ['spec', 'containers'],
  ['spec', 'initContainers'],
  ['spec', 'template', 'spec', 'containers'],
  ['spec', 'template', 'spec', 'initContainers'],
];

/** How many times one images entry rewrites the image at this key path (see `RenderedImage.passes`). */
export function imageTransformPasses(
  kind: string,
  path: (string | number)[] | undefined,
  containerType: ContainerType,
): 0 | 1 | 2 {
  if (kind === 'CustomResourceDefinition') return 0;
  if (!path) return containerType === 'ephemeralContainer' ? 0 : 1;
  const n = path.length;
  const list = path[n - 3];
  const legacy =
    n >= 3 && (list === 'containers' || list === 'initContainers') && typeof path[n - 2] === 'number';
  if (!legacy) return 0;
  const prefix = path.slice(0, n - 2);
  const fieldSpec = IMAGE_FIELD_SPECS.some(
    (spec) => spec.length === prefix.length && spec.every((k, i) => k === prefix[i]),
  );
  return fieldSpec ? 2 : 1;
}

function stringRecord(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    const key = (pair.key as { value?: unknown } | null)?.value;
    const value = (pair.value as { value?: unknown } | null)?.value;
    if (typeof key === 'string' && value !== undefined && value !== null) out[key] = String(value);
  }
  return out;
}

/** Returns a deep copy of resources, so a base built once can be reused by several overlays. */
export function cloneResources(resources: RenderedResource[]): RenderedResource[] {
  return resources.map((r) => ({
    ...r,
    previousNames: [...r.previousNames],
    labels: { ...r.labels },
    annotations: { ...r.annotations },
    images: r.images.map((i) => ({ ...i, decisions: [...i.decisions] })),
  }));
}

/** Applies a kustomization's `namespace:` to every namespaced resource, as kustomize does. */
export function applyNamespace(resources: RenderedResource[], namespace: string): void {
  for (const r of resources) {
    if (!CLUSTER_SCOPED_KINDS.has(r.kind)) r.namespace = namespace;
  }
}

/** Applies `namePrefix` and `nameSuffix` to resource names (kustomize skips CRDs, APIServices, Namespaces). */
export function applyNamePrefixSuffix(resources: RenderedResource[], prefix: string, suffix: string): void {
  if (!prefix && !suffix) return;
  for (const r of resources) {
    if (r.name === null || ['CustomResourceDefinition', 'APIService', 'Namespace'].includes(r.kind)) continue;
    r.previousNames.push(r.name);
    r.name = `${prefix}${r.name}${suffix}`;
  }
}

/**
 * Applies `images:` entries in order, recording the deciding line of each change.
 *
 * @remarks kustomize runs one `ImageTagTransformer` per entry, so a later entry sees the output of an earlier
 * one. It rewrites `containers[].image` and `initContainers[].image` anywhere in any resource except
 * CustomResourceDefinitions (`imagetag.LegacyFilter`); ephemeral containers are left alone.
 */
export function applyImages(
  resources: RenderedResource[],
  entries: ImageEntryAt[],
  kustomizationFile: string,
): void {
  for (const at of entries) {
    for (const r of resources) {
      for (const img of r.images) {
        const before = img.image;
        if (img.passes === 0 || applyImageEntry(before, at.entry) === null) continue;
        for (let pass = 0; pass < img.passes; pass++) {
          img.image = applyImageEntry(img.image, at.entry) ?? img.image;
        }
        const field = decidingField(at);
        const p = field ? at.fields[field] : undefined;
        img.decisions.push({
          file: kustomizationFile,
          line: p?.line ?? at.line,
          column: p?.column ?? at.column,
          ...(p?.endColumn !== undefined ? { endColumn: p.endColumn } : {}),
          message: `images entry \`${at.entry.name}\` sets ${describeEntry(at)}: ${before} → ${img.image}`,
        });
      }
    }
  }
}

/** The field whose line reports the change: the digest pins, then the tag, then the name. */
function decidingField(at: ImageEntryAt): keyof ImageEntryAt['fields'] | null {
  for (const f of ['digest', 'newTag', 'tagSuffix', 'newName'] as const) if (at.fields[f]) return f;
  return null;
}

function describeEntry(at: ImageEntryAt): string {
  const parts: string[] = [];
  if (at.entry.newName) parts.push(`newName ${at.entry.newName}`);
  if (at.entry.newTag) parts.push(`newTag ${at.entry.newTag}`);
  if (at.entry.digest) parts.push(`digest ${at.entry.digest}`);
  if (at.entry.tagSuffix && !at.entry.newTag && !at.entry.digest)
    parts.push(`tagSuffix ${at.entry.tagSuffix}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing (no newName, newTag or digest)';
}

/**
 * Returns the image uses a set of built resources deploys: each at the line that decided it (the last
 * kustomization line that changed it, else the manifest line), with the manifest and earlier deciding
 * lines as related locations.
 */
export function toViewUses(resources: RenderedResource[], view: string): ImageUse[] {
  const out: ImageUse[] = [];
  for (const r of resources) {
    for (const img of r.images) {
      const last = img.decisions[img.decisions.length - 1];
      const related: RelatedLocation[] = [];
      if (last) {
        related.push({
          file: img.base.file,
          line: img.base.line,
          column: img.base.column,
          message: `base manifest sets ${img.base.raw}`,
        });
        for (const d of img.decisions.slice(0, -1)) related.push(d);
      }
      for (const r2 of img.base.related ?? []) related.push(r2);
      const use: ImageUse = {
        ...img.base,
        raw: img.image,
        file: last ? last.file : img.base.file,
        line: last ? last.line : img.base.line,
        column: last ? last.column : img.base.column,
        kind: r.kind,
        apiVersion: r.apiVersion,
        namespace: r.namespace,
        name: r.name,
        container: img.container,
        containerType: img.containerType,
        origin: 'kustomize',
        view,
      };
      if (related.length > 0) use.related = related;
      else delete use.related;
      // The deciding line holds only what it sets (a `newTag:` value, say), not the whole image.
      const endColumn = last ? last.endColumn : img.base.endColumn;
      if (endColumn === undefined) delete use.endColumn;
      else use.endColumn = endColumn;
      out.push(use);
    }
  }
  return out;
}
