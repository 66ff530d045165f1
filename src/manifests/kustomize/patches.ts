import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { compileSafePattern } from '../../safe-regex.js';
import { parseYamlStream } from '../../yaml.js';
import { endColumnOf } from '../span.js';
import type { ContainerType, ImageUse } from '../types.js';
import { type PatchTarget, type Position, scalarString } from './kustomization.js';
import type { RenderedResource } from './resources.js';

/** A container entry of a strategic-merge patch that sets or deletes an image. */
export interface PatchContainer {
  containerType: ContainerType;
  name: string;
  image: string | null;
  deleted: boolean;
  /** Position of the `image:` value (or the entry) inside the patch text. */
  at: Position;
}

/** What one patch document does to images, as far as this renderer follows patches. */
export type PatchDoc =
  | {
      type: 'strategic-merge';
      kind: string | null;
      apiVersion: string | null;
      name: string | null;
      namespace: string | null;
      /** `$patch: delete` on the whole resource. */
      deleteResource: boolean;
      containers: PatchContainer[];
    }
  | { type: 'json6902'; ops: JsonImageOp[] };

/** A JSON patch operation that sets `…/containers/<i>/image`. */
export interface JsonImageOp {
  containerType: ContainerType;
  index: number;
  image: string;
  at: Position;
}

const LIST_TYPES: Record<string, ContainerType> = {
  containers: 'container',
  initContainers: 'initContainer',
};

/**
 * Parses patch text into the image-relevant operations of each document: a YAML/JSON list is a JSON 6902
 * patch, a mapping a strategic-merge patch (kustomize decides the same way for `patches:`).
 */
export function parsePatch(text: string): PatchDoc[] {
  const { documents: docs, lineCounter } = parseYamlStream(text);
  const pos = (node: Node | null | undefined): Position => {
    const p = lineCounter.linePos(node?.range?.[0] ?? 0);
    const endColumn = isScalar(node) ? endColumnOf(node, lineCounter) : undefined;
    return endColumn === undefined
      ? { line: p.line, column: p.col }
      : { line: p.line, column: p.col, endColumn };
  };
  const out: PatchDoc[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) continue;
    const root = doc.contents;
    if (isSeq(root)) {
      out.push({ type: 'json6902', ops: readJsonOps(root.items, pos) });
      continue;
    }
    if (!isMap(root)) continue;
    const metadata = root.get('metadata', true);
    const containers: PatchContainer[] = [];
    collectContainers(root, containers, pos);
    out.push({
      type: 'strategic-merge',
      kind: scalarString(root.get('kind', true)),
      apiVersion: scalarString(root.get('apiVersion', true)),
      name: isMap(metadata) ? scalarString(metadata.get('name', true)) : null,
      namespace: isMap(metadata) ? scalarString(metadata.get('namespace', true)) : null,
      deleteResource: scalarString(root.get('$patch', true)) === 'delete',
      containers,
    });
  }
  return out;
}

function readJsonOps(items: unknown[], pos: (n: Node | null | undefined) => Position): JsonImageOp[] {
  const ops: JsonImageOp[] = [];
  for (const item of items) {
    if (!isMap(item)) continue;
    const op = scalarString(item.get('op', true));
    const path = scalarString(item.get('path', true)) ?? '';
    const valueNode = item.get('value', true);
    const value = scalarString(valueNode);
    const m = /\/(containers|initContainers)\/(\d+)\/image$/.exec(path);
    if ((op === 'replace' || op === 'add') && m && value) {
      ops.push({
        containerType: LIST_TYPES[m[1] ?? ''] ?? 'container',
        index: Number(m[2]),
        image: value,
        at: pos(valueNode as Node),
      });
    }
  }
  return ops;
}

function collectContainers(
  node: YAMLMap,
  out: PatchContainer[],
  pos: (n: Node | null | undefined) => Position,
): void {
  for (const pair of node.items) {
    const key = scalarString(pair.key);
    const value = pair.value;
    const listType = key ? LIST_TYPES[key] : undefined;
    if (listType && isSeq(value)) {
      for (const entry of value.items) {
        if (!isMap(entry)) continue;
        const name = scalarString(entry.get('name', true));
        if (!name) continue;
        const imageNode = entry.get('image', true);
        out.push({
          containerType: listType,
          name,
          image: scalarString(imageNode),
          deleted: scalarString(entry.get('$patch', true)) === 'delete',
          at: pos((imageNode as Node | undefined) ?? entry),
        });
      }
    } else if (isMap(value)) {
      collectContainers(value, out, pos);
    }
  }
}

function anchored(pattern: string, value: string | null): boolean {
  if (value === null) return false;
  try {
    // RE2, as kustomize's Go selector: linear time whatever the kustomization says.
    return compileSafePattern(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** Returns true when a resource matches a patch `target` (regexps anchored, as kustomize's selector does). */
export function matchesTarget(r: RenderedResource, t: PatchTarget): boolean {
  const [group, version] = splitApiVersion(r.apiVersion);
  if (t.kind !== undefined && !anchored(t.kind, r.kind)) return false;
  if (t.group !== undefined && !anchored(t.group, group)) return false;
  if (t.version !== undefined && !anchored(t.version, version)) return false;
  if (t.namespace !== undefined && !anchored(t.namespace, r.namespace ?? '')) return false;
  if (t.name !== undefined && ![r.name, ...r.previousNames].some((n) => anchored(t.name ?? '', n)))
    return false;
  if (t.labelSelector !== undefined && !matchesSelector(t.labelSelector, r.labels)) return false;
  if (t.annotationSelector !== undefined && !matchesSelector(t.annotationSelector, r.annotations))
    return false;
  return true;
}

function splitApiVersion(apiVersion: string | null): [string, string] {
  if (!apiVersion) return ['', ''];
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/** Equality-based label selectors (`a=b,c!=d,e`); set-based terms (`in`, `notin`) never match here. */
function matchesSelector(selector: string, labels: Record<string, string>): boolean {
  for (const raw of selector.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    let m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term);
    if (m) {
      if (labels[m[1] ?? ''] === (m[2] ?? '').trim()) return false;
      continue;
    }
    m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term);
    if (m) {
      if (labels[m[1] ?? ''] !== (m[2] ?? '').trim()) return false;
      continue;
    }
    if (term.startsWith('!')) {
      if (term.slice(1) in labels) return false;
      continue;
    }
    if (/\s(in|notin)\s/.test(term)) return false;
    if (!(term in labels)) return false;
  }
  return true;
}

/** Returns true when a strategic-merge patch without `target` names this resource. */
export function matchesPatchIdentity(
  r: RenderedResource,
  p: Extract<PatchDoc, { type: 'strategic-merge' }>,
): boolean {
  if (p.kind !== null && p.kind !== r.kind) return false;
  if (p.name !== null && ![r.name, ...r.previousNames].includes(p.name)) return false;
  if (p.namespace !== null && p.namespace !== r.namespace) return false;
  return true;
}

/** Applies one patch document's image changes to a resource, recording the patch line as the decision. */
export function applyPatchDoc(
  r: RenderedResource,
  doc: PatchDoc,
  patchFile: string,
  where: (p: Position) => Position,
): void {
  if (doc.type === 'strategic-merge') {
    for (const c of doc.containers) {
      const existing = r.images.filter((i) => i.containerType === c.containerType && i.container === c.name);
      if (c.deleted) {
        r.images = r.images.filter((i) => !existing.includes(i));
        continue;
      }
      if (c.image === null) continue;
      const at = where(c.at);
      for (const img of existing) {
        img.decisions.push({
          file: patchFile,
          ...at,
          message: `patch sets container ${c.name} image: ${img.image} → ${c.image}`,
        });
        img.image = c.image;
      }
      if (existing.length === 0) {
        const base: ImageUse = {
          raw: c.image,
          file: patchFile,
          ...at,
          docIndex: r.docIndex,
          kind: r.kind,
          apiVersion: r.apiVersion,
          namespace: r.namespace,
          name: r.name,
          container: c.name,
          containerType: c.containerType,
        };
        const sibling = r.images.find((i) => i.containerType === c.containerType);
        r.images.push({
          base,
          image: c.image,
          container: c.name,
          containerType: c.containerType,
          decisions: [],
          passes: sibling?.passes ?? 1,
        });
      }
    }
    return;
  }
  for (const op of doc.ops) {
    const list = r.images
      .filter((i) => i.containerType === op.containerType)
      .sort((a, b) => a.base.line - b.base.line);
    const img = list[op.index];
    if (!img) continue;
    const at = where(op.at);
    img.decisions.push({
      file: patchFile,
      ...at,
      message: `JSON patch sets ${op.containerType} ${op.index} image: ${img.image} → ${op.image}`,
    });
    img.image = op.image;
  }
}
