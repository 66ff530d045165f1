import { describe, expect, it } from 'vitest';
import { extractFiles } from '../../src/manifests/extract.js';
import type { ManifestFile } from '../../src/manifests/types.js';

const pod = (image: string, line = ''): string =>
  `${line}kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;

const texts: Record<string, string> = {
  'b.yaml': pod('nginx:1') + '---\n' + pod('redis:7'),
  'a.yaml': pod('${IMAGE}'),
  'c.yaml': 'a: [\n',
  'chart/templates/d.yaml': pod('"{{ .Values.image }}"'),
  'z.yaml': pod('alpine:3'),
};

const file = (path: string): ManifestFile => ({ path, absPath: `/repo/${path}`, size: 1 });

describe('extractFiles', () => {
  it('merges per-file results, sorted by file/line/column, with unreadable files skipped', async () => {
    const files = ['z.yaml', 'missing.yaml', 'b.yaml', 'chart/templates/d.yaml', 'c.yaml', 'a.yaml'].map(
      file,
    );
    // Reads finish in reverse order of request, to show the output does not depend on timing.
    const read = async (f: ManifestFile): Promise<string> => {
      await new Promise((r) => setTimeout(r, 10 - files.indexOf(f)));
      const text = texts[f.path];
      if (text === undefined) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
      return text;
    };
    const result = await extractFiles(files, read, { concurrency: 3 });
    expect(result.uses.map((u) => `${u.file}:${u.line}:${u.raw}`)).toEqual([
      'b.yaml:6:nginx:1',
      'b.yaml:13:redis:7',
      'z.yaml:6:alpine:3',
    ]);
    expect(result.templated.map((t) => `${t.use.file}:${t.use.line}:${t.reason}`)).toEqual([
      'a.yaml:6:shell-style variable ${IMAGE}',
    ]);
    // At the unclosed `[`: the file has one line, so never line 2.
    expect(result.errors.map((e) => `${e.file}:${e.line}:${e.column}`)).toEqual(['c.yaml:1:4']);
    expect(result.skipped).toEqual([
      { file: 'chart/templates/d.yaml', reason: 'Helm template; rendering comes later' },
      {
        file: 'missing.yaml',
        reason: 'could not be read (ENOENT); check that the file exists and is readable',
      },
    ]);
    expect(result.scanned).toBe(4);
  });

  it('returns an empty result for no files', async () => {
    const result = await extractFiles([], async () => '');
    expect(result).toEqual({ uses: [], templated: [], skipped: [], errors: [], scanned: 0 });
  });
});
