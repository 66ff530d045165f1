/**
 * `text` with control characters (line breaks, tabs, escape sequences) written as escapes
 * (`\n`, `\t`, `\u001b`), so a message built from manifest content stays on one line and cannot
 * inject terminal or workflow-command sequences.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
