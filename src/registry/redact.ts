/**
 * Redaction of secrets from text that may reach a message or log (bodies, error strings). Pure.
 */

/** Longest body excerpt kept in a check (characters). */
export const MAX_EXCERPT_CHARS = 300;

const PATTERNS: readonly RegExp[] = [
  // JWTs (header.payload.signature)
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // Authorization-style values
  /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
  // JSON fields that carry secrets
  /("(?:token|access_token|refresh_token|password|secret|auth|identitytoken|registrytoken)"\s*:\s*")[^"]*(")/gi,
];

/**
 * Returns `text` with every known secret (and its base64 forms) and every token-looking value replaced by
 * `[redacted]`.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (const form of [s, Buffer.from(s).toString('base64'), encodeURIComponent(s)]) {
      out = out.split(form).join('[redacted]');
    }
  }
  for (const p of PATTERNS) {
    out = out.replace(p, (_m, a?: string, b?: string) =>
      typeof a === 'string' && typeof b === 'string' && a.startsWith('"')
        ? `${a}[redacted]${b}`
        : '[redacted]',
    );
  }
  return out;
}

/** Returns a redacted, whitespace-collapsed excerpt of at most {@link MAX_EXCERPT_CHARS} characters. */
export function excerpt(text: string, secrets: readonly string[] = []): string {
  const collapsed = redact(text, secrets).replace(/\s+/g, ' ').trim();
  return collapsed.length > MAX_EXCERPT_CHARS ? `${collapsed.slice(0, MAX_EXCERPT_CHARS)}…` : collapsed;
}
