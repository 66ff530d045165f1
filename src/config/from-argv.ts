/** Parses CLI flags into raw settings, using the schema's flag names. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { errorMessage } from '../errors.js';
import { suggestKey } from './from-file.js';
import { ConfigError, type RawSetting } from './resolve.js';
import { OPTIONS, type OptionMode, type OptionSpec } from './schema.js';

/** CLI flags that are not settings. */
export interface CliExtras {
  help: boolean;
  version: boolean;
  /** `--trust-config`: honour every key of the config file, including the ones that widen the run. */
  trustConfig: boolean;
  positionals: string[];
}

/** Environment variables the CLI reads for secrets (never put secrets in argv: it shows in `ps`). */
export const SECRET_ENV: Record<string, string> = {
  registryCredentials: 'K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS',
  pushgatewayPassword: 'K8S_IMAGE_CHECK_PUSHGATEWAY_PASSWORD',
  notifyUrls: 'K8S_IMAGE_CHECK_NOTIFY_URLS',
  githubToken: 'GITHUB_TOKEN',
};

/** Parses argv (after the command name) for a command's mode; throws ConfigError on unknown flags. */
export function settingsFromArgv(
  argv: readonly string[],
  mode: OptionMode,
  env: Record<string, string | undefined>,
): { settings: RawSetting[]; extras: CliExtras } {
  const specs = OPTIONS.filter((o) => o.flag !== null && !o.actionOnly && o.modes.includes(mode));
  const options = parseOptionsFor(specs);
  const parsed = parseOrExplain(argv, options, mode);
  const settings: RawSetting[] = secretSettingsFromEnv(env, mode);
  for (const spec of specs) {
    const value = parsed.values[spec.flag!];
    if (value === undefined) continue;
    settings.push({ spec, value, source: 'flag', label: `--${spec.flag}` });
  }
  return {
    settings,
    extras: {
      help: parsed.values.help === true,
      version: parsed.values.version === true,
      trustConfig: parsed.values['trust-config'] === true,
      positionals: parsed.positionals,
    },
  };
}

/** The `parseArgs` options of a command: its settings' flags and the flags that are not settings. */
function parseOptionsFor(specs: readonly OptionSpec[]): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    'trust-config': { type: 'boolean' },
  };
  for (const spec of specs) {
    const flag = spec.flag!;
    if (spec.type === 'boolean') options[flag] = { type: 'boolean' };
    else if (spec.type === 'list' || spec.type === 'rules' || spec.type === 'map')
      options[flag] = { type: 'string', multiple: true };
    else options[flag] = { type: 'string' };
  }
  return options;
}

/** Runs `parseArgs`, turning its errors into one-line ConfigErrors that say what to type instead. */
function parseOrExplain(
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  mode: OptionMode,
): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, allowNegative: true });
  } catch (err) {
    const why = errorMessage(err);
    // `--timeout -1`: parseArgs takes the value for a flag and calls the option ambiguous.
    const dashed = /^Option '(--[^' ]+)' argument is ambiguous/.exec(why)?.[1];
    if (dashed) {
      const value = argv[argv.indexOf(dashed) + 1] ?? '-1';
      throw new ConfigError(`${dashed}: a value starting with a dash must be written as ${dashed}=${value}.`);
    }
    const unknown = /^Unknown option '(-{1,2}[^' ]+)'/.exec(why)?.[1];
    if (unknown) throw new ConfigError(unknownFlagMessage(unknown, Object.keys(options), mode));
    const first = why.split('\n')[0]?.trim().replace(/\.$/, '') ?? why;
    throw new ConfigError(`${first}. Run with --help to list the flags.`);
  }
}

/** Secret settings from their environment variables ({@link SECRET_ENV}), for the mode's settings. */
function secretSettingsFromEnv(env: Record<string, string | undefined>, mode: OptionMode): RawSetting[] {
  const settings: RawSetting[] = [];
  for (const [key, name] of Object.entries(SECRET_ENV)) {
    const s = OPTIONS.find((o) => o.key === key);
    const v = env[name];
    if (s && v && v.trim() !== '' && s.modes.includes(mode) && !s.actionOnly)
      settings.push({ spec: s, value: v.trim(), source: 'env', label: `environment variable ${name}` });
  }
  return settings;
}

/** The command that takes a mode's flags, for messages. */
const COMMAND_OF: Record<OptionMode, string> = { scan: 'scan', cluster: 'drift' };

/**
 * The message for a flag the command does not take: the closest flag it does take (a typo), else the other
 * command when that one takes it (`--cluster-name` on `scan`), else where to find the list.
 */
export function unknownFlagMessage(given: string, known: readonly string[], mode: OptionMode): string {
  const name = given.replace(/^-+/, '').split('=')[0] ?? '';
  const withNegations = [
    ...known,
    ...OPTIONS.filter((o) => o.type === 'boolean' && o.flag && known.includes(o.flag)).map(
      (o) => `no-${o.flag}`,
    ),
  ];
  const hint = suggestKey(name, withNegations);
  if (hint) return `unknown flag ${given} (did you mean --${hint}?). Run with --help to list the flags.`;
  const secret = OPTIONS.find((o) => o.input === name && SECRET_ENV[o.key]);
  if (secret)
    return `unknown flag ${given}: ${secret.input} is a secret, read from the environment variable ${SECRET_ENV[secret.key]} (never from argv, which other users can see in ps).`;
  const other: OptionMode = mode === 'scan' ? 'cluster' : 'scan';
  const elsewhere = OPTIONS.some((o) => o.flag === name && !o.actionOnly && o.modes.includes(other));
  if (elsewhere)
    return `unknown flag ${given} for ${COMMAND_OF[mode]}: it is an option of "k8s-image-check ${COMMAND_OF[other]}".`;
  return `unknown flag ${given}. Run with --help to list the flags.`;
}
