/**
 * The fast YAML path (src/manifests/fast-yaml.ts) against the `yaml` library, which stays the one
 * truth: over every corpus file (`../shared/corpus`, skipped visibly when absent), every fixture
 * and generated benchmark files, the fast path either gives up (the library then parses) or gives
 * the library's exact nodes (kinds, ranges, values) and line starts, and extraction gives the same
 * images, positions and problems as the library-only path.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { generateRepo } from '../../bench/gen-repo.js';
import { extractFile } from '../../src/manifests/extract.js';
import { fastParse } from '../../src/manifests/fast-yaml.js';
import { libraryParse } from '../../src/manifests/parse.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const present = existsSync(CORPUS);

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name))
      out.push(path.join(entry.parentPath, entry.name));
  }
  return out.sort();
}

/** Differences between the library's node and the fast path's, as readable paths (empty: same). */
function diffNodes(lib: unknown, fast: unknown, at: string, out: string[]): void {
  if (out.length > 5) return;
  if (fast === null && isScalar(lib) && lib.value === null) return;
  if (lib === null || fast === null || lib === undefined || fast === undefined) {
    if (lib !== fast) out.push(`${at}: ${String(lib)} vs ${String(fast)}`);
    return;
  }
  const l = lib as Node;
  const f = fast as Node;
  const kind = (n: unknown): string =>
    isMap(n) ? 'map' : isSeq(n) ? 'seq' : isScalar(n) ? 'scalar' : String(n);
  if (kind(l) !== kind(f)) {
    out.push(`${at}: ${kind(l)} vs ${kind(f)}`);
    return;
  }
  if (l.range?.[0] !== f.range?.[0]) out.push(`${at}: starts at ${l.range?.[0]} vs ${f.range?.[0]}`);
  if (isScalar(l) && isScalar(f)) {
    // Merge keys (`<<`) hold a fresh symbol each.
    const same =
      Object.is(l.value, f.value) ||
      (typeof l.value === 'symbol' &&
        typeof f.value === 'symbol' &&
        l.value.description === f.value.description);
    if (!same || l.type !== f.type || l.range?.[1] !== f.range?.[1])
      out.push(
        `${at}: ${JSON.stringify([l.value, l.type, l.range])} vs ${JSON.stringify([f.value, f.type, f.range])}`,
      );
    return;
  }
  if ((isMap(l) || isSeq(l)) && (isMap(f) || isSeq(f))) {
    if (Boolean(l.flow) !== Boolean(f.flow)) out.push(`${at}: flow ${l.flow} vs ${f.flow}`);
    if (l.flow && l.range?.[1] !== f.range?.[1])
      out.push(`${at}: ends at ${l.range?.[1]} vs ${f.range?.[1]}`);
    if (l.items.length !== f.items.length) {
      out.push(`${at}: ${l.items.length} vs ${f.items.length} items`);
      return;
    }
    l.items.forEach((item, i) => {
      const other = f.items[i];
      if (isMap(l)) {
        const a = item as { key: unknown; value: unknown };
        const b = other as { key: unknown; value: unknown };
        diffNodes(a.key, b.key, `${at}.key${i}`, out);
        diffNodes(a.value, b.value, `${at}.${String((a.key as { value?: unknown })?.value)}`, out);
      } else diffNodes(item, other, `${at}[${i}]`, out);
    });
  }
}

/** Compares both parsers and both extractions of one file; returns whether the fast path took it. */
function compareFile(absPath: string, name: string, text = readFileSync(absPath, 'utf8')): boolean {
  const fast = fastParse(text);
  if (fast !== null) {
    const lib = libraryParse(text);
    expect(fast.lineCounter.lineStarts, name).toEqual(lib.lineCounter.lineStarts);
    expect(fast.documents.length, name).toBe(lib.documents.length);
    fast.documents.forEach((doc, i) => {
      const libDoc = lib.documents[i];
      expect(doc.error, `${name} document ${i + 1}`).toEqual(libDoc?.error);
      const diffs: string[] = [];
      diffNodes(libDoc?.contents, doc.contents, `${name}#${i + 1}`, diffs);
      expect(diffs).toEqual([]);
    });
  }
  const file = { path: name, absPath, size: text.length };
  expect(extractFile(file, text), name).toEqual(extractFile(file, text, { libraryOnly: true }));
  return fast !== null;
}

describe.skipIf(!present)('fast path = yaml library on the corpus (../shared/corpus)', () => {
  it('gives identical nodes, images, positions and problems for every corpus file', () => {
    const files = listFiles(CORPUS);
    expect(files.length).toBeGreaterThan(600);
    let fast = 0;
    for (const f of files) if (compareFile(f, path.relative(CORPUS, f))) fast++;
    console.log(`fast path took ${fast} of ${files.length} corpus files; the yaml library parsed the rest`);
    // The fast path must actually be exercised, or this test proves nothing.
    expect(fast).toBeGreaterThan(files.length / 2);
  });
});

describe.runIf(!present)('fast path on the corpus (missing)', () => {
  it.skip(`skipped: corpus directory ${CORPUS} not found (it sits next to the repository clone)`, () => {});
});

describe('fast path = yaml library on fixtures and generated files', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'kic-fast-'));
    await generateRepo(root, { files: 60, docsPerFile: 11 });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('gives identical results for every fixture', () => {
    const files = listFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(50);
    let fast = 0;
    for (const f of files) if (compareFile(f, path.relative(FIXTURES, f))) fast++;
    expect(fast).toBeGreaterThan(10);
  });

  it('gives identical results for the benchmark generator and takes its YAML files', () => {
    const files = listFiles(root);
    let fast = 0;
    for (const f of files) if (compareFile(f, path.relative(root, f))) fast++;
    expect(fast).toBeGreaterThanOrEqual(files.filter((f) => f.endsWith('.yaml')).length);
  });
});

describe('fast path = yaml library on mutated manifests', () => {
  /** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
  const prng = (seed: number): (() => number) => {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const PIECES = [
    ':',
    ' ',
    '-',
    '#',
    "'",
    '"',
    '[',
    ']',
    '{',
    '}',
    ',',
    '|',
    '>',
    '\n',
    '  ',
    '- ',
    ': ',
    '---\n',
    '&a',
    '*a',
    '!',
    '?',
    '\\',
    '1',
    'x',
    '~',
  ];
  const BASE = [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web # the app\n  labels: {app: web, tier: "1"}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: "nginx:1.27"\n        args: ["--port", \'80\']\n        env:\n          - name: A\n            value: |\n              line\n\n              more\n      - name: side\n        image: busybox\n---\nkind: ConfigMap\ndata:\n  a: >-\n    folded\n  b: \'it\'\'s\'\n',
    'kind: List\nitems:\n- kind: Pod\n  spec:\n    containers:\n    - {name: a, image: x:1}\n    -\n      name: b\n      image: y\n- kind: Pod\n  spec: {containers: [{name: c, image: z}]}\n',
  ];

  it('agrees (or gives up) on 2,000 seeded random edits of manifests', () => {
    const r = prng(12345);
    let fast = 0;
    for (let i = 0; i < 2000; i++) {
      let text = BASE[i % BASE.length]!;
      const edits = 1 + Math.floor(r() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * text.length);
        const piece = PIECES[Math.floor(r() * PIECES.length)]!;
        const kind = r();
        if (kind < 0.4) text = text.slice(0, at) + piece + text.slice(at);
        else if (kind < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 3));
        else text = text.slice(0, at) + piece + text.slice(at + piece.length);
      }
      if (compareFile('/mutated.yaml', `mutated-${i}.yaml`, text)) fast++;
    }
    expect(fast).toBeGreaterThan(200);
  });
});
