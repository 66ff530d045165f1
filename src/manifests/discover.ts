import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { compileGlob } from '../glob.js';
import { Semaphore } from '../limit.js';
import { DEFAULT_MAX_FILE_SIZE, describeFileType, notRegularReason, tooLargeReason } from './file-type.js';
import { createRootedReader, type RootedRead } from './read.js';
import type { ManifestFile, SkippedFile } from './types.js';

/** Extensions of manifest files. */
const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

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
function isManifestName(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export { DEFAULT_MAX_FILE_SIZE, describeSize, tooLargeReason } from './file-type.js';

/** The notice for a `paths` entry (directory or glob) under which no manifest file was found. */
export const NO_MATCH_REASON =
  'no manifest files matched this path or glob (.yaml, .yml, .json; after .gitignore and exclude); check the paths (the paths input, or the PATH arguments of the CLI)';

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
  const walker = new Walker({ root, realRoot, options });
  for (const input of options.paths && options.paths.length > 0 ? options.paths : ['.']) {
    await walker.addInput(input);
  }
  return walker.result();
}

/** One discovery: the walk's shared state (found files, notices, .gitignore cache, fs limiter). */
class Walker {
  private readonly root: string;
  private readonly realRoot: string;
  private readonly displayRoot: string;
  private readonly maxFileSize: number;
  private readonly excludeMatchers: ((rel: string) => boolean)[];
  private readonly fs = new Semaphore(FS_CONCURRENCY);
  private readonly found = new Map<string, ManifestFile>();
  /** Real path of each found file (symlinks resolved), to drop a second name for the same file. */
  private readonly realOf = new Map<string, string>();
  private readonly skipped = new Map<string, SkippedFile>();
  private readonly gitignoreCache = new Map<string, Promise<GitignoreLayer | null>>();
  private readonly readIgnoreFile: RootedRead;
  /** Files (found or too large) of the current `paths` entry. */
  private matched = 0;

  constructor(init: { root: string; realRoot: string; options: DiscoverOptions }) {
    this.root = init.root;
    this.realRoot = init.realRoot;
    this.displayRoot = init.options.root;
    this.maxFileSize = init.options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    // `vendor/` and `./vendor` mean the directory `vendor`.
    // Globs come from the repository's config file too: matched in linear time (src/glob.ts).
    this.excludeMatchers = (init.options.exclude ?? []).map((g) =>
      compileGlob(g.replace(/^\.\//, '').replace(/\/+$/, ''), { basename: true }),
    );
    this.readIgnoreFile = createRootedReader({ root: this.root, maxFileSize: this.maxFileSize });
  }

  /** One `paths` entry: a glob, a directory or a file. */
  async addInput(input: string): Promise<void> {
    this.matched = 0;
    const scan = picomatch.scan(input);
    if (scan.isGlob) return this.addGlob(input, scan.base);
    const rel = normalizeRel(this.root, input, input);
    const abs = path.join(this.root, rel);
    const real = await realpath(abs).catch(() => {
      throw new DiscoveryError(
        `path ${input} does not exist under ${this.displayRoot}; check the paths (the paths input, or the PATH arguments of the CLI)`,
      );
    });
    if (!this.inRoot(real)) {
      throw new DiscoveryError(
        `path ${input} leads outside the root ${this.displayRoot}; only paths inside it are scanned`,
      );
    }
    const st = await stat(real);
    if (!st.isDirectory() && !st.isFile()) {
      // A FIFO named on the command line would block the read forever; a device may never end.
      throw new DiscoveryError(
        `path ${input} is a ${describeFileType(st)}, not a regular file or directory; only regular files and directories are scanned (check the paths input, or the PATH arguments of the CLI)`,
      );
    }
    if (st.isDirectory()) {
      const base = rel === '.' ? '' : rel;
      await this.walk({
        dirRel: base,
        dirReal: real,
        layers: await this.explicitLayers(base),
        accept: () => true,
      });
      this.noteIfEmpty(input, NO_MATCH_REASON);
    } else if (!rel.split('/').some((_, i, parts) => this.excluded(parts.slice(0, i + 1).join('/')))) {
      // The file or one of its directories may be excluded (a walk would not enter that directory).
      await this.addFile({ rel, abs, real, size: st.size });
    } else {
      this.noteIfEmpty(input, 'this path matches an exclude glob; remove it from exclude or from paths');
    }
  }

  private async addGlob(input: string, scanBase: string): Promise<void> {
    const baseRel = normalizeRel(this.root, scanBase === '' ? '.' : scanBase, input);
    const base = baseRel === '.' ? '' : baseRel;
    const match = compileGlob(input.replace(/^\.\//, ''));
    const baseAbs = path.join(this.root, base);
    const st = await lstat(baseAbs).catch(() => null);
    // A glob that matches nothing is not an error, but it is reported.
    if (st?.isDirectory()) {
      const layers = await this.explicitLayers(base);
      await this.walk({ dirRel: base, dirReal: await realpath(baseAbs), layers, accept: match });
    }
    this.noteIfEmpty(input, NO_MATCH_REASON);
  }

  /** Files sorted by path, one name per real file; notices sorted by path. */
  result(): DiscoverResult {
    for (const rel of this.found.keys()) this.skipped.delete(rel);
    // A symlink and its target (or two links to one file) are one file: the first path in sorted order stays.
    const seenReal = new Set<string>();
    const files = [...this.found.values()].sort(byPath).filter((f) => {
      const real = this.realOf.get(f.path) ?? f.absPath;
      if (seenReal.has(real)) return false;
      seenReal.add(real);
      return true;
    });
    return { files, skipped: [...this.skipped.values()].sort(byPath) };
  }

  private excluded(rel: string): boolean {
    return this.excludeMatchers.some((m) => m(rel));
  }

  private inRoot(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + path.sep);
  }

  private skip(rel: string, reason: string): void {
    this.skipped.set(rel, { file: rel, reason });
  }

  private noteIfEmpty(input: string, reason: string): void {
    if (this.matched === 0) this.skipped.set(`\0${input}`, { file: input, reason });
  }

  private async addFile(f: { rel: string; abs: string; real: string; size?: number }): Promise<void> {
    this.matched += 1;
    const bytes = f.size ?? (await this.fs.run(() => stat(f.abs))).size;
    if (bytes > this.maxFileSize) this.skip(f.rel, tooLargeReason(bytes, this.maxFileSize));
    else {
      this.found.set(f.rel, { path: f.rel, absPath: f.abs, size: bytes });
      this.realOf.set(f.rel, f.real);
    }
  }

  private gitignoreOf(dirRel: string): Promise<GitignoreLayer | null> {
    let p = this.gitignoreCache.get(dirRel);
    if (!p) {
      const file = path.join(this.root, dirRel, '.gitignore');
      // Through the rooted reader: a .gitignore that is a FIFO or a symlink to /dev/zero must not hang the walk.
      p = this.fs
        .run(() => this.readIgnoreFile(file))
        .then(
          (text) => ({ dir: dirRel, ig: ignore().add(text) }),
          () => null,
        );
      this.gitignoreCache.set(dirRel, p);
    }
    return p;
  }

  private async walk(dir: WalkDir): Promise<void> {
    const own = await this.gitignoreOf(dir.dirRel);
    const here = own ? [...dir.layers, own] : dir.layers;
    const dirAbs = path.join(this.root, dir.dirRel);
    let entries: Dirent[];
    try {
      entries = await this.fs.run(() => readdir(dirAbs, { withFileTypes: true }));
    } catch (err: unknown) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      this.skip(dir.dirRel || '.', `directory could not be read (${code})`);
      return;
    }
    const tasks: Promise<void>[] = [];
    for (const entry of entries) {
      const task = this.visit(entry, { ...dir, layers: here }, dirAbs);
      if (task) tasks.push(task);
    }
    await Promise.all(tasks);
  }

  /** One directory entry: a directory to enter, a manifest to add, a symlink to follow, or a notice. */
  private visit(entry: Dirent, dir: WalkDir, dirAbs: string): Promise<void> | undefined {
    const rel = dir.dirRel === '' ? entry.name : `${dir.dirRel}/${entry.name}`;
    const abs = path.join(dirAbs, entry.name);
    const real = path.join(dir.dirReal, entry.name);
    if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED_DIRS.has(entry.name) || this.excluded(rel) || gitIgnored(rel, true, dir.layers))
        return;
      return this.walk({ ...dir, dirRel: rel, dirReal: real });
    }
    const wanted =
      isManifestName(entry.name) &&
      dir.accept(rel) &&
      !this.excluded(rel) &&
      !gitIgnored(rel, false, dir.layers);
    if (!wanted) return;
    if (entry.isFile()) return this.addFile({ rel, abs, real });
    if (entry.isSymbolicLink()) return this.addSymlink(rel, abs);
    // A FIFO, socket or device named like a manifest is never opened (it could block or never end).
    this.skip(rel, notRegularReason(describeFileType(entry)));
    return;
  }

  private async addSymlink(rel: string, abs: string): Promise<void> {
    let real: string;
    try {
      real = await this.fs.run(() => realpath(abs));
    } catch {
      return this.skip(rel, 'broken symlink; not followed');
    }
    if (!this.inRoot(real)) return this.skip(rel, 'symlink points outside the root; not followed');
    const st = await this.fs.run(() => stat(real));
    if (st.isFile()) await this.addFile({ rel, abs, real, size: st.size });
    else if (!st.isDirectory()) this.skip(rel, `symlink target ${notRegularReason(describeFileType(st))}`);
  }

  /** .gitignore layers from the root down to (not including) `dirRel`. */
  private async layersDownTo(dirRel: string): Promise<GitignoreLayer[]> {
    const layers: GitignoreLayer[] = [];
    const parts = dirRel === '' ? [] : dirRel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const layer = await this.gitignoreOf(parts.slice(0, i).join('/'));
      if (layer) layers.push(layer);
    }
    return layers;
  }

  /**
   * .gitignore layers for a directory named in `paths`: an explicit path wins over .gitignore, so
   * when the directory itself (or a parent) is ignored, the .gitignore files above it do not apply.
   */
  private async explicitLayers(base: string): Promise<GitignoreLayer[]> {
    const layers = await this.layersDownTo(base);
    return base !== '' && gitIgnored(base, true, layers) ? [] : layers;
  }
}

/** A directory being walked: repo-relative and real path, the .gitignore layers above it, the paths filter. */
interface WalkDir {
  dirRel: string;
  dirReal: string;
  layers: readonly GitignoreLayer[];
  accept: (rel: string) => boolean;
}

/** Git's rule: the deepest .gitignore with a matching pattern decides (last match within it). */
function gitIgnored(rel: string, isDir: boolean, layers: readonly GitignoreLayer[]): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const sub = layer.dir === '' ? rel : rel.slice(layer.dir.length + 1);
    const r = layer.ig.test(isDir ? `${sub}/` : sub);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

function byPath(a: { file?: string; path?: string }, b: { file?: string; path?: string }): number {
  const x = a.path ?? a.file ?? '';
  const y = b.path ?? b.file ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
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
