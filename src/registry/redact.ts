/**
 * Bounded excerpts of registry bodies and errors, redacted through the one redactor (`src/secrets.ts`).
 */
import { redact as redactText, registerSecret } from '../secrets.js';

/** Longest body excerpt kept in a check (characters). */
export const MAX_EXCERPT_CHARS = 300;

/**
 * Returns `text` redacted by the run's secret registry. `known` are credentials of the caller (the
 * checker's tokens and passwords): they are registered first, so they stay redacted everywhere else too.
 */
export function redact(text: string, known: Iterable<string> = []): string {
  registerSecret(...known);
  return redactText(text);
}

/** Returns a redacted, whitespace-collapsed excerpt of at most {@link MAX_EXCERPT_CHARS} characters. */
export function excerpt(text: string, known: Iterable<string> = []): string {
  // Redact before cutting: a cut through a secret would leave a prefix no form matches.
  const collapsed = redact(text, known).replace(/\s+/g, ' ').trim();
  return collapsed.length > MAX_EXCERPT_CHARS ? `${collapsed.slice(0, MAX_EXCERPT_CHARS)}…` : collapsed;
}
