/**
 * Kubernetes pull secrets from a file, as `kubectl get secret -o yaml` (or `-o json`) prints them: one
 * Secret, a `List` of them, or several YAML documents. Pure: the caller reads the file. Only `data`
 * (base64, as the API returns it) and `stringData` (plain text, as written in a manifest) are read; the
 * type check and the kubelet's matching happen in `parsePullSecrets` and the keyring.
 */
import { isRecord } from '../../errors.js';
import { parseYamlStream } from '../../yaml.js';
import type { PullSecret } from './pull-secrets.js';

/** The secrets found in a file and the problems met, naming the file (never a secret value). */
export interface PullSecretFileResult {
  secrets: PullSecret[];
  warnings: string[];
}

/**
 * Parses the text of a pull-secrets file; `file` names it in warnings. A malformed file gives no secrets
 * and one warning; an item that is not a usable Secret is skipped with a warning.
 */
export function parsePullSecretFile(text: string, file: string): PullSecretFileResult {
  const out: PullSecretFileResult = { secrets: [], warnings: [] };
  const list = parseYamlStream(text).documents;
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      // The parser's message quotes the source line, which may hold a secret: report code and line only.
      const line = error.linePos?.[0]?.line;
      out.warnings.push(
        `pull-secrets file ${file} is not valid YAML or JSON (${error.code}${line ? ` at line ${line}` : ''}); its pull secrets are ignored: fix the file (e.g. \`kubectl get secret NAME -o yaml > ${file}\`).`,
      );
      return { secrets: [], warnings: out.warnings };
    }
  }
  const items: { value: unknown; where: string }[] = [];
  for (const [d, doc] of list.entries()) {
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const where = list.length > 1 ? `document ${d + 1}` : 'the file';
    const nested = listItems(value);
    if (nested)
      for (const [i, item] of nested.entries()) items.push({ value: item, where: `${where}, item ${i + 1}` });
    else items.push({ value, where });
  }
  for (const { value, where } of items) {
    const secret = toPullSecret(value);
    if (typeof secret === 'string')
      out.warnings.push(`pull-secrets file ${file}: ${where} ${secret}; it is ignored.`);
    else out.secrets.push(secret);
  }
  if (out.secrets.length === 0 && out.warnings.length === 0) {
    out.warnings.push(
      `pull-secrets file ${file} holds no Secret; write one or more Secrets of type kubernetes.io/dockerconfigjson there (\`kubectl get secret NAME -o yaml\`).`,
    );
  }
  return out;
}

/** The items of a `List` / `SecretList` (or a bare array), else `undefined`. */
function listItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (
    isRecord(value) &&
    Array.isArray(value.items) &&
    (value.kind === undefined || /List$/.test(String(value.kind)))
  )
    return value.items;
  return undefined;
}

/** A Secret as {@link PullSecret}, or why it is not one. */
function toPullSecret(value: unknown): PullSecret | string {
  if (!isRecord(value)) return 'is not an object';
  if (value.kind !== undefined && value.kind !== 'Secret')
    return `is a ${String(value.kind).slice(0, 40)}, not a Secret`;
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const label = name ? `(Secret "${name}")` : '(a Secret without a name)';
  const data: Record<string, string> = {};
  if (value.data !== undefined && value.data !== null) {
    if (!isRecord(value.data)) return `${label} has a "data" that is not a map`;
    for (const [k, v] of Object.entries(value.data))
      if (typeof v === 'string') data[k] = v.replace(/\s+/g, '');
  }
  if (value.stringData !== undefined && value.stringData !== null) {
    if (!isRecord(value.stringData)) return `${label} has a "stringData" that is not a map`;
    // The API server merges stringData over data; do the same, encoding as the API returns it.
    for (const [k, v] of Object.entries(value.stringData))
      if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  const secret: PullSecret = {
    name: name || 'unnamed',
    type: typeof value.type === 'string' ? value.type : 'Opaque',
    data,
  };
  if (typeof metadata.namespace === 'string') secret.namespace = metadata.namespace;
  return secret;
}
