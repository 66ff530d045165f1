/** A credential for one registry, in the forms Docker's config.json and credential helpers know. */
export interface RegistryCredential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (docker `identitytoken`, helper username `<token>`): POST to the realm. */
  identityToken?: string;
  /** A bearer token sent to the registry as is (docker `registrytoken`). */
  registryToken?: string;
  /** Where it came from, for messages (never the secret): e.g. `docker config ~/.docker/config.json`. */
  source: string;
}

/**
 * Finds the credentials for an image's registry host (as the API sees it: `docker.io` for Docker Hub,
 * `host:port` otherwise) and repository path. Returns every match, most specific first (the kubelet tries
 * them in order), or an empty list for anonymous access.
 */
export type CredentialResolver = (host: string, repository: string) => Promise<RegistryCredential[]>;

/**
 * Credentials the user named explicitly cannot be used (malformed JSON/YAML, an unknown key, a broken docker
 * config file given by path): the run stops with exit code 2 instead of going on anonymously, where every
 * private image would then read "add credentials". The message names the setting and the entry, never a value.
 */
export class CredentialsError extends Error {
  override name = 'CredentialsError';
}
