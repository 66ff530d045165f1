import { isMap, isScalar, isSeq, type Node } from 'yaml';
import {
  findKindRule,
  type KindRule,
  type PathStep,
  POD_SPEC_CONTAINER_LISTS,
  parsePath,
} from './pod-spec-paths.js';
import type { ContainerType } from './types.js';
import type { NodeWalker } from './yaml-nodes.js';

/** The Kubernetes object an image was found in. */
export interface ObjectInfo {
  kind: string;
  apiVersion: string | null;
  namespace: string | null;
  /** `metadata.name`, else `metadata.generateName`. */
  name: string | null;
}

/** One container image field found in a document, still as a YAML node (positions come from it). */
export interface ImageField {
  /** The image value node (an anchored scalar when the container used an alias). */
  node: Node;
  container: string | null;
  containerType: ContainerType;
  object: ObjectInfo;
}

/** How deep the generic search looks for `template.spec`, and how far `List`s may nest. */
const MAX_GENERIC_DEPTH = 16;
const MAX_LIST_DEPTH = 4;

const compiled = new WeakMap<KindRule, CompiledRule>();
interface CompiledRule {
  podSpecs: PathStep[][];
  containers: Array<{ steps: PathStep[]; type: ContainerType; defaultName: string | null }>;
  images: Array<{ steps: PathStep[]; container: string }>;
}

function compile(rule: KindRule): CompiledRule {
  let c = compiled.get(rule);
  if (!c) {
    c = {
      podSpecs: (rule.podSpecs ?? []).map(parsePath),
      containers: (rule.containers ?? []).map((p) => ({
        steps: parsePath(p.path),
        type: p.type,
        defaultName: p.defaultName ?? null,
      })),
      images: (rule.images ?? []).map((p) => ({ steps: parsePath(p.path), container: p.container })),
    };
    compiled.set(rule, c);
  }
  return c;
}

/**
 * Finds every container image field in one document root (recursing into `items` of `List`
 * and `*List` kinds). Only container `image` fields are returned: never other `image:` keys.
 */
export function findImageFields(walker: NodeWalker, root: unknown): ImageField[] {
  const out: ImageField[] = [];
  visitObject(walker, walker.deref(root), out, 0);
  return out;
}

function visitObject(walker: NodeWalker, obj: Node | undefined, out: ImageField[], listDepth: number): void {
  if (!isMap(obj)) return;
  const kind = walker.getString(obj, 'kind');
  if (kind === null) return;
  if (kind.endsWith('List') && listDepth < MAX_LIST_DEPTH) {
    const items = walker.get(obj, 'items');
    if (isSeq(items)) {
      for (const item of walker.items(items)) visitObject(walker, item, out, listDepth + 1);
      return;
    }
  }
  const apiVersion = walker.getString(obj, 'apiVersion');
  const metadata = walker.get(obj, 'metadata');
  const info: ObjectInfo = {
    kind,
    apiVersion,
    namespace: walker.getString(metadata, 'namespace'),
    name: walker.getString(metadata, 'name') ?? walker.getString(metadata, 'generateName'),
  };
  const rule = findKindRule(kind, apiVersion);
  if (rule === undefined) {
    for (const spec of genericPodSpecs(walker, obj)) addPodSpec(walker, spec, info, out);
    return;
  }
  const c = compile(rule);
  for (const { steps, container } of c.images) {
    for (const node of resolve(walker, obj, steps)) {
      if (isScalar(node) && node.value !== null && node.value !== '') {
        out.push({ node, container, containerType: 'container', object: info });
      }
    }
  }
  for (const steps of c.podSpecs) {
    for (const spec of resolve(walker, obj, steps)) addPodSpec(walker, spec, info, out);
  }
  for (const { steps, type, defaultName } of c.containers) {
    for (const container of resolve(walker, obj, steps)) {
      addContainer(walker, container, type, info, out, defaultName);
    }
  }
}

function addPodSpec(walker: NodeWalker, spec: Node, info: ObjectInfo, out: ImageField[]): void {
  for (const [key, type] of POD_SPEC_CONTAINER_LISTS) {
    for (const container of walker.items(walker.get(spec, key)))
      addContainer(walker, container, type, info, out);
  }
}

function addContainer(
  walker: NodeWalker,
  container: Node,
  type: ContainerType,
  info: ObjectInfo,
  out: ImageField[],
  defaultName: string | null = null,
): void {
  if (!isMap(container)) return;
  const image = walker.get(container, 'image');
  if (image === undefined) return;
  if (isScalar(image) && (image.value === null || image.value === '')) return;
  out.push({
    node: image,
    container: walker.getString(container, 'name') ?? defaultName,
    containerType: type,
    object: info,
  });
}

/** All nodes reached by following `steps` from `node` (fanning out at `[]` steps). */
function resolve(walker: NodeWalker, node: Node, steps: PathStep[]): Node[] {
  let current: Node[] = [node];
  for (const step of steps) {
    const next: Node[] = [];
    for (const n of current) {
      const value = walker.get(n, step.key);
      if (value === undefined) continue;
      if (step.each) next.push(...walker.items(value));
      else next.push(value);
    }
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}

/**
 * Generic fallback for kinds the table does not know (new CRDs carrying pod specs): `spec`
 * itself, or any mapping under a `template` key's `spec`, when it looks like a PodSpec
 * (a `containers` sequence with at least one mapping that has both `name` and `image`).
 * The search does not follow aliases, so it is linear in the document's size.
 */
function genericPodSpecs(walker: NodeWalker, obj: Node): Node[] {
  const found: Node[] = [];
  const spec = walker.get(obj, 'spec');
  if (spec !== undefined && looksLikePodSpec(walker, spec)) {
    found.push(spec);
    return found;
  }
  const search = (node: Node, depth: number): void => {
    if (depth > MAX_GENERIC_DEPTH) return;
    if (isSeq(node)) {
      for (const item of node.items) if (isMap(item) || isSeq(item)) search(item, depth + 1);
      return;
    }
    for (const [key, value] of walker.entries(node)) {
      if (key === 'template' && isMap(value)) {
        const inner = walker.get(value, 'spec');
        if (inner !== undefined && looksLikePodSpec(walker, inner)) {
          found.push(inner);
          continue;
        }
      }
      if (isMap(value) || isSeq(value)) search(value, depth + 1);
    }
  };
  search(obj, 0);
  return found;
}

function looksLikePodSpec(walker: NodeWalker, spec: Node): boolean {
  return walker
    .items(walker.get(spec, 'containers'))
    .some((c) => isMap(c) && walker.get(c, 'name') !== undefined && walker.get(c, 'image') !== undefined);
}
