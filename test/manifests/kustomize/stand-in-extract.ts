import { isMap, isSeq, LineCounter, type Node, parseAllDocuments, type YAMLMap } from 'yaml';
import type { ContainerType, ImageUse, ManifestFile, ParseProblem } from '../../../src/manifests/types.js';

const LISTS: [string, ContainerType][] = [
  ['containers', 'container'],
  ['initContainers', 'initContainer'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

/**
 * A minimal stand-in for `extractFile` (src/manifests/extract.ts): pod specs at `spec`, `spec.template.spec`
 * and `spec.jobTemplate.spec.template.spec`. Only used where the kustomize tests need an extractor that does
 * not depend on the manifests module.
 */
export function standInExtract(
  file: ManifestFile,
  text: string,
): { uses: ImageUse[]; errors: ParseProblem[] } {
  const lc = new LineCounter();
  const uses: ImageUse[] = [];
  const errors: ParseProblem[] = [];
  parseAllDocuments(text, { lineCounter: lc }).forEach((doc, docIndex) => {
    if (doc.errors[0]) {
      const p = lc.linePos(doc.errors[0].pos[0]);
      errors.push({ file: file.path, line: p.line, column: p.col, message: doc.errors[0].message });
      return;
    }
    const root = doc.contents;
    if (!isMap(root)) return;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const kind = str(root.get('kind')) ?? '';
    const meta = root.get('metadata');
    const specs: unknown[] = [
      root.getIn(['spec']),
      root.getIn(['spec', 'template', 'spec']),
      root.getIn(['spec', 'jobTemplate', 'spec', 'template', 'spec']),
    ];
    for (const spec of specs) {
      if (!isMap(spec)) continue;
      for (const [key, containerType] of LISTS) {
        const list = spec.get(key);
        if (!isSeq(list)) continue;
        for (const c of list.items) {
          if (!isMap(c)) continue;
          const node = (c as YAMLMap).get('image', true) as Node | undefined;
          const raw = str((node as { value?: unknown } | undefined)?.value);
          if (!node || raw === null) continue;
          const p = lc.linePos(node.range?.[0] ?? 0);
          uses.push({
            raw,
            file: file.path,
            line: p.line,
            column: p.col,
            docIndex,
            kind,
            apiVersion: str(root.get('apiVersion')),
            namespace: isMap(meta) ? str(meta.get('namespace')) : null,
            name: isMap(meta) ? str(meta.get('name')) : null,
            container: str((c as YAMLMap).get('name')),
            containerType,
          });
        }
      }
    }
  });
  return { uses, errors };
}
