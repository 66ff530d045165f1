import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSafePattern, PatternError } from '../src/safe-regex.js';

describe('compileSafePattern', () => {
  it('matches like JavaScript RegExp for plain patterns (property test over tag-like strings)', () => {
    // Pieces that mean the same in JavaScript and RE2; combined at random into patterns.
    const piece = fc.constantFrom(
      'a',
      'b',
      '-',
      '.',
      '\\.',
      '[a-c]',
      '[^a]',
      '\\d',
      '\\w',
      'a*',
      'b+',
      'c?',
      '(a|b)',
      '(?:ab)+',
      'x{1,3}',
      '^',
      '$',
      '-dirty$',
    );
    const pattern = fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
    const text = fc.stringMatching(/^[abcx0-9._-]{0,20}$/);
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(compileSafePattern(p).test(t), `${p} on ${t}`).toBe(new RegExp(p).test(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('runs ^(a+)+$ against 100k characters in linear time', () => {
    const started = performance.now();
    expect(compileSafePattern('^(a+)+$').test(`${'a'.repeat(100_000)}b`)).toBe(false);
    expect(compileSafePattern('^(a+)+$').test('a'.repeat(100_000))).toBe(true);
    // Generous: RE2 takes milliseconds; a backtracking engine would not finish at all.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ['(a)\\1', 'backreferences'],
    ['(?<n>a)\\k<n>', 'named backreferences'],
    ['a(?=b)', 'lookaround'],
    ['a(?!b)', 'lookaround'],
    ['(?<=a)b', 'lookaround'],
    ['(?<!a)b', 'lookaround'],
  ])('rejects %s naming the construct (%s)', (source, construct) => {
    let error: unknown;
    try {
      compileSafePattern(source);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PatternError);
    expect((error as PatternError).construct).toMatch(new RegExp(`^${construct} `));
    expect((error as PatternError).message).toMatch(
      /^uses .+, which the linear-time .* \(RE2\) does not support$/,
    );
  });

  it('calls a plain syntax error invalid, without blaming a construct', () => {
    expect(() => compileSafePattern('(unclosed')).toThrowError(
      /^is not a valid regular expression \(missing closing \)/,
    );
    // An escaped backslash before a digit is a literal, not a backreference.
    expect(compileSafePattern('a\\\\1').test('a\\1')).toBe(true);
  });
});
