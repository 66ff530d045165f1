/**
 * The trust boundary between the operator (workflow inputs, CLI flags, environment) and the
 * repository's config file, which a pull request controls. Which settings the file may set is data in
 * the schema ({@link FileTrust}); this module applies it and says why a file value was ignored.
 */
import { isAbsolute, normalize } from 'node:path';
import { coerceSetting, type RawSetting } from './resolve.js';
import { fileTrustOf, type OptionSpec } from './schema.js';

/** Who runs the tool: decides where the warning tells the user to set the setting instead. */
export type TrustContext = 'action' | 'cli';

/** Options of {@link applyFileTrust}. */
export interface FileTrustOptions {
  context: TrustContext;
  /** CLI `--trust-config`: the operator vouches for the file, so every key it may hold is honoured. */
  trustFile: boolean;
}

/** True when a (coerced) value lies on the wide side of the setting's default (pure). */
export function widensDefault(spec: OptionSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'boolean':
      return value !== spec.default;
    case 'number':
      if (spec.zeroIsUnlimited && value === 0) return true;
      return typeof value === 'number' && typeof spec.default === 'number' && value > spec.default;
    case 'list':
      // An allow-list: empty means all, so any list from the file restricts.
      return false;
    default:
      return true;
  }
}

function whereInstead(spec: OptionSpec, context: TrustContext): string {
  if (context === 'action') return "set it in the workflow's `with:`";
  const flag = spec.flag && !spec.actionOnly ? `pass --${spec.flag}, or ` : '';
  return `${flag}pass --trust-config to trust this file`;
}

function ignoredWarning(setting: RawSetting, context: TrustContext, narrow: boolean): string {
  const { spec } = setting;
  const file = setting.file ?? 'the config file';
  const from =
    context === 'action'
      ? 'workflow inputs'
      : 'command-line flags and the environment (the config file belongs to the repository)';
  // A number is worth repeating (it is a number); other values may name hosts or paths.
  const number = narrow && spec.type === 'number';
  const key = number ? `\`${spec.input}: ${String(coerceSetting(setting))}\`` : `\`${spec.input}\``;
  const limit = number ? ` (the config file may only lower it from ${String(spec.default)})` : '';
  return `${key} in ${file} is ignored${limit}: settings that widen what the run may reach are only taken from ${from}; ${whereInstead(spec, context)}.`;
}

/** True when a path from the config file stays inside the repository (relative, no leading `..`). */
export function staysInRepo(path: string): boolean {
  const n = normalize(path);
  return !isAbsolute(n) && n !== '..' && !n.startsWith('../') && !path.startsWith('~');
}

/**
 * Keeps the values of a `repoPaths` list that stay inside the repository and warns about the others;
 * null when none is left (the setting then keeps its default).
 */
function keepRepoPaths(setting: RawSetting, warnings: string[], context: TrustContext): RawSetting | null {
  const values = coerceSetting(setting) as string[];
  const inside = values.filter(staysInRepo);
  const dropped = values.length - inside.length;
  if (dropped > 0) {
    const from = context === 'action' ? 'workflow inputs' : 'command-line flags';
    warnings.push(
      `${dropped} path(s) of \`${setting.spec.input}\` in ${setting.file ?? 'the config file'} are ignored: they leave the repository, and paths outside it are only taken from ${from}.`,
    );
  }
  return inside.length === 0 && values.length > 0 ? null : { ...setting, value: inside };
}

/**
 * Drops the config-file settings the file may not set, returning the rest (in order) and one warning
 * per dropped key. Settings from inputs, flags and the environment pass unchanged.
 *
 * @throws ConfigError when a narrow-only value from the file is malformed (as any setting would).
 */
export function applyFileTrust(
  settings: readonly RawSetting[],
  options: FileTrustOptions,
): { settings: RawSetting[]; warnings: string[] } {
  const kept: RawSetting[] = [];
  const warnings: string[] = [];
  for (const setting of settings) {
    const trust = fileTrustOf(setting.spec);
    if (setting.source !== 'file' || options.trustFile) kept.push(setting);
    else if (trust === 'allowed') {
      const checked = setting.spec.repoPaths ? keepRepoPaths(setting, warnings, options.context) : setting;
      if (checked) kept.push(checked);
    } else if (trust === 'inputs-only') warnings.push(ignoredWarning(setting, options.context, false));
    else if (widensDefault(setting.spec, coerceSetting(setting)))
      warnings.push(ignoredWarning(setting, options.context, true));
    else kept.push(setting);
  }
  return { settings: kept, warnings };
}
