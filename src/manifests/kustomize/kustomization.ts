import { isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { parseYamlDocument } from '../../yaml.js';
import { clampedPosition, yamlErrorOffset } from '../parse.js';
import { endColumnOf } from '../span.js';
import type { ParseProblem } from '../types.js';
import type { KustomizeImageEntry } from './image-transform.js';

/** File names kustomize recognises, in the order it looks for them (`konfig.RecognizedKustomizationFileNames`). */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** A 1-based position inside a kustomization file. */
export interface Position {
  line: number;
  column: number;
  /** Column just after a one-line scalar value (see `endColumnOf`); only set for scalars. */
  endColumn?: number;
}

/** A string value of a kustomization field, with where it was written. */
export interface PositionedString extends Position {
  value: string;
}

/** One `images:` entry with the positions of its fields. */
export interface ImageEntryAt extends Position {
  entry: KustomizeImageEntry;
  /** Position of each field that was set (`newName`, `newTag`, `digest`, `tagSuffix`). */
  fields: Partial<Record<'newName' | 'newTag' | 'digest' | 'tagSuffix', Position>>;
}

/** Which resources a patch applies to (`patches[].target`), names and kinds being anchored regexps. */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** A patch as written in a kustomization: inline text or a path, with an optional target. */
export interface PatchRef extends Position {
  /** Inline patch text, or null when the patch is in `path`. */
  inline: string | null;
  /** Where line 1 of the inline text sits in the kustomization file (block scalars only). */
  inlineStart: Position | null;
  path: string | null;
  target: PatchTarget | null;
  /** `patchesJson6902` entries are always JSON patches. */
  json6902: boolean;
}

/** The fields of a kustomization file that decide which images get deployed. */
export interface Kustomization {
  /** `Kustomization` or `Component`. */
  kind: 'Kustomization' | 'Component';
  resources: PositionedString[];
  components: PositionedString[];
  /** Deprecated `bases:`; kustomize appends them to `resources`. */
  bases: PositionedString[];
  images: ImageEntryAt[];
  namespace: PositionedString | null;
  namePrefix: string;
  nameSuffix: string;
  patches: PatchRef[];
  transformers: PositionedString[];
  /** `commonLabels` plus every `labels[].pairs` (they can make resources match a patch's `labelSelector`). */
  labels: Record<string, string>;
  /** `commonAnnotations`, for `annotationSelector`. */
  annotations: Record<string, string>;
  /** Fields present that this native renderer does not evaluate (e.g. `helmCharts`, `replacements`). */
  unsupported: PositionedString[];
}

/** The result of reading one kustomization file: the model, or the reason it is not one. */
export type KustomizationParse =
  | { ok: true; kustomization: Kustomization }
  | { ok: false; problem: ParseProblem }
  | { ok: false; notKustomization: string };

const UNSUPPORTED_FIELDS: Record<string, string> = {
  helmCharts: 'helmCharts inflation needs `kustomize build --enable-helm` and network access',
  replacements: 'replacements are not evaluated natively and may rewrite images',
  generators: 'generator plugins are not run natively',
};

/** Parses a kustomization file into the fields that matter for images, with 1-based positions. */
export function parseKustomization(file: string, text: string): KustomizationParse {
  const { document: doc, lineCounter } = parseYamlDocument(text, { uniqueKeys: false });
  const pos = (node: Node | null | undefined): Position => {
    const offset = node?.range?.[0] ?? 0;
    const p = lineCounter.linePos(offset);
    const endColumn = isScalar(node) ? endColumnOf(node, lineCounter) : undefined;
    return endColumn === undefined
      ? { line: p.line, column: p.col }
      : { line: p.line, column: p.col, endColumn };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const p = clampedPosition(text, lineCounter, yamlErrorOffset(text, firstError, doc.contents));
    return {
      ok: false,
      problem: {
        file,
        line: p.line,
        column: p.column,
        message: `${file} is not valid YAML (${firstError.message.split('\n')[0]}); fix it so kustomize can build it.`,
      },
    };
  }
  const root = doc.contents;
  if (root === null || root === undefined) {
    return { ok: true, kustomization: emptyKustomization('Kustomization') };
  }
  if (!isMap(root)) {
    return {
      ok: false,
      problem: {
        file,
        ...pos(root),
        message: `${file} is not a mapping; a kustomization file must be a YAML mapping.`,
      },
    };
  }
  const apiVersion = scalarString(root.get('apiVersion', true));
  if (apiVersion?.startsWith('kustomize.toolkit.fluxcd.io')) {
    return { ok: false, notKustomization: 'Flux Kustomization object, not a kustomize configuration file' };
  }
  const kind = scalarString(root.get('kind', true)) === 'Component' ? 'Component' : 'Kustomization';
  const k = emptyKustomization(kind);
  const strings = (key: string): PositionedString[] => {
    const seq = root.get(key, true);
    if (!isSeq(seq)) return [];
    const out: PositionedString[] = [];
    for (const item of seq.items) {
      const value = scalarString(item);
      if (value) out.push({ value, ...pos(item as Node) });
    }
    return out;
  };
  k.resources = strings('resources');
  k.components = strings('components');
  k.bases = strings('bases');
  k.transformers = strings('transformers');
  k.labels = pairs(root.get('commonLabels', true));
  const labels = root.get('labels', true);
  if (isSeq(labels)) {
    for (const item of labels.items) if (isMap(item)) Object.assign(k.labels, pairs(item.get('pairs', true)));
  }
  k.annotations = pairs(root.get('commonAnnotations', true));
  const ns = root.get('namespace', true);
  const nsValue = scalarString(ns);
  if (nsValue) k.namespace = { value: nsValue, ...pos(ns as Node) };
  k.namePrefix = scalarString(root.get('namePrefix', true)) ?? '';
  k.nameSuffix = scalarString(root.get('nameSuffix', true)) ?? '';
  const images = root.get('images', true);
  if (isSeq(images)) {
    for (const item of images.items) {
      if (isMap(item)) k.images.push(readImageEntry(item, pos));
    }
  }
  k.patches = [
    ...readPatches(root.get('patches', true), false, pos, text, lineCounter),
    ...readPatches(root.get('patchesStrategicMerge', true), false, pos, text, lineCounter),
    ...readPatches(root.get('patchesJson6902', true), true, pos, text, lineCounter),
  ];
  for (const [field, reason] of Object.entries(UNSUPPORTED_FIELDS)) {
    const node = root.get(field, true);
    if (node !== undefined && node !== null) k.unsupported.push({ value: reason, ...pos(node as Node) });
  }
  return { ok: true, kustomization: k };
}

function pairs(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    const key = scalarString(pair.key);
    const value = scalarString(pair.value);
    if (key !== null) out[key] = value ?? '';
  }
  return out;
}

function emptyKustomization(kind: Kustomization['kind']): Kustomization {
  return {
    kind,
    resources: [],
    components: [],
    bases: [],
    images: [],
    namespace: null,
    namePrefix: '',
    nameSuffix: '',
    patches: [],
    transformers: [],
    labels: {},
    annotations: {},
    unsupported: [],
  };
}

/** Returns a scalar's text as written (`1.10` stays `1.10`), or null for non-scalars and nulls. */
export function scalarString(node: unknown): string | null {
  if (!isScalar(node) || node.value === null || node.value === undefined) return null;
  if (typeof node.value === 'string') return node.value;
  // Plain scalars such as `newTag: 1.10` are numbers to YAML; kustomize reads them as the written text.
  return typeof node.source === 'string' ? node.source : String(node.value);
}

function readImageEntry(item: YAMLMap, pos: (n: Node | null | undefined) => Position): ImageEntryAt {
  const entry: KustomizeImageEntry = { name: scalarString(item.get('name', true)) ?? '' };
  const fields: ImageEntryAt['fields'] = {};
  for (const key of ['newName', 'newTag', 'digest', 'tagSuffix'] as const) {
    const node = item.get(key, true);
    const value = scalarString(node);
    if (value) {
      entry[key] = value;
      fields[key] = pos(node as Node);
    }
  }
  return { entry, fields, ...pos(item) };
}

function readPatches(
  node: unknown,
  json6902: boolean,
  pos: (n: Node | null | undefined) => Position,
  text: string,
  lineCounter: LineCounter,
): PatchRef[] {
  if (!isSeq(node)) return [];
  const out: PatchRef[] = [];
  for (const item of node.items) {
    const at = pos(item as Node);
    // `patchesStrategicMerge` allows a bare string: either a path or an inline patch.
    if (isScalar(item)) {
      const value = scalarString(item) ?? '';
      const inline = value.includes('\n');
      out.push({
        ...at,
        inline: inline ? value : null,
        inlineStart: inline ? blockStart(item as Node, text, lineCounter) : null,
        path: inline ? null : value,
        target: null,
        json6902,
      });
      continue;
    }
    if (!isMap(item)) continue;
    const patchNode = item.get('patch', true);
    const inline = scalarString(patchNode);
    const targetNode = item.get('target', true);
    let target: PatchTarget | null = null;
    if (isMap(targetNode)) {
      target = {};
      for (const key of [
        'group',
        'version',
        'kind',
        'name',
        'namespace',
        'labelSelector',
        'annotationSelector',
      ] as const) {
        const v = scalarString(targetNode.get(key, true));
        if (v !== null) target[key] = v;
      }
    }
    out.push({
      ...at,
      inline,
      inlineStart: inline ? blockStart(patchNode as Node, text, lineCounter) : null,
      path: scalarString(item.get('path', true)),
      target,
      json6902,
    });
  }
  return out;
}

/** For a block scalar (`patch: |-`), where its first content line starts; null for other styles. */
function blockStart(node: Node, text: string, lineCounter: LineCounter): Position | null {
  if (!isScalar(node) || (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') || !node.range)
    return null;
  const headerEnd = text.indexOf('\n', node.range[0]);
  if (headerEnd < 0) return null;
  const firstLine = lineCounter.linePos(headerEnd + 1).line;
  let offset = headerEnd + 1;
  // Line 1 of the value is the line after the header; its indentation is that of the first non-blank line.
  while (offset < node.range[1]) {
    const lineEnd = text.indexOf('\n', offset);
    const line = text.slice(offset, lineEnd < 0 ? undefined : lineEnd);
    if (line.trim() !== '') {
      const indent = line.length - line.trimStart().length;
      return { line: firstLine, column: indent + 1 };
    }
    if (lineEnd < 0) break;
    offset = lineEnd + 1;
  }
  return null;
}
