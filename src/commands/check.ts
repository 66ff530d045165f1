/**
 * `k8s-image-check check [IMAGE...]`: asks the registries about images directly, as `crane digest` or
 * `skopeo inspect` would, with the same statuses, credentials, mirrors and `--platform` checks as `scan`.
 * Prints the digest, media type and platforms of each image (text or `--format json`). With no IMAGE, reads
 * one reference per line from stdin. Exit codes as `scan`: 1 when a result's rule is at or above `--fail-on`.
 */
import { once } from 'node:events';
import { settingsFromArgv } from '../config/from-argv.js';
import { settingsFromFile } from '../config/from-file.js';
import { checkNamedFiles, registerRawSecrets, secretSettingValues } from '../config/load.js';
import { ConfigError, resolveConfig } from '../config/resolve.js';
import type { Config } from '../config/schema.js';
import { applyFileTrust } from '../config/trust.js';
import type { RegistryChecker } from '../engine/registry.js';
import { parseReference } from '../image/reference.js';
import type { RegistryCheck } from '../registry/types.js';
import { severityOf, shouldFail } from '../report/findings.js';
import type { Finding } from '../report/model.js';
import { ruleForCheckStatus } from '../report/rules.js';
import { registerSecret } from '../secrets.js';
import { logLines, plain, safeJson } from '../untrusted.js';

/** One image's answer, as `check --format json` prints it (an array of these). */
export interface CheckResult {
  input: string;
  normalized: string | null;
  status: RegistryCheck['status'] | 'invalid_reference';
  rule: string | null;
  severity: Finding['severity'] | null;
  digest: string | null;
  mediaType: string | null;
  platforms: string[];
  missingPlatforms: string[];
  host: string | null;
  httpStatus: number | null;
  message: string | null;
}

/** What `check` needs from the CLI. */
export interface CheckCommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Builds the registry checker (the CLI passes the engine's, with its logger and secret masking). */
  createChecker: (config: Config) => RegistryChecker;
  redact: (text: string) => string;
}

export const CHECK_USAGE = `Usage: k8s-image-check check [IMAGE...] [options]

Ask the registries whether each image's manifest exists, like crane digest or skopeo inspect, with the
same statuses, credentials and --platform checks as scan. With no IMAGE, read one per line from stdin
(empty lines and lines starting with # are skipped).

Prints the status, digest, media type and platforms of each image; --format json prints an array.
Registry options are those of scan (run "k8s-image-check scan --help"): --registry-credentials
(or K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS), --docker-config, --platform, --mirror, --ca-file,
--insecure-registry, --plain-http-registry, --timeout, --retries, --concurrency, --fail-on, --rule.

Exit status: 0 every image passed, 1 a result at or above --fail-on (default: error, e.g. absent),
2 usage error.
`;

async function readStdinLines(stdin: NodeJS.ReadableStream): Promise<string[]> {
  let text = '';
  stdin.setEncoding?.('utf8');
  stdin.on('data', (d: string) => {
    text += d;
  });
  await once(stdin, 'end');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

async function loadConfig(argv: readonly string[], io: CheckCommandIo) {
  const { settings, extras } = settingsFromArgv(argv, 'scan', io.env);
  const explicitFile = settings.find((s) => s.spec.key === 'configFile');
  // The config file in the working directory is the repository's: the same trust boundary as scan.
  const file = applyFileTrust(
    await settingsFromFile(io.cwd, explicitFile ? String(explicitFile.value) : null),
    {
      context: 'cli',
      trustFile: extras.trustConfig,
    },
  );
  registerRawSecrets(settings);
  const config = resolveConfig([...file.settings, ...settings]);
  for (const w of file.warnings) io.stderr.write(logLines(`warning: ${io.redact(w)}\n`));
  registerSecret(...secretSettingValues(config));
  if (config.format && config.format !== 'text' && config.format !== 'json')
    throw new ConfigError(`--format ${config.format} is not available for check; use text or json.`);
  if (config.offline)
    throw new ConfigError('--offline makes no sense for check, which only asks registries.');
  if (!extras.help) await checkNamedFiles(config, io.cwd, io.cwd);
  return { config, extras };
}

function toResult(
  input: string,
  check: RegistryCheck | null,
  config: Config,
  parseError?: string,
): CheckResult {
  const rule = check ? ruleForCheckStatus(check.status) : 'invalid-reference';
  const severity = rule ? severityOf(rule, config.rules) : 'off';
  const parsed = parseReference(input);
  return {
    input,
    normalized: parsed.ok ? parsed.ref.normalized : null,
    status: check ? check.status : 'invalid_reference',
    rule: severity === 'off' ? null : rule,
    severity: severity === 'off' ? null : severity,
    digest: check?.digest ?? null,
    mediaType: check?.mediaType ?? null,
    platforms: check?.platforms ?? [],
    missingPlatforms: check?.missingPlatforms ?? [],
    host: check?.host ?? null,
    httpStatus: check?.httpStatus ?? null,
    message: parseError ?? check?.message ?? null,
  };
}

/** The text line(s) of one result; every value from a registry is shown on one line, without controls. */
export function renderCheckText(r: CheckResult): string {
  const one = (s: string) => plain(s);
  const head = `${one(r.input)}  ${r.status}`;
  const facts = [
    r.digest && `digest ${one(r.digest)}`,
    r.mediaType && `media type ${one(r.mediaType)}`,
    r.platforms.length > 0 && `platforms ${r.platforms.map(one).join(', ')}`,
    r.missingPlatforms.length > 0 && `missing ${r.missingPlatforms.map(one).join(', ')}`,
  ].filter(Boolean);
  const lines = [head, ...facts.map((f) => `  ${f}`)];
  if (r.status !== 'available' && r.message) lines.push(`  ${one(r.message)}`);
  return lines.join('\n');
}

/** Runs `check`; returns the exit code. */
export async function runCheckCommand(argv: readonly string[], io: CheckCommandIo): Promise<number> {
  const { config, extras } = await loadConfig(argv, io);
  if (extras.help) {
    io.stdout.write(CHECK_USAGE);
    return 0;
  }
  const inputs = extras.positionals.length ? extras.positionals : await readStdinLines(io.stdin);
  if (!inputs.length) {
    io.stderr.write(`k8s-image-check check: no image given.\n\n${CHECK_USAGE}`);
    return 2;
  }
  const targets = inputs.flatMap((input, i) => {
    const p = parseReference(input);
    return p.ok ? [{ key: String(i), ref: p.ref }] : [];
  });
  const checker = io.createChecker(config);
  const checks = targets.length ? await checker.checkImages(targets) : new Map<string, RegistryCheck>();
  const results = inputs.map((input, i) => {
    const p = parseReference(input);
    if (!p.ok) return toResult(input, null, config, p.error);
    return toResult(input, checks.get(String(i)) ?? { status: 'not_checked' }, config);
  });
  const out =
    config.format === 'json'
      ? `${JSON.stringify(results, null, 2)}\n`
      : `${results.map(renderCheckText).join('\n')}\n`;
  // Values are single-line already (`plain`); the writer neutralises workflow-command lines as scan does.
  io.stdout.write(config.format === 'json' ? safeJson(io.redact(out)) : logLines(io.redact(out)));
  const findings = results.flatMap((r) =>
    r.rule && r.severity
      ? [
          {
            rule: r.rule,
            severity: r.severity,
            message: r.message ?? '',
            file: null,
            line: null,
            column: null,
            image: r.input,
          },
        ]
      : [],
  );
  return shouldFail(findings, config.failOn) ? 1 : 0;
}
