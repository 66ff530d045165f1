/**
 * `WWW-Authenticate` parsing (RFC 7235 §4.1, RFC 6750 §3) for registry challenges. Pure.
 *
 * @remarks Registries send several shapes: quoted and unquoted values (`service=gcr.io`), several
 * challenges in one header (`Basic realm="quay.io", Bearer realm="…",service="quay.io"`) or in repeated
 * headers, and `error="insufficient_scope"` on a 401 after a token was presented.
 */

/** One parsed challenge: the scheme lower-cased and its parameters with lower-cased names. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** A Bearer challenge with the fields a token request needs. */
export interface BearerChallenge {
  scheme: 'bearer';
  realm: string;
  service?: string;
  scope?: string;
  error?: string;
}

/** A Basic challenge. */
export interface BasicChallenge {
  scheme: 'basic';
  realm?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/**
 * Parses one or more `WWW-Authenticate` header values into challenges, in order. Unparseable tails are
 * ignored rather than thrown, so a malformed header yields the challenges before the damage.
 */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  const out: Challenge[] = [];
  for (const value of values) out.push(...parseOne(value));
  return out;
}

function parseOne(input: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const n = input.length;
  const skipWs = () => {
    while (i < n && (input[i] === ' ' || input[i] === '\t')) i++;
  };
  let current: Challenge | null = null;
  while (i < n) {
    skipWs();
    if (input[i] === ',') {
      i++;
      continue;
    }
    const m = TOKEN.exec(input.slice(i));
    if (!m) break;
    const word = m[0];
    const after = i + word.length;
    let j = after;
    while (j < n && (input[j] === ' ' || input[j] === '\t')) j++;
    if (input[j] === '=' && current && !(j === after && input[j + 1] === '=' && isToken68Tail(input, j))) {
      // auth-param: name = token / quoted-string
      i = j + 1;
      skipWs();
      let value = '';
      if (input[i] === '"') {
        i++;
        while (i < n && input[i] !== '"') {
          if (input[i] === '\\' && i + 1 < n) i++;
          value += input[i];
          i++;
        }
        i++; // closing quote
      } else {
        const v = /^[^,\s]*/.exec(input.slice(i));
        value = v ? v[0] : '';
        i += value.length;
      }
      current.params[word.toLowerCase()] = value;
      continue;
    }
    if (current && input[j] === '=') {
      // token68 (e.g. `Negotiate abc==`): keep it as a parameter without a name
      let k = j;
      while (input[k] === '=') k++;
      current.params[''] = input.slice(i, k);
      i = k;
      continue;
    }
    // a new scheme
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
    i = after;
  }
  return out;
}

function isToken68Tail(input: string, eq: number): boolean {
  let k = eq;
  while (input[k] === '=') k++;
  while (input[k] === ' ' || input[k] === '\t') k++;
  return k >= input.length || input[k] === ',';
}

/**
 * Picks the challenge a registry client answers, as ggcr does: the first Bearer challenge with a realm,
 * else the first Basic challenge; `undefined` when there is neither.
 */
export function pickChallenge(
  challenges: readonly Challenge[],
): BearerChallenge | BasicChallenge | undefined {
  for (const c of challenges) {
    if (c.scheme === 'bearer' && c.params.realm) {
      const b: BearerChallenge = { scheme: 'bearer', realm: c.params.realm };
      if (c.params.service !== undefined) b.service = c.params.service;
      if (c.params.scope !== undefined) b.scope = c.params.scope;
      if (c.params.error !== undefined) b.error = c.params.error;
      return b;
    }
  }
  for (const c of challenges) {
    if (c.scheme === 'basic') {
      const b: BasicChallenge = { scheme: 'basic' };
      if (c.params.realm !== undefined) b.realm = c.params.realm;
      return b;
    }
  }
  return undefined;
}
