import type { LineCounter, Node } from 'yaml';

/**
 * Returns the 1-based column just after a YAML value's source text (quotes included, a trailing comment
 * not), when the value starts and ends on one line; otherwise undefined.
 *
 * @remarks Annotations and SARIF regions highlight `column` up to this column. Without it they fall back
 * to the start column alone: a range derived from the image's length runs past the end of a kustomize
 * `newTag:` or Helm `tag:` line, which holds only part of the image.
 */
export function endColumnOf(node: Node | null | undefined, lineCounter: LineCounter): number | undefined {
  const range = node?.range;
  if (!range || range[1] <= range[0]) return undefined;
  const start = lineCounter.linePos(range[0]);
  const end = lineCounter.linePos(range[1]);
  return start.line === end.line ? end.col : undefined;
}
