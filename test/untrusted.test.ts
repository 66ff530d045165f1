/** One function per output channel (src/untrusted.ts), fed hostile strings by hand and by fast-check. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commandData,
  commandProperty,
  INTENDED_COMMANDS,
  logLines,
  markdown,
  markdownCode,
  markdownFence,
  plain,
  plainLines,
  safeJson,
  urlPath,
  workflowCommand,
} from '../src/untrusted.js';
import { hostile, isRunnerCommand, RAW_CONTROL } from './helpers/hostile.js';

const lines = (s: string) => s.split(/\r\n|\r|\n/);

describe('plain (log and terminal values)', () => {
  it('writes controls, ANSI/OSC escapes and bidi overrides as visible escapes', () => {
    expect(plain('a.yaml\n::error::x')).toBe('a.yaml\\n::error::x');
    expect(plain('\u001b]8;;http://evil\u0007x')).toBe('\\u001b]8;;http://evil\\u0007x');
    expect(plain('\u009b31m\u202e\r\t')).toBe('\\u009b31m\\u202e\\r\\t');
    expect(plain('plain: nginx:1.27')).toBe('plain: nginx:1.27');
  });

  it('is one line without raw control characters, and idempotent', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const once = plain(s);
        expect(once).not.toMatch(RAW_CONTROL);
        expect(plain(once)).toBe(once);
      }),
    );
  });

  it('plainLines keeps line breaks only', () => {
    expect(plainLines('a\r\nb\rc\u001b')).toBe('a\nb\nc\\u001b');
  });
});

describe('logLines (every text written to stdout/stderr)', () => {
  it('neutralises leading `::`, indented `::` and `##[` anywhere, leaving other lines alone', () => {
    expect(logLines('::stop-commands::x.yaml')).toBe('\u200b::stop-commands::x.yaml');
    expect(logLines('  ::error::x\r\nok')).toBe('\u200b  ::error::x\r\nok');
    expect(logLines('a ##[group]b')).toBe('a #\u200b#[group]b');
    expect(logLines('file: a::b.yaml')).toBe('file: a::b.yaml');
  });

  it('no line of the output is a runner command, and its text reads the same', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const out = logLines(`${a}\n${b}`);
        for (const line of lines(out)) expect(isRunnerCommand(line)).toBe(false);
        expect(out.replaceAll('\u200b', '')).toBe(`${a}\n${b}`.replaceAll('\u200b', ''));
      }),
    );
  });
});

describe('workflow commands', () => {
  it('escapes as @actions/core does', () => {
    expect(commandData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(commandProperty('a:b,c')).toBe('a%3Ab%2Cc');
    expect(workflowCommand('error', { file: 'x::y,z.yaml', line: 3, col: null }, 'm\n::add-mask::a')).toBe(
      '::error file=x%3A%3Ay%2Cz.yaml,line=3::m%0A::add-mask::a',
    );
  });

  it('an intended command is one line whose properties and data decode back to the input', () => {
    const decode = (s: string) =>
      s
        .replace(/%3A/g, ':')
        .replace(/%2C/g, ',')
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%');
    fc.assert(
      fc.property(fc.constantFrom(...INTENDED_COMMANDS), hostile, hostile, (name, file, message) => {
        const line = workflowCommand(name, { file: `f${file}`, title: 't' }, message);
        expect(lines(line)).toHaveLength(1);
        const m = /^::([a-z-]+) file=([^,:]*),title=t::(.*)$/.exec(line);
        expect(m?.[1]).toBe(name);
        const shown = `f${file}`
          .split(/(\r|\n)/)
          .map((p, i) => (i % 2 ? p : plain(p)))
          .join('')
          .replaceAll('##[', '#\u200b#[');
        expect(line).not.toContain('##[');
        expect(decode(m?.[2] ?? '')).toBe(shown);
        expect(m?.[3]).not.toMatch(/%(?!25|0D|0A)/);
        expect(m?.[3]).not.toMatch(RAW_CONTROL);
      }),
    );
  });
});

/** Raw HTML, a link or image, an autolink, a live mention or a comment in Markdown produced from `s`. */
function markdownHazards(md: string): string[] {
  const found: string[] = [];
  if (/<(?!\/?code>)[a-z!/?]/i.test(md)) found.push('raw HTML');
  if (/(^|[^\\])!?\[[^\]]*(^|[^\\])\]\(/.test(md)) found.push('link');
  if (/(^|[^\\])(https?|ftp):\/\//i.test(md) || /(^|[^\\\w])www\./i.test(md)) found.push('autolink');
  if (/(^|[^\w.+\-\u200b`\\])@[a-z0-9]/i.test(md)) found.push('mention');
  if (/(^|[^\\])[|`*_~$[]/.test(md.replace(/<\/?code>/g, ''))) found.push('unescaped syntax');
  if (/<!--|-->/.test(md)) found.push('comment');
  if (/[\r\n]/.test(md)) found.push('line break');
  return found;
}

describe('markdown and markdownCode (summary, check run, issues)', () => {
  it('escapes HTML, links, images, tables, code and autolinks; mentions and references cannot ping', () => {
    expect(markdown('<img src=x> *b* [l](u) a|b')).toBe('&lt;img src=x&gt; \\*b\\* \\[l\\](u) a\\|b');
    expect(markdown('see http://x and www.y.z')).toBe('see http\\://x and www\\.y.z');
    expect(markdown('ask @octocat, #12, ops@example.com')).toBe(
      'ask @\u200boctocat, #\u200b12, ops@example.com',
    );
    expect(markdown('- item')).toBe('\\- item');
    expect(markdown('1. item')).toBe('1\\. item');
    expect(markdown('a\nb\r\n\tc')).toBe('a b c');
    expect(markdownCode('x|`y`')).toBe('<code>x\\|\\`y\\`</code>');
    // Inside <code> nothing starts a line: a host stays as it is.
    expect(markdownCode('127.0.0.1:5000')).toBe('<code>127.0.0.1:5000</code>');
  });

  it('cannot open an HTML comment or forge the issue marker', () => {
    expect(markdown('<!-- k8s-image-check:v1 {} -->')).toBe('&lt;!-- k8s-image-check:v1 {} --&gt;');
  });

  it('no hostile string yields raw HTML, a link, a mention, a comment or a line break', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        expect(markdownHazards(markdown(s))).toEqual([]);
        expect(markdownHazards(markdownCode(s))).toEqual([]);
        expect(markdown(s)).not.toMatch(RAW_CONTROL);
      }),
      { numRuns: 300 },
    );
  });

  it('fences are longer than any backtick run', () => {
    expect(markdownFence('plain')).toBe('```');
    expect(markdownFence('a ```` b')).toBe('`````');
  });

  it('urlPath encodes what could end a link destination', () => {
    expect(urlPath('a b/c(d)!.yaml')).toBe('a%20b/c%28d%29%21.yaml');
  });
});

describe('safeJson (JSON and SARIF files)', () => {
  it('is lossless and leaves no C1, separator, bidi character or `##[` raw', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const json = safeJson(JSON.stringify({ file: s, nested: [s] }, null, 2));
        expect(JSON.parse(json)).toEqual({ file: s, nested: [s] });
        expect(json.replaceAll('\n', '')).not.toMatch(RAW_CONTROL);
        for (const line of lines(json)) expect(isRunnerCommand(line)).toBe(false);
      }),
    );
  });
});
