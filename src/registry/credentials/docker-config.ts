/**
 * Docker's `config.json` (docker/cli `cli/config/configfile/file.go`): `auths` entries, `credHelpers`
 * and `credsStore`. Parsing is pure; lookups follow docker/cli `file_store.go` (exact key, then
 * `ConvertToHostname`), with every Docker Hub spelling meaning Docker Hub.
 */
import { type CredentialFields, parseCredentialEntry } from './entry.js';
import { canonicalHost, convertToHostname, DOCKER_HUB_AUTH_KEY, DOCKER_HUB_HOST } from './hosts.js';

/** One usable `auths` entry. */
export interface DockerAuthEntry {
  key: string;
  fields: CredentialFields;
}

/** A parsed config file. */
export interface DockerConfig {
  /** Usable `auths` entries in file order (entries without any secret are left out). */
  auths: DockerAuthEntry[];
  /** Keys of `auths` entries that are present but empty (Docker Desktop writes these next to `credsStore`). */
  emptyAuthKeys: string[];
  credHelpers: Record<string, string>;
  credsStore?: string;
  /** Every secret found, for masking. */
  secrets: string[];
  /** Problems, naming the file and key (never the secret). */
  warnings: string[];
  /** Set when the whole file is unusable (not JSON, not an object): an explicitly named file then stops the run. */
  broken?: boolean;
}

const HELPER_NAME = /^[A-Za-z0-9._-]+$/;

/** Parse the text of a `config.json`; `label` names the file in warnings. */
export function parseDockerConfig(text: string, label: string): DockerConfig {
  const config: DockerConfig = { auths: [], emptyAuthKeys: [], credHelpers: {}, secrets: [], warnings: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    config.warnings.push(`${label} is not valid JSON; its credentials are ignored. Fix or remove the file.`);
    config.broken = true;
    return config;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    config.warnings.push(`${label} is not a JSON object; its credentials are ignored.`);
    config.broken = true;
    return config;
  }
  const root = json as Record<string, unknown>;
  const auths = root.auths;
  if (auths !== undefined) {
    if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) {
      config.warnings.push(`${label}: "auths" is not an object; it is ignored.`);
    } else {
      for (const [key, value] of Object.entries(auths)) {
        const parsed = parseCredentialEntry(value);
        config.secrets.push(...parsed.secrets);
        if (!parsed.ok) {
          config.warnings.push(`${label}: auths entry "${key}" is ignored: ${parsed.error}.`);
        } else if (parsed.fields) {
          config.auths.push({ key, fields: parsed.fields });
        } else {
          config.emptyAuthKeys.push(key);
        }
      }
    }
  }
  const helpers = root.credHelpers;
  if (helpers !== undefined) {
    if (typeof helpers !== 'object' || helpers === null || Array.isArray(helpers)) {
      config.warnings.push(`${label}: "credHelpers" is not an object; it is ignored.`);
    } else {
      for (const [key, value] of Object.entries(helpers)) {
        if (typeof value === 'string' && HELPER_NAME.test(value)) config.credHelpers[key] = value;
        else
          config.warnings.push(`${label}: credHelpers entry "${key}" is not a helper name; it is ignored.`);
      }
    }
  }
  if (root.credsStore !== undefined && root.credsStore !== '') {
    if (typeof root.credsStore === 'string' && HELPER_NAME.test(root.credsStore))
      config.credsStore = root.credsStore;
    else config.warnings.push(`${label}: "credsStore" is not a helper name; it is ignored.`);
  }
  return config;
}

function keyMatchesHost(key: string, host: string): boolean {
  return canonicalHost(convertToHostname(key)) === host;
}

/**
 * The `auths` entry for a registry host: the exact key first (`https://index.docker.io/v1/` for Docker
 * Hub), then the first key whose `ConvertToHostname` is the host.
 */
export function findAuthEntry(config: DockerConfig, host: string): DockerAuthEntry | undefined {
  const target = canonicalHost(host);
  const exact = target === DOCKER_HUB_HOST ? DOCKER_HUB_AUTH_KEY : target;
  return config.auths.find((a) => a.key === exact) ?? config.auths.find((a) => keyMatchesHost(a.key, target));
}

/** The helper configured for a host in `credHelpers` (exact key, then by hostname), if any. */
export function findCredHelper(config: DockerConfig, host: string): string | undefined {
  const target = canonicalHost(host);
  const exact = target === DOCKER_HUB_HOST ? DOCKER_HUB_AUTH_KEY : target;
  if (config.credHelpers[exact]) return config.credHelpers[exact];
  for (const [key, helper] of Object.entries(config.credHelpers))
    if (keyMatchesHost(key, target)) return helper;
  return undefined;
}

/** The server URL docker passes to a credential helper for a host (`https://index.docker.io/v1/` for Hub). */
export function helperServerUrl(host: string): string {
  const target = canonicalHost(host);
  return target === DOCKER_HUB_HOST ? DOCKER_HUB_AUTH_KEY : target;
}
