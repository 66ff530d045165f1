/**
 * Kubernetes image pull secrets as the kubelet reads them (`pkg/credentialprovider/secrets/secrets.go`):
 * type `kubernetes.io/dockerconfigjson` with data key `.dockerconfigjson` (`{"auths": {...}}`), or
 * `kubernetes.io/dockercfg` with `.dockercfg` (the bare map). Only `auth`, `username` and `password` are
 * read; `identitytoken`/`registrytoken` are ignored, as by the kubelet.
 */
import { type CredentialFields, parseCredentialEntry } from './entry.js';
import type { KeyringInput } from './keyring.js';

/** A Secret as the API returns it: `data` values are base64. */
export interface PullSecret {
  name: string;
  /** Namespace, for messages only. */
  namespace?: string;
  type: string;
  data: Record<string, string>;
}

/** What a keyring entry carries besides the credential: where it came from. */
export interface PullSecretCredential {
  fields: CredentialFields;
  source: string;
}

/** Parsed pull secrets: keyring inputs in secret order, secrets to mask, warnings. */
export interface ParsedPullSecrets {
  inputs: KeyringInput<PullSecretCredential>[];
  secrets: string[];
  warnings: string[];
}

const TYPES: Record<string, string> = {
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
  'kubernetes.io/dockercfg': '.dockercfg',
};

/** Parse pull secrets into keyring inputs. A malformed secret or entry is a warning; the rest goes on. */
export function parsePullSecrets(secrets: PullSecret[]): ParsedPullSecrets {
  const out: ParsedPullSecrets = { inputs: [], secrets: [], warnings: [] };
  for (const secret of secrets) {
    const label = `pull secret "${secret.namespace ? `${secret.namespace}/` : ''}${secret.name}"`;
    const dataKey = TYPES[secret.type];
    if (!dataKey) {
      out.warnings.push(
        `${label} has type "${secret.type}", which the kubelet does not use for pulls; it is ignored. ` +
          'Use type kubernetes.io/dockerconfigjson.',
      );
      continue;
    }
    const encoded = secret.data[dataKey];
    if (encoded === undefined) {
      out.warnings.push(`${label} has no "${dataKey}" data key; it is ignored.`);
      continue;
    }
    out.secrets.push(encoded);
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    } catch {
      out.warnings.push(`${label}: "${dataKey}" is not base64-encoded JSON; it is ignored.`);
      continue;
    }
    let map: unknown = json;
    if (dataKey === '.dockerconfigjson') {
      map = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).auths : undefined;
    }
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      out.warnings.push(
        `${label}: "${dataKey}" has no ${dataKey === '.dockerconfigjson' ? '"auths" map' : 'registry map'}; it is ignored.`,
      );
      continue;
    }
    for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
      const parsed = parseCredentialEntry(value, { tokens: false });
      out.secrets.push(...parsed.secrets);
      if (!parsed.ok) {
        out.warnings.push(`${label}: entry "${key}" in ${dataKey} is ignored: ${parsed.error}.`);
        continue;
      }
      if (!parsed.fields) continue;
      out.inputs.push({
        key,
        value: { fields: parsed.fields, source: `${label} (${dataKey} entry "${key}")` },
      });
    }
  }
  return out;
}
