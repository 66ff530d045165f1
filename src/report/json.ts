/**
 * Renders the JSON report (schemaVersion 1): the {@link Report} object as is, with stable key order. Values are
 * exact (file names as they are); `safeJson` only writes characters a terminal or the runner could act on as
 * `\\u` escapes.
 */

import { safeJson } from '../untrusted.js';
import type { Report } from './model.js';

/** Returns the JSON report text, ending with a newline. */
export function renderJson(report: Report): string {
  return `${safeJson(JSON.stringify(report, null, 2))}\n`;
}
