/**
 * The one concurrency limiter of the project: a counting semaphore. Imports nothing, so any layer may
 * use it (the file-system walk, manifest extraction, registry checks).
 */

/** Runs at most `limit` tasks at once; the rest wait in FIFO order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
    if (!(limit >= 1)) throw new RangeError(`concurrency must be at least 1, got ${limit}`);
  }

  /** Runs `task` when a slot is free and returns its result. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
