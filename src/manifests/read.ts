import { readFile } from 'node:fs/promises';
import type { ManifestFile } from './types.js';

/** Reads a discovered manifest as UTF-8 text (the thin I/O half of extraction). */
export function readManifestText(file: ManifestFile): Promise<string> {
  return readFile(file.absPath, 'utf8');
}
