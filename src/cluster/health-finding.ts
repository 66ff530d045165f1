/**
 * The building blocks of the pod-health rules: a finding, the clock, severity order, grace arithmetic and
 * message helpers. Pure; internal to `pod-health.ts` and `container-rules.ts`.
 */
import type { PodRecord } from './records.js';
import type { HealthSeverity, PodHealthClass, PodHealthRule, PodHealthThresholds } from './types.js';

// Severity order (critical 3 … none 0) lives in `severity.ts`, shared with PR mode.
export { maxSeverity, severityLevel as severityRank } from '../severity.js';

/** One matched row of the table, before it becomes a `PodHealth`. */
export interface Finding {
  rule: PodHealthRule;
  class: PodHealthClass;
  severity: HealthSeverity;
  /** Inside a grace period: the finding may still heal by itself. */
  transitional: boolean;
  container: string | null;
  init: boolean;
  reason: string | null;
  exitCode: number | null;
  message: string | null;
}

/** The `now` (ms) and thresholds every rule is evaluated against. */
export interface Clock {
  nowMs: number;
  t: PodHealthThresholds;
}

/** Seconds from an ISO timestamp to now, or null when the timestamp is missing or invalid. */
export function since(iso: string | undefined, clock: Clock): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : (clock.nowMs - ms) / 1000;
}

/** `ageSeconds ≥ grace`, treating an unknown age as past the grace (the pod has no usable timestamp). */
export function pastGrace(age: number | null, grace: number): boolean {
  return age === null || age >= grace;
}

/** Returns a short human duration (`45s`, `19m`, `3h`, `2d`) for messages. */
export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Returns the non-empty parts, trimmed and joined with spaces. */
export function join(...parts: (string | undefined | null | false)[]): string {
  return parts
    .map((p) => (p ? p.trim() : ''))
    .filter(Boolean)
    .join(' ');
}

/** Returns `1 time` or `N times`. */
export function times(n: number): string {
  return n === 1 ? '1 time' : `${n} times`;
}

/** Returns the finding with its severity inside the grace period lowered to none (transitional). */
export function graceFinding(
  base: Omit<Finding, 'severity' | 'transitional'>,
  severity: HealthSeverity,
  past: boolean,
): Finding {
  return { ...base, severity: past ? severity : 'none', transitional: !past };
}

/** Returns a pod-level finding (no container). */
export function podFinding(
  rule: PodHealthRule,
  cls: PodHealthClass,
  severity: HealthSeverity,
  transitional: boolean,
  reason: string | null,
  message: string | null,
): Finding {
  return {
    rule,
    class: cls,
    severity,
    transitional,
    container: null,
    init: false,
    reason,
    exitCode: null,
    message,
  };
}

/** Returns the pod condition of a type, if present. */
export function condition(pod: PodRecord, type: string) {
  return (pod.status.conditions ?? []).find((c) => c.type === type);
}
