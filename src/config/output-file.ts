/**
 * Report files (`json-file`, `sarif-file`) written where the operator allowed: in the action, inside
 * the workspace or `RUNNER_TEMP`, never through a symbolic link out of them (the checkout is the pull
 * request's, and a link in it may point anywhere the runner user can write). The file is written to a
 * temporary file with O_NOFOLLOW and renamed over the target, so an existing file's mode bits and a
 * link planted at the last moment are never reused.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from './resolve.js';

/** Where an output file may go. */
export interface OutputPlace {
  /** The setting as the user knows it, for messages: `json-file`. */
  setting: string;
  /** The path as given. */
  given: string;
  /** Directory a relative path is resolved against. */
  base: string;
  /** Directories the file must stay inside; null: anywhere (the CLI operator's own flag). */
  roots: readonly string[] | null;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function refuse(place: OutputPlace, why: string): ConfigError {
  const where = place.roots?.length ? ` (${place.roots.join(' or ')})` : '';
  return new ConfigError(
    `${place.setting}: ${place.given} ${why}; write the report to a path inside the workspace or $RUNNER_TEMP${where}.`,
  );
}

async function realRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of roots) out.push(await realpath(r).catch(() => resolve(r)));
  return out;
}

/**
 * Checks an output path and returns the absolute path to write (its directory's real path plus the
 * file name), or throws a {@link ConfigError} naming the setting.
 */
export async function checkOutputPath(place: OutputPlace): Promise<string> {
  const abs = resolve(place.base, place.given);
  const roots = place.roots;
  if (roots && !roots.some((r) => inside(resolve(r), abs))) throw refuse(place, 'is outside the workspace');
  let dir: string;
  try {
    dir = await realpath(dirname(abs));
  } catch {
    throw new ConfigError(
      `${place.setting}: the directory of ${place.given} does not exist; create it or choose another path.`,
    );
  }
  if (roots && !(await realRoots(roots)).some((r) => inside(r, dir)))
    throw refuse(place, 'leads through a symbolic link to a directory outside the workspace');
  const target = join(dir, basename(abs));
  const st = await lstat(target).catch(() => null);
  if (roots && st?.isSymbolicLink()) throw refuse(place, 'is a symbolic link (not followed)');
  if (roots && st && !st.isFile()) throw refuse(place, 'exists and is not a regular file');
  return target;
}

/** Writes an output file after {@link checkOutputPath}; returns the path written. */
export async function writeOutputFile(place: OutputPlace, text: string): Promise<string> {
  const target = await checkOutputPath(place);
  // The operator's own path may be a device or a link on purpose (`--json-file /dev/stdout`).
  if (!place.roots) {
    await writeFile(target, text);
    return target;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  try {
    const handle = await open(tmp, flags, 0o644);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    // rename() replaces a link itself, never the file it points to.
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return target;
}

/** The directories action output files may go to: the workspace and the runner's temp directory. */
export function actionOutputRoots(root: string, env: Record<string, string | undefined>): string[] {
  return [root, ...(env.RUNNER_TEMP ? [env.RUNNER_TEMP] : [])];
}
