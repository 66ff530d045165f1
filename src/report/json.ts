/** Renders the JSON report (schemaVersion 1): the {@link Report} object as is, with stable key order. */
import type { Report } from './model.js';

/** Returns the JSON report text, ending with a newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
