/**
 * The Prometheus text exposition format (version 0.0.4), as the Pushgateway accepts it: `# HELP` and
 * `# TYPE` before each family, escaped label values, no timestamps, no duplicate series, `\n` line ends and
 * a final newline (without it the gateway answers `400 … unexpected end of input stream`).
 * See https://prometheus.io/docs/instrumenting/exposition_formats/ and docs/pod-health.md#metrics.
 */
import type { MetricDefinition } from '../metrics.js';

/** Label names and metric names allowed by the legacy (non-UTF-8) rules the Pushgateway applies by default. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Escapes a label value: backslash, double quote and newline (the only escapes the format defines). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes HELP text: backslash and newline. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Formats a sample value (`NaN`, `+Inf`, `-Inf` spelled as the format requires). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Collects gauge samples per family and renders them. Series are deduplicated by label set (the larger
 * value wins, so the output never depends on input order) and sorted; families keep their registration order,
 * and a family without samples is left out.
 */
export class ExpositionBuilder {
  private readonly families = new Map<string, { def: MetricDefinition; series: Map<string, number> }>();

  /** Registers families in output order. */
  constructor(definitions: readonly MetricDefinition[]) {
    for (const def of definitions) {
      if (!METRIC_NAME.test(def.name)) throw new Error(`invalid metric name ${JSON.stringify(def.name)}`);
      for (const l of def.labels) {
        if (!LABEL_NAME.test(l) || l.startsWith('__'))
          throw new Error(`invalid label name ${JSON.stringify(l)} on ${def.name}`);
      }
      this.families.set(def.name, { def, series: new Map() });
    }
  }

  /** Adds one sample; `labels` must hold exactly the family's labels (missing ones are sent empty). */
  add(
    def: MetricDefinition,
    labels: Readonly<Record<string, string | null | undefined>>,
    value: number,
  ): void {
    const family = this.families.get(def.name);
    if (!family) throw new Error(`metric ${def.name} is not registered`);
    const extra = Object.keys(labels).filter((k) => !def.labels.includes(k));
    if (extra.length > 0) throw new Error(`labels ${extra.join(', ')} are not declared for ${def.name}`);
    const key = def.labels.map((l) => `${l}="${escapeLabelValue(labels[l] ?? '')}"`).join(',');
    const previous = family.series.get(key);
    family.series.set(key, previous === undefined ? value : Math.max(previous, value));
  }

  /** Renders every non-empty family as text ending with a newline (empty string when nothing was added). */
  render(): string {
    const lines: string[] = [];
    for (const { def, series } of this.families.values()) {
      if (series.size === 0) continue;
      lines.push(`# HELP ${def.name} ${escapeHelp(def.help)}`, `# TYPE ${def.name} gauge`);
      for (const key of [...series.keys()].sort()) {
        const labelText = key === '' ? '' : `{${key}}`;
        lines.push(`${def.name}${labelText} ${formatValue(series.get(key) ?? 0)}`);
      }
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }
}
