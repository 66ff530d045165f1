/**
 * Retry timing for registry requests: `Retry-After` parsing and exponential backoff with jitter. Pure.
 */

/**
 * Parses a `Retry-After` value (delta-seconds or an HTTP date, RFC 9110 §10.2.3) into milliseconds from
 * `nowMs`; `undefined` when absent or unparseable. A date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (/^\d+\.\d+$/.test(v)) return Math.round(Number(v) * 1000);
  // An HTTP date always names a weekday or a month; a bare number was handled above.
  if (!/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Returns the delay before retry number `attempt` (0-based): `base * 2^attempt`, scaled by a jitter factor
 * in [0.5, 1.5) from `random()`, never above `capMs`.
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number, capMs: number): number {
  const exp = baseMs * 2 ** attempt;
  const jittered = exp * (0.5 + random());
  return Math.min(capMs, Math.round(jittered));
}

/**
 * Returns the delay before retrying a 429: the server's `Retry-After` when given (capped at `capMs`),
 * else the backoff delay.
 */
export function rateLimitDelay(
  retryAfterMs: number | undefined,
  attempt: number,
  baseMs: number,
  random: () => number,
  capMs: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(capMs, retryAfterMs);
  return backoffDelay(attempt, baseMs, random, capMs);
}

/** Whether an HTTP status is worth retrying: 408, 429 and 5xx except 501/505 (permanent). */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status !== 501 && status !== 505;
}
