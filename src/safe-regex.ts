/**
 * Regular expressions from settings and manifests run on RE2 (the re2js port), whose matching time
 * is linear in the input: a pattern such as `^(a+)+$` from a pull request's `.k8s-image-check.yaml`
 * cannot make the run backtrack for hours. RE2 has no backreferences and no lookaround; such a
 * pattern is rejected with a message that names the construct.
 */
import { RE2JS } from 're2js';

/** A compiled pattern: the subset of `RegExp` the tool uses (`test` searches anywhere, like `RegExp.test`). */
export interface SafePattern {
  readonly source: string;
  test(text: string): boolean;
}

/**
 * Why a pattern cannot be compiled. The message continues a sentence that starts with the quoted
 * pattern: `"(a)\1" uses backreferences (\1), which ...`; callers add the setting and the fix
 * ({@link RE2_HINT}). `construct` names an unsupported RE2 feature when that is the cause.
 */
export class PatternError extends Error {
  override name = 'PatternError';
  readonly construct: string | null;
  constructor(message: string, construct: string | null) {
    super(message);
    this.construct = construct;
  }
}

/** Constructs JavaScript accepts and RE2 does not, tried in order against the source. */
const UNSUPPORTED: readonly [RegExp, string][] = [
  [/(^|[^\\])(\\\\)*\\[1-9]/, 'backreferences (\\1)'],
  [/(^|[^\\])(\\\\)*\\k</, 'named backreferences (\\k<name>)'],
  [/\(\?<?[=!]/, 'lookaround ((?=, (?!, (?<=, (?<!)'],
];

/** Names the unsupported construct in a source that RE2 refused, or null when it is a plain syntax error. */
function unsupportedConstruct(source: string): string | null {
  for (const [detect, name] of UNSUPPORTED) if (detect.test(source)) return name;
  return null;
}

/** What to do about a {@link PatternError}, for the end of a message. */
export const RE2_HINT = 'use an RE2-compatible pattern (https://github.com/google/re2/wiki/Syntax)';

// Compiled patterns by source; bounded because manifest selectors come from the repository.
const cache = new Map<string, SafePattern>();
const CACHE_LIMIT = 1000;

/**
 * A string test for a pattern that is a literal with optional `^`/`$` anchors (the default `-dirty$`):
 * RE2 in JavaScript costs microseconds per call, a large monorepo has 100k image uses, and without
 * the `m` flag `$` matches only at the very end in RE2 as in JavaScript, so `endsWith` is exact.
 */
function literalTest(source: string): ((text: string) => boolean) | null {
  const m = /^(\^?)((?:[^\\.+*?()|[\]{}^$]|\\[.\-/])*)(\$?)$/.exec(source);
  if (!m) return null;
  const literal = m[2]!.replace(/\\(.)/g, '$1');
  if (m[1] && m[3]) return (t) => t === literal;
  if (m[1]) return (t) => t.startsWith(literal);
  if (m[3]) return (t) => t.endsWith(literal);
  return (t) => t.includes(literal);
}

/** RE2's test with a bounded memo: the same tags and references recur across overlays and files. */
function memoized(re: RE2JS): (text: string) => boolean {
  const seen = new Map<string, boolean>();
  return (text) => {
    let hit = seen.get(text);
    if (hit === undefined) {
      hit = re.test(text);
      if (seen.size >= 10_000) seen.clear();
      seen.set(text, hit);
    }
    return hit;
  };
}

/**
 * Compiles a pattern (no flags: case-sensitive, `.` does not match a line break) on RE2.
 *
 * @throws {PatternError} naming the syntax error, or the backreference or lookaround RE2 lacks.
 */
export function compileSafePattern(source: string): SafePattern {
  const cached = cache.get(source);
  if (cached) return cached;
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    const construct = unsupportedConstruct(source);
    const why = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    throw new PatternError(
      construct
        ? `uses ${construct}, which the linear-time regular-expression engine (RE2) does not support`
        : `is not a valid regular expression (${why})`,
      construct,
    );
  }
  const pattern: SafePattern = { source, test: literalTest(source) ?? memoized(re) };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, pattern);
  return pattern;
}
