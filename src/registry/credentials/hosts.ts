/**
 * Host names as credential stores write them. Docker Hub has four spellings that all mean the same
 * registry; the API host the checker asks about is `docker.io`.
 */

/** The host the checker uses for Docker Hub. */
export const DOCKER_HUB_HOST = 'docker.io';

/** The key `docker login` writes for Docker Hub and passes to credential helpers. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** True for `docker.io`, `index.docker.io` and `registry-1.docker.io` (case-insensitive, no port). */
export function isDockerHubHost(host: string): boolean {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase());
}

/** `docker.io` for any Docker Hub alias, the lower-cased host otherwise. */
export function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  return isDockerHubHost(lower) ? DOCKER_HUB_HOST : lower;
}

/**
 * docker/cli `ConvertToHostname`: strip `http://` / `https://` and everything after the first `/`.
 * `https://index.docker.io/v1/` becomes `index.docker.io`.
 */
export function convertToHostname(key: string): string {
  let rest = key.trim();
  if (rest.startsWith('http://')) rest = rest.slice(7);
  else if (rest.startsWith('https://')) rest = rest.slice(8);
  const slash = rest.indexOf('/');
  return slash < 0 ? rest : rest.slice(0, slash);
}

/**
 * Split a credential key into canonical host and path (no scheme, `/v1/` `/v2/` suffixes dropped, no
 * trailing slash): `https://ghcr.io/v2/` → `{host: 'ghcr.io', path: ''}`, `reg.io/team` → `{…, path: 'team'}`.
 */
export function splitCredentialKey(key: string): { host: string; path: string } {
  let rest = key.trim().replace(/^https?:\/\//, '');
  const slash = rest.indexOf('/');
  const host = canonicalHost(slash < 0 ? rest : rest.slice(0, slash));
  rest = slash < 0 ? '' : rest.slice(slash + 1);
  if (/^v[12](\/|$)/.test(rest)) rest = '';
  return { host, path: rest.replace(/\/+$/, '') };
}
