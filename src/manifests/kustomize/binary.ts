import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../errors.js';
import { findUnsafeEntry } from '../read.js';
import type { ImageUse, ManifestFile, ParseProblem } from '../types.js';
import type { KustomizeView } from './build.js';
import type { ExtractFn } from './resources.js';

/** How to run kustomize: the standalone binary (`kustomize build`) or kubectl's built-in (`kubectl kustomize`). */
export interface KustomizeBinary {
  command: string;
  args: string[];
  /** `kustomize build` or `kubectl kustomize`, for messages. */
  label: string;
}

/** The outcome of running a command. */
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never rejects for a non-zero exit (only for a missing binary). */
export type ExecFn = (
  command: string,
  args: string[],
  opts?: { cwd?: string; timeoutMs?: number },
) => Promise<ExecResult>;

/** Default time a `kustomize build` may take before it is stopped. */
const DEFAULT_RENDER_TIMEOUT_MS = 120_000;

/** Runs a command with `child_process.spawn` (no shell), collecting stdout and stderr. */
export const execCommand: ExecFn = (command, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });

/** Returns the first executable named `name` on a PATH string, or null. */
export async function findOnPath(
  name: string,
  pathEnv: string | undefined,
  isExecutable: (p: string) => Promise<boolean> = defaultIsExecutable,
): Promise<string | null> {
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function defaultIsExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns how to run kustomize from PATH: the standalone `kustomize` first (it is usually newer), else
 * `kubectl kustomize`; null when neither is installed.
 */
export async function findKustomizeBinary(
  pathEnv: string | undefined,
  isExecutable?: (p: string) => Promise<boolean>,
): Promise<KustomizeBinary | null> {
  const kustomize = await findOnPath('kustomize', pathEnv, isExecutable);
  if (kustomize) return { command: kustomize, args: ['build'], label: 'kustomize build' };
  const kubectl = await findOnPath('kubectl', pathEnv, isExecutable);
  if (kubectl) return { command: kubectl, args: ['kustomize'], label: 'kubectl kustomize' };
  return null;
}

/** Identity of a container image inside a rendered stream. */
function identity(u: ImageUse): string {
  return [u.kind, u.namespace ?? '', u.name ?? '', u.containerType, u.container ?? ''].join('\u0000');
}

/**
 * Maps images rendered by the kustomize binary back to source lines: a rendered image takes the location of
 * the native result with the same (kind, namespace, name, container), else the kustomization file.
 */
function mapRenderedUses(rendered: ImageUse[], native: KustomizeView, label: string): ImageUse[] {
  const byId = new Map<string, ImageUse>();
  for (const u of native.uses) byId.set(identity(u), u);
  return rendered.map((r) => {
    const n = byId.get(identity(r));
    const base: ImageUse = {
      ...r,
      origin: 'kustomize',
      view: native.dir,
    };
    if (n) {
      const related = [...(n.related ?? [])];
      if (n.raw !== r.raw) {
        related.push({
          file: n.file,
          line: n.line,
          column: n.column,
          message: `${label} renders ${r.raw} here, the native renderer ${n.raw}; the ${label} result is reported.`,
        });
      }
      const mapped: ImageUse = {
        ...base,
        file: n.file,
        line: n.line,
        column: n.column,
        docIndex: n.docIndex,
      };
      if (n.suppress) mapped.suppress = n.suppress;
      if (related.length > 0) mapped.related = related;
      return mapped;
    }
    return {
      ...base,
      file: native.kustomizationFile,
      line: 1,
      column: 1,
      related: [
        {
          file: native.kustomizationFile,
          line: 1,
          column: 1,
          message: `rendered by ${label} ${native.dir}; no source line found for ${r.kind}/${r.name ?? '?'} container ${r.container ?? '?'}.`,
        },
      ],
    };
  });
}

/**
 * Renders one view with the kustomize binary (offline: no network flags, no plugins, no helm) and returns
 * it with source-mapped images; falls back to the native view with a note when the binary fails or the
 * tree has remote bases.
 */
export async function renderViewWithBinary(
  native: KustomizeView & { remote?: boolean },
  absDir: string,
  opts: {
    binary: KustomizeBinary;
    exec?: ExecFn;
    extract: ExtractFn;
    timeoutMs?: number;
    /** Repository root: when set, the view's directories are checked for what kustomize must not read. */
    root?: string;
  },
): Promise<KustomizeView> {
  const note = (reason: string): KustomizeView => ({
    ...native,
    skipped: [...native.skipped, { file: native.kustomizationFile, reason }],
  });
  if (native.remote) {
    return note(
      `not rendered with ${opts.binary.label}: the tree has remote bases (or references missing locally, which kustomize tries as URLs) that it would fetch over the network; showing the native rendering.`,
    );
  }
  if (native.refused) {
    return note(
      `not rendered with ${opts.binary.label}: the tree refers to files that were not read (outside the repository root, special files, too large or not text), which kustomize would read; showing the native rendering.`,
    );
  }
  // kustomize reads generator files, patches and resources itself, following symlinks: only on a clean tree.
  const unsafe = opts.root ? await firstUnsafeDir(native.dirs ?? [], opts.root) : null;
  if (unsafe)
    return note(
      `not rendered with ${opts.binary.label}: ${unsafe}, and kustomize would read it; showing the native rendering.`,
    );
  const exec = opts.exec ?? execCommand;
  let result: ExecResult;
  try {
    result = await exec(opts.binary.command, [...opts.binary.args, absDir], { timeoutMs: opts.timeoutMs });
  } catch (e: unknown) {
    const msg = errorMessage(e);
    return note(`${opts.binary.label} could not run (${msg}); showing the native rendering.`);
  }
  if (result.code !== 0) {
    const firstLine = firstErrorLine(result.stderr);
    return note(`${opts.binary.label} ${native.dir} failed (${firstLine}); showing the native rendering.`);
  }
  const virtual: ManifestFile = {
    path: native.kustomizationFile,
    absPath: path.join(absDir, path.basename(native.kustomizationFile)),
    size: Buffer.byteLength(result.stdout),
  };
  const { uses, errors } = opts.extract(virtual, result.stdout);
  const problems: ParseProblem[] = errors.map((e) => ({
    ...e,
    line: 1,
    column: 1,
    message: `output of ${opts.binary.label} ${native.dir} could not be parsed: ${e.message}`,
  }));
  return {
    ...native,
    uses: mapRenderedUses(uses, native, opts.binary.label),
    errors: [...native.errors, ...problems],
  };
}

/** The first reason one of the directories is unsafe to hand to kustomize (see `findUnsafeEntry`), or null. */
async function firstUnsafeDir(dirs: readonly string[], root: string): Promise<string | null> {
  for (const dir of dirs) {
    const unsafe = await findUnsafeEntry(dir, root);
    if (unsafe) return unsafe;
  }
  return null;
}

/** Returns the most useful line of a kustomize error output (the `Error:`/`err=` line, trimmed). */
export function firstErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('# Warning'));
  const line = lines.find((l) => /error|err=/i.test(l)) ?? lines[0] ?? 'no error output';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
