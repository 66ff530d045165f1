/**
 * `k8s-image-check ref [REF...] [--json]`: explains image references the way Docker, containerd and
 * the kubelet read them.
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { checkKey, familiarString, parseReference } from '../image/reference.js';
import { DEFAULT_DIRTY_PATTERNS, evaluateTagPolicy } from '../image/tag-policy.js';
import type { ReferenceParseResult } from '../image/types.js';
import { logLines, plain, safeJson } from '../untrusted.js';

/** Streams and terminal facts the `ref` command runs against (the CLI passes the process's own). */
export interface RefCommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** True when stdin is a terminal: the command then says it is waiting for input. */
  isTTY?: boolean;
}

/** One line of `ref --json` output; keys in this order, always all present. */
export interface RefJsonLine {
  input: string;
  valid: boolean;
  registry: string | null;
  repository: string | null;
  tag: string | null;
  digest: string | null;
  normalized: string | null;
  error: string | null;
}

/** Usage text of the `ref` command. */
export const REF_USAGE = `Usage: k8s-image-check ref [--json] [REF...]

Explain container image references as Docker, containerd and the kubelet parse them
(github.com/distribution/reference ParseNormalizedNamed).

With no REF, read one reference per line from stdin (an empty line is an input too).

Options:
  --json      print one JSON object per input: {"input","valid","registry","repository",
              "tag","digest","normalized","error"}
  -h, --help  show this help

Exit status: 0 all references valid, 1 at least one invalid, 2 usage error.
Use "--" before a reference that starts with "-".
`;

const KNOWN_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Returns the `ref --json` object for one input (pure). */
export function explainAsJson(
  input: string,
  result: ReferenceParseResult = parseReference(input),
): RefJsonLine {
  if (!result.ok) {
    return {
      input,
      valid: false,
      registry: null,
      repository: null,
      tag: null,
      digest: null,
      normalized: null,
      error: result.error,
    };
  }
  const { registry, repository, tag, digest, normalized } = result.ref;
  return { input, valid: true, registry, repository, tag, digest, normalized, error: null };
}

/** Returns the human-readable explanation of one input, ending with a newline (pure). */
export function explainAsText(input: string, result: ReferenceParseResult = parseReference(input)): string {
  // The input may hold anything (a line of a file): it is shown as one line with controls escaped.
  const title = input === '' ? '(empty line)' : plain(input);
  if (!result.ok) return `${title}\n  invalid:    ${plain(result.error)}\n`;
  const ref = result.ref;
  let pulls = checkKey(ref);
  if (ref.digest !== null && ref.tag !== null) pulls += ' (by digest; the tag is ignored)';
  else if (ref.digest === null && ref.tag === null) pulls += ' (no tag: "latest" is implied)';
  const lines = [
    title,
    `  registry:   ${ref.registry === '' ? '(none: the first component is not a valid host)' : ref.registry}`,
    `  repository: ${ref.repository}`,
    `  tag:        ${ref.tag ?? '(none)'}`,
    `  digest:     ${ref.digest ?? '(none)'}`,
    `  normalized: ${ref.normalized}`,
    `  familiar:   ${familiarString(ref)}`,
    `  pulls:      ${pulls}`,
  ];
  const notes = evaluateTagPolicy(ref, { dirtyPatterns: DEFAULT_DIRTY_PATTERNS, mutableTags: [] }).filter(
    (v) => v.rule !== 'digest-required',
  );
  for (const note of notes) lines.push(`  ${note.rule}: ${note.message}`);
  return `${lines.join('\n')}\n`;
}

type ParsedArgs =
  | { kind: 'run'; json: boolean; refs: string[] }
  | { kind: 'help' }
  | { kind: 'usage'; message: string };

function parseRefArgs(args: string[]): ParsedArgs {
  const { values, positionals, tokens } = parseArgs({
    args,
    options: KNOWN_OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!Object.hasOwn(KNOWN_OPTIONS, token.name)) {
      return { kind: 'usage', message: `unknown flag ${JSON.stringify(token.rawName)}` };
    }
    if (token.value !== undefined) {
      return { kind: 'usage', message: `flag ${JSON.stringify(token.rawName)} takes no value` };
    }
  }
  if (values.help === true) return { kind: 'help' };
  return { kind: 'run', json: values.json === true, refs: positionals };
}

/** Every text `ref` prints passes `logLines`: a reference read from a file cannot become a workflow command. */
async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(logLines(text))) await once(stream, 'drain');
}

/**
 * Splits a stream into lines (LF or CRLF) and yields each; a final newline does not yield an extra
 * empty line, an empty line in the middle does. A leading UTF-8 byte order mark is dropped, so a file
 * saved by an editor that adds one does not turn its first reference invalid.
 */
async function* readLines(stream: NodeJS.ReadableStream): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let first = true;
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && pending.length > 0) {
      if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
      first = false;
    }
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      yield stripCr(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  if (pending !== '') yield stripCr(pending);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Runs `ref` and returns its exit code: 0 when every reference is valid, 1 when one is not,
 * 2 for a usage error or unreadable stdin.
 */
export async function runRefCommand(args: string[], io: RefCommandIo): Promise<number> {
  const parsed = parseRefArgs(args);
  if (parsed.kind === 'usage') {
    await write(io.stderr, `k8s-image-check ref: ${parsed.message}\n\n${REF_USAGE}`);
    return 2;
  }
  if (parsed.kind === 'help') {
    await write(io.stdout, REF_USAGE);
    return 0;
  }
  let invalid = 0;
  let count = 0;
  const explain = async (input: string): Promise<void> => {
    const result = parseReference(input);
    if (!result.ok) invalid++;
    if (parsed.json) {
      await write(io.stdout, `${safeJson(JSON.stringify(explainAsJson(input, result)))}\n`);
    } else {
      await write(io.stdout, (count > 0 ? '\n' : '') + explainAsText(input, result));
    }
    count++;
  };
  if (parsed.refs.length > 0) {
    for (const ref of parsed.refs) await explain(ref);
  } else {
    if (io.isTTY === true) {
      await write(io.stderr, 'Reading image references from stdin, one per line (end with Ctrl-D).\n');
    }
    try {
      for await (const line of readLines(io.stdin)) await explain(line);
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      await write(
        io.stderr,
        `k8s-image-check ref: cannot read stdin (${reason}); pass references as arguments.\n`,
      );
      return 2;
    }
  }
  return invalid > 0 ? 1 : 0;
}
