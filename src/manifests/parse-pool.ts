/**
 * Parses manifest files on every core: a small pool of worker threads, each running
 * `extractFile` (the same function the main thread would run, so results are identical). The
 * caller keeps results by index, so their order does not depend on which worker finished first.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ExtractOptions, FileExtract } from './extract.js';
import type { ManifestFile } from './types.js';

/** One file to extract, sent to a worker. */
export interface ParseRequest {
  id: number;
  file: ManifestFile;
  text: string;
  options: ExtractOptions;
}

/** A worker's answer: the extraction (as JSON), or the message of an internal failure. */
export type ParseResponse = { id: number; json: string } | { id: number; error: string };

/** Distinct strings shared across worker results (kinds, API versions, namespaces are few). */
const MAX_SHARED_STRINGS = 10_000;

/**
 * Below this many bytes of manifests, starting threads and moving results costs more than it
 * saves (bench/scan.ts: on the 5.9 MB corpus two workers were 3x slower than one thread).
 */
export const MIN_POOL_BYTES = 8_000_000;

/**
 * How many worker threads to use for `bytes` of manifests: `requested` when set (0 or 1: none,
 * parse in this thread), else one per core but one (this thread reads the files and merges the
 * results) when there is enough work and at least two workers to use; otherwise none.
 */
export function poolSize(bytes: number, requested?: number, cores = availableParallelism()): number {
  if (requested !== undefined) return requested <= 1 ? 0 : Math.floor(requested);
  const workers = Math.min(cores - 1, 8);
  return bytes >= MIN_POOL_BYTES && workers >= 2 ? workers : 0;
}

/**
 * Running TypeScript sources (tests, benchmarks): the worker maps our `.js` import specifiers to
 * the `.ts` files, as the bundle does not exist there. The bundle uses the plain `new Worker(new
 * URL(...))` form, which ncc (webpack) recognizes and emits as its own chunk.
 */
const TS_BOOTSTRAP = `
const { registerHooks } = require('node:module');
const { workerData } = require('node:worker_threads');
registerHooks({
  resolve(specifier, context, next) {
    try { return next(specifier, context); } catch (err) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return next(specifier.slice(0, -3) + '.ts', context);
      throw err;
    }
  },
});
import(workerData.url);
`;

/**
 * The worker script next to this module: `parse-worker.ts` in the sources, `parse-worker.js` in
 * the compiled tree and next to each bundle (scripts/build.mjs bundles it on its own). The name is
 * a variable so that webpack (ncc) leaves the `new URL` alone instead of copying the file as-is.
 */
const WORKER_SCRIPT = { ts: './parse-worker.ts', js: './parse-worker.js' };

/**
 * A small young generation: parsing makes much short-lived garbage, and a worker's default
 * nursery lets each thread's memory grow far beyond the files it holds.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

function startWorker(): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const url = new URL(WORKER_SCRIPT.ts, import.meta.url).href;
    return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { url }, resourceLimits: WORKER_LIMITS });
  }
  return new Worker(new URL(WORKER_SCRIPT.js, import.meta.url), { resourceLimits: WORKER_LIMITS });
}

/**
 * A pool of parse workers; `extract` queues a file on the least busy one. Call `close` when done
 * (the workers keep the process alive while a result is awaited, so they are not unref'd).
 */
export class ParsePool {
  private readonly workers: Worker[];
  private readonly busy: number[];
  /** Workers that exited (e.g. out of memory on a huge file): they get no more work. */
  private readonly dead = new Set<number>();
  private readonly pending = new Map<number, Waiter>();
  private nextId = 0;
  private readonly strings = new Map<string, string>();

  constructor(size: number) {
    this.workers = Array.from({ length: size }, startWorker);
    this.busy = this.workers.map(() => 0);
    this.workers.forEach((worker, index) => {
      worker.on('message', (response: ParseResponse) => this.settle(index, response));
      worker.on('error', () => this.retire(index));
      worker.on('exit', () => this.retire(index));
    });
  }

  /** Extracts one file on a worker; rejects when no worker is left (the caller parses in its own thread). */
  extract(file: ManifestFile, text: string, options: ExtractOptions): Promise<FileExtract> {
    const id = this.nextId++;
    let index = -1;
    for (let i = 0; i < this.workers.length; i++) {
      if (!this.dead.has(i) && (index === -1 || this.busy[i]! < this.busy[index]!)) index = i;
    }
    if (index === -1) return Promise.reject(new Error('no parse worker left'));
    this.busy[index]! += 1;
    const request: ParseRequest = { id, file, text, options };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker: index, resolve: (r) => resolve(this.share(r, file)), reject });
      this.workers[index]!.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * Strings repeated across uses (kinds, API versions, namespaces, the file) arrive as separate
   * copies from a worker; one shared copy each keeps the main thread's memory as in-thread parsing.
   */
  private share(result: FileExtract, file: ManifestFile): FileExtract {
    const intern = (value: string | null): string | null => {
      if (value === null) return null;
      const known = this.strings.get(value);
      if (known !== undefined) return known;
      if (this.strings.size < MAX_SHARED_STRINGS) this.strings.set(value, value);
      return value;
    };
    const uses = [...result.uses, ...result.templated.map((t) => t.use)];
    for (const use of uses) {
      use.file = file.path;
      use.kind = intern(use.kind) ?? use.kind;
      use.apiVersion = intern(use.apiVersion);
      use.namespace = intern(use.namespace);
    }
    for (const e of result.errors) e.file = file.path;
    return result;
  }

  private settle(index: number, response: ParseResponse): void {
    this.busy[index]! -= 1;
    const waiter = this.pending.get(response.id);
    if (waiter === undefined) return;
    this.pending.delete(response.id);
    if ('error' in response) waiter.reject(new Error(response.error));
    else waiter.resolve(JSON.parse(response.json) as FileExtract);
  }

  /** A worker that failed or exited: its open requests are rejected (and parsed by the caller). */
  private retire(index: number): void {
    this.dead.add(index);
    for (const [id, waiter] of this.pending) {
      if (waiter.worker !== index) continue;
      this.pending.delete(id);
      waiter.reject(new Error('parse worker exited'));
    }
  }
}

interface Waiter {
  worker: number;
  resolve: (r: FileExtract) => void;
  reject: (e: Error) => void;
}
