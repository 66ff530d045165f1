import { describe, expect, it } from 'vitest';
import { parseValues } from '../../src/manifests/helm/values.js';
import { parseKustomization } from '../../src/manifests/kustomize/kustomization.js';
import { parseManifestText } from '../../src/manifests/parse.js';

describe('parseManifestText', () => {
  it('keeps empty documents so indexes match the file', () => {
    const parsed = parseManifestText('---\na: 1\n---\n---\nb: 2\n---\n');
    expect(parsed.documents.map((d) => d.index)).toEqual([0, 1, 2, 3]);
    expect(parsed.documents.map((d) => d.contents?.toJSON() ?? null)).toEqual([
      { a: 1 },
      null,
      { b: 2 },
      null,
    ]);
  });

  it('returns no documents for empty or comment-only text', () => {
    expect(parseManifestText('').documents).toEqual([]);
    expect(parseManifestText('# nothing\n').documents).toEqual([]);
  });

  it('maps offsets to 1-based positions with CRLF line endings', () => {
    const text = 'a: 1\r\nb:\r\n  c: x\r\n';
    const parsed = parseManifestText(text);
    expect(parsed.position(text.indexOf('x'))).toEqual({ line: 3, column: 6 });
    expect(parsed.lineText(3)).toBe('  c: x');
    expect(parsed.lineText(99)).toBe('');
  });

  it('parses tab-indented JSON', () => {
    const parsed = parseManifestText('{\n\t"a": {\n\t\t"b": [1, "x"]\n\t}\n}\n');
    expect(parsed.documents[0]?.error).toBeUndefined();
    expect(parsed.documents[0]?.contents?.toJSON()).toEqual({ a: { b: [1, 'x'] } });
  });

  it('reports the first error of each broken document, not of the others', () => {
    const parsed = parseManifestText('a: 1\n---\nb: [1, 2\nc: d\n---\ne: f\n');
    // The unclosed flow sequence is reported at its `[`, not where the parser gave up.
    expect(parsed.documents.map((d) => d.error?.line ?? null)).toEqual([null, 3, null]);
    expect(parsed.documents[1]?.error).toMatchObject({ column: 4, fatal: true });
  });

  it('marks duplicate keys as non-fatal', () => {
    const parsed = parseManifestText('a: 1\na: 2\n');
    expect(parsed.documents[0]?.error).toMatchObject({
      line: 2,
      column: 1,
      code: 'DUPLICATE_KEY',
      fatal: false,
    });
  });
});

describe('positions of YAML errors in values and kustomization files', () => {
  it('points at the opening quote of an unterminated string, never past the end of the file', () => {
    const text = 'image:\n  repository: "nginx\n  tag: 1.27\n';
    const values = parseValues('values.yaml', text);
    expect(values.errors.map((e) => [e.line, e.column])).toEqual([[2, 15]]);
    const kustomization = parseKustomization(
      'kustomization.yaml',
      `images:\n  - name: "app\n    newTag: v1\n`,
    );
    expect(kustomization).toMatchObject({ ok: false, problem: { line: 2, column: 11 } });
  });
});
