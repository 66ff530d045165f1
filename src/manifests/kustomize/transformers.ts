import { isMap, type Node } from 'yaml';
import { parseYamlStream } from '../../yaml.js';
import type { KustomizeImageEntry } from './image-transform.js';
import { type ImageEntryAt, type Position, scalarString } from './kustomization.js';

/** Builtin transformer kinds that never change an image, a name or a namespace. */
const HARMLESS_TRANSFORMERS = new Set([
  'LabelTransformer',
  'AnnotationsTransformer',
  'ReplicaCountTransformer',
  'HashTransformer',
]);

/**
 * Reads a `transformers:` file: returns the image entries of builtin `ImageTagTransformer` documents and
 * a reason for each transformer this renderer cannot evaluate.
 */
export function readTransformerImages(
  file: string,
  text: string,
): { entries: ImageEntryAt[]; unsupported: string[] } {
  const { documents, lineCounter } = parseYamlStream(text);
  const entries: ImageEntryAt[] = [];
  const unsupported: string[] = [];
  const pos = (node: Node | null | undefined): Position => {
    const p = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  };
  for (const doc of documents) {
    const root = doc.contents;
    if (!isMap(root)) continue;
    const kind = scalarString(root.get('kind', true)) ?? '(no kind)';
    if (HARMLESS_TRANSFORMERS.has(kind)) continue;
    const imageTag = root.get('imageTag', true);
    if (kind === 'ImageTagTransformer' && isMap(imageTag)) {
      const entry: KustomizeImageEntry = { name: scalarString(imageTag.get('name', true)) ?? '' };
      const fields: ImageEntryAt['fields'] = {};
      for (const key of ['newName', 'newTag', 'digest', 'tagSuffix'] as const) {
        const node = imageTag.get(key, true);
        const value = scalarString(node);
        if (value) {
          entry[key] = value;
          fields[key] = pos(node as Node);
        }
      }
      entries.push({ entry, fields, ...pos(imageTag) });
      continue;
    }
    unsupported.push(
      `transformer ${kind} in ${file} is not evaluated natively and may change images or names; use render: kustomize for an exact result.`,
    );
  }
  return { entries, unsupported };
}
