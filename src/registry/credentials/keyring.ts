/**
 * The kubelet's credential keyring for image pull secrets (`pkg/credentialprovider/keyring.go`):
 * keys get `https://` when they have no scheme, a `/v1/` or `/v2/` path is dropped, keys are tried
 * most specific first (reverse-sorted), and a key matches an image when the ports are equal, the hosts
 * have the same number of dot-separated labels each matching as a glob (`*.example.com`), and the key's
 * path is a string prefix of the image's path. Every Docker Hub spelling means `docker.io`.
 */
import type { CredentialFields } from './entry.js';
import { canonicalHost } from './hosts.js';

/** A keyring entry as given: the secret's key and what it holds. */
export interface KeyringInput<T = CredentialFields> {
  key: string;
  value: T;
}

/** A normalized key. */
export interface KeyringKey<T = CredentialFields> {
  /** `host[:port][/path]` after normalisation: the sort key. */
  normalized: string;
  hostname: string;
  port: string;
  /** Path with leading `/`, or `''`. */
  path: string;
  value: T;
  /** The key as written in the secret. */
  original: string;
}

function splitHostPort(hostport: string): { hostname: string; port: string } {
  const m = /^(.*):(\d*)$/.exec(hostport);
  if (m && !m[1]!.includes(':')) return { hostname: m[1]!, port: m[2]! };
  return { hostname: hostport, port: '' };
}

/** Normalize one key as kubelet's `BasicDockerKeyring.Add` does; undefined when it cannot be parsed. */
export function normalizeKeyringKey<T>(input: KeyringInput<T>): KeyringKey<T> | undefined {
  // Parsed by hand: Go's url.Parse accepts glob characters (`[0-9]`) in a host, WHATWG URL does not.
  // As in Go's url.Parse, `?` and `#` start the query and fragment, which the kubelet ignores.
  const rest = input.key
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/[?#].*$/, '');
  const slash = rest.indexOf('/');
  const rawHost = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  if (rawHost === '' || /[\s@]/.test(rawHost)) return undefined;
  let path = slash < 0 ? '' : rest.slice(slash);
  if (path === '/' || path.startsWith('/v1/') || path.startsWith('/v2/')) path = '';
  const { hostname, port } = splitHostPort(rawHost);
  const host = port ? hostname : canonicalHost(hostname);
  return {
    normalized: `${host}${port ? `:${port}` : ''}${path}`,
    hostname: host,
    port,
    path,
    value: input.value,
    original: input.key,
  };
}

/** Go `filepath.Match` for one host label: `*`, `?`, `[...]` / `[^...]` classes and `\` escapes. */
export function globMatch(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return false; // Go reports ErrBadPattern; the kubelet treats it as no match
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = `^${body.slice(1).replace(/[\\\]]/g, '\\$&')}`;
      else body = body.replace(/[\\\]^]/g, '\\$&');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`).test(text);
  } catch {
    return false;
  }
}

/** kubelet `URLsMatch`: equal ports, same label count, each label a glob match, key path a string prefix. */
export function keyMatchesImage(key: KeyringKey<unknown>, host: string, path: string): boolean {
  const target = splitHostPort(host.toLowerCase());
  const targetHost = target.port ? target.hostname : canonicalHost(target.hostname);
  if (key.port !== target.port) return false;
  const keyLabels = key.hostname.split('.');
  const targetLabels = targetHost.split('.');
  if (keyLabels.length !== targetLabels.length) return false;
  if (!path.startsWith(key.path)) return false;
  return keyLabels.every((label, i) => globMatch(label, targetLabels[i]!));
}

/** Normalize and sort keys most specific first (reverse lexicographic, as the kubelet does). */
export function buildKeyring<T>(inputs: KeyringInput<T>[]): KeyringKey<T>[] {
  const keys: KeyringKey<T>[] = [];
  for (const input of inputs) {
    const k = normalizeKeyringKey(input);
    if (k) keys.push(k);
  }
  // A stable sort keeps the input order among equal keys (several secrets for the same host).
  return keys.sort((a, b) => (a.normalized < b.normalized ? 1 : a.normalized > b.normalized ? -1 : 0));
}

/**
 * Every entry matching an image (`host` as the API sees it, `repository` without host), most specific
 * first. `/library/nginx`-style paths are compared with a leading `/`, as in the kubelet's URL.
 */
export function lookupKeyring<T>(
  keyring: KeyringKey<T>[],
  host: string,
  repository: string,
): KeyringKey<T>[] {
  const path = `/${repository.replace(/^\/+/, '')}`;
  return keyring.filter((k) => keyMatchesImage(k, host, path));
}
