/**
 * Small helpers every layer shares: the message of a thrown value, and the guard for JSON/YAML mappings.
 * Pure, and importing nothing, so any layer may use them (the boundary test allows it).
 */

/** The message of a thrown value: an Error's `message`, else its string form. Not redacted: see `describeError`. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True for a parsed JSON/YAML mapping (an object that is not an array and not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
