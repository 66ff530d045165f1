/** Registry credentials: explicit input, docker config and credential helpers, Kubernetes pull secrets. */
export { parseDockerConfig } from './docker-config.js';
export { type CredentialHelperRunner, createProcessHelperRunner, type HelperCredential } from './helper.js';
export { canonicalHost, DOCKER_HUB_AUTH_KEY, DOCKER_HUB_HOST, isDockerHubHost } from './hosts.js';
export { type PullSecretFileResult, parsePullSecretFile } from './pull-secret-file.js';
export type { PullSecret } from './pull-secrets.js';
export {
  type CredentialResolverOptions,
  type CredentialResolverResult,
  createCredentialResolver,
} from './resolver.js';
export { type CredentialResolver, CredentialsError, type RegistryCredential } from './types.js';
