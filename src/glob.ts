/**
 * Path globs from a repository (`exclude`, `paths`, a baseline entry's `file`) matched in linear time.
 * picomatch turns a glob into a backtracking RegExp, and `@(+(a)+(a))+b` or `*a*a*a*…b` then takes
 * exponential or high-polynomial time on a long file name, so a 14-character line in a pull request's config
 * could hold the run for hours. Here the glob is translated to an RE2 expression (re2js, linear time) with
 * the common syntax: `*` (within a segment), `**` (any segments), `?`, `[...]` / `[!...]`, `{a,b}`. Extglobs
 * (`@(…)`, `+(…)` …) are not supported and match literally. Dot files match like any other (picomatch's
 * `dot: true`). Pure.
 */
import { RE2JS } from 're2js';

/** A compiled glob. */
export type GlobMatcher = (path: string) => boolean;

const SPECIAL = /[\\^$.|+()[\]{}*?]/g;
const literal = (c: string) => c.replace(SPECIAL, '\\$&');

/** Translates a `[...]` class starting at `i` (the `[`); returns the RE2 class and the index after `]`. */
function charClass(glob: string, i: number): [string, number] | null {
  let j = i + 1;
  let negate = false;
  if (glob[j] === '!' || glob[j] === '^') {
    negate = true;
    j++;
  }
  let body = '';
  if (glob[j] === ']') {
    body += '\\]';
    j++;
  }
  for (; j < glob.length && glob[j] !== ']'; j++) {
    const c = glob[j] as string;
    body += c === '\\' || c === '[' || c === '^' ? `\\${c}` : c;
  }
  if (j >= glob.length) return null; // no closing `]`: a literal `[`
  return [`[${negate ? '^/' : ''}${body}]`, j + 1];
}

/** The RE2 source of a glob (anchored). */
export function globToRe2(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; ) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      const atSegmentStart = i === 0 || glob[i - 1] === '/';
      if (atSegmentStart && slashAfter) {
        out += '(?:[^/]*/)*'; // `**/`: zero or more whole segments
        i += 3;
      } else {
        out += '.*';
        i += 2;
      }
      continue;
    }
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const cls = charClass(glob, i);
      if (cls) {
        out += cls[0];
        i = cls[1];
        continue;
      }
      out += '\\[';
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '\\' && i + 1 < glob.length) {
      out += literal(glob[i + 1] as string);
      i += 2;
      continue;
    } else out += literal(c);
    i++;
  }
  // An unclosed `{` is taken literally by shells; here it would leave an open group: close it.
  out += ')'.repeat(braces);
  return `^${out}$`;
}

/**
 * Compiles `glob` for repository-relative paths (`a/b.yaml`, no leading `./`). With `basename`, a glob without
 * a `/` matches the last segment of a path, as picomatch's `basename` option (and `.gitignore`) do.
 */
export function compileGlob(glob: string, options: { basename?: boolean } = {}): GlobMatcher {
  const clean = glob.replace(/^\.\//, '');
  let re: RE2JS;
  try {
    re = RE2JS.compile(globToRe2(clean));
  } catch {
    re = RE2JS.compile(`^${literal(clean)}$`);
  }
  const onBase = options.basename === true && !clean.includes('/');
  return (path: string) => re.matches(onBase ? path.slice(path.lastIndexOf('/') + 1) : path);
}
