/**
 * `k8s-image-check init`: writes a commented `.k8s-image-check.yaml` listing every key the config file may
 * set, each with its description and its default, commented out, so the file changes nothing until a line
 * is uncommented. Generated from the settings table, like the README and action.yml.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG_FILES } from '../config/from-file.js';
import { fileTrustOf, OPTIONS, type OptionMode, type OptionSpec } from '../config/schema.js';

const WIDTH = 100;

/** Whether the config file may set this option (the table decides; secrets and run-only settings may not). */
export function allowedInConfigFile(o: OptionSpec): boolean {
  return !o.actionOnly && !o.notInFile && !o.secret && fileTrustOf(o) !== 'inputs-only';
}

function wrap(text: string, prefix: string): string[] {
  const words = text.replace(/`/g, '').split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && prefix.length + line.length + 1 + w.length > WIDTH) {
      lines.push(`${prefix}${line}`);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(`${prefix}${line}`);
  return lines;
}

function defaultLines(o: OptionSpec): string[] {
  if (o.default === null || o.default === undefined) return [`# ${o.input}:`];
  const yaml = stringify({ [o.input]: o.default }, { lineWidth: 0 }).trimEnd();
  return yaml.split('\n').map((l) => `# ${l}`);
}

const SECTIONS: { title: string; test: (modes: readonly OptionMode[]) => boolean }[] = [
  {
    title: 'Both modes (pull requests and cluster)',
    test: (m) => m.includes('scan') && m.includes('cluster'),
  },
  { title: 'Pull-request mode and `scan`', test: (m) => m.includes('scan') && !m.includes('cluster') },
  { title: 'Cluster mode and `drift`', test: (m) => !m.includes('scan') && m.includes('cluster') },
];

/** The commented config file (pure). */
export function renderConfigTemplate(options: readonly OptionSpec[] = OPTIONS): string {
  const out = [
    '# k8s-image-check configuration, read from the repository root.',
    '# Every key the file may set is listed with its default, commented out: uncomment to change it.',
    '# Keys are the action input names. Secrets, credentials and settings that widen what a run may reach',
    '# are not accepted here; set them as workflow inputs (see "Security model" in the README).',
  ];
  for (const section of SECTIONS) {
    const opts = options.filter((o) => allowedInConfigFile(o) && section.test(o.modes));
    if (!opts.length) continue;
    out.push('', `# ── ${section.title} ${'─'.repeat(Math.max(3, WIDTH - section.title.length - 6))}`);
    for (const o of opts) out.push('', ...wrap(o.description, '# '), ...defaultLines(o));
  }
  return `${out.join('\n')}\n`;
}

/** Streams `init` writes to. */
export interface InitIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

const INIT_USAGE = `Usage: k8s-image-check init [PATH] [--force]

Write a commented config file (default: ${DEFAULT_CONFIG_FILES[0]} in the current directory) that lists
every key with its default. PATH - prints it instead. An existing file is kept unless --force is given.
`;

/** Runs `init`; returns the exit code. */
export async function runInitCommand(argv: readonly string[], io: InitIo): Promise<number> {
  const force = argv.includes('--force');
  const rest = argv.filter((a) => a !== '--force');
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(INIT_USAGE);
    return 0;
  }
  const unknown = rest.find((a) => a.startsWith('-') && a !== '-');
  if (unknown || rest.length > 1) {
    io.stderr.write(`k8s-image-check init: unexpected argument ${unknown ?? rest[1]}.\n\n${INIT_USAGE}`);
    return 2;
  }
  const text = renderConfigTemplate();
  const target = rest[0] ?? DEFAULT_CONFIG_FILES[0];
  if (target === '-') {
    io.stdout.write(text);
    return 0;
  }
  const path = isAbsolute(target) ? target : join(io.cwd, target);
  // O_EXCL refuses an existing file (or a symlink planted in its place) unless --force; O_NOFOLLOW never
  // writes through a symlink.
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_NOFOLLOW |
    (force ? constants.O_TRUNC : constants.O_EXCL);
  try {
    const file = await open(path, flags, 0o644);
    await file.writeFile(text);
    await file.close();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST'
        ? 'it exists already; pass --force to replace it'
        : code === 'ELOOP'
          ? 'it is a symbolic link; remove it first'
          : `it cannot be written (${code ?? String(err)})`;
    io.stderr.write(`k8s-image-check init: not writing ${target}: ${why}.\n`);
    return 2;
  }
  io.stdout.write(
    `Wrote ${target}: every setting with its default, commented out. Uncomment what you change.\n`,
  );
  return 0;
}
