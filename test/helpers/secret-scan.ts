/**
 * Scan produced output (logs, annotations, job summaries, JSON reports) for credentials in every form
 * they could leak in: as written, standard and URL-safe base64 (alone and as `user:password`), and
 * percent-encoded. Returns descriptions of the leaks, never the secret values themselves.
 */

/** A credential to look for; `label` names it in the result. */
export interface SecretToFind {
  label: string;
  value: string;
  /** With a username, `base64(username:value)` (a Basic header) is searched as well. */
  username?: string;
}

function forms(s: SecretToFind): [string, string][] {
  const out: [string, string][] = [
    ['as written', s.value],
    ['base64', Buffer.from(s.value).toString('base64')],
    ['base64url', Buffer.from(s.value).toString('base64url')],
    ['percent-encoded', encodeURIComponent(s.value)],
  ];
  if (s.username !== undefined) {
    const pair = `${s.username}:${s.value}`;
    out.push(['Basic base64', Buffer.from(pair).toString('base64')]);
    out.push(['Basic base64, unpadded', Buffer.from(pair).toString('base64').replace(/=+$/, '')]);
  }
  return out.filter(([, v]) => v.length >= 4);
}

/** One `"<label>" (<form>) in output #<i>` per leaked secret and output; empty when nothing leaked. */
export function findLeakedSecrets(outputs: string[], secrets: SecretToFind[]): string[] {
  const leaks: string[] = [];
  outputs.forEach((text, i) => {
    for (const s of secrets) {
      const hit = forms(s).find(([, value]) => text.includes(value));
      if (hit) leaks.push(`"${s.label}" (${hit[0]}) in output #${i}`);
    }
  });
  return [...new Set(leaks)];
}
