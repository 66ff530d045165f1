/**
 * Annotation and SARIF ranges cover exactly the value on the reported line: the image on an `image:` line,
 * the tag on a kustomize `newTag:` or Helm `tag:` line, and never run past the end of the line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/resolve.js';
import { collectUses } from '../../src/engine/scan.js';
import type { ImageUse } from '../../src/manifests/types.js';
import { renderAnnotation } from '../../src/report/annotations.js';
import { toAnnotation } from '../../src/report/check-run.js';
import type { Finding } from '../../src/report/model.js';
import { buildSarif } from '../../src/report/sarif.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../fixtures');
const quiet = { debug() {}, info() {}, warning() {} };

async function usesOf(dir: string): Promise<ImageUse[]> {
  const root = path.join(fixtures, dir);
  // pathEnv '' keeps helm and kustomize binaries out: the native readers decide the lines.
  const r = await collectUses(
    { ...defaultConfig(), render: 'auto', paths: ['.'] },
    { root, logger: quiet, pathEnv: '' },
  );
  return r.uses.map((u) => ({ ...u, file: path.join(dir, u.file) }));
}

function lineOf(file: string, line: number): string {
  return readFileSync(path.join(fixtures, file), 'utf8').split(/\r?\n/)[line - 1] ?? '';
}

/** The text a use's range covers on its own line. */
function covered(u: ImageUse): string {
  return lineOf(u.file, u.line).slice(u.column - 1, (u.endColumn ?? u.column) - 1);
}

function finding(u: ImageUse): Finding {
  const f: Finding = {
    rule: 'mutable-tag',
    severity: 'warning',
    message: 'm',
    file: u.file,
    line: u.line,
    column: u.column,
    image: u.raw,
  };
  if (u.endColumn !== undefined) f.endColumn = u.endColumn;
  return f;
}

describe('the range of a finding is the value on its line', () => {
  it('covers only the tag on a kustomize newTag: line (staging overlay)', async () => {
    const uses = await usesOf('kustomize');
    const u = uses.find(
      (x) => x.view === 'overlays/staging' && x.raw === 'registry.example.com/team/web:1.1.0-rc1',
    );
    expect(u).toBeDefined();
    if (!u) return;
    expect(lineOf(u.file, u.line).trim()).toBe('newTag: 1.1.0-rc1');
    expect(covered(u)).toBe('1.1.0-rc1');
    const a = toAnnotation(finding(u));
    const text = lineOf(u.file, u.line);
    expect(a?.end_column).toBe(text.length);
    expect(a?.start_column).toBe(text.indexOf('1.1.0-rc1') + 1);
  });

  it('covers only the tag on a Helm values tag: line (shop chart worker)', async () => {
    const uses = await usesOf('helm');
    const u = uses.find((x) => x.raw.startsWith('ghcr.io/example/worker:1.2.3'));
    expect(u).toBeDefined();
    if (!u) return;
    const text = lineOf(u.file, u.line);
    // The line that decided it is the tag or the digest line; the range is that value only.
    expect(text.trim()).toMatch(/^(tag|digest): /);
    expect(covered(u)).toBe(text.slice(text.indexOf(': ') + 2));
  });

  it('covers the whole image on image: lines, quotes included, in every fixture', async () => {
    const all = [...(await usesOf('kustomize')), ...(await usesOf('helm')), ...(await usesOf('manifests'))];
    // A Helm template's image: line holds template text, not the image: that range stays a start column.
    const imageLines = all.filter(
      (u) => /^\s*-?\s*image: /.test(lineOf(u.file, u.line)) && u.raw !== '' && u.origin !== 'helm-values',
    );
    expect(imageLines.length).toBeGreaterThan(10);
    for (const u of imageLines) {
      if (u.raw.includes('\n')) {
        // A value that goes on to the next line has no range on its first line.
        expect(u.endColumn, `${u.file}:${u.line}`).toBeUndefined();
        continue;
      }
      const c = covered(u);
      expect([u.raw, `"${u.raw}"`, `'${u.raw}'`], `${u.file}:${u.line}`).toContain(c);
    }
  });

  it('never runs past the end of the line in check-run, workflow-command or SARIF form', async () => {
    const all = [...(await usesOf('kustomize')), ...(await usesOf('helm')), ...(await usesOf('manifests'))];
    expect(all.some((u) => u.raw.length > lineOf(u.file, u.line).length - u.column + 1)).toBe(true);
    const findings = all.map(finding);
    for (const f of findings) {
      const len = lineOf(f.file ?? '', f.line ?? 1).length;
      const a = toAnnotation(f);
      expect(a?.end_column ?? 0, `${f.file}:${f.line}`).toBeLessThanOrEqual(Math.max(len, 1));
      const end = /endColumn=(\d+)/.exec(renderAnnotation(f));
      if (end) expect(Number(end[1])).toBeLessThanOrEqual(len);
    }
    const sarif = buildSarif({
      schemaVersion: 1,
      tool: { name: 'k8s-image-check', version: '0' },
      images: [],
      findings,
      files: { scanned: 1, skipped: [], errors: [] },
      summary: { findings: { error: 0, warning: findings.length, notice: 0 }, checks: {} },
    });
    const regions =
      (
        sarif as {
          runs: {
            results: {
              locations?: { physicalLocation: { region?: { startLine: number; endColumn?: number } } }[];
            }[];
          }[];
        }
      ).runs[0]?.results ?? [];
    expect(regions.some((r) => r.locations?.[0]?.physicalLocation.region?.endColumn !== undefined)).toBe(
      true,
    );
  });
});
