import path from 'node:path';
import { FileRefusedError, OUTSIDE_ROOT_REASON, refusedSentence } from '../read.js';
import type { ImageUse, ManifestFile, ParseProblem, SkippedFile } from '../types.js';
import {
  KUSTOMIZATION_FILE_NAMES,
  type Kustomization,
  type PatchRef,
  type Position,
  parseKustomization,
} from './kustomization.js';
import { applyPatchDoc, matchesPatchIdentity, matchesTarget, parsePatch } from './patches.js';
import { isRemoteTarget, remoteSkipReason } from './remote.js';
import {
  applyImages,
  applyNamePrefixSuffix,
  applyNamespace,
  cloneResources,
  type ExtractFn,
  loadResources,
  type RenderedResource,
} from './resources.js';
import { readTransformerImages } from './transformers.js';

/**
 * Reads a file by absolute path; rejects when it does not exist or is a directory, and with a
 * `FileRefusedError` when it may not be read (the engine passes `createRootedReader`).
 */
export type ReadFn = (absPath: string) => Promise<string>;

/** A file's text, or that there is none, or why it was not read. */
type ReadOutcome = { text: string } | { absent: true } | { refused: string };

/** Inputs of the native kustomize renderer. */
export interface KustomizeOptions {
  /** Files found by discovery; kustomization files among them become views. */
  files: ManifestFile[];
  read: ReadFn;
  /** The manifest extractor (`extractFile`). */
  extract: ExtractFn;
}

/** What one kustomization directory deploys, natively rendered. */
export interface KustomizeView {
  /** Repo-relative directory of the kustomization (`.` for the root). */
  dir: string;
  /** Repo-relative path of its kustomization file. */
  kustomizationFile: string;
  uses: ImageUse[];
  skipped: SkippedFile[];
  errors: ParseProblem[];
  /** True when a remote base or component was skipped, or a reference is missing locally (kustomize would try it as a URL). */
  remote: boolean;
  /** True when a reference was refused by the rooted reader (the binary must not follow it). */
  refused?: boolean;
  /** Absolute kustomization and component directories the view is built from. */
  dirs?: string[];
}

/** The built resources of one kustomization plus what could not be followed. */
export interface BuildResult {
  resources: RenderedResource[];
  skipped: SkippedFile[];
  errors: ParseProblem[];
  /**
   * True when a remote base or component was skipped, or a resource was not found locally (kustomize would
   * then try it as a remote URL): the binary renderer must not run on this tree.
   */
  hasRemote: boolean;
  /**
   * True when a reference was refused (outside the root, a special file, too large): the kustomize binary
   * would follow it anyway, so it must not run on this tree.
   */
  hasRefused?: boolean;
  /** Absolute kustomization and component directories of the tree (what the binary would read from). */
  dirs?: string[];
}

interface LoadedKustomization {
  file: ManifestFile;
  k: Kustomization;
}

/** Returns true when a repo-relative path names a kustomization file. */
export function isKustomizationFile(p: string): boolean {
  return (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(path.posix.basename(p));
}

/**
 * Builds kustomization directories natively: follows resources, bases and components, and applies patches
 * that set or delete images, `namespace`, `namePrefix`/`nameSuffix` and `images:` in kustomize's order.
 */
export class KustomizeBuilder {
  private readonly texts = new Map<string, Promise<ReadOutcome>>();
  private readonly built = new Map<string, Promise<BuildResult>>();
  private readonly loadedFiles = new Map<string, ReturnType<typeof loadResources>>();
  private readonly discovered: Set<string>;
  // Plain fields, not parameter properties: the benchmark runs these sources with Node's type stripping.
  private readonly root: string;
  private readonly opts: KustomizeOptions;

  constructor(root: string, opts: KustomizeOptions) {
    this.root = root;
    this.opts = opts;
    this.discovered = new Set(opts.files.map((f) => f.absPath));
  }

  /** Returns the repo-relative form of an absolute path (`/` separators). */
  rel(abs: string): string {
    const r = path.relative(this.root, abs).split(path.sep).join('/');
    return r === '' ? '.' : r;
  }

  private manifestFile(abs: string, text: string): ManifestFile {
    return { path: this.rel(abs), absPath: abs, size: Buffer.byteLength(text) };
  }

  /** Extracts a resource file once; every caller gets its own copy of the resources. */
  private loadFile(abs: string, text: string): ReturnType<typeof loadResources> {
    let loaded = this.loadedFiles.get(abs);
    if (!loaded) {
      loaded = loadResources(this.manifestFile(abs, text), text, this.opts.extract);
      this.loadedFiles.set(abs, loaded);
    }
    // Parse problems of discovered files are already reported by the raw scan.
    const errors = this.discovered.has(abs) ? [] : loaded.errors;
    return { resources: cloneResources(loaded.resources), errors };
  }

  /** True when a path stays inside the repository root (nothing outside it is ever read). */
  private inside(abs: string): boolean {
    const r = path.relative(this.root, abs);
    return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
  }

  /**
   * Reads a file once. `absent` when there is no such file (or it is a directory, which callers then try as
   * a kustomization); `refused` when the reader would not read it (outside the root, a FIFO or device, too
   * large, not text), with the reason to report at the entry that named it.
   */
  private readText(abs: string): Promise<ReadOutcome> {
    if (!this.inside(abs)) return Promise.resolve({ refused: OUTSIDE_ROOT_REASON });
    let p = this.texts.get(abs);
    if (!p) {
      p = this.opts.read(abs).then(
        (text): ReadOutcome => ({ text }),
        (err: unknown): ReadOutcome => {
          if (!(err instanceof FileRefusedError)) return { absent: true };
          const r = err.refusal;
          if (r.kind === 'missing' || r.kind === 'directory') return { absent: true };
          return { refused: r.reason };
        },
      );
      this.texts.set(abs, p);
    }
    return p;
  }

  /** Finds and parses the kustomization file of a directory, or returns null when there is none. */
  async loadKustomization(
    absDir: string,
  ): Promise<LoadedKustomization | { error: ParseProblem; refused?: boolean } | null> {
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      const abs = path.join(absDir, name);
      const read = await this.readText(abs);
      if ('absent' in read) continue;
      if ('refused' in read) {
        const rel = this.rel(abs);
        const message = `${refusedSentence(`kustomization file ${rel}`, read.refused)}.`;
        return { error: { file: rel, line: 1, column: 1, message }, refused: true };
      }
      const { text } = read;
      const file = this.manifestFile(abs, text);
      const parsed = parseKustomization(file.path, text);
      if (parsed.ok) return { file, k: parsed.kustomization };
      if ('problem' in parsed) return { error: parsed.problem };
      return null;
    }
    return null;
  }

  /** Builds one kustomization directory (memoised; callers get their own copy of the resources). */
  async build(absDir: string, stack: string[] = []): Promise<BuildResult> {
    let p = this.built.get(absDir);
    if (!p) {
      p = this.buildUncached(absDir, stack);
      this.built.set(absDir, p);
    }
    const r = await p;
    return { ...r, resources: cloneResources(r.resources) };
  }

  private async buildUncached(absDir: string, stack: string[]): Promise<BuildResult> {
    const result: BuildResult = { resources: [], skipped: [], errors: [], hasRemote: false };
    const loaded = await this.loadKustomization(absDir);
    if (loaded === null) {
      result.errors.push({
        file: this.rel(absDir),
        line: 1,
        column: 1,
        message: `${this.rel(absDir)} has no kustomization.yaml, kustomization.yml or Kustomization; add one or point the reference at a file.`,
      });
      return result;
    }
    if ('error' in loaded) {
      result.errors.push(loaded.error);
      if (loaded.refused) result.hasRefused = true;
      return result;
    }
    await this.accumulate(loaded, absDir, [...stack, absDir], result);
    return result;
  }

  /** kustomize's `accumulateTarget`: resources, then components, then this kustomization's transformers. */
  private async accumulate(
    loaded: LoadedKustomization,
    absDir: string,
    stack: string[],
    acc: BuildResult,
  ): Promise<void> {
    const { k, file } = loaded;
    acc.dirs = [...(acc.dirs ?? []), absDir];
    for (const entry of [...k.resources, ...k.bases]) {
      const field = k.bases.includes(entry) ? 'bases' : 'resources';
      if (isRemoteTarget(entry.value)) {
        acc.skipped.push({
          file: file.path,
          line: entry.line,
          reason: remoteSkipReason(field, entry.value),
        });
        acc.hasRemote = true;
        continue;
      }
      const abs = path.resolve(absDir, entry.value);
      if (!this.inside(abs)) {
        acc.errors.push(this.outsideProblem(file, entry, field));
        continue;
      }
      const read = await this.readText(abs);
      if ('refused' in read) {
        acc.errors.push(this.refusedProblem(file, entry, read.refused));
        acc.hasRefused = true;
        continue;
      }
      if ('text' in read) {
        const loadedRes = this.loadFile(abs, read.text);
        acc.resources.push(...loadedRes.resources);
        acc.errors.push(...loadedRes.errors);
        continue;
      }
      if (this.cycle(stack, abs, file, entry, acc)) continue;
      if ((await this.loadKustomization(abs)) === null) {
        // kustomize would try this as a remote URL next, so the binary must not run on this tree offline.
        acc.hasRemote = true;
        acc.errors.push(
          this.problem(
            file,
            entry,
            `${field} entry ${entry.value} is neither a file nor a kustomization directory; fix the path.`,
          ),
        );
        continue;
      }
      const sub = await this.build(abs, stack);
      acc.resources.push(...sub.resources);
      acc.skipped.push(...sub.skipped);
      acc.errors.push(...sub.errors);
      acc.hasRemote ||= sub.hasRemote;
      if (sub.hasRefused) acc.hasRefused = true;
      acc.dirs = [...(acc.dirs ?? []), ...(sub.dirs ?? [])];
    }
    for (const entry of k.components) {
      if (isRemoteTarget(entry.value)) {
        acc.skipped.push({
          file: file.path,
          line: entry.line,
          reason: remoteSkipReason('components', entry.value),
        });
        acc.hasRemote = true;
        continue;
      }
      const abs = path.resolve(absDir, entry.value);
      if (!this.inside(abs)) {
        acc.errors.push(this.outsideProblem(file, entry, 'components'));
        continue;
      }
      if (this.cycle(stack, abs, file, entry, acc)) continue;
      const comp = await this.loadKustomization(abs);
      if (comp === null || 'error' in comp) {
        acc.errors.push(
          comp?.error ??
            this.problem(file, entry, `component ${entry.value} has no kustomization file; fix the path.`),
        );
        continue;
      }
      // A component transforms everything its parent accumulated so far.
      await this.accumulate(comp, abs, [...stack, abs], acc);
    }
    await this.transform(loaded, absDir, acc);
  }

  private cycle(
    stack: string[],
    abs: string,
    file: ManifestFile,
    entry: Position & { value: string },
    acc: BuildResult,
  ): boolean {
    if (!stack.includes(abs)) return false;
    const chain = [...stack.slice(stack.indexOf(abs)), abs].map((d) => this.rel(d)).join(' → ');
    acc.errors.push(
      this.problem(file, entry, `kustomization cycle: ${chain}; remove one of these references.`),
    );
    return true;
  }

  private outsideProblem(
    file: ManifestFile,
    entry: Position & { value: string },
    field: string,
  ): ParseProblem {
    return this.problem(
      file,
      entry,
      `${field} entry ${entry.value} points outside the repository; it is not read (the scan only reads the checked-out repository).`,
    );
  }

  /** "kustomization at k/ refers to ../../etc/passwd, which resolves outside the repository root; …" */
  private refusedProblem(
    file: ManifestFile,
    entry: Position & { value: string },
    reason: string,
  ): ParseProblem {
    const dir = path.posix.dirname(file.path);
    const at = dir === '.' ? 'the repository root' : `${dir}/`;
    return this.problem(
      file,
      entry,
      `${refusedSentence(`kustomization at ${at} refers to ${entry.value}, which`, reason)}.`,
    );
  }

  private problem(file: ManifestFile, at: Position, message: string): ParseProblem {
    return {
      file: file.path,
      line: at.line,
      column: at.column,
      message: `${file.path}:${at.line}: ${message}`,
    };
  }

  /** Runs the builtin transformers in kustomize's order, then the `transformers:` files. */
  private async transform(loaded: LoadedKustomization, absDir: string, acc: BuildResult): Promise<void> {
    const { k, file } = loaded;
    // kustomize's order: patchesStrategicMerge and patches, namespace, prefix/suffix, labels, annotations,
    // patchesJson6902, replicas, images (`configureBuiltinTransformers`), then `transformers:`.
    for (const patch of k.patches.filter((p) => !p.json6902)) await this.applyPatch(patch, file, absDir, acc);
    if (k.namespace) applyNamespace(acc.resources, k.namespace.value);
    applyNamePrefixSuffix(acc.resources, k.namePrefix, k.nameSuffix);
    for (const r of acc.resources) {
      Object.assign(r.labels, k.labels);
      Object.assign(r.annotations, k.annotations);
    }
    for (const patch of k.patches.filter((p) => p.json6902)) await this.applyPatch(patch, file, absDir, acc);
    applyImages(acc.resources, k.images, file.path);
    for (const t of k.transformers) {
      const abs = path.resolve(absDir, t.value);
      const read = await this.readText(abs);
      if (!('text' in read)) {
        if ('refused' in read) acc.hasRefused = true;
        acc.errors.push(
          'refused' in read
            ? this.refusedProblem(file, t, read.refused)
            : this.problem(file, t, `transformer ${t.value} was not found; fix the path.`),
        );
        continue;
      }
      const { text } = read;
      const tf = this.manifestFile(abs, text);
      const { entries, unsupported } = readTransformerImages(tf.path, text);
      applyImages(acc.resources, entries, tf.path);
      for (const u of unsupported) acc.skipped.push({ file: tf.path, reason: u });
    }
    for (const u of k.unsupported)
      acc.skipped.push({
        file: file.path,
        line: u.line,
        reason: `${u.value}; use render: kustomize for an exact result.`,
      });
  }

  private async applyPatch(
    patch: PatchRef,
    file: ManifestFile,
    absDir: string,
    acc: BuildResult,
  ): Promise<void> {
    let text = patch.inline;
    let patchFile = file.path;
    let offset: Position | null = patch.inlineStart;
    if (text === null && patch.path) {
      const abs = path.resolve(absDir, patch.path);
      const read = await this.readText(abs);
      patchFile = this.rel(abs);
      offset = { line: 1, column: 1 };
      if (!('text' in read)) {
        if ('refused' in read) acc.hasRefused = true;
        acc.errors.push(
          'refused' in read
            ? this.refusedProblem(file, { ...patch, value: patch.path }, read.refused)
            : this.problem(file, patch, `patch ${patch.path} was not found; fix the path.`),
        );
        return;
      }
      text = read.text;
    }
    if (text === null) return;
    const where = (p: Position): Position => {
      if (!offset) return { line: patch.line, column: patch.column };
      const at: Position = { line: offset.line + p.line - 1, column: offset.column + p.column - 1 };
      // Inline patch text is indented in the kustomization by the same amount on every line.
      if (p.endColumn !== undefined) at.endColumn = offset.column + p.endColumn - 1;
      return at;
    };
    for (const doc of parsePatch(text)) {
      const targets = acc.resources.filter((r) =>
        patch.target
          ? matchesTarget(r, patch.target)
          : doc.type === 'strategic-merge' && matchesPatchIdentity(r, doc),
      );
      if (doc.type === 'strategic-merge' && doc.deleteResource) {
        acc.resources = acc.resources.filter((r) => !targets.includes(r));
        continue;
      }
      for (const r of targets) applyPatchDoc(r, doc, patchFile, where);
    }
  }
}
