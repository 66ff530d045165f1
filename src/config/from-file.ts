/** Reads `.k8s-image-check.yaml` (or an explicit config file) into raw settings. */
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parseYamlText } from '../yaml.js';
import { ConfigError, type RawSetting } from './resolve.js';
import { OPTIONS } from './schema.js';

/** Config file names looked for at the repository root, in order. */
export const DEFAULT_CONFIG_FILES = ['.k8s-image-check.yaml', '.k8s-image-check.yml'] as const;

/**
 * Edit distance counting an insertion, deletion, substitution or swap of two adjacent characters as one edit
 * (Damerau-Levenshtein, optimal string alignment), so `ruels` is one edit from `rules`.
 */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    const row = d[i]!;
    const up = d[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Returns the closest known key to a misspelled one, if any is close. */
export function suggestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  // Suggest only a near miss (a typo), never an unrelated short key.
  return best !== null && bestD <= Math.max(1, Math.floor(key.length / 4)) && bestD < key.length / 2
    ? best
    : null;
}

/** Parses config-file text (pure) into raw settings; `name` is used in messages. */
export function settingsFromFileText(text: string, name: string): RawSetting[] {
  let doc: unknown;
  try {
    doc = parseYamlText(text, { maxAliasCount: 100 });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`${name} is not valid YAML: ${why}`);
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(`${name} must be a YAML mapping of setting names to values.`);
  const known = OPTIONS.map((o) => o.input);
  const settings: RawSetting[] = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const spec = OPTIONS.find((o) => o.input === key);
    if (!spec) {
      const hint = suggestKey(key, known);
      throw new ConfigError(
        `unknown key '${key}' in ${name}${hint ? ` (did you mean '${hint}'?)` : ''}. Keys are the action input names listed in the README.`,
      );
    }
    if (spec.notInFile)
      throw new ConfigError(
        `'${key}' cannot be set in ${name}${spec.secret ? ': it is a secret; pass it as an action input or environment variable' : ''}.`,
      );
    if (value === null) continue;
    settings.push({ spec, value, source: 'file', label: `'${key}' in ${name}`, file: name });
  }
  return settings;
}

/**
 * Reads the config file: the explicit path (an error if missing) or the default names at `root`
 * (silently none when absent). Returns its raw settings.
 */
export async function settingsFromFile(root: string, explicit: string | null): Promise<RawSetting[]> {
  const candidates = explicit ? [explicit] : DEFAULT_CONFIG_FILES.map((f) => f as string);
  for (const candidate of candidates) {
    const path = isAbsolute(candidate) ? candidate : join(root, candidate);
    let text: string;
    try {
      // The default file is the repository's (a pull request's): a regular file, not a symlink, bounded.
      text = explicit ? await readFile(path, 'utf8') : await readRepositoryConfig(path, candidate);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      if (explicit) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new ConfigError(
          `config file ${candidate} cannot be read (${code ?? String(err)}); check the path.`,
        );
      }
      continue;
    }
    return settingsFromFileText(text, candidate);
  }
  return [];
}

/** Largest repository config file read (a settings file is a few KB). */
const MAX_CONFIG_BYTES = 1_000_000;

/**
 * Reads the repository's own config file: never through a symbolic link (it could point at /dev/zero or a
 * file outside the repository), never a FIFO or device (O_NONBLOCK, then fstat), at most
 * {@link MAX_CONFIG_BYTES}. A missing file rejects with the usual ENOENT so the caller moves on.
 */
async function readRepositoryConfig(path: string, name: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ELOOP')
        throw new ConfigError(
          `${name} is a symbolic link; the repository's config file must be a regular file.`,
        );
      throw err;
    },
  );
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ConfigError(`${name} is not a regular file; it is not read.`);
    const buf = Buffer.alloc(Math.min(st.size, MAX_CONFIG_BYTES) + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_CONFIG_BYTES)
      throw new ConfigError(`${name} is larger than ${MAX_CONFIG_BYTES} bytes; it is not read.`);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
