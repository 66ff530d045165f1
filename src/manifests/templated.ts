/** The reason reported for Helm chart templates, which are rendered by a later stage. */
export const HELM_TEMPLATE_REASON = 'Helm template; rendering comes later';

/** The reason for a `{{ … }}` file that is not a chart template and is not valid YAML. */
export const LOOSE_TEMPLATE_REASON =
  'Jinja/Go template outside a Helm chart: not valid YAML until rendered; render it first or exclude it';

/**
 * Why an image value cannot be checked as written, or null when it is a plain value.
 * Only clear template syntaxes count: `{{ … }}` (Helm/Go), `${VAR}` / `$VAR` (shell, envsubst),
 * `$(VAR)` (Kubernetes/Make-style), `<image_url>` (placeholder) and upper-case names with
 * underscores such as `IMAGE_PLACEHOLDER` (never valid references: repositories are lower-case).
 */
export function templatedValueReason(raw: string): string | null {
  if (raw.includes('{{')) return 'Helm/Go template expression';
  const braced = /\$\{[^}]*\}?/.exec(raw);
  if (braced) return `shell-style variable ${braced[0]}`;
  const paren = /\$\([^)]*\)?/.exec(raw);
  if (paren) return `variable reference ${paren[0]}`;
  const bare = /\$[A-Za-z_][A-Za-z0-9_]*/.exec(raw);
  if (bare) return `shell-style variable ${bare[0]}`;
  const angle = /<[^<>\s]*>/.exec(raw);
  if (angle) return `placeholder ${angle[0]}`;
  if (/^(?=.*_)_*[A-Z][A-Z0-9_]*$/.test(raw)) return `placeholder ${raw}`;
  return null;
}

/** True when the path has a `templates` directory segment (where Helm charts keep templates). */
export function inChartTemplatesDir(path: string): boolean {
  const parts = path.split('/');
  return parts.slice(0, -1).includes('templates');
}

/**
 * Why a whole file is skipped as a template rather than parsed, or null.
 * `parsed` says whether the text is valid YAML: a file in a chart's `templates/` directory that
 * uses `{{` is always a Helm template; elsewhere template syntax only matters when it breaks YAML
 * (valid YAML with templated values is scanned, and those values are reported one by one).
 */
export function templatedFileReason(path: string, text: string, parsed: boolean): string | null {
  const goTemplate = text.includes('{{');
  if (goTemplate && inChartTemplatesDir(path)) return HELM_TEMPLATE_REASON;
  if (parsed) return null;
  // Jinja also writes `{{ … }}`: its block tags decide before the Go-template check.
  if (text.includes('{%'))
    return 'Jinja template outside a Helm chart: not valid YAML until rendered; render it first or exclude it';
  if (text.includes('<%'))
    return 'ERB template outside a Helm chart: not valid YAML until rendered; render it first or exclude it';
  if (goTemplate) return LOOSE_TEMPLATE_REASON;
  return null;
}
