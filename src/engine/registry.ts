/** Builds the registry checker from the configuration: credentials, TLS, policy and limits. */

import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { checkImages } from '../registry/check.js';
import {
  createCredentialResolver,
  type PullSecret,
  parsePullSecretFile,
} from '../registry/credentials/index.js';
import type { RegistryCredential } from '../registry/credentials/types.js';
import type { CheckImagesFn, EngineLogger } from './scan.js';

/** A ready checker plus every secret it knows (to be masked by the caller). */
export interface RegistryChecker {
  checkImages: CheckImagesFn;
  secrets: string[];
  warnings: string[];
}

/** Creates the checker for a run. `pullSecrets` come from cluster mode (`use-pull-secrets`). */
export function createRegistryChecker(
  config: Config,
  deps: {
    env: Record<string, string | undefined>;
    logger: EngineLogger;
    pullSecrets?: { name: string; type: string; data: Record<string, string> }[];
    /** Override credentials entirely (fork PRs: none). */
    anonymous?: boolean;
    /** Called with every secret as soon as it is known (helpers answer during checks): mask it. */
    onSecret?: (secret: string) => void;
    /** Read index platforms even when none is required (the `check` command). */
    listPlatforms?: boolean;
  },
): RegistryChecker {
  const pullSecrets: PullSecret[] = [...(deps.pullSecrets ?? [])];
  if (config.pullSecretsFile && !deps.anonymous)
    pullSecrets.push(...readPullSecretsFile(config.pullSecretsFile, deps.logger));
  const creds = createCredentialResolver({
    ...(config.registryCredentials && !deps.anonymous ? { explicit: config.registryCredentials } : {}),
    ...(config.dockerConfig ? { dockerConfigPath: config.dockerConfig } : {}),
    env: deps.env,
    ...(pullSecrets.length > 0 ? { pullSecrets } : {}),
    ...(deps.onSecret ? { onSecret: deps.onSecret } : {}),
    onWarning: (m: string) => deps.logger.warning(m),
  });
  const resolve = deps.anonymous ? async (): Promise<RegistryCredential[]> => [] : creds.resolve;
  return {
    secrets: creds.secrets,
    warnings: creds.warnings,
    checkImages: (targets) =>
      checkImages(targets, {
        credentials: resolve,
        caFiles: config.caFiles,
        insecureRegistries: config.insecureRegistries,
        plainHttpRegistries: config.plainHttpRegistries,
        mirrors: config.mirrors,
        platforms: config.platforms,
        ...(deps.listPlatforms ? { listPlatforms: true } : {}),
        allowedRegistries: config.allowedRegistries,
        allowLinkLocal: config.allowLinkLocal,
        concurrency: config.concurrency,
        perRegistryConcurrency: config.registryConcurrency,
        timeoutMs: config.timeout * 1000,
        retries: config.retries,
        maxDurationMs: config.maxDuration * 1000,
        logger: {
          debug: (m: string) => deps.logger.debug(m),
          warning: (m: string) => deps.logger.warning(m),
          ...(deps.logger.debugEnabled === false ? { debugEnabled: false } : {}),
        },
      }),
  };
}

/**
 * Reads the `pull-secrets-file` setting's file; an unreadable or malformed file is a warning naming it, and
 * the run goes on without its secrets.
 */
function readPullSecretsFile(file: string, logger: EngineLogger): PullSecret[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'error';
    logger.warning(
      `cannot read pull-secrets file ${file} (${code}); checking without its pull secrets: fix the pull-secrets-file setting (--pull-secrets-file).`,
    );
    return [];
  }
  const parsed = parsePullSecretFile(text, file);
  for (const w of parsed.warnings) logger.warning(w);
  return parsed.secrets;
}
