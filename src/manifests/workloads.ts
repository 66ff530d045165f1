import { isMap, isScalar, isSeq, type Node } from 'yaml';
import {
  findKindRule,
  KIND_RULES,
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
  /** A whole core workload object (not a CRD, not a likely patch): every container needs an image. */
  complete?: boolean;
}

/** One container image field found in a document, still as a YAML node (positions come from it). */
export interface ImageField {
  /** The image value node (an anchored scalar when the container used an alias); the container when `missing`. */
  node: Node;
  /** Where to report the field when not at `node` (the `image` key of an empty `image:`). */
  at?: Node;
  /** The container has a name but no `image` key (Kubernetes requires one). */
  missing?: true;
  container: string | null;
  containerType: ContainerType;
  object: ObjectInfo;
}

/** How deep the generic search looks for `template.spec`, and how far `List`s may nest. */
const MAX_GENERIC_DEPTH = 16;
const MAX_LIST_DEPTH = 4;

interface CompiledRule {
  podSpecs: PathStep[][];
  containers: Array<{ steps: PathStep[]; type: ContainerType; defaultName: string | null }>;
  images: Array<{ steps: PathStep[]; container: string }>;
}

function compileRule(rule: KindRule): CompiledRule {
  return {
    podSpecs: (rule.podSpecs ?? []).map(parsePath),
    containers: (rule.containers ?? []).map((p) => ({
      steps: parsePath(p.path),
      type: p.type,
      defaultName: p.defaultName ?? null,
    })),
    images: (rule.images ?? []).map((p) => ({ steps: parsePath(p.path), container: p.container })),
  };
}

/** The static kind table with its paths parsed, once at load (an immutable table, not a run's cache). */
const COMPILED: ReadonlyMap<KindRule, CompiledRule> = new Map(KIND_RULES.map((r) => [r, compileRule(r)]));

function compile(rule: KindRule): CompiledRule {
  return COMPILED.get(rule) ?? compileRule(rule);
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
    complete: isCompleteObject(walker, obj, kind),
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
  const name = walker.getString(container, 'name') ?? defaultName;
  const image = walker.get(container, 'image');
  if (image === undefined) {
    if (name !== null && info.complete) {
      out.push({ node: container, missing: true, container: name, containerType: type, object: info });
    }
    return;
  }
  const field: ImageField = { node: image, container: name, containerType: type, object: info };
  // `image:` with nothing after it: point at the key, not at the end of the line.
  if (isScalar(image) && image.value === null && image.source === '') {
    const pair = container.items.find((p) => isScalar(p.key) && p.key.value === 'image');
    if (isScalar(pair?.key)) field.at = pair.key;
  }
  out.push(field);
}

/** Core kinds whose containers must each carry an image (CRDs may default theirs). */
const IMAGE_REQUIRED_KINDS = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
]);
/** apps/v1 kinds that require `spec.selector` (CronJob: `spec.schedule`): without it the document is a patch. */
const SELECTOR_REQUIRED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/**
 * True when a document is a whole core object (so a container without an image is an error), false
 * for CRDs and for likely strategic-merge patches (an apps/v1 workload without `spec.selector`).
 */
function isCompleteObject(walker: NodeWalker, obj: Node, kind: string): boolean {
  if (!IMAGE_REQUIRED_KINDS.has(kind)) return false;
  const spec = walker.get(obj, 'spec');
  if (kind === 'CronJob') return walker.get(spec, 'schedule') !== undefined;
  if (!SELECTOR_REQUIRED_KINDS.has(kind)) return true;
  return walker.get(spec, 'selector') !== undefined;
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
