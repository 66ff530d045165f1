/**
 * The explicit credentials input: a JSON or YAML map `host[/path] -> entry`, each entry
 * `{username, password}`, `{auth}`, `{identitytoken}` or `{registrytoken}`. A docker config shape
 * (`{auths: {...}}`) is accepted as well. Keys are compared by host (and path prefix, when given).
 */

import { isRecord } from '../../errors.js';
import { parseYamlText } from '../../yaml.js';
import { type CredentialFields, parseCredentialEntry } from './entry.js';
import { splitCredentialKey } from './hosts.js';

/** One explicit entry, normalized. */
export interface ExplicitEntry {
  key: string;
  host: string;
  /** Repository path prefix, `''` for the whole host. */
  path: string;
  fields: CredentialFields;
}

/** Parsed explicit input. */
export interface ExplicitCredentials {
  entries: ExplicitEntry[];
  secrets: string[];
  warnings: string[];
}

/** How messages name the setting: users set it as an action input or, in the CLI, an environment variable. */
const LABEL = 'registry-credentials (input, or K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS for the CLI)';

/** Keys an entry may have (docker config `auths` entries also carry `email` and `serveraddress`). */
const ENTRY_KEYS = [
  'username',
  'password',
  'auth',
  'identitytoken',
  'registrytoken',
  'email',
  'serveraddress',
];

/** A key of `o` that no credential entry has, with the closest known key when it is a near miss. */
function unknownKey(o: Record<string, unknown>): string | null {
  for (const k of Object.keys(o)) {
    if (ENTRY_KEYS.includes(k.toLowerCase())) continue;
    const near = ENTRY_KEYS.find((known) => known.startsWith(k.toLowerCase().slice(0, 3)));
    return `unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}`;
  }
  return null;
}

/** Parse the explicit input text (JSON or YAML). Empty text means no entries. */
export function parseExplicitCredentials(text: string): ExplicitCredentials {
  const result: ExplicitCredentials = { entries: [], secrets: [], warnings: [] };
  if (text.trim() === '') return result;
  let doc: unknown;
  try {
    doc = parseYamlText(text, { maxAliasCount: 0 });
  } catch {
    // The parser's message may quote the text (secrets), so it is not repeated.
    result.warnings.push(
      `${LABEL} is neither valid JSON nor YAML; give a map of host -> {username, password}.`,
    );
    return result;
  }
  if (isRecord(doc)) {
    const auths = (doc as Record<string, unknown>).auths;
    if (isRecord(auths)) doc = auths;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    result.warnings.push(`${LABEL} is not a map of host -> credentials; give {host: {username, password}}.`);
    return result;
  }
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value === 'string') {
      // A bare string would most likely be a secret: never echo it, never guess its meaning.
      result.secrets.push(value, Buffer.from(value).toString('base64'));
      result.warnings.push(
        `${LABEL}: entry "${key}" is a string; write {username, password} or {auth} instead.`,
      );
      continue;
    }
    const parsed = parseCredentialEntry(value);
    result.secrets.push(...parsed.secrets);
    const unknown =
      typeof value === 'object' && value !== null ? unknownKey(value as Record<string, unknown>) : null;
    if (unknown) {
      result.warnings.push(
        `${LABEL}: entry "${key}" has an ${unknown}; keys are ${ENTRY_KEYS.slice(0, 5).join(', ')}.`,
      );
      continue;
    }
    if (!parsed.ok) {
      result.warnings.push(`${LABEL}: entry "${key}": ${parsed.error}.`);
      continue;
    }
    if (!parsed.fields) {
      result.warnings.push(`${LABEL}: entry "${key}" has no username, password, auth or token.`);
      continue;
    }
    const { host, path } = splitCredentialKey(key);
    if (host === '') {
      result.warnings.push(`${LABEL}: entry "${key}" has no host.`);
      continue;
    }
    result.entries.push({ key, host, path, fields: parsed.fields });
  }
  return result;
}

/**
 * Explicit entries for an image, most specific first: same host, and a path that is the repository or
 * one of its parent namespaces.
 */
export function findExplicit(entries: ExplicitEntry[], host: string, repository: string): ExplicitEntry[] {
  return entries
    .filter(
      (e) =>
        e.host === host && (e.path === '' || repository === e.path || repository.startsWith(`${e.path}/`)),
    )
    .sort((a, b) => b.path.length - a.path.length);
}
