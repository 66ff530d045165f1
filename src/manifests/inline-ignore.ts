const DIRECTIVE = /#.*?\bk8s-image-check:\s*ignore\b(?:\s*=\s*([A-Za-z0-9_,\s-]*[A-Za-z0-9_-]))?/;

/**
 * Reads an inline opt-out from the text that follows an image value on its line:
 * `# k8s-image-check: ignore` → `['*']` (every rule), `# k8s-image-check: ignore=latest-tag,dirty-tag`
 * → those rule ids. Returns undefined when the line has no such comment. `rest` must start after
 * the value, so a `#` inside a quoted image cannot be mistaken for a comment.
 */
export function parseInlineIgnore(rest: string): string[] | undefined {
  const hash = rest.indexOf('#');
  if (hash === -1) return undefined;
  const m = DIRECTIVE.exec(rest.slice(hash));
  if (!m) return undefined;
  const list = m[1];
  if (list === undefined) return ['*'];
  const ids = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return ids.length > 0 ? ids : ['*'];
}
