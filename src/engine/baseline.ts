/** Reads the baseline file of a scan (inside the repository root only) and applies it to the report. */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
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
 * The baseline's text, or null when the default file does not exist. The file must be a regular file inside
 * `root` (a pull request controls the repository, so the path may not reach out of it, and a FIFO or device
 * must not hang or flood the run).
 */
export async function readBaselineFile(
  root: string,
  name: string | null,
  options: { missingOk?: boolean } = {},
): Promise<{ file: string; text: string } | null> {
  const { file, path, rel } = baselinePath(root, name);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && (name === null || options.missingOk)) return null;
    throw new BaselineError(
      code === 'ELOOP'
        ? `baseline ${file} is a symbolic link; name the file itself.`
        : `baseline ${file} cannot be read (${code ?? String(err)}); check the baseline setting.`,
    );
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new BaselineError(`baseline ${file} is not a regular file.`);
    if (st.size > MAX_BASELINE_BYTES)
      throw new BaselineError(`baseline ${file} is larger than ${MAX_BASELINE_BYTES} bytes; it is not read.`);
    const buf = Buffer.alloc(Math.min(st.size, MAX_BASELINE_BYTES) + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_BASELINE_BYTES)
      throw new BaselineError(`baseline ${file} is larger than ${MAX_BASELINE_BYTES} bytes; it is not read.`);
    return { file: rel, text: buf.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
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
