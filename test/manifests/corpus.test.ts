/**
 * The real-world corpus (`../shared/corpus` next to the repository clone): every file is handled
 * without a crash, and every container image is found at its line and column.
 *
 * The expected set is computed independently of the scanner, from the text lines alone: every
 * line whose key is `image` (YAML `image:` or JSON `"image":`) with a value on the same line is a
 * container image, except keys whose parent mapping is in NON_CONTAINER_PARENTS (checked by
 * indentation). Files the scanner skips as Helm templates are left out of the expectation (a
 * later stage renders them); the test asserts that only files in a `templates/` directory or with
 * Go template syntax are skipped that way.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/resolve.js';
import { collectUses } from '../../src/engine/scan.js';
import { HELM_TEMPLATE_REASON } from '../../src/manifests/templated.js';
import type { ExtractResult } from '../../src/manifests/types.js';

const silent = { debug: () => undefined, info: () => undefined, warning: () => undefined };

/** The production manifest stage (collectUses), with rendering off: discovery, reading, extraction. */
async function scanManifests(opts: { root: string; workers?: number }): Promise<ExtractResult> {
  const { root, ...parse } = opts;
  const collected = await collectUses(
    { ...defaultConfig(), render: 'none' },
    { root, logger: silent, parse },
  );
  return collected.extract;
}

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const present = existsSync(CORPUS);

/**
 * Parents whose `image` key is not a container image, found by reading the corpus:
 * - `rbd`: a Ceph RBD volume's image name (kubernetes/examples volumes/rbd).
 */
const NON_CONTAINER_PARENTS = new Set(['rbd']);

const IMAGE_LINE = /^(\s*)(?:-\s+)?["']?image["']?\s*:\s*(\S.*)$/;

/** All manifest files under `dir`, repo-relative, by a plain recursive walk. */
function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, r));
    else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(r);
  }
  return out;
}

/** The key of the nearest line above `index` that is indented less than `indent`. */
function parentKey(lines: string[], index: number, indent: number): string | null {
  for (let i = index - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const own = line.length - line.trimStart().length;
    if (own < indent) return /^\s*(?:-\s+)?["']?([\w.-]+)["']?\s*:/.exec(line)?.[1] ?? null;
  }
  return null;
}

/** The scalar as a reader sees it: without a trailing comment, quotes or a JSON comma. */
function plainValue(value: string): string {
  let v = value.replace(/\s+#.*$/, '').trim();
  if (v.endsWith(',')) v = v.slice(0, -1).trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
  return v;
}

function expectedImages(files: string[], skipped: Set<string>): string[] {
  const out: string[] = [];
  for (const file of files) {
    if (skipped.has(file)) continue;
    const lines = readFileSync(path.join(CORPUS, file), 'utf8').split(/\r?\n/);
    lines.forEach((line, i) => {
      const m = IMAGE_LINE.exec(line);
      if (!m) return;
      const keyIndent = line.length - line.replace(/^\s*(?:-\s+)?/, '').length;
      if (NON_CONTAINER_PARENTS.has(parentKey(lines, i, keyIndent) ?? '')) return;
      const column = line.length - (m[2] ?? '').length + 1;
      out.push(`${file}:${i + 1}:${column} ${plainValue(m[2] ?? '')}`);
    });
  }
  return out.sort();
}

function foundImages(result: ExtractResult): string[] {
  return [...result.uses, ...result.templated.map((t) => t.use)]
    .map((u) => `${u.file}:${u.line}:${u.column} ${u.raw}`)
    .sort();
}

describe.skipIf(!present)('corpus (../shared/corpus)', () => {
  let first: ExtractResult | undefined;
  const scan = async (): Promise<ExtractResult> => {
    first ??= await scanManifests({ root: CORPUS });
    return first;
  };

  it('handles every file: each is scanned or skipped with a reason, without a crash', async () => {
    const result = await scan();
    const files = listFiles(CORPUS);
    expect(files.length).toBeGreaterThan(600);
    expect(result.scanned + result.skipped.length).toBe(files.length);
    for (const s of result.skipped) {
      expect(s.reason).toBe(HELM_TEMPLATE_REASON);
      const text = readFileSync(path.join(CORPUS, s.file), 'utf8');
      expect(text, s.file).toContain('{{');
    }
    // The only problems in the corpus are duplicate mapping keys (Kubernetes rejects them).
    for (const e of result.errors)
      expect(e.message, `${e.file}:${e.line}`).toContain('duplicate mapping key');
  });

  it('finds every container image at its line and column, and nothing else', async () => {
    const result = await scan();
    const skipped = new Set(result.skipped.map((s) => s.file));
    const expected = expectedImages(listFiles(CORPUS), skipped);
    const found = foundImages(result);
    expect(expected.length).toBeGreaterThan(250);
    const missing = expected.filter((e) => !found.includes(e));
    const extra = found.filter((f) => !expected.includes(f));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it('gives the same, sorted result on a second run', async () => {
    const a = await scan();
    const b = await scanManifests({ root: CORPUS });
    expect(b).toEqual(a);
    const keys = a.uses.map((u) => [u.file, u.line, u.column] as const);
    const sorted = [...keys].sort((x, y) =>
      x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2],
    );
    expect(keys).toEqual(sorted);
  });
});

describe.runIf(!present)('corpus (missing)', () => {
  it.skip(`skipped: corpus directory ${CORPUS} not found (it sits next to the repository clone)`, () => {});
});
