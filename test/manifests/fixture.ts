import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ExtractOptions, extractFile, type FileExtract } from '../../src/manifests/extract.js';
import type { ManifestFile } from '../../src/manifests/types.js';

/** Absolute path of the manifest fixtures directory. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/manifests/', import.meta.url));

/** Extracts one fixture file (path relative to fixtures/manifests). */
export function extractFixture(name: string, options?: ExtractOptions): FileExtract {
  const absPath = FIXTURES + name;
  const text = readFileSync(absPath, 'utf8');
  const file: ManifestFile = { path: name, absPath, size: text.length };
  return extractFile(file, text, options);
}
