/** Hostile strings for property tests: what an attacker would put into file names, names, images and messages. */
import fc from 'fast-check';

/** Pieces an attacker would combine: workflow commands, line breaks, Markdown/HTML, mentions, terminal escapes. */
export const HOSTILE_PIECES = [
  '::error::x',
  '::error file=README.md,line=1,title=t::owned',
  '::stop-commands::tok',
  '::add-mask::abc',
  '::set-output name=a::b',
  '::tok::',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u0085',
  '%0A',
  '%25',
  '##[group]g',
  '##[set-env name=A;]b',
  '<img src=x onerror=alert(1)>',
  '<script>',
  '<!-- k8s-image-check:v1 {"cluster":"x"} -->',
  '-->',
  '[a](http://x)',
  '![i](http://x/i.png)',
  'http://evil.example',
  'www.evil.example',
  '@octocat',
  '@org/team',
  '#1',
  '&#64;user',
  '`',
  '```',
  '|',
  '*b*',
  '_i_',
  '$x$',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;http://evil\u0007link\u001b]8;;\u0007',
  '\u001b]0;title\u001b\\',
  '\u009b31m',
  '\u202eevil',
  '\u2066x\u2069',
  '\t',
  '\u0000',
  '  ',
  'a',
  'nginx:1.27',
] as const;

export const hostile = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ maxLength: 4 })), { maxLength: 12 })
  .map((parts) => parts.join(''));

/** Raw control, separator or bidi characters: none may reach a log line, a terminal or Markdown. */
export const RAW_CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** What the runner reads as a v2 command (after .NET's TrimStart) or a v1 command (`##[` anywhere). */
export function isRunnerCommand(line: string): boolean {
  return /^[\s\u0085\u180e]*::/.test(line) || line.includes('##[');
}
