/**
 * Turns raw settings from any source (action inputs, CLI flags, config file) into a validated
 * {@link Config}. Every error names the setting as the user wrote it (input, flag or file key).
 */
import type { SeverityOrOff } from '../report/model.js';
import { RULES_BY_ID } from '../report/rules.js';
import { compileSafePattern, PatternError, RE2_HINT } from '../safe-regex.js';
import { type Config, OPTIONS, type OptionSpec, optionFor } from './schema.js';

/** A configuration problem the user must fix; the CLI exits 2 and the action fails with it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Where a raw value came from; used to name it in messages. */
export type ConfigSource = 'input' | 'flag' | 'file' | 'env';

/** A raw setting before coercion. */
export interface RawSetting {
  spec: OptionSpec;
  value: unknown;
  source: ConfigSource;
  /** How the user spelled it: `input 'fail-on'`, `--fail-on`, `'fail-on' in .k8s-image-check.yaml`. */
  label: string;
  /** The config file's name as the user gave it, for settings from a file. */
  file?: string;
}

const SEVERITIES = ['error', 'warning', 'notice', 'off'] as const;

function splitList(text: string, newlineOnly = false): string[] {
  return text
    .split(newlineOnly ? /\r?\n/ : /[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function toList(raw: unknown, label: string, newlineOnly = false): string[] {
  if (Array.isArray(raw)) {
    return raw.flatMap((item) => {
      if (typeof item !== 'string' && typeof item !== 'number')
        throw new ConfigError(`${label} must be a list of strings; got ${JSON.stringify(item)}.`);
      return splitList(String(item), newlineOnly);
    });
  }
  if (typeof raw === 'string') return splitList(raw, newlineOnly);
  throw new ConfigError(`${label} must be a list (newline- or comma-separated); got ${JSON.stringify(raw)}.`);
}

function toBoolean(raw: unknown, label: string): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    // The YAML 1.2 core schema booleans, as @actions/core getBooleanInput accepts them.
    if (['true', 'True', 'TRUE'].includes(raw.trim())) return true;
    if (['false', 'False', 'FALSE'].includes(raw.trim())) return false;
  }
  throw new ConfigError(`${label} must be true or false; got ${JSON.stringify(raw)}.`);
}

function toNumber(spec: OptionSpec, raw: unknown, label: string): number {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n)) throw new ConfigError(`${label} must be a number; got ${JSON.stringify(raw)}.`);
  if (spec.min !== undefined && n < spec.min)
    throw new ConfigError(`${label} must be at least ${spec.min}; got ${n}.`);
  return n;
}

function toRules(raw: unknown, label: string): Record<string, SeverityOrOff> {
  const entries: [string, unknown][] = [];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) entries.push(...Object.entries(raw));
  else {
    for (const item of toList(raw, label)) {
      const eq = item.indexOf('=');
      if (eq < 0)
        throw new ConfigError(
          `${label}: "${item}" must be written as rule-id=severity (e.g. latest-tag=off).`,
        );
      entries.push([item.slice(0, eq).trim(), item.slice(eq + 1).trim()]);
    }
  }
  const out: Record<string, SeverityOrOff> = {};
  for (const [id, sev] of entries) {
    if (!RULES_BY_ID.has(id)) {
      const known = [...RULES_BY_ID.keys()].join(', ');
      throw new ConfigError(`${label}: unknown rule "${id}". Known rules: ${known}.`);
    }
    if (typeof sev !== 'string' || !(SEVERITIES as readonly string[]).includes(sev))
      throw new ConfigError(
        `${label}: severity of "${id}" must be one of ${SEVERITIES.join(', ')}; got ${JSON.stringify(sev)}.`,
      );
    out[id] = sev as SeverityOrOff;
  }
  return out;
}

function toMap(raw: unknown, label: string): Record<string, string> {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v !== 'string') throw new ConfigError(`${label}: value of "${k}" must be a string.`);
      out[k] = v;
    }
    return out;
  }
  const out: Record<string, string> = {};
  for (const item of toList(raw, label)) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new ConfigError(
        `${label}: "${item}" must be written as key=value (e.g. docker.io=mirror.example.com).`,
      );
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

/** Converts one raw value to the type its spec declares, or throws a {@link ConfigError} naming it. */
export function coerceSetting(setting: RawSetting): unknown {
  const { spec, value, label } = setting;
  switch (spec.type) {
    case 'string':
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      throw new ConfigError(`${label} must be a string; got ${JSON.stringify(value)}.`);
    case 'list':
      return toList(value, label, spec.newlineOnly === true);
    case 'boolean':
      return toBoolean(value, label);
    case 'number':
      return toNumber(spec, value, label);
    case 'enum': {
      const v = typeof value === 'string' ? value.trim() : value;
      if (typeof v === 'string' && spec.values?.includes(v)) return v;
      throw new ConfigError(
        `${label} must be one of ${spec.values?.join(', ')}; got ${JSON.stringify(value)}.`,
      );
    }
    case 'rules':
      return toRules(value, label);
    case 'map':
      return toMap(value, label);
    default: {
      const never: never = spec.type;
      throw new Error(`unhandled option type ${String(never)}`);
    }
  }
}

/**
 * The one cast from the table's values to {@link Config}. Sound because `defineOptions` (schema.ts) fails to
 * compile unless every Config key has a spec whose default has that key's type, and `coerceSetting` returns
 * the type the spec declares.
 */
function asConfig(values: Record<string, unknown>): Config {
  return values as unknown as Config;
}

/** Returns the default configuration (a fresh copy), from the table's defaults. */
export function defaultConfig(): Config {
  const out: Record<string, unknown> = {};
  for (const spec of OPTIONS) out[spec.key] = structuredClone(spec.default);
  return asConfig(out);
}

/** Where a resolved setting's value came from; settings left at their default have no entry. */
export interface SettingOrigin {
  source: ConfigSource;
  /** How the user spelled it (see {@link RawSetting.label}). */
  label: string;
}

/** The origin of every setting the user set, by Config key (the last setting that set it). */
export type SettingOrigins = Partial<Record<keyof Config, SettingOrigin>>;

/** Returns the origin of a setting: `default` when no source set it. */
export function originOf(
  origins: SettingOrigins,
  key: keyof Config,
): SettingOrigin | { source: 'default'; label: string } {
  return origins[key] ?? { source: 'default', label: optionFor(key).input };
}

/**
 * Merges raw settings over the defaults, in the order given (later wins; `rules` and `mirrors` merge
 * key by key), validates cross-field rules, and returns the config.
 */
export function resolveConfig(settings: readonly RawSetting[]): Config {
  return resolveSettings(settings).config;
}

/** {@link resolveConfig}, also returning where each setting came from (so no caller re-reads argv). */
export function resolveSettings(settings: readonly RawSetting[]): {
  config: Config;
  origins: SettingOrigins;
} {
  const values: Record<string, unknown> = { ...defaultConfig() };
  const origins: SettingOrigins = {};
  for (const setting of settings) {
    origins[setting.spec.key] = { source: setting.source, label: setting.label };
    const value = coerceSetting(setting);
    if (setting.spec.type === 'rules' || setting.spec.type === 'map') {
      values[setting.spec.key] = { ...(values[setting.spec.key] as object), ...(value as object) };
    } else values[setting.spec.key] = value;
  }
  const config = asConfig(values);
  validateCrossField(config, (key) => originOf(origins, key).label);
  return { config, origins };
}

/** Cross-field errors name a setting as the user spelled it last (`--now`, `input 'now'`, `'now' in file`). */
function validateCrossField(result: Config, labelOf: (key: keyof Config) => string): void {
  validateRegexes(result.dirtyPatterns, labelOf('dirtyPatterns'));
  validateRegexes(result.ignore, labelOf('ignore'));
  for (const p of result.platforms) {
    if (!/^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9.]+)?$/.test(p))
      throw new ConfigError(
        `${labelOf('platforms')}: "${p}" must look like os/arch or os/arch/variant (e.g. linux/arm64).`,
      );
  }
  if (result.now !== null && Number.isNaN(Date.parse(result.now)))
    throw new ConfigError(
      `${labelOf('now')}: "${result.now}" is not an RFC 3339 time (e.g. 2026-11-26T12:00:00Z).`,
    );
}

/** Compiles every pattern on the linear-time engine the scan uses, so a bad one fails the run up front. */
function validateRegexes(patterns: string[], name: string): void {
  for (const p of patterns) {
    try {
      compileSafePattern(p);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      throw new ConfigError(`${name}: ${JSON.stringify(p)} ${err.message}; ${RE2_HINT}.`);
    }
  }
}
