/** Reads GitHub Action inputs (the runner's `INPUT_*` environment variables) into raw settings. */
import type { RawSetting } from './resolve.js';
import { OPTIONS } from './schema.js';

/** The environment variable the runner sets for an input (as `@actions/core` getInput reads it). */
export function inputEnvName(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Returns a raw setting for every input that is set to a non-empty value.
 *
 * @remarks action.yml declares no defaults (except the token), so that an unset input never
 * overrides the config file; the schema's defaults apply instead.
 */
export function settingsFromInputs(env: Record<string, string | undefined>): RawSetting[] {
  const out: RawSetting[] = [];
  for (const spec of OPTIONS) {
    const raw = env[inputEnvName(spec.input)];
    if (raw === undefined) continue;
    // Trim ASCII whitespace the way @actions/core does; an empty input means "not set".
    const value = raw.trim();
    if (value === '') continue;
    out.push({ spec, value, source: 'input', label: `input '${spec.input}'` });
  }
  return out;
}

/** Returns the values of every secret setting present in the inputs, for masking. */
export function secretInputs(env: Record<string, string | undefined>): string[] {
  return OPTIONS.filter((o) => o.secret)
    .map((o) => env[inputEnvName(o.input)]?.trim() ?? '')
    .filter((v) => v.length > 0);
}
