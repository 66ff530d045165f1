/**
 * Parsing is linear in the input (issue 9: the yaml library's own duplicate-key check is
 * quadratic; a 100k-key mapping took minutes) and still reports duplicate keys at their line, on
 * the fast path and on the library path; an alias to an anchor of another document is a parse
 * error at the alias (issue 13), as kubectl and PyYAML reject such a file.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { extractFile } from '../../src/manifests/extract.js';
import { parseManifestText, yamlErrorOffset } from '../../src/manifests/parse.js';

const FILE = { path: 'x.yaml', absPath: '/x.yaml', size: 0 };

function flatMapping(keys: number, duplicateAt?: number): string {
  const lines: string[] = [];
  for (let i = 0; i < keys; i++) lines.push(`key${i === duplicateAt ? 0 : i}: value-${i}`);
  return `${lines.join('\n')}\n`;
}

describe('parse time is linear in the input', () => {
  const text = flatMapping(100_000);

  it('parses a flat mapping with 100k keys (1.6 MB) well under the bound on the fast path', () => {
    expect(text.length).toBeGreaterThan(1_000_000);
    const start = performance.now();
    const parsed = parseManifestText(text);
    const ms = performance.now() - start;
    expect(parsed.fast).toBe(true);
    expect(parsed.documents).toHaveLength(1);
    expect(parsed.documents[0]?.error).toBeUndefined();
    // Generous for a shared machine; the quadratic check took more than 5 minutes.
    expect(ms).toBeLessThan(5000);
  });

  it('parses it with the yaml library alone in linear time too (its quadratic check is off)', () => {
    const start = performance.now();
    const parsed = parseManifestText(text, { libraryOnly: true });
    const ms = performance.now() - start;
    expect(parsed.fast).toBe(false);
    expect(parsed.documents[0]?.error).toBeUndefined();
    expect(ms).toBeLessThan(30_000);
  });

  it.each([false, true])(
    'reports a duplicate among 100k keys at its line (library only: %s)',
    (libraryOnly) => {
      const dup = flatMapping(100_000, 99_998);
      const result = extractFile(FILE, dup, { libraryOnly });
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({ line: 99_999, column: 1 });
      expect(result.errors[0]?.message).toContain('duplicate mapping key in document 1');
    },
  );

  it.each([false, true])(
    'reports the first duplicate in document order, nested or flow (library only: %s)',
    (libraryOnly) => {
      const text = 'a: 1\nb:\n  c: 1\n  d: {x: 1, x: 2}\n  c: 2\na: 3\n---\nkind: Pod\nkind: Pod\n';
      const parsed = parseManifestText(text, { libraryOnly });
      expect(parsed.fast).toBe(!libraryOnly);
      expect(
        parsed.documents.map((d) => [d.error?.code, d.error?.line, d.error?.column, d.error?.fatal]),
      ).toEqual([
        ['DUPLICATE_KEY', 4, 13, false],
        ['DUPLICATE_KEY', 9, 1, false],
      ]);
    },
  );
});

describe("the linear duplicate check agrees with the library's own (quadratic) one", () => {
  it.each([
    'a: 1\na: 2\n',
    'a: 1\nb:\n  c: 1\n  # note\n  c: 2\n',
    '- {x: 1, y: 2, x: 3}\n- a: 1\n  a: 1\n',
    '1: a\n1.0: b\n',
    'true: a\nTrue: b\n',
    '~: a\nnull: b\n',
    '.nan: a\n.nan: b\nc: 1\nc: 2\n',
    '<<: {a: 1}\n<<: {b: 2}\nk: 1\n',
    '"a": 1\n\'a\': 2\n',
    '? a\n: 1\na: 2\n',
    '&x a: 1\na: 2\n',
  ])('%j', (text) => {
    const own = parseManifestText(text, { libraryOnly: true }).documents[0]?.error;
    const fast = parseManifestText(text).documents[0]?.error;
    const lib = parseAllDocuments(text, { merge: true, uniqueKeys: true })[0]?.errors.find(
      (e) => e.code === 'DUPLICATE_KEY',
    );
    const expected =
      lib === undefined
        ? undefined
        : parseManifestText(text, { libraryOnly: true }).position(yamlErrorOffset(text, lib, null));
    expect(own === undefined ? undefined : { line: own.line, column: own.column }).toEqual(expected);
    expect(fast).toEqual(own);
  });
});

describe('aliases to anchors outside their document', () => {
  const pod = (name: string, image: string): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: ${name}\n      image: ${image}\n`;

  it.each([false, true])(
    'reports an alias to an anchor of another document at the alias (library only: %s)',
    (libraryOnly) => {
      const text = `${pod('a', '&img nginx:1.27')}---\n${pod('b', '*img')}`;
      const result = extractFile(FILE, text, { libraryOnly });
      expect(result.uses.map((u) => [u.raw, u.line])).toEqual([['nginx:1.27', 8]]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({ line: 17, column: 14 });
      expect(result.errors[0]?.message).toContain(
        'YAML syntax error in document 2: alias *img refers to an anchor in another document',
      );
    },
  );

  it('reports an alias before its anchor in the same document', () => {
    const text =
      'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: *img\n    - name: b\n      image: &img x:1\n';
    const result = extractFile(FILE, text);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 5, column: 14 });
    expect(result.errors[0]?.message).toContain('alias *img has no anchor &img before it in this document');
  });

  it('still follows an alias to an earlier anchor of the same document', () => {
    const text =
      'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: &img x:1\n    - name: b\n      image: *img\n';
    const result = extractFile(FILE, text);
    expect(result.errors).toEqual([]);
    expect(result.uses.map((u) => [u.container, u.raw, u.line])).toEqual([
      ['a', 'x:1', 5],
      ['b', 'x:1', 5],
    ]);
  });
});
