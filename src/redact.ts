/** Redaction of secrets in text we print: each secret and its base64 form become `***`. */

/** A redaction function that also accepts secrets learned later (e.g. from credential helpers). */
export interface Redactor {
  (text: string): string;
  /** Adds a secret; every later call redacts it too. */
  add(secret: string): void;
}

/** Returns a redactor that replaces every known secret (and its base64 twin, and each long line of it). */
export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = new Set<string>();
  let list: string[] = [];
  const add = (s: string) => {
    if (!s || s.length < 4) return;
    needles.add(s);
    needles.add(Buffer.from(s, 'utf8').toString('base64'));
    for (const line of s.split(/\r?\n/)) if (line.trim().length >= 8) needles.add(line.trim());
    list = [...needles].sort((a, b) => b.length - a.length);
  };
  for (const s of secrets) add(s);
  const redact = ((text: string) => {
    let out = text;
    for (const n of list) if (out.includes(n)) out = out.split(n).join('***');
    return out;
  }) as Redactor;
  redact.add = add;
  return redact;
}
