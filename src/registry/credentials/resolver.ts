/**
 * The credential resolver: explicit input first, then docker's `config.json` (or `DOCKER_AUTH_CONFIG`),
 * then Kubernetes pull secrets. Files are read once when the resolver is created; credential helpers run
 * lazily, once per helper and server. Every secret is collected for masking; problems become warnings.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../errors.js';
import { redact, registerCredential, registerSecret } from '../../secrets.js';
import {
  type DockerConfig,
  findAuthEntry,
  findCredHelper,
  helperServerUrl,
  parseDockerConfig,
} from './docker-config.js';
import { type CredentialFields, secretsOf } from './entry.js';
import { findExplicit, parseExplicitCredentials } from './explicit.js';
import {
  type CredentialHelperRunner,
  createProcessHelperRunner,
  HELPER_TOKEN_USERNAME,
  type HelperCredential,
} from './helper.js';
import { canonicalHost } from './hosts.js';
import { buildKeyring, type KeyringKey, lookupKeyring } from './keyring.js';
import { type PullSecret, type PullSecretCredential, parsePullSecrets } from './pull-secrets.js';
import { type CredentialResolver, CredentialsError, type RegistryCredential } from './types.js';

/** Options of {@link createCredentialResolver}. */
export interface CredentialResolverOptions {
  /** Explicit input: JSON or YAML map host -> {username,password} | {auth} | {identitytoken} | {registrytoken}. */
  explicit?: string;
  /**
   * A docker `config.json` path (or a directory holding one). Default: `$DOCKER_CONFIG/config.json`, else
   * `$HOME/.docker/config.json` (both from `env`). A missing default file is not an error.
   */
  dockerConfigPath?: string;
  /** Environment (PATH for helpers, DOCKER_CONFIG, DOCKER_AUTH_CONFIG, HOME). */
  env: Record<string, string | undefined>;
  /** Kubernetes image pull secrets (`data` base64 as in the API). */
  pullSecrets?: PullSecret[];
  /** Runs `docker-credential-<name> get`; default spawns the program found on `env.PATH`. */
  runHelper?: CredentialHelperRunner;
  /** Called with each new secret as soon as it is known (e.g. `core.setSecret`), helpers' included. */
  onSecret?: (secret: string) => void;
  /**
   * Called with every warning as it happens: the ones found while reading the sources (during this call)
   * and later credential-helper failures. Use it instead of reading `warnings`, not in addition.
   */
  onWarning?: (message: string) => void;
}

/** A resolver plus what must be masked and what went wrong while reading the sources. */
export interface CredentialResolverResult {
  resolve: CredentialResolver;
  /** Every secret value and its base64 form. Grows when helpers answer. */
  secrets: string[];
  /** Problems, naming the file/input and key (never a secret). Grows when helpers fail. */
  warnings: string[];
}

interface DockerSource {
  label: string;
  config: DockerConfig;
  /** Named by the docker-config setting: its problems are errors, not warnings. */
  explicit?: boolean;
}

function readDockerSources(options: CredentialResolverOptions, warnings: string[]): DockerSource[] {
  const sources: DockerSource[] = [];
  const { env } = options;
  const inline = env.DOCKER_AUTH_CONFIG;
  if (inline && inline.trim() !== '') {
    sources.push({ label: 'DOCKER_AUTH_CONFIG', config: parseDockerConfig(inline, 'DOCKER_AUTH_CONFIG') });
  }
  let path: string | undefined;
  let explicitPath = false;
  if (options.dockerConfigPath) {
    path = options.dockerConfigPath;
    explicitPath = true;
  } else if (env.DOCKER_CONFIG) {
    path = join(env.DOCKER_CONFIG, 'config.json');
  } else if (env.HOME) {
    path = join(env.HOME, '.docker', 'config.json');
  }
  if (path) {
    try {
      if (statSync(path).isDirectory()) path = join(path, 'config.json');
      const label = explicitPath ? `docker-config ${path}` : `docker config ${path}`;
      sources.push({
        label,
        config: parseDockerConfig(readFileSync(path, 'utf8'), label),
        explicit: explicitPath,
      });
    } catch (err: unknown) {
      const code = (err as NodeJS.ErrnoException).code;
      if (explicitPath || code !== 'ENOENT') {
        warnings.push(
          `docker config ${path} could not be read (${code ?? 'error'}); its credentials are not used. ` +
            'Check the docker config path (docker-config / --docker-config, DOCKER_CONFIG).',
        );
      }
    }
  }
  return sources;
}

/** Registers a credential's secrets in the run's registry, with the `user:password` forms. */
function registerFields(fields: CredentialFields): void {
  registerCredential({ username: fields.username, secret: fields.password });
  registerSecret(fields.identityToken, fields.registryToken);
}

function credential(fields: CredentialFields, source: string): RegistryCredential {
  return { ...fields, source };
}

function sameSecret(a: RegistryCredential, b: RegistryCredential): boolean {
  return (
    a.username === b.username &&
    a.password === b.password &&
    a.identityToken === b.identityToken &&
    a.registryToken === b.registryToken
  );
}

/**
 * Create the credential resolver. `resolve(host, repository)` returns every matching credential, most
 * specific source first and without duplicates, or `[]` for anonymous access.
 */
export function createCredentialResolver(options: CredentialResolverOptions): CredentialResolverResult {
  const sink = createSink(options);
  const explicit = parseExplicitCredentials(options.explicit ?? '');
  sink.addSecrets(
    explicit.secrets,
    explicit.entries.map((e) => e.fields),
  );
  // Named credentials that cannot be used stop the run: going on anonymously would blame the registries.
  if (explicit.warnings.length) throw new CredentialsError(explicit.warnings.join(' '));

  const readWarnings: string[] = [];
  const dockerSources = readDockerSources(options, readWarnings);
  if (options.dockerConfigPath && readWarnings.length) throw new CredentialsError(readWarnings.join(' '));
  sink.warn(...readWarnings);
  for (const d of dockerSources) {
    sink.addSecrets(
      d.config.secrets,
      d.config.auths.map((a) => a.fields),
    );
    if (d.explicit && d.config.broken) throw new CredentialsError(d.config.warnings.join(' '));
    sink.warn(...d.config.warnings);
  }

  const pulled = parsePullSecrets(options.pullSecrets ?? []);
  sink.addSecrets(
    pulled.secrets,
    pulled.inputs.map((i) => i.value.fields),
  );
  sink.warn(...pulled.warnings);
  const keyring: KeyringKey<PullSecretCredential>[] = buildKeyring(pulled.inputs);
  const callHelper = helperCaller(options.runHelper ?? createProcessHelperRunner(options.env), sink);

  const resolve: CredentialResolver = async (rawHost, repository) => {
    const host = canonicalHost(rawHost);
    const found: RegistryCredential[] = [];
    for (const e of findExplicit(explicit.entries, host, repository))
      found.push(credential(e.fields, `registry-credentials (entry "${e.key}")`));
    for (const d of dockerSources) found.push(...(await fromDocker(d, host, callHelper)));
    for (const k of lookupKeyring(keyring, host, repository))
      found.push(credential(k.value.fields, k.value.source));
    const unique: RegistryCredential[] = [];
    for (const c of found) if (!unique.some((u) => sameSecret(u, c))) unique.push(c);
    return unique;
  };

  return { resolve, secrets: sink.secrets, warnings: sink.warnings };
}

/** Where the resolver's secrets and warnings go: its result lists and the callers' callbacks. */
interface Sink {
  secrets: string[];
  warnings: string[];
  warn: (...messages: string[]) => void;
  addSecrets: (values: string[], fields?: (CredentialFields | undefined)[]) => void;
}

function createSink(options: CredentialResolverOptions): Sink {
  const secrets: string[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  return {
    secrets,
    warnings,
    warn: (...messages) => {
      for (const m of messages) {
        warnings.push(m);
        options.onWarning?.(m);
      }
    },
    // Every credential joins the run's registry (src/secrets.ts) as soon as it is read: fields first (so the
    // Basic `user:password` forms are known), then the raw strings (an `auth` that did not decode).
    addSecrets: (values, fields = []) => {
      for (const f of fields) if (f) registerFields(f);
      registerSecret(...values);
      for (const s of values) {
        if (!s || seen.has(s)) continue;
        seen.add(s);
        secrets.push(s);
        options.onSecret?.(s);
      }
    },
  };
}

type CallHelper = (helper: string, host: string, label: string) => Promise<RegistryCredential | undefined>;

/** Runs each credential helper once per server URL; a failing helper is a warning, not an error. */
function helperCaller(runHelper: CredentialHelperRunner, sink: Sink): CallHelper {
  const helperCalls = new Map<string, Promise<HelperCredential>>();
  const start = (helper: string, serverUrl: string, label: string): Promise<HelperCredential> =>
    runHelper(helper, serverUrl).then(
      (result) => {
        if (result) {
          const fields = { username: result.username, password: result.secret };
          sink.addSecrets(secretsOf(fields), [fields]);
        }
        return result;
      },
      (err: unknown) => {
        // A failing helper must not leak what it printed if that happens to be a known secret.
        const masked = redact(errorMessage(err));
        sink.warn(
          `${label}: credential helper "${helper}" for ${serverUrl} failed: ${masked}. Continuing without its credentials.`,
        );
        return undefined;
      },
    );
  return async (helper, host, label) => {
    const serverUrl = helperServerUrl(host);
    const key = `${helper}\n${serverUrl}`;
    let call = helperCalls.get(key);
    if (!call) {
      call = start(helper, serverUrl, label);
      helperCalls.set(key, call);
    }
    const result = await call;
    if (!result) return undefined;
    const source = `${label} (docker-credential-${helper})`;
    if (result.username === HELPER_TOKEN_USERNAME) return { identityToken: result.secret, source };
    return { username: result.username, password: result.secret, source };
  };
}

/** A Docker config's credentials for `host`: its helper, its `auths` entry, else its credsStore. */
async function fromDocker(
  d: DockerSource,
  host: string,
  callHelper: CallHelper,
): Promise<RegistryCredential[]> {
  const out: RegistryCredential[] = [];
  const helper = findCredHelper(d.config, host);
  if (helper) {
    const c = await callHelper(helper, host, d.label);
    if (c) out.push(c);
  }
  const entry = findAuthEntry(d.config, host);
  if (entry) out.push(credential(entry.fields, `${d.label} (auths "${entry.key}")`));
  if (out.length === 0 && d.config.credsStore) {
    const c = await callHelper(d.config.credsStore, host, d.label);
    if (c) out.push(c);
  }
  return out;
}
