/**
 * One credential entry as docker's `config.json`, a pull secret or the explicit input write it:
 * `{auth}` (base64 `user:password`), `{username, password}`, `{identitytoken}`, `{registrytoken}`.
 * Errors never contain the secret.
 */
import type { RegistryCredential } from './types.js';

/** The secret-bearing fields of a credential, without its source. */
export type CredentialFields = Omit<RegistryCredential, 'source'>;

/** Which fields to read: the kubelet reads only `auth`/`username`/`password`. */
export interface EntryParseOptions {
  /** Accept `identitytoken` / `registrytoken` (docker config, explicit input). Default true. */
  tokens?: boolean;
}

/** A parsed entry: fields (possibly empty, meaning "no credential here") or an error message. */
export type EntryParseResult =
  | {
      ok: true;
      fields: CredentialFields | undefined /** Strings to mask, the raw `auth` included. */;
      secrets: string[];
    }
  | { ok: false; error: string; secrets: string[] };

function stringField(o: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = o[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/**
 * Decode an `auth` field: standard base64, padded or not, split at the first `:`, trailing NULs trimmed
 * (docker/cli `decodeAuth`, kubelet `decodeDockerConfigFieldAuth`).
 */
export function decodeAuthField(auth: string): { username: string; password: string } | { error: string } {
  const compact = auth.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    return { error: '"auth" is not valid base64' };
  }
  const decoded = Buffer.from(compact, 'base64').toString('utf8').replace(/\0+$/, '');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { error: '"auth" does not decode to "username:password"' };
  const username = decoded.slice(0, colon);
  if (username === '') return { error: '"auth" has an empty username' };
  return { username, password: decoded.slice(colon + 1) };
}

/** Parse one entry object. `auth` wins over `username`/`password`, as in docker and the kubelet. */
export function parseCredentialEntry(value: unknown, options: EntryParseOptions = {}): EntryParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'the entry is not an object', secrets: [] };
  }
  const o = value as Record<string, unknown>;
  const tokens = options.tokens !== false;
  const fields: CredentialFields = {};
  const auth = stringField(o, 'auth');
  const raw = [auth, stringField(o, 'password', 'Password')].filter((x): x is string => x !== undefined);
  if (auth !== undefined) {
    const decoded = decodeAuthField(auth);
    if ('error' in decoded) return { ok: false, error: decoded.error, secrets: raw };
    fields.username = decoded.username;
    fields.password = decoded.password;
  } else {
    const username = stringField(o, 'username', 'Username');
    const password = stringField(o, 'password', 'Password');
    if (username !== undefined) fields.username = username;
    if (password !== undefined) fields.password = password;
    if (password !== undefined && username === undefined) {
      return { ok: false, error: '"password" is set without "username"', secrets: raw };
    }
  }
  if (tokens) {
    const identity = stringField(o, 'identitytoken', 'identityToken', 'IdentityToken');
    const registry = stringField(o, 'registrytoken', 'registryToken', 'RegistryToken');
    if (identity !== undefined) fields.identityToken = identity;
    if (registry !== undefined) fields.registryToken = registry;
  }
  const empty =
    fields.username === undefined &&
    fields.password === undefined &&
    fields.identityToken === undefined &&
    fields.registryToken === undefined;
  if (empty) return { ok: true, fields: undefined, secrets: raw };
  return { ok: true, fields, secrets: [...new Set([...raw, ...secretsOf(fields)])] };
}

/**
 * Every string that must be masked for a credential: each secret, its base64 form, and the base64 of
 * `username:password` (what a Basic header carries).
 */
export function secretsOf(fields: CredentialFields): string[] {
  const out = new Set<string>();
  const add = (s: string | undefined) => {
    if (!s) return;
    out.add(s);
    out.add(Buffer.from(s).toString('base64'));
  };
  add(fields.password);
  add(fields.identityToken);
  add(fields.registryToken);
  if (fields.username !== undefined && fields.password) {
    out.add(Buffer.from(`${fields.username}:${fields.password}`).toString('base64'));
  }
  return [...out];
}
