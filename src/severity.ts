/**
 * The one severity scale of both modes, and the `fail-on` policy on it. PR mode grades findings
 * `error | warning | notice`; cluster mode grades pods and workloads `critical | warning | info | none`.
 * Both vocabularies are words for the same ordered levels, so a user may write either in `fail-on`:
 *
 *   none (0) < info ≡ notice (1) < warning (2) < critical ≡ error (3)
 *
 * A leaf module (imports nothing) so that report/, cluster/ and the commands can all share it.
 */

/** Severity of a PR-mode finding (the words of annotations, SARIF, JUnit and the text report). */
export type FindingSeverity = 'error' | 'warning' | 'notice';

/** Severity of a pod-health finding or a workload; `info` is metrics only, `none` is healthy. */
export type HealthSeverity = 'critical' | 'warning' | 'info' | 'none';

/** Any word of either vocabulary. */
export type AnySeverity = FindingSeverity | HealthSeverity;

/** The words `fail-on` accepts, in the order the docs list them: both vocabularies, then `never`. */
export const FAIL_ON_VALUES = ['error', 'critical', 'warning', 'notice', 'info', 'never'] as const;

/** A `fail-on` value: the lowest severity that fails the run, or `never`. */
export type FailOn = (typeof FAIL_ON_VALUES)[number];

/** Level of each word on the shared scale; synonyms share a level. */
const LEVEL: Record<AnySeverity, number> = { none: 0, info: 1, notice: 1, warning: 2, error: 3, critical: 3 };

/** Returns the level of a severity on the shared scale (none 0 … critical/error 3), for sorting and max. */
export function severityLevel(s: AnySeverity): number {
  return LEVEL[s];
}

/** Returns the higher of two severities of one vocabulary (the first on a tie). */
export function maxSeverity<S extends AnySeverity>(a: S, b: S): S {
  return LEVEL[b] > LEVEL[a] ? b : a;
}

/** Returns whether `s` is at least `min` on the shared scale. */
export function isAtLeast(s: AnySeverity, min: AnySeverity): boolean {
  return LEVEL[s] >= LEVEL[min];
}

/** Compares two severities, highest first: for `sort`. */
export function bySeverityDesc(a: AnySeverity, b: AnySeverity): number {
  return LEVEL[b] - LEVEL[a];
}

/** Returns whether a value is one of the `fail-on` words. */
export function isFailOn(value: unknown): value is FailOn {
  return typeof value === 'string' && (FAIL_ON_VALUES as readonly string[]).includes(value);
}

/**
 * Returns whether one severity fails the run at `failOn`. `never` fails nothing and `none` (healthy)
 * never fails, whatever the threshold.
 */
export function failsAt(severity: AnySeverity, failOn: FailOn): boolean {
  if (failOn === 'never' || severity === 'none') return false;
  return LEVEL[severity] >= LEVEL[failOn];
}

/** Returns whether any of the severities fails the run at `failOn`. */
export function anyFailsAt(severities: Iterable<AnySeverity>, failOn: FailOn): boolean {
  for (const s of severities) if (failsAt(s, failOn)) return true;
  return false;
}
