/** Loads the configuration for the CLI and for the action: defaults < config file < env < flags/inputs. */

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { notifySecretParts } from '../cluster/notify-deliver.js';
import { registerSecret } from '../secrets.js';
import { type CliExtras, settingsFromArgv } from './from-argv.js';
import { settingsFromFile } from './from-file.js';
import { secretInputs, settingsFromInputs } from './from-inputs.js';
import { actionOutputRoots, checkOutputPath } from './output-file.js';
import { ConfigError, type RawSetting, resolveSettings, type SettingOrigins } from './resolve.js';
import { type Config, OPTIONS, type OptionMode, optionFor } from './schema.js';
import { applyFileTrust } from './trust.js';

/** A loaded configuration with the root directory that report paths are relative to. */
export interface LoadedConfig {
  config: Config;
  root: string;
  /** Values of the settings the schema marks secret (already in the run's secret registry). */
  secrets: string[];
  /** Config-file keys ignored by the trust boundary, one message each: log them as warnings. */
  warnings: string[];
  /** Directories output files must stay inside (see output-file.ts); null: anywhere (CLI flags). */
  outputRoots: string[] | null;
  /** Where each setting the user set came from (flag, input, env, file); defaults have no entry. */
  origins: SettingOrigins;
}

/** Returns the value of every setting the schema marks `secret` (the one list of secret settings). */
export function secretSettingValues(config: Config): string[] {
  return OPTIONS.filter((o) => o.secret)
    .map((o) => config[o.key])
    .filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * Registers secret settings before they are resolved: a setting that fails validation must not have its
 * value quoted by the error.
 */
export function registerRawSecrets(settings: readonly RawSetting[]): void {
  for (const s of settings) if (s.spec.secret && typeof s.value === 'string') registerSecret(s.value);
}

/**
 * Chooses the scan root for CLI positionals: the working directory when every path is inside it,
 * else the single directory given (so `scan ../other-repo` reports paths relative to that repo).
 */
export async function chooseRoot(
  cwd: string,
  positionals: readonly string[],
): Promise<{ root: string; paths: string[] }> {
  if (positionals.length === 0) return { root: cwd, paths: ['.'] };
  const outside = positionals.filter((p) => {
    const rel = relative(cwd, resolve(cwd, p));
    return rel.startsWith('..') || isAbsolute(rel);
  });
  if (outside.length === 0) return { root: cwd, paths: [...positionals] };
  if (positionals.length === 1) {
    const abs = resolve(cwd, positionals[0]!);
    const st = await stat(abs).catch(() => null);
    if (st?.isDirectory()) return { root: abs, paths: ['.'] };
    if (st?.isFile()) return { root: resolve(abs, '..'), paths: [abs.slice(resolve(abs, '..').length + 1)] };
    throw new ConfigError(`path ${positionals[0]} does not exist.`);
  }
  throw new ConfigError(
    `paths outside the working directory (${outside.join(', ')}) can only be scanned one directory at a time; run from a common parent directory.`,
  );
}

/** A setting as both the action and the CLI spell it, from the table: `ca-files (--ca-file)`. */
export function settingName(key: keyof Config): string {
  const spec = optionFor(key);
  return spec.flag ? `${spec.input} (--${spec.flag})` : spec.input;
}

/**
 * Fails early, with a message naming the setting, when a file the user named cannot be read (or an
 * output file cannot be written), instead of a late warning or a stack trace.
 */
export async function checkNamedFiles(config: Config, root: string, cwd: string): Promise<void> {
  const readable: [string, string, string][] = [
    ...config.caFiles.map((f): [string, string, string] => [settingName('caFiles'), f, resolve(cwd, f)]),
    ...config.helmValues.map((f): [string, string, string] => [
      settingName('helmValues'),
      f,
      resolve(root, f),
    ]),
  ];
  if (config.dockerConfig)
    readable.push([settingName('dockerConfig'), config.dockerConfig, resolve(cwd, config.dockerConfig)]);
  if (config.pullSecretsFile)
    readable.push([
      settingName('pullSecretsFile'),
      config.pullSecretsFile,
      resolve(cwd, config.pullSecretsFile),
    ]);
  for (const [setting, given, path] of readable) {
    try {
      await access(path, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(`${setting}: ${given} cannot be read (${code}); check the path.`);
    }
  }
  await checkOutputPaths(config, { base: cwd, roots: null, name: (input, flag) => `${input} (--${flag})` });
}

/**
 * Fails early when an output file cannot be written where it is asked to be: its directory is missing
 * or, with `roots`, it lies outside them (see output-file.ts). `name` spells the setting for messages.
 */
export async function checkOutputPaths(
  config: Config,
  o: { base: string; roots: readonly string[] | null; name: (input: string, flag: string) => string },
): Promise<void> {
  const writable: [keyof Config, string | null][] = [
    ['output', o.roots ? null : config.output],
    ['jsonFile', config.jsonFile],
    ['sarifFile', config.sarifFile],
  ];
  for (const [key, given] of writable) {
    const spec = optionFor(key);
    const setting = o.name(spec.input, spec.flag ?? spec.input);
    if (given) await checkOutputPath({ setting, given, base: o.base, roots: o.roots });
  }
}

/** Loads the CLI configuration for a command. */
export async function loadCliConfig(
  argv: readonly string[],
  mode: OptionMode,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<LoadedConfig & { extras: CliExtras }> {
  const { settings, extras } = settingsFromArgv(argv, mode, env);
  const pathFlag = settings.filter((s) => s.spec.key === 'paths');
  const { root, paths } =
    mode === 'scan' ? await chooseRoot(cwd, extras.positionals) : { root: cwd, paths: [] as string[] };
  if (mode !== 'scan' && extras.positionals.length)
    throw new ConfigError(
      `unexpected argument ${extras.positionals[0]}; use --manifests PATH for manifest paths.`,
    );
  const explicitFile = settings.find((s) => s.spec.key === 'configFile');
  // The config file is the repository's even on the CLI: its widening keys need --trust-config.
  const file = applyFileTrust(
    await settingsFromFile(root, explicitFile ? String(explicitFile.value) : null),
    { context: 'cli', trustFile: extras.trustConfig },
  );
  const positional: RawSetting[] =
    mode === 'scan' && extras.positionals.length && pathFlag.length === 0
      ? [{ spec: optionFor('paths'), value: paths, source: 'flag', label: 'path arguments' }]
      : [];
  registerRawSecrets(settings);
  const { config, origins } = resolveSettings([...file.settings, ...settings, ...positional]);
  if (!extras.help) await checkNamedFiles(config, root, cwd);
  // A notify URL's path, query and userinfo are masked on their own too (a log may quote just the path).
  const secrets = [...secretSettingValues(config), ...config.notifyUrls.flatMap(notifySecretParts)];
  registerSecret(...secrets);
  return { config, root, secrets, extras, warnings: file.warnings, outputRoots: null, origins };
}

/** Loads the action configuration from `INPUT_*` variables and the config file at the workspace root. */
export async function loadActionConfig(
  env: Record<string, string | undefined>,
  root: string,
): Promise<LoadedConfig> {
  registerSecret(...secretInputs(env));
  const inputs = settingsFromInputs(env);
  const explicitFile = inputs.find((s) => s.spec.key === 'configFile');
  const file = applyFileTrust(
    await settingsFromFile(root, explicitFile ? String(explicitFile.value) : null),
    { context: 'action', trustFile: false },
  );
  const { config, origins } = resolveSettings([...file.settings, ...inputs]);
  const outputRoots = actionOutputRoots(root, env);
  await checkNamedFiles(config, root, root);
  await checkOutputPaths(config, { base: root, roots: outputRoots, name: (input) => input });
  // A notify URL's path, query and userinfo are masked on their own too (a log may quote just the path).
  const secrets = [...secretSettingValues(config), ...config.notifyUrls.flatMap(notifySecretParts)];
  registerSecret(...secrets);
  return { config, root, secrets, warnings: file.warnings, outputRoots, origins };
}
