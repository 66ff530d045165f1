/**
 * The one way repository files are read: only regular files whose real path is under the repository root,
 * never more than the size limit, decoded to text with clear messages for what is not UTF-8. Discovery's
 * files, kustomize resources/patches/generators and Helm Chart.yaml/values/templates all come through here,
 * because everything in a pull request (including its symlinks and special files) is hostile.
 */
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeManifestBytes } from './decode.js';
import {
  DEFAULT_MAX_FILE_SIZE,
  describeFileType,
  describeSize,
  notRegularReason,
  tooLargeReason,
} from './file-type.js';
import type { ParseProblem, SkippedFile } from './types.js';

/** Why a file was not read (or not turned into text). `reason` is a sentence fragment naming no path. */
export type FileRefusal =
  | {
      kind: 'missing' | 'directory' | 'outside-root' | 'not-regular' | 'too-large' | 'unreadable' | 'binary';
      reason: string;
    }
  | { kind: 'encoding'; reason: string; line: number; column: number };

/** Thrown by the rooted reader; callers turn `refusal` into a skipped file or a parse problem. */
export class FileRefusedError extends Error {
  override name = 'FileRefusedError';
  readonly refusal: FileRefusal;
  constructor(refusal: FileRefusal) {
    super(refusal.reason);
    this.refusal = refusal;
  }
}

/** Where reading is allowed and how much. */
export interface ReadLimits {
  /** Repository root: nothing whose real path lies outside it is opened. */
  root: string;
  /** Bytes; a larger file is refused (and never read past this + 1 byte). Default 5,000,000. */
  maxFileSize?: number;
}

/** Reads a file by absolute path as text; rejects with {@link FileRefusedError}. */
export type RootedRead = (absPath: string) => Promise<string>;

export const OUTSIDE_ROOT_REASON =
  'resolves outside the repository root (a symlink or `..`); only files under the root are read';

/** True when `real` is `realRoot` or below it. */
export function isUnder(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

/**
 * Returns a reader confined to `limits.root`. Each call resolves the real path (symlinks inside the root are
 * fine), refuses targets outside the root and anything but a regular file, opens without blocking (a FIFO
 * swapped in after the check cannot hang the run), checks the opened descriptor again, reads at most
 * limit + 1 bytes and decodes the text (see `decodeManifestBytes`).
 */
export function createRootedReader(limits: ReadLimits): RootedRead {
  let realRoot: Promise<string> | null = null;
  const rootOnce = (): Promise<string> => {
    realRoot ??= realpath(path.resolve(limits.root));
    return realRoot;
  };
  const max = limits.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  return async (absPath) => {
    const bytes = await readRootedBytes(absPath, await rootOnce(), max);
    const decoded = decodeManifestBytes(bytes);
    if (!decoded.ok) throw new FileRefusedError(decoded.refusal);
    return decoded.text;
  };
}

async function readRootedBytes(absPath: string, realRoot: string, max: number): Promise<Buffer> {
  const real = await realpath(absPath).catch((err: unknown) => {
    throw refusalFromError(err);
  });
  if (!isUnder(realRoot, real))
    throw new FileRefusedError({ kind: 'outside-root', reason: OUTSIDE_ROOT_REASON });
  const st = await lstat(real).catch((err: unknown) => {
    throw refusalFromError(err);
  });
  if (!st.isFile()) throw notRegular(st);
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: the checked path must not become a symlink in between; O_NONBLOCK: nor a FIFO that blocks.
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  } catch (err: unknown) {
    throw refusalFromError(err);
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw notRegular(opened);
    if (opened.size > max) throw tooLarge(opened.size, max);
    return await readAtMost(handle, opened.size, max);
  } finally {
    await handle.close();
  }
}

/**
 * Reads until end of file or limit + 1 bytes, into one buffer sized from fstat (a file that grows after
 * fstat is still bounded: it is refused once it passes the limit).
 */
async function readAtMost(handle: FileHandle, size: number, max: number): Promise<Buffer> {
  let buf = Buffer.allocUnsafe(Math.min(size, max) + 1);
  let total = 0;
  while (total <= max) {
    if (total === buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, max + 1));
      buf.copy(grown, 0, 0, total);
      buf = grown;
    }
    const { bytesRead } = await handle.read(buf, total, buf.length - total, null);
    if (bytesRead === 0) break;
    total += bytesRead;
  }
  if (total > max) throw tooLarge(total, max, true);
  return buf.subarray(0, total);
}

function tooLarge(size: number, max: number, grew = false): FileRefusedError {
  const reason = grew
    ? `file grew past the max-file-size limit of ${describeSize(max)} while it was read; raise max-file-size (--max-file-size) to scan it`
    : tooLargeReason(size, max);
  return new FileRefusedError({ kind: 'too-large', reason });
}

function notRegular(st: Parameters<typeof describeFileType>[0]): FileRefusedError {
  const kind = st.isDirectory() ? 'directory' : 'not-regular';
  return new FileRefusedError({ kind, reason: notRegularReason(describeFileType(st)) });
}

function refusalFromError(err: unknown): FileRefusedError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new FileRefusedError({ kind: 'missing', reason: 'does not exist' });
  if (code === 'ELOOP')
    return new FileRefusedError({ kind: 'unreadable', reason: 'is a symlink loop; not followed' });
  return new FileRefusedError({
    kind: 'unreadable',
    reason: `could not be read (${code ?? (err instanceof Error ? err.message : 'unknown error')}); check that the file exists and is readable`,
  });
}

/**
 * What a read failure of a scanned file becomes: an encoding problem is a parse problem at its line (kubectl
 * would reject the file too); anything else (binary, special file, outside the root, unreadable) skips the
 * file with the reason.
 */
export function readFailure(file: string, err: unknown): { skipped: SkippedFile } | { error: ParseProblem } {
  if (err instanceof FileRefusedError) {
    const r = err.refusal;
    if (r.kind === 'encoding') return { error: { file, line: r.line, column: r.column, message: r.reason } };
    return { skipped: { file, reason: r.reason } };
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = code ?? (err instanceof Error ? err.message : 'unknown error');
  return {
    skipped: { file, reason: `could not be read (${why}); check that the file exists and is readable` },
  };
}

/** Entries a tree check looks at before giving up (a chart is small; this bounds the work on hostile trees). */
const MAX_TREE_ENTRIES = 20_000;

/**
 * Why a directory tree is not safe to hand to a tool that reads it whole and follows symlinks (`helm
 * template`), or null: the first entry that is a FIFO, socket or device, or a symlink leading outside the
 * root or to such a file. Symlinked directories inside the root are checked too (once each).
 */
export async function findUnsafeEntry(dirAbs: string, root: string): Promise<string | null> {
  const realRoot = await realpath(path.resolve(root));
  const seen = new Set<string>();
  let budget = MAX_TREE_ENTRIES;
  const visit = async (dir: string): Promise<string | null> => {
    const real = await realpath(dir).catch(() => null);
    if (real === null || seen.has(real)) return null;
    seen.add(real);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      budget -= 1;
      if (budget < 0) return `it has more than ${MAX_TREE_ENTRIES} files to check`;
      const abs = path.join(dir, entry.name);
      const shown = path.relative(realRoot, abs).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (entry.name === '.git') continue; // git's own files, not the tree's (helm and kustomize skip them too)
        const found = await visit(abs);
        if (found) return found;
      } else if (entry.isSymbolicLink()) {
        const target = await realpath(abs).catch(() => null);
        if (target === null) continue; // a broken link: helm fails on it, nothing is read
        if (!isUnder(realRoot, target)) return `${shown} is a symlink that leads outside the repository root`;
        const st = await stat(target);
        if (st.isDirectory()) {
          const found = await visit(abs);
          if (found) return found;
        } else if (!st.isFile()) return `${shown} is a symlink to a ${describeFileType(st)}`;
      } else if (!entry.isFile()) return `${shown} is a ${describeFileType(entry)}`;
    }
    return null;
  };
  return visit(dirAbs);
}

/** `<subject> resolves outside …` / `<subject> is a FIFO …` / `<subject> was not read: <reason>`. */
export function refusedSentence(subject: string, reason: string): string {
  return /^(is|resolves|does) /.test(reason) ? `${subject} ${reason}` : `${subject} was not read: ${reason}`;
}
