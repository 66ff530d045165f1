/** Reads the baseline file of a scan (inside the repository root only) and applies it to the report. */
import { isAbsolute, relative, resolve } from 'node:path';
import { createRootedReader, FileRefusedError } from '../manifests/read.js';
import { applyBaseline, BaselineError, DEFAULT_BASELINE_FILE, parseBaseline } from '../report/baseline.js';
import type { Report } from '../report/model.js';

/** A baseline larger than this is refused (a reviewed list of accepted findings is small). */
const MAX_BASELINE_BYTES = 1_000_000;

/** The baseline's path: the setting or the default, which must stay inside the repository root. */
export function baselinePath(root: string, name: string | null): { file: string; path: string; rel: string } {
  const file = name ?? DEFAULT_BASELINE_FILE;
  const path = resolve(root, file);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new BaselineError(`baseline ${file} is outside the repository; name a file under the root.`);
  return { file, path, rel };
}

/**
 * The baseline's text, or null when the default file (or, with `missingOk`, the named one) does not exist.
 * It is read like every repository file: a regular file whose real path is under `root` (a pull request
 * controls the repository), bounded in size, never a FIFO or device.
 */
export async function readBaselineFile(
  root: string,
  name: string | null,
  options: { missingOk?: boolean } = {},
): Promise<{ file: string; text: string } | null> {
  const { file, path, rel } = baselinePath(root, name);
  const read = createRootedReader({ root, maxFileSize: MAX_BASELINE_BYTES });
  try {
    return { file: rel, text: await read(path) };
  } catch (err) {
    if (!(err instanceof FileRefusedError)) throw err;
    if (err.refusal.kind === 'missing' && (name === null || options.missingOk)) return null;
    throw new BaselineError(`baseline ${file} ${err.refusal.reason}; check the baseline setting.`);
  }
}

/** Applies the configured (or default) baseline; the report is unchanged when there is none. */
export async function withBaseline(
  report: Report,
  root: string,
  name: string | null,
  now: Date,
): Promise<Report> {
  const read = await readBaselineFile(root, name);
  if (!read) return report;
  return applyBaseline(report, parseBaseline(read.text, read.file), read.file, now);
}
