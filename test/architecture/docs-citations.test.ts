/**
 * Every citation of the project's own docs in src/, test/, bench/ and README.md (`docs/pod-health.md#table`,
 * and further `#section` ids on the same line) names a file in docs/ and a section id (`{#id}`) that exists
 * there, so a renamed section cannot leave the code pointing nowhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return /\.(ts|mjs|md)$/.test(e.name) ? [p] : [];
  });
}

function sectionIds(doc: string): Set<string> {
  return new Set([...readFileSync(doc, 'utf8').matchAll(/\{#([a-z0-9-]+)\}/g)].map((m) => m[1]!));
}

/** `docs/x.md` not inside a quoted path (test fixtures name `docs/readme.md` files of their own). */
const CITATION = /(?<![\w/.'"-])docs\/([a-z-]+)\.md/g;
/** Citations of other projects' docs folders, written as `<project> docs/x.md`. */
const EXTERNAL = /actions\/toolkit docs\//;

describe('citations of docs/', () => {
  // This file's own comments spell example citations, so it is left out.
  const files = [
    ...['src', 'test', 'bench'].flatMap((d) => walk(join(ROOT, d))),
    join(ROOT, 'README.md'),
  ].filter((f) => f !== import.meta.filename);
  const citing = files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .map((line, i) => ({ file: relative(ROOT, f), line: i + 1, text: line }))
      .filter((l) => !EXTERNAL.test(l.text) && [...l.text.matchAll(CITATION)].length > 0),
  );

  it('finds the citations (sanity check)', () => {
    expect(citing.some((c) => c.file === 'src/registry/classify.ts')).toBe(true);
    expect(citing.some((c) => c.file === 'src/cluster/pod-health.ts')).toBe(true);
  });

  it('every cited document and section exists', () => {
    const broken: string[] = [];
    for (const c of citing) {
      const docs = [...c.text.matchAll(CITATION)].map((m) => m[1]!);
      for (const name of docs) {
        const path = join(ROOT, 'docs', `${name}.md`);
        if (!existsSync(path)) broken.push(`${c.file}:${c.line}: docs/${name}.md does not exist`);
      }
      // Section ids on a line belong to the last document cited before them.
      const ids = [...c.text.matchAll(/(?:(?<![\w/.'"-])docs\/([a-z-]+)\.md)?#([a-z0-9-]+)/g)];
      let doc: string | undefined;
      for (const [, name, id] of ids) {
        if (name) doc = name;
        if (!doc) continue;
        const path = join(ROOT, 'docs', `${doc}.md`);
        if (existsSync(path) && !sectionIds(path).has(id!))
          broken.push(`${c.file}:${c.line}: docs/${doc}.md has no section {#${id}}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
