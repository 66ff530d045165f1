import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { DEFAULT_MAX_FILE_SIZE, describeFileType, notRegularReason, tooLargeReason } from './file-type.js';
import { createRootedReader } from './read.js';
import type { ManifestFile, SkippedFile } from './types.js';

/** Extensions of manifest files. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** Directory names never entered. */
const ALWAYS_SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/** Parallel file-system calls during the walk. */
const FS_CONCURRENCY = 32;

/** Where and what to look for. */
export interface DiscoverOptions {
  /** Repository root; every path is relative to it and no symlink may lead out of it. */
  root: string;
  /** Files, directories or globs relative to `root`. Default `['.']`. */
  paths?: readonly string[];
  /** Globs (relative to `root`) of files and directories to leave out. A glob without `/` matches a name anywhere. */
  exclude?: readonly string[];
  /** Bytes; larger files are skipped with a notice. Default 5,000,000. */
  maxFileSize?: number;
}

/** What discovery found. `files` are sorted by path (code-point order). */
export interface DiscoverResult {
  files: ManifestFile[];
  skipped: SkippedFile[];
}

/** A discovery input that cannot be used (missing path, path outside the root). */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

/** True for `.yaml`, `.yml` and `.json` names (case-insensitive). */
export function isManifestName(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export { DEFAULT_MAX_FILE_SIZE, describeSize, tooLargeReason } from './file-type.js';

/** The notice for a `paths` entry (directory or glob) under which no manifest file was found. */
export const NO_MATCH_REASON =
  'no manifest files matched this path or glob (.yaml, .yml, .json; after .gitignore and exclude); check the paths setting';

interface GitignoreLayer {
  /** Directory of the .gitignore, repo-relative ('' for the root). */
  dir: string;
  ig: Ignore;
}

/**
 * Finds manifest files under `root`: `.yaml`, `.yml`, `.json`; skips `.git`, `node_modules`,
 * files ignored by `.gitignore` files (the root's and nested ones) and `exclude` globs. Symlinks
 * to files inside the root are followed; symlinks leading outside the root are skipped with a
 * notice; symlinked directories are not entered (their targets inside the root are walked
 * anyway, and this rules out loops); a file reached by several names is listed once, under the
 * first name in sorted order. A file named explicitly in `paths` is taken whatever its
 * extension and `.gitignore` say (but `exclude` still applies); a directory named explicitly is
 * scanned even when .gitignore ignores it (the .gitignore files inside it still apply). A `paths`
 * entry that yields no file is reported in `skipped` under the entry as written. Throws `DiscoveryError` for a
 * path that does not exist or lies outside the root.
 */
export async function discoverFiles(options: DiscoverOptions): Promise<DiscoverResult> {
  const root = path.resolve(options.root);
  const realRoot = await realpath(root).catch(() => {
    throw new DiscoveryError(`root directory ${options.root} does not exist; pass an existing directory`);
  });
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // `vendor/` and `./vendor` mean the directory `vendor`.
  const excludeMatchers = (options.exclude ?? []).map((g) =>
    picomatch(g.replace(/^\.\//, '').replace(/\/+$/, ''), { dot: true, basename: true }),
  );
  const excluded = (rel: string): boolean => excludeMatchers.some((m) => m(rel));
  const limit = limiter(FS_CONCURRENCY);
  const found = new Map<string, ManifestFile>();
  /** Real path of each found file (symlinks resolved), to drop a second name for the same file. */
  const realOf = new Map<string, string>();
  const skipped = new Map<string, SkippedFile>();
  const gitignoreCache = new Map<string, Promise<GitignoreLayer | null>>();
  const readIgnoreFile = createRootedReader({ root, maxFileSize });

  const inRoot = (real: string): boolean => real === realRoot || real.startsWith(realRoot + path.sep);

  /** Files (found or too large) of the current `paths` entry. */
  let matched = 0;

  const addFile = async (rel: string, abs: string, real: string, size?: number): Promise<void> => {
    matched += 1;
    const bytes = size ?? (await limit(() => stat(abs))).size;
    if (bytes > maxFileSize) skipped.set(rel, { file: rel, reason: tooLargeReason(bytes, maxFileSize) });
    else {
      found.set(rel, { path: rel, absPath: abs, size: bytes });
      realOf.set(rel, real);
    }
  };

  const gitignoreOf = (dirRel: string): Promise<GitignoreLayer | null> => {
    let p = gitignoreCache.get(dirRel);
    if (!p) {
      const file = path.join(root, dirRel, '.gitignore');
      // Through the rooted reader: a .gitignore that is a FIFO or a symlink to /dev/zero must not hang the walk.
      p = limit(() => readIgnoreFile(file)).then(
        (text) => ({ dir: dirRel, ig: ignore().add(text) }),
        () => null,
      );
      gitignoreCache.set(dirRel, p);
    }
    return p;
  };

  /** Git's rule: the deepest .gitignore with a matching pattern decides (last match within it). */
  const gitIgnored = (rel: string, isDir: boolean, layers: readonly GitignoreLayer[]): boolean => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      const sub = layer.dir === '' ? rel : rel.slice(layer.dir.length + 1);
      const r = layer.ig.test(isDir ? `${sub}/` : sub);
      if (r.ignored) return true;
      if (r.unignored) return false;
    }
    return false;
  };

  const walk = async (
    dirRel: string,
    dirReal: string,
    layers: readonly GitignoreLayer[],
    accept: (rel: string) => boolean,
  ): Promise<void> => {
    const own = await gitignoreOf(dirRel);
    const here = own ? [...layers, own] : layers;
    const dirAbs = path.join(root, dirRel);
    let entries: Dirent[];
    try {
      entries = await limit(() => readdir(dirAbs, { withFileTypes: true }));
    } catch (err: unknown) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      skipped.set(dirRel || '.', { file: dirRel || '.', reason: `directory could not be read (${code})` });
      return;
    }
    const tasks: Promise<void>[] = [];
    for (const entry of entries) {
      const rel = dirRel === '' ? entry.name : `${dirRel}/${entry.name}`;
      const abs = path.join(dirAbs, entry.name);
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRS.has(entry.name) || excluded(rel) || gitIgnored(rel, true, here)) continue;
        tasks.push(walk(rel, path.join(dirReal, entry.name), here, accept));
      } else if (entry.isFile()) {
        if (!isManifestName(entry.name) || !accept(rel) || excluded(rel) || gitIgnored(rel, false, here))
          continue;
        tasks.push(addFile(rel, abs, path.join(dirReal, entry.name)));
      } else if (
        isManifestName(entry.name) &&
        accept(rel) &&
        !excluded(rel) &&
        !gitIgnored(rel, false, here)
      ) {
        if (entry.isSymbolicLink()) tasks.push(addSymlink(rel, abs));
        // A FIFO, socket or device named like a manifest is never opened (it could block or never end).
        else skipped.set(rel, { file: rel, reason: notRegularReason(describeFileType(entry)) });
      }
    }
    await Promise.all(tasks);
  };

  const addSymlink = async (rel: string, abs: string): Promise<void> => {
    let real: string;
    try {
      real = await limit(() => realpath(abs));
    } catch {
      skipped.set(rel, { file: rel, reason: 'broken symlink; not followed' });
      return;
    }
    if (!inRoot(real)) {
      skipped.set(rel, { file: rel, reason: 'symlink points outside the root; not followed' });
      return;
    }
    const st = await limit(() => stat(real));
    if (st.isFile()) await addFile(rel, abs, real, st.size);
    else if (!st.isDirectory())
      skipped.set(rel, { file: rel, reason: `symlink target ${notRegularReason(describeFileType(st))}` });
  };

  /** .gitignore layers from the root down to (not including) `dirRel`. */
  const layersDownTo = async (dirRel: string): Promise<GitignoreLayer[]> => {
    const layers: GitignoreLayer[] = [];
    const parts = dirRel === '' ? [] : dirRel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const layer = await gitignoreOf(parts.slice(0, i).join('/'));
      if (layer) layers.push(layer);
    }
    return layers;
  };

  /**
   * .gitignore layers for a directory named in `paths`: an explicit path wins over .gitignore, so
   * when the directory itself (or a parent) is ignored, the .gitignore files above it do not apply.
   */
  const explicitLayers = async (base: string): Promise<GitignoreLayer[]> => {
    const layers = await layersDownTo(base);
    return base !== '' && gitIgnored(base, true, layers) ? [] : layers;
  };

  const noteIfEmpty = (input: string, reason: string): void => {
    if (matched === 0) skipped.set(`\0${input}`, { file: input, reason });
  };

  for (const input of options.paths && options.paths.length > 0 ? options.paths : ['.']) {
    matched = 0;
    const scan = picomatch.scan(input);
    if (scan.isGlob) {
      const baseRel = normalizeRel(root, scan.base === '' ? '.' : scan.base, input);
      const base = baseRel === '.' ? '' : baseRel;
      const match = picomatch(input.replace(/^\.\//, ''), { dot: true });
      const baseAbs = path.join(root, base);
      const st = await lstat(baseAbs).catch(() => null);
      // A glob that matches nothing is not an error, but it is reported.
      if (st?.isDirectory()) await walk(base, await realpath(baseAbs), await explicitLayers(base), match);
      noteIfEmpty(input, NO_MATCH_REASON);
      continue;
    }
    const rel = normalizeRel(root, input, input);
    const abs = path.join(root, rel);
    const real = await realpath(abs).catch(() => {
      throw new DiscoveryError(`path ${input} does not exist under ${options.root}; check the paths setting`);
    });
    if (!inRoot(real)) {
      throw new DiscoveryError(
        `path ${input} leads outside the root ${options.root}; only paths inside it are scanned`,
      );
    }
    const st = await stat(real);
    if (!st.isDirectory() && !st.isFile()) {
      // A FIFO named on the command line would block the read forever; a device may never end.
      throw new DiscoveryError(
        `path ${input} is a ${describeFileType(st)}, not a regular file or directory; only regular files and directories are scanned (check the paths setting)`,
      );
    }
    if (st.isDirectory()) {
      const base = rel === '.' ? '' : rel;
      await walk(base, real, await explicitLayers(base), () => true);
      noteIfEmpty(input, NO_MATCH_REASON);
    } else if (!rel.split('/').some((_, i, parts) => excluded(parts.slice(0, i + 1).join('/')))) {
      // The file or one of its directories may be excluded (a walk would not enter that directory).
      await addFile(rel, abs, real, st.size);
    } else {
      noteIfEmpty(input, 'this path matches an exclude glob; remove it from exclude or from paths');
    }
  }

  const byPath = (a: { file?: string; path?: string }, b: { file?: string; path?: string }): number => {
    const x = a.path ?? a.file ?? '';
    const y = b.path ?? b.file ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  };
  for (const rel of found.keys()) skipped.delete(rel);
  // A symlink and its target (or two links to one file) are one file: the first path in sorted order stays.
  const seenReal = new Set<string>();
  const files = [...found.values()].sort(byPath).filter((f) => {
    const real = realOf.get(f.path) ?? f.absPath;
    if (seenReal.has(real)) return false;
    seenReal.add(real);
    return true;
  });
  return { files, skipped: [...skipped.values()].sort(byPath) };
}

/** A repo-relative, `/`-separated form of `p` ('.' for the root); throws if it escapes the root. */
function normalizeRel(root: string, p: string, input: string): string {
  const abs = path.resolve(root, p);
  const rel = path.relative(root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new DiscoveryError(`path ${input} is outside the root ${root}; only paths inside it are scanned`);
  }
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

/** A tiny concurrency limiter: at most `n` of the returned function's tasks run at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds n.
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
