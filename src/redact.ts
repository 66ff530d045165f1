/** Redaction of secrets in text we print: each secret and its base64 form become `***`. */

/** Returns a function that replaces every known secret (and its base64 twin) in a string. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    needles.add(s);
    needles.add(Buffer.from(s, 'utf8').toString('base64'));
    for (const line of s.split(/\r?\n/)) if (line.trim().length >= 8) needles.add(line.trim());
  }
  const list = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const n of list) if (out.includes(n)) out = out.split(n).join('***');
    return out;
  };
}
