/**
 * A per-host circuit breaker for one check run: after a rate limit longer than the checker waits, after
 * a host that never answered could not be reached at all, or after a few consecutive failures of the same
 * kind, a host is "open" and its remaining images are answered at
 * once with that status instead of each paying its own timeouts, retries and `Retry-After` waits.
 * Until a host has answered successfully (and again after each failure), its checks go one at a time, so
 * a dead host costs about `threshold × (retries + 1)` requests rather than that per image in flight.
 */
import type { RegistryCheck } from './types.js';

/** The statuses that count as a host failure (never `absent`: the breaker only repeats these). */
export type BreakerStatus = 'rate_limited' | 'registry_unavailable';

interface HostState {
  /** Consecutive failures of `status` (a success or another status restarts the count). */
  failures: number;
  status?: BreakerStatus;
  /** Whether the host answered successfully since its last failure. */
  healthy: boolean;
  /** Whether the host ever answered successfully in this run. */
  answered: boolean;
  /** Set when the breaker opened: the text that follows "was not checked: ". */
  open?: { status: BreakerStatus; why: string };
}

/** Options of {@link HostBreaker}. */
export interface BreakerOptions {
  /** Consecutive failures that open a host; 0 disables the breaker. */
  threshold: number;
  /** The longest `Retry-After` the client honours, ms; a longer one opens the host at once. */
  retryAfterCapMs: number;
}

/** What {@link HostBreaker.record} knows about one result besides its status. */
export interface RecordFacts {
  /** The `Retry-After` of a final 429, ms. */
  retryAfterMs?: number;
  /** The check failed below HTTP (no answer: refused, unreachable, DNS, TLS, timed out). */
  unreachable?: boolean;
}

/** Per-host failure counting and the answers for the images of an open host. */
export class HostBreaker {
  private readonly hosts = new Map<string, HostState>();
  private readonly options: BreakerOptions;

  constructor(options: BreakerOptions) {
    this.options = options;
  }

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      s = { failures: 0, healthy: false, answered: false };
      this.hosts.set(host, s);
    }
    return s;
  }

  /** Whether checks of `host` may run concurrently (it answered successfully since its last failure). */
  healthy(host: string): boolean {
    return this.options.threshold <= 0 || this.state(host).healthy;
  }

  /**
   * The answer for `display` when `host` is open, or `undefined` when it may be asked. The status is the
   * one that opened the host, never `absent`.
   */
  answer(host: string, display: string): RegistryCheck | undefined {
    const open = this.hosts.get(host)?.open;
    if (!open) return undefined;
    return { status: open.status, host, message: `${display} was not checked: ${open.why}` };
  }

  /**
   * Records the result of one check at `host`. Failures (`rate_limited`, `registry_unavailable`) count,
   * anything else resets the count. Returns true when this result opened the host.
   */
  record(host: string, result: RegistryCheck, facts: RecordFacts = {}): boolean {
    const { retryAfterMs } = facts;
    if (this.options.threshold <= 0) return false;
    const s = this.state(host);
    if (s.open) return false;
    if (result.status !== 'rate_limited' && result.status !== 'registry_unavailable') {
      if (result.status !== 'skipped') {
        s.failures = 0;
        delete s.status;
        s.healthy = true;
        s.answered = true;
      }
      return false;
    }
    s.healthy = false;
    s.failures = s.status === result.status ? s.failures + 1 : 1;
    s.status = result.status;
    const cap = this.options.retryAfterCapMs;
    if (result.status === 'rate_limited' && retryAfterMs !== undefined && retryAfterMs > cap) {
      s.open = {
        status: 'rate_limited',
        why: `${host} rate-limited an earlier check and asked to wait ${seconds(retryAfterMs)} (Retry-After), longer than the ${seconds(cap)} this check waits, so the check stopped asking it for the remaining images; authenticate to get a higher limit, use a mirror (the mirrors setting), or run again later.`,
      };
      return true;
    }
    if (facts.unreachable && !s.answered) {
      // The host has not answered once in this run and its own request (with retries) found nobody there:
      // the next image would wait the same timeout, so one dead host costs one check, not `threshold`.
      s.open = {
        status: result.status,
        why: `${host} could not be reached by an earlier check (${(result.message ?? result.status).replace(/\.$/, '')}), so the check did not ask it again for the remaining images; fix the registry or the runner's access to it, or run again later.`,
      };
      return true;
    }
    if (s.failures >= this.options.threshold) {
      const last = (result.message ?? result.status).replace(/\.$/, '');
      const what =
        result.status === 'rate_limited'
          ? 'authenticate to get a higher limit, use a mirror (the mirrors setting), or run again later'
          : "fix the registry or the runner's access to it, or run again later";
      s.open = {
        status: result.status,
        why: `${host} failed ${s.failures} checks in a row (last: ${last}), so the check stopped asking it for the remaining images; ${what}.`,
      };
      return true;
    }
    return false;
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
