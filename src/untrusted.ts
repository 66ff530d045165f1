/**
 * Untrusted text, one function per output channel. Pure.
 *
 * Everything a pull request, a registry, a cluster or a credential helper controls (file names, kinds,
 * names, images, error bodies, pod messages) is hostile. It reaches six channels, each with its own way of
 * being abused, and each has exactly one function here:
 *
 * | Channel | Function | What it prevents |
 * | --- | --- | --- |
 * | a value in a log or terminal line | {@link plain} | line breaks, ANSI/OSC escapes, C1 controls, bidi overrides |
 * | every text the tool writes to stdout/stderr | {@link logLines} | a line that starts `::` (v2 workflow command) or holds `##[` (v1) |
 * | workflow-command message / property | {@link commandData} / {@link commandProperty} | breaking out of the command (`%`, CR, LF, `:`, `,`) |
 * | plain-text API fields (check-run annotations, SARIF `text`) | {@link plainLines} | controls other than the line break |
 * | Markdown/HTML (job summary, check-run text, issues) | {@link markdown} / {@link markdownCode} | HTML, links, images, mentions, table breaks, forged HTML comments |
 * | JSON and SARIF files | {@link safeJson} | C1/bidi/line-separator characters left raw by `JSON.stringify` |
 *
 * The log is protected twice, on purpose: values are made single-line where they are rendered (`plain`), and
 * the single writer of each entry point (`logLines`) neutralises any line that would still read as a command,
 * so a value that a renderer forgot cannot become a runner command. The runner (actions/runner
 * `ActionCommand.cs`) treats a line as a v2 command when, after leading whitespace is trimmed, it starts with
 * `::`, and as a v1 command when `##[` occurs anywhere in it; a `::stop-commands::` token from a pull request
 * would silently drop every real annotation after it.
 */

/** Controls that must never reach a log, a terminal or a viewer raw: C0, DEL, C1, line/paragraph separators. */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029';
/** Bidirectional formatting characters ("Trojan Source"): they reorder what a reader sees. */
const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';

const CONTROL_OR_BIDI = new RegExp(`[${CONTROL}${BIDI}]`, 'g');
const CONTROL_OR_BIDI_BUT_BREAKS = new RegExp(
  `[\\u0000-\\u0009\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI}]`,
  'g',
);

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * An untrusted value for a log or terminal line: control characters (line breaks, tabs, ESC of ANSI CSI and
 * OSC sequences such as OSC 8 hyperlinks, BEL, C1 controls), Unicode line separators and bidi overrides are
 * written as visible escapes (`\n`, `\t`, `\u001b`). The result is one line and shows, rather than hides, what
 * the input held (a file name stays recognisable). Idempotent: backslashes are left alone.
 *
 * @example plain('a.yaml\n::error::x') === 'a.yaml\\n::error::x'
 */
export function plain(value: string): string {
  return value.replace(CONTROL_OR_BIDI, escapeChar);
}

/**
 * Like {@link plain} but keeps line breaks (CR LF and CR become LF): for plain-text fields whose viewers show
 * several lines and run no commands (check-run annotation `message`/`raw_details`, SARIF `message.text`).
 */
export function plainLines(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL_OR_BIDI_BUT_BREAKS, escapeChar);
}

/** Whitespace the runner trims before looking for `::` (.NET `char.IsWhiteSpace`, a superset of JS `\s`). */
const COMMAND_LINE = /^[\s\u0085\u180e]*::/;
const ZWSP = '\u200b';

/**
 * Every text the tool writes to stdout or stderr (the runner reads both for commands), applied once by the
 * single writer of each entry point. A line that would be a workflow command the tool did not intend is
 * neutralised with a zero-width space: before a leading `::`, and inside every `##[` (`#\u200b#[`). The text
 * still reads the same; other lines are unchanged. CR, CRLF and LF all end a line for the runner, so each
 * piece is checked. Lines the tool means as commands are written around this (see {@link workflowCommand}).
 */
export function logLines(text: string): string {
  if (!text.includes('::') && !text.includes('##[')) return text;
  return text
    .split(/(\r\n|\r|\n)/)
    .map((piece, i) => {
      if (i % 2 === 1) return piece; // a separator
      const line = COMMAND_LINE.test(piece) ? ZWSP + piece : piece;
      return line.replaceAll('##[', `#${ZWSP}#[`);
    })
    .join('');
}

/**
 * A workflow command's message, escaped as `@actions/core` does (`%` → `%25`, CR → `%0D`, LF → `%0A`), with
 * other control characters and bidi overrides written as visible escapes (as {@link plain}), and `##[` broken
 * by a zero-width space so the line cannot also read as a v1 command.
 */
export function commandData(value: string): string {
  return (
    value
      .replace(CONTROL_OR_BIDI_BUT_BREAKS, escapeChar)
      // The runner tries a v1 command only when the line is no v2 one; broken anyway, as in `logLines`.
      .replaceAll('##[', `#${ZWSP}#[`)
      .replace(/%/g, '%25')
      .replace(/\r/g, '%0D')
      .replace(/\n/g, '%0A')
  );
}

/** A workflow command's property value: {@link commandData} plus `:` → `%3A` and `,` → `%2C`, as `@actions/core`. */
export function commandProperty(value: string): string {
  return commandData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Workflow commands the tool itself writes; a test asserts that no other command reaches the log. */
export const INTENDED_COMMANDS = [
  'error',
  'warning',
  'notice',
  'debug',
  'add-mask',
  'group',
  'endgroup',
] as const;
export type IntendedCommand = (typeof INTENDED_COMMANDS)[number];

/**
 * One intended workflow-command line (no trailing newline), e.g.
 * `::error file=a.yaml,line=3,title=Image not found::message`: every property and the message escaped.
 */
export function workflowCommand(
  name: IntendedCommand,
  properties: Record<string, string | number | null | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${commandProperty(String(v))}`);
  return `::${name}${props.length ? ` ${props.join(',')}` : ''}::${commandData(message)}`;
}

/** Whitespace, controls and separators collapse to one space in Markdown: a line break would end a table row. */
const MD_SPACE = new RegExp(`[\\s${CONTROL}]+`, 'g');
const MD_BIDI = new RegExp(`[${BIDI}]`, 'g');
/**
 * ASCII punctuation that forms inline Markdown, GFM or GitHub syntax anywhere in a line: escapes, code, emphasis,
 * links and images (`[`, so `![` and `](` cannot form), table pipes, strikethrough and math. CommonMark renders a
 * backslash-escaped ASCII punctuation character literally. `&`, `<` and `>` become entities instead, so the
 * Markdown source holds no tag, comment or entity from the input. Others are escaped only where they mean
 * something (see {@link markdown}).
 */
const MD_PUNCT = /[\\`*_[\]|~$]/g;
const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** Block syntax at the start of the text (list item, ordered list, heading, blockquote, setext underline). */
const MD_BLOCK_START = /^(?:[-+=#]|\d{1,9}(?=[.)]))/;

function mdOneLine(value: string): string {
  return value.replace(MD_SPACE, ' ').replace(MD_BIDI, escapeChar).trim();
}

/**
 * An untrusted value as Markdown text, for a sentence, a list item, link text or a table cell (job summary,
 * check-run summary and text, issue bodies and comments). One line; Markdown punctuation backslash-escaped so
 * no HTML, link, image, emphasis, table pipe, heading or URL autolink can form; `@name` cannot notify anyone
 * (e-mail addresses and `image@sha256:` digests stay as they are) and
 * `#123` cannot cross-reference an issue (a zero-width space follows `@` and `#`: GitHub links mentions and
 * references in the rendered text, so a backslash would not stop them). No `<` is left raw, so the text can
 * neither open an HTML comment nor forge the hidden issue marker (`<!-- k8s-image-check:v1 … -->`).
 */
export function markdown(value: string): string {
  return inlineMarkdown(value).replace(MD_BLOCK_START, (m) => (/\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** {@link markdown} without the block-start escape, for text that never starts a line (inside `<code>`). */
function inlineMarkdown(value: string): string {
  return (
    mdOneLine(value)
      .replace(MD_PUNCT, (c) => `\\${c}`)
      .replace(/[&<>]/g, (c) => HTML_ENTITY[c] ?? c)
      // GFM extended autolinks start at `scheme://` and `www.`.
      .replace(/:(?=\/\/)/g, '\\:')
      .replace(/\b(www)\./gi, '$1\\.')
      .replace(/(^|[^\w.+-])@(?=\w)/g, `$1@${ZWSP}`)
      .replace(/#(?=\d)/g, `#${ZWSP}`)
  );
}

/**
 * An untrusted value as inline code (image references, names, file paths, statuses): `<code>` around
 * {@link markdown}, so it reads as code and is as inert as Markdown text, in a table cell or a sentence (a
 * backtick code span could not hold `|` in a table without showing a backslash elsewhere).
 */
export function markdownCode(value: string): string {
  return `<code>${inlineMarkdown(value)}</code>`;
}

/** Returns a Markdown code-block fence longer than any backtick run in `text` (at least three backticks). */
export function markdownFence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * A path for a link URL: each segment percent-encoded, including `(`, `)`, `!`, `'` and `*`, which
 * `encodeURIComponent` leaves as they are and which could end a Markdown link destination early.
 */
export function urlPath(path: string): string {
  return path
    .split('/')
    .map((s) =>
      encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

const JSON_RAW = new RegExp(`[\\u007f-\\u009f\\u2028\\u2029${BIDI}]`, 'g');

/**
 * Serialised JSON (a JSON or SARIF report) with the characters `JSON.stringify` leaves raw — DEL, C1 controls,
 * U+2028/U+2029 and bidi overrides — written as `\uXXXX` escapes. Lossless: the parsed data is identical (these
 * characters occur only inside strings), so consumers get the exact file names, and a terminal showing the
 * file or a viewer showing its text sees no control character. `JSON.stringify` already escapes C0. A JSON
 * report printed to the log (`--format json`) cannot hold a v1 workflow command either: `##[` becomes
 * `#\u0023[` (a line of JSON never starts with `::`).
 */
export function safeJson(json: string): string {
  return json
    .replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('##[', '#\\u0023[');
}
